/**
 * Regression tests of review U5 (the emergency track acts in time), A6 (rollback conflicts per
 * write, not per height) and the deposit bound of A4 (proposal_deposit <= 0.1 % of the
 * circulating supply, checked against state at submission and at execution).
 */
import assert from "node:assert/strict";
import { DEPOSIT_ESCROW_ADDRESS } from "../../../src/config/addresses.js";
import { registryEntry } from "../../../src/config/registry.js";
import { GovErrorCode } from "../../../src/governance/errors.js";
import { circulatingSupply } from "../../../src/governance/escrow.js";
import { getActiveCount } from "../../../src/governance/store.js";
import { getAccount, getSupplyCounter } from "../../../src/state-transition/accounts.js";
import { getParam, getRule } from "../../../src/state-transition/params.js";
import type { ProposalAction } from "../../../src/types/tx.js";
import { action, GovChain, key, tx } from "../../utils/govChain.js";
import {
  castVotes,
  checkInvariants,
  executeAtEta,
  expectStatus,
  passAndExecute,
  passToQueued,
  proposal,
  propose,
  toImplementation,
  toReview,
  track,
  YES4,
} from "../../utils/govFlow.js";

const XAI = 100_000_000n;
const DEPOSIT = 10n * XAI;

/** The dev preset's stage rules (the registry defaults): stages 20, emergency stages 5, timelock 10 / 3. */
const DEV_STAGES: Record<string, string> = Object.fromEntries(
  [
    "voting_period_blocks",
    "review_period_blocks",
    "implementation_period_blocks",
    "emergency_period_blocks",
    "timelock_blocks",
    "emergency_timelock_blocks",
    "execution_grace_blocks",
  ].map((n) => [n, registryEntry("rule", n)!.default]),
);

/** Submits `actions` (proposer dev:i for the i-th) in one block, then takes them to `queued` together. */
async function queueTogether(c: GovChain, actions: ProposalAction[]): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, a] of actions.entries()) {
    ids.push((await c.submitProposal(key(i), tx.propose(a))).id);
  }
  await c.nextBlock();
  for (const id of ids) for (const [n, o] of YES4) await c.submit(key(n), tx.vote(id, o));
  await c.nextBlock();
  await c.runToHeight((await proposal(c, ids[0]!)).votingEnd);
  for (const id of ids) for (const n of [5, 6]) await c.submit(key(n), tx.review(id, true));
  await c.nextBlock();
  await c.runToHeight((await proposal(c, ids[0]!)).reviewEnd);
  for (const id of ids) for (const n of [1, 2]) await c.submit(key(n), tx.implement(id, true));
  await c.nextBlock();
  for (const id of ids) await expectStatus(c, id, "queued");
  return ids;
}

/** Executes every id in one block at the first eta; asserts each succeeded. */
async function executeTogether(c: GovChain, ids: string[]): Promise<void> {
  await c.runToHeight((await proposal(c, ids[0]!)).eta - 1);
  for (const id of ids) await c.submit(key(9), tx.execute(id));
  const b = await c.nextBlock();
  assert.deepEqual(
    b.receipts.map((r) => r.result),
    ids.map(() => "ok"),
  );
}

describe("governance: v2 emergency track, rollback conflicts, deposit bound", () => {
  afterEach(checkInvariants);

  describe("U5: an emergency cancel_proposal overtakes the regular proposal it targets", () => {
    it("with dev-preset periods, a cancel submitted once the target is in code_review cancels it before it can execute", async () => {
      const c = track(await GovChain.create({ rules: DEV_STAGES }));
      const target = await toReview(c, action.param("max_block_txs", "300"));
      const t = await proposal(c, target);
      assert.equal(t.votingEnd, t.submitHeight + 20);
      // The target is now in code_review; it would queue at review_end + 1 and execute at + 10.
      const earliestTargetExecution = t.reviewEnd + 1 + 10;
      const cancel = await propose(c, 7, action.emergency("cancel_proposal", target));
      const e = await proposal(c, cancel);
      // Emergency stages: 5 blocks each (v1: the full 20 of each regular stage).
      assert.deepEqual(
        [e.votingEnd - e.submitHeight, e.reviewEnd - e.votingEnd, e.implementationEnd - e.reviewEnd],
        [5, 5, 5],
      );
      await castVotes(
        c,
        cancel,
        [1, 2, 3, 4, 5, 6, 7, 8].map((n) => [n, "yes"] as [number, "yes"]),
      );
      await c.runToHeight(e.votingEnd);
      await toImplementation(c, cancel, [
        [8, true],
        [9, true],
      ]);
      for (const n of [1, 2, 3, 4]) await c.submit(key(n), tx.implement(cancel, true));
      await c.nextBlock();
      const queued = await expectStatus(c, cancel, "queued");
      assert.equal((await executeAtEta(c, cancel)).result, "ok");
      assert.ok(c.height < earliestTargetExecution, `${c.height} < ${earliestTargetExecution}`);
      const cancelled = await expectStatus(c, target, "cancelled");
      assert.equal(cancelled.cancelledBy, cancel);
      assert.equal(queued.eta, c.height);
      // The target never executes: no review, implementation vote or execution is accepted any more.
      assert.equal((await c.check(key(5), tx.review(target, true))).code, GovErrorCode.NOT_IN_REVIEW);
      await c.runToHeight(earliestTargetExecution);
      assert.equal((await c.check(key(9), tx.execute(target))).code, GovErrorCode.NOT_QUEUED);
      assert.equal(await getParam(c.state, "max_block_txs"), 2000n);
    });

    const STAGES = ["voting", "code_review", "implementation_vote", "queued"] as const;
    for (const stage of STAGES)
      it(`cancels a target in ${stage}: removed from its queue, active count released, deposit decided`, async () => {
        const c = track(await GovChain.create({ rules: { ...DEV_STAGES, emergency_period_blocks: "2" } }));
        const a = action.param("max_block_txs", "300");
        let target: string;
        if (stage === "voting") target = await propose(c, 0, a);
        else if (stage === "code_review") target = await toReview(c, a);
        else if (stage === "implementation_vote") {
          target = await toReview(c, a);
          await toImplementation(c, target);
        } else target = await passToQueued(c, a);
        const burned0 = await getSupplyCounter(c.state, "burned");
        const proposerBalance = (await getAccount(c.state, key(0).address)).balance;
        const cancel = await passAndExecute(c, action.emergency("cancel_proposal", target), { proposer: 8 });
        const t = await expectStatus(c, target, "cancelled");
        assert.equal(t.cancelledBy, cancel);
        const r = await proposal(c, cancel);
        assert.deepEqual(r.execution?.changes, [
          { space: "status", key: target, before: stage, after: "cancelled" },
        ]);
        assert.equal(await getActiveCount(c.state, key(0).address), 0n);
        assert.equal((await getAccount(c.state, DEPOSIT_ESCROW_ADDRESS)).balance, 0n);
        // In voting the held deposit is burned (as a proposer's own cancellation); later stages
        // were refunded when their voting reached quorum, and stay so.
        assert.equal(t.depositState, stage === "voting" ? "burned" : "refunded");
        assert.equal(
          (await getSupplyCounter(c.state, "burned")) - burned0,
          stage === "voting" ? DEPOSIT : 0n,
        );
        assert.equal((await getAccount(c.state, key(0).address)).balance, proposerBalance);
        // Whatever queue it was in, its end-of-block step never runs: the status stays cancelled.
        await c.runToHeight(t.implementationEnd + 40);
        await expectStatus(c, target, "cancelled");
        assert.equal(await getParam(c.state, "max_block_txs"), 2000n);
      });

    it("a target that is already terminal or executed is refused at submission (GOV_NOT_CANCELLABLE), state unchanged", async () => {
      const c = track(await GovChain.create());
      const done = await passAndExecute(c, action.param("max_block_txs", "300"));
      const root = c.rootHex;
      assert.equal(
        (await c.check(key(0), tx.propose(action.emergency("cancel_proposal", done)))).code,
        GovErrorCode.NOT_CANCELLABLE,
      );
      assert.equal(c.rootHex, root);
    });
  });

  describe("A6: rollback conflicts are per write, not per height", () => {
    // A: max_block_txs 2000 → 600, B: 600 → 700, C: 700 → 600.
    const A = action.param("max_block_txs", "600");
    const B = action.param("max_block_txs", "700");
    const C = action.param("max_block_txs", "600");

    it("A → B → A in one block: the rollback of A now fails with GOV_ROLLBACK_CONFLICT, nothing restored", async () => {
      const c = track(await GovChain.create());
      const [a, b, cc] = await queueTogether(c, [A, B, C]);
      await executeTogether(c, [a!, b!, cc!]);
      assert.equal(await getParam(c.state, "max_block_txs"), 600n);
      const rollback = await passToQueued(c, action.rollback(a!));
      const o = await executeAtEta(c, rollback);
      assert.equal(o.result, "failed");
      assert.equal(o.errorCode, GovErrorCode.ROLLBACK_CONFLICT);
      assert.equal(await getParam(c.state, "max_block_txs"), 600n);
      await expectStatus(c, a!, "executed");
      assert.equal((await proposal(c, rollback)).status, "failed");
    });

    it("next-block control: B and C one block after A also make the rollback fail", async () => {
      const c = track(await GovChain.create());
      const [a, b, cc] = await queueTogether(c, [A, B, C]);
      await executeTogether(c, [a!]);
      await executeTogether(c, [b!, cc!]);
      assert.equal(await getParam(c.state, "max_block_txs"), 600n);
      const o = await executeAtEta(c, await passToQueued(c, action.rollback(a!)));
      assert.equal(o.errorCode, GovErrorCode.ROLLBACK_CONFLICT);
      assert.equal(await getParam(c.state, "max_block_txs"), 600n);
    });

    it("a clean rollback still works (and another key written in the same block does not conflict)", async () => {
      const c = track(await GovChain.create());
      const [a, other] = await queueTogether(c, [A, action.param("max_tx_bytes", "1024")]);
      await executeTogether(c, [a!, other!]);
      const o = await executeAtEta(c, await passToQueued(c, action.rollback(a!)));
      assert.equal(o.result, "ok");
      assert.equal(await getParam(c.state, "max_block_txs"), 2000n);
      assert.equal(await getParam(c.state, "max_tx_bytes"), 1024n);
      await expectStatus(c, a!, "rolled_back");
    });
  });

  describe("A7 (quorum vs cap): quorum_bps > max_individual_power_bps", () => {
    it("under the defaults one holder at the cap plus three dust accounts no longer reach quorum", async () => {
      // Supply 100,000: dev:1 holds 21.7 % (counted 20,000, the cap), dev:2-4 one unit each.
      const c = track(
        await GovChain.create({
          balances: [15000n, 21700n, 1n, 1n, 1n, 15000n, 15000n, 15000n, 15000n, 3297n],
          rules: { proposal_deposit: "0" },
        }),
      );
      const drain = await propose(c, 1, action.treasury(key(1).address, "1000"), { deposit: 0n });
      await castVotes(c, drain, [
        [1, "yes"],
        [2, "yes"],
        [3, "yes"],
        [4, "yes"],
      ]);
      const p = await proposal(c, drain);
      await c.runToHeight(p.votingEnd);
      const r = await expectStatus(c, drain, "rejected");
      assert.equal(r.snapshotSupply, 100000n);
      assert.equal(r.tally.yes, 20003n); // v1: 20003 x 10,000 >= 2,000 x 100,000 passed
      assert.equal(r.failureCode, "no_quorum");
    });
  });

  describe("A4: proposal_deposit <= 0.1 % of the circulating supply (total - treasury - escrow)", () => {
    // Ten dev accounts of 1,000,000 XAI: circulating 10^15 units, 0.1 % = 10^12 (10,000 XAI).
    const LIMIT = 10n ** 12n;

    it("at submission: exactly 0.1 % is accepted, one unit more is refused; state unchanged", async () => {
      const c = track(await GovChain.create());
      assert.equal(await circulatingSupply(c.state), 10n ** 15n);
      const root = c.rootHex;
      const refused = await c.check(
        key(0),
        tx.propose(action.rule("proposal_deposit", (LIMIT + 1n).toString())),
      );
      assert.equal(refused.code, GovErrorCode.CROSS_RULE_VIOLATION);
      assert.equal(c.rootHex, root);
      assert.equal(await getRule(c.state, "proposal_deposit"), DEPOSIT);
      await propose(c, 0, action.rule("proposal_deposit", LIMIT.toString()));
    });

    it("at submission: escrowed deposits are not circulating (one held 10 XAI deposit lowers the limit)", async () => {
      const c = track(await GovChain.create());
      await propose(c, 1, action.param("max_block_txs", "500"));
      assert.equal(await circulatingSupply(c.state), 10n ** 15n - DEPOSIT);
      const code = async (v: bigint) =>
        (await c.check(key(0), tx.propose(action.rule("proposal_deposit", v.toString())))).code;
      assert.equal(await code(LIMIT), GovErrorCode.CROSS_RULE_VIOLATION);
      assert.equal(await code((10n ** 15n - DEPOSIT) / 1000n), undefined);
      assert.equal(await code((10n ** 15n - DEPOSIT) / 1000n + 1n), GovErrorCode.CROSS_RULE_VIOLATION);
    });

    it("at execution: a supply that shrank since (a burned deposit) makes the execution fail; nothing applies", async () => {
      const c = track(await GovChain.create());
      const raise = (
        await c.submitProposal(key(0), tx.propose(action.rule("proposal_deposit", LIMIT.toString())))
      ).id;
      const dud = (await c.submitProposal(key(1), tx.propose(action.param("max_block_txs", "500")))).id;
      await c.nextBlock();
      await castVotes(c, raise, YES4);
      await c.runToHeight((await proposal(c, raise)).votingEnd);
      await expectStatus(c, dud, "rejected"); // no votes: no quorum, its 10 XAI burned
      assert.equal(await circulatingSupply(c.state), 10n ** 15n - DEPOSIT);
      await toImplementation(c, raise);
      for (const n of [1, 2]) await c.submit(key(n), tx.implement(raise, true));
      await c.nextBlock();
      const o = await executeAtEta(c, raise);
      assert.equal(o.result, "failed");
      assert.equal(o.errorCode, GovErrorCode.CROSS_RULE_VIOLATION);
      assert.equal(await getRule(c.state, "proposal_deposit"), DEPOSIT);
    });
  });
});
