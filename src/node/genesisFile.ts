import { existsSync, readFileSync } from "node:fs";
import { GENESIS_FILE_META } from "../chain/genesisBlock.js";
import { GenesisErrorCode, GenesisFault } from "../config/errors.js";
import { type Genesis, type GenesisFile, parseCheckedGenesis, parseGenesis } from "../config/genesis.js";
import { bytesEqual } from "../crypto/bytes.js";
import { sha256 } from "../crypto/hash.js";
import type { ChainDb } from "../db/chainDb.js";
import { xaiError } from "../errors.js";
import { NodeErrorCode } from "./errors.js";
import { nodePaths } from "./paths.js";

/** DIR/genesis.json's bytes as JSON and their sha256; NO_GENESIS, or GENESIS_INVALID `not_json`. */
function readGenesisJson(dir: string): { json: unknown; fileSha256: Uint8Array } {
  requireGenesisFile(dir);
  const path = nodePaths(dir).genesis;
  const bytes = readFileSync(path);
  const fileSha256 = sha256(bytes);
  try {
    return { json: JSON.parse(bytes.toString("utf8")), fileSha256 };
  } catch (err) {
    throw xaiError(GenesisErrorCode.INVALID, `${path} is not JSON: ${(err as Error).message}`, {
      reason: GenesisFault.NOT_JSON,
    });
  }
}

/**
 * Reads and validates DIR/genesis.json whole, balances included. A file that is not JSON text is
 * GENESIS_INVALID with reason `not_json` (a bare SyntaxError before: `ERROR: Unexpected token …`
 * with no code, found by the fuzzer).
 */
export function loadGenesis(dir: string): GenesisFile {
  return parseGenesis(readGenesisJson(dir).json);
}

/** Throws NO_GENESIS unless DIR/genesis.json exists (before a database is created beside it). */
export function requireGenesisFile(dir: string): void {
  const path = nodePaths(dir).genesis;
  if (!existsSync(path))
    throw xaiError(NodeErrorCode.NO_GENESIS, `${path} not found: run \`xai-gov init --dir ${dir}\` first`);
}

/**
 * The genesis a node starts with on `db`. If the file's bytes are the ones the database has already
 * checked whole (GENESIS_FILE_META), every field but the balances is validated again and the hash
 * is the database's: the balances are neither parsed nor checked (100,000 of them held about
 * 60 MiB of resident memory after start, issue 10). Otherwise the file is parsed whole and the
 * chain compares its hash with the database's (GENESIS_MISMATCH for a swapped file) before it
 * stores the new digest, `fileSha256` (ChainOptions.genesisFileSha256).
 */
export async function loadStartGenesis(
  dir: string,
  db: ChainDb,
): Promise<{ genesis: GenesisFile | Genesis; fileSha256: Uint8Array }> {
  const { json, fileSha256 } = readGenesisJson(dir);
  const [checked, hash] = await Promise.all([db.getMeta(GENESIS_FILE_META), db.getMeta("genesis")]);
  if (checked !== undefined && hash !== undefined && bytesEqual(checked, fileSha256))
    return { genesis: parseCheckedGenesis(json, hash), fileSha256 };
  return { genesis: parseGenesis(json), fileSha256 };
}
