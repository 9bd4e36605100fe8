import assert from "node:assert/strict";
import { DEPOSIT_ESCROW_ADDRESS, TREASURY_ADDRESS } from "../../../src/config/addresses.js";
import { getAccount } from "../../../src/state-transition/accounts.js";
import { getParam, getRule, isFeatureOn } from "../../../src/state-transition/params.js";
import { action, GovChain, key, tx } from "../../utils/govChain.js";
import {
  checkInvariants,
  executeAtEta,
  expectStatus,
  passAndExecute,
  passToQueued,
  proposal,
  propose,
  track,
} from "../../utils/govFlow.js";

const XAI = 100_000_000n;

describe("governance: every kind through the whole lifecycle", () => {
  afterEach(checkInvariants);

  it("protocol_parameter: sets the parameter, records before/after, refunds the deposit", async () => {
    const c = track(await GovChain.create());
    const before = (await getAccount(c.state, key(0).address)).balance;
    const id = await passAndExecute(c, action.param("max_block_txs", "500"));
    assert.equal(await getParam(c.state, "max_block_txs"), 500n);
    const p = await proposal(c, id);
    assert.deepEqual(p.execution?.changes, [
      { space: "param", key: "max_block_txs", before: "2000", after: "500" },
    ]);
    assert.equal(p.depositState, "refunded");
    assert.equal((await getAccount(c.state, key(0).address)).balance, before);
    assert.equal((await getAccount(c.state, DEPOSIT_ESCROW_ADDRESS)).balance, 0n);
    assert.deepEqual(
      p.statusHistory.map((s) => s.status),
      ["voting", "code_review", "implementation_vote", "queued", "executed"],
    );
  });

  it("protocol_parameter: the chain follows the new value from the next block", async () => {
    const c = track(await GovChain.create());
    await passAndExecute(c, action.param("min_tx_fee", "5"));
    const b = await c.nextContext();
    assert.equal(b.params.param.min_tx_fee, 5n);
    assert.equal((await c.check(key(7), tx.transfer(key(8).address, 1n))).code, "TX_FEE_TOO_LOW");
  });

  it("feature_activation: turns fee_burn on", async () => {
    const c = track(await GovChain.create());
    assert.equal(await isFeatureOn(c.state, "fee_burn"), false);
    const id = await passAndExecute(c, action.feature("fee_burn", true));
    assert.equal(await isFeatureOn(c.state, "fee_burn"), true);
    assert.deepEqual((await proposal(c, id)).execution?.changes, [
      { space: "feature", key: "fee_burn", before: "false", after: "true" },
    ]);
  });

  it("governance_rule: changes the rule for proposals included after it, not for earlier ones", async () => {
    const c = track(await GovChain.create());
    const id = await passToQueued(c, action.rule("voting_period_blocks", "7"));
    const earlier = await propose(c, 6, action.param("max_block_txs", "600"));
    assert.equal(await executeAtEta(c, id).then((o) => o.result), "ok");
    assert.equal(await getRule(c.state, "voting_period_blocks"), 7n);
    const later = await propose(c, 6, action.param("max_block_txs", "700"));
    const pe = await proposal(c, earlier);
    const pl = await proposal(c, later);
    assert.equal(pe.votingEnd - pe.submitHeight, 5);
    assert.equal(pe.rules.voting_period_blocks, 5n);
    assert.equal(pl.votingEnd - pl.submitHeight, 7);
    assert.equal(pl.rules.voting_period_blocks, 7n);
  });

  it("treasury_allocation: moves the amount from the treasury to the recipient", async () => {
    const c = track(await GovChain.create());
    const recipient = key(7).address;
    const t0 = (await getAccount(c.state, TREASURY_ADDRESS)).balance;
    const r0 = (await getAccount(c.state, recipient)).balance;
    const id = await passAndExecute(c, action.treasury(recipient, (1234n * XAI).toString()));
    assert.equal((await getAccount(c.state, TREASURY_ADDRESS)).balance, t0 - 1234n * XAI);
    assert.equal((await getAccount(c.state, recipient)).balance, r0 + 1234n * XAI);
    assert.deepEqual((await proposal(c, id)).execution?.changes, [
      {
        space: "balance",
        key: TREASURY_ADDRESS,
        before: t0.toString(),
        after: (t0 - 1234n * XAI).toString(),
      },
      { space: "balance", key: recipient, before: r0.toString(), after: (r0 + 1234n * XAI).toString() },
    ]);
  });

  it("emergency_action pause_transfers: emergency timelock; transfers refused from the next block", async () => {
    const c = track(await GovChain.create());
    const id = await passToQueued(c, action.emergency("pause_transfers"));
    const p = await proposal(c, id);
    assert.equal(p.eta, c.height + 1, "emergency_timelock_blocks = 1 in the test preset");
    await c.submit(key(9), tx.execute(id));
    const sameBlock = await c.submit(key(7), tx.transfer(key(8).address, 5n));
    const b = await c.nextBlock();
    assert.deepEqual(
      b.receipts.map((r) => [r.txId, r.result]),
      [
        [b.receipts[0]!.txId, "ok"],
        [sameBlock.id, "ok"],
      ],
    );
    assert.equal(await isFeatureOn(c.state, "transfers"), false);
    assert.equal((await c.check(key(7), tx.transfer(key(8).address, 5n))).code, "TX_TRANSFERS_DISABLED");
    assert.ok(
      b.events.some((e) => e.type === "emergency_action" && e.attributes.action === "pause_transfers"),
    );
  });

  it("emergency_action resume_transfers: turns transfers back on", async () => {
    const c = track(await GovChain.create({ features: { transfers: "false" } }));
    await passAndExecute(c, action.emergency("resume_transfers"));
    assert.equal(await isFeatureOn(c.state, "transfers"), true);
    await c.nextBlock();
    assert.equal((await c.check(key(7), tx.transfer(key(8).address, 5n))).outcome?.result, "ok");
  });

  it("emergency_action cancel_proposal: the queued target becomes cancelled and can never execute", async () => {
    const c = track(await GovChain.create());
    const target = await passToQueued(c, action.param("max_block_txs", "300"));
    const id = await passAndExecute(c, action.emergency("cancel_proposal", target));
    const t = await expectStatus(c, target, "cancelled");
    assert.equal(t.cancelledBy, id);
    assert.deepEqual((await proposal(c, id)).execution?.changes, [
      { space: "status", key: target, before: "queued", after: "cancelled" },
    ]);
    await c.runToHeight(t.eta);
    assert.equal((await c.check(key(9), tx.execute(target))).code, "GOV_NOT_QUEUED");
    assert.equal(await getParam(c.state, "max_block_txs"), 2000n);
  });

  it("rollback: restores the recorded before-values; both records link", async () => {
    const c = track(await GovChain.create());
    const target = await passAndExecute(c, action.rule("quorum_bps", "2500"));
    assert.equal(await getRule(c.state, "quorum_bps"), 2500n);
    const id = await passAndExecute(c, action.rollback(target));
    assert.equal(await getRule(c.state, "quorum_bps"), 3340n);
    const t = await expectStatus(c, target, "rolled_back");
    assert.equal(t.rolledBackBy, id);
    const r = await proposal(c, id);
    assert.equal(r.action.kind === "rollback" && r.action.target, target);
    assert.deepEqual(r.execution?.changes, [
      { space: "rule", key: "quorum_bps", before: "2500", after: "3340" },
    ]);
  });

  it("rollback of an emergency pause turns transfers back on", async () => {
    const c = track(await GovChain.create());
    const target = await passAndExecute(c, action.emergency("pause_transfers"));
    await passAndExecute(c, action.rollback(target));
    assert.equal(await isFeatureOn(c.state, "transfers"), true);
    await expectStatus(c, target, "rolled_back");
  });
});
