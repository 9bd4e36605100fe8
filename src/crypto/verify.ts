import { createPublicKey, type KeyObject, verify as nodeVerify } from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha512 } from "@noble/hashes/sha2.js";
import { concatBytes } from "./hash.js";

// The consensus rule for signatures (both verifiers implement exactly this):
// - the public key is 32 bytes, a canonical encoding of a curve point in the prime-order subgroup
//   (neither small-order nor mixed-order);
// - the signature is 64 bytes R || S with S < L (canonical);
// - cofactorless RFC 8032 check: encode([S]B - [k]A) == R, k = sha512(R || A || M) mod L.
// Node's crypto (OpenSSL) does the cofactorless check and rejects S >= L; the key rule is
// enforced by `isAcceptablePublicKey` in front of both, so they accept and reject the same inputs
// (test/unit/crypto/verify.test.ts checks this differentially).

const Point = ed25519.Point;
const L = Point.Fn.ORDER;
const SPKI_ED25519_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const CACHE_LIMIT = 20_000;

const keyVerdicts = new Map<string, boolean>();
const keyObjects = new Map<string, KeyObject>();

function cacheKey(pk: Uint8Array): string {
  return Buffer.from(pk.buffer, pk.byteOffset, pk.byteLength).toString("latin1");
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= CACHE_LIMIT) map.clear(); // bounded; a miss only costs a recomputation
  map.set(key, value);
}

function checkPublicKey(pk: Uint8Array): boolean {
  if (pk.length !== 32) return false;
  try {
    const p = Point.fromBytes(pk, false);
    // fromBytes accepts some non-canonical y in rare encodings; re-encoding must match exactly.
    if (Buffer.compare(Buffer.from(p.toBytes()), Buffer.from(pk)) !== 0) return false;
    // Only keys in the prime-order subgroup: no small-order and no mixed-order keys, so that any
    // verifier (cofactored, cofactorless, batch) gives the same answer for them.
    return !p.isSmallOrder() && p.isTorsionFree();
  } catch {
    return false;
  }
}

/** True if `pk` may sign on this chain: canonical point encoding, not of small order. Cached. */
export function isAcceptablePublicKey(pk: Uint8Array): boolean {
  const k = cacheKey(pk);
  const hit = keyVerdicts.get(k);
  if (hit !== undefined) return hit;
  const verdict = checkPublicKey(pk);
  remember(keyVerdicts, k, verdict);
  return verdict;
}

function leToBigInt(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]!);
  return n;
}

/** Reference verifier in pure JS (noble primitives), cofactorless as above. About 10x slower. */
export function verifyNoble(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || !isAcceptablePublicKey(publicKey)) return false;
  const r = signature.subarray(0, 32);
  const s = leToBigInt(signature.subarray(32));
  if (s >= L) return false;
  const A = Point.fromBytes(publicKey, false);
  const k = leToBigInt(sha512(concatBytes(r, publicKey, message))) % L;
  const rCheck = Point.BASE.multiplyUnsafe(s).subtract(A.multiplyUnsafe(k));
  return Buffer.compare(Buffer.from(rCheck.toBytes()), Buffer.from(r)) === 0;
}

function keyObject(pk: Uint8Array): KeyObject {
  const k = cacheKey(pk);
  let obj = keyObjects.get(k);
  if (!obj) {
    obj = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, pk]), format: "der", type: "spki" });
    remember(keyObjects, k, obj);
  }
  return obj;
}

/** Fast verifier: node:crypto (OpenSSL) with cached KeyObjects, behind the same key rule. */
export function verifyNode(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || !isAcceptablePublicKey(publicKey)) return false;
  try {
    return nodeVerify(null, message, keyObject(publicKey), signature);
  } catch {
    return false;
  }
}

/** A signature verifier: (signature, message, public key) → valid. */
export type Verifier = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean;

/** The verifier the node uses on the block path. */
export const verifySignature: Verifier = verifyNode;
