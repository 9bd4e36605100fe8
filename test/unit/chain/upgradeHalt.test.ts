// Software upgrades on the real chain core (Chain + LevelDB, SPEC v2 §4.7): a software_upgrade for
// v2-test passes governance; at its height a validator and a follower whose release does not know
// it halt before the block (GOV_UPGRADE_NEEDED, nothing written, the block not marked invalid, the
// `upgradeNeeded` event once); reopened on the same database with the release that knows it, they
// apply the block and agree on the root; replay from genesis by the new release agrees on every
// root; a reorg from below the plan's execution to a branch without it restores the state exactly.

import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { governanceRoutes } from "../../../src/api/governanceRoutes.js";
import { createApi } from "../../../src/api/server.js";
import { upgradeRoutes } from "../../../src/api/upgradeRoutes.js";
import type { Chain } from "../../../src/chain/chain.js";
import { replayChain } from "../../../src/chain/replay.js";
import { slotStartMs } from "../../../src/chain/slots.js";
import { devKeyPair, type KeyPair } from "../../../src/crypto/keys.js";
import { verifySignature } from "../../../src/crypto/verify.js";
import { ChainDb } from "../../../src/db/chainDb.js";
import { GovErrorCode } from "../../../src/governance/errors.js";
import { proposalIdOf } from "../../../src/governance/proposalId.js";
import { findProposal } from "../../../src/governance/store.js";
import type { UpgradeNeeded } from "../../../src/governance/upgrade/beginBlock.js";
import { listAppliedUpgrades, upgradePlan } from "../../../src/governance/upgrade/plan.js";
import { NodeMetrics } from "../../../src/metrics/nodeMetrics.js";
import { NodeErrorCode } from "../../../src/node/errors.js";
import { createModules } from "../../../src/node/modules.js";
import { checkAppliedUpgrades, nodeUpgrades, parseTestUpgrades } from "../../../src/node/upgrades.js";
import { getAccount } from "../../../src/state-transition/accounts.js";
import { getRegistryRaw, isRegistryInForce } from "../../../src/state-transition/params.js";
import type { Block } from "../../../src/types/block.js";
import { BlockErrorCode } from "../../../src/types/errors.js";
import type { Payload } from "../../../src/types/tx.js";
import {
  expectCode,
  importAll,
  makeBlock,
  openTestChain,
  produce,
  runToHeight,
  signTx,
  stateDigest,
  type TestChain,
  tempDir,
  testGenesis,
  testKey,
} from "../../utils/testChain.js";

const INFO = `https://example.org/v2-test sha256:${"cd".repeat(32)}`;
const PLAN_HEIGHT = 40;
const genesis = testGenesis(1);
const oldRelease = () => createModules(nodeUpgrades([]));
const newRelease = () => createModules(nodeUpgrades(parseTestUpgrades("v2-test")));
const dev = (n: number): KeyPair => devKeyPair(n);

/** Signs `payload` by `key` at its next nonce (pending counted) and submits it to `tc`. */
async function submit(tc: TestChain, key: KeyPair, payload: Payload): Promise<void> {
  const nonce =
    (await getAccount(tc.chain.state, key.address)).nonce +
    BigInt(tc.chain.mempool.pendingOf(key.address).length);
  await tc.chain.submitTx(signTx(key, payload, { nonce }));
}

/** Produces a block with the given submissions, asserting they were all included. */
async function block(tc: TestChain, sends: Array<[number, Payload]> = []): Promise<Block> {
  for (const [n, p] of sends) await submit(tc, dev(n), p);
  const b = await produce(tc.chain);
  assert.equal(b.txs.length, sends.length, `block ${b.header.height} holds its transactions`);
  return b;
}

/**
 * Takes a software_upgrade for v2-test at PLAN_HEIGHT through governance on `tc` up to `queued`;
 * returns the proposal id and its eta.
 */
async function queueUpgrade(tc: TestChain): Promise<{ id: string; eta: number }> {
  const propose: Payload = {
    type: "SUBMIT_PROPOSAL",
    title: "v2-test",
    description: "",
    deposit: 10n * 100_000_000n,
    action: { kind: "software_upgrade", name: "v2-test", height: BigInt(PLAN_HEIGHT), info: INFO },
  };
  const nonce = (await getAccount(tc.chain.state, dev(0).address)).nonce;
  const id = proposalIdOf((await tc.chain.submitTx(signTx(dev(0), propose, { nonce }))).id);
  await produce(tc.chain);
  const p = async () => (await findProposal(tc.chain.state, id))!;
  await block(
    tc,
    [1, 2, 3, 4].map((n) => [n, { type: "CAST_VOTE", proposalId: id, option: "yes" }]),
  );
  await runToHeight(tc.chain, (await p()).votingEnd);
  await block(
    tc,
    [4, 5].map((n) => [n, { type: "SUBMIT_CODE_REVIEW", proposalId: id, approved: true, comment: "" }]),
  );
  await runToHeight(tc.chain, (await p()).reviewEnd);
  await block(
    tc,
    [1, 2].map((n) => [n, { type: "VOTE_IMPLEMENTATION", proposalId: id, approved: true }]),
  );
  assert.equal((await p()).status, "queued");
  return { id, eta: (await p()).eta };
}

/** Takes the plan through governance and executes it at its eta; returns the proposal id. */
async function scheduleUpgrade(tc: TestChain): Promise<string> {
  const { id, eta } = await queueUpgrade(tc);
  await runToHeight(tc.chain, eta - 1);
  await block(tc, [[9, { type: "EXECUTE_PROPOSAL", proposalId: id }]]);
  assert.equal((await findProposal(tc.chain.state, id))!.status, "executed");
  assert.equal((await upgradePlan.get(tc.chain.state))?.height, PLAN_HEIGHT);
  return id;
}

/** GET `url` of an API over `chain` (the upgrade and governance routes, /status), parsed. */
async function apiGet(chain: Chain, url: string): Promise<Record<string, unknown>> {
  const ctx = { chain, metrics: new NodeMetrics(), peers: () => 0, syncing: () => false };
  const app = createApi(ctx, [upgradeRoutes, governanceRoutes({} as never)]);
  try {
    const r = await app.inject({ method: "GET", url });
    assert.equal(r.statusCode, 200, r.body);
    return JSON.parse(r.body) as Record<string, unknown>;
  } finally {
    await app.close();
  }
}

async function blocksOf(tc: TestChain, from: number, to: number): Promise<Block[]> {
  const out: Block[] = [];
  for (let h = from; h <= to; h++) out.push((await tc.chain.blockAt(h))!);
  return out;
}

describe("chain: software upgrades on the real chain (SPEC v2 §4.7)", function () {
  this.timeout(120_000);
  const open: TestChain[] = [];
  const dirs: string[] = [];
  async function chainOf(modules = oldRelease(), dir?: string): Promise<TestChain> {
    const tc = await openTestChain({ genesis, modules, ...(dir ? { dir } : {}) });
    open.push(tc);
    return tc;
  }
  afterEach(async () => {
    for (const tc of open.splice(0)) await tc.cleanup();
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  it("a validator without the handler halts before the plan's height; reopened with it, it applies the block", async () => {
    const tc = await chainOf();
    await scheduleUpgrade(tc);
    await runToHeight(tc.chain, PLAN_HEIGHT - 1);
    const head = tc.chain.head;
    const digest = await stateDigest(tc.db);
    const events: UpgradeNeeded[] = [];
    tc.chain.on("upgradeNeeded", (p: UpgradeNeeded) => events.push(p));
    const err = await expectCode(produce(tc.chain), GovErrorCode.UPGRADE_NEEDED);
    assert.deepEqual(err.data, { name: "v2-test", height: PLAN_HEIGHT, info: INFO });
    // Halted: the next slot is refused too, nothing was written, the event came once.
    await expectCode(produce(tc.chain), GovErrorCode.UPGRADE_NEEDED);
    assert.deepEqual(tc.chain.head, head);
    assert.equal(await stateDigest(tc.db), digest);
    assert.equal(await tc.chain.blockAt(PLAN_HEIGHT), undefined);
    assert.deepEqual(events, [{ name: "v2-test", height: PLAN_HEIGHT, info: INFO }]);
    assert.deepEqual(tc.chain.halt.needed, events[0]);
    // What the operator sees: /status upgrade_needed, GET /upgrade with the plan and blocks left.
    const plan = { name: "v2-test", height: PLAN_HEIGHT, info: INFO };
    assert.deepEqual((await apiGet(tc.chain, "/status")).upgrade_needed, plan);
    const view = await apiGet(tc.chain, "/upgrade");
    const pending = view.pending as Record<string, unknown>;
    assert.deepEqual(
      { ...pending, proposal_id: "", number: 0, scheduled_height: 0 },
      {
        ...plan,
        release_sha256: "cd".repeat(32),
        proposal_id: "",
        number: 0,
        scheduled_height: 0,
        blocks_left: 1,
        estimated_time: new Date(slotStartMs(genesis, head.slot + 1)).toISOString(),
      },
    );
    assert.deepEqual([view.height, view.applied, view.upgrade_needed], [PLAN_HEIGHT - 1, [], plan]);
    // An entry the upgrade adds is not listed before it is in force.
    const names = async (c: Chain) =>
      ((await apiGet(c, "/governance/params")).params as Array<{ name: string }>).map((e) => e.name);
    assert.equal((await names(tc.chain)).includes("min_transfer_amount"), false);

    await tc.close();
    const restarted = await chainOf(newRelease(), tc.dir);
    assert.equal(restarted.chain.head.height, PLAN_HEIGHT - 1);
    const b = await produce(restarted.chain);
    assert.equal(b.header.height, PLAN_HEIGHT);
    assert.equal(await getRegistryRaw(restarted.chain.state, "param", "min_transfer_amount"), "1000");
    assert.deepEqual(
      (await listAppliedUpgrades(restarted.chain.state)).map((u) => [u.name, u.height]),
      [["v2-test", PLAN_HEIGHT]],
    );
    await runToHeight(restarted.chain, PLAN_HEIGHT + 2);
    // Started again without the upgrade (a downgrade), the node refuses the database.
    await checkAppliedUpgrades(restarted.chain.state, nodeUpgrades(["v2-test"]));
    const refused = await expectCode(
      checkAppliedUpgrades(restarted.chain.state, nodeUpgrades([])),
      NodeErrorCode.UNKNOWN_APPLIED_UPGRADE,
    );
    assert.deepEqual(refused.data, { name: "v2-test", height: PLAN_HEIGHT });
    const after = await apiGet(restarted.chain, "/upgrade");
    assert.equal(after.pending, null);
    assert.equal(after.upgrade_needed, null);
    assert.deepEqual(
      (after.applied as Array<Record<string, unknown>>).map((u) => [u.name, u.height, u.info]),
      [["v2-test", PLAN_HEIGHT, INFO]],
    );
    assert.equal((await apiGet(restarted.chain, "/status")).upgrade_needed, null);
    const listed = (
      (await apiGet(restarted.chain, "/governance/params")).params as Array<Record<string, unknown>>
    ).find((e) => e.name === "min_transfer_amount");
    assert.deepEqual(
      { ...listed, description: undefined },
      {
        name: "min_transfer_amount",
        type: "amount",
        min: "0",
        max: "100000000",
        default: "1000",
        value: "1000",
        description: undefined,
        governable: true,
        since: "v2-test",
      },
    );

    // Replay from genesis by the new release: every root agrees across the upgrade height.
    const scratchDir = await tempDir("xai-replay-");
    dirs.push(scratchDir);
    const scratch = await ChainDb.open(scratchDir);
    try {
      const report = await replayChain({
        genesis,
        source: restarted.db,
        scratch,
        modules: newRelease(),
        blockVerifier: verifySignature,
      });
      assert.equal(report.headHeight, PLAN_HEIGHT + 2);
      assert.equal(report.mismatches, 0);
    } finally {
      await scratch.close();
    }
    // The old release cannot replay past it: it stops at the plan's height with the halt's code.
    const scratch2Dir = await tempDir("xai-replay-");
    dirs.push(scratch2Dir);
    const scratch2 = await ChainDb.open(scratch2Dir);
    try {
      const e = await expectCode(
        replayChain({
          genesis,
          source: restarted.db,
          scratch: scratch2,
          modules: oldRelease(),
          blockVerifier: verifySignature,
        }),
        "REPLAY_MISMATCH",
      );
      assert.equal(e.data.height, PLAN_HEIGHT);
      assert.equal(e.data.cause, GovErrorCode.UPGRADE_NEEDED);
    } finally {
      await scratch2.close();
    }
  });

  it("a follower without the handler halts on import and never marks the block invalid; reopened with it, imports it", async () => {
    const leader = await chainOf(newRelease());
    await scheduleUpgrade(leader);
    await runToHeight(leader.chain, PLAN_HEIGHT + 1);
    const follower = await chainOf(oldRelease());
    assert.deepEqual(
      new Set(await importAll(follower.chain, await blocksOf(leader, 1, PLAN_HEIGHT - 1))),
      new Set(["head"]),
    );
    const [atPlan, next] = await blocksOf(leader, PLAN_HEIGHT, PLAN_HEIGHT + 1);
    await expectCode(follower.chain.importBlock(atPlan!.bytes), GovErrorCode.UPGRADE_NEEDED);
    assert.equal(follower.chain.head.height, PLAN_HEIGHT - 1);
    assert.equal(await follower.chain.blockAt(PLAN_HEIGHT), undefined);
    // Halted: later blocks are refused with the same code (not as invalid or of an unknown parent).
    await expectCode(follower.chain.importBlock(next!.bytes), GovErrorCode.UPGRADE_NEEDED);

    await follower.close();
    const upgraded = await chainOf(newRelease(), follower.dir);
    // The block was never remembered as invalid: the new release imports it.
    assert.deepEqual(await importAll(upgraded.chain, [atPlan!, next!]), ["head", "head"]);
    assert.deepEqual(upgraded.chain.head.stateRoot, leader.chain.head.stateRoot);
    assert.equal(await isRegistryInForce(upgraded.chain.state, "param", "min_transfer_amount"), true);
  });

  it("a header naming a stored side block past an unknown upgrade leaves it unjudged: no halt (review of v2 §4.8)", async () => {
    // X (new release) executes the plan and passes its height; Y (old release) shares X's blocks
    // up to the eta, then grows heavier alone; X's blocks reach Y as side blocks, never applied.
    const x = await chainOf(newRelease());
    const { id, eta } = await queueUpgrade(x);
    await runToHeight(x.chain, eta - 1);
    const y = await chainOf(oldRelease());
    await importAll(y.chain, await blocksOf(x, 1, eta - 1));
    await block(x, [[9, { type: "EXECUTE_PROPOSAL", proposalId: id }]]);
    await runToHeight(x.chain, PLAN_HEIGHT + 1);
    await produce(y.chain, y.chain.head.slot + 2);
    await runToHeight(y.chain, PLAN_HEIGHT + 8);
    const side = await blocksOf(x, eta, PLAN_HEIGHT + 1);
    assert.deepEqual(new Set(await importAll(y.chain, side)), new Set(["side"]));
    let halted = 0;
    y.chain.on("upgradeNeeded", () => halted++);
    const [digest, head] = [await stateDigest(y.db), y.chain.head.hashHex];
    // A header by a key in no set, on X's block at the plan's height: judging it would mean
    // applying X's branch, which this release cannot. Before the fix this halted Y.
    const parent = side.find((b) => b.header.height === PLAN_HEIGHT)!;
    const forged = await makeBlock(x.chain, { parent, key: testKey("nobody"), slot: parent.header.slot + 1 });
    await expectCode(y.chain.importBlock(forged.bytes), BlockErrorCode.UNKNOWN_PROPOSER);
    assert.equal(halted, 0);
    assert.equal(y.chain.halt.needed, undefined);
    assert.deepEqual([await stateDigest(y.db), y.chain.head.hashHex], [digest, head]);
    // Y goes on.
    assert.equal((await produce(y.chain)).header.height, PLAN_HEIGHT + 9);
  });

  it("a reorg from below the plan's execution to a branch without it restores the pre-upgrade state exactly", async () => {
    const a = await chainOf(newRelease());
    const { id, eta } = await queueUpgrade(a);
    await runToHeight(a.chain, eta - 1);
    const fork = eta - 1; // the common ancestor: the plan is queued, not executed
    // Branch B: the same chain up to the ancestor, then empty blocks (no execution, so no plan).
    const b = await chainOf(newRelease());
    await importAll(b.chain, await blocksOf(a, 1, fork));
    await block(a, [[9, { type: "EXECUTE_PROPOSAL", proposalId: id }]]);
    await runToHeight(a.chain, PLAN_HEIGHT + 1);
    assert.equal(await isRegistryInForce(a.chain.state, "param", "min_transfer_amount"), true);
    // B skips one slot, so its blocks differ from A's, and grows one longer than A.
    await produce(b.chain, b.chain.head.slot + 2);
    await runToHeight(b.chain, PLAN_HEIGHT + 2);
    const statuses = await importAll(a.chain, await blocksOf(b, fork + 1, PLAN_HEIGHT + 2));
    assert.equal(statuses.at(-1), "reorg");
    assert.deepEqual(a.chain.head.hash, b.chain.head.hash);
    assert.equal(await stateDigest(a.db), await stateDigest(b.db));
    assert.equal(await isRegistryInForce(a.chain.state, "param", "min_transfer_amount"), false);
    assert.deepEqual(await listAppliedUpgrades(a.chain.state), []);
    assert.equal(await upgradePlan.get(a.chain.state), undefined);
  });
});
