/**
 * The single place where a proposal's status changes. It enforces the transition table and keeps
 * every derived key in step: the status index, the end-of-block queue of the status (removed on
 * leaving, added on entering) and the proposer's active count (proposals in `voting`).
 */

import type { RuleName } from "../config/registry.js";
import { xaiError } from "../errors.js";
import type { StateWriter } from "../state-transition/stateStore.js";
import { GovErrorCode } from "./errors.js";
import { type EventSink, emit } from "./events.js";
import { GovBucket, type QueueBucket, queueKey, statusIndexKey } from "./keys.js";
import { canTransition, type ProposalStatus } from "./lifecycle.js";
import { moveStatusCount } from "./statusCounts.js";
import { addActiveCount, putMarker, putProposal } from "./store.js";
import type { Proposal } from "./types.js";

/** A governance rule of a proposal's rules snapshot. */
export function proposalRule(p: Proposal, name: RuleName): bigint {
  const v = p.rules[name];
  if (v === undefined) throw xaiError(GovErrorCode.INVARIANT, `proposal ${p.id} has no rule ${name}`);
  return v;
}

/** Height after whose block a queued proposal expires: eta + execution_grace_blocks. */
export function expiryHeight(p: Proposal): number {
  return p.eta + Number(proposalRule(p, "execution_grace_blocks"));
}

/** The end-of-block queue a proposal sits in while in `status`, and at which height. */
export function queueOf(
  p: Proposal,
  status: ProposalStatus,
): { bucket: QueueBucket; height: number } | undefined {
  switch (status) {
    case "voting":
      return { bucket: GovBucket.QUEUE_VOTING_END, height: p.votingEnd };
    case "code_review":
      return { bucket: GovBucket.QUEUE_REVIEW_END, height: p.reviewEnd };
    case "implementation_vote":
      return { bucket: GovBucket.QUEUE_IMPLEMENTATION_END, height: p.implementationEnd };
    case "queued":
      return { bucket: GovBucket.QUEUE_EXECUTION_EXPIRY, height: expiryHeight(p) };
    default:
      return undefined;
  }
}

/** Writes the index and queue entries of a proposal entering its first status (`voting`). */
export function enterInitialStatus(state: StateWriter, p: Proposal, height: number): void {
  p.status = "voting";
  p.statusHistory = [{ status: "voting", height }];
  putMarker(state, statusIndexKey("voting", p.number));
  const q = queueOf(p, "voting")!;
  putMarker(state, queueKey(q.bucket, q.height, p.number));
  putProposal(state, p);
}

/**
 * Moves `p` to `to` (throws GOV_INVALID_TRANSITION if the table forbids it), updates the derived
 * keys, emits `proposal_status` and writes the proposal. Set `eta` before moving to `queued`.
 */
export async function setStatus(
  state: StateWriter,
  p: Proposal,
  to: ProposalStatus,
  sink: EventSink,
): Promise<void> {
  const from = p.status;
  if (!canTransition(from, to))
    throw xaiError(GovErrorCode.INVALID_TRANSITION, `proposal ${p.id} cannot go from ${from} to ${to}`, {
      from,
      to,
    });
  const oldQueue = queueOf(p, from);
  if (oldQueue) state.del(queueKey(oldQueue.bucket, oldQueue.height, p.number));
  state.del(statusIndexKey(from, p.number));
  if (from === "voting") await addActiveCount(state, p.proposer, -1n);
  p.status = to;
  p.statusHistory = [...p.statusHistory, { status: to, height: sink.height }];
  putMarker(state, statusIndexKey(to, p.number));
  const newQueue = queueOf(p, to);
  if (newQueue) putMarker(state, queueKey(newQueue.bucket, newQueue.height, p.number));
  putProposal(state, p);
  await moveStatusCount(state, p.action.kind, from, to);
  // The reason of a rejection or failure (p.failureCode) goes with it, so a log line shows why.
  const reason: Record<string, string> =
    p.failureCode && (to === "rejected" || to === "failed") ? { reason: p.failureCode } : {};
  emit(sink, "proposal_status", { proposal_id: p.id, number: String(p.number), from, to, ...reason });
}
