import { existsSync } from "node:fs";
import type { Command } from "commander";
import { toHex } from "../../crypto/bytes.js";
import { generateKeyPair } from "../../crypto/keygen.js";
import { xaiError } from "../../errors.js";
import { writeKeyFile } from "../../node/keyFile.js";
import { CliErrorCode } from "../errors.js";
import { printResult } from "../output.js";
import { resolveKey } from "../signer.js";

/** Registers `keys new` and `keys show`. */
export function registerKeys(program: Command): void {
  const keys = program.command("keys").description("client keys (kept by you, never sent to a node)");
  keys
    .command("new")
    .description("write a new ed25519 key file")
    .requiredOption("--out <file>", "key file to create (refuses to overwrite)")
    .option("--json", "print JSON")
    .action((o: { out: string; json?: boolean }) => {
      // writeKeyFile also refuses (flag "wx"); this check gives the refusal a code instead of EEXIST.
      if (existsSync(o.out))
        throw xaiError(CliErrorCode.KEY_FILE_EXISTS, `${o.out} exists; refusing to overwrite it`);
      const k = generateKeyPair();
      writeKeyFile(o.out, k);
      printResult({ address: k.address, public_key: toHex(k.publicKey), file: o.out }, o.json === true);
    });
  keys
    .command("show")
    .description("print the address and public key of a key")
    .requiredOption("--key <file|dev:N>", "key file or dev:0 … dev:9")
    .option("--json", "print JSON")
    .action((o: { key: string; json?: boolean }) => {
      const { key } = resolveKey(o.key);
      printResult({ address: key.address, public_key: toHex(key.publicKey) }, o.json === true);
    });
}
