// U4 (review security-2026-12): `replay` did not re-check transaction signatures, so a block
// database from a dishonest source replayed cleanly as long as its headers were validator-signed.
// The database here is written by a chain whose verifier accepts anything (a dishonest node): its
// block 2 is signed by the validator but carries a transfer whose signature is another key's.
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { Chain } from "../../../src/chain/chain.js";
import { ChainErrorCode } from "../../../src/chain/errors.js";
import { replayChain } from "../../../src/chain/replay.js";
import { SignaturePool } from "../../../src/chain/sigPool.js";
import { devKeyPair } from "../../../src/crypto/keys.js";
import { verifySignature } from "../../../src/crypto/verify.js";
import { ChainDb } from "../../../src/db/chainDb.js";
import { isXaiError } from "../../../src/errors.js";
import { createModules } from "../../../src/node/modules.js";
import { getAccount } from "../../../src/state-transition/accounts.js";
import { decodeTx, txSigningMessage } from "../../../src/types/txCodec.js";
import { FAR_FUTURE_MS, produce, tempDir, testGenesis, testKey, transferTx } from "../../utils/testChain.js";

/** A pool that counts the transactions sent to it. */
class CountingPool extends SignaturePool {
  sent = 0;
  override verifyTxs(txs: readonly Uint8Array[]) {
    this.sent += txs.length;
    return super.verifyTxs(txs);
  }
}

describe("U4: replay verifies every transaction signature by default", function () {
  this.timeout(30_000);
  const genesis = testGenesis(1);
  const alice = devKeyPair(0);
  const thief = testKey("thief");
  let dir: string;
  let forgedId: string;

  before(async () => {
    dir = await tempDir("xai-u4-");
    const db = await ChainDb.open(dir);
    const chain = await Chain.open({
      genesis,
      db,
      modules: createModules(),
      now: () => FAR_FUTURE_MS,
      verifier: () => true, // the dishonest node: accepts any signature
    });
    await chain.submitTx(decodeTx(transferTx(alice, devKeyPair(1).address, 5n, { nonce: 0n })));
    await produce(chain);
    // Signed by the thief's key, not alice's: a transfer alice never signed.
    const forged = decodeTx(transferTx(alice, thief.address, 1_000_000n, { nonce: 1n, signer: thief }));
    assert.equal(
      verifySignature(forged.signature, txSigningMessage(forged.bodyBytes), alice.publicKey),
      false,
    );
    forgedId = forged.id;
    await chain.submitTx(forged);
    const b2 = await produce(chain);
    assert.equal(b2.txs.length, 1, "the forged transfer is in block 2");
    assert.equal((await getAccount(chain.state, thief.address)).balance, 1_000_000n);
    await chain.idle();
    await db.close();
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function replay(txVerifier?: null, pool?: SignaturePool) {
    const source = await ChainDb.open(dir);
    const scratchDir = await tempDir("xai-u4-scratch-");
    const scratch = await ChainDb.open(scratchDir);
    try {
      return await replayChain({
        genesis,
        source,
        scratch,
        modules: createModules(),
        blockVerifier: verifySignature,
        ...(txVerifier === null ? { txVerifier } : {}),
        ...(pool ? { pool } : {}),
      });
    } finally {
      await scratch.close();
      await source.close();
      await rm(scratchDir, { recursive: true, force: true });
    }
  }

  it("U4: by default the forged transfer fails the replay at block 2 with REPLAY_MISMATCH (cause TX_BAD_SIGNATURE)", async () => {
    let caught: unknown;
    try {
      await replay();
    } catch (err) {
      caught = err;
    }
    assert.ok(isXaiError(caught, ChainErrorCode.REPLAY_MISMATCH), `got ${String(caught)}`);
    const data = (caught as { data: Record<string, unknown> }).data;
    assert.equal(data.height, 2);
    assert.equal(data.cause, "BLOCK_INVALID_TX");
    assert.equal(data.txCode, "TX_BAD_SIGNATURE");
    assert.equal(data.txId, forgedId);
    assert.equal(data.index, 0);
  });

  it("issue 10: with the signature pool the forged transfer fails the same way (block 2, TX_BAD_SIGNATURE), both transactions having gone through the pool", async () => {
    const pool = new CountingPool({ size: 2 });
    let caught: unknown;
    try {
      await replay(undefined, pool);
    } catch (err) {
      caught = err;
    } finally {
      await pool.close();
    }
    assert.ok(isXaiError(caught, ChainErrorCode.REPLAY_MISMATCH), `got ${String(caught)}`);
    const data = (caught as { data: Record<string, unknown> }).data;
    assert.deepEqual(
      [data.height, data.cause, data.txCode, data.txId],
      [2, "BLOCK_INVALID_TX", "TX_BAD_SIGNATURE", forgedId],
    );
    assert.equal(pool.sent, 2);
  });

  it("U4: with txVerifier null (--skip-signatures) the same database replays with 0 mismatches, and the report says so", async () => {
    const report = await replay(null);
    assert.equal(report.mismatches, 0);
    assert.equal(report.blocks, 2);
    assert.equal(report.txs, 2);
    assert.equal(report.txSignatures, "skipped");
    assert.equal(report.blockSignatures, "verified");
  });

  it("U4: an honest database replays with txSignatures verified", async () => {
    const honestDir = await tempDir("xai-u4-honest-");
    try {
      const db = await ChainDb.open(honestDir);
      const chain = await Chain.open({ genesis, db, modules: createModules(), now: () => FAR_FUTURE_MS });
      await chain.submitTx(decodeTx(transferTx(alice, thief.address, 7n, { nonce: 0n })));
      await produce(chain);
      await chain.idle();
      await db.close();
      const source = await ChainDb.open(honestDir);
      const scratchDir = await tempDir("xai-u4-scratch-");
      const scratch = await ChainDb.open(scratchDir);
      const report = await replayChain({
        genesis,
        source,
        scratch,
        modules: createModules(),
        blockVerifier: verifySignature,
      });
      await scratch.close();
      await source.close();
      await rm(scratchDir, { recursive: true, force: true });
      assert.equal(report.mismatches, 0);
      assert.equal(report.txs, 1);
      assert.equal(report.txSignatures, "verified");
    } finally {
      await rm(honestDir, { recursive: true, force: true });
    }
  });
});
