/**
 * State keys of the governance module. Buckets 0x20-0x3f belong to governance (the chain uses
 * 0x01-0x1f, src/state-transition/keys.ts); numbers are never reused. Integers in keys are u64
 * big-endian so that byte order is numeric order; addresses are their 20 bytes; proposal ids
 * their 16 bytes. The one table of every bucket, its key and its value is docs/KEY_LAYOUT.md.
 * Records are read and written through the collections of store.ts; this file builds the keys
 * of the index and queue buckets and the key parts the collections share.
 */

import { addressBytesShared } from "../crypto/address.js";
import { concatBytes, u64be, utf8 } from "../crypto/bytes.js";
import type { ProposalStatus } from "./lifecycle.js";

/** Governance state buckets (first byte of the key). */
export const GovBucket = {
  PROPOSAL: 0x20,
  PROPOSAL_BY_NUMBER: 0x21,
  COUNTER: 0x22,
  VOTE: 0x23,
  REVIEW: 0x24,
  IMPLEMENTATION_VOTE: 0x25,
  QUEUE_VOTING_END: 0x26,
  QUEUE_REVIEW_END: 0x27,
  QUEUE_IMPLEMENTATION_END: 0x28,
  QUEUE_EXECUTION_EXPIRY: 0x29,
  ACTIVE_COUNT: 0x2a,
  HISTORY: 0x2b,
  FIAT_VOTE: 0x2c,
  FIAT_STATE: 0x2d,
  STATUS_INDEX: 0x2e,
  REGISTRY_WRITE: 0x2f,
  // 0x30-0x37 left for other v2 work; the upgrade buckets (SPEC §4.7):
  UPGRADE_PLAN: 0x38,
  UPGRADE_APPLIED: 0x39,
} as const;

/** The end-of-block queues, one per lifecycle step. */
export type QueueBucket =
  | typeof GovBucket.QUEUE_VOTING_END
  | typeof GovBucket.QUEUE_REVIEW_END
  | typeof GovBucket.QUEUE_IMPLEMENTATION_END
  | typeof GovBucket.QUEUE_EXECUTION_EXPIRY;

const PROPOSAL_ID_RE = /^[0-9a-f]{32}$/;

/** True if `id` is a well-formed proposal id (32 lowercase hex characters). */
export function isProposalId(id: string): boolean {
  return PROPOSAL_ID_RE.test(id);
}

/** The one-byte prefix of a bucket. */
export function bucketPrefix(bucket: number): Uint8Array {
  return new Uint8Array([bucket]);
}

/** Key part of a proposal id: its 16 bytes (the id must be well-formed: check with isProposalId). */
export function proposalIdBytes(id: string): Uint8Array {
  return new Uint8Array(Buffer.from(id, "hex"));
}

/** Key part of a per-voter bucket (VOTE, REVIEW, IMPLEMENTATION_VOTE): number u64be, voter (20). */
export function perVoterPart([n, voter]: readonly [number, string]): Uint8Array {
  return concatBytes(u64be(n), addressBytesShared(voter));
}

/** Key part of REGISTRY_WRITE: space, 0x00, name (utf8). */
export function registryWritePart([space, name]: readonly [string, string]): Uint8Array {
  return concatBytes(utf8(space), new Uint8Array([0]), utf8(name));
}

/** Prefix of the queue entries due at `height`. */
export function queueHeightPrefix(bucket: QueueBucket, height: number): Uint8Array {
  return concatBytes(bucketPrefix(bucket), u64be(height));
}

/** Key of a queue entry. */
export function queueKey(bucket: QueueBucket, height: number, n: number): Uint8Array {
  return concatBytes(queueHeightPrefix(bucket, height), u64be(n));
}

/** One-byte codes of statuses in STATUS_INDEX keys (never renumbered). */
export const STATUS_CODES: Record<ProposalStatus, number> = {
  voting: 1,
  code_review: 2,
  implementation_vote: 3,
  queued: 4,
  executed: 5,
  rejected: 6,
  cancelled: 7,
  failed: 8,
  expired: 9,
  rolled_back: 10,
};

/** Prefix of the status index entries of one status. */
export function statusIndexPrefix(status: ProposalStatus): Uint8Array {
  return new Uint8Array([GovBucket.STATUS_INDEX, STATUS_CODES[status]]);
}

/** Key of a proposal's status index entry. */
export function statusIndexKey(status: ProposalStatus, n: number): Uint8Array {
  return concatBytes(statusIndexPrefix(status), u64be(n));
}

/** Reads the number that ends a queue or index key (its last 8 bytes). */
export function trailingNumber(key: Uint8Array): number {
  return Number(new DataView(key.buffer, key.byteOffset + key.length - 8, 8).getBigUint64(0));
}

/** Reads the 20 address bytes that end a per-voter key. */
export function trailingAddressBytes(key: Uint8Array): Uint8Array {
  return key.subarray(key.length - 20);
}

/** Empty value of index and queue entries. */
export const EMPTY = new Uint8Array(0);
