/**
 * Typed collections over state buckets, in the style of Cosmos `collections.Map` / `Item` and
 * Lodestar's `Repository`: a bucket byte, a key encoder and a value codec, and every read and write
 * of that bucket goes through them (get, has, put, del, range). No collection holds state itself;
 * each call takes the StateReader / StateWriter it works on.
 */
import { concatBytes, readU64be, u64be } from "../crypto/bytes.js";
import {
  moveRecord,
  type RangeOptions,
  type RecordCodec,
  readRecord,
  type StateReader,
  type StateWriter,
  writeRecord,
} from "../state-transition/stateStore.js";
import type { Codec } from "./codec.js";

/**
 * Record codecs (records.ts) can clone a value: their records stay decoded in a block's overlays
 * (stateStore.ts record cells), so a proposal voted on 20,000 times in a block is decoded once and
 * encoded once instead of 20,000 times each.
 */
function isRecordCodec<V>(c: Codec<V>): c is RecordCodec<V> {
  return "clone" in c;
}

/** The values of one bucket, by key. */
export interface Collection<K, V> {
  /** The bucket byte. */
  readonly bucket: number;
  /** The full state key of `k`. */
  key(k: K): Uint8Array;
  /** The full key prefix of the entries whose key starts with `parts` (all entries by default). */
  prefix(parts?: Uint8Array): Uint8Array;
  /** The value at `k`, or undefined. */
  get(state: StateReader, k: K): Promise<V | undefined>;
  /** True if a value is stored at `k`. */
  has(state: StateReader, k: K): Promise<boolean>;
  /** Stores `v` at `k`. */
  put(state: StateWriter, k: K, v: V): void;
  /** Stores `v` at `k`, given away: the caller must not change it afterwards (moveRecord). */
  move(state: StateWriter, k: K, v: V): void;
  /** Deletes the value at `k`. */
  del(state: StateWriter, k: K): void;
  /** Decoded entries (full key, value) under `prefix(parts)`, in key order, within `opts`. */
  range(state: StateReader, parts?: Uint8Array, opts?: RangeOptions): Promise<Array<[Uint8Array, V]>>;
}

/** A collection of bucket `bucket`: keys are the bucket byte followed by `keyOf(k)`. */
export function collection<K, V>(
  bucket: number,
  keyOf: (k: K) => Uint8Array,
  codec: Codec<V>,
): Collection<K, V> {
  const head = new Uint8Array([bucket]);
  const key = (k: K) => concatBytes(head, keyOf(k));
  const prefix = (parts?: Uint8Array) => (parts ? concatBytes(head, parts) : head);
  return {
    bucket,
    key,
    prefix,
    async get(state, k) {
      if (isRecordCodec(codec)) return readRecord(state, key(k), codec);
      const v = await state.get(key(k));
      return v ? codec.decode(v) : undefined;
    },
    async has(state, k) {
      return (await state.get(key(k))) !== undefined;
    },
    put(state, k, v) {
      if (isRecordCodec(codec)) writeRecord(state, key(k), v, codec);
      else state.put(key(k), codec.encode(v));
    },
    move(state, k, v) {
      if (isRecordCodec(codec)) moveRecord(state, key(k), v, codec);
      else state.put(key(k), codec.encode(v));
    },
    del(state, k) {
      state.del(key(k));
    },
    async range(state, parts, opts = {}) {
      return (await state.range(prefix(parts), opts)).map(([k, v]) => [k, codec.decode(v)]);
    },
  };
}

/** A single value under a fixed key (Cosmos `collections.Item`). */
export interface Item<V> {
  /** The value, or undefined. */
  get(state: StateReader): Promise<V | undefined>;
  /** Stores the value. */
  put(state: StateWriter, v: V): void;
  /** Deletes the value. */
  del(state: StateWriter): void;
}

/** The item stored under the bare bucket byte `bucket`. */
export function item<V>(bucket: number, codec: Codec<V>): Item<V> {
  const c = collection<void, V>(bucket, () => new Uint8Array(0), codec);
  return {
    get: (state) => c.get(state),
    put: (state, v) => c.put(state, undefined, v),
    del: (state) => c.del(state, undefined),
  };
}

/** u64 big-endian ↔ number (counters, heights). */
export const u64Number: Codec<number> = { encode: (n) => u64be(n), decode: (b) => Number(readU64be(b)) };

/** u64 big-endian ↔ bigint. */
export const u64Bigint: Codec<bigint> = { encode: (n) => u64be(n), decode: (b) => readU64be(b) };
