/** Writing a key file: a keystore with a new passphrase, or a plaintext one (`--unencrypted`). */
import type { KeyPair } from "../crypto/keys.js";
import { xaiError } from "../errors.js";
import { NodeErrorCode } from "../node/errors.js";
import { ensureKeyring, plainKeyJson, writeNewFile } from "./keyring.js";
import type { KeyOptions } from "./keySource.js";
import { DEFAULT_SCRYPT_LOG_N, encryptKey, MAX_SCRYPT_LOG_N, MIN_SCRYPT_LOG_N } from "./keystore.js";
import { readPassphrase } from "./prompt.js";

/** log2 of scrypt N for new keystores: $XAI_KEYSTORE_SCRYPT_LOG_N (14 … 20; tests use 14), else 17. */
export function scryptLogN(): number {
  const v = process.env.XAI_KEYSTORE_SCRYPT_LOG_N;
  if (v === undefined || v === "") return DEFAULT_SCRYPT_LOG_N;
  const n = Number(v);
  if (!Number.isInteger(n) || n < MIN_SCRYPT_LOG_N || n > MAX_SCRYPT_LOG_N)
    throw xaiError(
      NodeErrorCode.BAD_OPTION,
      `XAI_KEYSTORE_SCRYPT_LOG_N is ${MIN_SCRYPT_LOG_N} to ${MAX_SCRYPT_LOG_N}, got ${v}`,
    );
  return n;
}

/** Options of the commands that write a key. */
export type WriteKeyOptions = KeyOptions & { unencrypted?: boolean; json?: boolean };

/**
 * Writes `key` to `path` (a keystore, or with --unencrypted a plaintext key file), asking for a new
 * passphrase first; nothing is written if anything fails. Returns whether it was encrypted.
 */
export async function writeKey(
  path: string,
  key: KeyPair,
  o: WriteKeyOptions,
  label: string,
  inKeyring = false,
): Promise<boolean> {
  const json = o.unencrypted
    ? plainKeyJson(key)
    : await encryptKey(key, await readPassphrase(o, label, true), { scryptLogN: scryptLogN() });
  if (inKeyring) ensureKeyring(o); // only now: a refused passphrase leaves no directory behind
  writeNewFile(path, `${JSON.stringify(json, null, 2)}\n`);
  return !o.unencrypted;
}
