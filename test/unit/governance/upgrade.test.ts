/**
 * Software upgrades (SPEC v2 §4.7): plan validation at submission and at execution (every bad plan
 * refused with its code, state unchanged), one pending plan replaced by the next and removed by
 * cancel_upgrade, the halt of a release without the handler (no block, GOV_UPGRADE_NEEDED with the
 * plan), the migration of a release with it (in force from the plan's height, in the history),
 * and replay from genesis by the new release agreeing on every root with the old then new one.
 */
import assert from "node:assert/strict";
import { isXaiError } from "../../../src/errors.js";
import { GovErrorCode } from "../../../src/governance/errors.js";
import { history } from "../../../src/governance/queries.js";
import {
  knownUpgrades,
  PRODUCTION_UPGRADES,
  TEST_UPGRADES,
  V2_TEST,
} from "../../../src/governance/upgrade/handlers.js";
import { appliedUpgrades, listAppliedUpgrades, upgradePlan } from "../../../src/governance/upgrade/plan.js";
import { NodeErrorCode } from "../../../src/node/errors.js";
import { nodeUpgrades, parseTestUpgrades } from "../../../src/node/upgrades.js";
import { getParam, getRegistryRaw, isRegistryInForce } from "../../../src/state-transition/params.js";
import { TxErrorCode } from "../../../src/types/errors.js";
import type { ProposalAction } from "../../../src/types/tx.js";
import { decodeTx, encodeSignedTx, encodeTxBody } from "../../../src/types/txCodec.js";
import { action, CHAIN_ID, GovChain, key, tx } from "../../utils/govChain.js";
import {
  checkInvariants,
  expectStatus,
  passAndExecute,
  passToQueued,
  proposal,
  track,
} from "../../utils/govFlow.js";

const NEW_RELEASE = knownUpgrades([V2_TEST]);
const SHA = `sha256:${"0123456789abcdef".repeat(4)}`;

/** The code `a` is refused with at submission in the next block, asserting nothing changed. */
async function refusedAtSubmission(c: GovChain, a: ProposalAction): Promise<{ code?: string }> {
  const root = c.rootHex;
  const plan = await upgradePlan.get(c.state);
  const r = await c.check(key(0), tx.propose(a));
  // The same transaction in a block: the block is invalid, and nothing is written.
  const imported = await c.importBlockWith([await c.tx(key(0), tx.propose(a))]);
  assert.equal(imported.code, "BLOCK_INVALID_TX");
  assert.equal(imported.data?.txCode, r.code);
  assert.equal(c.rootHex, root);
  assert.deepEqual(await upgradePlan.get(c.state), plan);
  return r;
}

async function newChain(upgrades = knownUpgrades()): Promise<GovChain> {
  return track(await GovChain.create({ upgrades }));
}

/** Schedules `name` at `height` through the whole lifecycle (default voters); returns the proposal id. */
function schedule(c: GovChain, name: string, height: number): Promise<string> {
  return passAndExecute(c, action.upgrade(name, height, `https://example.org/${name} ${SHA}`));
}

describe("governance: software upgrades (SPEC v2 §4.7)", () => {
  afterEach(checkInvariants);

  describe("plan validation at submission", () => {
    it("name: 1-64 of [a-z0-9._-], first a letter or digit", async () => {
      const c = await newChain();
      const h = c.height + 1 + 3; // the earliest height: next block + timelock_blocks (3)
      for (const bad of ["", "V2", "-v2", ".v2", "_v2", "v2 test", "v2/test", "ü2", "a".repeat(65)]) {
        const r = await refusedAtSubmission(c, action.upgrade(bad, h, SHA));
        assert.equal(r.code, GovErrorCode.INVALID_UPGRADE_NAME, JSON.stringify(bad));
      }
      for (const good of ["a", "0", "v2.1_rc-1", "a".repeat(64)])
        assert.equal((await c.check(key(0), tx.propose(action.upgrade(good, h, SHA)))).code, undefined, good);
    });

    it("info: a sha256:<64 lowercase hex> of the release, at most 1,000 bytes", async () => {
      const c = await newChain();
      const h = c.height + 4;
      const bad = [
        "",
        "https://example.org/v2",
        `sha256:${"a".repeat(63)}`,
        `sha256:${"A".repeat(64)}`,
        `sha256:${"a".repeat(65)}`,
        `sha256 ${"a".repeat(64)}`,
        `xsha256:${"a".repeat(64)}`,
        `${SHA} `.padEnd(1_001, "x"),
      ];
      for (const info of bad) {
        const r = await refusedAtSubmission(c, action.upgrade("v2", h, info));
        assert.equal(r.code, GovErrorCode.INVALID_UPGRADE_INFO, info.slice(0, 80));
      }
      for (const info of [SHA, `notes https://x.org/v2 (${SHA})`, `${SHA} `.padEnd(1_000, "x")])
        assert.equal((await c.check(key(0), tx.propose(action.upgrade("v2", h, info)))).code, undefined);
    });

    it("height: at least the next block + timelock_blocks (one below refused), at most 2^53 - 1", async () => {
      const c = await newChain();
      await c.runToHeight(5);
      const min = 6 + 3;
      const tooSoon = await c.check(key(0), tx.propose(action.upgrade("v2", min - 1, SHA)));
      assert.equal(tooSoon.code, GovErrorCode.UPGRADE_HEIGHT_TOO_SOON);
      assert.equal((await refusedAtSubmission(c, action.upgrade("v2", 0, SHA))).code, tooSoon.code);
      assert.equal((await c.check(key(0), tx.propose(action.upgrade("v2", min, SHA)))).code, undefined);
      const max = BigInt(Number.MAX_SAFE_INTEGER);
      assert.equal((await c.check(key(0), tx.propose(action.upgrade("v2", max, SHA)))).code, undefined);
      const r = await refusedAtSubmission(c, action.upgrade("v2", max + 1n, SHA));
      assert.equal(r.code, GovErrorCode.INVALID_UPGRADE_HEIGHT);
    });

    it("cancel_upgrade: only of the pending plan's name, without a proposal id; other actions take no name", async () => {
      const c = await newChain();
      const none = await refusedAtSubmission(c, action.cancelUpgrade("v2"));
      assert.equal(none.code, GovErrorCode.NO_PENDING_UPGRADE);
      await schedule(c, "v2", 60);
      assert.equal(
        (await refusedAtSubmission(c, action.cancelUpgrade("v3"))).code,
        GovErrorCode.NO_PENDING_UPGRADE,
      );
      assert.equal((await c.check(key(0), tx.propose(action.cancelUpgrade("v2")))).code, undefined);
      const withId: ProposalAction = {
        kind: "emergency_action",
        action: "cancel_upgrade",
        proposalId: "ab".repeat(16),
        name: "v2",
      };
      assert.equal((await refusedAtSubmission(c, withId)).code, GovErrorCode.INVALID_ACTION);
      const pauseNamed: ProposalAction = {
        kind: "emergency_action",
        action: "pause_transfers",
        proposalId: "",
        name: "v2",
      };
      assert.equal((await refusedAtSubmission(c, pauseNamed)).code, GovErrorCode.INVALID_ACTION);
    });

    it("the wire format carries the plan and cancel_upgrade's name, canonically", async () => {
      const a = action.upgrade("v2", 1_234_567_890_123n, SHA);
      const body = {
        chainId: CHAIN_ID,
        nonce: 0n,
        publicKey: key(0).publicKey,
        fee: 0n,
        payload: tx.propose(a),
      };
      const t = decodeTx(encodeSignedTx(encodeTxBody(body), new Uint8Array(64)));
      assert.deepEqual(t.body.payload, tx.propose(a));
      const cancel = { ...body, payload: tx.propose(action.cancelUpgrade("v2")) };
      assert.deepEqual(
        decodeTx(encodeSignedTx(encodeTxBody(cancel), new Uint8Array(64))).body.payload,
        cancel.payload,
      );
    });
  });

  describe("execution: one pending plan", () => {
    it("stores the plan with its proposal; a second plan replaces it; cancel_upgrade removes it", async () => {
      const c = await newChain();
      const first = await schedule(c, "v2", 80);
      const p1 = await proposal(c, first);
      assert.deepEqual(await upgradePlan.get(c.state), {
        name: "v2",
        height: 80,
        info: `https://example.org/v2 ${SHA}`,
        proposalId: first,
        number: p1.number,
        scheduledHeight: p1.execution!.height,
      });
      assert.deepEqual(p1.execution!.changes, [
        { space: "upgrade", key: "plan", before: "", after: "v2@80" },
      ]);
      const second = await schedule(c, "v3", 90);
      const p2 = await proposal(c, second);
      assert.equal((await upgradePlan.get(c.state))?.name, "v3");
      assert.deepEqual(p2.execution!.changes, [
        { space: "upgrade", key: "plan", before: "v2@80", after: "v3@90" },
      ]);
      const cancel = await passAndExecute(c, action.cancelUpgrade("v3"));
      assert.equal(await upgradePlan.get(c.state), undefined);
      assert.deepEqual((await proposal(c, cancel)).execution!.changes, [
        { space: "upgrade", key: "plan", before: "v3@90", after: "" },
      ]);
      // Neither can be rolled back: a plan is withdrawn by cancel_upgrade or replaced.
      const r = await c.check(key(0), tx.propose(action.rollback(second)));
      assert.equal(r.code, GovErrorCode.ROLLBACK_NOT_ALLOWED);
      assert.equal(
        (await c.check(key(0), tx.propose(action.rollback(cancel)))).code,
        GovErrorCode.ROLLBACK_NOT_ALLOWED,
      );
    });

    it("a plan too soon at execution fails the proposal (GOV_UPGRADE_HEIGHT_TOO_SOON) and stores nothing", async () => {
      const c = await newChain();
      const id = await passToQueued(c, action.upgrade("v2", 30, SHA));
      const p = await proposal(c, id);
      // Executed at eta + 1 with timelock 3: the plan needed height >= eta + 1 + 3.
      const executeAt = 30 - 3 + 1;
      assert.ok(p.eta <= executeAt, `eta ${p.eta}`);
      await c.runToHeight(executeAt - 1);
      const r = await c.send(key(9), tx.execute(id));
      assert.equal(r.outcome.result, "failed");
      assert.equal(r.outcome.errorCode, GovErrorCode.UPGRADE_HEIGHT_TOO_SOON);
      await expectStatus(c, id, "failed");
      assert.equal(await upgradePlan.get(c.state), undefined);
    });

    it("cancel_upgrade of a plan replaced meanwhile fails at execution (GOV_NO_PENDING_UPGRADE)", async () => {
      const c = await newChain();
      await schedule(c, "v2", 200);
      const cancel = await passToQueued(c, action.cancelUpgrade("v2"));
      await schedule(c, "v3", 210);
      const p = await proposal(c, cancel);
      assert.ok(c.height <= p.eta + 20, "still inside the grace period");
      const r = await c.send(key(9), tx.execute(cancel));
      assert.equal(r.outcome.errorCode, GovErrorCode.NO_PENDING_UPGRADE);
      assert.equal((await upgradePlan.get(c.state))?.name, "v3");
    });
  });

  describe("at the plan's height", () => {
    it("a release without the handler halts before the block: GOV_UPGRADE_NEEDED, nothing written", async () => {
      const c = await newChain();
      await schedule(c, "v2-test", 40);
      await c.runToHeight(39);
      const root = c.rootHex;
      await assert.rejects(c.nextBlock(), (err) => {
        assert.ok(isXaiError(err));
        assert.equal(err.code, GovErrorCode.UPGRADE_NEEDED);
        assert.deepEqual(err.data, {
          name: "v2-test",
          height: 40,
          info: `https://example.org/v2-test ${SHA}`,
        });
        return true;
      });
      assert.equal(c.height, 39);
      assert.equal(c.rootHex, root);
      // Importing a block at that height (a follower) stops the same way.
      const imported = await c.importBlockWith([]);
      assert.equal(imported.code, GovErrorCode.UPGRADE_NEEDED);
      assert.equal((await upgradePlan.get(c.state))?.height, 40);
    });

    it("a release with the handler runs the migration at the start of the block; the entry is in force from it", async () => {
      const old = await newChain();
      const id = await schedule(old, "v2-test", 40);
      await old.runToHeight(39);
      // Before the upgrade: min_transfer_amount is not in force, reads 0, and is no proposal target.
      assert.equal(await isRegistryInForce(old.state, "param", "min_transfer_amount"), false);
      assert.equal(await getParam(old.state, "min_transfer_amount"), 0n);
      assert.equal((await old.check(key(1), tx.transfer(key(2).address, 1n))).code, undefined);
      const target = await old.check(key(0), tx.propose(action.param("min_transfer_amount", "5")));
      assert.equal(target.code, GovErrorCode.UNKNOWN_TARGET);

      const c = track(old.fork(NEW_RELEASE)); // the node restarted with the new release
      // A transfer in the upgrade block itself is judged by the new parameter.
      await c.submit(key(1), tx.transfer(key(2).address, 999n));
      const b = await c.nextBlock();
      assert.equal(c.height, 40);
      assert.deepEqual(
        b.skipped.map((s) => s.code),
        [TxErrorCode.BELOW_MIN_TRANSFER],
      );
      assert.equal(await getRegistryRaw(c.state, "param", "min_transfer_amount"), "1000");
      assert.equal(await upgradePlan.get(c.state), undefined);
      const number = (await proposal(c, id)).number;
      assert.deepEqual(await listAppliedUpgrades(c.state), [
        { name: "v2-test", height: 40, info: `https://example.org/v2-test ${SHA}`, proposalId: id, number },
      ]);
      assert.deepEqual(
        b.events.filter((e) => e.type === "upgrade_applied").map((e) => e.attributes),
        [{ name: "v2-test", proposal_id: id, changes: "1" }],
      );
      const h = await history(c.state, { limit: 1 });
      assert.deepEqual(h.entries[0], {
        ...(h.entries[0] as object),
        height: 40,
        event: "upgraded",
        proposal_id: id,
        kind: "software_upgrade",
        target: "v2-test",
      });
      assert.equal(
        (await c.check(key(1), tx.transfer(key(2).address, 999n))).code,
        TxErrorCode.BELOW_MIN_TRANSFER,
      );
      assert.equal((await c.check(key(1), tx.transfer(key(2).address, 1_000n))).code, undefined);
      assert.equal(
        (await c.check(key(0), tx.propose(action.param("min_transfer_amount", "5")))).code,
        undefined,
      );
      // Applied once: the name cannot be scheduled again.
      const again = await c.check(key(0), tx.propose(action.upgrade("v2-test", 100, SHA)));
      assert.equal(again.code, GovErrorCode.UPGRADE_ALREADY_APPLIED);
      assert.ok(await appliedUpgrades.has(c.state, "v2-test"));
    });

    it("replay from genesis by the new release agrees on every root with the old release then the new one", async () => {
      const old = await newChain();
      const fresh = await newChain(NEW_RELEASE);
      const roots: string[] = [];
      const freshRoots: string[] = [];
      // The same transactions on both chains, block by block.
      const id = await schedule(old, "v2-test", 40);
      assert.equal(await schedule(fresh, "v2-test", 40), id);
      await old.runToHeight(39);
      await fresh.runToHeight(39);
      assert.equal(fresh.rootHex, old.rootHex);
      const upgraded = track(old.fork(NEW_RELEASE));
      for (let h = 40; h <= 45; h++) {
        await upgraded.nextBlock();
        await fresh.nextBlock();
        roots.push(upgraded.rootHex);
        freshRoots.push(fresh.rootHex);
      }
      assert.deepEqual(freshRoots, roots);
      // And the old release never reaches 40.
      await assert.rejects(old.nextBlock(), (e) => isXaiError(e) && e.code === GovErrorCode.UPGRADE_NEEDED);
    });
  });

  describe("the known sets", () => {
    it("the production set holds no test upgrade; the default known set lacks v2-test, a test set adds it", () => {
      assert.deepEqual(
        PRODUCTION_UPGRADES.filter((u) => u.test).map((u) => u.name),
        [],
      );
      assert.equal(knownUpgrades().has("v2-test"), false);
      assert.equal(knownUpgrades([V2_TEST]).has("v2-test"), true);
      assert.ok(TEST_UPGRADES.every((u) => u.test));
    });

    it("XAI_TEST_UPGRADES: a comma list of test upgrades; an unknown name is BAD_OPTION; none by default", () => {
      assert.deepEqual(parseTestUpgrades(undefined), []);
      assert.deepEqual(parseTestUpgrades(""), []);
      assert.deepEqual(parseTestUpgrades(" v2-test , "), ["v2-test"]);
      assert.deepEqual([...nodeUpgrades([]).keys()], []);
      assert.deepEqual([...nodeUpgrades(["v2-test"]).keys()], ["v2-test"]);
      assert.throws(
        () => nodeUpgrades(["v3"]),
        (e) => isXaiError(e) && e.code === NodeErrorCode.BAD_OPTION,
      );
    });
  });
});
