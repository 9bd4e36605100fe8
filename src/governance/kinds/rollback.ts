/**
 * `rollback` `{target}` (SPEC §4.4): restores the recorded before-values of an executed proposal
 * whose kind says it is reversible. At execution every recorded key must still hold its recorded
 * `after` and must have been written last by the target (any later write, A → B → A too: A6), and the restored values
 * must keep the cross rules. The target becomes `rolled_back`; both records link. A rollback is
 * not itself reversible. Which kinds are reversible is asked of the kinds table, passed in by
 * index.ts (so this file does not import the table that imports it).
 */
import type { RegistrySpace } from "../../config/registry.js";
import { xaiError } from "../../errors.js";
import { getRegistryRaw } from "../../state-transition/params.js";
import type { ProposalKind } from "../../types/tx.js";
import { GovErrorCode } from "../errors.js";
import { emit } from "../events.js";
import { lastRegistryWriter } from "../registryWrites.js";
import { setStatus } from "../status.js";
import { loadProposal } from "../store.js";
import type { Proposal } from "../types.js";
import { type Capability, checkCrossRules, type RegistryWrite, writeRegistry } from "./capability.js";

/** The registry writes that restore a target's recorded before-values. */
function restoreWrites(target: Proposal): RegistryWrite[] {
  return (target.execution?.changes ?? []).map((c) => ({
    space: c.space as RegistrySpace,
    name: c.key,
    raw: c.before,
  }));
}

/** rollback, asking `capabilityOf` whether a target's kind is reversible. */
export function rollbackKind(capabilityOf: (kind: ProposalKind) => Capability): Capability<"rollback"> {
  return {
    kind: "rollback",
    emergency: false,
    payloadHelp: '{"target"}',
    async validate(state, _params, action, phase) {
      const target = await loadProposal(state, action.target);
      if (target.status !== "executed")
        throw xaiError(
          GovErrorCode.ROLLBACK_NOT_ALLOWED,
          `proposal ${target.id} is ${target.status}, not executed`,
          { status: target.status },
        );
      const a = target.action;
      if (!capabilityOf(a.kind).reversible(a))
        throw xaiError(GovErrorCode.ROLLBACK_NOT_ALLOWED, `a ${a.kind} cannot be rolled back`, {
          kind: a.kind,
        });
      if (phase === "submit") return;
      for (const c of target.execution?.changes ?? []) {
        const now = await getRegistryRaw(state, c.space as RegistrySpace, c.key);
        // Changed since: a different value now, or any later write, even later in the target's
        // own block and even of the same value (A → B → A): the key's last writer is not the target.
        const writer = await lastRegistryWriter(state, c.space, c.key);
        if (now !== c.after || writer !== target.number)
          throw xaiError(
            GovErrorCode.ROLLBACK_CONFLICT,
            `${c.space} ${c.key} changed since the target's execution`,
            { space: c.space, key: c.key, now, last_writer: writer ?? null },
          );
      }
      await checkCrossRules(state, restoreWrites(target));
    },
    async execute(ctx, action) {
      const target = await loadProposal(ctx.state, action.target);
      const changes = await writeRegistry(ctx.state, restoreWrites(target), ctx.proposal.number);
      target.rolledBackBy = ctx.proposal.id;
      await setStatus(ctx.state, target, "rolled_back", ctx.sink);
      emit(ctx.sink, "rollback", {
        proposal_id: ctx.proposal.id,
        target: target.id,
        changes: String(changes.length),
      });
      return { changes, target: target.id };
    },
    reversible: () => false,
    toJson: (a) => ({ target: a.target }),
    fromJson: (f) => ({ kind: "rollback", target: f.str("target") }),
  };
}
