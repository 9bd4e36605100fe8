import { existsSync, readFileSync } from "node:fs";
import { GENESIS_FILE_META } from "../chain/genesisBlock.js";
import { GenesisErrorCode, GenesisFault } from "../config/errors.js";
import { type Genesis, type GenesisFile, parseCheckedGenesis, parseGenesis } from "../config/genesis.js";
import { genesisFieldsHash } from "../config/genesisHash.js";
import { bytesEqual } from "../crypto/bytes.js";
import { sha256 } from "../crypto/hash.js";
import type { ChainDb } from "../db/chainDb.js";
import { xaiError } from "../errors.js";
import { NodeErrorCode } from "./errors.js";
import { nodePaths } from "./paths.js";

/** DIR/genesis.json read: its JSON and the sha256 of its bytes. */
export interface GenesisJson {
  json: unknown;
  fileSha256: Uint8Array;
}

/**
 * Reads DIR/genesis.json: NO_GENESIS if it is missing, GENESIS_INVALID with reason `not_json` if
 * it is not JSON text (a bare SyntaxError before: `ERROR: Unexpected token …` with no code, found
 * by the fuzzer). Its fields are validated by loadGenesis or startGenesis.
 */
export function readGenesisFile(dir: string): GenesisJson {
  const path = nodePaths(dir).genesis;
  if (!existsSync(path))
    throw xaiError(NodeErrorCode.NO_GENESIS, `${path} not found: run \`xai-gov init --dir ${dir}\` first`);
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

/** Reads and validates DIR/genesis.json whole, balances included (readGenesisFile, parseGenesis). */
export function loadGenesis(dir: string): GenesisFile {
  return parseGenesis(readGenesisFile(dir).json);
}

/**
 * The genesis a node starts with on `db`. If the file's bytes are the ones the database has
 * already checked whole (GENESIS_FILE_META: their sha256, then genesisFieldsHash of what they gave),
 * every field but the balances is validated again and the hash is the database's; the balances
 * are neither checked, sorted nor hashed (100,000 of them held about 60 MiB of resident memory
 * after start, issue 10). If those fields now give another encoding (a release that reads the same
 * bytes differently), or the bytes differ, the file is parsed whole, and the chain compares its
 * hash with the database's (GENESIS_MISMATCH for a swapped file) before it stores the new record
 * (ChainOptions.genesisFileSha256).
 */
export async function startGenesis(file: GenesisJson, db: ChainDb): Promise<GenesisFile | Genesis> {
  const [record, hash] = await Promise.all([db.getMeta(GENESIS_FILE_META), db.getMeta("genesis")]);
  if (record?.length === 64 && hash !== undefined && bytesEqual(record.subarray(0, 32), file.fileSha256)) {
    const checked = parseCheckedGenesis(file.json, hash);
    if (bytesEqual(genesisFieldsHash(checked), record.subarray(32))) return checked;
  }
  return parseGenesis(file.json);
}
