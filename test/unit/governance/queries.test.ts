import assert from "node:assert/strict";
import { compareAddresses } from "../../../src/crypto/keys.js";
import { GovBucket } from "../../../src/governance/keys.js";
import {
  fiatUnlockStatus,
  getProposal,
  history,
  listImplementationVotes,
  listProposals,
  listReviews,
  listVotes,
  proposalCounts,
  timelock,
  timelockDepth,
  votingPower,
} from "../../../src/governance/queries.js";
import { GovernanceMetrics } from "../../../src/metrics/governanceMetrics.js";
import { NodeMetrics } from "../../../src/metrics/nodeMetrics.js";
import type { StateReader } from "../../../src/state-transition/stateStore.js";
import { action, GovChain, key, tx } from "../../utils/govChain.js";
import {
  castVotes,
  checkInvariants,
  executeAtEta,
  passAndExecute,
  passToQueued,
  proposal,
  propose,
  toImplementation,
  toReview,
  track,
} from "../../utils/govFlow.js";

const XAI = 100_000_000n;
const M = (1_000_000n * XAI).toString();
const M2 = (2n * 1_000_000n * XAI).toString();

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
      heads: "4",
      quorum_reached: true,
      enough_voters: true,
      approved: true,
    });
    // C1: summaries only; the lists are paginated queries of their own.
    assert.equal("reviews" in j, false);
    assert.equal("implementation_votes" in j, false);
    assert.deepEqual(j.review, {
      reviewers: "2",
      approvals: "2",
      approve_power: (2n * 1_000_000n * XAI).toString(),
      total_power: (2n * 1_000_000n * XAI).toString(),
    });
    assert.deepEqual(
      (await listReviews(c.state, id))!.reviews.map((r) => [r.reviewer, r.approved, r.power]),
      [key(4).address, key(5).address].sort(compareAddresses).map((a) => [a, true, M]),
    );
    assert.deepEqual(
      (await listImplementationVotes(c.state, id))!.implementation_votes.map((r) => r.voter),
      [key(1).address, key(2).address].sort(compareAddresses),
    );
    assert.deepEqual(j.implementation, {
      required_power: (2n * 1_000_000n * XAI).toString(),
      approvals: "2",
      rejections: "0",
      approve_power: M2,
      reject_power: "0",
    });
    assert.equal(j.participant_floor, "1000000000000", "ceil(10 bps x 10,000,000 XAI) = 10,000 XAI");
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
      quorum_bps: "2000",
      supply: "0",
      voters: "0",
      heads: "0",
      support_power: "0",
      voted_power: "0",
      quorum_reached: false,
      threshold_met: false,
      unlocked: false,
      unlocked_height: null,
      unlock_reason: null,
      unlock_tx_id: null,
    });
  });
});

/** A StateReader that records every key or prefix read, to show what a query touches. */
function recording(state: StateReader): { state: StateReader; buckets: Set<number> } {
  const buckets = new Set<number>();
  return {
    buckets,
    state: {
      get: (k) => {
        buckets.add(k[0]!);
        return state.get(k);
      },
      range: (prefix, opts) => {
        buckets.add(prefix[0]!);
        return state.range(prefix, opts);
      },
    },
  };
}

describe("C1: bounded reads", () => {
  afterEach(checkInvariants);

  it("the proposals gauge comes from counters in state: exact counts, no proposal record read", async () => {
    const c = track(await GovChain.create());
    const a = await propose(c, 0, action.param("max_block_txs", "500"));
    await propose(c, 1, action.feature("fee_burn", true));
    const b = await propose(c, 2, action.param("max_block_txs", "600"));
    await c.send(key(2), tx.cancel(b));
    await castVotes(c, a, [
      [1, "yes"],
      [2, "yes"],
      [3, "yes"],
      [4, "yes"],
    ]);
    await c.runToHeight((await proposal(c, a)).votingEnd);
    const r = recording(c.state);
    const counts = await proposalCounts(r.state);
    assert.deepEqual(
      counts.map((x) => [x.status, x.kind, x.count]),
      [
        ["cancelled", "protocol_parameter", 1],
        ["code_review", "protocol_parameter", 1],
        ["voting", "feature_activation", 1],
      ],
    );
    assert.deepEqual([...r.buckets], [GovBucket.COUNTER], "one range over the counters, nothing else");
    assert.equal(r.buckets.has(GovBucket.PROPOSAL), false);
    const d = recording(c.state);
    assert.equal(await timelockDepth(d.state), 0);
    assert.deepEqual([...d.buckets], [GovBucket.QUEUE_EXECUTION_EXPIRY]);
  });

  it("a /metrics scrape reads only the counters and the timelock queue keys: no proposal decoded", async () => {
    const c = track(await GovChain.create());
    const a = await passToQueued(c, action.param("max_block_txs", "500"));
    await propose(c, 3, action.feature("fee_burn", true));
    const r = recording(c.state);
    const nm = new NodeMetrics();
    new GovernanceMetrics(nm, () => r.state);
    const text = await nm.registry.metrics();
    assert.match(text, /xai_governance_proposals\{kind="protocol_parameter",status="queued"\} 1/);
    assert.match(text, /xai_governance_proposals\{kind="feature_activation",status="voting"\} 1/);
    assert.match(text, /xai_governance_timelock_queue_depth 1/);
    // Plus the one upgrade-plan key (xai_governance_upgrade_plan_height, issue 12).
    assert.deepEqual(
      [...r.buckets].sort(),
      [GovBucket.COUNTER, GovBucket.QUEUE_EXECUTION_EXPIRY, GovBucket.UPGRADE_PLAN].sort(),
    );
    assert.equal((await proposal(c, a)).status, "queued");
  });

  it("the counters follow every status change to the end of a lifecycle", async () => {
    const c = track(await GovChain.create());
    await passAndExecute(c, action.param("max_block_txs", "500"));
    assert.deepEqual(
      (await proposalCounts(c.state)).map((x) => [x.status, x.kind, x.count]),
      [["executed", "protocol_parameter", 1]],
    );
  });

  it("reviews and implementation votes are paginated by address: exact pages and cursors", async () => {
    const c = track(await GovChain.create());
    const id = await toReview(c, action.param("max_block_txs", "500"));
    const reviewers = [4, 5, 6, 7, 8];
    await toImplementation(
      c,
      id,
      reviewers.map((n) => [n, true]),
    );
    const sorted = reviewers.map((n) => key(n).address).sort(compareAddresses);
    const p1 = (await listReviews(c.state, id, { limit: 2 }))!;
    assert.deepEqual(
      p1.reviews.map((r) => r.reviewer),
      sorted.slice(0, 2),
    );
    assert.equal(p1.next_cursor, sorted[1]);
    const p2 = (await listReviews(c.state, id, { limit: 2, cursor: p1.next_cursor! }))!;
    assert.deepEqual(
      p2.reviews.map((r) => r.reviewer),
      sorted.slice(2, 4),
    );
    assert.equal(p2.next_cursor, sorted[3]);
    const p3 = (await listReviews(c.state, id, { limit: 2, cursor: p2.next_cursor! }))!;
    assert.deepEqual(
      p3.reviews.map((r) => r.reviewer),
      sorted.slice(4),
    );
    assert.equal(p3.next_cursor, null);
    // Default page size 50; unknown proposal → undefined.
    assert.equal((await listReviews(c.state, id))!.reviews.length, 5);
    assert.equal(await listReviews(c.state, "ab".repeat(16)), undefined);
    assert.equal(await listImplementationVotes(c.state, "ab".repeat(16)), undefined);

    // dev:3 rejects first; dev:1 and dev:2 then approve (2/3 of the yes power: queued).
    for (const n of [3, 1, 2]) await c.submit(key(n), tx.implement(id, n !== 3));
    assert.deepEqual((await c.nextBlock()).skipped, []);
    const voters = [1, 2, 3].map((n) => key(n).address).sort(compareAddresses);
    const i1 = (await listImplementationVotes(c.state, id, { limit: 3 }))!;
    assert.deepEqual(
      i1.implementation_votes.map((v) => v.voter),
      voters,
    );
    assert.equal(i1.next_cursor, voters[2], "a full page: the cursor is its last voter");
    const i2 = (await listImplementationVotes(c.state, id, { limit: 3, cursor: i1.next_cursor! }))!;
    assert.deepEqual(i2, { implementation_votes: [], next_cursor: null });
    const i3 = (await listImplementationVotes(c.state, id, { limit: 2, cursor: voters[0]! }))!;
    assert.deepEqual(
      i3.implementation_votes.map((v) => [v.voter, v.approved]),
      voters.slice(1).map((v) => [v, v !== key(3).address]),
    );
  });
});
