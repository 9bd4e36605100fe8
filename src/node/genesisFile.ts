import { existsSync, readFileSync } from "node:fs";
import { GenesisErrorCode, GenesisFault } from "../config/errors.js";
import { type GenesisFile, parseGenesis } from "../config/genesis.js";
import { xaiError } from "../errors.js";
import { NodeErrorCode } from "./errors.js";
import { nodePaths } from "./paths.js";

/**
 * Reads and validates DIR/genesis.json. A file that is not JSON text is GENESIS_INVALID with reason
 * `not_json` (a bare SyntaxError before: `ERROR: Unexpected token …` with no code, found by the fuzzer).
 */
export function loadGenesis(dir: string): GenesisFile {
  const path = nodePaths(dir).genesis;
  if (!existsSync(path))
    throw xaiError(NodeErrorCode.NO_GENESIS, `${path} not found: run \`xai-gov init --dir ${dir}\` first`);
  const text = readFileSync(path, "utf8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw xaiError(GenesisErrorCode.INVALID, `${path} is not JSON: ${(err as Error).message}`, {
      reason: GenesisFault.NOT_JSON,
    });
  }
  return parseGenesis(json);
}
