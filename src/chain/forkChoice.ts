import { compareBytes } from "../crypto/bytes.js";

/** What fork choice looks at: a chain tip. */
export interface TipInfo {
  height: number;
  slot: number;
  hash: Uint8Array;
}

/**
 * Fork choice (SPEC §3): most blocks, then the lowest slot of the tip, then the lowest hash.
 * True if `a` is preferred to `b`.
 */
export function isPreferred(a: TipInfo, b: TipInfo): boolean {
  if (a.height !== b.height) return a.height > b.height;
  if (a.slot !== b.slot) return a.slot < b.slot;
  return compareBytes(a.hash, b.hash) < 0;
}
