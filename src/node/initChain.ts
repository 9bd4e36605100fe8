// `init`: writes a new chain's genesis and validator keys to a node directory. The CLI's `init`
// and `start --dev` call it, and so do the devnet command, the tests and the benchmarks.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createGenesisJson, type Preset, parseGenesis, type RuleValues } from "../config/genesis.js";
import { generateKeyPair } from "../crypto/keygen.js";
import { xaiError } from "../errors.js";
import { NodeErrorCode } from "./errors.js";
import { writeKeyFile } from "./keyFile.js";
import { nodePaths } from "./paths.js";

/** Options of `init`. */
export interface InitOptions {
  dir: string;
  dev?: boolean;
  preset?: string;
  chainId?: string;
  blockTimeMs?: string;
  validators?: string;
  json?: boolean;
  /** Governance rules over the preset's (not a CLI option: the harness sizes its clusters' periods). */
  rules?: RuleValues;
}

/**
 * Writes DIR/genesis.json and validator keys: DIR/validator.key for one validator, or
 * DIR/validators/validator-I.key for several (copy each into its node's directory).
 */
export function initChain(o: InitOptions, nowMs: number): Record<string, unknown> {
  const preset = (o.preset ?? "dev") as Preset;
  if (preset !== "dev" && preset !== "test")
    throw xaiError(NodeErrorCode.BAD_OPTION, "--preset is dev or test");
  const n = Number(o.validators ?? "1");
  if (!Number.isInteger(n) || n < 1 || n > 100)
    throw xaiError(NodeErrorCode.BAD_OPTION, "--validators is 1 to 100");
  const paths = nodePaths(o.dir);
  if (existsSync(paths.genesis)) throw xaiError(NodeErrorCode.ALREADY_INITIALIZED, `${paths.genesis} exists`);
  const keys = Array.from({ length: n }, () => generateKeyPair());
  const json = createGenesisJson({
    chainId: o.chainId ?? (o.dev ? "xai-devnet-1" : "xai-testnet-1"),
    preset,
    dev: o.dev === true,
    validatorPublicKeys: keys.map((k) => k.publicKey),
    genesisTimeMs: nowMs,
    ...(o.blockTimeMs ? { blockTimeMs: Number(o.blockTimeMs) } : {}),
    ...(o.rules ? { rules: o.rules } : {}),
  });
  const genesis = parseGenesis(json);
  mkdirSync(o.dir, { recursive: true });
  writeFileSync(paths.genesis, `${JSON.stringify(json, null, 2)}\n`);
  const keyFiles: string[] = [];
  if (n === 1) {
    writeKeyFile(paths.validatorKey, keys[0]!);
    keyFiles.push(paths.validatorKey);
  } else {
    mkdirSync(join(o.dir, "validators"), { recursive: true });
    keys.forEach((k, i) => {
      const f = join(o.dir, "validators", `validator-${i}.key`);
      writeKeyFile(f, k);
      keyFiles.push(f);
    });
  }
  return {
    chain_id: genesis.chainId,
    genesis: paths.genesis,
    validators: keys.map((k) => k.address),
    key_files: keyFiles,
  };
}
