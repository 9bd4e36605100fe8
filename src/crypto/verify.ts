import { createPublicKey, type KeyObject, verify as nodeVerify } from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha512 } from "@noble/hashes/sha2.js";
import { crypto_sign_verify_detached } from "sodium-native";
import { concatBytes } from "./bytes.js";
import { sha256 } from "./hash.js";
import { bytesKey, withSignatureRule } from "./signatureRule.js";

// The consensus rule for signatures is src/crypto/signatureRule.ts (SPEC §3 v2): byte-level checks
// of A, R and S that run in front of every backend below, then the cofactorless equation
// encode([S]B - [k]A) == R, k = sha512(R || A || M) mod L. libsodium (the node's verifier),
// Node's crypto (OpenSSL) and the noble reference solve the same equation; because the rule
// refuses every input on which they or OpenSSL releases differ (small-order R, small-order or
// non-canonical A or R, S >= L), all three accept the same set on Node 20, 22 and 24
// (test/unit/crypto/verify.test.ts checks this differentially, and scripts/nodeMatrix.sh runs it
// on each Node version).

const Point = ed25519.Point;
const L = Point.Fn.ORDER;
const CACHE_LIMIT = 20_000;

const keyObjects = new Map<string, KeyObject>();

export { isAcceptablePublicKey, isAcceptableSignature } from "./signatureRule.js";

function leToBigInt(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]!);
  return n;
}

/** Reference verifier in pure JS (noble primitives), behind the same rule. About 10x slower. */
export const verifyNoble = withSignatureRule((signature, message, publicKey) => {
  const r = signature.subarray(0, 32);
  const s = leToBigInt(signature.subarray(32));
  if (s >= L) return false; // the rule refused it already; kept so this backend is complete alone
  const A = Point.fromBytes(publicKey, false); // throws (a rejection) for a non-point
  const k = leToBigInt(sha512(concatBytes(r, publicKey, message))) % L;
  const rCheck = Point.BASE.multiplyUnsafe(s).subtract(A.multiplyUnsafe(k));
  return Buffer.compare(Buffer.from(rCheck.toBytes()), Buffer.from(r)) === 0;
});

function keyObject(pk: Uint8Array): KeyObject {
  const k = bytesKey(pk);
  let obj = keyObjects.get(k);
  if (!obj) {
    // JWK, not SPKI DER: the same raw key, but OpenSSL 3's DER decoder makes a DER import cost
    // about as much as a verify, and a JWK import a tenth of that (docs/BENCHMARKS.md, issue 10),
    // which is what a verify of a key seen for the first time (a new voter) pays on top.
    obj = createPublicKey({
      key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(pk).toString("base64url") },
      format: "jwk",
    });
    if (keyObjects.size >= CACHE_LIMIT) keyObjects.clear(); // bounded; a miss only recomputes
    keyObjects.set(k, obj);
  }
  return obj;
}

/** node:crypto (OpenSSL) with cached KeyObjects, behind the same rule: the differential test's second backend. */
export const verifyNode = withSignatureRule((signature, message, publicKey) =>
  nodeVerify(null, message, keyObject(publicKey), signature),
);

/**
 * The node's verifier: libsodium's `crypto_sign_verify_detached` (sodium-native), behind the same
 * rule. It takes the key as bytes, so a key seen for the first time (a new voter) costs nothing
 * extra, where node:crypto must build a KeyObject first (docs/BENCHMARKS.md, issue 10). libsodium
 * also refuses small-order and non-canonical A and R and S >= L itself; the rule in front stays,
 * so the verdict never depends on the library's version.
 */
export const verifySodium = withSignatureRule((signature, message, publicKey) =>
  crypto_sign_verify_detached(signature, message, publicKey),
);

/** A signature verifier: (signature, message, public key) → valid. */
export type Verifier = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean;

/** The verifier the node uses on every path (admission, the signature pool, import, replay). */
export const verifySignature: Verifier = verifySodium;

/** A Verifier with a memo of what verified (cachingVerifier). */
export interface CachingVerifier extends Verifier {
  /** True if these exact bytes verified before (a memo hit; no verification). */
  has(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
  /**
   * Enters bytes that verified elsewhere under the same rule (the signature pool, chain/sigPool.ts, runs
   * verifySignature on its workers) as verified. Only for bytes a verifySignature call accepted.
   */
  remember(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): void;
  /** `remember` by the memo key (memoKey) of the bytes, as the pool's workers return it. */
  rememberKey(key: Uint8Array): void;
  /** Entries held, and the most it holds (it is cleared when full). */
  readonly size: number;
  readonly limit: number;
}

/**
 * The memo's key of (signature, message, public key): sha256(len(signature) ‖ signature ‖
 * len(key) ‖ key ‖ message), lengths as 4 bytes big-endian, so that no two different triples
 * share the bytes hashed (without them, bytes moved from the end of the signature to the key
 * would hit the memo of another triple).
 */
export function memoKey(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): Uint8Array {
  return sha256(u32be(signature.length), signature, u32be(publicKey.length), publicKey, message);
}

function u32be(n: number): Uint8Array {
  return new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

/**
 * A verifier that remembers what verified: a transaction checked at mempool admission, or on the
 * signature pool before its block is applied, is not checked again when its block is built or
 * imported. The memo is keyed by memoKey (the hash of the three, framed by their lengths), so a
 * hit means these exact bytes verified before: a memo of a pure function, bounded, never a
 * source of different results.
 * Failures are not remembered (a non-memoized signature is verified by `inner` on every call, so a
 * bad one fails where and with the code it always did). Each instance has its own memo; the
 * consensus core holds none.
 */
export function cachingVerifier(inner: Verifier, limit = 200_000): CachingVerifier {
  const verified = new Set<string>();
  const keyOf = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) =>
    bytesKey(memoKey(signature, message, publicKey));
  const add = (key: string) => {
    if (verified.size >= limit) verified.clear();
    verified.add(key);
  };
  const verifier = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => {
    const key = keyOf(signature, message, publicKey);
    if (verified.has(key)) return true;
    if (!inner(signature, message, publicKey)) return false;
    add(key);
    return true;
  };
  const memo = Object.assign(verifier, {
    has: (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) =>
      verified.has(keyOf(signature, message, publicKey)),
    remember: (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) =>
      add(keyOf(signature, message, publicKey)),
    rememberKey: (key: Uint8Array) => add(bytesKey(key)),
    limit,
  });
  return Object.defineProperty(memo, "size", { get: () => verified.size }) as CachingVerifier;
}
