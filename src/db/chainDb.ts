import { Level } from "level";
import { fromHex, u64be, utf8 } from "../crypto/bytes.js";
import { xaiError } from "../errors.js";
import type { Change, Entry, RangeOptions, StateReader } from "../state-transition/stateStore.js";
import { bucketKey, DbBucket, prefixEnd, SCHEMA_VERSION } from "./buckets.js";
import { DbErrorCode } from "./errors.js";
import { decodeUndo, encodeUndo, type UndoRecord } from "./undo.js";

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

type Db = Level<Uint8Array, Uint8Array>;
type BatchOp = { type: "put"; key: Uint8Array; value: Uint8Array } | { type: "del"; key: Uint8Array };

const dec = new TextDecoder();

/** The state bucket seen as a StateReader. Point reads are synchronous (classic-level getSync). */
class DbStateReader implements StateReader {
  constructor(private readonly db: Db) {}

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    const v = this.db.getSync(bucketKey(DbBucket.STATE, key));
    return v === undefined ? undefined : new Uint8Array(v);
  }

  async range(prefix: Uint8Array, opts: RangeOptions = {}): Promise<Entry[]> {
    const p = bucketKey(DbBucket.STATE, prefix);
    const o: Record<string, unknown> = { reverse: opts.reverse === true };
    // Lower bound: the prefix, or `gt` if that is higher.
    const gt = opts.gt ? bucketKey(DbBucket.STATE, opts.gt) : undefined;
    if (gt && Buffer.compare(gt, p) >= 0) o.gt = gt;
    else o.gte = p;
    // Upper bound: the end of the prefix, or `lte`/`lt` if lower.
    const end = prefixEnd(p);
    const lte = opts.lte ? bucketKey(DbBucket.STATE, opts.lte) : undefined;
    const lt = opts.lt ? bucketKey(DbBucket.STATE, opts.lt) : undefined;
    if (lt && (!end || Buffer.compare(lt, end) <= 0) && (!lte || Buffer.compare(lt, lte) <= 0)) o.lt = lt;
    else if (lte && (!end || Buffer.compare(lte, end) < 0)) o.lte = lte;
    else if (end) o.lt = end;
    if (opts.limit !== undefined) o.limit = opts.limit;
    const out: Entry[] = [];
    for await (const [k, v] of this.db.iterator(o))
      out.push([new Uint8Array(k.subarray(1)), new Uint8Array(v)]);
    return out;
  }
}

/**
 * The node's one LevelDB database and the only importer of `level`. Blocks, the canonical index,
 * undo records, receipts, state and the head are written together in one batch per block.
 */
export class ChainDb {
  readonly state: StateReader;

  private constructor(private readonly db: Db) {
    this.state = new DbStateReader(db);
  }

  /**
   * Opens (creating if needed) the database in `dir`; DB_LOCKED if another process has it open,
   * DB_SCHEMA_MISMATCH (closed again) if another schema version of the node wrote it.
   */
  static async open(dir: string): Promise<ChainDb> {
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
      throw err;
    }
    const cdb = new ChainDb(db);
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
    return this.db.getSync(bucketKey(DbBucket.BLOCK, hash)) !== undefined;
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

  /** Receipt of a transaction on the canonical chain. */
  async getReceipt(txId: string): Promise<StoredReceipt | undefined> {
    if (!/^[0-9a-f]{64}$/.test(txId)) return undefined;
    const v = await this.getRaw(bucketKey(DbBucket.TX_INDEX, fromHex(txId)));
    return v ? (JSON.parse(dec.decode(v)) as StoredReceipt) : undefined;
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

  /** A new write batch. */
  batch(): DbBatch {
    return new DbBatch(this.db);
  }

  private async getRaw(key: Uint8Array): Promise<Uint8Array | undefined> {
    const v = this.db.getSync(key);
    return v === undefined ? undefined : new Uint8Array(v);
  }
}

function sideKey(height: number, hash: Uint8Array): Uint8Array {
  const key = new Uint8Array(8 + hash.length);
  key.set(u64be(height), 0);
  key.set(hash, 8);
  return bucketKey(DbBucket.SIDE_BLOCK, key);
}

function metaKey(name: string): Uint8Array {
  return bucketKey(DbBucket.META, utf8(name));
}

/** The writes of one block (or one reorg), committed atomically by `write()`. */
export class DbBatch {
  private readonly ops: BatchOp[] = [];

  constructor(private readonly db: Db) {}

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

  /** Writes every queued operation in one atomic LevelDB batch. */
  write(): Promise<void> {
    return this.db.batch(this.ops);
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
