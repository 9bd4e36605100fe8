/**
 * The keyring: a directory of key files named NAME.json (`--keyring DIR`, else $XAI_KEYRING, else
 * ~/.xai-gov/keys/), the directory 0700 and each file 0600. A file is a keystore (encrypted) or a
 * plaintext key file (`--unencrypted`). New files are written whole or not at all, never over an
 * existing one (a temporary file linked into place).
 */
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fromHex, toHex } from "../crypto/bytes.js";
import { addressOf, type KeyPair, keyPairFromSecret } from "../crypto/keys.js";
import { isXaiError, xaiError } from "../errors.js";
import { NodeErrorCode } from "../node/errors.js";
import { CliErrorCode } from "./errors.js";
import { isKeystoreJson, parseKeystore } from "./keystore.js";

/** Options naming the keyring. */
export interface KeyringOptions {
  keyring?: string;
}

/** A keyring name: 1 to 64 letters, digits, `_` or `-`, starting with a letter or digit. */
export const KEY_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** The keyring directory: `--keyring`, else $XAI_KEYRING, else ~/.xai-gov/keys. */
export function keyringDir(o: KeyringOptions): string {
  return o.keyring ?? (process.env.XAI_KEYRING || join(homedir(), ".xai-gov", "keys"));
}

/** The file of key NAME (BAD_KEY_NAME for a name the keyring cannot hold). */
export function keyringPath(o: KeyringOptions, name: string): string {
  if (!KEY_NAME_RE.test(name))
    throw xaiError(
      CliErrorCode.BAD_KEY_NAME,
      `a key name is 1 to 64 letters, digits, _ or -: ${JSON.stringify(name)}`,
    );
  return join(keyringDir(o), `${name}.json`);
}

/** Writes a new file of mode 0600 whole (fsynced) or not at all; KEY_FILE_EXISTS if it exists. */
export function writeNewFile(path: string, text: string): void {
  if (existsSync(path))
    throw xaiError(CliErrorCode.KEY_FILE_EXISTS, `${path} exists; refusing to overwrite it`);
  const tmp = join(dirname(path), `.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(tmp, "wx", 0o600);
  try {
    try {
      writeFileSync(fd, text); // loops until all is written, or throws (writeSync may write part)
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    linkSync(tmp, path); // fails with EEXIST rather than replace a file created meanwhile
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST")
      throw xaiError(CliErrorCode.KEY_FILE_EXISTS, `${path} exists; refusing to overwrite it`);
    throw err;
  } finally {
    // On every path: a failed write (a full disk) leaves no partial secret behind.
    rmSync(tmp, { force: true });
  }
  const dfd = openSync(dirname(path), "r");
  try {
    fsyncSync(dfd);
  } finally {
    closeSync(dfd);
  }
}

/** Creates the keyring directory (0700) if it is missing. */
export function ensureKeyring(o: KeyringOptions): string {
  const dir = keyringDir(o);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // An existing directory keeps its mode: others able to write it could replace or remove keys.
  const st = statSync(dir);
  if (typeof process.getuid === "function" && st.uid !== process.getuid())
    throw xaiError(CliErrorCode.KEYRING_UNSAFE, `keyring ${dir} is not owned by this user`);
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
  return dir;
}

/** The JSON of a key file (KEY_FILE_INVALID if it cannot be read or parsed). */
export function readKeyJson(path: string): Record<string, unknown> {
  try {
    const json = JSON.parse(readFileSync(path, "utf8")) as unknown;
    if (typeof json === "object" && json !== null) return json as Record<string, unknown>;
  } catch (err) {
    // Not the parser's message: it quotes the start of the file (a mnemonic, a raw key).
    const why = err instanceof SyntaxError ? "not JSON" : (err as NodeJS.ErrnoException).code;
    throw xaiError(NodeErrorCode.KEY_FILE_INVALID, `cannot read key file ${path}: ${why}`);
  }
  throw xaiError(NodeErrorCode.KEY_FILE_INVALID, `${path} is not a JSON object`);
}

/** What a key file shows without its passphrase: address, public key, whether it is encrypted. */
export interface KeyInfo {
  address: string;
  public_key: string;
  encrypted: boolean;
}

/** The public part of a key file's JSON (keystore or plaintext; the plaintext key is checked). */
export function keyInfo(json: Record<string, unknown>, path: string): KeyInfo {
  if (isKeystoreJson(json)) {
    const ks = parseKeystore(json);
    return { address: ks.address, public_key: ks.public_key, encrypted: true };
  }
  const pk = json.public_key;
  const sk = json.secret_key;
  if (
    typeof pk !== "string" ||
    !/^[0-9a-f]{64}$/.test(pk) ||
    typeof sk !== "string" ||
    !/^[0-9a-f]{64}$/.test(sk)
  )
    throw xaiError(NodeErrorCode.KEY_FILE_INVALID, `${path}: not a key file (public_key, secret_key)`);
  // What is shown (and used by --generate-only) must be the key that signs.
  if (toHex(keyPairFromSecret(fromHex(sk)).publicKey) !== pk)
    throw xaiError(NodeErrorCode.KEY_FILE_INVALID, `${path}: public_key is not the secret key's`);
  return { address: addressOf(fromHex(pk)), public_key: pk, encrypted: false };
}

/** The plaintext key file JSON of a key (the form of src/node/keyFile.ts). */
export function plainKeyJson(key: KeyPair): Record<string, string> {
  return { address: key.address, public_key: toHex(key.publicKey), secret_key: toHex(key.secretKey) };
}

/** One entry of `keys list`. */
export type KeyringEntry = { name: string } & (KeyInfo | { error: string });

/** Every key of the keyring, by name; a file that does not read shows its error code. */
export function listKeyring(o: KeyringOptions): KeyringEntry[] {
  const dir = keyringDir(o);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json") && KEY_NAME_RE.test(f.slice(0, -5)))
    .sort()
    .map((f) => {
      const name = f.slice(0, -5);
      try {
        return { name, ...keyInfo(readKeyJson(join(dir, f)), join(dir, f)) };
      } catch (err) {
        if (isXaiError(err)) return { name, error: err.code };
        throw err;
      }
    });
}
