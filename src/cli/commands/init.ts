import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { createGenesisJson, type Preset, parseGenesis } from "../../config/genesis.js";
import { generateKeyPair } from "../../crypto/keys.js";
import { XaiError } from "../../errors.js";
import { writeKeyFile } from "../../node/keyFile.js";
import { nodePaths } from "../../node/paths.js";
import { printResult } from "../output.js";

/** Options of `init`. */
export interface InitOptions {
  dir: string;
  dev?: boolean;
  preset?: string;
  chainId?: string;
  blockTimeMs?: string;
  validators?: string;
  json?: boolean;
}

/**
 * Writes DIR/genesis.json and validator keys: DIR/validator.key for one validator, or
 * DIR/validators/validator-I.key for several (copy each into its node's directory).
 */
export function initChain(o: InitOptions, nowMs: number): Record<string, unknown> {
  const preset = (o.preset ?? "dev") as Preset;
  if (preset !== "dev" && preset !== "test") throw new XaiError("BAD_OPTION", "--preset is dev or test");
  const n = Number(o.validators ?? "1");
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new XaiError("BAD_OPTION", "--validators is 1 to 100");
  const paths = nodePaths(o.dir);
  if (existsSync(paths.genesis)) throw new XaiError("ALREADY_INITIALIZED", `${paths.genesis} exists`);
  const keys = Array.from({ length: n }, () => generateKeyPair());
  const json = createGenesisJson({
    chainId: o.chainId ?? (o.dev ? "xai-devnet-1" : "xai-testnet-1"),
    preset,
    dev: o.dev === true,
    validatorPublicKeys: keys.map((k) => k.publicKey),
    genesisTimeMs: nowMs,
    ...(o.blockTimeMs ? { blockTimeMs: Number(o.blockTimeMs) } : {}),
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

/** Registers `init`. */
export function registerInit(program: Command): void {
  program
    .command("init")
    .description("write DIR/genesis.json and validator key(s)")
    .requiredOption("--dir <dir>", "node directory")
    .option("--dev", "fund dev:0 … dev:9 with 1,000,000 XAI each (dev chain ids only)")
    .option("--preset <preset>", "dev (SPEC defaults) or test (short periods)", "dev")
    .option("--chain-id <id>", "chain id (default xai-devnet-1 with --dev, else xai-testnet-1)")
    .option("--block-time-ms <ms>", "block time in ms")
    .option("--validators <n>", "number of validators", "1")
    .option("--json", "print JSON")
    .action((o: InitOptions) => printResult(initChain(o, Date.now()), o.json === true));
}
