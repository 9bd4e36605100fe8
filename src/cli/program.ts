import { Command } from "commander";
import { VERSION } from "../version.js";
import { applyClientEnv } from "./clientEnv.js";
import { registerDevnet } from "./commands/devnet.js";
import { registerGovernanceQuery, registerGovernanceTx } from "./commands/governance.js";
import { registerInit } from "./commands/init.js";
import { registerKeys } from "./commands/keys.js";
import { registerQuery } from "./commands/query.js";
import { registerReplay } from "./commands/replay.js";
import { registerStart } from "./commands/start.js";
import { registerTx } from "./commands/tx.js";
import { registerCompletion } from "./completion.js";

/** Builds the `xai-gov` command tree. */
export function createProgram(): Command {
  const program = new Command("xai-gov")
    .description("XAI governance node: run a node, sign and send transactions, query, replay")
    .version(VERSION, "-V, --version", "print the version")
    .showHelpAfterError();
  registerInit(program);
  registerStart(program);
  registerKeys(program);
  registerGovernanceTx(registerTx(program));
  registerGovernanceQuery(registerQuery(program));
  registerReplay(program);
  registerDevnet(program);
  registerCompletion(program);
  applyClientEnv(program);
  return program;
}
