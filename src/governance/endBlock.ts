/**
 * End-of-block processing, in this fixed order: voting ends → review ends → implementation
 * deadlines → execution-grace expiry → fiat unlock (the block's final tally, or auto). Each step is one prefix range over its
 * queue for the current height (keys height u64be || number u64be, so ascending proposal number);
 * no step iterates proposals or votes beyond those due now.
 */

import { xaiError } from "../errors.js";
import type { EndBlockContext } from "../state-transition/module.js";
import { GovErrorCode } from "./errors.js";
import { burnDeposit, refundDeposit } from "./escrow.js";
import { type EventSink, emit } from "./events.js";
import { processFiatEndBlock } from "./fiatUnlock.js";
import { historyEntry } from "./history.js";
import { GovBucket, type QueueBucket, queueHeightPrefix, trailingNumber } from "./keys.js";
import type { ProposalStatus } from "./lifecycle.js";
import { setStatus } from "./status.js";
import { appendHistory, loadProposalByNumber } from "./store.js";
import { reviewPasses, votingResult } from "./tally.js";
import type { Proposal } from "./types.js";

type Step = (ctx: EndBlockContext, p: Proposal, sink: EventSink) => Promise<void>;

/** Voting end: refund or burn the deposit, then code_review or rejected. */
const endVoting: Step = async (ctx, p, sink) => {
  const r = votingResult(p);
  if (r.quorum) await refundDeposit(ctx.state, p, ctx.height);
  else await burnDeposit(ctx.state, p, ctx.height);
  if (r.passed) return setStatus(ctx.state, p, "code_review", sink);
  p.failureCode = !r.quorum ? "no_quorum" : !r.enoughVoters ? "too_few_voters" : "not_approved";
  return setStatus(ctx.state, p, "rejected", sink);
};

/** Review end: implementation_vote or rejected. */
const endReview: Step = async (ctx, p, sink) => {
  if (!reviewPasses(p)) {
    p.failureCode = "review_not_approved";
    return setStatus(ctx.state, p, "rejected", sink);
  }
  return setStatus(ctx.state, p, "implementation_vote", sink);
};

/** Implementation deadline: still not queued → rejected. */
const endImplementation: Step = async (ctx, p, sink) => {
  p.failureCode = "implementation_not_approved";
  return setStatus(ctx.state, p, "rejected", sink);
};

/** Execution grace over: still queued → expired. */
const expire: Step = async (ctx, p, sink) => {
  await setStatus(ctx.state, p, "expired", sink);
  await appendHistory(ctx.state, historyEntry(p, ctx, "expired"));
  emit(sink, "proposal_expired", { proposal_id: p.id, number: String(p.number), eta: String(p.eta) });
};

const STEPS: ReadonlyArray<{ bucket: QueueBucket; status: ProposalStatus; run: Step }> = [
  { bucket: GovBucket.QUEUE_VOTING_END, status: "voting", run: endVoting },
  { bucket: GovBucket.QUEUE_REVIEW_END, status: "code_review", run: endReview },
  { bucket: GovBucket.QUEUE_IMPLEMENTATION_END, status: "implementation_vote", run: endImplementation },
  { bucket: GovBucket.QUEUE_EXECUTION_EXPIRY, status: "queued", run: expire },
];

/** Runs every end-of-block step for ctx.height. */
export async function processEndBlock(ctx: EndBlockContext): Promise<void> {
  const sink: EventSink = { height: ctx.height, events: ctx.events, txId: undefined };
  for (const step of STEPS) {
    const due = await ctx.state.range(queueHeightPrefix(step.bucket, ctx.height));
    for (const [key] of due) {
      const p = await loadProposalByNumber(ctx.state, trailingNumber(key));
      // setStatus removes a proposal from its queue as it leaves the status, so this always holds.
      if (p.status !== step.status)
        throw xaiError(GovErrorCode.INVARIANT, `queued proposal ${p.id} is ${p.status}, not ${step.status}`);
      await step.run(ctx, p, sink);
    }
  }
  await processFiatEndBlock(ctx);
}
