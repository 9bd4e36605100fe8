/**
 * The start of a block (SPEC v2 §4.7): at the pending plan's height, before any transaction, the
 * upgrade's migration runs (if this release knows the name), the plan becomes an applied upgrade,
 * and the execution history records it with every changed value. A release that does not know the
 * name throws GOV_UPGRADE_NEEDED instead: the block is not applied (nothing is written), and the
 * chain halts the node rather than fork off under the old rules. Everything here is state of the
 * block's overlay, so a reorg's undo record reverts it exactly.
 */
import { xaiError } from "../../errors.js";
import type { EndBlockContext } from "../../state-transition/module.js";
import { GovErrorCode } from "../errors.js";
import { emit } from "../events.js";
import { appendHistory } from "../store.js";
import type { UpgradeSet } from "./handlers.js";
import { appliedUpgrades, upgradePlan } from "./plan.js";

/** The data of GOV_UPGRADE_NEEDED (what `/status` shows as `upgrade_needed`). */
export type UpgradeNeeded = { name: string; height: number; info: string };

/**
 * Runs the due upgrade at the start of the block of `ctx`, if any. Returns true if a migration ran
 * (the block's parameters must then be read again). Throws GOV_UPGRADE_NEEDED if `known` lacks it.
 */
export async function processBeginBlock(ctx: EndBlockContext, known: UpgradeSet): Promise<boolean> {
  const plan = await upgradePlan.get(ctx.state);
  // A plan's height is always above the block that stored it, so `>` means "not yet".
  if (!plan || plan.height > ctx.height) return false;
  const handler = known.get(plan.name);
  if (!handler) {
    const data: UpgradeNeeded = { name: plan.name, height: plan.height, info: plan.info };
    throw xaiError(
      GovErrorCode.UPGRADE_NEEDED,
      `upgrade ${plan.name} needed at height ${plan.height}: this release does not know it`,
      data,
    );
  }
  const changes = await handler.migrate({ state: ctx.state, height: ctx.height, plan });
  upgradePlan.del(ctx.state);
  appliedUpgrades.put(ctx.state, plan.name, {
    name: plan.name,
    height: ctx.height,
    info: plan.info,
    proposalId: plan.proposalId,
    number: plan.number,
  });
  await appendHistory(ctx.state, {
    height: ctx.height,
    txId: "",
    event: "upgraded",
    proposalId: plan.proposalId,
    number: plan.number,
    kind: "software_upgrade",
    errorCode: "",
    target: plan.name,
    changes,
  });
  emit({ height: ctx.height, events: ctx.events, txId: undefined }, "upgrade_applied", {
    name: plan.name,
    proposal_id: plan.proposalId,
    changes: String(changes.length),
  });
  return true;
}
