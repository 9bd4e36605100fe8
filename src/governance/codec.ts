/**
 * A table-driven protobuf ↔ domain codec for the governance state records (records.ts holds the
 * tables). A table gives each domain field a slot: one proto field with a value codec, a group
 * (a nested domain object stored as flat proto fields), a repeated sub-message, or an optional
 * sub-message with its presence flag. Encoding writes every field from the domain value and
 * protobufjs leaves proto3 defaults out, so one domain value has exactly one encoding; decoding
 * fills every domain field and refuses bytes that do not decode with GOV_CORRUPT.
 */
import { xaiError } from "../errors.js";
import type { RecordCodec } from "../state-transition/stateStore.js";
import {
  type DecodeFailure,
  decodeMessage,
  encodeMessage,
  fromLong,
  protoType,
  toLong,
} from "../types/proto.js";
import { GovErrorCode } from "./errors.js";

type Obj = Record<string, unknown>;

/** A value's mapping between its domain type and what protobufjs takes and gives. */
export interface ValueCodec<T> {
  enc(v: T): unknown;
  dec(v: unknown): T;
  /** A copy sharing nothing mutable (absent: the value is immutable and is shared). */
  copy?(v: T): T;
}

/** A domain field's place in a message: it writes and reads one or more proto fields. */
export interface Slot<T> {
  write(v: T, out: Obj): void;
  read(o: Obj): T;
  /** A deep copy of the domain value (a record cell's clone, stateStore.ts). */
  copy(v: T): T;
}

/** The slots of every field of a domain type. */
export type Table<T> = { [K in keyof T]-?: Slot<T[K]> };

/** Bytes ↔ domain value. */
export interface Codec<T> {
  encode(v: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}

/** uint64 ↔ bigint. */
export const u64: ValueCodec<bigint> = { enc: toLong, dec: fromLong };

/** uint64 ↔ number (heights, counts, sequence numbers). */
export const int: ValueCodec<number> = { enc: (n) => toLong(BigInt(n)), dec: (v) => Number(fromLong(v)) };

/** string ↔ string (absent: ""). */
export const text: ValueCodec<string> = { enc: (s) => s, dec: (v) => (typeof v === "string" ? v : "") };

/** bool ↔ boolean (absent: false). */
export const flag: ValueCodec<boolean> = { enc: (b) => b, dec: (v) => v === true };

/** bytes ↔ a fresh Uint8Array (absent: empty). */
export const bytes: ValueCodec<Uint8Array> = {
  enc: (b) => b,
  dec: (v) => new Uint8Array((v as Uint8Array | undefined) ?? new Uint8Array(0)),
  copy: (b) => new Uint8Array(b),
};

/** string ↔ a string union, trusted as stored (no check on decode). */
export function named<T extends string>(): ValueCodec<T> {
  return { enc: (s) => s, dec: (v) => text.dec(v) as T };
}

/** string ↔ one of `values`; decoding anything else is GOV_CORRUPT (`unknown <what> <value>`). */
export function oneOf<T extends string>(what: string, values: readonly T[]): ValueCodec<T> {
  return {
    enc: (s) => s,
    dec: (v) => {
      const s = text.dec(v);
      if (!(values as readonly string[]).includes(s))
        throw xaiError(GovErrorCode.CORRUPT, `unknown ${what} ${s}`);
      return s as T;
    },
  };
}

/** One proto field. */
export function field<T>(name: string, c: ValueCodec<T>): Slot<T> {
  return {
    write: (v, out) => {
      out[name] = c.enc(v);
    },
    read: (o) => c.dec(o[name]),
    copy: c.copy ?? ((v) => v),
  };
}

/**
 * A table compiled once into a list of (domain key, slot), so encoding and decoding a record is a
 * plain loop (no per-call `Object.keys`): these run for every vote on the proposal record.
 */
interface Compiled<T> {
  write(v: T, out: Obj): Obj;
  read(o: Obj): T;
  copy(v: T): T;
}

function compile<T>(table: Table<T>): Compiled<T> {
  const entries = (Object.keys(table) as Array<keyof T>).map((k) => [k, table[k]] as const);
  return {
    write(v, out) {
      for (const [k, slot] of entries) slot.write(v[k], out);
      return out;
    },
    read(o) {
      const v = {} as T;
      for (const [k, slot] of entries) v[k] = slot.read(o);
      return v;
    },
    copy(v) {
      const c = {} as T;
      for (const [k, slot] of entries) c[k] = slot.copy(v[k]);
      return c;
    },
  };
}

/** A nested domain object whose fields are proto fields of the enclosing message. */
export function group<T>(table: Table<T>): Slot<T> {
  const c = compile(table);
  return { write: (v, out) => void c.write(v, out), read: (o) => c.read(o), copy: (v) => c.copy(v) };
}

/** A repeated sub-message, one per element. */
export function list<T>(name: string, table: Table<T>): Slot<T[]> {
  const c = compile(table);
  return {
    write: (v, out) => {
      out[name] = v.map((x) => c.write(x, {}));
    },
    read: (o) => ((o[name] as Obj[] | null | undefined) ?? []).map((x) => c.read(x)),
    copy: (v) => v.map((x) => c.copy(x)),
  };
}

/** An optional sub-message: written with `presence` true when defined, read back only if so. */
export function optional<T>(name: string, presence: string, table: Table<T>): Slot<T | undefined> {
  const c = compile(table);
  return {
    write: (v, out) => {
      if (v === undefined) return;
      out[name] = c.write(v, {});
      out[presence] = true;
    },
    read: (o) => (o[presence] === true && o[name] ? c.read(o[name] as Obj) : undefined),
    copy: (v) => (v === undefined ? undefined : c.copy(v)),
  };
}

const corrupt = {
  defaults: true,
  onError: (f: DecodeFailure) => xaiError(GovErrorCode.CORRUPT, `${f.type} does not decode: ${f.detail}`),
};

/**
 * A deep copy of a plain value (objects, arrays, byte arrays, strings, numbers, bigints, booleans,
 * undefined), for a slot with no table of its own (a proposal's action).
 */
export function cloneRecord<T>(v: T): T {
  if (typeof v !== "object" || v === null) return v;
  if (v instanceof Uint8Array) return new Uint8Array(v) as T;
  if (Array.isArray(v)) return v.map(cloneRecord) as T;
  const out: Obj = {};
  for (const k in v) out[k] = cloneRecord((v as Obj)[k]);
  return out as T;
}

/**
 * The codec of a record: the message `typeName` of proto/xai/gov/v1/state.proto and its table.
 * Its `clone` lets overlays keep the record decoded within a block (collection.ts).
 */
export function recordCodec<T>(typeName: string, table: Table<T>): RecordCodec<T> {
  // `clone` copies field by field through the table: a copy of what decode(encode(v)) gives, the
  // record cells' stand-in for that round trip (stateStore.ts).
  const t = protoType(typeName);
  const c = compile(table);
  return {
    encode: (v) => encodeMessage(t, c.write(v, {})),
    decode: (b) => c.read(decodeMessage(t, b, corrupt)),
    clone: (v) => c.copy(v),
  };
}
