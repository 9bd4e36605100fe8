// The signature pool's bounds and lifecycle (src/chain/sigPool.ts): verdicts in item order across
// chunks and workers, a capped queue, a closed pool refuses, and a process that never closes its
// pool still exits (idle workers are unref'd).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { PoolUnavailable, SignaturePool } from "../../../src/chain/sigPool.js";
import { devKeyPair, sign } from "../../../src/crypto/keys.js";
import { memoKey } from "../../../src/crypto/verify.js";
import { encodeSignedTx, encodeTxBody, txSigningMessage } from "../../../src/types/txCodec.js";
import { tempDir } from "../../utils/testChain.js";

const key = devKeyPair(0);
const item = (i: number, good: boolean) => {
  const message = new Uint8Array([i & 0xff, i >> 8, 7]);
  const signature = sign(good ? message : new Uint8Array([9]), key.secretKey);
  return { signature, message, publicKey: key.publicKey };
};

describe("chain/sigPool", function () {
  this.timeout(60_000);

  it("300 items over 2 workers in chunks of 7: each verdict in its item's place", async () => {
    const pool = new SignaturePool({ size: 2, chunk: 7 });
    try {
      const want = Array.from({ length: 300 }, (_, i) => i % 3 !== 0);
      assert.deepEqual(await pool.verify(want.map((g, i) => item(i, g))), want);
      assert.equal(pool.queueLength, 0);
    } finally {
      await pool.close();
    }
  });

  it("calls of the same turn are merged and each gets its own verdicts", async () => {
    const pool = new SignaturePool({ size: 2, inline: 0 });
    try {
      const [a, b, c] = await Promise.all([
        pool.verify([item(1, true)]),
        pool.verify([item(2, false), item(3, true)]),
        pool.verify([]),
      ]);
      assert.deepEqual([a, b, c], [[true], [false, true], []]);
      assert.equal(pool.started, 2);
    } finally {
      await pool.close();
    }
  });

  for (const inline of [0, 8])
    it(`verifyTxs (${inline === 0 ? "on a worker" : "on the caller's thread"}): the memo key of each valid transaction, null for a bad signature and for bytes that do not decode`, async () => {
      const pool = new SignaturePool({ size: 1, inline });
      try {
        const body = encodeTxBody({
          chainId: "c",
          nonce: 0n,
          publicKey: key.publicKey,
          fee: 1n,
          payload: { type: "TRANSFER", recipient: devKeyPair(1).address, amount: 1n },
        });
        const sig = sign(txSigningMessage(body), key.secretKey);
        const good = encodeSignedTx(body, sig);
        const bad = encodeSignedTx(body, sign(txSigningMessage(body), devKeyPair(1).secretKey));
        const [k, n1, n2] = await pool.verifyTxs([good, bad, new Uint8Array([0xff, 0xff])]);
        assert.deepEqual(k, memoKey(sig, txSigningMessage(body), key.publicKey));
        assert.equal(n1, null);
        assert.equal(n2, null);
        assert.equal(pool.started, inline === 0 ? 1 : 0);
      } finally {
        await pool.close();
      }
    });

  it("what one turn submits, up to `inline` signatures, is verified on the caller's thread: no worker, the same verdicts", async () => {
    const pool = new SignaturePool({ size: 2, inline: 8 });
    try {
      const [a, b] = await Promise.all([
        pool.verify([item(1, true), item(2, false), item(3, true)]),
        pool.verify([item(4, false), item(5, true), item(6, true), item(7, true), item(8, false)]),
      ]);
      assert.deepEqual(
        [a, b],
        [
          [true, false, true],
          [false, true, true, true, false],
        ],
      );
      assert.equal(pool.started, 0);
      assert.equal(pool.queueLength, 0);
      // Nine in one turn go to the workers.
      const want = Array.from({ length: 9 }, (_, i) => i % 2 === 0);
      assert.deepEqual(await pool.verify(want.map((g, i) => item(i, g))), want);
      assert.equal(pool.started, 2);
    } finally {
      await pool.close();
    }
  });

  it("the queue is capped: a batch beyond maxQueued is refused (busy) and nothing of it is queued", async () => {
    const pool = new SignaturePool({ size: 1, maxQueued: 10, inline: 0 });
    try {
      const first = pool.verify(Array.from({ length: 8 }, (_, i) => item(i, true)));
      await assert.rejects(pool.verify([item(1, true), item(2, true), item(3, true)]), (e: unknown) => {
        assert.ok(e instanceof PoolUnavailable);
        assert.equal(e.reason, "busy");
        return true;
      });
      assert.equal(pool.queueLength, 8);
      assert.deepEqual(await first, Array(8).fill(true));
      assert.equal(pool.queueLength, 0);
    } finally {
      await pool.close();
    }
  });

  it("review B3: a batch not answered by its deadline fails over (timeout), its worker is replaced, and the pool goes on", async () => {
    // 1 ms: no worker verifies 2,000 signatures in that time, so the deadline always passes first.
    const pool = new SignaturePool({ size: 1, timeoutMs: 1 });
    try {
      const many = Array.from({ length: 2000 }, (_, i) => item(i % 50, true));
      await assert.rejects(
        pool.verify(many),
        (e: unknown) => e instanceof PoolUnavailable && e.reason === "timeout",
      );
      // The terminated worker's tasks are failed and uncounted; a new worker answers the next batch.
      const deadline = Date.now() + 10_000;
      while (pool.queueLength > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.equal(pool.queueLength, 0);
    } finally {
      await pool.close();
    }
    const patient = new SignaturePool({ size: 1 });
    try {
      assert.deepEqual(await patient.verify([item(1, true), item(2, false)]), [true, false]);
    } finally {
      await patient.close();
    }
  });

  it("a closed pool refuses (closed), also what was waiting", async () => {
    const pool = new SignaturePool({ size: 1 });
    const waiting = pool.verify([item(1, true)]);
    await pool.close();
    for (const p of [waiting, pool.verify([item(2, true)])])
      await assert.rejects(p, (e: unknown) => e instanceof PoolUnavailable && e.reason === "closed");
  });

  it("the size is bounded by the machine's parallelism and at least 1", () => {
    assert.equal(new SignaturePool({ size: 0 }).size, 1);
    assert.ok(new SignaturePool({ size: 1000 }).size <= 1000);
    assert.ok(new SignaturePool({ size: 1000 }).size >= 1);
  });

  it("a process that uses the pool and never closes it exits by itself", async () => {
    const dir = await tempDir("xai-sigpool-");
    const file = join(dir, "use.mts");
    const src = new URL("../../../src/chain/sigPool.ts", import.meta.url).href;
    await writeFile(
      file,
      `const { SignaturePool } = await import(${JSON.stringify(src)});\n` +
        "const pool = new SignaturePool({ size: 2, inline: 0 });\n" +
        "const r = await pool.verify([{ signature: new Uint8Array(64), message: new Uint8Array(1), publicKey: new Uint8Array(32) }]);\n" +
        "console.log(JSON.stringify(r));\n",
    );
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", file], {
      timeout: 30_000,
    });
    assert.equal(stdout.trim(), "[false]");
  });
});
