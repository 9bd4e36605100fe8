/**
 * Review of v2 (side blocks): with one global cap filled first come first served, one validator
 * equivocating in its own slots could fill it on every node (a side block costs only a header
 * signature); an honest competing branch was then not stored, its tip arrived with an unknown
 * parent, and the node stayed on the lighter branch until the fork point was final. Now at most
 * MAX_SIDE_BLOCKS_PER_SLOT side blocks are kept per slot, and only a slot's proposer can sign for it.
 */
import assert from "node:assert/strict";
import { MAX_SIDE_BLOCKS_PER_SLOT } from "../../../src/chain/sideBlocks.js";
import { bytesEqual } from "../../../src/crypto/bytes.js";
import { sha256 } from "../../../src/crypto/hash.js";
import { makeBlock, openTestChain, produce, runToHeight, testGenesis } from "../../utils/testChain.js";

describe("side blocks: one validator's equivocations cannot crowd out an honest branch", () => {
  const genesis = testGenesis(2, (json) => {
    json.finality_depth = 3;
  });

  it("equivocations beyond 2 per slot are not stored; the honest heavier branch still wins by reorg", async () => {
    const t = await openTestChain({ genesis, maxSideBlocks: 8 });
    const other = await openTestChain({ genesis });
    try {
      assert.equal(MAX_SIDE_BLOCKS_PER_SLOT, 2);
      const [b1] = await runToHeight(t.chain, 2);
      await other.chain.importBlock(b1!.bytes);
      // The attack: 8 equivocating blocks on b1 in two slots of one validator (distinct headers).
      for (const slot of [11, 13])
        for (let k = 0; k < 4; k++) {
          const junk = await makeBlock(t.chain, {
            parent: b1!,
            slot,
            header: { stateRoot: sha256(new Uint8Array([slot, k])) },
          });
          assert.equal((await t.chain.importBlock(junk.bytes)).status, "side");
        }
      assert.equal(t.chain.sideBlockCount, 4, "2 per slot kept, the other 4 dropped");
      // An honest node builds a longer branch on b1 in other slots: heights 2 and 3.
      const c2 = await produce(other.chain, 9);
      const c3 = await produce(other.chain, 10);
      assert.equal((await t.chain.importBlock(c2.bytes)).status, "side");
      assert.equal(t.chain.sideBlockCount, 5);
      assert.equal((await t.chain.importBlock(c3.bytes)).status, "reorg");
      assert.ok(bytesEqual(t.chain.head.hash, c3.hash), "the node follows the heavier branch");
    } finally {
      await t.cleanup();
      await other.cleanup();
    }
  });

  it("the per-slot count survives a restart (the index is reloaded with the slots)", async () => {
    let t = await openTestChain({ genesis, maxSideBlocks: 8 });
    try {
      const [b1] = await runToHeight(t.chain, 2);
      for (let k = 0; k < 2; k++) {
        const junk = await makeBlock(t.chain, {
          parent: b1!,
          slot: 11,
          header: { stateRoot: sha256(new Uint8Array([k])) },
        });
        await t.chain.importBlock(junk.bytes);
      }
      assert.equal(t.chain.sideBlockCount, 2);
      await t.close();
      t = await openTestChain({ genesis, dir: t.dir, maxSideBlocks: 8 });
      assert.equal(t.chain.sideBlockCount, 2);
      const third = await makeBlock(t.chain, {
        parent: b1!,
        slot: 11,
        header: { stateRoot: sha256(new Uint8Array([9])) },
      });
      assert.equal((await t.chain.importBlock(third.bytes)).status, "side");
      assert.equal(await t.db.getBlockBytes(third.hash), undefined, "slot 11 is full after the restart too");
      assert.equal(t.chain.sideBlockCount, 2);
      const otherSlot = await makeBlock(t.chain, { parent: b1!, slot: 13 });
      assert.equal((await t.chain.importBlock(otherSlot.bytes)).status, "side");
      assert.equal(t.chain.sideBlockCount, 3, "another slot still has room");
    } finally {
      await t.cleanup();
    }
  });
});
