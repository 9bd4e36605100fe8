/** Options and output shared by the commands that sign or submit transactions. */
import type { Command } from "commander";
import { printResult } from "../output.js";
import { DEFAULT_MAX_FEE, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS } from "../pin.js";
import type { TxOutcome } from "../signer.js";

/** Prints a transaction command's outcome; a receipt that is not `ok` is printed, then raised. */
export function printOutcome(outcome: TxOutcome, json: boolean): void {
  printResult(outcome.result, json);
  if (outcome.failure) throw outcome.failure;
}

/** The options that pin what the client signs (SPEC §6 v2); every signing command takes them. */
export function addPinOptions(c: Command): Command {
  return c
    .option(
      "--chain-id <id>",
      "the chain to sign for (else $XAI_CHAIN_ID, else chain_id of the client config: $XAI_CONFIG or ~/.xai-gov/client.json; required)",
    )
    .option(
      "--max-fee <units>",
      `refuse to sign a fee above this (default: the client config's max_fee, else ${DEFAULT_MAX_FEE})`,
    );
}

/** The options of commands that submit and may wait. */
export function addWaitOptions(c: Command): Command {
  return c
    .option("--wait", "wait for inclusion and print the receipt (exits non-zero unless its result is ok)")
    .option("--timeout <ms>", `how long --wait waits (1 … ${MAX_TIMEOUT_MS})`, String(DEFAULT_TIMEOUT_MS));
}
