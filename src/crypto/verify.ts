import { createPublicKey, type KeyObject, verify as nodeVerify } from "node:crypto";
import { createRequire } from "node:module";
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha512 } from "@noble/hashes/sha2.js";
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

const nodeEquation = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) =>
  nodeVerify(null, message, keyObject(publicKey), signature);

/** node:crypto (OpenSSL) with cached KeyObjects, behind the same rule: the differential test's second backend. */
export const verifyNode = withSignatureRule(nodeEquation);

type SodiumVerify = typeof import("sodium-native").crypto_sign_verify_detached;

/**
 * libsodium's verify, or null where sodium-native ships no binary for the platform (musl libc,
 * glibc older than 2.33, 32-bit ARM): the node then verifies with node:crypto, behind the same
 * rule, with the same verdicts (the differential test), only slower.
 */
function loadSodium(): SodiumVerify | null {
  try {
    const m = createRequire(import.meta.url)("sodium-native") as typeof import("sodium-native");
    return m.crypto_sign_verify_detached;
  } catch {
    return null;
  }
}

const sodiumVerify = loadSodium();

/** True if libsodium loaded on this platform (then verifySignature is verifySodium). */
export const sodiumAvailable = sodiumVerify !== null;

/** The backend behind verifySignature, for the node's start-up log. */
export const signatureBackend = sodiumAvailable ? "libsodium" : "node:crypto";

/** sodium-native's binding takes 32-bit offsets and lengths, and answers no verdict for shared memory. */
const U32_MAX = 0xffff_ffff;

/** `b` itself, or a copy at offset 0 of a plain ArrayBuffer where the binding could not read `b` as it is. */
function plain(b: Uint8Array): Uint8Array {
  return b.buffer instanceof ArrayBuffer && b.byteOffset + b.byteLength <= U32_MAX ? b : new Uint8Array(b);
}

/**
 * The node's verifier: libsodium's `crypto_sign_verify_detached` (sodium-native), behind the same
 * rule. It takes the key as bytes, so a key seen for the first time (a new voter) costs nothing
 * extra, where node:crypto must build a KeyObject first (docs/BENCHMARKS.md, issue 10). libsodium
 * also refuses small-order and non-canonical A and R and S >= L itself; the rule in front stays,
 * so the verdict never depends on the library's version.
 */
export const verifySodium = withSignatureRule((signature, message, publicKey) => {
  if (sodiumVerify === null) throw new Error("sodium-native is not available on this platform");
  // A message of 4 GiB or more cannot be passed to the binding (no transaction comes near it).
  if (message.byteLength > U32_MAX) return nodeEquation(signature, message, publicKey);
  return sodiumVerify(plain(signature), plain(message), plain(publicKey)) === true;
});

/** A signature verifier: (signature, message, public key) → valid. */
export type Verifier = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean;

/**
 * The verifier the node uses on every path (admission, the signature pool, import, replay):
 * libsodium, or node:crypto where libsodium has no binary for the platform (sodiumAvailable).
 */
export const verifySignature: Verifier = sodiumAvailable ? verifySodium : verifyNode;

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
