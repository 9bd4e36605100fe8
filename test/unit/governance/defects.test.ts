/**
 * The original Python system's defects, each shown impossible here.
 */
import assert from "node:assert/strict";
import { registryEntries } from "../../../src/config/registry.js";
import { isXaiError } from "../../../src/errors.js";
import { GovErrorCode } from "../../../src/governance/errors.js";
import { canTransition, PROPOSAL_STATUSES, type ProposalStatus } from "../../../src/governance/lifecycle.js";
import { proposalIdOf } from "../../../src/governance/proposalId.js";
import { setStatus } from "../../../src/governance/status.js";
import { votes } from "../../../src/governance/store.js";
import { getAccount } from "../../../src/state-transition/accounts.js";
import { getParam, getRule } from "../../../src/state-transition/params.js";
import { StateOverlay } from "../../../src/state-transition/stateStore.js";
import { action, GovChain, key, tx } from "../../utils/govChain.js";
import {
  castVotes,
  checkInvariants,
  expectStatus,
  passAndExecute,
  passToQueued,
  proposal,
  propose,
  toReview,
  track,
} from "../../utils/govFlow.js";

const PARAM = action.param("max_block_txs", "500");
const XAI = 100_000_000n;

describe("governance: the original's defects are impossible", () => {
  afterEach(checkInvariants);

  it("power is never self-declared: it is the balance at the snapshot (an unfunded account has none)", async () => {
    const c = track(await GovChain.create());
    const id = await propose(c, 0, PARAM);
    assert.equal((await c.check(key(20), tx.vote(id, "yes"))).code, GovErrorCode.NO_VOTING_POWER);
    await c.send(key(1), tx.vote(id, "yes"));
    const p = await proposal(c, id);
    const v = await votes.get(c.state, [p.number, key(1).address]);
    assert.equal(v?.power, 1_000_000n * XAI);
    assert.equal(p.tally.yes, 1_000_000n * XAI);
  });

  it("tokens moved after the snapshot change nothing (even within the inclusion block)", async () => {
    const c = track(await GovChain.create());
    const { id } = await c.submitProposal(key(0), tx.propose(PARAM));
    // In the inclusion block itself, after the proposal: dev:1 moves half its balance to dev:20.
    await c.submit(key(1), tx.transfer(key(20).address, 500_000n * XAI));
    await c.nextBlock();
    // And later dev:2 moves everything it can to dev:21.
    await c.send(key(2), tx.transfer(key(21).address, 900_000n * XAI));
    assert.equal((await c.check(key(20), tx.vote(id, "yes"))).code, GovErrorCode.NO_VOTING_POWER);
    assert.equal((await c.check(key(21), tx.vote(id, "yes"))).code, GovErrorCode.NO_VOTING_POWER);
    await castVotes(c, id, [
      [1, "yes"],
      [2, "yes"],
    ]);
    const p = await proposal(c, id);
    assert.equal(p.tally.yes, 2_000_000n * XAI, "both still vote with their snapshot balance");
    assert.equal(p.snapshotHeight, p.submitHeight - 1);
  });

  it("tokens moved before the snapshot count for the receiver, not the sender", async () => {
    const c = track(await GovChain.create());
    await c.send(key(1), tx.transfer(key(20).address, 500_000n * XAI));
    const id = await propose(c, 0, PARAM);
    await castVotes(c, id, [
      [1, "yes"],
      [20, "yes"],
    ]);
    const p = await proposal(c, id);
    const fee = (500_000n * XAI * 24n + 9_999n) / 10_000n;
    assert.equal((await votes.get(c.state, [p.number, key(20).address]))?.power, 500_000n * XAI);
    assert.equal((await votes.get(c.state, [p.number, key(1).address]))?.power, 500_000n * XAI - fee);
  });

  it("a whale is capped: 60% of supply counts as 20%", async () => {
    const c = track(
      await GovChain.create({
        balances: [0n, 6000n, 1000n, 1000n, 1000n, 1000n],
        rules: { proposal_deposit: "0" },
      }),
    );
    const id = await propose(c, 0, PARAM, { deposit: 0n });
    await castVotes(c, id, [
      [1, "yes"],
      [2, "no"],
      [3, "no"],
      [4, "no"],
    ]);
    const p = await proposal(c, id);
    assert.equal(p.tally.yes, 2000n);
    assert.equal(p.tally.no, 3000n);
    await c.runToHeight(p.votingEnd);
    await expectStatus(c, id, "rejected");
  });

  it("no payload swap: a proposal id is bound to the submit tx id; resubmission is refused", async () => {
    const c = track(await GovChain.create());
    const other = action.param("max_block_txs", "10");
    const original = await c.tx(key(0), tx.propose(PARAM));
    const id0 = proposalIdOf(original.id);
    const swapped = await c.tx(key(0), tx.propose(other));
    c.pending.push(original);
    await c.nextBlock();
    assert.deepEqual((await proposal(c, id0)).action, PARAM);
    // The same nonce with another payload (or the same tx again): refused before governance sees it.
    assert.equal((await c.importBlockWith([swapped])).data?.txCode, "TX_NONCE_TOO_LOW");
    assert.equal((await c.importBlockWith([original])).data?.txCode, "TX_NONCE_TOO_LOW");
    // The next nonce gives a new id; the original proposal is untouched.
    const id1 = await propose(c, 0, other);
    assert.notEqual(id1, id0);
    assert.deepEqual((await proposal(c, id0)).action, PARAM);
    assert.deepEqual((await proposal(c, id1)).action, other);
  });

  it("no double execution: a second EXECUTE_PROPOSAL is invalid, in the same block or later", async () => {
    const c = track(await GovChain.create());
    const id = await passToQueued(c, action.treasury(key(7).address, "1000"));
    await c.runToHeight((await proposal(c, id)).eta - 1);
    const r0 = (await getAccount(c.state, key(7).address)).balance;
    await c.submit(key(8), tx.execute(id));
    await c.submit(key(9), tx.execute(id));
    const b = await c.nextBlock();
    assert.equal(b.receipts.length, 1);
    assert.deepEqual(
      b.skipped.map((s) => s.code),
      [GovErrorCode.NOT_QUEUED],
    );
    assert.equal((await c.check(key(9), tx.execute(id))).code, GovErrorCode.NOT_QUEUED);
    assert.equal((await getAccount(c.state, key(7).address)).balance, r0 + 1000n);
  });

  it("rollback of anything but an executed reversible proposal is refused at submission", async () => {
    const c = track(await GovChain.create());
    const voting = await propose(c, 5, PARAM);
    const code = async (target: string) => (await c.check(key(0), tx.propose(action.rollback(target)))).code;
    assert.equal(await code(voting), GovErrorCode.ROLLBACK_NOT_ALLOWED);
    assert.equal(await code("00".repeat(16)), GovErrorCode.UNKNOWN_PROPOSAL);
    assert.equal(await code("not-an-id"), GovErrorCode.UNKNOWN_PROPOSAL);
    const grant = await passAndExecute(c, action.treasury(key(7).address, "1000"));
    assert.equal(await code(grant), GovErrorCode.ROLLBACK_NOT_ALLOWED);
    const queued = await passToQueued(c, PARAM);
    assert.equal(await code(queued), GovErrorCode.ROLLBACK_NOT_ALLOWED);
    const cancel = await passAndExecute(c, action.emergency("cancel_proposal", queued));
    assert.equal(await code(cancel), GovErrorCode.ROLLBACK_NOT_ALLOWED);
    const param = await passAndExecute(c, action.param("max_block_txs", "900"));
    const rb = await passAndExecute(c, action.rollback(param));
    assert.equal(await code(rb), GovErrorCode.ROLLBACK_NOT_ALLOWED);
  });

  it("registry values are parsed strictly at submission: approval_bps 'abc', 'NaN', '-1', '1.5' and more", async () => {
    const c = track(await GovChain.create());
    const bad = [
      "abc",
      "NaN",
      "-1",
      "1.5",
      "",
      " 6700",
      "6700 ",
      "06700",
      "+6700",
      "1e4",
      "0x1a2b",
      "Infinity",
    ];
    for (const value of bad)
      assert.equal(
        (await c.check(key(0), tx.propose(action.rule("approval_bps", value)))).code,
        GovErrorCode.INVALID_VALUE,
        `approval_bps = ${JSON.stringify(value)}`,
      );
    // Out of the registry bounds [5100, 9000].
    assert.equal(
      (await c.check(key(0), tx.propose(action.rule("approval_bps", "5099")))).code,
      GovErrorCode.INVALID_VALUE,
    );
    assert.equal(
      (await c.check(key(0), tx.propose(action.rule("approval_bps", "9001")))).code,
      GovErrorCode.INVALID_VALUE,
    );
    assert.equal(
      (await c.check(key(0), tx.propose(action.param("block_reward", "5000000001")))).code,
      GovErrorCode.INVALID_VALUE,
    );
    // At the bounds: accepted (subject to cross rules: approval_bps <= emergency_approval_bps 7500).
    assert.equal(
      (await c.check(key(0), tx.propose(action.rule("approval_bps", "5100")))).outcome?.result,
      "ok",
    );
    assert.equal(
      (await c.check(key(0), tx.propose(action.rule("approval_bps", "7500")))).outcome?.result,
      "ok",
    );
    assert.equal(
      (await c.check(key(0), tx.propose(action.rule("approval_bps", "7501")))).code,
      GovErrorCode.CROSS_RULE_VIOLATION,
    );
    assert.equal(
      (await c.check(key(0), tx.propose(action.param("max_tx_bytes", "262144")))).outcome?.result,
      "ok",
    );
    assert.equal(
      (await c.check(key(0), tx.propose(action.param("max_block_bytes", "10000")))).code,
      GovErrorCode.CROSS_RULE_VIOLATION,
    );
    assert.equal(
      (await c.check(key(0), tx.propose(action.rule("no_such_rule", "1")))).code,
      GovErrorCode.UNKNOWN_TARGET,
    );
    assert.equal(
      (await c.check(key(0), tx.propose(action.param("approval_bps", "6000")))).code,
      GovErrorCode.UNKNOWN_TARGET,
    );
    const warp = await c.check(key(0), tx.propose(action.feature("warp_drive", true)));
    assert.equal(warp.code, GovErrorCode.UNKNOWN_TARGET);
    // The refusal lists the names that do exist (issue 12, defect 16), governable ones only.
    const features = registryEntries("feature")
      .filter((e) => e.governable)
      .map((e) => e.name);
    assert.ok(features.length >= 2 && !features.includes("fiat_rails"));
    assert.equal(warp.message, `no feature named warp_drive; features: ${features.join(", ")}`);
    assert.equal(await getRule(c.state, "approval_bps"), 6600n);
  });

  it("treasury amounts must be canonical decimals > 0 and covered by the treasury", async () => {
    const c = track(await GovChain.create({ treasury: 5000n }));
    const to = key(7).address;
    for (const amount of ["-5", "0", "00", "-0", "1.5", "abc", "", " 5", "05", "1e3", "18446744073709551616"])
      assert.equal(
        (await c.check(key(0), tx.propose(action.treasury(to, amount)))).code,
        GovErrorCode.INVALID_AMOUNT,
        `amount ${JSON.stringify(amount)}`,
      );
    assert.equal(
      (await c.check(key(0), tx.propose(action.treasury(to, "5001")))).code,
      GovErrorCode.TREASURY_SHORT,
    );
    assert.equal((await c.check(key(0), tx.propose(action.treasury(to, "5000")))).outcome?.result, "ok");
    for (const recipient of ["XAI123", "", to.toUpperCase(), `XAI${"g".repeat(40)}`])
      assert.equal(
        (await c.check(key(0), tx.propose(action.treasury(recipient, "1")))).code,
        GovErrorCode.INVALID_RECIPIENT,
      );
    const { TREASURY_ADDRESS, DEPOSIT_ESCROW_ADDRESS } = await import("../../../src/config/addresses.js");
    for (const recipient of [TREASURY_ADDRESS, DEPOSIT_ESCROW_ADDRESS])
      assert.equal(
        (await c.check(key(0), tx.propose(action.treasury(recipient, "1")))).code,
        GovErrorCode.INVALID_RECIPIENT,
      );
  });

  it("statuses never go backwards: the transition table only moves forward", () => {
    const rank: Record<ProposalStatus, number> = {
      voting: 0,
      code_review: 1,
      implementation_vote: 2,
      queued: 3,
      executed: 4,
      rejected: 9,
      cancelled: 9,
      failed: 9,
      expired: 9,
      rolled_back: 10,
    };
    let allowed = 0;
    for (const from of PROPOSAL_STATUSES)
      for (const to of PROPOSAL_STATUSES)
        if (canTransition(from, to)) {
          allowed++;
          assert.ok(rank[to] > rank[from], `${from} → ${to}`);
        }
    assert.equal(allowed, 14);
    assert.equal(canTransition("executed", "queued"), false);
    assert.equal(canTransition("rejected", "voting"), false);
    assert.equal(canTransition("queued", "voting"), false);
  });

  it("setStatus refuses a backward move (GOV_INVALID_TRANSITION) and writes nothing", async () => {
    const c = track(await GovChain.create());
    const id = await toReview(c, PARAM);
    const p = await proposal(c, id);
    const scratch = new StateOverlay(c.state);
    await assert.rejects(
      setStatus(scratch, p, "voting", { height: c.height, events: [], txId: undefined }),
      (err: unknown) => isXaiError(err, GovErrorCode.INVALID_TRANSITION),
    );
    assert.equal(scratch.size, 0);
  });

  it("votes after voting_end are refused (GOV_VOTING_CLOSED) and change nothing", async () => {
    const c = track(await GovChain.create());
    const id = await toReview(c, PARAM);
    const before = await proposal(c, id);
    assert.equal((await c.check(key(4), tx.vote(id, "no"))).code, GovErrorCode.VOTING_CLOSED);
    assert.equal((await c.check(key(1), tx.vote(id, "no"))).code, GovErrorCode.VOTING_CLOSED);
    assert.deepEqual((await proposal(c, id)).tally, before.tally);
  });

  it("an invalid transaction leaves the state root unchanged, and a block holding one is rejected", async () => {
    const c = track(await GovChain.create());
    const id = await propose(c, 0, PARAM);
    const withInvalid = track(c.fork());
    const empty = track(c.fork());
    const bad = await withInvalid.submit(key(20), tx.vote(id, "yes"));
    const b = await withInvalid.nextBlock();
    assert.deepEqual(
      b.skipped.map((s) => s.code),
      [GovErrorCode.NO_VOTING_POWER],
    );
    await empty.nextBlock();
    assert.equal(withInvalid.rootHex, empty.rootHex);
    assert.equal((await getAccount(withInvalid.state, key(20).address)).nonce, 0n);
    const imported = await c.importBlockWith([bad]);
    assert.equal(imported.code, "BLOCK_INVALID_TX");
    assert.equal(imported.data?.txCode, GovErrorCode.NO_VOTING_POWER);
    assert.equal(await getParam(c.state, "max_block_txs"), 2000n);
  });
});
