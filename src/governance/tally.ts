/**
 * Tally arithmetic: incremental updates in O(1) per vote and the pass rules of each stage. All
 * integer; every threshold is written as a cross-multiplication so nothing rounds in the voter's
 * favour.
 */
import type { VoteOption } from "../types/tx.js";
import { isEmergency } from "./kinds/index.js";
import { proposalRule } from "./status.js";
import type { Proposal, Tally } from "./types.js";

/** A vote as the tally sees it. */
export interface CountedVote {
  option: VoteOption;
  counted: bigint;
}

/**
 * Participant floor (SPEC v2 §4.2): ceil(participant_floor_bps x supply / 10,000), rounded up so
 * the rule is never weaker than written. A voter whose counted power is below it still votes with
 * its power but is not a head (min_voters, fiat min_votes) and may not review.
 */
export function participantFloor(supply: bigint, floorBps: bigint): bigint {
  return (floorBps * supply + 9_999n) / 10_000n;
}

/** True if `counted` power is at or above `floor` (a head). */
export function isHead(counted: bigint, floor: bigint): boolean {
  return counted >= floor;
}

function add(t: Tally, v: CountedVote, sign: 1n | -1n): void {
  t[v.option] += sign * v.counted;
  if (v.option === "yes") t.yesVoters += sign;
}

/**
 * The tally after `next` replaces `previous` (undefined for a first vote): the old vote's counted
 * power leaves its option, the new one's joins; distinct voters and heads (voters at or above
 * `floor`) grow only on a first vote, since a voter's counted power is fixed by the snapshot. O(1).
 */
export function updateTally(
  tally: Tally,
  previous: CountedVote | undefined,
  next: CountedVote,
  floor: bigint,
): Tally {
  const t = { ...tally };
  if (previous) add(t, previous, -1n);
  else {
    t.voters += 1n;
    if (isHead(next.counted, floor)) t.heads += 1n;
  }
  add(t, next, 1n);
  return t;
}

/** Result of the voting stage, by the proposal's own rules. */
export interface VotingResult {
  /** participation x 10,000 >= quorum_bps x snapshot supply. */
  quorum: boolean;
  /** voters at or above the participant floor >= min_voters. */
  enoughVoters: boolean;
  /** yes x 10,000 >= approval_bps x (yes + no), yes > 0 (emergency: emergency_approval_bps). */
  approved: boolean;
  passed: boolean;
}

/** Evaluates the voting stage of `p` (SPEC section 4, lifecycle step 1: quorum, voters, approval). */
export function votingResult(p: Proposal): VotingResult {
  const t = p.tally;
  const participation = t.yes + t.no + t.abstain;
  const quorum = participation * 10_000n >= proposalRule(p, "quorum_bps") * p.snapshotSupply;
  const enoughVoters = t.heads >= proposalRule(p, "min_voters");
  const bps = proposalRule(p, isEmergency(p.action) ? "emergency_approval_bps" : "approval_bps");
  const approved = t.yes > 0n && t.yes * 10_000n >= bps * (t.yes + t.no);
  return { quorum, enoughVoters, approved, passed: quorum && enoughVoters && approved };
}

/** Review stage: reviewers >= min_code_reviewers and approving x 10,000 >= review_approval_bps x total. */
export function reviewPasses(p: Proposal): boolean {
  const r = p.review;
  return (
    r.reviewers >= proposalRule(p, "min_code_reviewers") &&
    r.approvePower * 10_000n >= proposalRule(p, "review_approval_bps") * r.totalPower
  );
}

/**
 * Implementation stage (SPEC v2 §4.3 item 3): approving counted power x 10,000 >=
 * implementation_approval_bps x the yes power of the tally. Weighed by power, so yes voters who
 * never approve (dust accounts) cannot hold a proposal back (review A2).
 */
export function implementationApproved(p: Proposal): boolean {
  return (
    p.implementation.approvePower > 0n &&
    p.implementation.approvePower * 10_000n >= proposalRule(p, "implementation_approval_bps") * p.tally.yes
  );
}

/** The least approving power that queues `p`: ceil(implementation_approval_bps x yes / 10,000), at least 1. */
export function implementationRequiredPower(p: Proposal): bigint {
  const n = (proposalRule(p, "implementation_approval_bps") * p.tally.yes + 9_999n) / 10_000n;
  return n < 1n ? 1n : n;
}
