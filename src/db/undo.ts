import type { Change } from "../state-transition/stateStore.js";
import { dbCorrupt } from "./errors.js";

/** An undo record: for each key a block wrote, its value before the block (null: absent). */
export type UndoRecord = Change[];

/** Binary encoding: u32 count, then per entry u32 key length, key, u8 present, [u32 length, value]. */
export function encodeUndo(undo: UndoRecord): Uint8Array {
  let size = 4;
  for (const [k, v] of undo) size += 4 + k.length + 1 + (v ? 4 + v.length : 0);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  let o = 0;
  dv.setUint32(o, undo.length);
  o += 4;
  for (const [k, v] of undo) {
    dv.setUint32(o, k.length);
    out.set(k, o + 4);
    o += 4 + k.length;
    out[o++] = v ? 1 : 0;
    if (v) {
      dv.setUint32(o, v.length);
      out.set(v, o + 4);
      o += 4 + v.length;
    }
  }
  return out;
}

/** Decodes an undo record written by encodeUndo into copies; throws as walkUndo does on damaged bytes. */
export function decodeUndo(bytes: Uint8Array): UndoRecord {
  const out: UndoRecord = [];
  walkUndo(bytes, (k, v) => {
    out.push([k.slice(), v === null ? null : v.slice()]);
    return false;
  });
  return out;
}

/**
 * Walks an undo record's bytes without copying them: calls `visit` with each entry's key and value
 * (subarrays of `bytes`; null: absent) until it returns true. Throws if the bytes are not a whole
 * record (a count, then entries that end exactly at the end). Returns the number of entries.
 */
export function walkUndo(
  bytes: Uint8Array,
  visit: (key: Uint8Array, value: Uint8Array | null) => boolean | undefined = () => undefined,
): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (o: number, n: number) => {
    if (o + n > bytes.length) throw new RangeError("undo record is truncated");
  };
  need(0, 4);
  const n = dv.getUint32(0);
  let o = 4;
  for (let i = 0; i < n; i++) {
    need(o, 4);
    const kl = dv.getUint32(o);
    need(o + 4, kl + 1);
    const key = bytes.subarray(o + 4, o + 4 + kl);
    o += 4 + kl;
    const present = bytes[o++];
    if (present !== 0 && present !== 1) throw new RangeError("bad undo presence byte");
    let value: Uint8Array | null = null;
    if (present === 1) {
      need(o, 4);
      const vl = dv.getUint32(o);
      need(o + 4, vl);
      value = bytes.subarray(o + 4, o + 4 + vl);
      o += 4 + vl;
    }
    if (visit(key, value) === true) return i + 1;
  }
  if (o !== bytes.length) throw new RangeError("undo record has trailing bytes");
  return n;
}

/**
 * walkUndo over the stored undo record of block `height`; bytes that are not a whole record are
 * DB_CORRUPT naming the block (`neededBy`: what read it, for the message).
 */
export function walkStoredUndo(
  bytes: Uint8Array,
  height: number,
  visit?: (key: Uint8Array, value: Uint8Array | null) => boolean | undefined,
  neededBy = "",
): number {
  try {
    return walkUndo(bytes, visit);
  } catch {
    throw dbCorrupt(`undo record of block ${height} does not decode${neededBy}`, height);
  }
}
