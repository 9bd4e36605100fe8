import assert from "node:assert/strict";
import { DEPOSIT_ESCROW_ADDRESS, TREASURY_ADDRESS } from "../../../src/config/addresses.js";
import { history } from "../../../src/governance/queries.js";
import { getAccount, getSupplyCounter } from "../../../src/state-transition/accounts.js";
import { getParam, getRule } from "../../../src/state-transition/params.js";
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
} from "../../utils/govFlow.js";

const XAI = 100_000_000n;
const DEPOSIT = 10n * XAI;

describe("governance: every terminal status", () => {
  afterEach(checkInvariants);

  describe("rejected at the end of voting", () => {
    it("without quorum: rejected, deposit burned", async () => {
      const c = track(await GovChain.create());
      const burned0 = await getSupplyCounter(c.state, "burned");
      const id = await propose(c, 0, action.param("max_block_txs", "500"));
      // 1 of 10 equal holders: 10% participation < 33.4% quorum.
      await castVotes(c, id, [[1, "yes"]]);
      await c.runToHeight((await proposal(c, id)).votingEnd);
      const p = await expectStatus(c, id, "rejected");
      assert.equal(p.failureCode, "no_quorum");
      assert.equal(p.depositState, "burned");
      assert.equal((await getSupplyCounter(c.state, "burned")) - burned0, DEPOSIT);
      assert.equal((await getAccount(c.state, DEPOSIT_ESCROW_ADDRESS)).balance, 0n);
    });

    it("with quorum but fewer than min_voters: rejected, deposit refunded", async () => {
      const c = track(await GovChain.create({ rules: { min_voters: "5" } }));
      const id = await propose(c, 0, action.param("max_block_txs", "500"));
      const afterSubmit = (await getAccount(c.state, key(0).address)).balance;
      await castVotes(c, id, [
        [1, "yes"],
        [2, "yes"],
        [3, "yes"],
        [4, "yes"],
      ]);
      await c.runToHeight((await proposal(c, id)).votingEnd);
      const p = await expectStatus(c, id, "rejected");
      assert.equal(p.failureCode, "too_few_voters");
      assert.equal(p.depositState, "refunded");
      assert.equal((await getAccount(c.state, key(0).address)).balance, afterSubmit + DEPOSIT);
    });

    it("with quorum and voters but below approval: rejected", async () => {
      const c = track(await GovChain.create());
      const id = await propose(c, 0, action.param("max_block_txs", "500"));
      await castVotes(c, id, [
        [1, "yes"],
        [2, "no"],
        [3, "abstain"],
        [4, "abstain"],
      ]);
      await c.runToHeight((await proposal(c, id)).votingEnd);
      assert.equal((await expectStatus(c, id, "rejected")).failureCode, "not_approved");
    });

    it("abstain-only participation reaches quorum but not approval (yes must be > 0)", async () => {
      const c = track(await GovChain.create());
      const id = await propose(c, 0, action.param("max_block_txs", "500"));
      await castVotes(c, id, [
        [1, "abstain"],
        [2, "abstain"],
        [3, "abstain"],
        [4, "abstain"],
      ]);
      await c.runToHeight((await proposal(c, id)).votingEnd);
      const p = await expectStatus(c, id, "rejected");
      assert.equal(p.failureCode, "not_approved");
      assert.equal(p.depositState, "refunded");
    });

    it("an emergency action needs emergency_approval_bps (7500), not approval_bps (6600)", async () => {
      const c = track(await GovChain.create());
      // 7 yes, 3 no = 70%: enough for a normal proposal, not for an emergency one.
      const votes: Array<[number, "yes" | "no"]> = [1, 2, 3, 4, 5, 6, 7].map((n) => [n, "yes"]);
      votes.push([8, "no"], [9, "no"], [0, "no"]);
      const normal = await propose(c, 0, action.param("max_block_txs", "500"));
      const emergency = await propose(c, 0, action.emergency("pause_transfers"));
      await castVotes(c, normal, votes);
      await castVotes(c, emergency, votes);
      // The emergency vote ends first (emergency_period_blocks 2 < voting_period_blocks 5).
      await c.runToHeight((await proposal(c, normal)).votingEnd);
      await expectStatus(c, normal, "code_review");
      assert.equal((await expectStatus(c, emergency, "rejected")).failureCode, "not_approved");
    });
  });

  describe("rejected at the end of review", () => {
    it("fewer than min_code_reviewers", async () => {
      const c = track(await GovChain.create());
      const id = await toReview(c, action.param("max_block_txs", "500"));
      await c.send(key(4), tx.review(id, true));
      await c.runToHeight((await proposal(c, id)).reviewEnd);
      assert.equal((await expectStatus(c, id, "rejected")).failureCode, "review_not_approved");
    });

    it("approving power below review_approval_bps", async () => {
      const c = track(await GovChain.create());
      const id = await toReview(c, action.param("max_block_txs", "500"));
      await c.submit(key(4), tx.review(id, true));
      await c.submit(key(5), tx.review(id, false));
      await c.nextBlock();
      await c.runToHeight((await proposal(c, id)).reviewEnd);
      const p = await expectStatus(c, id, "rejected");
      assert.equal(p.review.reviewers, 2n);
      assert.equal(p.review.approvePower * 2n, p.review.totalPower);
    });
  });

  it("rejected at the implementation deadline when too few original yes voters approve", async () => {
    const c = track(await GovChain.create());
    const id = await toReview(c, action.param("max_block_txs", "500"));
    await toImplementation(c, id);
    // 3 equal yes voters at 5000 bps: half the yes power must approve; only 1 of 3 does, another rejects.
    await c.submit(key(1), tx.implement(id, true));
    await c.submit(key(2), tx.implement(id, false));
    await c.nextBlock();
    const p0 = await expectStatus(c, id, "implementation_vote");
    assert.equal(p0.implementation.approvePower, 100_000_000_000_000n);
    assert.equal(p0.implementation.rejectPower, 100_000_000_000_000n);
    await c.runToHeight(p0.implementationEnd - 1);
    await expectStatus(c, id, "implementation_vote");
    await c.nextBlock();
    assert.equal((await expectStatus(c, id, "rejected")).failureCode, "implementation_not_approved");
  });

  it("cancelled by the proposer in voting: deposit burned; nobody else may cancel", async () => {
    const c = track(await GovChain.create());
    const id = await propose(c, 0, action.param("max_block_txs", "500"));
    assert.equal((await c.check(key(1), tx.cancel(id))).code, "GOV_NOT_PROPOSER");
    const burned0 = await getSupplyCounter(c.state, "burned");
    await c.send(key(0), tx.cancel(id));
    const p = await expectStatus(c, id, "cancelled");
    assert.equal(p.depositState, "burned");
    assert.equal((await getSupplyCounter(c.state, "burned")) - burned0, DEPOSIT);
    assert.equal((await c.check(key(1), tx.vote(id, "yes"))).code, "GOV_VOTING_CLOSED");
    assert.equal((await c.check(key(0), tx.cancel(id))).code, "GOV_NOT_CANCELLABLE");
  });

  it("cannot be cancelled once out of voting", async () => {
    const c = track(await GovChain.create());
    const id = await toReview(c, action.param("max_block_txs", "500"));
    assert.equal((await c.check(key(0), tx.cancel(id))).code, "GOV_NOT_CANCELLABLE");
  });

  describe("failed at execution (the EXECUTE_PROPOSAL stays valid; nothing of the effect applies)", () => {
    it("treasury short at execution → failed GOV_TREASURY_SHORT", async () => {
      const c = track(await GovChain.create({ treasury: 1000n }));
      const a = await passToQueued(c, action.treasury(key(7).address, "800"));
      const b = await passToQueued(c, action.treasury(key(8).address, "800"));
      assert.equal((await executeAtEta(c, a)).result, "ok");
      const r7 = (await getAccount(c.state, key(7).address)).balance;
      const r8 = (await getAccount(c.state, key(8).address)).balance;
      const outcome = await executeAtEta(c, b);
      assert.deepEqual(outcome, {
        txId: outcome.txId,
        height: c.height,
        index: 0,
        result: "failed",
        errorCode: "GOV_TREASURY_SHORT",
        proposalId: b,
      });
      const p = await expectStatus(c, b, "failed");
      assert.equal(p.failureCode, "GOV_TREASURY_SHORT");
      assert.equal((await getAccount(c.state, TREASURY_ADDRESS)).balance, 200n);
      assert.equal((await getAccount(c.state, key(7).address)).balance, r7);
      assert.equal((await getAccount(c.state, key(8).address)).balance, r8);
      const h = await history(c.state);
      assert.deepEqual(
        h.entries.map((e) => [e.event, e.proposal_id, e.error_code]),
        [
          ["failed", b, "GOV_TREASURY_SHORT"],
          ["executed", a, null],
        ],
      );
      assert.equal((await c.check(key(9), tx.execute(b))).code, "GOV_NOT_QUEUED");
    });

    it("treasury_spending off at execution → failed GOV_TREASURY_SPENDING_DISABLED", async () => {
      const c = track(await GovChain.create());
      const off = await passToQueued(c, action.feature("treasury_spending", false));
      const grant = await passToQueued(c, action.treasury(key(7).address, "800"));
      assert.equal((await executeAtEta(c, off)).result, "ok");
      const t0 = (await getAccount(c.state, TREASURY_ADDRESS)).balance;
      const o = await executeAtEta(c, grant);
      assert.equal(o.result, "failed");
      assert.equal(o.errorCode, "GOV_TREASURY_SPENDING_DISABLED");
      assert.equal((await getAccount(c.state, TREASURY_ADDRESS)).balance, t0);
    });

    it("cross-rule violation at execution → failed GOV_CROSS_RULE_VIOLATION, value unchanged", async () => {
      const c = track(await GovChain.create());
      // Each is valid alone against the current rules; together they break emergency >= approval.
      const approval = await passToQueued(c, action.rule("approval_bps", "7000"));
      const emergency = await passToQueued(c, action.rule("emergency_approval_bps", "6800"));
      assert.equal((await executeAtEta(c, approval)).result, "ok");
      const o = await executeAtEta(c, emergency);
      assert.equal(o.errorCode, "GOV_CROSS_RULE_VIOLATION");
      assert.equal(await getRule(c.state, "emergency_approval_bps"), 7500n);
      await expectStatus(c, emergency, "failed");
    });

    it("cancel_proposal whose target executed meanwhile → failed GOV_NOT_CANCELLABLE", async () => {
      const c = track(await GovChain.create());
      const target = await passToQueued(c, action.param("max_block_txs", "300"));
      const cancel = await passToQueued(c, action.emergency("cancel_proposal", target));
      assert.equal((await executeAtEta(c, target)).result, "ok");
      const o = await executeAtEta(c, cancel);
      assert.equal(o.errorCode, "GOV_NOT_CANCELLABLE");
      await expectStatus(c, target, "executed");
      await expectStatus(c, cancel, "failed");
    });

    it("rollback whose key changed since → failed GOV_ROLLBACK_CONFLICT; nothing restored", async () => {
      const c = track(await GovChain.create());
      const first = await passAndExecute(c, action.param("max_block_txs", "500"));
      const rollback = await passToQueued(c, action.rollback(first));
      await passAndExecute(c, action.param("max_block_txs", "700"));
      const o = await executeAtEta(c, rollback);
      assert.equal(o.errorCode, "GOV_ROLLBACK_CONFLICT");
      assert.equal(await getParam(c.state, "max_block_txs"), 700n);
      await expectStatus(c, first, "executed");
      await expectStatus(c, rollback, "failed");
    });

    it("a second rollback of the same target fails: the target is already rolled back", async () => {
      const c = track(await GovChain.create());
      const target = await passAndExecute(c, action.param("max_block_txs", "500"));
      const r1 = await passToQueued(c, action.rollback(target));
      const r2 = await passToQueued(c, action.rollback(target));
      assert.equal((await executeAtEta(c, r1)).result, "ok");
      assert.equal((await executeAtEta(c, r2)).errorCode, "GOV_ROLLBACK_NOT_ALLOWED");
      await expectStatus(c, target, "rolled_back");
    });
  });

  it("expired when not executed by the end of block eta + execution_grace_blocks", async () => {
    const c = track(await GovChain.create());
    const id = await passToQueued(c, action.param("max_block_txs", "500"));
    const p = await proposal(c, id);
    await c.runToHeight(p.eta + 20 - 1);
    await expectStatus(c, id, "queued");
    const b = await c.nextBlock();
    await expectStatus(c, id, "expired");
    assert.ok(b.events.some((e) => e.type === "proposal_expired" && e.attributes.proposal_id === id));
    assert.equal(await getParam(c.state, "max_block_txs"), 2000n);
    const h = await history(c.state);
    assert.deepEqual(h.entries[0], {
      seq: 1,
      height: p.eta + 20,
      tx_id: null,
      event: "expired",
      proposal_id: id,
      number: p.number,
      kind: "protocol_parameter",
      error_code: null,
      target: null,
      changes: [],
    });
  });

  it("rolled_back is terminal: a rolled back proposal cannot be rolled back again or executed", async () => {
    const c = track(await GovChain.create());
    const target = await passAndExecute(c, action.param("max_block_txs", "500"));
    await passAndExecute(c, action.rollback(target));
    await expectStatus(c, target, "rolled_back");
    assert.equal(
      (await c.check(key(0), tx.propose(action.rollback(target)))).code,
      "GOV_ROLLBACK_NOT_ALLOWED",
    );
    assert.equal((await c.check(key(9), tx.execute(target))).code, "GOV_NOT_QUEUED");
  });

  it("implementation approvals move to queued within the same transaction", async () => {
    const c = track(await GovChain.create());
    const id = await toReview(c, action.param("max_block_txs", "500"));
    await toImplementation(c, id);
    await c.send(key(1), tx.implement(id, true));
    await expectStatus(c, id, "implementation_vote");
    const r = await c.send(key(2), tx.implement(id, true));
    const p = await expectStatus(c, id, "queued");
    assert.equal(p.eta, r.block.height + 3);
    assert.equal((await c.check(key(3), tx.implement(id, true))).code, "GOV_NOT_IN_IMPLEMENTATION");
  });
});
