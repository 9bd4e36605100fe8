/**
 * The reader below a block's overlays (stateStore.ts): point reads of the database remembered for
 * the block, and the empty state of genesis and in-memory test chains.
 */
import type { Entry, RangeOptions, RecordCodec, StateReader } from "./stateStore.js";

// Keys are held as latin1 strings: one char per byte, so string order is byte order. Buffer's
// native latin1Slice reads any Uint8Array without a copy (a profile of the vote benchmark found
// `String.fromCharCode(...key)` at 9 % of applyBlock; this is about 20 times cheaper).
const latin1Slice = Buffer.prototype.latin1Slice as (this: Uint8Array, start: number, end: number) => string;

/** A state key as a latin1 string (one char per byte: string order is byte order). */
export function keyString(b: Uint8Array): string {
  return latin1Slice.call(b, 0, b.length);
}

/**
 * Point reads of `base` remembered for the life of this object (values and absences alike); ranges
 * pass through. The base of a block's overlay (executeBlock.ts): the database does not change
 * while a block is executed, so a key read by several transactions of the block (the sender's
 * account, read again to write it; the proposer's; the proposal) is read from LevelDB once.
 */
export class ReadCache implements StateReader {
  private readonly seen = new Map<string, Uint8Array | undefined>();

  /** `limit`: most keys remembered; at the limit it forgets them all and starts again (a block's has none). */
  constructor(
    private readonly base: StateReader,
    private readonly limit = Number.POSITIVE_INFINITY,
  ) {}

  get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.getByString(key, keyString(key));
  }

  /** `get(key)` where `k` is the key's latin1 string (an overlay above has made it already). */
  async getByString(key: Uint8Array, k: string): Promise<Uint8Array | undefined> {
    const hit = this.seen.get(k);
    if (hit !== undefined || this.seen.has(k)) return hit;
    const v = await this.base.get(key);
    if (this.seen.size >= this.limit) this.forget();
    this.seen.set(k, v);
    return v;
  }

  /** Forgets every key (in place: readers that hold this cache keep a bounded one). */
  protected forget(): void {
    this.seen.clear();
  }

  /** The record at `key` decoded by `codec` (`k`: the key's latin1 string), or undefined. */
  async getRecordByString<V>(key: Uint8Array, k: string, codec: RecordCodec<V>): Promise<V | undefined> {
    const v = await this.getByString(key, k);
    return v === undefined ? undefined : codec.decode(v);
  }

  range(prefix: Uint8Array, opts?: RangeOptions): Promise<Entry[]> {
    return this.base.range(prefix, opts);
  }

  /** Keys remembered. */
  get size(): number {
    return this.seen.size;
  }
}

/**
 * A ReadCache that also keeps the records it decoded, and gives each reader a clone (as an
 * overlay's record cell does). For mempool admission (src/chain/pendingState.ts): between two
 * blocks every admission reads the same head, and a vote's admission reads its sender's account
 * four times and the proposal once, each a LevelDB read and a decode before (a profile of 5,000
 * vote admissions had them at a quarter of the main thread). In a block, where most keys are read
 * once, the plain ReadCache is cheaper (a clone on top of each decode).
 */
export class RecordReadCache extends ReadCache {
  private readonly records = new Map<string, { codec: RecordCodec<unknown>; value: unknown }>();

  protected override forget(): void {
    super.forget();
    this.records.clear();
  }

  override async getRecordByString<V>(
    key: Uint8Array,
    k: string,
    codec: RecordCodec<V>,
  ): Promise<V | undefined> {
    const hit = this.records.get(k);
    if (hit !== undefined && hit.codec === codec) return codec.clone(hit.value as V);
    const v = await this.getByString(key, k);
    if (v === undefined) return undefined;
    const value = codec.decode(v);
    this.records.set(k, { codec: codec as RecordCodec<unknown>, value });
    return codec.clone(value);
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
