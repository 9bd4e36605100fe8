/**
 * `emergency_action` `{action, proposal_id?}` (SPEC §4.4): `pause_transfers` / `resume_transfers`
 * write the `transfers` feature (reversible by a rollback); `cancel_proposal` moves a target in
 * any non-terminal stage (voting, code_review, implementation_vote, queued) to `cancelled` (not
 * reversible). Emergency proposals pass with `emergency_approval_bps`, spend
 * `emergency_period_blocks` in each of their three stages and wait `emergency_timelock_blocks`, so
 * a cancel can overtake the regular proposal it targets (U5). At submission and at execution a
 * cancel target must exist and still be in a cancellable stage. A target cancelled in `voting`
 * has its deposit burned, as a proposer's own cancellation does; one cancelled later was already
 * refunded at the end of its voting (its quorum was reached), so nothing more happens to it.
 */
import { xaiError } from "../../errors.js";
import { GovErrorCode } from "../errors.js";
import { burnDeposit } from "../escrow.js";
import { emit } from "../events.js";
import type { ProposalStatus } from "../lifecycle.js";
import { setStatus } from "../status.js";
import { loadProposal } from "../store.js";
import type { Proposal } from "../types.js";
import { type Capability, checkCrossRules, writeRegistry } from "./capability.js";

/** The emergency actions. */
const EMERGENCY_ACTIONS = ["pause_transfers", "resume_transfers", "cancel_proposal"] as const;

/** The stages from which `cancel_proposal` moves a target to `cancelled`. */
const CANCELLABLE: readonly ProposalStatus[] = ["voting", "code_review", "implementation_vote", "queued"];

/** Throws GOV_NOT_CANCELLABLE unless `target` is in a cancellable stage. */
function checkCancellable(target: Proposal): void {
  if (!CANCELLABLE.includes(target.status))
    throw xaiError(GovErrorCode.NOT_CANCELLABLE, `proposal ${target.id} is ${target.status}`, {
      status: target.status,
    });
}

/** emergency_action: pause or resume transfers, or cancel a proposal that has not executed. */
export const emergencyAction: Capability<"emergency_action"> = {
  kind: "emergency_action",
  emergency: true,
  payloadHelp: '{"action","proposal_id"?}',
  async validate(state, _params, a) {
    if (!(EMERGENCY_ACTIONS as readonly string[]).includes(a.action))
      throw xaiError(GovErrorCode.INVALID_ACTION, `unknown emergency action ${a.action}`, {
        action: a.action,
      });
    if (a.action !== "cancel_proposal") {
      if (a.proposalId !== "")
        throw xaiError(GovErrorCode.INVALID_ACTION, `${a.action} takes no proposal id`);
      const raw = a.action === "pause_transfers" ? "false" : "true";
      return checkCrossRules(state, [{ space: "feature", name: "transfers", raw }]);
    }
    checkCancellable(await loadProposal(state, a.proposalId));
  },
  async execute(ctx, a) {
    emit(ctx.sink, "emergency_action", {
      proposal_id: ctx.proposal.id,
      action: a.action,
      target: a.proposalId,
    });
    if (a.action !== "cancel_proposal") {
      const raw = a.action === "pause_transfers" ? "false" : "true";
      const writes = [{ space: "feature" as const, name: "transfers", raw }];
      return { changes: await writeRegistry(ctx.state, writes, ctx.proposal.number), target: "" };
    }
    const target = await loadProposal(ctx.state, a.proposalId);
    // A proposal cannot cancel itself (it is `queued` while it executes).
    if (target.id === ctx.proposal.id)
      throw xaiError(GovErrorCode.NOT_CANCELLABLE, "an emergency proposal cannot cancel itself");
    const before = target.status;
    if (before === "voting") await burnDeposit(ctx.state, target, ctx.height);
    target.cancelledBy = ctx.proposal.id;
    await setStatus(ctx.state, target, "cancelled", ctx.sink);
    return {
      changes: [{ space: "status", key: target.id, before, after: "cancelled" }],
      target: target.id,
    };
  },
  reversible: (a) => a.action !== "cancel_proposal",
  toJson: (a) => ({ action: a.action, ...(a.proposalId ? { proposal_id: a.proposalId } : {}) }),
  fromJson: (f) => ({
    kind: "emergency_action",
    action: f.str("action"),
    proposalId: f.optStr("proposal_id"),
  }),
};
