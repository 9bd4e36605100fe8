// Floods and forged blocks (SPEC v2 §3 "Cheap checks come first and nothing unauthenticated is
// expensive", "Storage ... side-branch blocks"; review A5, A8, C3). No timing asserts: each test
// counts work (transactions applied, signatures verified, stored-block reads) or the order in
// which queued jobs ran.
import assert from "node:assert/strict";
import { JobQueue } from "../../../src/chain/jobQueue.js";
import { proposerOfSlot } from "../../../src/config/genesis.js";
import { bytesEqual } from "../../../src/crypto/bytes.js";
import { sha256 } from "../../../src/crypto/hash.js";
import { devKeyPair, type KeyPair } from "../../../src/crypto/keys.js";
import { type Verifier, verifySignature } from "../../../src/crypto/verify.js";
import { followUpOf, validateGossipBlock } from "../../../src/network/gossipValidation.js";
import { createModules } from "../../../src/node/modules.js";
import { getAccount } from "../../../src/state-transition/accounts.js";
import type { StateModule } from "../../../src/state-transition/module.js";
import type { Block } from "../../../src/types/block.js";
import { BlockErrorCode, TxErrorCode } from "../../../src/types/errors.js";
import {
  expectCode,
  makeBlock,
  openTestChain,
  produce,
  proposerKey,
  runToHeight,
  snapshot,
  type TestChain,
  testGenesis,
  testKey,
  transferTx,
} from "../../utils/testChain.js";

const sink = testKey("sink").address;

/** A genesis without the proportional transfer fee, so that balances are round numbers. */
const flatFee = testGenesis(1, (json) => {
  json.params = { transaction_fee_bps: "0" };
});

/** A verifier that counts its calls. */
function countingVerifier(): { verifier: Verifier; calls: () => number } {
  let n = 0;
  return {
    verifier: (sig, msg, key) => {
      n++;
      return verifySignature(sig, msg, key);
    },
    calls: () => n,
  };
}

/** The node's modules, with the bank's applyTx counted (one call per transfer applied). */
function countingModules(): { modules: StateModule[]; applied: () => number } {
  let n = 0;
  const modules = createModules().map((m) =>
    m.name === "bank"
      ? {
          ...m,
          applyTx: (ctx: Parameters<StateModule["applyTx"]>[0]) => {
            n++;
            return m.applyTx(ctx);
          },
        }
      : m,
  );
  return { modules, applied: () => n };
}

function transfers(key: KeyPair, from: bigint, count: number, amount = 1n): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => transferTx(key, sink, amount, { nonce: from + BigInt(i) }));
}

describe("A5: block import and production never wait behind admission", () => {
  it("A5: the queue runs a block job queued behind 512 admissions next", async () => {
    const q = new JobQueue(10_000);
    const order: string[] = [];
    const job = (name: string) => async () => {
      order.push(name);
    };
    const admissions = Array.from({ length: 512 }, (_, i) => q.run("admission", job(`tx${i}`)));
    const block = q.run("block", job("block"));
    await Promise.all([...admissions, block]);
    // The first admission was already running when the block job came; the block job is next.
    assert.deepEqual(order.slice(0, 3), ["tx0", "block", "tx1"]);
    assert.equal(order.length, 513);
    assert.equal(q.length, 0);
  });

  it("A5: each lane has its own bound: a full admission lane does not refuse a block", async () => {
    const q = new JobQueue(2);
    const gate: { open?: () => void } = {};
    const first = q.run("admission", () => new Promise<void>((r) => (gate.open = r)));
    const queued = [q.run("admission", async () => 1), q.run("admission", async () => 2)];
    await expectCode(
      q.run("admission", async () => 3),
      "NODE_BUSY",
    );
    const block = q.run("block", async () => "block");
    assert.equal(q.waitingIn("block"), 1);
    gate.open?.();
    assert.equal(await block, "block");
    assert.deepEqual(await Promise.all(queued), [1, 2]);
    await first;
  });

  describe("on a chain", () => {
    let t: TestChain;

    afterEach(async () => {
      await t.cleanup();
    });

    it("A5: produceBlock issued behind 512 queued admissions runs next, and they run after it on the new head", async () => {
      t = await openTestChain();
      const txs = [...transfers(devKeyPair(0), 0n, 256), ...transfers(devKeyPair(1), 0n, 256)];
      let settled = 0;
      const admissions = txs.map((b) => t.chain.submitTx(b).then(() => settled++));
      const block = await produce(t.chain);
      const settledWhenProduced = settled;
      await Promise.all(admissions);
      // Only the admission already running when production was asked for went into the block.
      assert.equal(block.txs.length, 1);
      assert.ok(bytesEqual(block.txs[0]!, txs[0]!));
      assert.ok(settledWhenProduced <= 1, `${settledWhenProduced} admissions ran before the block`);
      // The 511 queued behind it were admitted against the new head: dev 0's from nonce 1.
      assert.equal(t.chain.head.height, 1);
      assert.equal(t.chain.mempool.size, 511);
      assert.equal(t.chain.mempool.pendingOf(devKeyPair(0).address).length, 255);
      assert.equal(t.chain.mempool.pendingOf(devKeyPair(0).address)[0]!.body.nonce, 1n);
    });

    it("A5: a block import issued behind 128 queued admissions runs next", async () => {
      const genesis = testGenesis(1);
      t = await openTestChain({ genesis });
      const peer = await openTestChain({ genesis });
      try {
        const b1 = await produce(peer.chain);
        const txs = transfers(devKeyPair(7), 0n, 128);
        const order: string[] = [];
        const admissions = txs.map((b, i) => t.chain.submitTx(b).then(() => order.push(`tx${i}`)));
        const imported = t.chain.importBlock(b1.bytes).then((r) => order.push(`import:${r.status}`));
        await Promise.all([...admissions, imported]);
        assert.deepEqual(order.slice(0, 3), ["tx0", "import:head", "tx1"]);
        assert.equal(t.chain.head.hashHex, b1.hashHex);
        assert.equal(t.chain.mempool.size, 128);
      } finally {
        await peer.cleanup();
      }
    });

    it("A5: admission at depth 256 applies 1 transaction (and at depth 1)", async () => {
      const c = countingModules();
      t = await openTestChain({ modules: c.modules, mempool: { maxPerSender: 300 } });
      const key = devKeyPair(2);
      const txs = transfers(key, 0n, 258);
      await t.chain.submitTx(txs[0]!);
      let before = c.applied();
      await t.chain.submitTx(txs[1]!); // one pending
      assert.equal(c.applied() - before, 1);
      for (const b of txs.slice(2, 256)) await t.chain.submitTx(b);
      assert.equal(t.chain.mempool.pendingOf(key.address).length, 256);
      before = c.applied();
      await t.chain.submitTx(txs[256]!); // 256 pending
      assert.equal(c.applied() - before, 1, "applied once, not after all 256 pending ones again");
      assert.equal(t.chain.mempool.pendingOf(key.address).length, 257);
    });

    it("A5: the pending overlay carries the pending spend, and is rebuilt correctly after a block", async () => {
      const counted = countingVerifier();
      t = await openTestChain({ genesis: flatFee, verifier: counted.verifier });
      const key = devKeyPair(3);
      const { balance } = await getAccount(t.chain.state, key.address);
      // tx0 leaves exactly 5,000 units; tx1 (fee 1,000, amount 1,000) leaves 3,000.
      await t.chain.submitTx(transferTx(key, sink, balance - 6_000n, { nonce: 0n }));
      await t.chain.submitTx(transferTx(key, sink, 1_000n, { nonce: 1n }));
      const before = await snapshot(t.chain, [key.address]);
      let calls = counted.calls();
      // A fee of 4,000 is not covered after the pending ones: refused before its signature.
      const over = transferTx(key, sink, 1n, { nonce: 2n, fee: 4_000n });
      await expectCode(t.chain.submitTx(over), TxErrorCode.INSUFFICIENT_BALANCE);
      assert.equal(counted.calls(), calls, "no signature verified");
      assert.deepEqual(await snapshot(t.chain, [key.address]), before);
      // A block includes both; the view is rebuilt on the new head: 3,000 units left.
      const block = await produce(t.chain);
      assert.equal(block.txs.length, 2);
      assert.equal((await getAccount(t.chain.state, key.address)).balance, 3_000n);
      await t.chain.submitTx(transferTx(key, sink, 1_000n, { nonce: 2n })); // leaves 1,000
      calls = counted.calls();
      const over2 = transferTx(key, sink, 1n, { nonce: 3n, fee: 2_000n });
      await expectCode(t.chain.submitTx(over2), TxErrorCode.INSUFFICIENT_BALANCE);
      assert.equal(counted.calls(), calls);
      await expectCode(
        t.chain.submitTx(transferTx(key, sink, 1n, { nonce: 3n, fee: 999n })),
        TxErrorCode.FEE_TOO_LOW,
      );
      assert.equal(counted.calls(), calls);
      assert.equal(t.chain.mempool.pendingOf(key.address).length, 1);
    });

    it("A5: a replacement starts from the state after the earlier pending ones", async () => {
      const c = countingModules();
      t = await openTestChain({ genesis: flatFee, modules: c.modules });
      const key = devKeyPair(4);
      const { balance } = await getAccount(t.chain.state, key.address);
      await t.chain.submitTx(transferTx(key, sink, balance - 10_000n, { nonce: 0n })); // leaves 9,000
      for (const n of [1n, 2n, 3n]) await t.chain.submitTx(transferTx(key, sink, 1n, { nonce: n }));
      // Replace nonce 1 paying more than 9,000 in all: refused on the state after nonce 0 only.
      await expectCode(
        t.chain.submitTx(transferTx(key, sink, 8_000n, { nonce: 1n, fee: 1_100n })),
        TxErrorCode.INSUFFICIENT_BALANCE,
      );
      assert.equal(t.chain.mempool.pendingOf(key.address).length, 4);
      const before = c.applied();
      await t.chain.submitTx(transferTx(key, sink, 7_000n, { nonce: 1n, fee: 1_100n })); // leaves 900
      assert.equal(c.applied() - before, 1);
      const pending = t.chain.mempool.pendingOf(key.address);
      assert.deepEqual(
        pending.map((p) => p.body.nonce),
        [0n, 1n],
      );
      // The view follows the replacement: 900 units do not cover another 1,000 fee.
      await expectCode(
        t.chain.submitTx(transferTx(key, sink, 1n, { nonce: 2n })),
        TxErrorCode.INSUFFICIENT_BALANCE,
      );
    });

    it("A5: a transaction from an unfunded key is refused without a signature verification", async () => {
      const counted = countingVerifier();
      t = await openTestChain({ verifier: counted.verifier });
      const before = await snapshot(t.chain);
      for (let i = 0; i < 64; i++) {
        const fresh = testKey(`unfunded-${i}`);
        await expectCode(
          t.chain.submitTx(transferTx(fresh, sink, 1n, { nonce: 0n })),
          TxErrorCode.INSUFFICIENT_BALANCE,
        );
      }
      assert.equal(counted.calls(), 0);
      assert.deepEqual(await snapshot(t.chain), before);
      // A funded key's transaction with a bad signature still reaches the signature check.
      const dev = devKeyPair(5);
      const forged = transferTx(dev, sink, 1n, { nonce: 0n, signer: testKey("other") });
      await expectCode(t.chain.submitTx(forged), TxErrorCode.BAD_SIGNATURE);
      assert.equal(counted.calls(), 1);
      assert.deepEqual(await snapshot(t.chain), before);
    });
  });
});

describe("A8: a gossiped block's signature is checked before its body or parent", () => {
  let t: TestChain;
  const genesis = testGenesis(2);

  afterEach(async () => {
    await t.cleanup();
  });

  /** Counts stored-block reads (the parent lookup is one). */
  function countBlockReads(tc: TestChain): () => number {
    let n = 0;
    const original = tc.db.getBlockBytes.bind(tc.db);
    tc.db.getBlockBytes = (hash: Uint8Array) => {
      n++;
      return original(hash);
    };
    return () => n;
  }

  /** A block naming a random parent, signed by a key that is not the slot's proposer's. */
  async function forged(tc: TestChain, seed: string, slot = 7): Promise<Block> {
    const proposer = proposerOfSlot(tc.genesis, slot).address;
    return makeBlock(tc.chain, {
      slot,
      header: { parentHash: sha256(new TextEncoder().encode(seed)), height: 5, proposer },
      key: testKey("forger"),
    });
  }

  it("A8: a forged block with a random parent and a bad signature: reject BLOCK_BAD_SIGNATURE, penalty, no sync", async () => {
    const counted = countingVerifier();
    t = await openTestChain({ genesis, verifier: counted.verifier });
    const block = await forged(t, "random parent");
    const reads = countBlockReads(t);
    const before = await snapshot(t.chain);
    const r = await validateGossipBlock(t.chain, block.bytes);
    assert.deepEqual(r, { verdict: "reject", code: BlockErrorCode.BAD_SIGNATURE });
    assert.deepEqual(followUpOf("block", r), { penalise: true, sync: false, spendBudget: false });
    assert.equal(reads(), 0, "no parent lookup");
    assert.equal(counted.calls(), 1);
    assert.equal(t.chain.queueLength, 0);
    assert.deepEqual(await snapshot(t.chain), before);
  });

  it("A8: the body is never decoded: a forged block whose body would not decode is still BLOCK_BAD_SIGNATURE", async () => {
    t = await openTestChain({ genesis });
    const block = await forged(t, "another parent");
    // A trailing unknown field: the whole-block decode would refuse it (BLOCK_NON_CANONICAL).
    const bytes = new Uint8Array([...block.bytes, 0x78, 0x01]);
    await expectCode(t.chain.importBlock(bytes), BlockErrorCode.BAD_SIGNATURE);
    // The same bytes with the honest proposer's signature reach the body: now they are refused there.
    const honest = await makeBlock(t.chain, { header: { parentHash: block.header.parentHash, height: 5 } });
    await expectCode(
      t.chain.importBlock(new Uint8Array([...honest.bytes, 0x78, 0x01])),
      BlockErrorCode.NON_CANONICAL,
    );
  });

  it("A8, v2 §4.8: a block from a key in no known set naming an unknown parent: ignored (BLOCK_UNKNOWN_PROPOSER) before any signature check or parent read; no queue place, no sync, spends the sender's budget", async () => {
    const counted = countingVerifier();
    t = await openTestChain({ genesis, verifier: counted.verifier });
    const reads = countBlockReads(t);
    const before = await snapshot(t.chain);
    const block = await makeBlock(t.chain, {
      key: testKey("not-a-validator"),
      header: { parentHash: new Uint8Array(32).fill(7), height: 9 },
    });
    // It may be honest (a validator added on a branch this node has not seen), so it is not
    // rejected; but it is unsigned as far as this node can tell, so it costs nothing and starts no sync.
    const r = await validateGossipBlock(t.chain, block.bytes);
    assert.deepEqual(r, { verdict: "ignore", code: BlockErrorCode.UNKNOWN_PROPOSER });
    assert.deepEqual(followUpOf("block", r), { penalise: false, sync: false, spendBudget: true });
    assert.deepEqual([reads(), counted.calls(), t.chain.queueLength], [0, 0, 0]);
    assert.deepEqual(await snapshot(t.chain), before);
  });

  it("A8, v2 §4.8: a known validator in a slot it owns under no known set: its signature is still checked at the gate (bad: reject; good, unknown parent: ignore and sync)", async () => {
    const counted = countingVerifier();
    t = await openTestChain({ genesis, verifier: counted.verifier });
    const reads = countBlockReads(t);
    const before = await snapshot(t.chain);
    // Slot 7 is V1's under the genesis set; V0 signs it (on another branch the set may differ).
    const other = proposerKey(genesis, 6);
    assert.notEqual(other.address, proposerOfSlot(genesis, 7).address);
    const parentHash = new Uint8Array(32).fill(5);
    const bad = await makeBlock(t.chain, {
      slot: 7,
      key: other,
      header: { parentHash, height: 5 },
      signature: new Uint8Array(64).fill(3),
    });
    const r1 = await validateGossipBlock(t.chain, bad.bytes);
    assert.deepEqual(r1, { verdict: "reject", code: BlockErrorCode.BAD_SIGNATURE });
    assert.deepEqual([reads(), counted.calls()], [0, 1]);
    const good = await makeBlock(t.chain, { slot: 7, key: other, header: { parentHash, height: 5 } });
    const r2 = await validateGossipBlock(t.chain, good.bytes);
    assert.deepEqual(r2, { verdict: "ignore", code: BlockErrorCode.UNKNOWN_PARENT });
    assert.deepEqual(followUpOf("block", r2), { penalise: false, sync: true, spendBudget: false });
    assert.deepEqual([reads(), counted.calls(), t.chain.queueLength], [0, 2, 0]);
    assert.deepEqual(await snapshot(t.chain), before);
  });

  it("A8: an unknown-parent block with a good signature is ignored and may start a sync", async () => {
    t = await openTestChain({ genesis });
    const block = await makeBlock(t.chain, { header: { parentHash: new Uint8Array(32).fill(9), height: 4 } });
    const r = await validateGossipBlock(t.chain, block.bytes);
    assert.deepEqual(r, { verdict: "ignore", code: BlockErrorCode.UNKNOWN_PARENT });
    assert.deepEqual(followUpOf("block", r), { penalise: false, sync: true, spendBudget: false });
  });
});

describe("C3: side blocks stored before a restart", () => {
  const genesis = testGenesis(2, (json) => {
    json.finality_depth = 3;
  });
  let t: TestChain;

  afterEach(async () => {
    await t.cleanup();
  });

  /** A height-2 block on block 1 at a later slot than the canonical one: it loses, and is stored. */
  async function sideBlock(tc: TestChain, parent: Block, slot: number): Promise<Block> {
    const side = await makeBlock(tc.chain, { parent, slot });
    assert.equal((await tc.chain.importBlock(side.bytes)).status, "side");
    return side;
  }

  it("C3: a side block stored before a restart is pruned once final after it", async () => {
    t = await openTestChain({ genesis });
    const [b1] = await runToHeight(t.chain, 2);
    const side = await sideBlock(t, b1!, 9);
    assert.equal(t.chain.sideBlockCount, 1);
    await t.close();
    t = await openTestChain({ genesis, dir: t.dir });
    assert.equal(t.chain.sideBlockCount, 1, "the index survives the restart");
    assert.ok(await t.db.getBlockBytes(side.hash));
    await runToHeight(t.chain, 4); // final 1: height 2 not final yet
    assert.equal(t.chain.sideBlockCount, 1);
    assert.ok(await t.db.getBlockBytes(side.hash));
    await runToHeight(t.chain, 5); // final 2
    assert.equal(t.chain.sideBlockCount, 0);
    assert.equal(await t.db.getBlockBytes(side.hash), undefined);
    assert.deepEqual(await t.db.sideBlockIndex(), []);
  });

  it("C3: a database written before the index existed is indexed once at startup", async () => {
    t = await openTestChain({ genesis });
    const [b1] = await runToHeight(t.chain, 2);
    const side = await sideBlock(t, b1!, 9);
    // As the previous release left it: the side block stored, no index, no side_index entry.
    await t.db.batch().delSideBlock(2, side.hash).delMeta("side_index").write();
    assert.deepEqual(await t.db.sideBlockIndex(), []);
    await t.close();
    t = await openTestChain({ genesis, dir: t.dir });
    assert.equal(t.chain.sideBlockCount, 1);
    const index = await t.db.sideBlockIndex();
    assert.deepEqual(
      index.map((e) => e.height),
      [2],
    );
    assert.ok(bytesEqual(index[0]!.hash, side.hash));
    await runToHeight(t.chain, 5);
    assert.equal(await t.db.getBlockBytes(side.hash), undefined);
  });

  it("C3: the side-block cap counts blocks stored before a restart", async () => {
    t = await openTestChain({ genesis, maxSideBlocks: 2 });
    const [b1] = await runToHeight(t.chain, 2);
    await sideBlock(t, b1!, 9);
    await sideBlock(t, b1!, 11);
    await t.close();
    t = await openTestChain({ genesis, dir: t.dir, maxSideBlocks: 2 });
    assert.equal(t.chain.sideBlockCount, 2);
    const third = await sideBlock(t, b1!, 13);
    assert.equal(await t.db.getBlockBytes(third.hash), undefined, "over the cap: not stored");
    assert.equal(t.chain.sideBlockCount, 2);
  });

  it("C3: a reorg moves blocks between canonical and the index, and the index survives a restart", async () => {
    t = await openTestChain({ genesis });
    const other = await openTestChain({ genesis });
    try {
      const [b1, b2] = await runToHeight(t.chain, 2);
      await other.chain.importBlock(b1!.bytes);
      // The other node builds heights 2 and 3 on block 1: a longer branch.
      const [c2, c3] = [await produce(other.chain, 9), await produce(other.chain, 10)];
      assert.equal((await t.chain.importBlock(c2.bytes)).status, "side");
      assert.deepEqual(
        (await t.db.sideBlockIndex()).map((e) => e.height),
        [2],
      );
      assert.equal((await t.chain.importBlock(c3.bytes)).status, "reorg");
      // c2 is canonical now; the reverted b2 is a side block, persisted as one.
      const index = await t.db.sideBlockIndex();
      assert.equal(index.length, 1);
      assert.ok(bytesEqual(index[0]!.hash, b2!.hash));
      await t.close();
      t = await openTestChain({ genesis, dir: t.dir });
      assert.equal(t.chain.sideBlockCount, 1);
      await runToHeight(t.chain, 5); // final 2: b2 pruned
      assert.equal(await t.db.getBlockBytes(b2!.hash), undefined);
      assert.ok(await t.db.getBlockBytes(c2.hash), "the canonical block at that height stays");
      assert.equal(t.chain.sideBlockCount, 0);
    } finally {
      await other.cleanup();
    }
  });
});
