/**
 * Review of v2: assertGovernanceInvariants (run after every test and after a replay)
 * covers the status counters, but not the rest of the new v2 state: a review below the
 * participant floor, a review whose power is not the reviewer's counted snapshot power, and the
 * last-writer index of registry values (REGISTRY_WRITE) that rollback now depends on used to pass it.
 */
import assert from "node:assert/strict";
import { isXaiError } from "../../../src/errors.js";
import { GovErrorCode } from "../../../src/governance/errors.js";
import { assertGovernanceInvariants } from "../../../src/governance/invariants.js";
import { markRegistryWrite } from "../../../src/governance/registryWrites.js";
import { putProposal, reviews } from "../../../src/governance/store.js";
import { action, GovChain, key } from "../../utils/govChain.js";
import { proposal, toReview } from "../../utils/govFlow.js";

describe("governance invariants cover the v2 state (review of v2)", () => {
  it("a review below the participant floor (tally kept consistent) fails the invariants", async () => {
    const c = await GovChain.create();
    const id = await toReview(c, action.param("max_block_txs", "300"));
    const p = await proposal(c, id);
    // One unit of power: far below the floor; the tally is updated to match, as a buggy handler would.
    reviews.put(c.state, [p.number, key(7).address], {
      reviewer: key(7).address,
      approved: true,
      comment: "",
      codeHash: new Uint8Array(0),
      power: 1n,
      height: c.height,
      txId: "00".repeat(32),
    });
    p.review = { reviewers: 1n, approvePower: 1n, totalPower: 1n, approvals: 1n };
    putProposal(c.state, p);
    await assert.rejects(
      assertGovernanceInvariants(c.state),
      (e) =>
        isXaiError(e) &&
        e.code === GovErrorCode.INVARIANT &&
        /review power|participant floor/.test(e.message),
    );
  });

  it("a registry last-writer entry naming a proposal that never executed fails the invariants", async () => {
    const c = await GovChain.create();
    markRegistryWrite(c.state, "param", "max_block_txs", 42);
    await assert.rejects(
      assertGovernanceInvariants(c.state),
      (e) =>
        isXaiError(e) && e.code === GovErrorCode.INVARIANT && e.message === "registry writer never executed",
    );
  });
});
