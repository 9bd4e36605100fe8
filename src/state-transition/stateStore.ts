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

// Keys are held as latin1 strings: one char per byte, so string order is byte order.
function s(b: Uint8Array): string {
  // State keys are short; fromCharCode over the bytes is much cheaper than a Buffer round trip.
  return b.length <= 128
    ? String.fromCharCode(...b)
    : Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
}

function b(str: string): Uint8Array {
  return new Uint8Array(Buffer.from(str, "latin1"));
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
 * Copy-on-write layer over another state: reads fall through, writes stay here until committed.
 * Used for a block (over the database), a transaction (over the block) and a governance execution
 * (over the transaction), so that anything that fails can be dropped whole.
 */
export class StateOverlay implements StateWriter {
  private readonly writes = new BTree<string, Uint8Array | null>();

  constructor(readonly base: StateReader) {}

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    const v = this.writes.get(s(key));
    if (v !== undefined) return v ?? undefined;
    return this.base.get(key);
  }

  put(key: Uint8Array, value: Uint8Array): void {
    this.writes.set(s(key), value);
  }

  del(key: Uint8Array): void {
    this.writes.set(s(key), null);
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
    for (const [k, v] of mine) merged.set(k, v);
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

  private localRange(prefix: Uint8Array, opts: RangeOptions): Array<[string, Uint8Array | null]> {
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
    const out: Array<[string, Uint8Array | null]> = [];
    if (low > high) return out;
    const gt = opts.gt ? s(opts.gt) : undefined;
    this.writes.forRange(low, high, includeHigh, (k, v) => {
      if (k === gt || !k.startsWith(p)) return;
      out.push([k, v]);
    });
    return out;
  }

  /** Number of keys written here. */
  get size(): number {
    return this.writes.size;
  }

  /** Every change held here, in key order. */
  changes(): Change[] {
    const out: Change[] = [];
    this.writes.forEachPair((k, v) => {
      out.push([b(k), v]);
    });
    return out;
  }

  /** Applies every change held here to `target` (normally the overlay below). */
  commitTo(target: StateWriter): void {
    this.writes.forEachPair((k, v) => {
      if (v === null) target.del(b(k));
      else target.put(b(k), v);
    });
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
