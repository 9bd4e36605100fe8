import assert from "node:assert/strict";
import type { KeyPair } from "../../src/crypto/keys.js";
import type { Cluster } from "../cluster.js";
import { assertSameGovernance, castVotes, proposal, submitProposal, waitStatus } from "../gov.js";
import type { Scenario } from "../scenario.js";
import { dev, freshKey, payloads, send, trySend, XAI } from "../txs.js";

const ACTION = { kind: "protocol_parameter", name: "block_reward", value: "2000000000" } as const;

/** Funds each key with `amount` from dev:0 (sent at node 0) and waits until every node has it. */
async function fund(c: Cluster, keys: KeyPair[], amount: bigint): Promise<number> {
  const ids: string[] = [];
  for (const k of keys) ids.push(await send(c, 0, dev(0), payloads.transfer(k.address, amount)));
  const receipts = await Promise.all(ids.map((id) => c.waitIncluded(id)));
  return Math.max(...receipts.map((r) => r.height));
}

/**
 * (2) Underpowered voters never reach approval:
 *   P1: three voters funded with 1 XAI each after genesis (before P1) vote yes: their power counts
 *       but misses quorum, and they are below the participant floor (SPEC v2 §4.2), so they are no
 *       heads for min_voters either → rejected at voting end, deposit burned;
 *   P2: two large holders vote yes: 2 voters < min_voters (3) → rejected (with 20 % it misses the
 *       quorum of 33.4 % too);
 *   P3: voters funded after P3's snapshot are refused with GOV_NO_VOTING_POWER by every node.
 */
export const underpowered: Scenario = {
  name: "underpowered",
  title: "tiny or too few voters are rejected; voters funded after the snapshot cannot vote",
  // The late-funded voters' votes must still find P3 in voting (GOV_NO_VOTING_POWER, not
  // GOV_VOTING_CLOSED): after the funding is in on every node, 5 blocks ran out under load.
  cluster: { rules: { voting_period_blocks: "10" } },
  async run({ cluster: c, check, note }) {
    const small = [freshKey(), freshKey(), freshKey()];
    const fundedAt = await fund(c, small, 1n * XAI);
    note("small_voters_funded_at", fundedAt);
    const [p1, p2, p3] = await Promise.all([
      submitProposal(c, 1 % c.size, dev(7), ACTION, "Underpowered P1: tiny voters"),
      submitProposal(c, 2 % c.size, dev(8), ACTION, "Underpowered P2: two voters"),
      submitProposal(c, 0, dev(9), ACTION, "Underpowered P3: late funding"),
    ]);
    note("proposals", { p1: p1.id, p2: p2.id, p3: p3.id });
    assert.ok(p1.height > fundedAt && p3.height > fundedAt, "snapshots follow the funding");

    // At once (P3's voting period is 10 blocks, 30 above 5 nodes): P1's three small holders vote yes at three
    // different nodes, two large holders vote yes on P2, and three new accounts are funded.
    // A small holder funded before P3's snapshot may vote on it (the snapshot is what counts): its
    // P3 vote goes right after its P1 vote, at the same node (which has the P1 vote pending, so
    // the next nonce). Sent after the late funding was included everywhere, as before, it came
    // three all-node waits after P3's inclusion: past its 5 blocks at 16 nodes (voting ended).
    const nodes = c.alive;
    const late = [freshKey(), freshKey(), freshKey()];
    const p1Votes = Promise.all(
      small.map((k, j) => send(c, nodes[j % nodes.length]!, k, payloads.vote(p1.id, "yes"))),
    );
    const [, , lateAt, early] = await Promise.all([
      p1Votes.then((ids) => Promise.all(ids.map((id) => c.waitIncluded(id)))),
      castVotes(c, p2.id, [
        [1, "yes"],
        [2, "yes"],
      ]),
      fund(c, late, 1_000n * XAI),
      p1Votes.then(() => send(c, nodes[0]!, small[0]!, payloads.vote(p3.id, "yes"))),
    ]);
    check("three voters with 1 XAI each cast yes votes on P1 (accepted: power > 0)");
    check("two 1,000,000-XAI holders vote yes on P2");
    const snap = (await proposal(c, 0, p3.id)).heights.snapshot;
    assert.ok(lateAt > snap, `funded at ${lateAt}, after snapshot ${snap}`);
    note("p3_snapshot", snap);
    note("late_voters_funded_at", lateAt);
    await Promise.all(
      late.flatMap((k) =>
        c.all.map(async (i) => {
          const vp = await c.get<{ power: string }>(
            i,
            `/governance/voting-power/${k.address}?proposal_id=${p3.id}`,
          );
          assert.equal(vp.power, "0", `node ${i}: power at P3's snapshot`);
          const r = await trySend(c, i, k, payloads.vote(p3.id, "yes"));
          assert.equal(r.ok, false, `node ${i} refuses a late voter`);
          if (!r.ok) assert.equal(r.code, "GOV_NO_VOTING_POWER", `node ${i}`);
        }),
      ),
    );
    check(`every node refuses ${late.length} voters funded after P3's snapshot: GOV_NO_VOTING_POWER`);
    await c.waitIncluded(early);
    check("a voter funded before P3's snapshot is accepted on P3");

    const r1 = await waitStatus(c, p1.id, "rejected");
    assert.equal(r1.tally.quorum_reached, false);
    assert.equal(r1.tally.voters, "3");
    assert.equal(r1.tally.heads, "0");
    assert.equal(r1.tally.enough_voters, false);
    assert.equal(r1.failure_code, "no_quorum");
    assert.equal(r1.deposit_state, "burned");
    check(
      "P1 rejected at voting end on every node: 3 voters, 0 heads (below the floor), no quorum; deposit burned",
    );
    const r2 = await waitStatus(c, p2.id, "rejected");
    assert.equal(r2.tally.enough_voters, false);
    check("P2 rejected on every node: 2 voters < min_voters 3");
    const r3 = await waitStatus(c, p3.id, "rejected");
    assert.equal(r3.tally.voters, "1");
    check("P3 rejected on every node with only the pre-snapshot voter counted");
    const n = await assertSameGovernance(c);
    check(`identical governance state on every node (${n} proposals)`);
  },
};
