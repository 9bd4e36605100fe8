import { bytesEqual, concatBytes, toHex, utf8 } from "../crypto/bytes.js";
import { sha256 } from "../crypto/hash.js";
import { addressFault } from "../crypto/keys.js";
import { xaiError } from "../errors.js";
import { BlockErrorCode } from "./errors.js";
import {
  type DecodeFailure,
  decodeMessage,
  encodeMessage,
  fromLong,
  pb,
  readLeadingBytesFields,
  toLong,
} from "./proto.js";

/** Domain tag prefixed to the header bytes before the proposer signs them. */
export const BLOCK_SIGN_DOMAIN = utf8("xai-gov/block/v1\0");

/** A block header (heights and slots are safe integers; the wire type is uint64). */
export interface BlockHeader {
  chainId: string;
  height: number;
  slot: number;
  parentHash: Uint8Array;
  proposer: string;
  txRoot: Uint8Array;
  stateRoot: Uint8Array;
}

/** A decoded, canonical block with its hash computed once from the header bytes. */
export interface Block {
  bytes: Uint8Array;
  headerBytes: Uint8Array;
  header: BlockHeader;
  signature: Uint8Array;
  /** SignedTx bytes in application order. */
  txs: Uint8Array[];
  /** sha256(header bytes). */
  hash: Uint8Array;
  hashHex: string;
}

/** Canonical encoding of a header. */
export function encodeHeader(h: BlockHeader): Uint8Array {
  return encodeMessage(pb.BlockHeader, {
    chainId: h.chainId,
    height: toLong(BigInt(h.height)),
    slot: toLong(BigInt(h.slot)),
    parentHash: h.parentHash,
    proposer: h.proposer,
    txRoot: h.txRoot,
    stateRoot: h.stateRoot,
  });
}

/** Encodes a block from header bytes, signature and transactions. */
export function encodeBlock(headerBytes: Uint8Array, signature: Uint8Array, txs: Uint8Array[]): Uint8Array {
  return encodeMessage(pb.Block, { header: headerBytes, signature, txs });
}

/** The message a proposer signs: domain tag || header bytes. */
export function blockSigningMessage(headerBytes: Uint8Array): Uint8Array {
  return concatBytes(BLOCK_SIGN_DOMAIN, headerBytes);
}

const malformed = {
  onError: (f: DecodeFailure) => xaiError(BlockErrorCode.MALFORMED, `${f.type} does not decode: ${f.detail}`),
};

function safeInt(v: unknown, what: string): number {
  const n = fromLong(v);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw xaiError(BlockErrorCode.MALFORMED, `${what} too large`);
  return Number(n);
}

function bytes32(v: unknown, what: string): Uint8Array {
  const b = new Uint8Array((v as Uint8Array | undefined) ?? new Uint8Array(0));
  if (b.length !== 32) throw xaiError(BlockErrorCode.MALFORMED, `${what} must be 32 bytes`);
  return b;
}

/** Decodes and canonically checks header bytes. */
export function decodeHeader(headerBytes: Uint8Array): BlockHeader {
  const o = decodeMessage(pb.BlockHeader, headerBytes, malformed);
  const header: BlockHeader = {
    chainId: typeof o.chainId === "string" ? o.chainId : "",
    height: safeInt(o.height, "height"),
    slot: safeInt(o.slot, "slot"),
    parentHash: bytes32(o.parentHash, "parent_hash"),
    proposer: typeof o.proposer === "string" ? o.proposer : "",
    txRoot: bytes32(o.txRoot, "tx_root"),
    stateRoot: bytes32(o.stateRoot, "state_root"),
  };
  if (!bytesEqual(encodeHeader(header), headerBytes))
    throw xaiError(BlockErrorCode.NON_CANONICAL, "BlockHeader is not canonically encoded");
  const fault = header.height > 0 ? addressFault(header.proposer) : undefined;
  if (fault)
    throw xaiError(BlockErrorCode.MALFORMED, `proposer is not an address (${fault})`, {
      address_fault: fault,
    });
  return header;
}

/** A block's header and signature, read without decoding its transactions (see readBlockHead). */
export interface BlockHead {
  headerBytes: Uint8Array;
  header: BlockHeader;
  signature: Uint8Array;
  hash: Uint8Array;
  hashHex: string;
}

/**
 * Reads and decodes only the header and signature of block bytes (fields 1 and 2, which a
 * canonical Block carries first), never the transactions: what a block's signature is checked on
 * before anything else about it costs work (SPEC §3). The header is checked canonical here; the
 * whole block's canonical encoding is still checked by decodeBlock later.
 */
export function readBlockHead(bytes: Uint8Array): BlockHead {
  let fields: Uint8Array[] | undefined;
  try {
    fields = readLeadingBytesFields(bytes, [1, 2]);
  } catch (err) {
    throw xaiError(BlockErrorCode.MALFORMED, `Block does not decode: ${(err as Error).message}`);
  }
  if (!fields)
    throw xaiError(BlockErrorCode.NON_CANONICAL, "Block does not start with its header and signature");
  const [headerBytes, signature] = fields as [Uint8Array, Uint8Array];
  const hash = sha256(headerBytes);
  return { headerBytes, header: decodeHeader(headerBytes), signature, hash, hashHex: toHex(hash) };
}

/**
 * The length-delimited field with tag byte `tag` at `o` (tag, minimal varint length, bytes), or -1
 * if the bytes there are not one: the end of the field, else -1. `nonEmpty`: a length of 0 is not
 * canonical (proto3 omits an empty singular field).
 */
function fieldEnd(bytes: Uint8Array, o: number, tag: number, nonEmpty: boolean): number {
  if (bytes[o] !== tag) return -1;
  let len = 0;
  let p = o + 1;
  for (let shift = 0; ; shift += 7) {
    const b = bytes[p++];
    // Past the end, over 5 bytes or 32 bits, or a zero last byte (not minimal): not canonical.
    if (b === undefined || shift > 28 || (shift === 28 && b > 0x0f)) return -1;
    len += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) {
      if (b === 0 && shift > 0) return -1;
      break;
    }
  }
  if ((nonEmpty && len === 0) || p + len > bytes.length) return -1;
  return p + len;
}

/**
 * Checks block bytes as decodeBlock does, without copying them: a canonical Block is its header
 * (field 1), its signature (field 2), each present iff non-empty, then its transactions (field 3,
 * each possibly empty), every one a length-delimited field with a minimal length, and nothing else.
 * Exactly the bytes decodeBlock accepts (its decode and re-encode; a test compares both on damaged
 * blocks), checked by a walk over the framing (the start-up check of every non-final block, which
 * decoded 20,000-transaction blocks into copies: issue 10). Returns the head (readBlockHead).
 */
export function checkBlockBytes(bytes: Uint8Array): BlockHead {
  let o = 0;
  for (const [tag, nonEmpty] of [
    [0x0a, true],
    [0x12, true],
  ] as const) {
    const end = bytes[o] === tag ? fieldEnd(bytes, o, tag, nonEmpty) : o;
    if (end < 0) throw xaiError(BlockErrorCode.NON_CANONICAL, "Block is not canonically encoded");
    o = end;
  }
  while (o < bytes.length) {
    o = fieldEnd(bytes, o, 0x1a, false);
    if (o < 0) throw xaiError(BlockErrorCode.NON_CANONICAL, "Block is not canonically encoded");
  }
  return readBlockHead(bytes);
}

/** Decodes block bytes, rejecting non-canonical encodings; the tx bytes are decoded later. */
export function decodeBlock(bytes: Uint8Array): Block {
  const o = decodeMessage(pb.Block, bytes, malformed);
  const headerBytes = new Uint8Array((o.header as Uint8Array | undefined) ?? new Uint8Array(0));
  const signature = new Uint8Array((o.signature as Uint8Array | undefined) ?? new Uint8Array(0));
  const txs = ((o.txs as Uint8Array[] | undefined) ?? []).map((t) => new Uint8Array(t));
  if (!bytesEqual(encodeBlock(headerBytes, signature, txs), bytes))
    throw xaiError(BlockErrorCode.NON_CANONICAL, "Block is not canonically encoded");
  const header = decodeHeader(headerBytes);
  const hash = sha256(headerBytes);
  return { bytes: new Uint8Array(bytes), headerBytes, header, signature, txs, hash, hashHex: toHex(hash) };
}

/** Builds a Block object from its parts (used by block production and genesis). */
export function assembleBlock(header: BlockHeader, signature: Uint8Array, txs: Uint8Array[]): Block {
  const headerBytes = encodeHeader(header);
  const hash = sha256(headerBytes);
  return {
    bytes: encodeBlock(headerBytes, signature, txs),
    headerBytes,
    header,
    signature,
    txs,
    hash,
    hashHex: toHex(hash),
  };
}
