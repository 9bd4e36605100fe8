import btree from "sorted-btree";

// sorted-btree is CommonJS with `exports.default = BTree` and `__esModule`: native ESM gives the
// exports object (class under .default), a CommonJS-interop loader (tsx under mocha) the class itself.
const BTree = btree.default ?? (btree as unknown as typeof btree.default);

/** A state entry: key and value bytes. */
export type Entry = [key: Uint8Array, value: Uint8Array];

/** Bounds of a range read inside one key prefix (keys compare as bytes). */
export interface RangeOptions {
  /** Only keys strictly greater than this. */
  gt?: Uint8Array;
  /** Only keys less than or equal to this. */
  lte?: Uint8Array;
  /** Only keys strictly less than this. */
  lt?: Uint8Array;
  /** Descending order. */
  reverse?: boolean;
  /** At most this many entries. */
  limit?: number;
}

/** Read access to state. Implemented by the database (src/db) and by overlays. */
export interface StateReader {
  /** Value of `key`, or undefined. */
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  /** Entries whose key starts with `prefix`, within the bounds, in key order. */
  range(prefix: Uint8Array, opts?: RangeOptions): Promise<Entry[]>;
}

/** State that can also be written. */
export interface StateWriter extends StateReader {
  put(key: Uint8Array, value: Uint8Array): void;
  del(key: Uint8Array): void;
}

/** A change to one key: the new value, or null for a deletion. */
export type Change = [key: Uint8Array, value: Uint8Array | null];

/**
 * A decoded state record's codec, for the overlay's record cells (`putRecord`, `readRecord`):
 * `clone` gives a copy that shares nothing mutable with its argument, as `decode(encode(v))` would.
 */
export interface RecordCodec<V> {
  encode(v: V): Uint8Array;
  decode(bytes: Uint8Array): V;
  clone(v: V): V;
}

// Keys are held as latin1 strings: one char per byte, so string order is byte order. Buffer's
// native latin1Slice reads any Uint8Array without a copy (a profile of the vote benchmark found
// `String.fromCharCode(...key)` at 9 % of applyBlock; this is about 20 times cheaper).
const latin1Slice = Buffer.prototype.latin1Slice as (this: Uint8Array, start: number, end: number) => string;
function s(b: Uint8Array): string {
  return latin1Slice.call(b, 0, b.length);
}

function b(str: string): Uint8Array {
  return new Uint8Array(Buffer.from(str, "latin1"));
}

/**
 * What an overlay holds for one key: bytes, a deletion (null), or a decoded record whose bytes are
 * made from it when first asked for (then kept). A record cell's value is owned by the cell: it was
 * cloned when written and is cloned for every reader, so nobody mutates it, and its bytes are the
 * ones an eager `put(key, codec.encode(value))` would have written.
 */
interface Cell {
  readonly key: Uint8Array;
  bytes: Uint8Array | null | undefined;
  readonly record?: { readonly value: unknown; readonly codec: RecordCodec<unknown> };
}

function cellBytes(c: Cell): Uint8Array | null {
  if (c.bytes === undefined) c.bytes = c.record!.codec.encode(c.record!.value);
  return c.bytes;
}

/** The last entry with `prefix` and key <= `upTo`, if any (a single seek in the database). */
export async function findLast(
  state: StateReader,
  prefix: Uint8Array,
  upTo: Uint8Array,
): Promise<Entry | undefined> {
  return (await state.range(prefix, { lte: upTo, reverse: true, limit: 1 }))[0];
}

/**
 * The record at `key` decoded by `codec`, or undefined. Through overlays a record written as a
 * record (`putRecord`) is read back as a clone, without encoding or decoding it.
 */
export async function readRecord<V>(
  state: StateReader,
  key: Uint8Array,
  codec: RecordCodec<V>,
): Promise<V | undefined> {
  if (state instanceof StateOverlay) return state.getRecord(key, codec);
  const v = await state.get(key);
  return v === undefined ? undefined : codec.decode(v);
}

/** Writes `value` at `key`: as a record cell in an overlay, else encoded. */
export function writeRecord<V>(state: StateWriter, key: Uint8Array, value: V, codec: RecordCodec<V>): void {
  if (state instanceof StateOverlay) state.putRecord(key, value, codec);
  else state.put(key, codec.encode(value));
}

/**
 * Copy-on-write layer over another state: reads fall through, writes stay here until committed.
 * Used for a block (over the database), a transaction (over the block) and a governance execution
 * (over the transaction), so that anything that fails can be dropped whole. A read walks down the
 * overlays with the key converted once; a commit moves the cells into the overlay below as they
 * are (records stay decoded until the block's changes are asked for).
 */
export class StateOverlay implements StateWriter {
  private readonly writes = new BTree<string, Cell>();
  /** The first reader below that is not an overlay (the database, or an empty state). */
  private readonly bottom: StateReader;

  constructor(readonly base: StateReader) {
    this.bottom = base instanceof StateOverlay ? base.bottom : base;
  }

  /** The cell for `k` here or in an overlay below, if any. */
  private find(k: string): Cell | undefined {
    let o: StateOverlay = this;
    for (;;) {
      const c = o.writes.get(k);
      if (c !== undefined) return c;
      if (!(o.base instanceof StateOverlay)) return undefined;
      o = o.base;
    }
  }

  get(key: Uint8Array): Promise<Uint8Array | undefined> {
    const c = this.find(s(key));
    if (c === undefined) return this.bottom.get(key);
    return Promise.resolve(cellBytes(c) ?? undefined);
  }

  /** The record at `key` (see readRecord). */
  async getRecord<V>(key: Uint8Array, codec: RecordCodec<V>): Promise<V | undefined> {
    const c = this.find(s(key));
    if (c?.record && c.record.codec === codec) return codec.clone(c.record.value as V);
    const v = c === undefined ? await this.bottom.get(key) : cellBytes(c);
    return v === null || v === undefined ? undefined : codec.decode(v);
  }

  put(key: Uint8Array, value: Uint8Array): void {
    this.writes.set(s(key), { key, bytes: value });
  }

  /** Writes a record, encoded only when its bytes are needed (see Cell). */
  putRecord<V>(key: Uint8Array, value: V, codec: RecordCodec<V>): void {
    this.writes.set(s(key), {
      key,
      bytes: undefined,
      record: { value: codec.clone(value), codec: codec as RecordCodec<unknown> },
    });
  }

  del(key: Uint8Array): void {
    this.writes.set(s(key), { key, bytes: null });
  }

  async range(prefix: Uint8Array, opts: RangeOptions = {}): Promise<Entry[]> {
    const limit = opts.limit ?? Number.POSITIVE_INFINITY;
    const mine = this.localRange(prefix, opts);
    // Each local key can hide at most one base entry, so this many base entries always suffice.
    const baseLimit = limit === Number.POSITIVE_INFINITY ? undefined : limit + mine.length;
    const fromBase = await this.base.range(prefix, {
      ...opts,
      ...(baseLimit !== undefined ? { limit: baseLimit } : {}),
    });
    const merged = new Map<string, Uint8Array | null>();
    for (const [k, v] of fromBase) merged.set(s(k), v);
    for (const [k, c] of mine) merged.set(k, cellBytes(c));
    const keys = [...merged.keys()].sort();
    if (opts.reverse) keys.reverse();
    const out: Entry[] = [];
    for (const k of keys) {
      const v = merged.get(k);
      if (v === null || v === undefined) continue;
      out.push([b(k), v]);
      if (out.length >= limit) break;
    }
    return out;
  }

  private localRange(prefix: Uint8Array, opts: RangeOptions): Array<[string, Cell]> {
    const p = s(prefix);
    let low = p;
    let high = `${p}\uffff`; // above every latin1 continuation of the prefix
    let includeHigh = false;
    if (opts.gt && s(opts.gt) >= low) low = s(opts.gt);
    // Upper bound: the tightest of the prefix end, `lte` and `lt` (as the database reader does).
    if (opts.lte && s(opts.lte) < high) {
      high = s(opts.lte);
      includeHigh = true;
    }
    if (opts.lt && (s(opts.lt) < high || (s(opts.lt) === high && includeHigh))) {
      high = s(opts.lt);
      includeHigh = false;
    }
    const out: Array<[string, Cell]> = [];
    if (low > high) return out;
    const gt = opts.gt ? s(opts.gt) : undefined;
    this.writes.forRange(low, high, includeHigh, (k, c) => {
      if (k === gt || !k.startsWith(p)) return;
      out.push([k, c]);
    });
    return out;
  }

  /** Number of keys written here. */
  get size(): number {
    return this.writes.size;
  }

  /** Every change held here, in key order (records encoded now, once). */
  changes(): Change[] {
    const out: Change[] = [];
    this.writes.forEachPair((_, c) => {
      out.push([c.key, cellBytes(c)]);
    });
    return out;
  }

  /** Applies every change held here to `target` (normally the overlay below). */
  commitTo(target: StateWriter): void {
    if (target instanceof StateOverlay) {
      const into = target.writes;
      this.writes.forEachPair((k, c) => {
        into.set(k, c);
      });
      return;
    }
    this.writes.forEachPair((_, c) => {
      const v = cellBytes(c);
      if (v === null) target.del(c.key);
      else target.put(c.key, v);
    });
  }
}

/**
 * Point reads of `base` remembered for the life of this object (values and absences alike); ranges
 * pass through. The base of a block's overlay (executeBlock.ts): the database does not change
 * while a block is executed, so a key read by several transactions of the block (the sender's
 * account, read again to write it; the proposer's; the proposal) is read from LevelDB once.
 */
export class ReadCache implements StateReader {
  private readonly seen = new Map<string, Uint8Array | undefined>();

  constructor(private readonly base: StateReader) {}

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    const k = s(key);
    if (this.seen.has(k)) return this.seen.get(k);
    const v = await this.base.get(key);
    this.seen.set(k, v);
    return v;
  }

  range(prefix: Uint8Array, opts?: RangeOptions): Promise<Entry[]> {
    return this.base.range(prefix, opts);
  }
}

/** An empty state (the base of genesis and of in-memory test chains). */
export const EMPTY_STATE: StateReader = {
  async get() {
    return undefined;
  },
  async range() {
    return [];
  },
};
