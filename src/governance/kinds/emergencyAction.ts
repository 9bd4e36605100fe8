/**
 * `emergency_action` `{action, proposal_id?, name?}` (SPEC §4.4): `pause_transfers` /
 * `resume_transfers` write the `transfers` feature (reversible by a rollback); `cancel_proposal`
 * moves a target in any non-terminal stage (voting, code_review, implementation_vote, queued) to
 * `cancelled` (not reversible); `cancel_upgrade` (v2, SPEC §4.7) removes the pending upgrade plan
 * of that name (valid at submission and execution only while that plan is pending; not reversible:
 * a new software_upgrade schedules it again). Emergency proposals pass with `emergency_approval_bps`, spend
 * `emergency_period_blocks` in each of their three stages and wait `emergency_timelock_blocks`, so
 * a cancel can overtake the regular proposal it targets (U5). At submission and at execution a
 * cancel target must exist and still be in a cancellable stage. A target cancelled in `voting`
 * has its deposit burned, as a proposer's own cancellation does; one cancelled later was already
 * refunded at the end of its voting (its quorum was reached), so nothing more happens to it.
 */
import { xaiError } from "../../errors.js";
import type { StateReader } from "../../state-transition/stateStore.js";
import { GovErrorCode } from "../errors.js";
import { burnDeposit } from "../escrow.js";
import { emit } from "../events.js";
import type { ProposalStatus } from "../lifecycle.js";
import { setStatus } from "../status.js";
import { loadProposal } from "../store.js";
import type { Proposal } from "../types.js";
import { upgradePlan } from "../upgrade/plan.js";
import {
  type Capability,
  checkCrossRules,
  type EffectContext,
  type EffectResult,
  writeRegistry,
} from "./capability.js";

/** The emergency actions. */
export const EMERGENCY_ACTIONS = [
  "pause_transfers",
  "resume_transfers",
  "cancel_proposal",
  "cancel_upgrade",
] as const;

/** The stages from which `cancel_proposal` moves a target to `cancelled`. */
const CANCELLABLE: readonly ProposalStatus[] = ["voting", "code_review", "implementation_vote", "queued"];

/** Throws GOV_NOT_CANCELLABLE unless `target` is in a cancellable stage. */
function checkCancellable(target: Proposal): void {
  if (!CANCELLABLE.includes(target.status))
    throw xaiError(GovErrorCode.NOT_CANCELLABLE, `proposal ${target.id} is ${target.status}`, {
      status: target.status,
    });
}

/** Throws GOV_NO_PENDING_UPGRADE unless the pending plan is named `name`. */
async function checkPendingUpgrade(state: StateReader, name: string): Promise<void> {
  const plan = await upgradePlan.get(state);
  if (!plan || plan.name !== name)
    throw xaiError(GovErrorCode.NO_PENDING_UPGRADE, `no pending upgrade plan named ${name}`, {
      name,
      pending: plan?.name ?? "",
    });
}

/** cancel_upgrade's effect: the plan is removed. */
async function cancelUpgrade(ctx: EffectContext, name: string): Promise<EffectResult> {
  const plan = (await upgradePlan.get(ctx.state))!;
  upgradePlan.del(ctx.state);
  emit(ctx.sink, "upgrade_cancelled", { proposal_id: ctx.proposal.id, name, height: String(plan.height) });
  return {
    changes: [{ space: "upgrade", key: "plan", before: `${plan.name}@${plan.height}`, after: "" }],
    target: plan.proposalId,
  };
}

/** emergency_action: pause or resume transfers, cancel a proposal that has not executed, or an upgrade plan. */
export const emergencyAction: Capability<"emergency_action"> = {
  kind: "emergency_action",
  emergency: true,
  payloadHelp: '{"action","proposal_id"?,"name"?}',
  async validate(state, _params, a) {
    if (!(EMERGENCY_ACTIONS as readonly string[]).includes(a.action))
      throw xaiError(
        GovErrorCode.INVALID_ACTION,
        `unknown emergency action ${a.action}; actions: ${EMERGENCY_ACTIONS.join(", ")}`,
        { action: a.action },
      );
    if (a.action !== "cancel_upgrade" && (a.name ?? "") !== "")
      throw xaiError(GovErrorCode.INVALID_ACTION, `${a.action} takes no upgrade name`);
    if (a.action === "cancel_upgrade") {
      if (a.proposalId !== "")
        throw xaiError(GovErrorCode.INVALID_ACTION, "cancel_upgrade takes no proposal id");
      return checkPendingUpgrade(state, a.name ?? "");
    }
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
      target: a.proposalId || (a.name ?? ""),
    });
    if (a.action === "cancel_upgrade") return cancelUpgrade(ctx, a.name ?? "");
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
  reversible: (a) => a.action === "pause_transfers" || a.action === "resume_transfers",
  toJson: (a) => ({
    action: a.action,
    ...(a.proposalId ? { proposal_id: a.proposalId } : {}),
    ...(a.name ? { name: a.name } : {}),
  }),
  fromJson: (f) => {
    const name = f.optStr("name");
    return {
      kind: "emergency_action",
      action: f.str("action"),
      proposalId: f.optStr("proposal_id"),
      ...(name ? { name } : {}),
    };
  },
};
