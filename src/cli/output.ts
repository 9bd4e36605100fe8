import { isXaiError } from "../errors.js";
import { isRemoteError } from "./errors.js";

/** Prints a command's result: one JSON object with --json, else indented JSON for people. */
export function printResult(result: unknown, json: boolean, human?: (r: never) => string): void {
  if (json || !human) process.stdout.write(`${JSON.stringify(result, null, json ? 0 : 2)}\n`);
  else process.stdout.write(`${human(result as never)}\n`);
}

/** Prints an error as `CODE: message` on stderr (a node's error alike) and sets a non-zero exit code. */
export function printError(err: unknown): void {
  if (isXaiError(err) || isRemoteError(err)) process.stderr.write(`${err.code}: ${err.message}\n`);
  else process.stderr.write(`ERROR: ${(err as Error)?.message ?? String(err)}\n`);
  process.exitCode = 1;
}
