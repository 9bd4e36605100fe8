/**
 * A write batch of the chain database: the writes of one block (or one reorg), committed
 * atomically by `write()` through the database's `commit` (chainDb.ts, which stops all writes
 * after the first failure: fail-stop).
 */
import { fromHex, u64be, utf8 } from "../crypto/bytes.js";
import type { Change } from "../state-transition/stateStore.js";
import { bucketKey, DbBucket } from "./buckets.js";
import type { StoredEvent, StoredReceipt } from "./chainDb.js";
import { encodeUndo, type UndoRecord } from "./undo.js";

/** One operation of a LevelDB batch. */
export type BatchOp = { type: "put"; key: Uint8Array; value: Uint8Array } | { type: "del"; key: Uint8Array };

/** What a batch writes through: the database's atomic, fail-stop commit. */
export interface BatchTarget {
  commit(ops: BatchOp[], sync: boolean): Promise<void>;
}

/** The META key of `name`. */
export function metaKey(name: string): Uint8Array {
  return bucketKey(DbBucket.META, utf8(name));
}

function sideKey(height: number, hash: Uint8Array): Uint8Array {
  const key = new Uint8Array(8 + hash.length);
  key.set(u64be(height), 0);
  key.set(hash, 8);
  return bucketKey(DbBucket.SIDE_BLOCK, key);
}

/** The writes of one block (or one reorg), committed atomically by `write()`. */
export class DbBatch {
  private readonly ops: BatchOp[] = [];

  constructor(private readonly db: BatchTarget) {}

  putBlock(hash: Uint8Array, bytes: Uint8Array): this {
    return this.put(bucketKey(DbBucket.BLOCK, hash), bytes);
  }

  delBlock(hash: Uint8Array): this {
    return this.del(bucketKey(DbBucket.BLOCK, hash));
  }

  /** Indexes a stored side-branch block (its bytes go in with putBlock). */
  putSideBlock(height: number, hash: Uint8Array): this {
    return this.put(sideKey(height, hash), new Uint8Array(0));
  }

  /** Removes a block from the side-block index (pruned, or canonical now). */
  delSideBlock(height: number, hash: Uint8Array): this {
    return this.del(sideKey(height, hash));
  }

  setCanonical(height: number, hash: Uint8Array): this {
    return this.put(bucketKey(DbBucket.CANONICAL, u64be(height)), hash);
  }

  delCanonical(height: number): this {
    return this.del(bucketKey(DbBucket.CANONICAL, u64be(height)));
  }

  putUndo(hash: Uint8Array, undo: UndoRecord): this {
    return this.put(bucketKey(DbBucket.UNDO, hash), encodeUndo(undo));
  }

  delUndo(hash: Uint8Array): this {
    return this.del(bucketKey(DbBucket.UNDO, hash));
  }

  putReceipt(r: StoredReceipt): this {
    return this.put(bucketKey(DbBucket.TX_INDEX, fromHex(r.txId)), utf8(JSON.stringify(r)));
  }

  delReceipt(txId: string): this {
    return this.del(bucketKey(DbBucket.TX_INDEX, fromHex(txId)));
  }

  /** The chain events of the canonical block at `height` (none: the entry is deleted). */
  putEvents(height: number, events: readonly StoredEvent[]): this {
    const key = bucketKey(DbBucket.EVENTS, u64be(height));
    return events.length === 0 ? this.del(key) : this.put(key, utf8(JSON.stringify(events)));
  }

  /** An entry of `bucket` as `ChainDb.bucketEntries` yields it (a repair copying a rebuilt bucket). */
  putEntry(bucket: number, key: Uint8Array, value: Uint8Array): this {
    return this.put(bucketKey(bucket, key), value);
  }

  /** State changes (new values or deletions). */
  applyState(changes: Change[]): this {
    for (const [k, v] of changes) {
      if (v === null) this.del(bucketKey(DbBucket.STATE, k));
      else this.put(bucketKey(DbBucket.STATE, k), v);
    }
    return this;
  }

  setMeta(name: string, value: Uint8Array): this {
    return this.put(metaKey(name), value);
  }

  delMeta(name: string): this {
    return this.del(metaKey(name));
  }

  setHead(hash: Uint8Array): this {
    return this.setMeta("head", hash);
  }

  /** Number of operations queued. */
  get length(): number {
    return this.ops.length;
  }

  /**
   * Writes every queued operation in one atomic LevelDB batch; `sync` waits until the log is on
   * the disk (a block this validator signs, before it is announced). Throws DB_WRITE_FAILED.
   */
  write(opts: { sync?: boolean } = {}): Promise<void> {
    return this.db.commit(this.ops, opts.sync === true);
  }

  private put(key: Uint8Array, value: Uint8Array): this {
    this.ops.push({ type: "put", key, value });
    return this;
  }

  private del(key: Uint8Array): this {
    this.ops.push({ type: "del", key });
    return this;
  }
}
