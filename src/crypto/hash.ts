import { createHash, hash } from "node:crypto";
import { utf8 } from "./bytes.js";

/**
 * sha256 of the concatenation of the given byte arrays (node:crypto's one-shot `hash`, about 14x
 * noble, and about 1.5x a `createHash` object per call for the short inputs of a block: a
 * transaction, a Merkle node).
 */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  const data = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  return new Uint8Array(hash("sha256", data, "buffer"));
}

/** sha256 of the concatenation of the parts `parts` gives, hashed as they come (none held together). */
export function sha256Stream(parts: Iterable<Uint8Array>): Uint8Array {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** Binary Merkle root of 32-byte leaves (odd node promoted); sha256 of nothing for an empty list. */
export function merkleRoot(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return sha256(utf8("xai-merkle-empty"));
  let level = leaves.map((l) => sha256(new Uint8Array([0]), l));
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const right = level[i + 1];
      next.push(right ? sha256(new Uint8Array([1]), level[i]!, right) : level[i]!);
    }
    level = next;
  }
  return level[0]!;
}
