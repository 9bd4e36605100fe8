/**
 * Review A1 (high): payload swap across a reorg. The proposer signs two SUBMIT_PROPOSALs with one
 * nonce, a harmless A and a harmful B. Branch A includes A and the voters' yes votes; a heavier
 * branch B includes B. Under v1 both proposals had one id (chain, proposer, nonce), so after the
 * reorg the re-admitted (or re-broadcast) votes counted for B. Under SPEC v2 §4.1 the id is bound
 * to the submit transaction's id: the votes name A, which does not exist on B.
 */
import assert from "node:assert/strict";
import { devKeyPair } from "../../../src/crypto/keys.js";
import { GovErrorCode } from "../../../src/governance/errors.js";
import { proposalIdOf } from "../../../src/governance/proposalId.js";
import { findProposal } from "../../../src/governance/store.js";
import type { Block } from "../../../src/types/block.js";
import type { Payload } from "../../../src/types/tx.js";
import { decodeTx } from "../../../src/types/txCodec.js";
import {
  expectCode,
  importAll,
  openTestChain,
  produce,
  signTx,
  type TestChain,
  testGenesis,
} from "../../utils/testChain.js";

const genesis = testGenesis(2);
const proposer = devKeyPair(0);
const voters = [1, 2, 3].map((i) => devKeyPair(i));

function submit(action: Extract<Payload, { type: "SUBMIT_PROPOSAL" }>["action"]): Uint8Array {
  return signTx(
    proposer,
    { type: "SUBMIT_PROPOSAL", title: "change", description: "", deposit: 10n * 100_000_000n, action },
    { nonce: 0n },
  );
}

async function branch(t: TestChain, slots: number[], txs: Uint8Array[][]): Promise<Block[]> {
  const out: Block[] = [];
  for (const [i, slot] of slots.entries()) {
    for (const tx of txs[i] ?? []) await t.chain.submitTx(tx);
    out.push(await produce(t.chain, slot));
  }
  return out;
}

describe("A1: payload swap after voting, via proposer equivocation and a reorg", () => {
  let x: TestChain;
  let y: TestChain;
  let z: TestChain;

  beforeEach(async () => {
    [x, y, z] = [
      await openTestChain({ genesis }),
      await openTestChain({ genesis }),
      await openTestChain({ genesis }),
    ];
  });
  afterEach(async () => {
    for (const t of [x, y, z]) await t.cleanup();
  });

  it("the votes cast for A on branch A are refused on the heavier branch B; B's tally has no yes votes", async () => {
    const harmless = submit({ kind: "protocol_parameter", name: "max_block_txs", value: "500" });
    const harmful = submit({
      kind: "treasury_allocation",
      recipient: proposer.address,
      amount: "900000000000000",
      purpose: "drain",
    });
    const idA = proposalIdOf(decodeTx(harmless).id);
    const idB = proposalIdOf(decodeTx(harmful).id);
    assert.notEqual(idA, idB, "one nonce, two payloads, two ids");
    const yesVotes = voters.map((k) =>
      signTx(k, { type: "CAST_VOTE", proposalId: idA, option: "yes" }, { nonce: 0n }),
    );

    // Branch A (X): the harmless proposal, then three yes votes.
    const A = await branch(x, [1, 2], [[harmless], yesVotes]);
    assert.equal((await findProposal(x.chain.state, idA))?.tally.yes, 3_000_000n * 100_000_000n);
    // Branch B (Y), one block heavier: the harmful proposal under the same nonce.
    const B = await branch(y, [3, 4, 5], [[harmful], [], []]);

    // Z follows A, then switches to B: a real reorg through Chain.importBlock.
    assert.deepEqual(await importAll(z.chain, A), ["head", "head"]);
    assert.equal((await findProposal(z.chain.state, idA))?.tally.voters, 3n);
    assert.deepEqual(await importAll(z.chain, B), ["side", "side", "reorg"]);
    assert.equal(z.chain.head.hashHex, y.chain.head.hashHex);

    // The reverted votes were not re-admitted, and a re-broadcast is refused.
    for (const v of yesVotes) assert.equal(z.chain.mempool.has(decodeTx(v).id), false);
    assert.equal(z.chain.mempool.size, 0);
    for (const v of yesVotes) await expectCode(z.chain.submitTx(v), GovErrorCode.UNKNOWN_PROPOSAL);
    assert.equal(z.chain.mempool.size, 0, "nothing admitted");

    // On B, A does not exist and B has not one vote, also after more blocks.
    await produce(z.chain);
    assert.equal(await findProposal(z.chain.state, idA), undefined);
    const p = await findProposal(z.chain.state, idB);
    assert.ok(p);
    assert.equal(p.action.kind, "treasury_allocation");
    assert.deepEqual(p.tally, { yes: 0n, no: 0n, abstain: 0n, voters: 0n, yesVoters: 0n, heads: 0n });
  });
});
