import assert from "node:assert/strict";
import {
  fiatUnlockStatus,
  getProposal,
  history,
  listProposals,
  listVotes,
  timelock,
  votingPower,
} from "../../../src/governance/queries.js";
import { action, GovChain, key, tx } from "../../utils/govChain.js";
import {
  castVotes,
  checkInvariants,
  executeAtEta,
  passAndExecute,
  passToQueued,
  proposal,
  propose,
  track,
} from "../../utils/govFlow.js";

const XAI = 100_000_000n;
const M = (1_000_000n * XAI).toString();

describe("governance: queries", () => {
  afterEach(checkInvariants);

  it("getProposal: kind, payload, status, heights, tally, reviews, implementation votes, eta, execution, rules", async () => {
    const c = track(await GovChain.create());
    const id = await passAndExecute(c, action.param("max_block_txs", "500"));
    const p = await proposal(c, id);
    const j = (await getProposal(c.state, id))!;
    assert.equal(j.id, id);
    assert.equal(j.kind, "protocol_parameter");
    assert.deepEqual(j.payload, { name: "max_block_txs", value: "500" });
    assert.equal(j.status, "executed");
    assert.deepEqual(j.heights, {
      submitted: p.submitHeight,
      snapshot: p.submitHeight - 1,
      voting_end: p.submitHeight + 5,
      review_end: p.submitHeight + 10,
      implementation_end: p.submitHeight + 15,
      eta: p.eta,
      execution_deadline: p.eta + 20,
    });
    assert.deepEqual(j.tally, {
      yes: (4n * 1_000_000n * XAI).toString(),
      no: "0",
      abstain: "0",
      participation: (4n * 1_000_000n * XAI).toString(),
      voters: "4",
      yes_voters: "4",
      quorum_reached: true,
      enough_voters: true,
      approved: true,
    });
    assert.deepEqual(
      (j.reviews as Array<Record<string, unknown>>).map((r) => [r.reviewer, r.approved, r.power]),
      [key(4).address, key(5).address].sort().map((a) => [a, true, M]),
    );
    assert.deepEqual(
      (j.implementation_votes as Array<Record<string, unknown>>).map((r) => r.voter),
      [key(1).address, key(2).address].sort(),
    );
    assert.deepEqual(j.implementation, { required: "2", approvals: "2", rejections: "0" });
    assert.equal((j.rules as Record<string, string>).voting_period_blocks, "5");
    assert.equal((j.rules as Record<string, string>).approval_bps, "6600");
    assert.deepEqual((j.execution as Record<string, unknown>).changes, [
      { space: "param", key: "max_block_txs", before: "2000", after: "500" },
    ]);
    assert.equal(j.deposit, (10n * XAI).toString());
    assert.equal(j.deposit_state, "refunded");
    assert.equal(await getProposal(c.state, "ab".repeat(16)), undefined);
  });

  it("listProposals: newest first, by status, paginated by number", async () => {
    const c = track(await GovChain.create());
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await propose(c, i, action.param("max_block_txs", `${500 + i}`)));
    await c.send(key(2), tx.cancel(ids[2]!));
    const page1 = await listProposals(c.state, { limit: 2 });
    assert.deepEqual(
      page1.proposals.map((p) => p.number),
      [5, 4],
    );
    assert.equal(page1.next_cursor, 4);
    const page2 = await listProposals(c.state, { limit: 2, cursor: 4 });
    assert.deepEqual(
      page2.proposals.map((p) => p.number),
      [3, 2],
    );
    const page3 = await listProposals(c.state, { limit: 2, cursor: 2 });
    assert.deepEqual(
      page3.proposals.map((p) => p.number),
      [1],
    );
    assert.equal(page3.next_cursor, null);
    const voting = await listProposals(c.state, { status: "voting" });
    assert.deepEqual(
      voting.proposals.map((p) => p.number),
      [5, 4, 2],
    );
    // Proposal 1's voting ended at the end of block 6 (the cancel's block) without votes.
    assert.deepEqual(
      (await listProposals(c.state, { status: "rejected" })).proposals.map((p) => p.number),
      [1],
    );
    const cancelled = await listProposals(c.state, { status: "cancelled" });
    assert.deepEqual(
      cancelled.proposals.map((p) => p.id),
      [ids[2]],
    );
    assert.deepEqual(
      (await listProposals(c.state, { status: "voting", cursor: 4, limit: 1 })).proposals[0]?.number,
      2,
    );
    assert.equal(c.height, 6);
  });

  it("listVotes: every vote, paginated by voter", async () => {
    const c = track(await GovChain.create());
    const id = await propose(c, 0, action.param("max_block_txs", "500"));
    await castVotes(c, id, [
      [1, "yes"],
      [2, "no"],
      [3, "abstain"],
    ]);
    const all = (await listVotes(c.state, id))!;
    assert.equal(all.votes.length, 3);
    assert.equal(all.next_cursor, null);
    const first = (await listVotes(c.state, id, { limit: 2 }))!;
    const second = (await listVotes(c.state, id, { limit: 2, cursor: first.next_cursor! }))!;
    assert.deepEqual(
      [...first.votes, ...second.votes].map((v) => v.voter),
      all.votes.map((v) => v.voter),
    );
    const byVoter = Object.fromEntries(all.votes.map((v) => [v.voter, v.option]));
    assert.deepEqual(byVoter, {
      [key(1).address]: "yes",
      [key(2).address]: "no",
      [key(3).address]: "abstain",
    });
    assert.equal(await listVotes(c.state, "ab".repeat(16)), undefined);
  });

  it("votingPower: at a proposal's snapshot with its cap, or at a height", async () => {
    const c = track(
      await GovChain.create({
        balances: [0n, 6000n, 1000n, 1000n, 1000n, 1000n],
        rules: { proposal_deposit: "0" },
      }),
    );
    const id = await propose(c, 0, action.param("max_block_txs", "500"), { deposit: 0n });
    await c.send(key(1), tx.transfer(key(2).address, 1000n));
    const atProposal = await votingPower(c.state, key(1).address, { proposalId: id, height: c.height });
    assert.deepEqual(atProposal, {
      address: key(1).address,
      balance: (6000n - 1000n - 3n).toString(),
      power: "6000",
      capped_power: "2000",
      power_cap: "2000",
      snapshot_height: 0,
    });
    const now = await votingPower(c.state, key(1).address, { height: c.height });
    assert.equal(now?.power, "4997");
    assert.equal(now?.snapshot_height, c.height);
  });

  it("timelock and history", async () => {
    const c = track(await GovChain.create());
    const a = await passToQueued(c, action.param("max_block_txs", "500"));
    const pa = await proposal(c, a);
    assert.deepEqual(
      (await timelock(c.state)).map((t) => [t.id, t.eta, t.execution_deadline]),
      [[a, pa.eta, pa.eta + 20]],
    );
    await executeAtEta(c, a);
    assert.deepEqual(await timelock(c.state), []);
    const h = await history(c.state);
    assert.equal(h.entries.length, 1);
    assert.equal(h.entries[0]?.event, "executed");
    assert.equal(h.entries[0]?.height, pa.eta);
    assert.equal(typeof h.entries[0]?.tx_id, "string");
    assert.deepEqual(await fiatUnlockStatus(c.state), {
      start_height: 10,
      snapshot_height: 9,
      auto_unlock_height: 1_000_000,
      min_votes: "5",
      support_bps: "6600",
      voters: "0",
      support_power: "0",
      voted_power: "0",
      threshold_met: false,
      unlocked: false,
      unlocked_height: null,
      unlock_reason: null,
      unlock_tx_id: null,
    });
  });
});
