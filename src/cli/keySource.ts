/**
 * `--key`: `dev:N` (the public dev keys), a keyring name (letters, digits, `_`, `-`: no `.` or
 * `/`), or a key file (plaintext or keystore). A name that is both a keyring key and a file in the
 * working directory is refused (KEY_AMBIGUOUS: give ./NAME for the file). The public key of any of
 * them is read without a passphrase; signing asks for one when the key is encrypted.
 */
import { existsSync } from "node:fs";
import { fromHex } from "../crypto/bytes.js";
import { devKeyPair, type KeyPair } from "../crypto/keys.js";
import { xaiError } from "../errors.js";
import { readKeyFile } from "../node/keyFile.js";
import { CliErrorCode } from "./errors.js";
import {
  KEY_NAME_RE,
  type KeyringOptions,
  keyInfo,
  keyringDir,
  keyringPath,
  readKeyJson,
} from "./keyring.js";
import { decryptKey, isKeystoreJson } from "./keystore.js";
import { type PassphraseOptions, readPassphrase } from "./prompt.js";

/** The options every command taking `--key` has. */
export type KeyOptions = KeyringOptions & PassphraseOptions;

/** A key given as `--key`, and whether it is a public dev key. */
export interface KeySpec {
  key: KeyPair;
  dev: boolean;
}

/** Where `--key SPEC` points: a dev key, or a file (with its keyring name if it is one). */
export type KeyLocation = { dev: number } | { path: string; name?: string };

/** Resolves `--key SPEC` to a dev key number or a file. */
export function locateKey(spec: string, o: KeyringOptions): KeyLocation {
  const m = /^dev:([0-9])$/.exec(spec);
  if (m) return { dev: Number(m[1]) };
  if (spec.startsWith("dev:")) throw xaiError(CliErrorCode.BAD_KEY, "dev keys are dev:0 … dev:9");
  if (!KEY_NAME_RE.test(spec)) return { path: spec };
  const inRing = keyringPath(o, spec);
  const ring = existsSync(inRing);
  const file = existsSync(spec);
  if (ring && file)
    throw xaiError(
      CliErrorCode.KEY_AMBIGUOUS,
      `${spec} is both a key of the keyring ${keyringDir(o)} and a file here; give ./${spec} for the file`,
    );
  if (ring) return { path: inRing, name: spec };
  if (file) return { path: spec };
  throw xaiError(
    CliErrorCode.KEY_NOT_FOUND,
    `no key ${spec} in the keyring ${keyringDir(o)} and no file ${spec}`,
  );
}

/** The public key and address of `--key SPEC` (no passphrase needed). */
export function resolvePublicKey(
  spec: string,
  o: KeyringOptions,
): { publicKey: Uint8Array; address: string; dev: boolean } {
  const loc = locateKey(spec, o);
  if ("dev" in loc) {
    const k = devKeyPair(loc.dev);
    return { publicKey: k.publicKey, address: k.address, dev: true };
  }
  const info = keyInfo(readKeyJson(loc.path), loc.path);
  return { publicKey: fromHex(info.public_key), address: info.address, dev: false };
}

/** The key pair of a key file: plaintext as is, a keystore with its passphrase. */
export async function loadKeyFile(path: string, o: PassphraseOptions, label = path): Promise<KeyPair> {
  const json = readKeyJson(path);
  if (!isKeystoreJson(json)) return readKeyFile(path);
  keyInfo(json, path); // structure and parameters first: no prompt for a file that cannot open
  return decryptKey(json, await readPassphrase(o, label, false));
}

/** Resolves `--key SPEC` to a key pair that can sign (asks for the passphrase of an encrypted key). */
export async function resolveKey(spec: string, o: KeyOptions = {}): Promise<KeySpec> {
  const loc = locateKey(spec, o);
  if ("dev" in loc) return { key: devKeyPair(loc.dev), dev: true };
  return { key: await loadKeyFile(loc.path, o, loc.name ? `key ${loc.name}` : loc.path), dev: false };
}
