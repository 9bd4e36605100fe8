/**
 * protobufjs set-up and the helpers every codec shares: the message types of proto/, uint64 ↔
 * bigint, a fresh-buffer encode and the one strict decode (`decodeMessage`).
 */
import Long from "long";
import protobuf from "protobufjs";
import { bytesEqual } from "../crypto/bytes.js";
import { protoDescriptor } from "./generated/descriptor.js";

// protobufjs cannot find `long` by itself under ESM; without it uint64 silently loses precision.
protobuf.util.Long = Long;
protobuf.configure();

const root = protobuf.Root.fromJSON(protoDescriptor as unknown as protobuf.INamespace);

function type(name: string): protobuf.Type {
  return root.lookupType(name);
}

/** Message types of the wire format (proto/xai/chain/v1/chain.proto). */
export const pb = {
  TxBody: type("xai.chain.v1.TxBody"),
  SignedTx: type("xai.chain.v1.SignedTx"),
  BlockHeader: type("xai.chain.v1.BlockHeader"),
  Block: type("xai.chain.v1.Block"),
  Genesis: type("xai.chain.v1.Genesis"),
};

/** Looks up any message type by its full name (used by state record codecs). */
export function protoType(name: string): protobuf.Type {
  return type(name);
}

const U32 = 0xffff_ffffn;

/**
 * bigint → Long for uint64 fields (encoding a bigint directly would silently write 0). By its two
 * 32-bit halves: a profile of the vote benchmark found the decimal round trip
 * (`Long.fromString(n.toString())`) among the heaviest functions of a vote.
 */
export function toLong(n: bigint): Long {
  if (n < 0n || n > 0xffff_ffff_ffff_ffffn) throw new RangeError(`uint64 out of range: ${n}`);
  return Long.fromBits(Number(n & U32), Number(n >> 32n), true);
}

/** uint64 field value (Long or number, as protobufjs decodes it) → bigint, from its 32-bit halves. */
export function fromLong(v: unknown): bigint {
  if (v === undefined || v === null) return 0n;
  if (typeof v === "number") return BigInt(v);
  if (Long.isLong(v)) {
    const l = v as Long;
    return l.high === 0 ? BigInt(l.low >>> 0) : (BigInt(l.high >>> 0) << 32n) | BigInt(l.low >>> 0);
  }
  throw new TypeError("not a uint64 value");
}

/** Encodes a message to a fresh byte array (finish() returns a view into a shared buffer). */
export function encodeMessage(t: protobuf.Type, obj: Record<string, unknown>): Uint8Array {
  return new Uint8Array(t.encode(obj).finish());
}

/** Why `decodeMessage` refused bytes: they do not decode, or they are not canonically encoded. */
export interface DecodeFailure {
  reason: "malformed" | "non_canonical";
  /** The message type's short name (`TxBody`, `Proposal`, …). */
  type: string;
  /** What protobufjs said (malformed), or a fixed phrase (non_canonical). */
  detail: string;
}

/** How `decodeMessage` decodes and what it throws. */
export interface DecodeOptions {
  /** Also refuse bytes whose re-encoding of the decoded message differs from them. */
  canonical?: boolean;
  /** Fill absent fields with their proto3 defaults (and empty arrays); default false. */
  defaults?: boolean;
  /** The caller's error for a refusal (each caller keeps its own codes). */
  onError: (f: DecodeFailure) => Error;
}

/**
 * The one strict protobuf decode: bytes → plain object (uint64 as Long, bytes as Uint8Array, the
 * name of the set member under each oneof's name). Throws `onError(...)` if the bytes do not decode
 * or, with `canonical`, if re-encoding the object does not give the same bytes back.
 */
export function decodeMessage(
  t: protobuf.Type,
  bytes: Uint8Array,
  o: DecodeOptions,
): Record<string, unknown> {
  let msg: Record<string, unknown>;
  try {
    msg = t.toObject(t.decode(bytes), {
      longs: Object,
      bytes: Uint8Array,
      defaults: o.defaults === true,
      arrays: o.defaults === true,
      oneofs: true,
    });
  } catch (err) {
    throw o.onError({ reason: "malformed", type: t.name, detail: (err as Error).message });
  }
  if (o.canonical && !bytesEqual(encodeMessage(t, msg), bytes))
    throw o.onError({ reason: "non_canonical", type: t.name, detail: "not canonically encoded" });
  return msg;
}

/**
 * The leading length-delimited fields of a message, read field by field in wire order without
 * decoding the rest: for each wanted field number (ascending), its bytes, or an empty array when
 * the first field on the wire is already past it (proto3 omits empty fields). Stops at the first
 * field after the last wanted one, so the cost does not depend on what follows. Returns undefined
 * if the prefix is not wire-ordered length-delimited fields (the strict decode refuses such bytes
 * too); throws RangeError if the bytes end inside a field.
 */
export function readLeadingBytesFields(
  bytes: Uint8Array,
  fields: readonly number[],
): Uint8Array[] | undefined {
  const r = protobuf.Reader.create(bytes);
  const out: Uint8Array[] = [];
  let tag = r.pos < r.len ? r.uint32() : 0;
  for (const wanted of fields) {
    const field = tag >>> 3;
    if (tag === 0 || field > wanted) {
      out.push(new Uint8Array(0));
      continue;
    }
    if (field < wanted || (tag & 7) !== 2) return undefined;
    out.push(new Uint8Array(r.bytes()));
    tag = r.pos < r.len ? r.uint32() : 0;
  }
  // A wanted field again, or after a later one: not in wire order.
  if (tag !== 0 && tag >>> 3 <= fields[fields.length - 1]!) return undefined;
  return out;
}
