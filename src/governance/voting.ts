/** CAST_VOTE, SUBMIT_CODE_REVIEW and VOTE_IMPLEMENTATION. */

import { xaiError } from "../errors.js";
import type { TxContext, TxOutcome } from "../state-transition/module.js";
import type { Payload } from "../types/tx.js";
import { GovErrorCode } from "./errors.js";
import { type EventSink, emit } from "./events.js";
import { isEmergency } from "./kinds/index.js";
import { proposalRule, setStatus } from "./status.js";
import { implementationVotes, loadProposal, moveProposal, putProposal, reviews, votes } from "./store.js";
import { implementationApproved, isHead, updateTally } from "./tally.js";
import { checkText } from "./text.js";
import { snapshotPower } from "./votingPower.js";

function sinkOf(ctx: TxContext): EventSink {
  return { height: ctx.height, events: ctx.events, txId: ctx.tx.id };
}

/** CAST_VOTE: a vote by snapshot power; a later vote by the same voter replaces the earlier one. */
export async function castVote(
  ctx: TxContext,
  v: Extract<Payload, { type: "CAST_VOTE" }>,
): Promise<TxOutcome> {
  const p = await loadProposal(ctx.state, v.proposalId);
  if (p.status !== "voting" || ctx.height > p.votingEnd)
    throw xaiError(GovErrorCode.VOTING_CLOSED, `proposal is ${p.status}; voting ended at ${p.votingEnd}`, {
      status: p.status,
    });
  const voter = ctx.tx.sender;
  const { power, counted } = await snapshotPower(ctx.state, voter, p.snapshotHeight, p.powerCap);
  if (power === 0n)
    throw xaiError(GovErrorCode.NO_VOTING_POWER, `no balance at snapshot height ${p.snapshotHeight}`);
  const previous = await votes.get(ctx.state, [p.number, voter]);
  p.tally = updateTally(p.tally, previous, { option: v.option, counted }, p.participantFloor);
  votes.move(ctx.state, [p.number, voter], {
    voter,
    option: v.option,
    power,
    counted,
    height: ctx.height,
    txId: ctx.tx.id,
    changes: previous ? previous.changes + 1 : 0,
  });
  // p was loaded for this write and is only read below: given away, not copied.
  moveProposal(ctx.state, p);
  emit(sinkOf(ctx), "vote_cast", {
    proposal_id: p.id,
    voter,
    option: v.option,
    power: power.toString(),
    counted: counted.toString(),
    replaced: previous ? previous.option : "",
  });
  return { result: "ok", proposalId: p.id };
}

/**
 * SUBMIT_CODE_REVIEW: one review per reviewer whose counted snapshot power is at least the
 * participant floor (SPEC v2 §4.1, review A7), not by the proposer.
 */
export async function submitReview(
  ctx: TxContext,
  r: Extract<Payload, { type: "SUBMIT_CODE_REVIEW" }>,
): Promise<TxOutcome> {
  checkText(r.comment, "comment", GovErrorCode.COMMENT_TOO_LONG);
  const p = await loadProposal(ctx.state, r.proposalId);
  if (p.status !== "code_review") throw xaiError(GovErrorCode.NOT_IN_REVIEW, `proposal is ${p.status}`);
  const reviewer = ctx.tx.sender;
  if (reviewer === p.proposer) throw xaiError(GovErrorCode.SELF_REVIEW, "the proposer may not review");
  if (await reviews.has(ctx.state, [p.number, reviewer]))
    throw xaiError(GovErrorCode.DUPLICATE_REVIEW, "already reviewed");
  const { power, counted } = await snapshotPower(ctx.state, reviewer, p.snapshotHeight, p.powerCap);
  if (power === 0n)
    throw xaiError(GovErrorCode.NO_VOTING_POWER, `no balance at snapshot height ${p.snapshotHeight}`);
  // [REJECT] a reviewer below the participant floor: dust accounts cannot make up min_code_reviewers.
  if (!isHead(counted, p.participantFloor))
    throw xaiError(
      GovErrorCode.BELOW_PARTICIPANT_FLOOR,
      `counted power ${counted} below the participant floor ${p.participantFloor}`,
      { counted: counted.toString(), floor: p.participantFloor.toString() },
    );
  p.review = {
    reviewers: p.review.reviewers + 1n,
    totalPower: p.review.totalPower + counted,
    approvePower: p.review.approvePower + (r.approved ? counted : 0n),
    approvals: p.review.approvals + (r.approved ? 1n : 0n),
  };
  reviews.put(ctx.state, [p.number, reviewer], {
    reviewer,
    approved: r.approved,
    comment: r.comment,
    codeHash: r.codeHash ?? new Uint8Array(0),
    power: counted,
    height: ctx.height,
    txId: ctx.tx.id,
  });
  putProposal(ctx.state, p);
  emit(sinkOf(ctx), "review_submitted", {
    proposal_id: p.id,
    reviewer,
    approved: String(r.approved),
    power: counted.toString(),
  });
  return { result: "ok", proposalId: p.id };
}

/**
 * VOTE_IMPLEMENTATION: original yes voters (final vote yes) approve or reject once each, with the
 * counted power of their vote; once approving power reaches implementation_approval_bps of the
 * tally's yes power (SPEC v2 §4.3 item 3) the proposal is queued at once, eta = height + timelock.
 */
export async function voteImplementation(
  ctx: TxContext,
  v: Extract<Payload, { type: "VOTE_IMPLEMENTATION" }>,
): Promise<TxOutcome> {
  const p = await loadProposal(ctx.state, v.proposalId);
  if (p.status !== "implementation_vote")
    throw xaiError(GovErrorCode.NOT_IN_IMPLEMENTATION, `proposal is ${p.status}`);
  const voter = ctx.tx.sender;
  const vote = await votes.get(ctx.state, [p.number, voter]);
  if (vote?.option !== "yes") throw xaiError(GovErrorCode.NOT_ORIGINAL_YES_VOTER, "final vote was not yes");
  if (await implementationVotes.has(ctx.state, [p.number, voter]))
    throw xaiError(GovErrorCode.DUPLICATE_IMPLEMENTATION_VOTE, "already voted on implementation");
  implementationVotes.put(ctx.state, [p.number, voter], {
    voter,
    approved: v.approved,
    height: ctx.height,
    txId: ctx.tx.id,
  });
  const i = p.implementation;
  p.implementation = v.approved
    ? { ...i, approvals: i.approvals + 1n, approvePower: i.approvePower + vote.counted }
    : { ...i, rejections: i.rejections + 1n, rejectPower: i.rejectPower + vote.counted };
  const sink = sinkOf(ctx);
  emit(sink, "implementation_vote", {
    proposal_id: p.id,
    voter,
    approved: String(v.approved),
    power: vote.counted.toString(),
  });
  if (implementationApproved(p)) {
    const timelock = isEmergency(p.action) ? "emergency_timelock_blocks" : "timelock_blocks";
    p.eta = ctx.height + Number(proposalRule(p, timelock));
    await setStatus(ctx.state, p, "queued", sink);
  } else putProposal(ctx.state, p);
  return { result: "ok", proposalId: p.id };
}
