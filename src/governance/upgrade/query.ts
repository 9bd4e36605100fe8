/**
 * The upgrade query (SPEC v2 §4.7, `GET /upgrade`, `xai-gov query upgrade`): the pending plan with
 * the blocks left before its height, and every applied upgrade with its height. Wall-clock
 * estimates are the API's (they need the genesis time and the clock): this part is pure.
 */
import type { StateReader } from "../../state-transition/stateStore.js";
import type { Json } from "../types.js";
import { listAppliedUpgrades, releaseSha256, upgradePlan } from "./plan.js";

/** The upgrade view at head `height`: `{pending, applied}`. */
export async function upgradeStatus(state: StateReader, height: number): Promise<Json> {
  const plan = await upgradePlan.get(state);
  const applied = await listAppliedUpgrades(state);
  return {
    pending: plan
      ? {
          name: plan.name,
          height: plan.height,
          info: plan.info,
          release_sha256: releaseSha256(plan.info) ?? null,
          proposal_id: plan.proposalId,
          number: plan.number,
          scheduled_height: plan.scheduledHeight,
          blocks_left: Math.max(0, plan.height - height),
        }
      : null,
    applied: applied.map((u) => ({
      name: u.name,
      height: u.height,
      info: u.info,
      proposal_id: u.proposalId,
      number: u.number,
    })),
  };
}
