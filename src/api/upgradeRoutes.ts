/**
 * `GET /upgrade` (SPEC v2 §4.7): the pending upgrade plan with the blocks left and an estimated
 * time (the head slot's start plus one block time per block left: missed slots make it later),
 * the applied upgrades with their heights, and `upgrade_needed` once this node halted for one.
 */
import type { FastifyInstance } from "fastify";
import { slotStartMs } from "../chain/slots.js";
import { upgradeStatus } from "../governance/upgrade/query.js";
import { upgradeSchema } from "./schemas/node.js";
import type { ApiContext } from "./server.js";

/** The upgrade route. */
export function upgradeRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { chain } = ctx;
  app.get("/upgrade", { schema: upgradeSchema }, async () => {
    const head = chain.head;
    const view = await upgradeStatus(chain.state, head.height);
    const pending = view.pending as { blocks_left: number } | null;
    const estimate = (left: number) => new Date(slotStartMs(chain.genesis, head.slot + left)).toISOString();
    return {
      height: head.height,
      pending: pending ? { ...pending, estimated_time: estimate(pending.blocks_left) } : null,
      applied: view.applied,
      upgrade_needed: chain.halt.needed ?? null,
    };
  });
}
