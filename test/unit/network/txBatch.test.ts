// Transaction batches on gossip (issue 10): the strict framing and its caps, each transaction's own
// verdict, and the message's one verdict, penalty and budget spend (src/network/txBatch.ts).
import assert from "node:assert/strict";
import { HARD_MAX_TX_BYTES } from "../../../src/chain/chain.js";
import { devKeyPair } from "../../../src/crypto/keys.js";
import { NetworkOutcome } from "../../../src/network/errors.js";
import {
  batchFollowUp,
  decodeTxBatch,
  encodeTxBatch,
  MAX_BATCH_GOSSIP_BYTES,
  MAX_BATCH_GOSSIP_TXS,
  TxBatcher,
  validateGossipTxBatch,
} from "../../../src/network/txBatch.js";
import { TxErrorCode } from "../../../src/types/errors.js";
import { decodeTx } from "../../../src/types/txCodec.js";
import { recordingPool } from "../../utils/recordingPool.js";
import { openTestChain, produce, type TestChain, testKey, transferTx } from "../../utils/testChain.js";

const sink = testKey("sink").address;
const ids = (t: TestChain, key = devKeyPair(6)) => t.chain.mempool.pendingOf(key.address).map((x) => x.id);
const idOf = (b: Uint8Array) => decodeTx(b).id;

describe("gossip transaction batches: framing and caps", () => {
  it("round-trips, and is the protobuf `repeated bytes txs = 1` encoding", () => {
    const txs = [new Uint8Array([1, 2, 3]), new Uint8Array(200).fill(7), new Uint8Array(0)];
    const enc = encodeTxBatch(txs);
    assert.deepEqual([...enc.subarray(0, 5)], [0x0a, 3, 1, 2, 3]);
    assert.deepEqual([...enc.subarray(5, 8)], [0x0a, 0xc8, 0x01]); // 200 as a varint
    const dec = decodeTxBatch(enc);
    assert.ok("txs" in dec);
    assert.deepEqual(
      dec.txs.map((t) => [...t]),
      txs.map((t) => [...t]),
    );
    assert.deepEqual(decodeTxBatch(new Uint8Array(0)), { txs: [] });
  });

  it("anything else is GOSSIP_BATCH_MALFORMED; over a cap GOSSIP_BATCH_TOO_LARGE", () => {
    const malformed = { fault: NetworkOutcome.BATCH_MALFORMED };
    const tooLarge = { fault: NetworkOutcome.BATCH_TOO_LARGE };
    assert.deepEqual(decodeTxBatch(new Uint8Array([0x12, 1, 0])), malformed); // another field
    assert.deepEqual(decodeTxBatch(new Uint8Array([0x0a, 3, 1, 2])), malformed); // truncated
    assert.deepEqual(decodeTxBatch(new Uint8Array([0x0a, 0x81, 0x00, 1])), malformed); // non-minimal
    assert.deepEqual(decodeTxBatch(new Uint8Array([0x0a, 0x80])), malformed); // varint cut
    const many = Array.from({ length: MAX_BATCH_GOSSIP_TXS + 1 }, () => new Uint8Array([1]));
    assert.deepEqual(decodeTxBatch(encodeTxBatch(many)), tooLarge);
    assert.ok("txs" in decodeTxBatch(encodeTxBatch(many.slice(1))));
    assert.deepEqual(decodeTxBatch(encodeTxBatch([new Uint8Array(HARD_MAX_TX_BYTES + 1)])), tooLarge);
    const big = Array.from({ length: 5 }, () => new Uint8Array(HARD_MAX_TX_BYTES));
    assert.ok(encodeTxBatch(big).length > MAX_BATCH_GOSSIP_BYTES);
    assert.deepEqual(decodeTxBatch(encodeTxBatch(big)), tooLarge);
  });

  it("TxBatcher publishes one message per window, and early at the count cap", () => {
    const out: Uint8Array[][] = [];
    const b = new TxBatcher((m) => {
      const d = decodeTxBatch(m);
      assert.ok("txs" in d);
      out.push(d.txs);
    }, 60_000);
    for (let i = 0; i < MAX_BATCH_GOSSIP_TXS + 3; i++) b.add(new Uint8Array([i & 0xff]));
    assert.deepEqual(
      out.map((m) => m.length),
      [MAX_BATCH_GOSSIP_TXS],
    );
    b.flush();
    assert.deepEqual(
      out.map((m) => m.length),
      [MAX_BATCH_GOSSIP_TXS, 3],
    );
    b.flush();
    assert.equal(out.length, 2, "nothing queued, nothing sent");
    b.stop();
  });

  it("TxBatcher: after a quiet window the first transaction goes out at the end of the turn, then one per window", async () => {
    let now = 0;
    const out: number[] = [];
    const b = new TxBatcher(
      (m) => {
        const d = decodeTxBatch(m);
        assert.ok("txs" in d);
        out.push(d.txs.length);
      },
      1000, // long, so that the real timer never fires within the test's turns
      () => now,
    );
    const turn = () => new Promise((r) => setImmediate(r));
    b.add(new Uint8Array([1]));
    b.add(new Uint8Array([2])); // admitted in the same turn: the same message
    assert.deepEqual(out, []);
    await turn();
    assert.deepEqual(out, [2]);
    now = 1; // within the window of the last message: waits for its end (a timer, 999 ms)
    b.add(new Uint8Array([3]));
    await turn();
    assert.deepEqual(out, [2]);
    b.flush();
    assert.deepEqual(out, [2, 1]);
    now = 2000; // quiet again
    b.add(new Uint8Array([4]));
    await turn();
    assert.deepEqual(out, [2, 1, 1]);
    // Stopping publishes what is queued (admitted transactions still go out), then nothing is left.
    now = 2001;
    b.add(new Uint8Array([5]));
    b.stop();
    assert.deepEqual(out, [2, 1, 1, 1]);
    await turn();
    assert.deepEqual(out, [2, 1, 1, 1]);
  });
});

describe("gossip transaction batches: verdicts", () => {
  let t: TestChain;
  const key = devKeyPair(6);
  const tx = (nonce: bigint, amount = 1n) => transferTx(key, sink, amount, { nonce });

  beforeEach(async () => {
    t = await openTestChain();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it("all valid: accept (relayed by gossipsub), no penalty, no budget spent", async () => {
    const b = await validateGossipTxBatch(t.chain, encodeTxBatch([tx(0n), tx(1n), tx(2n)]));
    assert.deepEqual(b.result, { verdict: "accept", code: NetworkOutcome.OK });
    assert.deepEqual(
      b.txs.map((r) => r.verdict),
      ["accept", "accept", "accept"],
    );
    assert.equal(b.admitted.length, 3);
    assert.deepEqual(batchFollowUp(b), { penalise: false, spend: 0 });
    assert.deepEqual(ids(t), [idOf(tx(0n)), idOf(tx(1n)), idOf(tx(2n))]);
  });

  it("valid with stale and unfunded: ignore, the valid ones admitted, a budget unit per 8 ignored and per 32 duplicates (rounded up)", async () => {
    await t.chain.submitTx(tx(0n)); // this node has it already
    const unfunded = transferTx(testKey("unfunded"), sink, 1n, { nonce: 0n });
    const b = await validateGossipTxBatch(t.chain, encodeTxBatch([tx(0n), tx(1n), unfunded, tx(5n), tx(2n)]));
    assert.deepEqual(b.txs, [
      { verdict: "ignore", code: TxErrorCode.DUPLICATE },
      { verdict: "accept", code: NetworkOutcome.OK },
      { verdict: "ignore", code: TxErrorCode.INSUFFICIENT_BALANCE },
      { verdict: "ignore", code: TxErrorCode.NONCE_TOO_HIGH },
      { verdict: "accept", code: NetworkOutcome.OK },
    ]);
    assert.deepEqual(b.result, { verdict: "ignore", code: TxErrorCode.DUPLICATE });
    assert.deepEqual(b.admitted.map(idOf), [idOf(tx(1n)), idOf(tx(2n))]);
    assert.deepEqual(batchFollowUp(b), { penalise: false, spend: 2 });
    assert.deepEqual(ids(t), [idOf(tx(0n)), idOf(tx(1n)), idOf(tx(2n))]);
    assert.equal(t.chain.mempool.pendingOf(testKey("unfunded").address).length, 0);
  });

  it("an honest peer a block behind: its overlapping batch costs it nothing but budget for stale nonces", async () => {
    for (const n of [0n, 1n]) await t.chain.submitTx(tx(n));
    await produce(t.chain);
    const b = await validateGossipTxBatch(t.chain, encodeTxBatch([tx(0n), tx(1n, 2n), tx(2n)]));
    assert.deepEqual(
      b.txs.map((r) => r.code),
      [TxErrorCode.DUPLICATE, TxErrorCode.NONCE_TOO_LOW, NetworkOutcome.OK],
    );
    assert.equal(b.result.verdict, "ignore");
    // One stale nonce (a unit for up to 8) and one duplicate (a unit for up to 32).
    assert.deepEqual(batchFollowUp(b), { penalise: false, spend: 2 });
  });

  it("review B1: batches validated at the same time are admitted one after another, so a sender's nonces across them all get in", async () => {
    const other = devKeyPair(5);
    const msgs: Uint8Array[] = [];
    const batcher = new TxBatcher((m) => msgs.push(m), 2);
    for (let i = 0; i < 200; i++) batcher.add(tx(BigInt(i)));
    for (let i = 0; i < 100; i++) batcher.add(transferTx(other, sink, 1n, { nonce: BigInt(i) }));
    batcher.stop(); // publishes what is queued
    assert.equal(msgs.length, 2, "256 transactions, then 44");
    const results = await Promise.all(msgs.map((m) => validateGossipTxBatch(t.chain, m)));
    assert.deepEqual(
      results.map((r) => r.result),
      [
        { verdict: "accept", code: NetworkOutcome.OK },
        { verdict: "accept", code: NetworkOutcome.OK },
      ],
    );
    assert.deepEqual([ids(t).length, ids(t, other).length], [200, 100]);
  });

  it("review B2: transactions this node knows are duplicates at the edge, without the admission lane; a flood of them spends budget", async () => {
    const ten = Array.from({ length: 10 }, (_, i) => tx(BigInt(i)));
    assert.equal((await validateGossipTxBatch(t.chain, encodeTxBatch(ten))).result.verdict, "accept");
    let submitted = 0;
    const submit = t.chain.submitTx.bind(t.chain);
    t.chain.submitTx = (input) => {
      submitted++;
      return submit(input);
    };
    const again = await validateGossipTxBatch(t.chain, encodeTxBatch([...ten].reverse()));
    assert.deepEqual(
      again.txs.map((r) => r.code),
      ten.map(() => TxErrorCode.DUPLICATE),
    );
    assert.equal(submitted, 0);
    assert.deepEqual(batchFollowUp(again), { penalise: false, spend: 1 });
    // 256 duplicates: 8 units.
    const many = Array.from({ length: 256 }, (_, i) => ten[i % 10]!);
    assert.deepEqual(batchFollowUp(await validateGossipTxBatch(t.chain, encodeTxBatch(many))).spend, 8);
  });

  it("an empty batch is rejected (an honest batcher never sends one)", async () => {
    const b = await validateGossipTxBatch(t.chain, new Uint8Array(0));
    assert.deepEqual(b.result, { verdict: "reject", code: NetworkOutcome.BATCH_MALFORMED });
    assert.deepEqual(batchFollowUp(b), { penalise: true, spend: 0 });
  });

  it("one invalid transaction: the message is rejected, the sender penalised once, the rest unvalidated", async () => {
    const forged = transferTx(key, sink, 9n, { nonce: 1n, signer: devKeyPair(7) });
    const b = await validateGossipTxBatch(t.chain, encodeTxBatch([tx(0n), forged, tx(1n), tx(2n)]));
    assert.deepEqual(b.txs, [
      { verdict: "accept", code: NetworkOutcome.OK },
      { verdict: "reject", code: TxErrorCode.BAD_SIGNATURE },
      { verdict: "ignore", code: NetworkOutcome.BATCH_ABANDONED },
      { verdict: "ignore", code: NetworkOutcome.BATCH_ABANDONED },
    ]);
    assert.deepEqual(b.result, { verdict: "reject", code: TxErrorCode.BAD_SIGNATURE });
    assert.deepEqual(batchFollowUp(b), { penalise: true, spend: 0 });
    // The valid one before it is admitted (and relayed by this node's own batch); nothing else.
    assert.deepEqual(b.admitted.map(idOf), [idOf(tx(0n))]);
    assert.deepEqual(ids(t), [idOf(tx(0n))]);
  });

  it("a malformed or oversized message is rejected before any transaction is looked at", async () => {
    const b = await validateGossipTxBatch(t.chain, new Uint8Array([0x0a, 9, 1]));
    assert.deepEqual(b, {
      result: { verdict: "reject", code: NetworkOutcome.BATCH_MALFORMED },
      txs: [],
      admitted: [],
    });
    assert.deepEqual(batchFollowUp(b), { penalise: true, spend: 0 });
    const many = Array.from({ length: MAX_BATCH_GOSSIP_TXS + 1 }, (_, i) => tx(BigInt(i)));
    const c = await validateGossipTxBatch(t.chain, encodeTxBatch(many));
    assert.deepEqual(c.result, { verdict: "reject", code: NetworkOutcome.BATCH_TOO_LARGE });
    assert.equal(t.chain.mempool.size, 0);
  });

  it("signatures go to the pool in chunks of 1, 2, 4, ...: a forged one wastes at most one check more than the transactions before it", async () => {
    const { pool, seen } = recordingPool();
    const p = await openTestChain({ signaturePool: pool });
    try {
      const seven = Array.from({ length: 7 }, (_, i) => tx(BigInt(i)));
      const all = await validateGossipTxBatch(p.chain, encodeTxBatch(seven));
      assert.deepEqual(all.result, { verdict: "accept", code: NetworkOutcome.OK });
      // Three chunks, each checked side by side; admission sent none of them to the pool again.
      assert.deepEqual(seen.calls, [1, 2, 4]);
      assert.equal(p.chain.mempool.pendingOf(key.address).length, 7);
      // A forged transaction at index 3 (the third chunk): the chunk's 4 checks, then the
      // lane's own check of the forged one; the message is rejected as one by one.
      seen.calls.length = 0;
      const other = devKeyPair(5);
      const o = (n: bigint, signer = other) => transferTx(other, sink, 1n, { nonce: n, signer });
      const withForged = [o(0n), o(1n), o(2n), o(3n, devKeyPair(7)), o(3n), o(4n), o(5n)];
      const b = await validateGossipTxBatch(p.chain, encodeTxBatch(withForged));
      assert.deepEqual(b.result, { verdict: "reject", code: TxErrorCode.BAD_SIGNATURE });
      assert.deepEqual(
        b.txs.map((r) => r.code),
        [
          NetworkOutcome.OK,
          NetworkOutcome.OK,
          NetworkOutcome.OK,
          TxErrorCode.BAD_SIGNATURE,
          NetworkOutcome.BATCH_ABANDONED,
          NetworkOutcome.BATCH_ABANDONED,
          NetworkOutcome.BATCH_ABANDONED,
        ],
      );
      assert.deepEqual(seen.calls, [1, 2, 4]);
      assert.equal(p.chain.mempool.pendingOf(other.address).length, 3);
      // Forged first: one check, nothing else looked at.
      seen.calls.length = 0;
      const third = devKeyPair(4);
      const f = transferTx(third, sink, 1n, { nonce: 0n, signer: devKeyPair(7) });
      const c = await validateGossipTxBatch(
        p.chain,
        encodeTxBatch([f, ...[1n, 2n, 3n].map((n) => transferTx(third, sink, 1n, { nonce: n }))]),
      );
      assert.deepEqual(c.result, { verdict: "reject", code: TxErrorCode.BAD_SIGNATURE });
      assert.deepEqual(seen.calls, [1]);
      assert.equal(p.chain.mempool.pendingOf(third.address).length, 0);
      // Transactions this node knows cost no check, so a prefix of them buys no larger chunk
      // (review: sized by position, 15 known then 16 forged cost a chunk of 16 checks).
      seen.calls.length = 0;
      const fourth = devKeyPair(3);
      const forged = (n: bigint) => transferTx(fourth, sink, 1n, { nonce: n, signer: devKeyPair(7) });
      const d = await validateGossipTxBatch(
        p.chain,
        encodeTxBatch([...Array.from({ length: 15 }, () => seven[0]!), ...[0n, 1n, 2n].map(forged)]),
      );
      assert.deepEqual(d.result, { verdict: "reject", code: TxErrorCode.BAD_SIGNATURE });
      assert.deepEqual(seen.calls, [1]);
    } finally {
      await p.cleanup();
    }
  });
});
