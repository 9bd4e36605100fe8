// The validator set in state on the real chain (SPEC v2 §4.8): Chain + LevelDB, transactions
// through the mempool, blocks by the scheduled proposer. An added validator proposes its slots
// from the activation height on, a removed one is refused from its activation height (at the gate,
// and by applyBlock against the parent's state when a gate lets it through), the record survives a
// restart, replay agrees on every root, and a reorg across an activation height onto a branch
// where the change never executed restores the old set exactly.

import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { createApi } from "../../../src/api/server.js";
import { validatorRoutes } from "../../../src/api/validatorRoutes.js";
import { BranchRecords } from "../../../src/chain/branchSchedule.js";
import { Chain } from "../../../src/chain/chain.js";
import type { ProposerSchedule } from "../../../src/chain/headerChecks.js";
import { replayChain } from "../../../src/chain/replay.js";
import type { GenesisFile } from "../../../src/config/genesis.js";
import { toHex } from "../../../src/crypto/bytes.js";
import { devKeyPair, type KeyPair } from "../../../src/crypto/keys.js";
import { verifySignature } from "../../../src/crypto/verify.js";
import { ChainDb } from "../../../src/db/chainDb.js";
import { assertGovernanceInvariants } from "../../../src/governance/invariants.js";
import { proposalIdOf } from "../../../src/governance/proposalId.js";
import { getProposal } from "../../../src/governance/queries.js";
import { NodeMetrics } from "../../../src/metrics/nodeMetrics.js";
import { validateGossipBlock } from "../../../src/network/gossipValidation.js";
import { createModules } from "../../../src/node/modules.js";
import { getAccount } from "../../../src/state-transition/accounts.js";
import { VALIDATORS_KEY, type Validator } from "../../../src/state-transition/validatorSet.js";
import { type Block, type BlockHeader, encodeBlock } from "../../../src/types/block.js";
import { BlockErrorCode } from "../../../src/types/errors.js";
import type { Payload, ProposalAction, Tx } from "../../../src/types/tx.js";
import {
  expectCode,
  FAR_FUTURE_MS,
  importAll,
  makeBlock,
  openTestChain,
  produce,
  proposerKey,
  runToHeight,
  signTx,
  stateDigest,
  type TestChain,
  tempDir,
  testGenesis,
  testKey,
  validatorKey,
} from "../../utils/testChain.js";

const XAI = 100_000_000n;
const [V0, V1, V2] = [validatorKey(0), validatorKey(1), validatorKey(2)];
const dev = (n: number): KeyPair => devKeyPair(n);
const addresses = (set: readonly Validator[]) => set.map((v) => v.address);
const add = (k: KeyPair, at: number): ProposalAction => ({
  kind: "validator_set",
  action: "add",
  address: k.address,
  publicKey: toHex(k.publicKey),
  activationHeight: `${at}`,
});
const remove = (k: KeyPair, at: number): ProposalAction => ({
  kind: "validator_set",
  action: "remove",
  address: k.address,
  publicKey: "",
  activationHeight: `${at}`,
});

/** Signs `payload` with `key` at its next nonce (pending ones counted) and submits it. */
async function submit(chain: Chain, key: KeyPair, payload: Payload): Promise<Tx> {
  const nonce =
    (await getAccount(chain.state, key.address)).nonce + BigInt(chain.mempool.pendingOf(key.address).length);
  return chain.submitTx(signTx(key, payload, { nonce, fee: 1_000n }));
}

async function heights(chain: Chain, id: string): Promise<Record<string, number>> {
  return (await getProposal(chain.state, id))!.heights as Record<string, number>;
}

/**
 * Takes `action` to `queued` on `chain` (dev:0 proposes, dev:1-4 vote yes, dev:4-5 review, dev:1-3
 * offer implementation approvals: dev:1-2 alone may fall a few fee units short of half the yes power) and runs to the block before its eta. Returns its id and eta.
 */
async function toEta(chain: Chain, action: ProposalAction): Promise<{ id: string; eta: number }> {
  const s = await submit(chain, dev(0), {
    type: "SUBMIT_PROPOSAL",
    title: "validators",
    description: "",
    deposit: 10n * XAI,
    action,
  });
  const id = proposalIdOf(s.id);
  await produce(chain);
  for (const n of [1, 2, 3, 4])
    await submit(chain, dev(n), { type: "CAST_VOTE", proposalId: id, option: "yes" });
  await produce(chain);
  await runToHeight(chain, (await heights(chain, id)).voting_end!);
  for (const n of [4, 5])
    await submit(chain, dev(n), { type: "SUBMIT_CODE_REVIEW", proposalId: id, approved: true, comment: "" });
  await produce(chain);
  await runToHeight(chain, (await heights(chain, id)).review_end!);
  const votes: Tx[] = [];
  for (const n of [1, 2, 3])
    votes.push(await submit(chain, dev(n), { type: "VOTE_IMPLEMENTATION", proposalId: id, approved: true }));
  await produce(chain);
  // The approval that reaches the required power queues it; a later one in the block is left out.
  assert.ok((await Promise.all(votes.map((v) => chain.receipt(v.id)))).filter(Boolean).length >= 2);
  const p = await getProposal(chain.state, id);
  assert.equal(p!.status, "queued", JSON.stringify(p));
  const eta = (await heights(chain, id)).eta!;
  await runToHeight(chain, eta - 1);
  return { id, eta };
}

/** Executes a proposal at its eta (toEta left the head at eta - 1); asserts the execution succeeded. */
async function execute(chain: Chain, id: string): Promise<void> {
  const t = await submit(chain, dev(9), { type: "EXECUTE_PROPOSAL", proposalId: id });
  await produce(chain);
  const r = await chain.receipt(t.id);
  assert.deepEqual([r?.result, r?.errorCode], ["ok", undefined]);
}

/** `block`'s bytes with another signature. */
function withSignature(block: Block, signature: Uint8Array): Uint8Array {
  return encodeBlock(block.headerBytes, signature, block.txs);
}

/** The first slot after the head whose proposer by `set` (slot mod n) is `k`. */
function slotOf(chain: Chain, k: KeyPair, set: readonly Validator[]): number {
  let s = chain.head.slot + 1;
  while (set[s % set.length]!.address !== k.address) s++;
  return s;
}

describe("validator set in state on the real chain (SPEC v2 §4.8)", function () {
  this.timeout(120_000);
  const genesis: GenesisFile = testGenesis(2);
  let tc: TestChain;
  const dirs: string[] = [];
  let addAt = 0;
  let removeAt = 0;

  before(async () => {
    tc = await openTestChain({ genesis });
  });
  after(async () => {
    await tc.cleanup();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it("an added validator is pending until its activation height, then proposes its slots (validators[slot mod 3])", async () => {
    const chain = tc.chain;
    addAt = chain.head.height + 40;
    const { id, eta } = await toEta(chain, add(V2, addAt));
    await execute(chain, id);
    assert.equal(chain.head.height, eta);
    assert.deepEqual(addresses(chain.validators.current.validators), [V0.address, V1.address]);
    assert.deepEqual(
      chain.validators.current.pending.map((c) => [c.action, c.address, c.activationHeight, c.proposalId]),
      [["add", V2.address, addAt, id]],
    );
    // GET /validators: the set in force for the next block, and the pending add with blocks left.
    const app = createApi({ chain, metrics: new NodeMetrics(), peers: () => 0, syncing: () => false }, [
      validatorRoutes,
    ]);
    const res = await app.inject({ method: "GET", url: "/validators" });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), {
      height: eta,
      validators: [V0, V1].map((k) => ({ address: k.address, public_key: toHex(k.publicKey) })),
      pending: [
        {
          action: "add",
          address: V2.address,
          public_key: toHex(V2.publicKey),
          activation_height: addAt,
          blocks_left: addAt - eta,
          proposal_id: id,
        },
      ],
    });
    await runToHeight(chain, addAt - 2);
    // [REJECT] before the activation height: V2 does not own a slot of the block after the head.
    const early = await makeBlock(chain, { key: V2, slot: slotOf(chain, V2, [V0, V1, V2]) });
    const root = toHex(chain.head.stateRoot);
    await expectCode(chain.importBlock(early.bytes), BlockErrorCode.WRONG_PROPOSER);
    assert.equal(toHex(chain.head.stateRoot), root);
    // Off the head (a fork from two blocks back) a genesis validator in another's slot is still
    // rejected at the gate: no set this node's head has held gives it that slot.
    const forkParent = (await chain.blockAt(chain.head.height - 2))!;
    const wrongSlot =
      forkParent.header.slot +
      2 +
      (V0.address === [V0, V1][(forkParent.header.slot + 2) % 2]!.address ? 1 : 0);
    const offHead = await makeBlock(chain, { parent: forkParent, key: V0, slot: wrongSlot });
    await expectCode(chain.importBlock(offHead.bytes), BlockErrorCode.WRONG_PROPOSER);
    await runToHeight(chain, addAt - 1);
    // At the block before the activation height the next block's set already holds V2: nothing pending.
    const atActivation = (await app.inject({ method: "GET", url: "/validators" })).json();
    assert.deepEqual([atActivation.validators.length, atActivation.pending], [3, []]);
    await app.close();
    // From the activation height the schedule is the set of three, and V2's blocks are the head.
    const three = [V0, V1, V2].map((k) => ({ address: k.address, publicKey: k.publicKey }));
    assert.deepEqual(addresses(chain.validators.setAt(addAt)), addresses(three));
    const blocks: Block[] = [];
    for (let i = 0; i < 6; i++) blocks.push(await produce(chain));
    for (const b of blocks)
      assert.equal(b.header.proposer, three[b.header.slot % 3]!.address, `slot ${b.header.slot}`);
    assert.ok(blocks.some((b) => b.header.proposer === V2.address));
    const own = await makeBlock(chain, { key: V2, slot: slotOf(chain, V2, three) });
    assert.equal((await chain.importBlock(own.bytes)).status, "head");
  });

  it("a removed validator's blocks are refused from its activation height: at the gate, and by applyBlock behind a gate that lets them in", async () => {
    const chain = tc.chain;
    const at = chain.head.height + 40;
    const { id } = await toEta(chain, remove(V0, at));
    removeAt = at;
    await execute(chain, id);
    await runToHeight(chain, removeAt - 1);
    const three = [V0, V1, V2].map((k) => ({ address: k.address, publicKey: k.publicKey }));
    // V0's slot under the old set of three, for the block at the activation height.
    const forged = await makeBlock(chain, { key: V0, slot: slotOf(chain, V0, three) });
    const root = toHex(chain.head.stateRoot);
    await expectCode(chain.importBlock(forged.bytes), BlockErrorCode.WRONG_PROPOSER);
    assert.equal(toHex(chain.head.stateRoot), root);
    // The gossip topic's verdict: rejected (its sender penalised), not ignored.
    assert.deepEqual(await validateGossipBlock(chain, forged.bytes), {
      verdict: "reject",
      code: BlockErrorCode.WRONG_PROPOSER,
    });
    assert.equal(toHex(chain.head.stateRoot), root);

    // A follower whose gate trusts any known key: applyBlock refuses the block by the parent's state.
    const dir = await tempDir();
    dirs.push(dir);
    const db = await ChainDb.open(dir);
    const keys = new Map(three.map((v) => [v.address, v]));
    let follower: Chain | undefined;
    const trusting: ProposerSchedule = {
      proposerOf: (slot, height) => follower!.validators.proposerOf(slot, height),
      gateProposer: (h) => keys.get(h.proposer)!,
    };
    follower = await Chain.open({
      genesis,
      db,
      modules: createModules(),
      now: () => FAR_FUTURE_MS,
      proposers: trusting,
    });
    const canonical: Block[] = [];
    for (let h = 1; h <= chain.head.height; h++) canonical.push((await chain.blockAt(h))!);
    await importAll(follower, canonical);
    assert.equal(follower.head.hashHex, chain.head.hashHex);
    const digest = await stateDigest(db);
    const e = await expectCode(follower.importBlock(forged.bytes), BlockErrorCode.WRONG_PROPOSER);
    assert.equal(e.data?.expected, follower.validators.proposerOf(forged.header.slot, removeAt).address);
    assert.equal(follower.head.hashHex, chain.head.hashHex);
    assert.equal(await stateDigest(db), digest);
    // The follower knows the block invalid now: gossip of it again is rejected at once.
    assert.deepEqual(await validateGossipBlock(follower, forged.bytes), {
      verdict: "reject",
      code: BlockErrorCode.KNOWN_INVALID,
    });
    await follower.idle();
    await db.close();

    // The chain goes on with V1 and V2 in turn.
    const blocks: Block[] = [];
    for (let i = 0; i < 4; i++) blocks.push(await produce(chain));
    const two = [V1, V2].map((k) => k.address);
    for (const b of blocks) assert.equal(b.header.proposer, two[b.header.slot % 2], `slot ${b.header.slot}`);
    // The record folds changes in force into its set only when the next change executes.
    assert.deepEqual(
      chain.validators.current.pending.map((c) => [c.action, c.address, c.activationHeight]),
      [["remove", V0.address, removeAt]],
    );
    assert.deepEqual(addresses(chain.validators.current.validators), [V0.address, V1.address, V2.address]);
  });

  it("a restart keeps the record and its schedule; replay from genesis agrees on every root and signature", async () => {
    const record = JSON.stringify(tc.chain.validators.current, (_, v) =>
      v instanceof Uint8Array ? toHex(v) : v,
    );
    await tc.close();
    tc = await openTestChain({ genesis, dir: tc.dir });
    const after = JSON.stringify(tc.chain.validators.current, (_, v) =>
      v instanceof Uint8Array ? toHex(v) : v,
    );
    assert.equal(after, record);
    await produce(tc.chain);

    const dir = await tempDir("xai-replay-");
    dirs.push(dir);
    const scratch = await ChainDb.open(dir);
    try {
      const report = await replayChain({
        genesis,
        source: tc.db,
        scratch,
        modules: createModules(),
        blockVerifier: verifySignature,
        check: assertGovernanceInvariants,
      });
      assert.equal(report.headHeight, tc.chain.head.height);
      assert.ok(report.headHeight > removeAt && removeAt > addAt);
      assert.equal(report.mismatches, 0);
      assert.equal(report.blockSignatures, "verified");
      assert.equal(report.stateRoot, toHex(tc.chain.head.stateRoot));
    } finally {
      await scratch.close();
    }
  });
});

/**
 * X and Y share a prefix up to the eta of an add of V2 activating 40 blocks on; X executes it and
 * runs to 2 blocks past the activation, Y never executes it and runs 2 blocks further (heavier).
 */
async function executedOnXOnly(x: Chain, y: Chain): Promise<{ id: string; at: number; eta: number }> {
  const at = x.head.height + 40;
  const { id, eta } = await toEta(x, add(V2, at));
  const shared: Block[] = [];
  for (let h = 1; h <= x.head.height; h++) shared.push((await x.blockAt(h))!);
  await importAll(y, shared);
  await execute(x, id);
  await runToHeight(x, at + 2);
  await runToHeight(y, at + 4);
  return { id, at, eta };
}

describe("validator set: a reorg across an activation height (SPEC v2 §4.8)", function () {
  this.timeout(120_000);
  const genesis: GenesisFile = testGenesis(2);

  it("onto a longer branch where the add never executed: the old set and state come back exactly", async () => {
    const x = await openTestChain({ genesis });
    const y = await openTestChain({ genesis });
    try {
      const { id, at, eta } = await executedOnXOnly(x.chain, y.chain);
      assert.ok(x.chain.validators.current.pending.length === 1);
      const xBlocks: Block[] = [];
      for (let h = eta; h <= x.chain.head.height; h++) xBlocks.push((await x.chain.blockAt(h))!);
      assert.ok(
        xBlocks.some((b) => b.header.proposer === V2.address),
        "V2 proposed on X",
      );
      const yBlocks: Block[] = [];
      for (let h = eta; h <= y.chain.head.height; h++) yBlocks.push((await y.chain.blockAt(h))!);
      const statuses = await importAll(x.chain, yBlocks);
      assert.ok(statuses.includes("reorg"), statuses.join(","));
      assert.equal(x.chain.head.hashHex, y.chain.head.hashHex);
      assert.equal(await stateDigest(x.db), await stateDigest(y.db));
      assert.equal(await x.chain.state.get(VALIDATORS_KEY), undefined);
      assert.deepEqual(addresses(x.chain.validators.setAt(at + 10)), [V0.address, V1.address]);
      // Y never executed it: past its execution window there, it expired, and so it is on X now.
      assert.equal((await getProposal(x.chain.state, id))!.status, "expired");
      assert.deepEqual(await getProposal(x.chain.state, id), await getProposal(y.chain.state, id));
      // X goes on under the old set.
      const next = await produce(x.chain);
      assert.equal(next.header.proposer, [V0, V1][next.header.slot % 2]!.address);
    } finally {
      await x.cleanup();
      await y.cleanup();
    }
  });
  it("onto a heavier branch where an add this node never saw executed and the new validator proposed: checked on the branch's state, then adopted", async () => {
    const x = await openTestChain({ genesis });
    const y = await openTestChain({ genesis });
    try {
      // X executes the add and runs 6 blocks past its activation; Y never executes it (the
      // minority of a partition) and stays lighter. Y never held a record with V2 in it. Y holds
      // X's blocks before V2's first one as side blocks.
      const { at, xBlocks, firstV2, parent } = await neverSawAdd(x.chain, y.chain);
      const eta = xBlocks[0]!.header.height; // xBlocks are X's from the add's eta on
      const byV2 = xBlocks.filter((b) => b.header.proposer === V2.address);
      assert.equal(byV2[0], firstV2, "V2 proposed on X");
      assert.equal(y.chain.validators.gateProposer(firstV2.header), null, "Y's gate cannot name V2");
      const upTo = xBlocks.filter((b) => b.header.height < firstV2.header.height);

      // Bad inputs first, each refused with its code and nothing stored. A block in V2's first slot
      // signed by a key in no set, on X's stored branch: refused by the branch's state.
      const [digest, sides, head] = [await stateDigest(y.db), y.chain.sideBlockCount, y.chain.head.hashHex];
      const outsider = testKey("never-a-validator");
      const forged = await makeBlock(x.chain, { parent, key: outsider, slot: byV2[0]!.header.slot });
      await expectCode(y.chain.importBlock(forged.bytes), BlockErrorCode.WRONG_PROPOSER);
      // Not remembered (its signature was never checked, so anyone could fill that memory): asked
      // again, the same answer from the kept record.
      await expectCode(y.chain.importBlock(forged.bytes), BlockErrorCode.WRONG_PROPOSER);
      // The same, naming a parent nobody stores: ignored at the gate (no sync for it).
      const orphan = await makeBlock(x.chain, {
        parent,
        key: outsider,
        slot: byV2[0]!.header.slot,
        header: { parentHash: new Uint8Array(32).fill(7) },
      });
      await expectCode(y.chain.importBlock(orphan.bytes), BlockErrorCode.UNKNOWN_PROPOSER);
      // V2's real block with its signature broken: refused, not remembered (the honest copy follows).
      const broken = withSignature(byV2[0]!, new Uint8Array(64).fill(1));
      await expectCode(y.chain.importBlock(broken), BlockErrorCode.BAD_SIGNATURE);
      assert.deepEqual(
        [await stateDigest(y.db), y.chain.sideBlockCount, y.chain.head.hashHex],
        [digest, sides, head],
      );

      // The honest branch: V2's blocks pass on the state after their parents, and X's heavier tip wins.
      const statuses = await importAll(y.chain, xBlocks.slice(upTo.length));
      assert.ok(statuses.includes("reorg"), statuses.join(","));
      assert.equal(y.chain.head.hashHex, x.chain.head.hashHex);
      assert.equal(await stateDigest(y.db), await stateDigest(x.db));
      assert.deepEqual(addresses(y.chain.validators.setAt(at)), [V0.address, V1.address, V2.address]);
      // Y goes on under the set of three.
      const next = await produce(y.chain);
      assert.equal(next.header.proposer, [V0, V1, V2][next.header.slot % 3]!.address);

      // The records of canonical blocks come from the undo records, block by block.
      const records = new BranchRecords(genesis.validators);
      const own = { sideBlocks: undefined as never, markInvalid: () => assert.fail("nothing is invalid") };
      const seen: Array<[number, string[], Array<[string, number]>]> = [];
      for (const h of [eta - 1, eta, next.header.height]) {
        const b = (await y.chain.blockAt(h))!;
        const r = await records.after(y.chain, own, b.hash, b.hashHex);
        seen.push([h, addresses(r.validators), r.pending.map((c) => [c.address, c.activationHeight])]);
      }
      assert.deepEqual(seen, [
        [eta - 1, [V0.address, V1.address], []],
        [eta, [V0.address, V1.address], [[V2.address, at]]],
        [next.header.height, [V0.address, V1.address], [[V2.address, at]]],
      ]);
    } finally {
      await x.cleanup();
      await y.cleanup();
    }
  });
  it("after a restart too: the gate knows the sets of the reorg window from the undo records", async () => {
    let x = await openTestChain({ genesis });
    const y = await openTestChain({ genesis });
    try {
      const { at, eta } = await executedOnXOnly(x.chain, y.chain);
      // X restarts: before the fix its gate knew only the head's set (V0, V1, V2) and refused Y's
      // blocks proposed under the old one (V0, V1) in the slots where the two differ.
      await x.close();
      x = await openTestChain({ genesis, dir: x.dir });
      const yBlocks: Block[] = [];
      for (let h = eta; h <= y.chain.head.height; h++) yBlocks.push((await y.chain.blockAt(h))!);
      const statuses = await importAll(x.chain, yBlocks);
      assert.ok(statuses.includes("reorg"), statuses.join(","));
      assert.equal(x.chain.head.hashHex, y.chain.head.hashHex);
      assert.equal(await stateDigest(x.db), await stateDigest(y.db));
      assert.deepEqual(addresses(x.chain.validators.setAt(at + 10)), [V0.address, V1.address]);
    } finally {
      await x.cleanup();
      await y.cleanup();
    }
  });
});

/**
 * X executes an add of V2 (activation `at`) and runs 6 blocks past it; Y never executes it, stays
 * at `at` + 2, and holds X's blocks before V2's first one as side blocks.
 */
async function neverSawAdd(x: Chain, y: Chain) {
  const at = x.head.height + 40;
  const { id, eta } = await toEta(x, add(V2, at));
  const shared: Block[] = [];
  for (let h = 1; h <= x.head.height; h++) shared.push((await x.blockAt(h))!);
  await importAll(y, shared);
  await execute(x, id);
  await runToHeight(x, at + 6);
  await runToHeight(y, at + 2);
  const xBlocks: Block[] = [];
  for (let h = eta; h <= x.head.height; h++) xBlocks.push((await x.blockAt(h))!);
  const firstV2 = xBlocks.find((b) => b.header.proposer === V2.address)!;
  const upTo = xBlocks.filter((b) => b.header.height < firstV2.header.height);
  assert.deepEqual(new Set(await importAll(y, upTo)), new Set(["side"]));
  return { at, xBlocks, firstV2, parent: upTo[upTo.length - 1]! };
}

describe("validator set: a block judged on its own branch's state, bad inputs (review of v2 §4.8)", function () {
  this.timeout(120_000);
  const genesis: GenesisFile = testGenesis(2);
  let x: TestChain;
  let y: TestChain;
  beforeEach(async () => {
    x = await openTestChain({ genesis });
    y = await openTestChain({ genesis });
  });
  afterEach(async () => {
    await x.cleanup();
    await y.cleanup();
  });

  it("a known validator in a slot no known set gives it: its signature checked at the gate, then refused by the branch's state before its body is decoded", async () => {
    const { at, parent } = await neverSawAdd(x.chain, y.chain);
    // A slot that is V1's under Y's set of two and not V0's under X's set of three.
    let slot = parent.header.slot + 1;
    while (slot % 2 !== 1 || slot % 3 === 0) slot++;
    assert.ok(parent.header.height + 1 >= at);
    const wrong = await makeBlock(x.chain, { parent, key: V0, slot });
    assert.equal(y.chain.validators.gateProposer(wrong.header), null);
    const [digest, sides] = [await stateDigest(y.db), y.chain.sideBlockCount];
    // A body that would not decode (a trailing unknown field): the branch check refuses it first.
    const undecodable = new Uint8Array([...wrong.bytes, 0x78, 0x01]);
    await expectCode(y.chain.importBlock(undecodable), BlockErrorCode.WRONG_PROPOSER);
    // Its signature broken: refused at the gate, before any branch work.
    await expectCode(
      y.chain.importBlock(withSignature(wrong, new Uint8Array(64).fill(2))),
      BlockErrorCode.BAD_SIGNATURE,
    );
    await expectCode(y.chain.importBlock(wrong.bytes), BlockErrorCode.WRONG_PROPOSER);
    assert.deepEqual([await stateDigest(y.db), y.chain.sideBlockCount], [digest, sides]);
  });

  it("a branch holding an invalid block: the header naming it is refused, and the invalid block and its descendants are remembered", async () => {
    const { parent } = await neverSawAdd(x.chain, y.chain);
    // B1: a side block in V(slot mod 2)'s slot with a wrong state root, signed; B2 on it.
    const s1 = parent.header.slot + 1;
    const b1 = await makeBlock(x.chain, {
      parent,
      slot: s1,
      key: [V0, V1][s1 % 2]!,
      header: { stateRoot: new Uint8Array(32).fill(9) },
    });
    const b2 = await makeBlock(x.chain, { parent: b1, slot: s1 + 1, key: [V0, V1][(s1 + 1) % 2]! });
    assert.deepEqual(await importAll(y.chain, [b1, b2]), ["side", "side"]);
    const forged = await makeBlock(x.chain, { parent: b2, key: testKey("nobody"), slot: s1 + 2 });
    await expectCode(y.chain.importBlock(forged.bytes), BlockErrorCode.KNOWN_INVALID);
    // Both are remembered invalid (b2 too, built on b1): sent again, refused at the gate at once.
    await expectCode(y.chain.importBlock(b1.bytes), BlockErrorCode.KNOWN_INVALID);
    await expectCode(y.chain.importBlock(b2.bytes), BlockErrorCode.KNOWN_INVALID);
    assert.deepEqual(
      [await validateGossipBlock(y.chain, forged.bytes)],
      [{ verdict: "reject", code: BlockErrorCode.KNOWN_INVALID }],
    );
    const again = await makeBlock(x.chain, { parent: b2, key: testKey("nobody-else"), slot: s1 + 3 });
    await expectCode(y.chain.importBlock(again.bytes), BlockErrorCode.KNOWN_INVALID);
  });

  it("on a canonical parent: refused as final below the final height, by the header checks, and by the record from the undo records", async () => {
    const short = testGenesis(2, (json) => {
      json.finality_depth = 3;
    });
    const z = await openTestChain({ genesis: short });
    try {
      await runToHeight(z.chain, 10);
      assert.equal(z.chain.finalizedHeight, 7);
      const nobody = testKey("nobody");
      const on = async (height: number, header: Partial<BlockHeader> = {}) => {
        const parent = (await z.chain.blockAt(height))!;
        return makeBlock(z.chain, { parent, key: nobody, slot: parent.header.slot + 1, header });
      };
      const digest = await stateDigest(z.db);
      await expectCode(z.chain.importBlock((await on(1)).bytes), BlockErrorCode.REVERTS_FINALIZED);
      const nine = (await z.chain.blockAt(9))!;
      await expectCode(z.chain.importBlock((await on(8, { height: 11 })).bytes), BlockErrorCode.BAD_HEIGHT);
      await expectCode(
        z.chain.importBlock((await on(8, { slot: nine.header.slot - 1 })).bytes),
        BlockErrorCode.BAD_SLOT,
      );
      const e = await expectCode(z.chain.importBlock((await on(9)).bytes), BlockErrorCode.WRONG_PROPOSER);
      assert.match(e.message, new RegExp(proposerKey(short, nine.header.slot + 1).address));
      assert.deepEqual(
        [await stateDigest(z.db), z.chain.head.height, z.chain.sideBlockCount],
        [digest, 10, 0],
      );

      // A side block P at height 8, and a header on it queued behind the block that makes P final
      // (and prunes it): by its turn the parent is gone, and it is left unjudged.
      const seven = (await z.chain.blockAt(7))!;
      const pSlot = nine.header.slot + 5;
      const p = await makeBlock(z.chain, { parent: seven, slot: pSlot });
      assert.equal((await z.chain.importBlock(p.bytes)).status, "side");
      const onP = await makeBlock(z.chain, { parent: p, key: nobody, slot: pSlot + 1 });
      const next = produce(z.chain);
      const raced = z.chain.importBlock(onP.bytes);
      await next;
      assert.equal(z.chain.sideBlockCount, 0, "P was pruned");
      await expectCode(raced, BlockErrorCode.UNKNOWN_PROPOSER);
    } finally {
      await z.cleanup();
    }
  });
});
