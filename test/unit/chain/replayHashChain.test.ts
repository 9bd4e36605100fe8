/**
 * REVIEW (U4, replay v2): replayChain checks that each block's parentHash equals the hash the
 * source's canonical index lists for the height below, never that the bytes stored under that
 * hash are the block with that hash. A source database can therefore hold, at height 2, another
 * validator-signed block (here an equivocation of the same slot proposer, with the same effect on
 * state) under the canonical block's hash, and replay reports it verified although the replayed
 * blocks do not form a hash chain (block 3 names a parent that was never replayed).
 */
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { replayChain } from "../../../src/chain/replay.js";
import { verifySignature } from "../../../src/crypto/verify.js";
import { ChainDb } from "../../../src/db/chainDb.js";
import { createModules } from "../../../src/node/modules.js";
import { makeBlock, openTestChain, produce, tempDir, testGenesis } from "../../utils/testChain.js";

describe("replay and the hash chain", function () {
  this.timeout(30_000);

  it("replay refuses a database whose stored block at a height is not the block its successor links to", async () => {
    const genesis = testGenesis(1);
    const t = await openTestChain({ genesis });
    const other = await openTestChain({ genesis });
    const scratchDir = await tempDir("xai-review-replay-");
    try {
      const b1 = await produce(t.chain, 1);
      const b2 = await produce(t.chain, 5);
      await produce(t.chain, 6);
      await other.chain.importBlock(b1.bytes);
      const s2 = await makeBlock(other.chain, { parent: b1, slot: 3 });
      assert.ok(!Buffer.from(s2.hash).equals(Buffer.from(b2.hash)));
      // The splice: the canonical index still says b2, the bytes under b2's hash are s2's.
      await t.db.batch().putBlock(b2.hash, s2.bytes).write();
      await t.close();
      const source = await ChainDb.open(t.dir);
      const scratch = await ChainDb.open(scratchDir);
      try {
        await assert.rejects(
          replayChain({
            genesis,
            source,
            scratch,
            modules: createModules(),
            blockVerifier: verifySignature,
          }),
          /REPLAY_MISMATCH|link|hash/,
        );
      } finally {
        await source.close();
        await scratch.close();
      }
    } finally {
      await t.cleanup();
      await other.cleanup();
      await rm(scratchDir, { recursive: true, force: true });
    }
  });
});
