/**
 * The governance domain records: what a proposal, a vote, a review, an implementation vote, a
 * history entry and the fiat-unlock state are. Amounts and powers are bigint, heights numbers.
 * Their storage encoding is in records.ts (proto/xai/gov/v1/state.proto), their buckets in
 * store.ts, their JSON in views.ts.
 */
import type { ProposalAction, ProposalKind, VoteOption } from "../types/tx.js";
import type { ProposalStatus } from "./lifecycle.js";

/** A JSON object (query answers and views). */
export type Json = Record<string, unknown>;

/** One changed value of an execution (canonical strings before and after). */
export interface Change {
  /** "param" | "feature" | "rule" (registry), "balance" (address), "status" (proposal id). */
  space: string;
  key: string;
  before: string;
  after: string;
}

/** What an execution did, or why it failed. */
export interface ExecutionRecord {
  height: number;
  txId: string;
  ok: boolean;
  errorCode: string;
  changes: Change[];
}

/** Running voting tally (capped powers). */
export interface Tally {
  yes: bigint;
  no: bigint;
  abstain: bigint;
  /** Distinct voters, whatever their power. */
  voters: bigint;
  yesVoters: bigint;
  /** Distinct voters whose counted power is at least the participant floor (what `min_voters` counts). */
  heads: bigint;
}

/** Running review tally. */
export interface ReviewTally {
  reviewers: bigint;
  approvePower: bigint;
  totalPower: bigint;
  approvals: bigint;
}

/**
 * Implementation-vote tally: heads and counted power (each voter's counted power from its vote)
 * of the approvals and rejections. The stage passes on power (SPEC v2 §4.3 item 3), not heads.
 */
export interface ImplementationTally {
  approvals: bigint;
  rejections: bigint;
  approvePower: bigint;
  rejectPower: bigint;
}

/** Where a held deposit went. */
export type DepositState = "held" | "refunded" | "burned";

/** A proposal record. */
export interface Proposal {
  id: string;
  number: number;
  proposer: string;
  title: string;
  description: string;
  action: ProposalAction;
  deposit: bigint;
  depositState: DepositState;
  status: ProposalStatus;
  submitTxId: string;
  submitHeight: number;
  snapshotHeight: number;
  snapshotSupply: bigint;
  powerCap: bigint;
  /** ceil(participant_floor_bps x snapshot supply / 10,000): counted power a head or reviewer needs. */
  participantFloor: bigint;
  votingEnd: number;
  reviewEnd: number;
  implementationEnd: number;
  /** 0 until queued. */
  eta: number;
  tally: Tally;
  review: ReviewTally;
  implementation: ImplementationTally;
  /** Every governance rule at inclusion, by name (encoded sorted by name). */
  rules: Record<string, bigint>;
  statusHistory: Array<{ status: ProposalStatus; height: number }>;
  execution: ExecutionRecord | undefined;
  failureCode: string;
  rolledBackBy: string;
  cancelledBy: string;
}

/** A voter's latest vote on a proposal. */
export interface VoteRecord {
  voter: string;
  option: VoteOption;
  /** Balance at the snapshot. */
  power: bigint;
  /** min(power, cap): what the tally holds for this vote. */
  counted: bigint;
  height: number;
  txId: string;
  /** How many times the vote was replaced. */
  changes: number;
}

/** A code review. */
export interface ReviewRecord {
  reviewer: string;
  approved: boolean;
  comment: string;
  /** 32 bytes, or empty. */
  codeHash: Uint8Array;
  /** Counted (capped) snapshot power. */
  power: bigint;
  height: number;
  txId: string;
}

/** An implementation vote. */
export interface ImplementationVoteRecord {
  voter: string;
  approved: boolean;
  height: number;
  txId: string;
}

/** What a history entry records. */
export type HistoryEvent = "executed" | "failed" | "expired" | "upgraded";

/** An execution-history entry. */
export interface HistoryRecord {
  seq: number;
  height: number;
  /** Empty for end-of-block events (expiry). */
  txId: string;
  event: HistoryEvent;
  proposalId: string;
  number: number;
  kind: ProposalKind;
  errorCode: string;
  /** Target proposal of a rollback or cancel_proposal. */
  target: string;
  changes: Change[];
}

/** An account's latest fiat-unlock vote. */
export interface FiatVoteRecord {
  voter: string;
  support: boolean;
  power: bigint;
  counted: bigint;
  reason: string;
  height: number;
  txId: string;
  /** Counted power at or above the participant floor when cast: counts toward `min_votes`. */
  head: boolean;
}

/** Fiat-unlock configuration and running tally. */
export interface FiatState {
  startHeight: number;
  autoUnlockHeight: number;
  minVotes: bigint;
  supportBps: bigint;
  /** Voted power x 10000 must reach quorum_bps x `supply` (the fiat unlock's quorum, SPEC v2). */
  quorumBps: bigint;
  voters: bigint;
  /** Voters at or above the participant floor (what `min_votes` counts). */
  heads: bigint;
  /** Circulating supply at the window's snapshot height; 0 until the first vote reads it. */
  supply: bigint;
  supportPower: bigint;
  votedPower: bigint;
  unlocked: boolean;
  unlockedHeight: number;
  /** "votes" | "auto" once unlocked. */
  unlockReason: string;
  unlockTxId: string;
}
