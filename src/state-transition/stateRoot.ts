import { createHash } from "node:crypto";
import { u64be, utf8 } from "../crypto/bytes.js";
import type { Change } from "./stateStore.js";

const TAG = utf8("xai-state-root/v1");

function u32be(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}

/**
 * State root of a block: sha256 over the parent's root, the height and the block's write set in
 * key order (each key with its new value, or a deletion mark). Chained from the genesis root, it
 * commits to the whole state history: two nodes agree on a root only if they agree on every write.
 */
export function computeStateRoot(parentRoot: Uint8Array, height: number, changes: Change[]): Uint8Array {
  const h = createHash("sha256");
  h.update(TAG);
  h.update(parentRoot);
  h.update(u64be(height));
  h.update(u32be(changes.length));
  for (const [key, value] of changes) {
    h.update(u32be(key.length));
    h.update(key);
    if (value === null) h.update(new Uint8Array([0]));
    else {
      h.update(new Uint8Array([1]));
      h.update(u32be(value.length));
      h.update(value);
    }
  }
  return new Uint8Array(h.digest());
}

/** Root of the empty state before genesis. */
export const ZERO_ROOT = new Uint8Array(32);
