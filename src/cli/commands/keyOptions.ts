/** The options of every command that reads a key (`--key`, `keys …`). */
import type { Command } from "commander";

/** Adds `--keyring DIR` and `--passphrase-file F` (a passphrase is never an option value). */
export function addKeyOptions(c: Command): Command {
  return c
    .option("--keyring <dir>", "keyring directory (default: $XAI_KEYRING, else ~/.xai-gov/keys)")
    .option(
      "--passphrase-file <file>",
      "read the key's passphrase from the first line of this file (else $XAI_PASSPHRASE, else a prompt)",
    );
}
