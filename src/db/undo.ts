import type { Change } from "../state-transition/stateStore.js";

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

/** Decodes an undo record written by encodeUndo. */
export function decodeUndo(bytes: Uint8Array): UndoRecord {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 0;
  const n = dv.getUint32(o);
  o += 4;
  const out: UndoRecord = [];
  for (let i = 0; i < n; i++) {
    const kl = dv.getUint32(o);
    const k = bytes.slice(o + 4, o + 4 + kl);
    o += 4 + kl;
    const present = bytes[o++] === 1;
    let v: Uint8Array | null = null;
    if (present) {
      const vl = dv.getUint32(o);
      v = bytes.slice(o + 4, o + 4 + vl);
      o += 4 + vl;
    }
    out.push([k, v]);
  }
  return out;
}
