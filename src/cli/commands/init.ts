import type { Command } from "commander";
import { type InitOptions, initChain } from "../../node/initChain.js";
import { printResult } from "../output.js";

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
