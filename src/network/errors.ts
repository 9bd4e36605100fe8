import type { ErrorCode } from "../errors.js";

/** Error codes of block sync. */
export enum SyncErrorCode {
  /** A sync message does not decode, is not canonical, or holds a number out of range. */
  MALFORMED = "SYNC_MALFORMED",
  /** A peer answered a status request with no status. */
  NO_STATUS = "SYNC_NO_STATUS",
}

declare module "../errors.js" {
  interface ErrorCodes {
    sync: SyncErrorCode;
  }
}

/**
 * Outcomes of the network edge that are not raised as errors but label a gossip verdict, a
 * metric (`xai_chain_gossip_results_total{code}`) or a peer penalty.
 */
export enum NetworkOutcome {
  /** The message was valid. */
  OK = "OK",
  /** Validation threw something that is not an XaiError (a bug; the message is ignored). */
  INTERNAL = "INTERNAL",
  /** A message on a topic this node does not subscribe to. */
  UNKNOWN_TOPIC = "UNKNOWN_TOPIC",
  /** Too many messages of the topic already wait for validation (ignored, not penalised). */
  VALIDATION_QUEUE_FULL = "VALIDATION_QUEUE_FULL",
  /** A valid block that only extends a side branch (stored, not relayed). */
  SIDE_BRANCH = "BLOCK_SIDE_BRANCH",
  /**
   * A transaction not validated because its peer spent its budget of ignored transactions
   * (IgnoreBudget): dropped as ignore, at no cost to this node.
   */
  RATE_LIMITED = "GOSSIP_RATE_LIMITED",
  /** A peer that used up its budget of ignored transactions (counted once as an invalid message). */
  IGNORE_FLOOD = "GOSSIP_IGNORE_FLOOD",
  /** A transaction batch message that does not decode (TxBatch framing, txBatch.ts). */
  BATCH_MALFORMED = "GOSSIP_BATCH_MALFORMED",
  /** A transaction batch message over MAX_BATCH_GOSSIP_TXS transactions or MAX_BATCH_GOSSIP_BYTES. */
  BATCH_TOO_LARGE = "GOSSIP_BATCH_TOO_LARGE",
  /** A transaction of a batch left unvalidated: an earlier one of the same message was rejected. */
  BATCH_ABANDONED = "GOSSIP_BATCH_ABANDONED",
  /** A sync peer on another genesis. */
  SYNC_WRONG_GENESIS = "SYNC_WRONG_GENESIS",
  /** A sync peer that claimed a preferred tip and served none of its blocks. */
  SYNC_NO_BLOCKS = "SYNC_NO_BLOCKS",
}

/** Why a peer is penalised, or what a gossip verdict is labelled with: an error code or an outcome. */
export type PeerFaultCode = ErrorCode | NetworkOutcome;
