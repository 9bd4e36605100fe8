import { xaiError } from "../errors.js";
import {
  type DecodeFailure,
  decodeMessage,
  encodeMessage,
  fromLong,
  protoType,
  toLong,
} from "../types/proto.js";
import { SyncErrorCode } from "./errors.js";

const SyncRequest = protoType("xai.chain.v1.SyncRequest");
const SyncStatus = protoType("xai.chain.v1.SyncStatus");

/** Most blocks one BlocksByRange request may ask for. */
export const MAX_BLOCKS_PER_REQUEST = 256;

/** A node's chain status as exchanged by sync. */
export interface SyncStatusMsg {
  genesisHash: Uint8Array;
  headHeight: number;
  headHash: Uint8Array;
  headSlot: number;
  finalizedHeight: number;
}

/** A sync request. */
export type SyncRequestMsg = { type: "status" } | { type: "blocks"; startHeight: number; count: number };

type Obj = Record<string, unknown>;

/** Sync messages are decoded strictly: malformed or non-canonical bytes are SYNC_MALFORMED. */
const strict = {
  canonical: true,
  onError: (f: DecodeFailure) =>
    xaiError(
      SyncErrorCode.MALFORMED,
      f.reason === "malformed" ? "sync message does not decode" : "sync message is not canonical",
    ),
};

function safe(v: unknown): number {
  const n = fromLong(v);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw xaiError(SyncErrorCode.MALFORMED, "number too large");
  return Number(n);
}

/** Encodes a request. */
export function encodeSyncRequest(r: SyncRequestMsg): Uint8Array {
  return encodeMessage(
    SyncRequest,
    r.type === "status"
      ? { status: {} }
      : { blocks: { startHeight: toLong(BigInt(r.startHeight)), count: toLong(BigInt(r.count)) } },
  );
}

/** Decodes a request (canonical only). */
export function decodeSyncRequest(bytes: Uint8Array): SyncRequestMsg {
  const o = decodeMessage(SyncRequest, bytes, strict);
  if (o.request === "status") return { type: "status" };
  if (o.request === "blocks") {
    const b = o.blocks as Obj;
    return { type: "blocks", startHeight: safe(b.startHeight), count: safe(b.count) };
  }
  throw xaiError(SyncErrorCode.MALFORMED, "unknown sync request");
}

/** Encodes a status. */
export function encodeSyncStatus(s: SyncStatusMsg): Uint8Array {
  return encodeMessage(SyncStatus, {
    genesisHash: s.genesisHash,
    headHeight: toLong(BigInt(s.headHeight)),
    headHash: s.headHash,
    headSlot: toLong(BigInt(s.headSlot)),
    finalizedHeight: toLong(BigInt(s.finalizedHeight)),
  });
}

/** Decodes a status (canonical only). */
export function decodeSyncStatus(bytes: Uint8Array): SyncStatusMsg {
  const o = decodeMessage(SyncStatus, bytes, strict);
  return {
    genesisHash: new Uint8Array((o.genesisHash as Uint8Array | undefined) ?? []),
    headHeight: safe(o.headHeight),
    headHash: new Uint8Array((o.headHash as Uint8Array | undefined) ?? []),
    headSlot: safe(o.headSlot),
    finalizedHeight: safe(o.finalizedHeight),
  };
}
