/**
 * Database key buckets: the first byte of every key. Numbers are never reused; docs/KEY_LAYOUT.md
 * lists what each holds. State keys (src/state-transition/keys.ts, src/governance/keys.ts) live
 * under STATE, so the state layer never sees the others.
 */
export const DbBucket = {
  /** utf8 name → value: "head" (block hash), "genesis" (genesis hash), "schema" (version), "side_index". */
  META: 0x01,
  /** block hash(32) → Block bytes, for every stored block (canonical or not). */
  BLOCK: 0x02,
  /** height u64be → hash of the canonical block at that height. */
  CANONICAL: 0x03,
  /** block hash(32) → undo record: the value of each key the block wrote, as it was before. */
  UNDO: 0x04,
  /** tx id(32) → receipt JSON of a transaction on the canonical chain. */
  TX_INDEX: 0x05,
  /** height u64be, block hash(32) → empty: the index of stored side-branch blocks (SPEC §3 v2). */
  SIDE_BLOCK: 0x06,
  /**
   * height u64be → JSON array of the canonical block's chain events ({type, tx_id?, attributes}),
   * absent for a block without events. Index data for `GET /events` replay, not consensus state.
   */
  EVENTS: 0x07,
  /** state key → state value. */
  STATE: 0x10,
} as const;

/**
 * Schema version written at creation; a node refuses a database of another version
 * (DB_SCHEMA_MISMATCH). 2: proposal records store their action as the transaction's kind message
 * (state.proto `Proposal.action`), which changes the state encoding and so every state root.
 */
export const SCHEMA_VERSION = "2";

/** Smallest key greater than every key that starts with `prefix` (undefined if none exists). */
export function prefixEnd(prefix: Uint8Array): Uint8Array | undefined {
  const out = new Uint8Array(prefix);
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i]! < 0xff) {
      out[i]! += 1;
      return out.subarray(0, i + 1);
    }
  }
  return undefined;
}

/** `bucket` byte followed by `key`. */
export function bucketKey(bucket: number, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length + 1);
  out[0] = bucket;
  out.set(key, 1);
  return out;
}
