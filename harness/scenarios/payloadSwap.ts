import assert from "node:assert/strict";
import { isRemoteError } from "../../src/cli/errors.js";
import { TREASURY_ADDRESS } from "../../src/config/addresses.js";
import { assertSameGovernance, balance, proposal, waitStatus } from "../gov.js";
import type { Scenario } from "../scenario.js";
import { dev, payloads, prepareTx, routeOf, XAI } from "../txs.js";

/**
 * (11) A payload swap attempted across a reorg (SPEC §4.1 v2, security review A1). During a
 * partition the proposer equivocates: it signs two SUBMIT_PROPOSALs with one nonce, a harmless one
 * (A) sent to the minority side and a treasury drain (B) sent to the majority side. The minority's
 * voters vote yes for A. After the heal the minority reorgs onto the majority chain, where B stands
 * at that nonce. The ids are bound to the content, so the yes votes cast for A name a proposal that
 * does not exist there: the re-admitted votes are dropped, a rebroadcast is refused with
 * GOV_UNKNOWN_PROPOSAL, B keeps a tally of zero and is rejected, and the treasury is untouched.
 *
 * Runs on the `dev` preset (20-block voting) so that B is still in voting when the votes for A
 * reach the majority chain: that is when they would count if the ids named only the proposer and
 * nonce.
 */
export const payloadSwap: Scenario = {
  name: "payloadswap",
  title: "a proposer's two payloads under one nonce across a reorg: A's votes never count for B",
  cluster: { preset: "dev" },
  async run({ cluster: c, check, note }) {
    const n = c.size;
    const major = c.all.slice(0, Math.floor(n / 2) + 1);
    const minor = c.all.slice(Math.floor(n / 2) + 1);
    const m0 = minor[0]!;
    const M0 = major[0]!;
    await c.converge();
    const treasuryBefore = await balance(c, M0, TREASURY_ADDRESS);
    await c.partition([major, minor]);

    const proposer = dev(0);
    const nonce = BigInt(
      (await c.get<{ next_nonce: string }>(M0, `/accounts/${proposer.address}`)).next_nonce,
    );
    const harmless = payloads.propose(
      { kind: "protocol_parameter", name: "max_block_txs", value: "1500" },
      "max_block_txs 1,500",
    );
    const drain = payloads.propose(
      {
        kind: "treasury_allocation",
        recipient: dev(8).address,
        amount: (9_000_000n * XAI).toString(),
        purpose: "drain",
      },
      "Treasury: 9,000,000 XAI",
    );
    const txA = await prepareTx(c, m0, proposer, harmless, { nonce });
    const txB = await prepareTx(c, M0, proposer, drain, { nonce });
    const subA = await c.submit(m0, txA.bytes, routeOf(harmless));
    const subB = await c.submit(M0, txB.bytes, routeOf(drain));
    assert.ok(subA.ok && subB.ok, "each side admits its own payload");
    const [rA, rB] = await Promise.all([c.waitIncluded(txA.id, minor), c.waitIncluded(txB.id, major)]);
    const idA = rA.proposal_id!;
    const idB = rB.proposal_id!;
    note("proposal_a", idA);
    note("proposal_b", idB);
    assert.notEqual(idA, idB, "two payloads under one nonce get two proposal ids");
    check(`partitioned; one nonce, two payloads: A ${idA} on the minority, B ${idB} on the majority`);

    // The minority's voters vote yes for A (signed bytes kept for the rebroadcast below).
    const votes = await Promise.all(
      [1, 2, 3].map((v) => prepareTx(c, m0, dev(v), payloads.vote(idA, "yes"))),
    );
    for (const v of votes) {
      const r = await c.submit(m0, v.bytes, "/governance/vote");
      assert.ok(r.ok, `vote ${v.id} admitted on the minority`);
    }
    await Promise.all(votes.map((v) => c.waitIncluded(v.id, minor)));
    assert.equal((await proposal(c, m0, idA)).tally.voters, "3");
    check("3 yes votes for A included on the minority fork");

    // The majority gets ahead (more validators, more slots), then the network heals.
    await c.waitHeight((await c.status(m0)).height + 3, major);
    await c.heal();
    const one = await c.converge(90_000);
    check(`healed at height ${one.height}: one chain`);

    // A does not exist on the winning chain, the votes for it are nowhere, B has no votes.
    await c.waitHeight(one.height + 3);
    for (const i of c.all) {
      await assert.rejects(proposal(c, i, idA), (e) => isRemoteError(e, "GOV_UNKNOWN_PROPOSAL"));
      for (const v of votes) assert.equal(await c.receipt(i, v.id), undefined, `vote ${v.id} on node ${i}`);
      const b = await proposal(c, i, idB);
      assert.equal(b.tally.voters, "0", `node ${i}: B has no voters`);
      assert.equal(b.tally.yes, "0", `node ${i}: B has no yes power`);
    }
    check("on every node: A is unknown, none of its votes is included, B has 0 voters and 0 yes power");

    // Anyone can rebroadcast the public vote bytes: they are refused, they name A.
    for (const v of votes) {
      const r = await c.submit(M0, v.bytes, "/governance/vote");
      assert.equal(r.ok, false);
      assert.equal(r.ok ? "" : r.code, "GOV_UNKNOWN_PROPOSAL");
    }
    check("rebroadcast votes for A refused by the majority with GOV_UNKNOWN_PROPOSAL");

    const end = await waitStatus(c, idB, "rejected", { timeoutMs: 90_000 });
    note("b_final", { status: end.status, tally: end.tally });
    for (const i of c.all) assert.equal(await balance(c, i, TREASURY_ADDRESS), treasuryBefore);
    check(`B ended rejected with ${end.tally.voters} voters; the treasury is unchanged on every node`);
    await assertSameGovernance(c);
    check("identical governance state on every node");
  },
};
