/**
 * The project's ed25519 acceptance rule (SPEC §3 v2), as byte-level checks that run in front of
 * whatever backend solves the equation. A signature (R || S) by public key A on message M is valid
 * iff:
 * - A is 32 bytes, a canonical encoding (y < p; x = 0 only with the sign bit clear) and not a point
 *   of small order (checked once per key, cached);
 * - the signature is 64 bytes; R is a canonical encoding and not a point of small order; S < L;
 * - the cofactorless equation [S]B = R + [k]A holds, k = sha512(R || A || M) mod L (the backend).
 *
 * Why the node checks these itself: runtimes and libraries differ at the edges. Node 24.22
 * (OpenSSL 3.5.9) refuses a small-order R that Node 20.20 (OpenSSL 3.0.19) and Node 22.23 (also
 * OpenSSL 3.5.9, so the OpenSSL version alone does not decide it) accept, so a node that left the
 * decision to its runtime would split from validators on another Node version. With these
 * checks first, a backend only ever sees inputs on which every known backend agrees.
 *
 * Small order, by bytes: the torsion subgroup E[8] has eight points; their canonical encodings,
 * the two "negative zero" encodings (x = 0 with the sign bit set) and every encoding with y >= p
 * (non-canonical, which covers y = p and y = p + 1, the other small-order aliases) are refused
 * without any curve arithmetic: one Set lookup and one comparison with p.
 */

const CACHE_LIMIT = 20_000;
const keyVerdicts = new Map<string, boolean>();

/** The bytes as a latin1 string (a Map/Set key; no copy of the underlying buffer). */
export function bytesKey(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
}

// The eight points of E[8] (canonical), plus the x = 0 points with the sign bit set. The
// differential test checks this list against noble's isSmallOrder().
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

/** p = 2^255 - 19, little-endian. */
const P_LE = Buffer.from("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", "hex");
/** L = 2^252 + 27742317777372353535851937790883648493, little-endian. */
const L_LE = Buffer.from("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010", "hex");

/** True if the 32 little-endian bytes at `b` (top bit masked with `topMask`) are below `bound`. */
function lessThan(b: Uint8Array, bound: Uint8Array, topMask: number): boolean {
  for (let i = 31; i >= 0; i--) {
    const x = i === 31 ? b[i]! & topMask : b[i]!;
    if (x !== bound[i]!) return x < bound[i]!;
  }
  return false; // equal
}

/**
 * True if a 32-byte point encoding is canonical and not of small order (the rule for A and for R).
 * An encoding that is not on the curve at all passes; no backend then accepts a signature with it.
 */
export function isAcceptablePoint(enc: Uint8Array): boolean {
  return enc.length === 32 && lessThan(enc, P_LE, 0x7f) && !SMALL_ORDER.has(bytesKey(enc));
}

/** True if `pk` may sign on this chain: a canonical point encoding, not of small order. Cached. */
export function isAcceptablePublicKey(pk: Uint8Array): boolean {
  const k = bytesKey(pk);
  const hit = keyVerdicts.get(k);
  if (hit !== undefined) return hit;
  const verdict = isAcceptablePoint(pk);
  if (keyVerdicts.size >= CACHE_LIMIT) keyVerdicts.clear(); // bounded; a miss only recomputes
  keyVerdicts.set(k, verdict);
  return verdict;
}

/** True if a signature's bytes pass the rule: 64 bytes, R acceptable (as above), S < L. */
export function isAcceptableSignature(signature: Uint8Array): boolean {
  return (
    signature.length === 64 &&
    lessThan(signature.subarray(32), L_LE, 0xff) &&
    isAcceptablePoint(signature.subarray(0, 32))
  );
}

/** Something that decides the cofactorless equation for inputs that passed the byte rule. */
export type EquationBackend = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean;

/**
 * A verifier that applies the byte rule and only then asks `backend` (which may throw: that is a
 * rejection). Every verifier of the node is built this way, so the rule never depends on the backend.
 */
export function withSignatureRule(
  backend: EquationBackend,
): (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean {
  return (signature, message, publicKey) => {
    if (!isAcceptableSignature(signature) || !isAcceptablePublicKey(publicKey)) return false;
    try {
      return backend(signature, message, publicKey);
    } catch {
      return false;
    }
  };
}
