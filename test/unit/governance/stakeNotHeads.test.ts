/**
 * Stake, not heads (SPEC v2 §4.2–4.3): reviews A2 and A7. Under v1 the implementation stage
 * counted heads and min_voters / min_code_reviewers counted any account with 1 unit, so dust
 * accounts could veto (A2) or, with one capped holder, pass (A7) proposals.
 */
import assert from "node:assert/strict";
import { GovErrorCode } from "../../../src/governance/errors.js";
import { implementationApproved } from "../../../src/governance/tally.js";
import { action, GovChain, key, tx } from "../../utils/govChain.js";
import {
  castVotes,
  checkInvariants,
  expectStatus,
  proposal,
  propose,
  toImplementation,
  toReview,
  track,
} from "../../utils/govFlow.js";

const XAI = 100_000_000n;
const M = 1_000_000n * XAI;
const PARAM = action.param("max_block_txs", "500");
/** dev:0..9 hold 1,000,000 XAI each; dev:10..15 hold 1 unit each (the dust accounts). */
const WITH_DUST = [...Array.from({ length: 10 }, () => M), 1n, 1n, 1n, 1n, 1n, 1n];
const DUST = [10, 11, 12, 13, 14, 15];
/** SPEC v2 default quorum (quorum_bps 3,340 > max_individual_power_bps 2,000), set so these tests do not depend on it. */
const V2 = { quorum_bps: "3340" };

describe("A2: dust accounts cannot veto at the implementation stage (approval weighed by power)", () => {
  afterEach(checkInvariants);

  it("6 dust yes voters who never approve cannot hold back 5 honest yes voters (50% of supply)", async () => {
    const c = track(await GovChain.create({ balances: WITH_DUST, rules: V2 }));
    const honest = [1, 2, 3, 4, 5];
    const id = await toReview(c, PARAM, {
      votes: [...honest, ...DUST].map((n) => [n, "yes"] as [number, "yes"]),
    });
    const p0 = await proposal(c, id);
    assert.equal(p0.tally.yes, 5n * M + 6n);
    assert.equal(p0.tally.voters, 11n);
    assert.equal(p0.tally.heads, 5n, "dust voters are no heads");
    await toImplementation(c, id);
    // Under v1: required = ceil(5,000 x 11 / 10,000) = 6 heads > 5 honest: rejected.
    for (const n of [1, 2, 3]) await c.submit(key(n), tx.implement(id, true));
    await c.nextBlock();
    // 3 x 10^14 x 10,000 >= 5,000 x (5 x 10^14 + 6): queued with 3 of 11 heads.
    const p = await expectStatus(c, id, "queued");
    assert.deepEqual(p.implementation, {
      approvals: 3n,
      rejections: 0n,
      approvePower: 3n * M,
      rejectPower: 0n,
    });
    // The dust accounts can still cast their (worthless) vote: nothing changes.
    assert.equal((await c.check(key(10), tx.implement(id, false))).code, GovErrorCode.NOT_IN_IMPLEMENTATION);
  });

  it("the dust's power counts: approving power one unit short of half the yes power is not enough", async () => {
    // yes = 2 x 10^14 + 1 (dev:1, dev:2 and one dust; dev:3, dev:4 abstain for the quorum):
    // dev:1 approving 10^14 < 10^14 + 0.5; with the dust's 1 unit, 10^14 + 1 is enough.
    const c = track(await GovChain.create({ balances: WITH_DUST, rules: V2 }));
    const id = await toReview(c, PARAM, {
      votes: [
        [1, "yes"],
        [2, "yes"],
        [10, "yes"],
        [3, "abstain"],
        [4, "abstain"],
      ],
    });
    await toImplementation(c, id);
    await c.send(key(1), tx.implement(id, true));
    const p = await expectStatus(c, id, "implementation_vote");
    assert.equal(implementationApproved(p), false);
    await c.send(key(10), tx.implement(id, true));
    assert.equal((await expectStatus(c, id, "queued")).implementation.approvePower, M + 1n);
  });

  it("at the v2 max bound (implementation_approval_bps 9,000) one dust yes voter is no veto", async () => {
    const c = track(
      await GovChain.create({ balances: WITH_DUST, rules: { ...V2, implementation_approval_bps: "9000" } }),
    );
    const id = await toReview(c, PARAM, {
      votes: [
        [1, "yes"],
        [2, "yes"],
        [3, "yes"],
        [10, "yes"],
        [4, "abstain"],
      ],
    });
    await toImplementation(c, id);
    for (const n of [1, 2]) await c.submit(key(n), tx.implement(id, true));
    await c.nextBlock();
    // 2/3 of the yes power < 90%.
    await expectStatus(c, id, "implementation_vote");
    await c.send(key(3), tx.implement(id, true));
    // 3 x 10^14 x 10,000 >= 9,000 x (3 x 10^14 + 1); the dust never approved.
    await expectStatus(c, id, "queued");
  });
});

describe("A7: one holder at the cap plus dust accounts cannot pass anything under the v2 defaults", () => {
  afterEach(checkInvariants);

  it("a 21.7% holder and 3 dust accounts vote a treasury drain: no quorum, and only one head", async () => {
    // dev:1 holds 2,170,000 XAI of 10,000,000.000003 XAI (21.7%): counted at the 20% cap.
    const balances = [M, 2_170_000n * XAI, M, M, M, M, M, M, 829_999n * XAI, XAI, 1n, 1n, 1n];
    const c = track(await GovChain.create({ balances, rules: V2 }));
    const id = await propose(c, 1, action.treasury(key(1).address, (10_000_000n * XAI).toString(), "mine"));
    await castVotes(c, id, [
      [1, "yes"],
      [10, "yes"],
      [11, "yes"],
      [12, "yes"],
    ]);
    const p0 = await proposal(c, id);
    const supply = 10_000_000n * XAI + 3n;
    assert.equal(p0.snapshotSupply, supply);
    assert.equal(p0.powerCap, (2_000n * supply) / 10_000n);
    assert.equal(p0.participantFloor, (10n * supply + 9_999n) / 10_000n);
    assert.deepEqual(p0.tally, {
      yes: p0.powerCap + 3n,
      no: 0n,
      abstain: 0n,
      voters: 4n,
      yesVoters: 4n,
      heads: 1n,
    });
    await c.runToHeight(p0.votingEnd);
    const p = await expectStatus(c, id, "rejected");
    assert.equal(p.failureCode, "no_quorum");
    assert.equal(p.depositState, "burned");
    assert.equal((await c.check(key(10), tx.review(id, true))).code, GovErrorCode.NOT_IN_REVIEW);
  });

  it("even with quorum met by honest voters, dust reviewers are refused and cannot make up min_code_reviewers", async () => {
    const c = track(await GovChain.create({ balances: WITH_DUST, rules: V2 }));
    const id = await toReview(c, PARAM, {
      votes: [
        [1, "yes"],
        [2, "yes"],
        [3, "yes"],
        [4, "yes"],
      ],
    });
    const before = await proposal(c, id);
    for (const n of [10, 11])
      assert.equal((await c.check(key(n), tx.review(id, true))).code, GovErrorCode.BELOW_PARTICIPANT_FLOOR);
    // One real reviewer is not enough (min_code_reviewers 2): rejected at review_end.
    await c.send(key(5), tx.review(id, true));
    const mid = await proposal(c, id);
    assert.deepEqual(mid.review, {
      ...before.review,
      reviewers: 1n,
      approvals: 1n,
      approvePower: M,
      totalPower: M,
    });
    await c.runToHeight(mid.reviewEnd);
    assert.equal((await expectStatus(c, id, "rejected")).failureCode, "review_not_approved");
  });

  it("the floor is rounded up: one unit below is no head, at it is", async () => {
    // supply 10,000,000 XAI + 6 units: floor = ceil(10 x supply / 10,000) = 10,000 XAI + 1 unit.
    const floorBalances = [...Array.from({ length: 10 }, () => M)];
    floorBalances[8] = M - (10_000n * XAI + 1n) - 10_000n * XAI + 6n;
    floorBalances.push(10_000n * XAI, 10_000n * XAI + 1n);
    const c = track(await GovChain.create({ balances: floorBalances, rules: V2 }));
    const id = await propose(c, 0, PARAM);
    const p = await proposal(c, id);
    assert.equal(p.snapshotSupply, 10_000_000n * XAI + 6n);
    assert.equal(p.participantFloor, 10_000n * XAI + 1n);
    await castVotes(c, id, [
      [10, "yes"],
      [11, "yes"],
    ]);
    const t = (await proposal(c, id)).tally;
    assert.deepEqual([t.voters, t.heads], [2n, 1n]);
  });
});
