/**
 * `emergency_action` `{action, proposal_id?}` (SPEC §4.4): `pause_transfers` / `resume_transfers`
 * write the `transfers` feature (reversible by a rollback); `cancel_queued` moves a queued
 * proposal to `cancelled` (not reversible). Emergency proposals pass with
 * `emergency_approval_bps` and wait `emergency_timelock_blocks`. At submission a cancel target must
 * exist and still be able to reach `queued`; at execution it must be `queued`.
 */
import { xaiError } from "../../errors.js";
import { GovErrorCode } from "../errors.js";
import { emit } from "../events.js";
import { isTerminal } from "../lifecycle.js";
import { setStatus } from "../status.js";
import { loadProposal } from "../store.js";
import { type Capability, writeRegistry } from "./capability.js";

/** The emergency actions. */
const EMERGENCY_ACTIONS = ["pause_transfers", "resume_transfers", "cancel_queued"] as const;

/** emergency_action: pause or resume transfers, or cancel a queued proposal. */
export const emergencyAction: Capability<"emergency_action"> = {
  kind: "emergency_action",
  emergency: true,
  payloadHelp: '{"action","proposal_id"?}',
  async validate(state, _params, a, phase) {
    if (!(EMERGENCY_ACTIONS as readonly string[]).includes(a.action))
      throw xaiError(GovErrorCode.INVALID_ACTION, `unknown emergency action ${a.action}`, {
        action: a.action,
      });
    if (a.action !== "cancel_queued") {
      if (a.proposalId !== "")
        throw xaiError(GovErrorCode.INVALID_ACTION, `${a.action} takes no proposal id`);
      return;
    }
    const target = await loadProposal(state, a.proposalId);
    if (phase === "submit" && (isTerminal(target.status) || target.status === "executed"))
      throw xaiError(GovErrorCode.NOT_CANCELLABLE, `proposal ${target.id} is ${target.status}`, {
        status: target.status,
      });
    if (phase === "execute" && target.status !== "queued")
      throw xaiError(GovErrorCode.NOT_QUEUED, `proposal ${target.id} is ${target.status}`, {
        status: target.status,
      });
  },
  async execute(ctx, a) {
    emit(ctx.sink, "emergency_action", {
      proposal_id: ctx.proposal.id,
      action: a.action,
      target: a.proposalId,
    });
    if (a.action !== "cancel_queued") {
      const raw = a.action === "pause_transfers" ? "false" : "true";
      return {
        changes: await writeRegistry(ctx.state, [{ space: "feature", name: "transfers", raw }], ctx.height),
        target: "",
      };
    }
    const target = await loadProposal(ctx.state, a.proposalId);
    target.cancelledBy = ctx.proposal.id;
    await setStatus(ctx.state, target, "cancelled", ctx.sink);
    return {
      changes: [{ space: "status", key: target.id, before: "queued", after: "cancelled" }],
      target: target.id,
    };
  },
  reversible: (a) => a.action !== "cancel_queued",
  toJson: (a) => ({ action: a.action, ...(a.proposalId ? { proposal_id: a.proposalId } : {}) }),
  fromJson: (f) => ({
    kind: "emergency_action",
    action: f.str("action"),
    proposalId: f.optStr("proposal_id"),
  }),
};
