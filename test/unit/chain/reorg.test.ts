import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { Chain, type NewHeadEvent } from "../../../src/chain/chain.js";
import { isPreferred, type TipInfo } from "../../../src/chain/forkChoice.js";
import { replayChain } from "../../../src/chain/replay.js";
import type { GenesisFile } from "../../../src/config/genesis.js";
import { compareBytes, toHex, u64be, utf8 } from "../../../src/crypto/bytes.js";
import { sha256 } from "../../../src/crypto/hash.js";
import { devKeyPair } from "../../../src/crypto/keys.js";
import { verifySignature } from "../../../src/crypto/verify.js";
import { bucketKey, DbBucket } from "../../../src/db/buckets.js";
import { ChainDb } from "../../../src/db/chainDb.js";
import { DbErrorCode } from "../../../src/db/errors.js";
import { createModules } from "../../../src/node/modules.js";
import { getAccount } from "../../../src/state-transition/accounts.js";
import { assertChainInvariants } from "../../../src/state-transition/invariants.js";
import { accountKey } from "../../../src/state-transition/keys.js";
import type { Block } from "../../../src/types/block.js";
import { BlockErrorCode } from "../../../src/types/errors.js";
import { decodeTx } from "../../../src/types/txCodec.js";
import {
  expectCode,
  FAR_FUTURE_MS,
  importAll,
  makeBlock,
  openTestChain,
  produce,
  snapshot,
  stateDigest,
  stateDump,
  type TestChain,
  tempDir,
  testGenesis,
  testKey,
  transferTx,
} from "../../utils/testChain.js";

// Fork choice and reorgs (SPEC §3): most blocks, then the lowest tip slot, then the lowest hash;
// a reorg reverts state exactly with undo records, never below the final height, and all or nothing.

const genesis = testGenesis(2);
const [alice, dev2, dev3, dev4, dev5] = [0, 2, 3, 4, 5].map((i) => devKeyPair(i)) as [
  ReturnType<typeof devKeyPair>,
  ReturnType<typeof devKeyPair>,
  ReturnType<typeof devKeyPair>,
  ReturnType<typeof devKeyPair>,
  ReturnType<typeof devKeyPair>,
];
const carol = testKey("carol").address;
const dave = testKey("dave").address;
const WATCHED = [alice, dev2, dev3, dev4, dev5].map((k) => k.address).concat([carol, dave]);

const id = (bytes: Uint8Array): string => decodeTx(bytes).id;

/** Three nodes of one genesis: X builds branch A, Y builds branch B, Z sees both. */
interface Net {
  x: TestChain;
  y: TestChain;
  z: TestChain;
  cleanup(): Promise<void>;
}

async function openNet(g: GenesisFile = genesis): Promise<Net> {
  const x = await openTestChain({ genesis: g });
  const y = await openTestChain({ genesis: g });
  const z = await openTestChain({ genesis: g });
  return {
    x,
    y,
    z,
    async cleanup() {
      await x.cleanup();
      await y.cleanup();
      await z.cleanup();
    },
  };
}

/** Produces `n` blocks on `t` at the given slots (or the next ones), submitting `txs[i]` before block i. */
async function branch(t: TestChain, slots: number[], txs: Uint8Array[][] = []): Promise<Block[]> {
  const out: Block[] = [];
  for (const [i, slot] of slots.entries()) {
    for (const tx of txs[i] ?? []) await t.chain.submitTx(tx);
    out.push(await produce(t.chain, slot));
  }
  return out;
}

describe("fork choice: isPreferred", () => {
  const h = (s: string) => sha256(utf8(s));
  const [lo, hi] = [h("a"), h("b")].sort(compareBytes) as [Uint8Array, Uint8Array];
  const tip = (height: number, slot: number, hash: Uint8Array): TipInfo => ({ height, slot, hash });

  it("more blocks win, whatever the slot and hash", () => {
    assert.equal(isPreferred(tip(5, 100, hi), tip(4, 4, lo)), true);
    assert.equal(isPreferred(tip(4, 4, lo), tip(5, 100, hi)), false);
  });

  it("same height: the lower tip slot wins, whatever the hash", () => {
    assert.equal(isPreferred(tip(5, 6, hi), tip(5, 7, lo)), true);
    assert.equal(isPreferred(tip(5, 7, lo), tip(5, 6, hi)), false);
  });

  it("same height and slot: the lower hash wins", () => {
    assert.equal(isPreferred(tip(5, 6, lo), tip(5, 6, hi)), true);
    assert.equal(isPreferred(tip(5, 6, hi), tip(5, 6, lo)), false);
  });

  it("a tip is not preferred to itself", () => {
    assert.equal(isPreferred(tip(5, 6, lo), tip(5, 6, new Uint8Array(lo))), false);
  });
});

describe("reorg", () => {
  let net: Net;
  // Transactions: c0 is common; a1 (A only, still valid on B); a2 (dev3 nonce 0, B spends that nonce
  // on b3); shared (same bytes on both branches); b1, b3 (B only); p1 (pending at Z on top of a1).
  const c0 = transferTx(alice, carol, 1_000n, { nonce: 0n });
  const a1 = transferTx(dev2, carol, 100n, { nonce: 0n });
  const a2 = transferTx(dev3, carol, 5n, { nonce: 0n });
  const shared = transferTx(dev4, carol, 44n, { nonce: 0n });
  const b1 = transferTx(dev5, dave, 50n, { nonce: 0n });
  const b3 = transferTx(dev3, dave, 7n, { nonce: 0n });
  const p1 = transferTx(dev2, carol, 101n, { nonce: 1n });
  let common: Block[];
  let A: Block[];
  let B: Block[];

  beforeEach(async () => {
    net = await openNet();
    common = await branch(net.x, [1, 2], [[c0]]);
    await importAll(net.y.chain, common);
    await importAll(net.z.chain, common);
    A = await branch(net.x, [3, 4], [[a1, shared], [a2]]);
    B = await branch(net.y, [5, 6, 7], [[b1, shared], [b3], []]);
    assert.deepEqual(
      A.map((b) => b.txs.length),
      [2, 1],
    );
    assert.deepEqual(
      B.map((b) => b.txs.length),
      [2, 1, 0],
    );
  });

  afterEach(async () => {
    await net.cleanup();
  });

  /** Z on A (with p1 pending), then B's blocks: the last one makes Z reorg. */
  async function reorgZ(): Promise<NewHeadEvent[]> {
    const { z } = net;
    assert.deepEqual(await importAll(z.chain, A), ["head", "head"]);
    await z.chain.submitTx(p1);
    const events: NewHeadEvent[] = [];
    // Kept as emitted: the chain must not change an event after emitting it.
    z.chain.on("head", (e: NewHeadEvent) => events.push(e));
    assert.deepEqual(await importAll(z.chain, B), ["side", "side", "reorg"]);
    return events;
  }

  it("a heavier branch wins: head, state root, whole state and balances equal the node that only saw it", async () => {
    const events = await reorgZ();
    const { y, z } = net;
    assert.equal(z.chain.head.hashHex, y.chain.head.hashHex);
    assert.equal(z.chain.head.height, 5);
    assert.deepEqual(z.chain.head.stateRoot, y.chain.head.stateRoot);
    assert.deepEqual(await stateDump(z.db), await stateDump(y.db));
    for (const a of WATCHED)
      assert.deepEqual(await getAccount(z.chain.state, a), await getAccount(y.chain.state, a));
    await assertChainInvariants(z.chain.state);
    // The canonical index follows the new branch.
    for (const [i, b] of [...common, ...B].entries())
      assert.equal((await z.chain.blockAt(i + 1))?.hashHex, b.hashHex);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.block.hashHex, B[2]!.hashHex);
    assert.deepEqual(
      events[0]!.reverted.map((b) => b.hashHex),
      [A[1]!.hashHex, A[0]!.hashHex],
    );
  });

  it("a reorg that needs a missing undo record → DB_CORRUPT naming the block (rejected as such); head and state unchanged", async () => {
    const { z } = net;
    assert.deepEqual(await importAll(z.chain, A), ["head", "head"]);
    await z.db.batch().delUndo(A[0]!.hash).write();
    const before = await stateDigest(z.db);
    const rejected: string[] = [];
    z.chain.on("blockRejected", (code: string) => rejected.push(code));
    assert.deepEqual(await importAll(z.chain, B.slice(0, 2)), ["side", "side"]);
    const err = await expectCode(z.chain.importBlock(B[2]!.bytes), DbErrorCode.CORRUPT);
    assert.match(
      err.message,
      /undo record of block 3 is missing \(needed by a reorg\).*xai-gov replay --repair/,
    );
    assert.equal(err.data.height, 3);
    assert.deepEqual(rejected, [DbErrorCode.CORRUPT]);
    assert.equal(z.chain.head.hashHex, A[1]!.hashHex);
    assert.equal(await stateDigest(z.db), before);
  });

  it("a reorg that needs a truncated undo record → DB_CORRUPT naming the block; head and state unchanged", async () => {
    const { z } = net;
    assert.deepEqual(await importAll(z.chain, A), ["head", "head"]);
    const undo = z.db.getUndoBytes(A[0]!.hash)!;
    const level = (z.db as unknown as { db: { put(k: Uint8Array, v: Uint8Array): Promise<void> } }).db;
    await level.put(bucketKey(DbBucket.UNDO, A[0]!.hash), undo.subarray(0, undo.length - 1));
    const before = await stateDigest(z.db);
    assert.deepEqual(await importAll(z.chain, B.slice(0, 2)), ["side", "side"]);
    const err = await expectCode(z.chain.importBlock(B[2]!.bytes), DbErrorCode.CORRUPT);
    assert.match(err.message, /undo record of block 3 does not decode \(needed by a reorg\)/);
    assert.equal(err.data.height, 3);
    assert.equal(z.chain.head.hashHex, A[1]!.hashHex);
    assert.equal(await stateDigest(z.db), before);
  });

  it("receipts of A-only transactions are gone; shared and B ones point at B's blocks", async () => {
    await reorgZ();
    const { z } = net;
    assert.equal(await z.chain.receipt(id(a1)), undefined);
    assert.equal(await z.chain.receipt(id(a2)), undefined);
    assert.equal((await z.chain.receipt(id(shared)))?.blockHash, B[0]!.hashHex);
    assert.equal((await z.chain.receipt(id(b1)))?.blockHash, B[0]!.hashHex);
    assert.equal((await z.chain.receipt(id(b3)))?.blockHash, B[1]!.hashHex);
    assert.equal((await z.chain.receipt(id(c0)))?.blockHash, common[0]!.hashHex);
  });

  it("A-only transactions still valid return to the mempool, in nonce order before the sender's pending ones", async () => {
    await reorgZ();
    const { z } = net;
    const pool = z.chain.mempool;
    assert.equal(pool.has(id(a1)), true, "a1 is valid on B and must be pending again");
    assert.equal(pool.has(id(a2)), false, "a2's nonce is spent on B");
    assert.equal(pool.has(id(shared)), false, "shared is on B");
    assert.equal(pool.has(id(p1)), true, "p1 was pending and is still valid on top of a1");
    assert.deepEqual(
      pool.pendingOf(dev2.address).map((t) => t.body.nonce),
      [0n, 1n],
    );
    assert.equal(pool.size, 2);
    // And the next block includes both, in order.
    const next = await produce(z.chain);
    assert.deepEqual(
      next.txs.map((b) => id(b)),
      [id(a1), id(p1)],
    );
    assert.equal((await getAccount(z.chain.state, dev2.address)).nonce, 2n);
    assert.equal(pool.size, 0);
  });

  it("a lighter or equal branch stays on the side", async () => {
    const { x, y } = net;
    // X (on A, height 4) sees B's first two blocks: B2 has A2's height and a later slot.
    assert.deepEqual(await importAll(x.chain, B.slice(0, 2)), ["side", "side"]);
    assert.equal(x.chain.head.hashHex, A[1]!.hashHex);
    // Y (on B) sees A: lighter.
    const before = await snapshot(y.chain, WATCHED);
    assert.deepEqual(await importAll(y.chain, A), ["side", "side"]);
    assert.deepEqual(await snapshot(y.chain, WATCHED), before);
  });

  it("a reorg back to a branch that became heavier again restores exactly that branch's state", async () => {
    await reorgZ();
    const { x, z } = net;
    const more = await branch(x, [8, 9, 10]);
    assert.deepEqual(await importAll(z.chain, more), ["side", "reorg", "head"]);
    assert.equal(z.chain.head.hashHex, x.chain.head.hashHex);
    assert.deepEqual(await stateDump(z.db), await stateDump(x.db));
    assert.equal((await z.chain.receipt(id(a1)))?.blockHash, A[0]!.hashHex);
    assert.equal(await z.chain.receipt(id(b1)), undefined);
  });

  it("same height: the branch with the lower tip slot wins, in either import order", async () => {
    const { z } = net;
    // X's A1 (slot 3) against Y's B1 (slot 5), both at height 3.
    assert.deepEqual(await importAll(z.chain, [B[0]!, A[0]!]), ["head", "reorg"]);
    assert.equal(z.chain.head.hashHex, A[0]!.hashHex);
    const w = await openTestChain({ genesis });
    try {
      await importAll(w.chain, common);
      assert.deepEqual(await importAll(w.chain, [A[0]!, B[0]!]), ["head", "side"]);
      assert.equal(w.chain.head.hashHex, A[0]!.hashHex);
    } finally {
      await w.cleanup();
    }
  });

  it("same height and slot: the lower hash wins, in either import order", async () => {
    const { z } = net;
    const one = await makeBlock(z.chain, { slot: 3, txs: [a1] });
    const two = await makeBlock(z.chain, { slot: 3, txs: [b1] });
    const [low, high] = compareBytes(one.hash, two.hash) < 0 ? [one, two] : [two, one];
    assert.deepEqual(await importAll(z.chain, [high, low]), ["head", "reorg"]);
    assert.equal(z.chain.head.hashHex, low.hashHex);
    const w = await openTestChain({ genesis });
    try {
      await importAll(w.chain, common);
      assert.deepEqual(await importAll(w.chain, [low, high]), ["head", "side"]);
      assert.equal(w.chain.head.hashHex, low.hashHex);
    } finally {
      await w.cleanup();
    }
  });

  it("a branch with an invalid block in the middle leaves head and state unchanged; its blocks are known invalid", async () => {
    const { z } = net;
    await importAll(z.chain, A);
    const before = await snapshot(z.chain, WATCHED);
    // On a fresh node at the common prefix: C1 valid, C2 with a bad state root, C3 on top of C2.
    const w = await openTestChain({ genesis });
    try {
      await importAll(w.chain, common);
      const [c1] = await branch(w, [5], [[b1]]);
      const c2 = await makeBlock(w.chain, { slot: 6, header: { stateRoot: sha256(utf8("bad")) } });
      const c3 = await makeBlock(w.chain, { parent: c2, slot: 7 });
      assert.deepEqual(await importAll(z.chain, [c1!, c2]), ["side", "side"]);
      await expectCode(z.chain.importBlock(c3.bytes), BlockErrorCode.BAD_STATE_ROOT);
      assert.deepEqual(await snapshot(z.chain, WATCHED), before);
      await expectCode(z.chain.importBlock(c3.bytes), BlockErrorCode.KNOWN_INVALID);
      await expectCode(z.chain.importBlock(c2.bytes), BlockErrorCode.KNOWN_INVALID);
      const c4 = await makeBlock(w.chain, { parent: c3, slot: 8 });
      await expectCode(z.chain.importBlock(c4.bytes), BlockErrorCode.KNOWN_INVALID);
      assert.deepEqual(await snapshot(z.chain, WATCHED), before);
      // C1 itself was valid and is not blamed: a valid branch through it still wins.
      await expectCode(z.chain.importBlock(c1!.bytes), BlockErrorCode.KNOWN);
      const good = await branch(w, [6, 7], [[b3]]);
      assert.deepEqual(await importAll(z.chain, good), ["side", "reorg"]);
      assert.equal(z.chain.head.hashHex, w.chain.head.hashHex);
      assert.deepEqual(await stateDump(z.db), await stateDump(w.db));
    } finally {
      await w.cleanup();
    }
  });

  describe("restart and replay", () => {
    it("a reopened chain resumes at the same head; replay rebuilds the same state (0 mismatches)", async () => {
      await reorgZ();
      const { z } = net;
      const head = z.chain.head;
      const digest = await stateDigest(z.db);
      await z.close();

      const db = await ChainDb.open(z.dir);
      const scratchDir = await tempDir();
      const scratch2Dir = await tempDir();
      try {
        const chain = await Chain.open({ genesis, db, modules: createModules(), now: () => FAR_FUTURE_MS });
        assert.equal(chain.head.hashHex, head.hashHex);
        assert.equal(chain.head.height, head.height);
        assert.equal(chain.head.slot, head.slot);
        assert.deepEqual(chain.head.stateRoot, head.stateRoot);
        assert.equal(await stateDigest(db), digest);
        assert.equal((await chain.receipt(id(b1)))?.blockHash, B[0]!.hashHex);

        const scratch = await ChainDb.open(scratchDir);
        const report = await replayChain({
          genesis,
          source: db,
          scratch,
          modules: createModules(),
          blockVerifier: verifySignature,
        });
        await scratch.close();
        assert.equal(report.mismatches, 0);
        assert.equal(report.blocks, 5);
        assert.equal(report.headHeight, 5);
        assert.equal(report.headHash, head.hashHex);
        assert.equal(report.stateRoot, toHex(head.stateRoot));
        assert.equal(report.txs, 1 + 2 + 1);
        assert.ok(report.stateEntries > 0);

        // Corrupt one stored value: replay finds exactly that one.
        const key = accountKey(carol);
        const stored = await db.state.get(key);
        assert.ok(stored);
        await db
          .batch()
          .applyState([[key, new Uint8Array([...stored.subarray(0, 8), ...u64be(99n)])]])
          .write();
        const scratch2 = await ChainDb.open(scratch2Dir);
        const corrupt = await replayChain({
          genesis,
          source: db,
          scratch: scratch2,
          modules: createModules(),
          blockVerifier: verifySignature,
        });
        await scratch2.close();
        assert.equal(corrupt.mismatches, 1);
        assert.equal(corrupt.stateEntries, report.stateEntries);
      } finally {
        await db.close();
        await rm(scratchDir, { recursive: true, force: true });
        await rm(scratch2Dir, { recursive: true, force: true });
      }
    });

    it("replay counts an extra stored key and a missing one as mismatches", async () => {
      const { x } = net;
      await x.close();
      const db = await ChainDb.open(x.dir);
      const dirs = [await tempDir(), await tempDir()];
      try {
        const run = async (dir: string) => {
          const scratch = await ChainDb.open(dir);
          try {
            return await replayChain({
              genesis,
              source: db,
              scratch,
              modules: createModules(),
              blockVerifier: null,
            });
          } finally {
            await scratch.close();
          }
        };
        await db
          .batch()
          .applyState([[accountKey(dave), new Uint8Array(16)]])
          .write();
        assert.equal((await run(dirs[0]!)).mismatches, 1);
        await db
          .batch()
          .applyState([
            [accountKey(dave), null],
            [accountKey(carol), null],
          ])
          .write();
        assert.equal((await run(dirs[1]!)).mismatches, 1);
      } finally {
        await db.close();
        for (const d of dirs) await rm(d, { recursive: true, force: true });
      }
    });
  });
});

describe("reorg: finality (finality_depth 3)", () => {
  const g = testGenesis(2, (json) => {
    json.finality_depth = 3;
  });
  let net: Net;

  beforeEach(async () => {
    net = await openNet(g);
    const common = await branch(net.x, [1, 2]);
    await importAll(net.y.chain, common);
    await importAll(net.z.chain, common);
  });

  afterEach(async () => {
    await net.cleanup();
  });

  it("a block at or below the final height is refused → BLOCK_REVERTS_FINALIZED", async () => {
    const { x, y, z } = net;
    await importAll(z.chain, await branch(x, [3, 4, 5, 6]));
    assert.equal(z.chain.head.height, 6);
    assert.equal(z.chain.finalizedHeight, 3);
    const fork = await branch(y, [7, 8, 9, 10, 11, 12]); // heights 3..8 from ancestor 2
    const before = await snapshot(z.chain, WATCHED);
    await expectCode(z.chain.importBlock(fork[0]!.bytes), BlockErrorCode.REVERTS_FINALIZED);
    assert.deepEqual(await snapshot(z.chain, WATCHED), before);
  });

  it("a heavier branch whose ancestor is below the final height is refused when it would win", async () => {
    const { x, y, z } = net;
    const main = await branch(x, [3, 4, 5, 6]);
    const fork = await branch(y, [7, 8, 9, 10, 11]); // heights 3..7 from ancestor 2
    // While Z is at height 4 (final 1), the fork's first two blocks are fine side blocks.
    await importAll(z.chain, main.slice(0, 2));
    assert.deepEqual(await importAll(z.chain, fork.slice(0, 2)), ["side", "side"]);
    await importAll(z.chain, main.slice(2));
    assert.equal(z.chain.finalizedHeight, 3);
    assert.deepEqual(await importAll(z.chain, fork.slice(2, 4)), ["side", "side"]);
    const before = await snapshot(z.chain, WATCHED);
    await expectCode(z.chain.importBlock(fork[4]!.bytes), BlockErrorCode.REVERTS_FINALIZED);
    assert.deepEqual(await snapshot(z.chain, WATCHED), before);
    assert.equal(z.chain.head.hashHex, main[3]!.hashHex);
  });

  it("a branch from exactly the final height may still win", async () => {
    const { x, y, z } = net;
    const main = await branch(x, [3, 4, 5, 6]);
    await importAll(z.chain, main);
    await importAll(y.chain, main.slice(0, 1)); // Y shares height 3 = Z's final height
    const fork = await branch(y, [7, 8, 9, 10]); // heights 4..7 from ancestor 3
    assert.deepEqual(await importAll(z.chain, fork), ["side", "side", "side", "reorg"]);
    assert.equal(z.chain.head.hashHex, y.chain.head.hashHex);
    assert.deepEqual(await stateDump(z.db), await stateDump(y.db));
  });
});

describe("reorg: side blocks are pruned once final (finality_depth 3)", () => {
  const g = testGenesis(2, (json) => {
    json.finality_depth = 3;
  });
  let net: Net;

  beforeEach(async () => {
    net = await openNet(g);
    const common = await branch(net.x, [1, 2]);
    await importAll(net.y.chain, common);
    await importAll(net.z.chain, common);
  });

  afterEach(async () => {
    await net.cleanup();
  });

  it("a stored side block is deleted (in the block's own batch) when its height becomes final", async () => {
    const { x, y, z } = net;
    const main = await branch(x, [3, 4, 5, 6, 7]); // heights 3..7
    const fork = await branch(y, [8]); // height 3 on the common ancestor, a later slot: loses
    await importAll(z.chain, main.slice(0, 1));
    assert.deepEqual(await importAll(z.chain, fork), ["side"]);
    assert.equal(z.chain.sideBlockCount, 1);
    assert.ok(await z.db.getBlockBytes(fork[0]!.hash), "stored while it could still win");
    await importAll(z.chain, main.slice(1, 3)); // head 5, final 2: height 3 not final yet
    assert.equal(z.chain.finalizedHeight, 2);
    assert.equal(z.chain.sideBlockCount, 1);
    await importAll(z.chain, main.slice(3, 4)); // head 6, final 3
    assert.equal(z.chain.finalizedHeight, 3);
    assert.equal(z.chain.sideBlockCount, 0);
    assert.equal(await z.db.getBlockBytes(fork[0]!.hash), undefined);
    assert.ok(await z.db.getBlockBytes(main[0]!.hash), "canonical blocks stay");
  });
});
