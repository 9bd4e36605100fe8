/**
 * State keys of the governance module. Buckets 0x20-0x3f belong to governance (the chain uses
 * 0x01-0x1f, src/state-transition/keys.ts); numbers are never reused. Integers in keys are u64
 * big-endian so that byte order is numeric order; addresses are their 20 bytes; proposal ids
 * their 16 bytes. Records are protobuf messages of proto/xai/gov/v1/state.proto.
 *
 * | bucket | name | key after the bucket byte | value |
 * |---|---|---|---|
 * | 0x20 | PROPOSAL | proposal id (16) | `Proposal` |
 * | 0x21 | PROPOSAL_BY_NUMBER | number u64be | proposal id (16) |
 * | 0x22 | COUNTER | utf8 name (`proposal_number`, `history_seq`) | u64be, last value used |
 * | 0x23 | VOTE | number u64be, voter (20) | `VoteRecord` (latest vote) |
 * | 0x24 | REVIEW | number u64be, reviewer (20) | `ReviewRecord` |
 * | 0x25 | IMPLEMENTATION_VOTE | number u64be, voter (20) | `ImplementationVoteRecord` |
 * | 0x26 | QUEUE_VOTING_END | voting_end u64be, number u64be | empty; present while `voting` |
 * | 0x27 | QUEUE_REVIEW_END | review_end u64be, number u64be | empty; present while `code_review` |
 * | 0x28 | QUEUE_IMPLEMENTATION_END | implementation_end u64be, number u64be | empty; present while `implementation_vote` |
 * | 0x29 | QUEUE_EXECUTION_EXPIRY | eta + execution_grace_blocks u64be, number u64be | empty; present while `queued` |
 * | 0x2a | ACTIVE_COUNT | proposer (20) | u64be, proposals of the account in `voting` (deleted at 0) |
 * | 0x2b | HISTORY | sequence u64be (from 1) | `HistoryRecord` |
 * | 0x2c | FIAT_VOTE | voter (20) | `FiatVoteRecord` (latest vote) |
 * | 0x2d | FIAT_STATE | (none) | `FiatState` |
 * | 0x2e | STATUS_INDEX | status code (1), number u64be | empty; one entry per proposal, for its current status |
 * | 0x2f | REGISTRY_WRITE | space (utf8 `param`/`feature`/`rule`), 0x00, name (utf8) | u64be, height of the last write by governance or the fiat unlock |
 */
import { concatBytes, u64be, utf8 } from "../crypto/bytes.js";
import { addressBytes } from "../crypto/keys.js";
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

/** Key of a proposal record (the id must be well-formed: check with isProposalId first). */
export function proposalKey(id: string): Uint8Array {
  return concatBytes(bucketPrefix(GovBucket.PROPOSAL), new Uint8Array(Buffer.from(id, "hex")));
}

/** Key of the number → id index. */
export function proposalNumberKey(n: number): Uint8Array {
  return concatBytes(bucketPrefix(GovBucket.PROPOSAL_BY_NUMBER), u64be(n));
}

/** Key of a named counter. */
export function counterKey(name: "proposal_number" | "history_seq"): Uint8Array {
  return concatBytes(bucketPrefix(GovBucket.COUNTER), utf8(name));
}

/** Prefix of one proposal's entries in a per-voter bucket (VOTE, REVIEW, IMPLEMENTATION_VOTE). */
export function perProposalPrefix(bucket: number, n: number): Uint8Array {
  return concatBytes(bucketPrefix(bucket), u64be(n));
}

/** Key of one voter's entry of a proposal in a per-voter bucket. */
export function perVoterKey(bucket: number, n: number, voter: string): Uint8Array {
  return concatBytes(perProposalPrefix(bucket, n), addressBytes(voter));
}

/** Prefix of the queue entries due at `height`. */
export function queueHeightPrefix(bucket: QueueBucket, height: number): Uint8Array {
  return concatBytes(bucketPrefix(bucket), u64be(height));
}

/** Key of a queue entry. */
export function queueKey(bucket: QueueBucket, height: number, n: number): Uint8Array {
  return concatBytes(queueHeightPrefix(bucket, height), u64be(n));
}

/** Key of an account's active-proposal counter. */
export function activeCountKey(address: string): Uint8Array {
  return concatBytes(bucketPrefix(GovBucket.ACTIVE_COUNT), addressBytes(address));
}

/** Key of a history entry. */
export function historyKey(seq: number): Uint8Array {
  return concatBytes(bucketPrefix(GovBucket.HISTORY), u64be(seq));
}

/** Key of an account's fiat-unlock vote. */
export function fiatVoteKey(address: string): Uint8Array {
  return concatBytes(bucketPrefix(GovBucket.FIAT_VOTE), addressBytes(address));
}

/** Key of the fiat-unlock state. */
export const FIAT_STATE_KEY = bucketPrefix(GovBucket.FIAT_STATE);

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

/** Key of the last-write height of a registry value (rollback refuses if it moved since). */
export function registryWriteKey(space: string, name: string): Uint8Array {
  return concatBytes(
    new Uint8Array([GovBucket.REGISTRY_WRITE]),
    utf8(space),
    new Uint8Array([0]),
    utf8(name),
  );
}
