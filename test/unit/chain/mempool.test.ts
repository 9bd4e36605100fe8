import assert from "node:assert/strict";
import { DEFAULT_MEMPOOL_LIMITS, Mempool, type MempoolLimits } from "../../../src/chain/mempool.js";
import { devKeyPair, type KeyPair } from "../../../src/crypto/keys.js";
import type { Tx } from "../../../src/types/tx.js";
import { decodeTx } from "../../../src/types/txCodec.js";
import { testKey, transferTx } from "../../utils/testChain.js";

// The pool only orders, caps and evicts; validity is the chain's job (txValidity.test.ts).

const [A, B, C] = [devKeyPair(0), devKeyPair(1), devKeyPair(2)] as [KeyPair, KeyPair, KeyPair];
const to = testKey("sink").address;

/** A decoded transfer of `key` with this nonce and fee (amount varies the bytes when needed). */
function tx(key: KeyPair, nonce: bigint, fee: bigint, amount = 1n): Tx {
  return decodeTx(transferTx(key, to, amount, { nonce, fee }));
}

function pool(limits: Partial<MempoolLimits> = {}): Mempool {
  return new Mempool({ ...DEFAULT_MEMPOOL_LIMITS, ...limits });
}

const ids = (txs: readonly Tx[]): string[] => txs.map((t) => t.id);

describe("Mempool", () => {
  describe("candidates", () => {
    it("orders senders by the fee of their next transaction, highest first", () => {
      const m = pool();
      const a = tx(A, 0n, 1_000n);
      const b = tx(B, 0n, 3_000n);
      const c = tx(C, 0n, 2_000n);
      for (const t of [a, b, c]) m.insert(t);
      assert.deepEqual(ids(m.candidates(10)), ids([b, c, a]));
    });

    it("breaks fee ties by arrival, per transaction", () => {
      const m = pool();
      const c0 = tx(C, 0n, 1_000n);
      const a0 = tx(A, 0n, 1_000n);
      const b0 = tx(B, 0n, 1_000n);
      const a1 = tx(A, 1n, 1_000n);
      for (const t of [c0, a0, b0, a1]) m.insert(t);
      // a1 arrived after b0: it waits for b0 although a0 came before b0.
      assert.deepEqual(ids(m.candidates(10)), ids([c0, a0, b0, a1]));
    });

    it("keeps each sender's nonce order even when a later nonce pays more", () => {
      const m = pool();
      const a0 = tx(A, 0n, 1_000n);
      const a1 = tx(A, 1n, 9_000n);
      const b0 = tx(B, 0n, 5_000n);
      for (const t of [a0, a1, b0]) m.insert(t);
      assert.deepEqual(ids(m.candidates(10)), ids([b0, a0, a1]));
    });

    it("once a sender's next transaction pays more, it goes first again", () => {
      const m = pool();
      const a0 = tx(A, 0n, 5_000n);
      const a1 = tx(A, 1n, 9_000n);
      const b0 = tx(B, 0n, 3_000n);
      for (const t of [b0, a0, a1]) m.insert(t);
      assert.deepEqual(ids(m.candidates(10)), ids([a0, a1, b0]));
    });

    it("returns at most `max`, and nothing from an empty pool", () => {
      const m = pool();
      assert.deepEqual(m.candidates(5), []);
      for (const t of [tx(A, 0n, 1_000n), tx(A, 1n, 1_000n), tx(B, 0n, 2_000n)]) m.insert(t);
      assert.equal(m.candidates(2).length, 2);
      assert.equal(m.candidates(0).length, 0);
      assert.equal(m.candidates(100).length, 3);
    });

    it("does not change the pool", () => {
      const m = pool();
      for (const t of [tx(A, 0n, 1_000n), tx(B, 0n, 2_000n)]) m.insert(t);
      const first = ids(m.candidates(10));
      assert.deepEqual(ids(m.candidates(10)), first);
      assert.equal(m.size, 2);
    });
  });

  describe("evictionPlan", () => {
    it("is empty when the transaction fits", () => {
      const m = pool({ maxTxs: 2 });
      m.insert(tx(A, 0n, 1_000n));
      assert.deepEqual(m.evictionPlan(tx(B, 0n, 1n)), []);
    });

    it("takes queue tails, cheapest first, until there is room; never the sender's own", () => {
      const m = pool({ maxTxs: 3 });
      const a0 = tx(A, 0n, 1_000n);
      const a1 = tx(A, 1n, 3_000n);
      const b0 = tx(B, 0n, 2_000n);
      for (const t of [a0, a1, b0]) m.insert(t);
      assert.deepEqual(ids(m.evictionPlan(tx(C, 0n, 5_000n))!), ids([b0]));
      const tight = pool({ maxTxs: 2 });
      for (const t of [a0, a1, b0]) tight.insert(t);
      // Room for one more needs two out: b0 (2,000), then a1 (3,000, the tail of A), not a0 first.
      assert.deepEqual(ids(tight.evictionPlan(tx(C, 0n, 5_000n))!), ids([b0, a1]));
      assert.equal(tight.evictionPlan(tx(C, 0n, 3_000n)), undefined, "a1 does not pay less than 3,000");
      // B's own queue is off limits: A's goes, tail first although a0 is cheaper.
      assert.deepEqual(ids(tight.evictionPlan(tx(B, 1n, 9_000n))!), ids([a1, a0]));
      assert.equal(tight.evictionPlan(tx(B, 1n, 2_000n)), undefined, "a1 pays more than 2,000");
      assert.equal(tight.size, 3, "planning changes nothing");
    });

    it("counts bytes: evicts more than one when one does not free enough", () => {
      const a0 = tx(A, 0n, 1_000n);
      const b0 = tx(B, 0n, 1_000n);
      const big = tx(C, 0n, 5_000n, 5_000_000n);
      assert.ok(big.bytes.length > a0.bytes.length);
      const m = pool({ maxBytes: a0.bytes.length + b0.bytes.length });
      for (const t of [a0, b0]) m.insert(t);
      assert.deepEqual(ids(m.evictionPlan(big)!), ids([a0, b0]));
    });
  });

  describe("caps", () => {
    it("isFullFor counts transactions; senderFull counts one sender's queue", () => {
      const m = pool({ maxTxs: 2, maxPerSender: 2 });
      m.insert(tx(A, 0n, 1_000n));
      assert.equal(m.isFullFor(tx(B, 0n, 1_000n)), false);
      assert.equal(m.senderFull(A.address), false);
      m.insert(tx(A, 1n, 1_000n));
      assert.equal(m.senderFull(A.address), true);
      assert.equal(m.senderFull(B.address), false);
      assert.equal(m.isFullFor(tx(B, 0n, 1_000n)), true);
    });

    it("isFullFor counts bytes: exactly maxBytes fits, one byte less does not", () => {
      const a0 = tx(A, 0n, 1_000n);
      const b0 = tx(B, 0n, 1_000n);
      const exact = pool({ maxBytes: a0.bytes.length + b0.bytes.length });
      exact.insert(a0);
      assert.equal(exact.isFullFor(b0), false);
      const under = pool({ maxBytes: a0.bytes.length + b0.bytes.length - 1 });
      under.insert(a0);
      assert.equal(under.isFullFor(b0), true);
    });
  });

  describe("insert", () => {
    it("tracks size, bytes, senders and per-sender order", () => {
      const m = pool();
      const a0 = tx(A, 0n, 1_000n);
      const a1 = tx(A, 1n, 1_000n);
      const b0 = tx(B, 0n, 1_000n);
      for (const t of [a0, b0, a1]) assert.deepEqual(m.insert(t), []);
      assert.equal(m.size, 3);
      assert.equal(m.bytes, a0.bytes.length + a1.bytes.length + b0.bytes.length);
      assert.deepEqual(m.senders(), [A.address, B.address]);
      assert.deepEqual(ids(m.pendingOf(A.address)), ids([a0, a1]));
      assert.equal(m.get(a1.id), a1);
      assert.equal(m.has(b0.id), true);
      assert.deepEqual(m.pendingOf(C.address), []);
    });

    it("a transaction with a pending nonce replaces it and drops the sender's later ones", () => {
      const m = pool();
      const a0 = tx(A, 0n, 1_000n);
      const a1 = tx(A, 1n, 1_000n);
      const a2 = tx(A, 2n, 1_000n);
      const b0 = tx(B, 0n, 1_000n);
      for (const t of [a0, a1, a2, b0]) m.insert(t);
      const r1 = tx(A, 1n, 1_100n, 2n);
      assert.deepEqual(ids(m.insert(r1)), ids([a1, a2]));
      assert.deepEqual(ids(m.pendingOf(A.address)), ids([a0, r1]));
      assert.equal(m.size, 3);
      assert.equal(m.bytes, a0.bytes.length + r1.bytes.length + b0.bytes.length);
      assert.equal(m.has(a2.id), false);
    });
  });

  describe("remove", () => {
    it("drops the transaction and every later one of its sender, nothing else", () => {
      const m = pool();
      const a0 = tx(A, 0n, 1_000n);
      const a1 = tx(A, 1n, 1_000n);
      const a2 = tx(A, 2n, 1_000n);
      const b0 = tx(B, 0n, 1_000n);
      for (const t of [a0, a1, a2, b0]) m.insert(t);
      assert.deepEqual(ids(m.remove(a1.id)), ids([a1, a2]));
      assert.deepEqual(ids(m.pendingOf(A.address)), ids([a0]));
      assert.equal(m.size, 2);
      assert.equal(m.bytes, a0.bytes.length + b0.bytes.length);
      assert.equal(m.has(a1.id), false);
      assert.equal(m.has(a2.id), false);
      assert.equal(m.has(b0.id), true);
      assert.deepEqual(ids(m.candidates(10)), ids([a0, b0]));
    });

    it("removing a sender's first transaction empties its queue and forgets the sender", () => {
      const m = pool();
      const a0 = tx(A, 0n, 1_000n);
      const a1 = tx(A, 1n, 1_000n);
      for (const t of [a0, a1]) m.insert(t);
      assert.deepEqual(ids(m.remove(a0.id)), ids([a0, a1]));
      assert.deepEqual(m.senders(), []);
      assert.equal(m.size, 0);
      assert.equal(m.bytes, 0);
    });

    it("an unknown id removes nothing", () => {
      const m = pool();
      m.insert(tx(A, 0n, 1_000n));
      assert.deepEqual(m.remove("00".repeat(32)), []);
      assert.equal(m.size, 1);
    });
  });

  describe("dropBelow", () => {
    it("drops the sender's transactions below the next nonce and keeps the rest", () => {
      const m = pool();
      const a0 = tx(A, 0n, 1_000n);
      const a1 = tx(A, 1n, 1_000n);
      const a2 = tx(A, 2n, 1_000n);
      const b0 = tx(B, 0n, 1_000n);
      for (const t of [a0, a1, a2, b0]) m.insert(t);
      m.dropBelow(A.address, 2n);
      assert.deepEqual(ids(m.pendingOf(A.address)), ids([a2]));
      assert.equal(m.has(a0.id), false);
      assert.equal(m.has(a1.id), false);
      assert.equal(m.size, 2);
      assert.equal(m.bytes, a2.bytes.length + b0.bytes.length);
      assert.deepEqual(ids(m.candidates(10)), ids([a2, b0]));
    });

    it("forgets a sender whose queue it empties; a nonce at or below the first drops nothing", () => {
      const m = pool();
      const a3 = tx(A, 3n, 1_000n);
      m.insert(a3);
      m.dropBelow(A.address, 3n);
      assert.equal(m.has(a3.id), true);
      m.dropBelow(B.address, 10n); // unknown sender: no-op
      assert.equal(m.size, 1);
      m.dropBelow(A.address, 4n);
      assert.equal(m.size, 0);
      assert.equal(m.bytes, 0);
      assert.deepEqual(m.senders(), []);
    });
  });
});
