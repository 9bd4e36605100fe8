import { createPublicKey, type KeyObject, verify as nodeVerify } from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519.js";
import { sha512 } from "@noble/hashes/sha2.js";
import { concatBytes } from "./bytes.js";
import { sha256 } from "./hash.js";

// The consensus rule for signatures (both verifiers implement exactly this):
// - the public key is 32 bytes, its y coordinate is canonical (< p) and it is not one of the
//   small-order points (a key that is not on the curve at all passes this rule, but then no
//   signature verifies under either verifier);
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

// Encodings of the eight points of small order (canonical ones, and the x = 0 points with the
// sign bit set). Blocking them by their bytes needs no curve arithmetic; the differential test
// checks this list against noble's isSmallOrder().
const SMALL_ORDER = new Set(
  [
    "0100000000000000000000000000000000000000000000000000000000000000",
    "0100000000000000000000000000000000000000000000000000000000000080",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
  ].map((h) => Buffer.from(h, "hex").toString("latin1")),
);

const P_LE = Buffer.from("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", "hex");

/** True if the y coordinate of an encoding (sign bit cleared) is below p, i.e. canonical. */
function canonicalY(pk: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    const b = i === 31 ? pk[i]! & 0x7f : pk[i]!;
    if (b !== P_LE[i]!) return b < P_LE[i]!;
  }
  return false; // y == p
}

function checkPublicKey(pk: Uint8Array): boolean {
  return pk.length === 32 && canonicalY(pk) && !SMALL_ORDER.has(cacheKey(pk));
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
  let A: InstanceType<typeof Point>;
  try {
    A = Point.fromBytes(publicKey, false);
  } catch {
    return false; // not a point on the curve
  }
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

/**
 * A verifier that remembers what verified: a transaction checked at mempool admission is not
 * checked again when its block is built or imported. The memo is keyed by sha256(signature ‖ key ‖
 * message), so a hit means these exact bytes verified before: a memo of a pure function, bounded,
 * never a source of different results. Failures are not remembered (they cost the sender a
 * rejection, not the node a second check). Each instance has its own memo; the consensus core
 * holds none.
 */
export function cachingVerifier(inner: Verifier, limit = 200_000): Verifier {
  const verified = new Set<string>();
  return (signature, message, publicKey) => {
    const key = Buffer.from(sha256(signature, publicKey, message)).toString("latin1");
    if (verified.has(key)) return true;
    if (!inner(signature, message, publicKey)) return false;
    if (verified.size >= limit) verified.clear();
    verified.add(key);
    return true;
  };
}
