// Keystore v1 (src/cli/keystore.ts): round trip, wrong passphrase, tampering, weak and
// excessive scrypt parameters. Tests write with n = 2^14 (the minimum) to stay fast.
import assert from "node:assert/strict";
import { CliErrorCode } from "../../../src/cli/errors.js";
import {
  DEFAULT_SCRYPT_LOG_N,
  decryptKey,
  encryptKey,
  type Keystore,
  MIN_SCRYPT_LOG_N,
} from "../../../src/cli/keystore.js";
import { devKeyPair } from "../../../src/crypto/keys.js";
import { isXaiError } from "../../../src/errors.js";

const PASS = "correct horse battery";
const FAST = { scryptLogN: MIN_SCRYPT_LOG_N };

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return isXaiError(err) ? err.code : `other: ${(err as Error).message}`;
  }
  return "none";
}

/** A copy of `ks` with one hex field's first character flipped. */
function flip(ks: Keystore, field: "ciphertext" | "tag" | "nonce"): Keystore {
  const c = structuredClone(ks);
  const v = c.crypto[field];
  c.crypto[field] = (v[0] === "0" ? "1" : "0") + v.slice(1);
  return c;
}

describe("keystore", () => {
  const key = devKeyPair(3);
  let ks: Keystore;

  before(async () => {
    ks = await encryptKey(key, PASS, FAST);
  });

  it("round trip: the same key back; the secret is not in the file; parameters are stored", async () => {
    assert.deepEqual(await decryptKey(JSON.parse(JSON.stringify(ks)), PASS), key);
    assert.ok(!JSON.stringify(ks).includes(Buffer.from(key.secretKey).toString("hex")));
    assert.equal(ks.format, "xai-gov-keystore");
    assert.equal(ks.version, 1);
    assert.equal(ks.address, key.address);
    assert.deepEqual(
      { ...ks.crypto.kdfparams, salt: ks.crypto.kdfparams.salt.length },
      { n: 16384, r: 8, p: 1, dklen: 64, salt: 64 },
    );
    assert.equal(ks.crypto.cipher, "aes-256-gcm");
    assert.equal(ks.crypto.nonce.length, 24);
    const again = await encryptKey(key, PASS, FAST);
    assert.notEqual(again.crypto.kdfparams.salt, ks.crypto.kdfparams.salt, "a fresh salt each time");
    assert.notEqual(again.crypto.nonce, ks.crypto.nonce, "a fresh nonce each time");
  });

  it("the default for users is n = 2^17", () => {
    assert.equal(DEFAULT_SCRYPT_LOG_N, 17);
  });

  it("a wrong passphrase: KEY_PASSPHRASE_WRONG", async () => {
    assert.equal(await codeOf(decryptKey(ks, "wrong horse battery")), CliErrorCode.KEY_PASSPHRASE_WRONG);
  });

  it("a changed ciphertext, tag or nonce: KEYSTORE_TAMPERED (with the right passphrase)", async () => {
    for (const f of ["ciphertext", "tag", "nonce"] as const)
      assert.equal(await codeOf(decryptKey(flip(ks, f), PASS)), CliErrorCode.KEYSTORE_TAMPERED, f);
  });

  it("a changed header (address and public key of another key): KEYSTORE_TAMPERED", async () => {
    const other = devKeyPair(4);
    const c = structuredClone(ks);
    c.address = other.address;
    c.public_key = Buffer.from(other.publicKey).toString("hex");
    assert.equal(await codeOf(decryptKey(c, PASS)), CliErrorCode.KEYSTORE_TAMPERED);
  });

  it("weak scrypt parameters are refused on read (KEYSTORE_WEAK_KDF) and on write", async () => {
    for (const change of [{ n: 8192 }, { r: 4 }]) {
      const c = structuredClone(ks);
      Object.assign(c.crypto.kdfparams, change);
      assert.equal(await codeOf(decryptKey(c, PASS)), CliErrorCode.KEYSTORE_WEAK_KDF, JSON.stringify(change));
    }
    assert.equal(await codeOf(encryptKey(key, PASS, { scryptLogN: 13 })), CliErrorCode.KEYSTORE_WEAK_KDF);
  });

  it("malformed or excessive parameters are KEYSTORE_INVALID (no scrypt run)", async () => {
    const cases: Array<(c: Keystore) => void> = [
      (c) => Object.assign(c.crypto.kdfparams, { n: 2 ** 21 }),
      // Within each bound alone, but 4 GiB of memory (r = 32) or 4 x the work (p = 4) at N = 2^20.
      (c) => Object.assign(c.crypto.kdfparams, { n: 2 ** 20, r: 32 }),
      (c) => Object.assign(c.crypto.kdfparams, { n: 2 ** 20, p: 4 }),
      (c) => Object.assign(c.crypto.kdfparams, { n: 2 ** 19, r: 16, p: 2 }),
      (c) => Object.assign(c.crypto.kdfparams, { n: 20000 }),
      (c) => Object.assign(c.crypto.kdfparams, { p: 1.5 }),
      (c) => Object.assign(c.crypto.kdfparams, { salt: "00" }),
      (c) => Object.assign(c.crypto.kdfparams, { n: "16384" }),
      (c) => Object.assign(c, { version: 2 }),
      (c) => Object.assign(c.crypto, { cipher: "aes-128-ctr" }),
      (c) => Object.assign(c.crypto, { tag: "zz" }),
      (c) => Object.assign(c, { address: devKeyPair(5).address }),
    ];
    for (const [i, change] of cases.entries()) {
      const c = structuredClone(ks);
      change(c);
      assert.equal(await codeOf(decryptKey(c, PASS)), CliErrorCode.KEYSTORE_INVALID, `case ${i}`);
    }
  });
});
