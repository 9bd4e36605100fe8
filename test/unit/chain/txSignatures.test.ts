// Signatures on the worker pool (src/chain/txSignatures.ts, issue 10): before a block is applied its
// transactions' signatures are verified on the pool and entered into the chain's memo, so applyBlock
// verifies nothing on the main thread; a bad signature among many is still refused with the code and
// index it always had, the state unchanged; admission verifies on the pool, once per node.
import assert from "node:assert/strict";
import { SignaturePool } from "../../../src/chain/sigPool.js";
import { devKeyPair } from "../../../src/crypto/keys.js";
import { cachingVerifier, type Verifier, verifySignature } from "../../../src/crypto/verify.js";
import { BlockErrorCode, TxErrorCode } from "../../../src/types/errors.js";
import {
  expectCode,
  makeBlock,
  openTestChain,
  produce,
  signTx,
  snapshot,
  type TestChain,
  testGenesis,
  testKey,
  transferTx,
} from "../../utils/testChain.js";

/** verifySignature, counting its calls (the main thread's verifications). */
function counting(): { verifier: Verifier; calls: () => number } {
  let n = 0;
  return {
    verifier: (s, m, p) => {
      n++;
      return verifySignature(s, m, p);
    },
    calls: () => n,
  };
}

/** A pool that counts the transactions sent to it. */
class CountingPool extends SignaturePool {
  sent = 0;
  override verifyTxs(txs: readonly Uint8Array[]) {
    this.sent += txs.length;
    return super.verifyTxs(txs);
  }
  override verify(items: Parameters<SignaturePool["verify"]>[0]) {
    this.sent += items.length;
    return super.verify(items);
  }
}

describe("chain: transaction signatures on the worker pool", function () {
  this.timeout(60_000);
  const genesis = testGenesis(1);
  const alice = devKeyPair(0);
  const bob = devKeyPair(1);
  const watched = [alice.address, bob.address];
  let pool: CountingPool;
  let maker: TestChain; // builds the blocks (no pool)
  let t: TestChain; // imports them, with the pool
  let inner: ReturnType<typeof counting>;

  beforeEach(async () => {
    pool = new CountingPool({ size: 2, chunk: 8 });
    maker = await openTestChain({ genesis });
    inner = counting();
    t = await openTestChain({ genesis, verifier: cachingVerifier(inner.verifier), signaturePool: pool });
  });

  afterEach(async () => {
    await t.cleanup();
    await maker.cleanup();
    await pool.close();
  });

  const pays = (n: number, badAt = -1) =>
    Array.from({ length: n }, (_, i) =>
      transferTx(alice, bob.address, 1n + BigInt(i), {
        nonce: BigInt(i),
        ...(i === badAt ? { signer: bob } : {}),
      }),
    );

  // The main thread verifies each imported block's header signature (the gate): 1 call per block.
  it("a block of 40 transfers: all 40 verified on the pool, none on the main thread (the header only); same head as the maker", async () => {
    const block = await makeBlock(maker.chain, { txs: pays(40) });
    const { status } = await t.chain.importBlock(block.bytes);
    assert.equal(status, "head");
    assert.equal(pool.sent, 40);
    assert.equal(inner.calls(), 1);
    assert.equal(t.chain.head.hashHex, block.hashHex);
  });

  it("one bad signature among 40 (index 23): BLOCK_INVALID_TX, txCode TX_BAD_SIGNATURE, index 23, as without the pool; state unchanged", async () => {
    const block = await makeBlock(maker.chain, { txs: pays(40, 23) });
    const before = await snapshot(t.chain, watched);
    const err = await expectCode(t.chain.importBlock(block.bytes), BlockErrorCode.INVALID_TX);
    assert.equal(err.data.txCode, TxErrorCode.BAD_SIGNATURE);
    assert.equal(err.data.index, 23);
    assert.deepEqual(await snapshot(t.chain, watched), before);
    // The pool refused it, so the memo did not hold it: the main thread verified that one (and the header).
    assert.equal(pool.sent, 40);
    assert.equal(inner.calls(), 2);
    // Without the pool: the same refusal.
    const plain = await openTestChain({ genesis });
    try {
      const e2 = await expectCode(plain.chain.importBlock(block.bytes), BlockErrorCode.INVALID_TX);
      assert.deepEqual([e2.data.txCode, e2.data.index], [err.data.txCode, err.data.index]);
    } finally {
      await plain.cleanup();
    }
  });

  it("a closed pool changes no verdict: the main thread verifies all 40 and the block applies", async () => {
    await pool.close();
    const block = await makeBlock(maker.chain, { txs: pays(40) });
    assert.equal((await t.chain.importBlock(block.bytes)).status, "head");
    assert.equal(inner.calls(), 41);
  });

  it("admission verifies on the pool; a peer's block of the same transactions verifies nothing again (once per node)", async () => {
    const txs = pays(12);
    await Promise.all(txs.map((b) => t.chain.submitTx(b)));
    assert.equal(t.chain.mempool.size, 12);
    assert.equal(pool.sent, 12);
    assert.equal(inner.calls(), 0);
    const block = await makeBlock(maker.chain, { txs });
    assert.equal((await t.chain.importBlock(block.bytes)).status, "head");
    assert.equal(pool.sent, 12);
    assert.equal(inner.calls(), 1); // the header
  });

  it("a block this node produces from admitted transactions verifies nothing again", async () => {
    await Promise.all(pays(5).map((b) => t.chain.submitTx(b)));
    const block = await produce(t.chain);
    assert.equal(block.txs.length, 5);
    assert.equal(pool.sent, 5);
    assert.equal(inner.calls(), 0);
  });

  it("admission: a bad signature is refused with TX_BAD_SIGNATURE; an unfunded sender's transfer is refused before any signature check, not sent to the pool", async () => {
    const bad = transferTx(alice, bob.address, 5n, { nonce: 0n, signer: bob });
    await expectCode(t.chain.submitTx(bad), TxErrorCode.BAD_SIGNATURE);
    assert.equal(pool.sent, 1);
    assert.equal(inner.calls(), 1);
    const pauper = testKey("pauper");
    await expectCode(
      t.chain.submitTx(transferTx(pauper, bob.address, 5n, { nonce: 0n })),
      TxErrorCode.INSUFFICIENT_BALANCE,
    );
    assert.equal(pool.sent, 1);
    assert.equal(inner.calls(), 1);
  });

  it("review B1: what the lane refuses before its signature check is not sent to the pool (a nonce past what a sender may have pending, a size over max_tx_bytes)", async () => {
    for (let i = 0; i < 20; i++)
      await expectCode(
        t.chain.submitTx(transferTx(alice, bob.address, 1n, { nonce: 1_000_000n + BigInt(i), signer: bob })),
        TxErrorCode.NONCE_TOO_HIGH,
      );
    const huge = signTx(
      alice,
      {
        type: "SUBMIT_PROPOSAL",
        title: "x",
        description: "d".repeat(40_000),
        deposit: 1n,
        action: { kind: "feature_activation", feature: "fee_burn", enabled: true },
      },
      { nonce: 0n, signer: bob },
    );
    await expectCode(t.chain.submitTx(huge), TxErrorCode.TOO_LARGE);
    assert.deepEqual([pool.sent, inner.calls()], [0, 0]);
  });

  it("admissions keep their submission order into the lane (nonces 0..29 from one sender all admitted)", async () => {
    const results = await Promise.allSettled(pays(30).map((b) => t.chain.submitTx(b)));
    assert.deepEqual(
      results.map((r) => r.status),
      Array(30).fill("fulfilled"),
    );
  });
});
