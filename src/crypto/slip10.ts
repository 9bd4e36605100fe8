/**
 * SLIP-0010 key derivation for ed25519 (https://github.com/satoshilabs/slips/blob/master/slip-0010.md):
 * a master key from a seed (HMAC-SHA512 keyed "ed25519 seed"), then hardened children only
 * (ed25519 has no public derivation). Pure and deterministic: the same seed and path give the same key.
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha512 } from "@noble/hashes/sha2.js";
import { xaiError } from "../errors.js";
import { utf8 } from "./bytes.js";
import { KeyDerivationErrorCode } from "./errors.js";

/** Index offset of a hardened child (i ≥ 2^31). */
export const HARDENED = 0x80000000;

/** An extended private key: the 32-byte key (an ed25519 secret key) and its chain code. */
export interface Slip10Node {
  key: Uint8Array;
  chainCode: Uint8Array;
}

function split(i: Uint8Array): Slip10Node {
  return { key: i.slice(0, 32), chainCode: i.slice(32) };
}

/** The master node of a seed (16 to 64 bytes). */
export function slip10Master(seed: Uint8Array): Slip10Node {
  if (seed.length < 16 || seed.length > 64)
    throw xaiError(KeyDerivationErrorCode.BAD_DERIVATION, `a seed is 16 to 64 bytes, got ${seed.length}`);
  return split(hmac(sha512, utf8("ed25519 seed"), seed));
}

/** The hardened child `index` (already including HARDENED) of a node. */
export function slip10Child(parent: Slip10Node, index: number): Slip10Node {
  if (!Number.isInteger(index) || index < HARDENED || index > 0xffffffff)
    throw xaiError(KeyDerivationErrorCode.BAD_DERIVATION, "ed25519 derivation is hardened only");
  const data = new Uint8Array(37);
  data.set(parent.key, 1);
  new DataView(data.buffer).setUint32(33, index, false);
  return split(hmac(sha512, parent.chainCode, data));
}

/** Parses a path such as `m/44'/5783881'/0'/0'/0'` into hardened indices (every step must be hardened). */
export function parseSlip10Path(path: string): number[] {
  const parts = path.split("/");
  if (parts[0] !== "m")
    throw xaiError(KeyDerivationErrorCode.BAD_DERIVATION, `a path starts with m/: ${path}`);
  return parts.slice(1).map((p) => {
    const m = /^(0|[1-9][0-9]{0,9})['hH]$/.exec(p);
    const n = m ? Number(m[1]) : Number.NaN;
    if (!(n < HARDENED))
      throw xaiError(KeyDerivationErrorCode.BAD_DERIVATION, `each step is a hardened index below 2^31: ${p}`);
    return n + HARDENED;
  });
}

/** The node at `path` below the master node of `seed`. */
export function slip10Derive(seed: Uint8Array, path: string): Slip10Node {
  return parseSlip10Path(path).reduce(slip10Child, slip10Master(seed));
}
