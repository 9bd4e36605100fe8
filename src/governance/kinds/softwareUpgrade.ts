/**
 * `software_upgrade` `{name, height, info}` (SPEC v2 §4.7): schedules the upgrade plan. Valid at
 * submission and again at execution when the name is well-formed and not yet applied, `info`
 * carries the release's `sha256:<64 hex>` within 1,000 bytes, and the height leaves time to
 * prepare: at least `timelock_blocks` after the current block (at submission a necessary
 * condition, since execution comes later; at execution the rule itself). Executing it stores the
 * plan, replacing a pending one (so at most one is ever pending); `cancel_upgrade` removes it.
 * Not reversible by a rollback: a plan is withdrawn by `cancel_upgrade` (the emergency track,
 * faster than a rollback) or replaced by another plan, and once applied a migration is part of the
 * chain's history that only a reorg below finality undoes.
 */
import { xaiError } from "../../errors.js";
import { getRule } from "../../state-transition/params.js";
import type { StateReader } from "../../state-transition/stateStore.js";
import { GovErrorCode } from "../errors.js";
import { emit } from "../events.js";
import { checkText } from "../text.js";
import {
  appliedUpgrades,
  MAX_UPGRADE_HEIGHT,
  releaseSha256,
  UPGRADE_NAME_RE,
  upgradePlan,
} from "../upgrade/plan.js";
import type { Capability, KindAction } from "./capability.js";

/** Throws GOV_INVALID_UPGRADE_NAME unless `name` is an upgrade name. */
export function checkUpgradeName(name: string): void {
  if (!UPGRADE_NAME_RE.test(name))
    throw xaiError(GovErrorCode.INVALID_UPGRADE_NAME, "upgrade name must match [a-z0-9][a-z0-9._-]{0,63}", {
      name,
    });
}

/** The rules of a plan against `state` at `height` (the block the transaction is in). */
async function checkPlan(
  state: StateReader,
  a: KindAction<"software_upgrade">,
  height: number,
): Promise<void> {
  checkUpgradeName(a.name);
  checkText(a.info, "upgrade_info", GovErrorCode.INVALID_UPGRADE_INFO);
  if (releaseSha256(a.info) === undefined)
    throw xaiError(GovErrorCode.INVALID_UPGRADE_INFO, "info must carry the release's sha256:<64 hex>");
  if (a.height > MAX_UPGRADE_HEIGHT)
    throw xaiError(GovErrorCode.INVALID_UPGRADE_HEIGHT, `height above ${MAX_UPGRADE_HEIGHT}`, {
      height: a.height.toString(),
    });
  const min = BigInt(height) + (await getRule(state, "timelock_blocks"));
  if (a.height < min)
    throw xaiError(GovErrorCode.UPGRADE_HEIGHT_TOO_SOON, `upgrade height must be at least ${min}`, {
      height: a.height.toString(),
      min_height: min.toString(),
    });
  const applied = await appliedUpgrades.get(state, a.name);
  if (applied)
    throw xaiError(GovErrorCode.UPGRADE_ALREADY_APPLIED, `upgrade ${a.name} applied at ${applied.height}`, {
      name: a.name,
      height: applied.height,
    });
}

/** software_upgrade: stores the plan (replacing a pending one). */
export const softwareUpgrade: Capability<"software_upgrade"> = {
  kind: "software_upgrade",
  emergency: false,
  payloadHelp: '{"name","height","info"}',
  validate: (state, _params, a, _phase, height) => checkPlan(state, a, height),
  async execute(ctx, a) {
    const before = await upgradePlan.get(ctx.state);
    const plan = {
      name: a.name,
      height: Number(a.height),
      info: a.info,
      proposalId: ctx.proposal.id,
      number: ctx.proposal.number,
      scheduledHeight: ctx.height,
    };
    upgradePlan.put(ctx.state, plan);
    emit(ctx.sink, "upgrade_scheduled", {
      proposal_id: ctx.proposal.id,
      name: a.name,
      height: a.height.toString(),
      replaced: before?.name ?? "",
    });
    const show = (p?: { name: string; height: number }) => (p ? `${p.name}@${p.height}` : "");
    return {
      changes: [{ space: "upgrade", key: "plan", before: show(before), after: show(plan) }],
      target: before?.proposalId ?? "",
    };
  },
  reversible: () => false,
  toJson: (a) => ({ name: a.name, height: a.height.toString(), info: a.info }),
  fromJson: (f) => ({
    kind: "software_upgrade",
    name: f.str("name"),
    height: f.u64("height"),
    info: f.str("info"),
  }),
};
