// POST /txs (issue 10): a batch's transactions are handed to the chain at once, so their signatures
// are checked side by side on the signature pool, and still judged in the order given.
import assert from "node:assert/strict";
import { FifoLimit } from "../../../src/api/batchRoutes.js";
import { createApi } from "../../../src/api/server.js";
import { devKeyPair } from "../../../src/crypto/keys.js";
import { NodeMetrics } from "../../../src/metrics/nodeMetrics.js";
import { decodeTx } from "../../../src/types/txCodec.js";
import { recordingPool } from "../../utils/recordingPool.js";
import { openTestChain, testKey, transferTx } from "../../utils/testChain.js";

/** A test chain with a recording pool (recordingPool.ts) and the API over it. */
async function apiWithRecordingPool() {
  const { pool, seen } = recordingPool();
  const t = await openTestChain({ signaturePool: pool });
  const app = createApi({ chain: t.chain, metrics: new NodeMetrics(), peers: () => 0, syncing: () => false });
  return { t, app, seen };
}

/** Each result of a `POST /txs` answer as its tx id or its error code. */
function resultCodes(body: { results: Array<{ tx_id?: string; error?: { code: string } }> }): unknown[] {
  return body.results.map((r) => r.error?.code ?? r.tx_id);
}

describe("POST /txs: signatures side by side, verdicts in order", () => {
  it("every transaction of a batch is on the pool at once; a sender's nonces still follow each other", async () => {
    const { t, app, seen } = await apiWithRecordingPool();
    try {
      const to = testKey("sink").address;
      // Senders 0-3 with one transaction each, then sender 4's nonces 0, 1, 2 in order, then a bad
      // signature (sender 4's nonce 3, signed by sender 5) and sender 4's nonce 4.
      const txs = [0, 1, 2, 3].map((i) => transferTx(devKeyPair(i), to, 1n, { nonce: 0n }));
      for (const n of [0n, 1n, 2n]) txs.push(transferTx(devKeyPair(4), to, 1n, { nonce: n }));
      txs.push(
        transferTx(devKeyPair(4), to, 1n, { nonce: 3n, signer: devKeyPair(5) }),
        transferTx(devKeyPair(4), to, 1n, { nonce: 4n }),
      );
      const rootBefore = t.chain.head.stateRoot;
      const res = await app.inject({
        method: "POST",
        url: "/txs",
        payload: { txs: txs.map((b) => Buffer.from(b).toString("base64")) },
      });
      assert.equal(res.statusCode, 200, res.body);
      const codes = resultCodes(res.json());
      assert.deepEqual(codes, [
        ...txs.slice(0, 7).map((b) => decodeTx(b).id),
        "TX_BAD_SIGNATURE",
        "TX_NONCE_TOO_HIGH", // nonce 4 after the refused 3
      ]);
      // Every transaction that passed the cheap checks was on the pool before any came back (one by
      // one, a request had one signature in flight at a time).
      assert.equal(seen.calls.length, 9);
      assert.equal(seen.maxInFlight, 9);
      assert.deepEqual(
        t.chain.mempool.pendingOf(devKeyPair(4).address).map((x) => x.body.nonce),
        [0n, 1n, 2n],
      );
      assert.equal(t.chain.mempool.size, 7);
      assert.deepEqual(t.chain.head.stateRoot, rootBefore);
    } finally {
      await app.close();
      await t.cleanup();
    }
  });

  it("copies of one transaction in a batch cost one pool check: one admitted, the others TX_DUPLICATE", async () => {
    const { t, app, seen } = await apiWithRecordingPool();
    try {
      const one = transferTx(devKeyPair(2), testKey("sink").address, 1n, { nonce: 0n });
      const res = await app.inject({
        method: "POST",
        url: "/txs",
        payload: { txs: Array.from({ length: 50 }, () => Buffer.from(one).toString("base64")) },
      });
      const codes = resultCodes(res.json());
      assert.deepEqual(codes, [decodeTx(one).id, ...Array.from({ length: 49 }, () => "TX_DUPLICATE")]);
      assert.deepEqual(seen.calls, [1]);
    } finally {
      await app.close();
      await t.cleanup();
    }
  });
});

describe("FifoLimit (the in-flight cap of POST /txs across requests)", () => {
  it("runs at most max tasks at once and starts them in the order given", async () => {
    const limit = new FifoLimit(3);
    const started: number[] = [];
    let running = 0;
    let most = 0;
    const task = (i: number) => async () => {
      started.push(i);
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, (i * 7) % 5));
      running--;
      if (i === 4) throw new Error("task 4 fails");
      return i;
    };
    const all = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => limit.run(task(i))));
    assert.deepEqual(started, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(most, 3);
    assert.deepEqual(
      all.map((r) => (r.status === "fulfilled" ? r.value : "failed")),
      [0, 1, 2, 3, "failed", 5, 6, 7, 8, 9],
    );
    // Every place came back (a failure included): three start at once again.
    running = 0;
    most = 0;
    await Promise.all([0, 1, 2].map((i) => limit.run(task(i))));
    assert.equal(most, 3);
  });
});
