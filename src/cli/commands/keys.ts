/**
 * `keys new`, `keys show`, `keys list` (here) and `keys import`, `keys export`, `keys delete`
 * (keysManage.ts). New keys are encrypted (keystore v1) and come from a 24-word mnemonic printed
 * once, unless `--unencrypted` / `--no-mnemonic`. See docs/SECURITY.md "Client keys".
 */
import { existsSync } from "node:fs";
import type { Command } from "commander";
import { toHex } from "../../crypto/bytes.js";
import { generateKeyPair, generateMnemonicPhrase } from "../../crypto/keygen.js";
import { keyPairFromMnemonic, XAI_DERIVATION_PATH } from "../../crypto/mnemonic.js";
import { xaiError } from "../../errors.js";
import { NodeErrorCode } from "../../node/errors.js";
import { CliErrorCode } from "../errors.js";
import { keyringPath, listKeyring } from "../keyring.js";
import { type KeyOptions, resolvePublicKey } from "../keySource.js";
import { type WriteKeyOptions, writeKey } from "../keyWrite.js";
import { printResult } from "../output.js";
import { addKeyOptions } from "./keyOptions.js";
import { registerKeysManage } from "./keysManage.js";

/** `--out FILE` or `--name NAME` (exactly one): the file to create and its label. */
export function target(o: KeyOptions & { out?: string; name?: string }): { path: string; name?: string } {
  if ((o.out === undefined) === (o.name === undefined))
    throw xaiError(NodeErrorCode.BAD_OPTION, "give exactly one of --out FILE and --name NAME");
  const t = o.out !== undefined ? { path: o.out } : { path: keyringPath(o, o.name!), name: o.name! };
  // Checked again when written; here so that nobody types a passphrase for nothing.
  if (existsSync(t.path))
    throw xaiError(CliErrorCode.KEY_FILE_EXISTS, `${t.path} exists; refusing to overwrite it`);
  return t;
}

type NewOptions = WriteKeyOptions & { out?: string; name?: string; mnemonic: boolean };

/** Registers the `keys` commands. */
export function registerKeys(program: Command): void {
  const keys = program.command("keys").description("client keys (kept by you, never sent to a node)");
  addKeyOptions(keys.command("new"))
    .description("create a key: encrypted, from a 24-word mnemonic printed once")
    .option("--out <file>", "key file to create (refuses to overwrite)")
    .option("--name <name>", "create it in the keyring under this name")
    .option("--unencrypted", "write a plaintext key file (validator keys of a node are plaintext)")
    .option("--no-mnemonic", "a random key without a mnemonic (it cannot be restored from words)")
    .option("--json", "print JSON")
    .action(async (o: NewOptions) => {
      const t = target(o);
      const mnemonic = o.mnemonic ? generateMnemonicPhrase() : undefined;
      const key = mnemonic ? keyPairFromMnemonic(mnemonic) : generateKeyPair();
      const encrypted = await writeKey(
        t.path,
        key,
        o,
        t.name ? `key ${t.name}` : t.path,
        t.name !== undefined,
      );
      const out = {
        ...(t.name ? { name: t.name } : {}),
        address: key.address,
        public_key: toHex(key.publicKey),
        file: t.path,
        encrypted,
        ...(mnemonic ? { mnemonic, derivation_path: XAI_DERIVATION_PATH } : {}),
      };
      printResult(out, o.json === true);
      if (mnemonic && !o.json)
        process.stderr.write(
          "Write the mnemonic down now: it is shown only this once and restores the key.\n",
        );
    });
  addKeyOptions(keys.command("show"))
    .description("print the address and public key of a key (no passphrase needed)")
    .argument("[name]", "a keyring name (or give --key)")
    .option("--key <name|file|dev:N>", "a keyring name, a key file or dev:0 … dev:9")
    .option("--json", "print JSON")
    .action((name: string | undefined, o: KeyOptions & { key?: string; json?: boolean }) => {
      const spec = name ?? o.key;
      if (spec === undefined || (name !== undefined && o.key !== undefined))
        throw xaiError(NodeErrorCode.BAD_OPTION, "give a key name or --key, not both");
      const { address, publicKey } = resolvePublicKey(spec, o);
      printResult({ address, public_key: toHex(publicKey) }, o.json === true);
    });
  addKeyOptions(keys.command("list"))
    .description("list the keys of the keyring: name, address, public key, encrypted")
    .option("--json", "print JSON")
    .action((o: KeyOptions & { json?: boolean }) => {
      printResult(listKeyring(o), o.json === true);
    });
  registerKeysManage(keys);
}
