import Long from "long";
import protobuf from "protobufjs";
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

/** bigint → Long for uint64 fields (encoding a bigint directly would silently write 0). */
export function toLong(n: bigint): Long {
  if (n < 0n || n >= 1n << 64n) throw new RangeError(`uint64 out of range: ${n}`);
  return Long.fromString(n.toString(), true);
}

/** uint64 field value (Long or number, as protobufjs decodes it) → bigint. */
export function fromLong(v: unknown): bigint {
  if (v === undefined || v === null) return 0n;
  if (typeof v === "number") return BigInt(v);
  if (Long.isLong(v)) return BigInt((v as Long).toUnsigned().toString());
  throw new TypeError("not a uint64 value");
}

/** Encodes a message to a fresh byte array (finish() returns a view into a shared buffer). */
export function encodeMessage(t: protobuf.Type, obj: Record<string, unknown>): Uint8Array {
  return new Uint8Array(t.encode(obj).finish());
}
