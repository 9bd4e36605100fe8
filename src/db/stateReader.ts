/** The state bucket of the chain database as a StateReader (chainDb.ts owns the database). */
import type { Entry, RangeOptions, StateReader } from "../state-transition/stateStore.js";
import { bucketKey, DbBucket, prefixEnd } from "./buckets.js";
import { dbCorrupt } from "./errors.js";

/** What the reader needs of the LevelDB handle (chainDb.ts is the only importer of `level`). */
export interface PointReads {
  getSync(key: Uint8Array): Uint8Array | undefined;
  iterator(o: Record<string, unknown>): AsyncIterable<[Uint8Array, Uint8Array]>;
}

/**
 * A point read; a LevelDB file that fails its checks is DB_CORRUPT (never a silent miss). The value
 * is a plain Uint8Array over the Buffer classic-level made for it (a fresh ArrayBuffer of its own,
 * never Node's shared pool): a view, not a copy (a copy doubled every block read at start-up).
 */
export function readSync(db: PointReads, key: Uint8Array): Uint8Array | undefined {
  try {
    const v = db.getSync(key);
    return v === undefined ? undefined : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  } catch (err) {
    if ((err as { code?: string }).code !== "LEVEL_CORRUPTION") throw err;
    throw dbCorrupt(`LevelDB: ${(err as Error).message}`);
  }
}

/** The state bucket seen as a StateReader. Point reads are synchronous (classic-level getSync). */
export class DbStateReader implements StateReader {
  constructor(private readonly db: PointReads) {}

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return readSync(this.db, bucketKey(DbBucket.STATE, key));
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
