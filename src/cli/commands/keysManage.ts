/**
 * `keys import NAME (--mnemonic | --hex | --file F)`, `keys export NAME [--out F] [--unsafe-raw]`,
 * `keys delete NAME [--yes]`. A mnemonic or hex key comes from `--secret-file` or stdin (a hidden
 * prompt on a terminal), never from an option value. A keystore imported with --file is checked
 * with its passphrase and stored as it is. Export writes the keystore as stored (its passphrase is
 * checked first); the raw secret needs --unsafe-raw. Mnemonics are not stored, so they cannot be
 * exported.
 */
import { existsSync, unlinkSync } from "node:fs";
import type { Command } from "commander";
import { fromHex, toHex } from "../../crypto/bytes.js";
import { keyPairFromSecret } from "../../crypto/keys.js";
import { keyPairFromMnemonic } from "../../crypto/mnemonic.js";
import { xaiError } from "../../errors.js";
import { NodeErrorCode } from "../../node/errors.js";
import { readKeyFile } from "../../node/keyFile.js";
import { CliErrorCode } from "../errors.js";
import { ensureKeyring, keyInfo, keyringPath, plainKeyJson, readKeyJson, writeNewFile } from "../keyring.js";
import { type KeyOptions, loadKeyFile } from "../keySource.js";
import { decryptKey, isKeystoreJson } from "../keystore.js";
import { type WriteKeyOptions, writeKey } from "../keyWrite.js";
import { printResult } from "../output.js";
import { confirm, interactive, readPassphrase, readSecretInput } from "../prompt.js";
import { addKeyOptions } from "./keyOptions.js";

type ImportOptions = WriteKeyOptions & {
  mnemonic?: boolean;
  hex?: boolean;
  file?: string;
  secretFile?: string;
};

/** The existing key file of keyring name NAME (KEY_NOT_FOUND if there is none). */
function existing(o: KeyOptions, name: string): string {
  const path = keyringPath(o, name);
  if (!existsSync(path)) throw xaiError(CliErrorCode.KEY_NOT_FOUND, `no key ${name} in the keyring`);
  return path;
}

async function importKey(name: string, o: ImportOptions): Promise<void> {
  const sources = [o.mnemonic, o.hex, o.file !== undefined].filter(Boolean).length;
  if (sources !== 1)
    throw xaiError(NodeErrorCode.BAD_OPTION, "give exactly one of --mnemonic, --hex and --file F");
  if (o.secretFile !== undefined && o.file !== undefined)
    throw xaiError(NodeErrorCode.BAD_OPTION, "--secret-file goes with --mnemonic or --hex");
  const path = keyringPath(o, name);
  if (existsSync(path))
    throw xaiError(CliErrorCode.KEY_FILE_EXISTS, `key ${name} exists; refusing to overwrite it`);
  const label = `key ${name}`;
  let out: { address: string; public_key: string; encrypted: boolean };
  if (o.file !== undefined && isKeystoreJson(readKeyJson(o.file))) {
    const json = readKeyJson(o.file);
    await decryptKey(json, await readPassphrase(o, o.file, false)); // only a keystore that opens is kept
    ensureKeyring(o);
    writeNewFile(path, `${JSON.stringify(json, null, 2)}\n`);
    out = keyInfo(json, o.file);
  } else {
    let key = o.file !== undefined ? readKeyFile(o.file) : undefined;
    if (!key) {
      const text = await readSecretInput(o.secretFile, o.mnemonic ? "Mnemonic" : "Secret key (64 hex)");
      if (o.mnemonic) key = keyPairFromMnemonic(text);
      else {
        const hex = text.trim().toLowerCase();
        if (!/^[0-9a-f]{64}$/.test(hex))
          throw xaiError(NodeErrorCode.BAD_OPTION, "a secret key is 64 hex characters");
        key = keyPairFromSecret(fromHex(hex));
      }
    }
    const encrypted = await writeKey(path, key, o, label, true);
    out = { address: key.address, public_key: toHex(key.publicKey), encrypted };
  }
  printResult({ name, ...out, file: path }, o.json === true);
}

type ExportOptions = KeyOptions & { out?: string; unsafeRaw?: boolean; json?: boolean };

async function exportKey(name: string, o: ExportOptions): Promise<void> {
  const path = existing(o, name);
  const json = readKeyJson(path);
  const encrypted = isKeystoreJson(json);
  if (!encrypted && !o.unsafeRaw)
    throw xaiError(
      CliErrorCode.UNSAFE_EXPORT,
      `key ${name} is not encrypted: exporting it needs --unsafe-raw`,
    );
  if (o.out !== undefined && existsSync(o.out))
    throw xaiError(CliErrorCode.KEY_FILE_EXISTS, `${o.out} exists; refusing to overwrite it`);
  // The passphrase is checked either way: an export nobody can open is worth nothing.
  const key = await loadKeyFile(path, o, `key ${name}`);
  const exported = o.unsafeRaw ? plainKeyJson(key) : json;
  if (o.out === undefined) return printResult(exported, o.json === true);
  writeNewFile(o.out, `${JSON.stringify(exported, null, 2)}\n`);
  printResult({ name, address: key.address, file: o.out, encrypted: !o.unsafeRaw }, o.json === true);
}

async function deleteKey(name: string, o: KeyOptions & { yes?: boolean; json?: boolean }): Promise<void> {
  const path = existing(o, name);
  const { address } = keyInfo(readKeyJson(path), path);
  if (!o.yes) {
    if (!interactive())
      throw xaiError(
        CliErrorCode.CONFIRMATION_REQUIRED,
        `deleting key ${name} needs --yes when not on a terminal`,
      );
    if (!(await confirm(`Delete key ${name} (${address})? It cannot be undone. [y/N] `)))
      throw xaiError(CliErrorCode.CONFIRMATION_REQUIRED, `key ${name} was not deleted`);
  }
  unlinkSync(path);
  printResult({ name, address, deleted: true }, o.json === true);
}

/** Registers `keys import`, `keys export` and `keys delete`. */
export function registerKeysManage(keys: Command): void {
  addKeyOptions(keys.command("import"))
    .description("add a key to the keyring from a mnemonic, a hex secret key or a key file")
    .argument("<name>", "keyring name")
    .option("--mnemonic", "from a BIP-39 mnemonic (--secret-file, else stdin or a prompt)")
    .option("--hex", "from a 64-hex secret key (--secret-file, else stdin or a prompt)")
    .option("--file <file>", "from a key file: plaintext or keystore (a keystore is kept as it is)")
    .option("--secret-file <file>", "the file holding the mnemonic or hex key")
    .option("--unencrypted", "store it as a plaintext key file")
    .option("--json", "print JSON")
    .action((name: string, o: ImportOptions) => importKey(name, o));
  addKeyOptions(keys.command("export"))
    .description("print (or write with --out) a keyring key: its keystore, or the raw key with --unsafe-raw")
    .argument("<name>", "keyring name")
    .option("--out <file>", "write it to this file (mode 0600, refuses to overwrite)")
    .option("--unsafe-raw", "export the plaintext secret key (anyone who reads it owns the key)")
    .option("--json", "print JSON")
    .action((name: string, o: ExportOptions) => exportKey(name, o));
  addKeyOptions(keys.command("delete"))
    .description("delete a key from the keyring (asks on a terminal; --yes otherwise)")
    .argument("<name>", "keyring name")
    .option("--yes", "do not ask")
    .option("--json", "print JSON")
    .action((name: string, o: KeyOptions & { yes?: boolean; json?: boolean }) => deleteKey(name, o));
}
