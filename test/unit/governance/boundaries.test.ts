import assert from "node:assert/strict";
import { isXaiError } from "../../../src/errors.js";
import { GovErrorCode } from "../../../src/governance/errors.js";
import { checkExecutable } from "../../../src/governance/execution.js";
import { votes } from "../../../src/governance/store.js";
import { implementationRequiredPower } from "../../../src/governance/tally.js";
import type { Proposal } from "../../../src/governance/types.js";
import { powerCap } from "../../../src/governance/votingPower.js";
import { getSupplyCounter } from "../../../src/state-transition/accounts.js";
import { action, GovChain, key, tx } from "../../utils/govChain.js";
import {
  castVotes,
  checkInvariants,
  expectStatus,
  passToQueued,
  proposal,
  propose,
  toImplementation,
  toReview,
  track,
} from "../../utils/govFlow.js";

const PARAM = action.param("max_block_txs", "500");
const NO_DEPOSIT = { proposal_deposit: "0" };

/** A chain whose only holders are dev:0 … dev:N-1 with these balances (supply = their sum). */
async function chainWith(balances: bigint[], rules: Record<string, string> = {}): Promise<GovChain> {
  return track(await GovChain.create({ balances, rules: { ...NO_DEPOSIT, ...rules } }));
}

async function votingOutcome(
  balances: bigint[],
  votes: Array<[number, "yes" | "no" | "abstain"]>,
  deposit = 0n,
) {
  const c = await chainWith(balances);
  const id = await propose(c, 0, PARAM, { deposit });
  await castVotes(c, id, votes);
  await c.runToHeight((await proposal(c, id)).votingEnd);
  return { c, p: await proposal(c, id) };
}

describe("governance: exact boundaries", () => {
  afterEach(checkInvariants);

  describe("approval_bps (6600): yes x 10,000 >= approval_bps x (yes + no)", () => {
    const votes: Array<[number, "yes" | "no" | "abstain"]> = [
      [1, "yes"],
      [2, "no"],
      [3, "abstain"],
    ];
    it("exactly 66.00% yes passes", async () => {
      const { p } = await votingOutcome([0n, 6600n, 3400n, 10000n, 10000n, 10000n], votes);
      assert.equal(p.tally.yes, 6600n);
      assert.equal(p.tally.no, 3400n);
      assert.equal(p.status, "code_review");
    });
    it("one unit less fails", async () => {
      const { p } = await votingOutcome([0n, 6599n, 3400n, 10000n, 10000n, 10000n], votes);
      assert.equal(p.status, "rejected");
      assert.equal(p.failureCode, "not_approved");
    });
  });

  describe("quorum_bps (3340, the v2 default): participation x 10,000 >= quorum_bps x snapshot supply", () => {
    const yes3: Array<[number, "yes"]> = [
      [1, "yes"],
      [2, "yes"],
      [3, "yes"],
    ];
    // dev:0 proposes (1,000), dev:1-3 vote yes, dev:4-6 hold the rest; each voter below the 20 % cap.
    it("participation of exactly 33.40% of supply 100,000 reaches quorum: deposit refunded", async () => {
      const { c, p } = await votingOutcome(
        [1000n, 11134n, 11133n, 11133n, 20000n, 20000n, 25600n],
        yes3,
        100n,
      );
      assert.equal(p.snapshotSupply, 100000n);
      assert.equal(p.tally.yes, 33400n);
      assert.equal(p.status, "code_review");
      assert.equal(p.depositState, "refunded");
      assert.equal(await getSupplyCounter(c.state, "burned"), 0n);
    });
    it("one unit less (33,399 of 99,999) misses quorum: rejected, deposit burned", async () => {
      const { c, p } = await votingOutcome(
        [1000n, 11134n, 11133n, 11132n, 20000n, 20000n, 25600n],
        yes3,
        100n,
      );
      assert.equal(p.snapshotSupply, 99999n);
      assert.equal(p.tally.yes, 33399n);
      assert.equal(p.status, "rejected");
      assert.equal(p.failureCode, "no_quorum");
      assert.equal(p.depositState, "burned");
      assert.equal(await getSupplyCounter(c.state, "burned"), 100n);
    });
    it("rounding: 33,400 of 99,999 (33,399.67 needed, rounded up to 33,400) reaches quorum", async () => {
      const { p } = await votingOutcome([1000n, 11134n, 11133n, 11133n, 20000n, 20000n, 25599n], yes3);
      assert.equal(p.snapshotSupply, 99999n);
      assert.equal(p.tally.yes, 33400n);
      assert.equal(p.status, "code_review");
    });
  });

  it("max_individual_power_bps: the cap binds at exactly its value", async () => {
    const { c, p } = await votingOutcome(
      [0n, 20000n, 20001n, 19999n, 20000n, 20000n],
      [
        [1, "yes"],
        [2, "yes"],
        [3, "yes"],
      ],
    );
    assert.equal(p.snapshotSupply, 100000n);
    assert.equal(p.powerCap, 20000n);
    const counted = await Promise.all([1, 2, 3].map((n) => votes.get(c.state, [p.number, key(n).address])));
    assert.deepEqual(
      counted.map((v) => [v?.power, v?.counted]),
      [
        [20000n, 20000n],
        [20001n, 20000n],
        [19999n, 19999n],
      ],
    );
    assert.equal(p.tally.yes, 59999n);
  });

  it("the cap rounds down: floor(2000 x 100,004 / 10,000) = 20,000", () => {
    assert.equal(powerCap(100_004n, 2000n), 20000n);
    assert.equal(powerCap(100_005n, 2000n), 20001n);
  });

  describe("review_approval_bps (6600): approving power x 10,000 >= bps x total review power", () => {
    async function review(approving: bigint): Promise<string> {
      const c = await chainWith([0n, 10000n, 10000n, 10000n, approving, 3400n]);
      const id = await toReview(c, PARAM, { deposit: 0n });
      await c.submit(key(4), tx.review(id, true));
      await c.submit(key(5), tx.review(id, false));
      await c.nextBlock();
      await c.runToHeight((await proposal(c, id)).reviewEnd);
      return (await proposal(c, id)).status;
    }
    it("exactly 66% approving power passes", async () => {
      assert.equal(await review(6600n), "implementation_vote");
    });
    it("one unit less fails", async () => {
      assert.equal(await review(6599n), "rejected");
    });
  });

  describe("implementation requirement = max(1, ceil(bps x yes power / 10,000)) (v2: power)", () => {
    it("table of values; never zero", () => {
      const cases: Array<[bigint, bigint, bigint]> = [
        [5000n, 3n, 2n],
        [5000n, 4n, 2n],
        [5000n, 5n, 3n],
        [6666n, 3n, 2n],
        [6667n, 3n, 3n],
        [10000n, 3n, 3n],
        [1n, 3n, 1n],
        [1n, 1n, 1n],
        [1n, 0n, 1n],
        [5000n, 300_000_000_000_001n, 150_000_000_000_001n],
      ];
      for (const [bps, yes, required] of cases) {
        const p = { rules: { implementation_approval_bps: bps }, tally: { yes } } as unknown as Proposal;
        assert.equal(implementationRequiredPower(p), required, `${bps} bps of ${yes}`);
      }
    });

    it("4 yes voters at 5000 bps: the first approval is not enough, the second queues", async () => {
      const c = track(await GovChain.create());
      const id = await toReview(c, PARAM);
      await toImplementation(c, id);
      assert.equal(implementationRequiredPower(await proposal(c, id)), 200_000_000_000_000n);
      await c.send(key(3), tx.implement(id, true));
      await expectStatus(c, id, "implementation_vote");
      await c.send(key(1), tx.implement(id, true));
      await expectStatus(c, id, "queued");
    });

    it("at 1,000 bps (the v2 lower bound) one approval of 4 yes voters suffices (10^14 >= 4 x 10^13)", async () => {
      const c = track(await GovChain.create({ rules: { implementation_approval_bps: "1000" } }));
      const id = await toReview(c, PARAM);
      await toImplementation(c, id);
      assert.equal(implementationRequiredPower(await proposal(c, id)), 40_000_000_000_000n);
      await expectStatus(c, id, "implementation_vote");
      await c.send(key(2), tx.implement(id, true));
      await expectStatus(c, id, "queued");
    });
  });

  it("execution: eta-1 refused (GOV_TIMELOCK_ACTIVE), eta and eta+grace accepted, after that expired", async () => {
    const c = track(await GovChain.create());
    const id = await passToQueued(c, PARAM);
    const { eta } = await proposal(c, id);
    await c.runToHeight(eta - 2);
    assert.equal((await c.check(key(9), tx.execute(id))).code, "GOV_TIMELOCK_ACTIVE");
    await c.runToHeight(eta - 1);
    const atEta = track(c.fork());
    assert.equal((await atEta.send(key(9), tx.execute(id))).outcome.result, "ok");
    assert.equal(atEta.height, eta);
    await expectStatus(atEta, id, "executed");
    await c.runToHeight(eta + 20 - 1);
    const atEnd = track(c.fork());
    assert.equal((await atEnd.send(key(9), tx.execute(id))).outcome.result, "ok");
    assert.equal(atEnd.height, eta + 20);
    await c.nextBlock();
    await expectStatus(c, id, "expired");
    assert.equal((await c.check(key(9), tx.execute(id))).code, "GOV_NOT_QUEUED");
  });

  it("checkExecutable: GOV_EXECUTION_WINDOW_PASSED after eta + grace even if still queued", async () => {
    const c = track(await GovChain.create());
    const id = await passToQueued(c, PARAM);
    const p = await proposal(c, id);
    const code = (h: number) => {
      try {
        checkExecutable(p, h);
        return "ok";
      } catch (err) {
        return isXaiError(err) ? err.code : "other";
      }
    };
    assert.equal(code(p.eta - 1), GovErrorCode.TIMELOCK_ACTIVE);
    assert.equal(code(p.eta), "ok");
    assert.equal(code(p.eta + 20), "ok");
    assert.equal(code(p.eta + 21), GovErrorCode.EXECUTION_WINDOW_PASSED);
  });

  it("votes: accepted at voting_end, refused after; reviews only in voting_end < h <= review_end", async () => {
    const c = track(await GovChain.create());
    const id = await propose(c, 0, PARAM);
    await castVotes(c, id, [
      [1, "yes"],
      [2, "yes"],
      [6, "yes"],
    ]);
    const p = await proposal(c, id);
    await c.runToHeight(p.votingEnd - 1);
    assert.equal((await c.check(key(4), tx.review(id, true))).code, "GOV_NOT_IN_REVIEW");
    assert.equal((await c.send(key(3), tx.vote(id, "yes"))).block.height, p.votingEnd);
    await expectStatus(c, id, "code_review");
    assert.equal((await c.check(key(4), tx.vote(id, "yes"))).code, "GOV_VOTING_CLOSED");
    await c.runToHeight(p.reviewEnd - 1);
    await c.send(key(4), tx.review(id, true));
    assert.equal(c.height, p.reviewEnd);
    assert.equal((await c.check(key(5), tx.review(id, true))).code, "GOV_NOT_IN_REVIEW");
  });
});
