// Resource bounds (issue 11): every bounded queue and cache of the chain is listed with its cap,
// and the node's metrics show both (xai_node_bound_size / xai_node_bound_capacity{bound}), so a
// soak can watch them; a full mempool shows size = capacity and refuses the next transaction.
import assert from "node:assert/strict";
import { SignaturePool } from "../../../src/chain/sigPool.js";
import { devKeyPair } from "../../../src/crypto/keys.js";
import { NodeMetrics } from "../../../src/metrics/nodeMetrics.js";
import { TxErrorCode } from "../../../src/types/errors.js";
import { expectCode, openTestChain, type TestChain, testKey, transferTx } from "../../utils/testChain.js";

const NAMES = [
  "chain_queue_block",
  "chain_queue_admission",
  "mempool_txs",
  "mempool_bytes",
  "pending_senders",
  "admission_head_cache",
  "side_blocks",
  "branch_records",
  "block_headers",
  "invalid_blocks",
  "admissions_waiting",
  "verified_txs",
];

describe("bounded queues and caches, and their metrics", () => {
  let t: TestChain;
  afterEach(() => t?.cleanup());

  it("lists every bound with a positive cap, and the metrics show a full mempool", async () => {
    t = await openTestChain({ mempool: { maxTxs: 2 } });
    const key = devKeyPair(0);
    const to = testKey("to").address;
    await t.chain.submitTx(transferTx(key, to, 1n, { nonce: 0n }));
    await t.chain.submitTx(transferTx(key, to, 1n, { nonce: 1n }));
    await expectCode(t.chain.submitTx(transferTx(key, to, 1n, { nonce: 2n })), TxErrorCode.MEMPOOL_FULL);
    const bounds = t.chain.bounds();
    assert.deepEqual(
      bounds.map((b) => b.name),
      NAMES,
    );
    for (const b of bounds) {
      assert.ok(Number.isSafeInteger(b.capacity) && b.capacity > 0, `${b.name} cap ${b.capacity}`);
      assert.ok(b.size >= 0 && b.size <= b.capacity, `${b.name} ${b.size}/${b.capacity}`);
    }
    const by = new Map(bounds.map((b) => [b.name, b]));
    assert.deepEqual([by.get("mempool_txs")?.size, by.get("mempool_txs")?.capacity], [2, 2]);
    assert.equal(by.get("pending_senders")?.size, 1);
    // The keys of the head the three admissions (one sender, one recipient) read, each once.
    assert.deepEqual(by.get("admission_head_cache"), {
      name: "admission_head_cache",
      size: 4,
      capacity: 32_768,
    });
    assert.equal(by.get("block_headers")?.capacity, 4096);

    const pool = new SignaturePool({ size: 1, maxQueued: 77 });
    try {
      const m = new NodeMetrics();
      m.trackBounds(() => [...t.chain.bounds(), pool.bound()]);
      const text = await m.registry.metrics();
      assert.match(text, /^xai_node_bound_size\{bound="mempool_txs"\} 2$/m);
      assert.match(text, /^xai_node_bound_capacity\{bound="mempool_txs"\} 2$/m);
      assert.match(text, /^xai_node_bound_capacity\{bound="signature_pool_queue"\} 77$/m);
      assert.match(text, /^xai_node_bound_size\{bound="chain_queue_block"\} 0$/m);
      assert.equal(text.match(/^xai_node_bound_capacity\{/gm)?.length, NAMES.length + 1);
    } finally {
      await pool.close();
    }
  });
});
