import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Level } from "level";
import { fromHex, u64be, utf8 } from "../crypto/bytes.js";
import { type XaiError, xaiError } from "../errors.js";
import type { StateReader } from "../state-transition/stateStore.js";
import { type BatchOp, DbBatch, metaKey } from "./batch.js";
import { bucketKey, DbBucket, prefixEnd, SCHEMA_VERSION } from "./buckets.js";
import { DbErrorCode, dbCorrupt } from "./errors.js";
import { DbStateReader, readSync } from "./stateReader.js";
import { decodeUndo, type UndoRecord } from "./undo.js";

export { DbBatch } from "./batch.js";

/** A transaction receipt as indexed by tx id (not consensus state; rebuilt by replay). */
export interface StoredReceipt {
  txId: string;
  height: number;
  index: number;
  blockHash: string;
  result: "ok" | "failed";
  errorCode?: string;
  proposalId?: string;
}

/** A chain event as the EVENTS bucket keeps it (the API's field names; the height is the key). */
export interface StoredEvent {
  type: string;
  tx_id?: string;
  attributes: Record<string, string>;
}

type Db = Level<Uint8Array, Uint8Array>;

const dec = new TextDecoder();

/**
 * The node's one LevelDB database and the only importer of `level`. Blocks, the canonical index,
 * undo records, receipts, state and the head are written together in one batch per block.
 */
export class ChainDb {
  readonly state: StateReader;
  /**
   * The first failed write (fail-stop): LevelDB's log may be torn after it, so nothing is written
   * again and every later write throws this DB_WRITE_FAILED; the owner stops the node.
   */
  private failure: XaiError | undefined;
  private readonly failureListeners: Array<(err: XaiError) => void> = [];

  private constructor(private readonly db: Db) {
    this.state = new DbStateReader(db);
  }

  /**
   * Opens (creating if needed) the database in `dir`; DB_LOCKED if another process has it open,
   * DB_SCHEMA_MISMATCH (closed again) if another schema version of the node wrote it.
   */
  static async open(dir: string, o: { repairing?: boolean } = {}): Promise<ChainDb> {
    const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: "view", valueEncoding: "view" });
    try {
      await db.open();
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      if (cause?.code === "LEVEL_LOCKED")
        throw xaiError(
          DbErrorCode.LOCKED,
          `database ${dir} is in use by another process (is the node running?)`,
        );
      if (cause?.code === "LEVEL_CORRUPTION")
        throw dbCorrupt(`LevelDB: ${(err as { cause?: Error }).cause?.message}`);
      throw err;
    }
    const cdb = new ChainDb(db);
    // LevelDB drops a damaged log record when it opens the files and only says so in its LOG: the
    // finding is kept as the `damaged` mark until a repair (`repairing`: repair.ts) removes it.
    const dropped = droppedOnRecovery(dir);
    if (dropped) await db.put(metaKey("damaged"), utf8(dropped));
    const damaged = await cdb.getMeta("damaged");
    if (damaged && !o.repairing) {
      await db.close();
      throw dbCorrupt(`LevelDB dropped damaged records when it opened ${dir} (${dec.decode(damaged)})`);
    }
    const schema = await cdb.getMeta("schema");
    if (schema === undefined) await db.put(metaKey("schema"), utf8(SCHEMA_VERSION));
    else if (dec.decode(schema) !== SCHEMA_VERSION) {
      const found = dec.decode(schema);
      await db.close();
      throw xaiError(
        DbErrorCode.SCHEMA_MISMATCH,
        `database ${dir} has schema ${found}; this release reads schema ${SCHEMA_VERSION} (state is encoded differently): remove the database and sync the chain again`,
        { found, expected: SCHEMA_VERSION },
      );
    }
    return cdb;
  }

  /** LevelDB's own repair of the files in `dir` (closed): keeps every record it can still read. */
  static repair(dir: string): Promise<void> {
    return (Level as unknown as { repair(location: string): Promise<void> }).repair(dir);
  }

  /** Closes the database. */
  close(): Promise<void> {
    return this.db.close();
  }

  /** A META value. */
  async getMeta(name: string): Promise<Uint8Array | undefined> {
    return this.getRaw(metaKey(name));
  }

  /** Hash of the head block, or undefined for a new database. */
  getHead(): Promise<Uint8Array | undefined> {
    return this.getMeta("head");
  }

  /** Stored block bytes by hash. */
  getBlockBytes(hash: Uint8Array): Promise<Uint8Array | undefined> {
    return this.getRaw(bucketKey(DbBucket.BLOCK, hash));
  }

  /** True if a block with this hash is stored (a synchronous point read). */
  hasBlock(hash: Uint8Array): boolean {
    return readSync(this.db, bucketKey(DbBucket.BLOCK, hash)) !== undefined;
  }

  /** Hash of the canonical block at `height`. */
  getCanonicalHash(height: number): Promise<Uint8Array | undefined> {
    return this.getRaw(bucketKey(DbBucket.CANONICAL, u64be(height)));
  }

  /** Undo record of a canonical block. */
  async getUndo(hash: Uint8Array): Promise<UndoRecord | undefined> {
    const v = await this.getRaw(bucketKey(DbBucket.UNDO, hash));
    return v ? decodeUndo(v) : undefined;
  }

  /** Undo record of a canonical block as stored (undo.ts `walkUndo` reads it without copies). */
  getUndoBytes(hash: Uint8Array): Uint8Array | undefined {
    return readSync(this.db, bucketKey(DbBucket.UNDO, hash));
  }

  /** Receipt of a transaction on the canonical chain. */
  async getReceipt(txId: string): Promise<StoredReceipt | undefined> {
    if (!/^[0-9a-f]{64}$/.test(txId)) return undefined;
    const v = await this.getRaw(bucketKey(DbBucket.TX_INDEX, fromHex(txId)));
    return v ? (JSON.parse(dec.decode(v)) as StoredReceipt) : undefined;
  }

  /** The chain events of the canonical block at `height` (EVENTS bucket; none: []). */
  async getEvents(height: number): Promise<StoredEvent[]> {
    const v = await this.getRaw(bucketKey(DbBucket.EVENTS, u64be(height)));
    return v ? (JSON.parse(dec.decode(v)) as StoredEvent[]) : [];
  }

  /**
   * The side-block index (SIDE_BLOCK bucket), in height order: every side-branch block stored, so a
   * restarted node still prunes them once final and counts them against its cap.
   */
  async sideBlockIndex(): Promise<Array<{ height: number; hash: Uint8Array }>> {
    const lo = new Uint8Array([DbBucket.SIDE_BLOCK]);
    const out: Array<{ height: number; hash: Uint8Array }> = [];
    for await (const k of this.db.keys({ gte: lo, lt: prefixEnd(lo)! })) {
      if (k.length !== 1 + 8 + 32) throw xaiError(DbErrorCode.CORRUPT, "bad side-block index key");
      const height = Number(new DataView(k.buffer, k.byteOffset + 1, 8).getBigUint64(0));
      out.push({ height, hash: new Uint8Array(k.subarray(9)) });
    }
    return out;
  }

  /** Every stored block (canonical or not) as [hash, bytes], in hash order. */
  async *blockEntries(): AsyncGenerator<[Uint8Array, Uint8Array]> {
    const lo = new Uint8Array([DbBucket.BLOCK]);
    for await (const [k, v] of this.db.iterator({ gte: lo, lt: prefixEnd(lo)! }))
      yield [new Uint8Array(k.subarray(1)), new Uint8Array(v)];
  }

  /** Every state entry in key order (replay compares two databases with it). */
  async *stateEntries(): AsyncGenerator<[Uint8Array, Uint8Array]> {
    const lo = new Uint8Array([DbBucket.STATE]);
    for await (const [k, v] of this.db.iterator({ gte: lo, lt: prefixEnd(lo)! }))
      yield [new Uint8Array(k.subarray(1)), new Uint8Array(v)];
  }

  /** Every entry of `bucket` as [key without the bucket byte, value], in key order (repair.ts). */
  async *bucketEntries(bucket: number): AsyncGenerator<[Uint8Array, Uint8Array]> {
    const lo = new Uint8Array([bucket]);
    for await (const [k, v] of this.db.iterator({ gte: lo, lt: prefixEnd(lo)! }))
      yield [new Uint8Array(k.subarray(1)), new Uint8Array(v)];
  }

  /** Deletes every entry of `bucket` whose key (without the bucket byte) is at least `from`. */
  clearBucket(bucket: number, from: Uint8Array = new Uint8Array(0)): Promise<void> {
    return this.db.clear({ gte: bucketKey(bucket, from), lt: prefixEnd(new Uint8Array([bucket]))! });
  }

  /** A new write batch. */
  batch(): DbBatch {
    return new DbBatch(this);
  }

  /** The failed write that stopped this database's writes (fail-stop), if one did. */
  get writeFailure(): XaiError | undefined {
    return this.failure;
  }

  /** Calls `fn` once, at the first failed write (the node stops then: fail-stop). */
  onWriteFailure(fn: (err: XaiError) => void): void {
    this.failureListeners.push(fn);
  }

  /**
   * Writes `ops` atomically (`sync`: and waits for the log to reach the disk). The first failure
   * is kept and thrown again by every later write, which then writes nothing.
   */
  async commit(ops: BatchOp[], sync: boolean): Promise<void> {
    if (this.failure) throw this.failure;
    try {
      // A chained batch: one native call per operation. The array form copies every operation
      // into a new object first (a profile of a 10,000-vote block had it at 15 % of the run).
      const batch = this.db.batch();
      try {
        for (const op of ops) {
          if (op.type === "put") batch.put(op.key, op.value);
          else batch.del(op.key);
        }
      } catch (err) {
        await batch.close().catch(() => {}); // the operation's error is the one to report
        throw err;
      }
      await batch.write({ sync });
    } catch (err) {
      if (this.failure) throw this.failure;
      const message = (err as Error).message;
      this.failure = xaiError(
        DbErrorCode.WRITE_FAILED,
        `writing the database failed (${message}): the node stops, and writes nothing more; restart it once the cause (e.g. a full disk) is fixed`,
        { cause: message },
      );
      for (const fn of this.failureListeners) fn(this.failure);
      throw this.failure;
    }
  }

  private async getRaw(key: Uint8Array): Promise<Uint8Array | undefined> {
    return readSync(this.db, key);
  }
}

/** The line of LevelDB's LOG (this open's: LevelDB rotates it) that reports dropped records. */
function droppedOnRecovery(dir: string): string | undefined {
  let log: string;
  try {
    log = readFileSync(join(dir, "LOG"), "utf8");
  } catch {
    return undefined;
  }
  const line = log.split("\n").find((l) => /dropping [0-9]+ bytes|Corruption:/.test(l));
  return line?.replace(/^.*?(\S+: dropping|Corruption)/, "$1").trim();
}
