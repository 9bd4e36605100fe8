// Byte helpers: encodings (utf8, hex, big-endian u64), comparison and concatenation. No hashing
// here (see hash.ts); storage keys and codecs across the tree are built from these.
import { xaiError } from "../errors.js";
import { CryptoErrorCode } from "./errors.js";

const enc = new TextEncoder();

/** UTF-8 bytes of a string. */
export function utf8(s: string): Uint8Array {
  return enc.encode(s);
}

/** Lowercase hex of bytes. */
export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
}

/** Bytes of a hex string; throws on odd length or non-hex characters. */
export function fromHex(s: string): Uint8Array {
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s))
    throw xaiError(CryptoErrorCode.BAD_HEX, `invalid hex: ${s.slice(0, 20)}`);
  return new Uint8Array(Buffer.from(s, "hex"));
}

/** Byte-wise equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Byte-wise comparison (memcmp order). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/** Concatenation of byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const scratch = new DataView(new ArrayBuffer(8));

/** 8-byte big-endian encoding of an unsigned integer < 2^64 (keys sort numerically). */
export function u64be(n: bigint | number): Uint8Array {
  const out = new Uint8Array(8);
  if (typeof n === "number" && Number.isSafeInteger(n) && n >= 0) {
    const hi = Math.floor(n / 0x1_0000_0000);
    const lo = n >>> 0;
    out[0] = hi >>> 24;
    out[1] = (hi >>> 16) & 0xff;
    out[2] = (hi >>> 8) & 0xff;
    out[3] = hi & 0xff;
    out[4] = lo >>> 24;
    out[5] = (lo >>> 16) & 0xff;
    out[6] = (lo >>> 8) & 0xff;
    out[7] = lo & 0xff;
    return out;
  }
  scratch.setBigUint64(0, BigInt(n));
  out.set(new Uint8Array(scratch.buffer));
  return out;
}

/** Reads an 8-byte big-endian unsigned integer at `offset`. */
export function readU64be(b: Uint8Array, offset = 0): bigint {
  const hi = ((b[offset]! << 24) | (b[offset + 1]! << 16) | (b[offset + 2]! << 8) | b[offset + 3]!) >>> 0;
  const lo = ((b[offset + 4]! << 24) | (b[offset + 5]! << 16) | (b[offset + 6]! << 8) | b[offset + 7]!) >>> 0;
  return hi === 0 ? BigInt(lo) : (BigInt(hi) << 32n) | BigInt(lo);
}
