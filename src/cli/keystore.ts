/**
 * Encrypted key files (keystore v1, docs/SECURITY.md "Client keys"): scrypt derives 64 bytes from
 * the passphrase; the first 32 are an AES-256-GCM key that encrypts the 32-byte ed25519 secret, the
 * last 32 hash to `check`, which tells a wrong passphrase (KEY_PASSPHRASE_WRONG) from a file whose
 * ciphertext, tag or header was changed (KEYSTORE_TAMPERED). The header (format, version, address,
 * public key, KDF and cipher parameters) is the GCM additional data. Every parameter is stored in
 * the file and checked on read against a minimum strength (KEYSTORE_WEAK_KDF) and a maximum cost.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
  scrypt,
  timingSafeEqual,
} from "node:crypto";
import { fromHex, toHex } from "../crypto/bytes.js";
import { addressOf, type KeyPair, keyPairFromSecret } from "../crypto/keys.js";
import { xaiError } from "../errors.js";
import { CliErrorCode } from "./errors.js";

/** The `format` field of a keystore file. */
export const KEYSTORE_FORMAT = "xai-gov-keystore";
/** The version this build writes and reads. */
export const KEYSTORE_VERSION = 1;
/** log2 of scrypt N written by default (2^17: 128 MiB with r = 8). */
export const DEFAULT_SCRYPT_LOG_N = 17;
/** The smallest log2 N accepted on read and write (2^14, as in the scrypt paper's interactive setting). */
export const MIN_SCRYPT_LOG_N = 14;
/** The largest log2 N accepted (2^20: 1 GiB with r = 8), so a crafted file cannot exhaust memory. */
export const MAX_SCRYPT_LOG_N = 20;
const R = 8;
const P = 1;
const DKLEN = 64;

/** The KDF part of a keystore. */
export interface KdfParams {
  n: number;
  r: number;
  p: number;
  dklen: number;
  salt: string;
}

/** A keystore file (JSON). */
export interface Keystore {
  format: typeof KEYSTORE_FORMAT;
  version: number;
  address: string;
  public_key: string;
  crypto: {
    kdf: "scrypt";
    kdfparams: KdfParams;
    cipher: "aes-256-gcm";
    nonce: string;
    ciphertext: string;
    tag: string;
    check: string;
  };
}

/** True if parsed JSON claims to be a keystore (then parseKeystore decides whether it is a valid one). */
export function isKeystoreJson(json: unknown): boolean {
  return (
    typeof json === "object" && json !== null && (json as { format?: unknown }).format === KEYSTORE_FORMAT
  );
}

function invalid(what: string): never {
  throw xaiError(CliErrorCode.KEYSTORE_INVALID, `not a valid keystore: ${what}`);
}

function hexField(v: unknown, bytes: number | [number, number], name: string): string {
  const [lo, hi] = typeof bytes === "number" ? [bytes, bytes] : bytes;
  if (typeof v !== "string" || !/^([0-9a-f]{2})+$/.test(v) || v.length < 2 * lo || v.length > 2 * hi)
    invalid(`${name} must be ${lo === hi ? lo : `${lo} to ${hi}`} bytes of lowercase hex`);
  return v;
}

/** Checks scrypt parameters: integers, N a power of two within the bounds, r = 8 or more, p 1 to 4. */
export function checkKdfParams(k: KdfParams): void {
  const { n, r, p } = k;
  if (![n, r, p].every((x) => Number.isSafeInteger(x) && x > 0))
    invalid("n, r and p must be positive integers");
  if ((n & (n - 1)) !== 0 || n > 2 ** MAX_SCRYPT_LOG_N || r > 32 || p > 4)
    invalid(`scrypt n must be a power of two up to 2^${MAX_SCRYPT_LOG_N}, r at most 32, p at most 4`);
  // Memory (128·N·r bytes) and work (N·r·p) both bounded by the default's at N = 2^MAX with r = 8:
  // a crafted file cannot make a read allocate more than 1 GiB or run longer than that.
  if (n * r > 2 ** MAX_SCRYPT_LOG_N * 8 || n * r * p > 2 ** MAX_SCRYPT_LOG_N * 8)
    invalid(`scrypt n·r·p must be at most 2^${MAX_SCRYPT_LOG_N}·8 (1 GiB of memory)`);
  if (n < 2 ** MIN_SCRYPT_LOG_N || r < 8)
    throw xaiError(
      CliErrorCode.KEYSTORE_WEAK_KDF,
      `scrypt n=${n} r=${r} is below the minimum n=2^${MIN_SCRYPT_LOG_N} r=8; refusing to use this keystore`,
    );
  if (k.dklen !== DKLEN) invalid(`dklen must be ${DKLEN}`);
  hexField(k.salt, [16, 64], "salt");
}

/** Parses and checks a keystore's structure and parameters (not the passphrase). */
export function parseKeystore(json: unknown): Keystore {
  if (!isKeystoreJson(json)) invalid(`format is not ${KEYSTORE_FORMAT}`);
  const j = json as Keystore;
  if (j.version !== KEYSTORE_VERSION)
    invalid(`version ${String(j.version)} (this build reads ${KEYSTORE_VERSION})`);
  const c = j.crypto;
  if (typeof c !== "object" || c === null) invalid("no crypto section");
  if (c.kdf !== "scrypt" || c.cipher !== "aes-256-gcm") invalid("kdf must be scrypt and cipher aes-256-gcm");
  if (typeof c.kdfparams !== "object" || c.kdfparams === null) invalid("no kdfparams");
  checkKdfParams(c.kdfparams);
  hexField(c.nonce, 12, "nonce");
  hexField(c.ciphertext, 32, "ciphertext");
  hexField(c.tag, 16, "tag");
  hexField(c.check, 32, "check");
  hexField(j.public_key, 32, "public_key");
  if (j.address !== addressOf(fromHex(j.public_key))) invalid("address is not the public key's");
  return j;
}

/** The additional authenticated data: every header field, in a fixed order. */
function aad(k: Keystore): Buffer {
  const { n, r, p, dklen, salt } = k.crypto.kdfparams;
  const fields = [
    k.format,
    k.version,
    k.address,
    k.public_key,
    k.crypto.kdf,
    n,
    r,
    p,
    dklen,
    salt,
    k.crypto.cipher,
  ];
  return Buffer.from(JSON.stringify(fields), "utf8");
}

function derive(passphrase: string, k: KdfParams): Promise<Buffer> {
  return new Promise((res, rej) =>
    scrypt(
      Buffer.from(passphrase.normalize("NFKC"), "utf8"),
      fromHex(k.salt),
      k.dklen,
      { N: k.n, r: k.r, p: k.p, maxmem: 256 * k.n * k.r + 2 ** 20 },
      (err, dk) => (err ? rej(err) : res(dk)),
    ),
  );
}

const checkOf = (dk: Buffer) => createHash("sha256").update(dk.subarray(32)).digest();

/** Options of encryptKey: log2 of scrypt N (tests use MIN_SCRYPT_LOG_N to stay fast). */
export interface EncryptOptions {
  scryptLogN?: number;
}

/** Encrypts a key with a passphrase. */
export async function encryptKey(
  key: KeyPair,
  passphrase: string,
  o: EncryptOptions = {},
): Promise<Keystore> {
  const logN = o.scryptLogN ?? DEFAULT_SCRYPT_LOG_N;
  const kdfparams: KdfParams = { n: 2 ** logN, r: R, p: P, dklen: DKLEN, salt: toHex(randomBytes(32)) };
  checkKdfParams(kdfparams);
  const dk = await derive(passphrase, kdfparams);
  const nonce = randomBytes(12);
  const ks: Keystore = {
    format: KEYSTORE_FORMAT,
    version: KEYSTORE_VERSION,
    address: key.address,
    public_key: toHex(key.publicKey),
    crypto: {
      kdf: "scrypt",
      kdfparams,
      cipher: "aes-256-gcm",
      nonce: toHex(nonce),
      ciphertext: "",
      tag: "",
      check: "",
    },
  };
  const cipher = createCipheriv("aes-256-gcm", dk.subarray(0, 32), nonce);
  cipher.setAAD(aad(ks));
  ks.crypto.ciphertext = toHex(Buffer.concat([cipher.update(key.secretKey), cipher.final()]));
  ks.crypto.tag = toHex(cipher.getAuthTag());
  ks.crypto.check = toHex(checkOf(dk));
  return ks;
}

/** Decrypts a keystore (parsed or not): KEY_PASSPHRASE_WRONG, KEYSTORE_TAMPERED, KEYSTORE_WEAK_KDF. */
export async function decryptKey(json: unknown, passphrase: string): Promise<KeyPair> {
  const ks = parseKeystore(json);
  const dk = await derive(passphrase, ks.crypto.kdfparams);
  if (!timingSafeEqual(checkOf(dk), fromHex(ks.crypto.check)))
    throw xaiError(CliErrorCode.KEY_PASSPHRASE_WRONG, `wrong passphrase for the key of ${ks.address}`);
  let secret: Buffer;
  try {
    const d = createDecipheriv("aes-256-gcm", dk.subarray(0, 32), fromHex(ks.crypto.nonce));
    d.setAAD(aad(ks));
    d.setAuthTag(fromHex(ks.crypto.tag));
    secret = Buffer.concat([d.update(fromHex(ks.crypto.ciphertext)), d.final()]);
  } catch {
    throw xaiError(
      CliErrorCode.KEYSTORE_TAMPERED,
      `the keystore of ${ks.address} was altered (authentication failed)`,
    );
  }
  const key = keyPairFromSecret(new Uint8Array(secret));
  if (key.address !== ks.address)
    throw xaiError(CliErrorCode.KEYSTORE_TAMPERED, `the keystore's key is not that of ${ks.address}`);
  return key;
}
