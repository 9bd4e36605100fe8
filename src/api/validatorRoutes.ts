/**
 * GET /validators (SPEC §4.8, §5): the proof-of-authority validator set in force for the next
 * block, in rotation order (the proposer of slot s is `validators[s mod n]`), and the changes
 * governance has scheduled, each with its activation height and the blocks left until it.
 */
import type { FastifyInstance } from "fastify";
import type { Chain } from "../chain/chain.js";
import { toHex } from "../crypto/bytes.js";
import { validatorsSchema } from "./schemas/node.js";
import type { ApiContext } from "./server.js";

/** The JSON of GET /validators for the head of `chain`. */
export function validatorsJson(chain: Pick<Chain, "head" | "validators">): Record<string, unknown> {
  const next = chain.head.height + 1;
  return {
    height: chain.head.height,
    validators: chain.validators
      .setAt(next)
      .map((v) => ({ address: v.address, public_key: toHex(v.publicKey) })),
    pending: chain.validators.current.pending
      .filter((c) => c.activationHeight > next)
      .map((c) => ({
        action: c.action,
        address: c.address,
        public_key: c.action === "add" ? toHex(c.publicKey) : null,
        activation_height: c.activationHeight,
        blocks_left: c.activationHeight - chain.head.height,
        proposal_id: c.proposalId,
      })),
  };
}

/** The validator-set route. */
export function validatorRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get("/validators", { schema: validatorsSchema }, async () => validatorsJson(ctx.chain));
}
