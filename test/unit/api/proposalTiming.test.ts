// Time left (issue 12; operator review: "a voter cannot see how much time is left"): the stage,
// the height ending it, blocks left, and the time of every stage end: a reached height has its
// block's slot time, a later one is estimated from the head's slot at one block per slot.
import assert from "node:assert/strict";
import { proposalTiming, stageOf, type TimingChain } from "../../../src/api/proposalTiming.js";
import type { Genesis } from "../../../src/config/genesis.js";

const genesis = { genesisTimeMs: 1_000_000, blockTimeMs: 500 } as Genesis;
/** Head at height 40 in slot 50 (ten slots were missed); block h sat in slot h + 10 (h ≤ 40). */
const chain: TimingChain = {
  genesis,
  head: { height: 40, slot: 50 },
  slotAt: async (h) => (h <= 40 ? h + 10 : undefined),
};
const heights = {
  voting_end: 30,
  review_end: 45,
  implementation_end: 60,
  eta: null,
  execution_deadline: null,
};

describe("proposal timing", () => {
  it("code_review at height 40: 5 blocks left, times of reached and future heights", async () => {
    const t = await proposalTiming(chain, { status: "code_review", heights });
    assert.deepEqual(t, {
      current_height: 40,
      block_time_ms: 500,
      stage: "code_review",
      stage_end_height: 45,
      blocks_left: 5,
      // slot 50's start + 5 blocks of 500 ms
      stage_end_time_ms: 1_000_000 + 50 * 500 + 5 * 500,
      times_ms: {
        voting_end: 1_000_000 + 40 * 500, // block 30 sat in slot 40
        review_end: 1_000_000 + 55 * 500,
        implementation_end: 1_000_000 + 70 * 500,
        eta: null,
        execution_deadline: null,
      },
    });
  });

  it("queued: the timelock until eta, then the execution window; final statuses have no stage", () => {
    const q = { status: "queued", heights: { ...heights, eta: 50, execution_deadline: 80 } };
    assert.deepEqual(stageOf(q, 49), { stage: "timelock", end: 50 });
    assert.deepEqual(stageOf(q, 50), { stage: "execution_window", end: 80 });
    assert.deepEqual(stageOf({ status: "voting", heights }, 10), { stage: "voting", end: 30 });
    assert.deepEqual(stageOf({ status: "implementation_vote", heights }, 50), {
      stage: "implementation_vote",
      end: 60,
    });
    for (const status of ["executed", "rejected", "failed", "expired", "cancelled", "rolled_back"])
      assert.equal(stageOf({ status, heights }, 10), null, status);
  });

  it("a stage whose end has passed (not yet processed) has 0 blocks left", async () => {
    const t = await proposalTiming(chain, { status: "voting", heights });
    assert.equal(t.blocks_left, 0);
    assert.equal(t.stage_end_height, 30);
    const done = await proposalTiming(chain, { status: "executed", heights });
    assert.deepEqual([done.stage, done.blocks_left, done.stage_end_time_ms], [null, null, null]);
  });
});
