import { existsSync, readFileSync } from "node:fs";
import { type Genesis, parseGenesis } from "../config/genesis.js";
import { xaiError } from "../errors.js";
import { NodeErrorCode } from "./errors.js";
import { nodePaths } from "./paths.js";

/** Reads and validates DIR/genesis.json. */
export function loadGenesis(dir: string): Genesis {
  const path = nodePaths(dir).genesis;
  if (!existsSync(path))
    throw xaiError(NodeErrorCode.NO_GENESIS, `${path} not found: run \`xai-gov init --dir ${dir}\` first`);
  return parseGenesis(JSON.parse(readFileSync(path, "utf8")));
}
