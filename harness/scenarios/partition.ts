import assert from "node:assert/strict";
import { assertSameGovernance, proposal, submitProposal, waitStatus } from "../gov.js";
import { metricTotal } from "../metrics.js";
import type { Scenario } from "../scenario.js";
import { dev, payloads, send, sendAndWait } from "../txs.js";

/**
 * (8) Partition into a majority and a minority side: both produce blocks (competing forks) and
 * both take governance transactions (the majority runs a proposal through voting and review, the
 * minority submits its own proposal); after the heal the minority reorgs onto the majority chain
 * and every node ends with one chain and identical governance state; the proposal then executes.
 */
export const partition: Scenario = {
  name: "partition",
  title: "partition with competing forks, heal → one chain and identical governance state",
  async run({ cluster: c, check, note }) {
    const n = c.size;
    const major = c.all.slice(0, Math.floor(n / 2) + 1);
    const minor = c.all.slice(Math.floor(n / 2) + 1);
    const { id } = await submitProposal(
      c,
      0,
      dev(0),
      { kind: "protocol_parameter", name: "max_tx_bytes", value: "32768" },
      "max_tx_bytes 32 KiB",
    );
    note("proposal", id);
    const base = await c.converge();
    await c.partition([major, minor]);
    check(`partitioned {${major.join(",")}} | {${minor.join(",")}} at height ${base.height}`);

    // Majority: votes at each of its nodes, then reviews once it reaches code_review.
    const votes = await Promise.all(
      [1, 2, 3, 4].map((v, k) => send(c, major[k % major.length]!, dev(v), payloads.vote(id, "yes"))),
    );
    // Minority: a proposal of its own and a vote on it (gone with its fork after the heal, then re-included).
    const m0 = minor[0]!;
    const minorTx = await send(
      c,
      m0,
      dev(6),
      payloads.propose(
        { kind: "feature_activation", feature: "fee_burn", enabled: true },
        "Minority-side proposal",
      ),
    );
    note("minority_submit_tx", minorTx);
    await Promise.all(votes.map((tx) => c.waitIncluded(tx, major)));
    await waitStatus(c, id, "code_review", { nodes: major });
    const reviews = await Promise.all(
      [5, 7].map((r, k) => send(c, major[k % major.length]!, dev(r), payloads.review(id, true))),
    );
    await Promise.all(reviews.map((tx) => c.waitIncluded(tx, major)));

    // Both sides produced blocks on their own forks.
    const [sMajor, sMinor] = await Promise.all([c.converge(30_000, major), c.converge(30_000, minor)]);
    assert.ok(sMajor.height > base.height && sMinor.height > base.height, "both sides produce blocks");
    assert.notEqual(sMajor.head_hash, sMinor.head_hash);
    const minorView = await proposal(c, m0, id);
    // The minority never saw the majority's votes (if its fork passed voting_end, it rejected it).
    assert.equal(minorView.tally.voters, "0", "the minority never saw the majority's votes");
    assert.ok(["voting", "rejected"].includes(minorView.status), `minority status ${minorView.status}`);
    note("fork_heads", { major: sMajor, minor: sMinor });
    check(
      `both sides built forks: majority at ${sMajor.height}, minority at ${sMinor.height}; ` +
        `the minority sees the proposal ${minorView.status} with ${minorView.tally.voters} voters`,
    );
    const reorgsBefore = await Promise.all(
      minor.map(async (i) => metricTotal(await c.metrics(i), "xai_chain_reorgs_total")),
    );

    // The majority's fork must be the longer one for the minority to reorg onto it (most blocks).
    await c.waitLead(major, minor, 2);
    await c.heal();
    const one = await c.converge(90_000);
    note("converged", one);
    const reorgsAfter = await Promise.all(
      minor.map(async (i) => metricTotal(await c.metrics(i), "xai_chain_reorgs_total")),
    );
    assert.ok(
      minor.every((_, k) => reorgsAfter[k]! > reorgsBefore[k]!),
      "every minority node reorged",
    );
    check(
      `healed: one chain at height ${one.height}; minority node(s) ${minor.join(",")} reorged onto the majority fork`,
    );
    for (const i of c.all) {
      const blk = await c.get<{ hash: string }>(i, `/blocks/${sMajor.height}`);
      assert.ok(blk.hash, `node ${i} has block ${sMajor.height}`);
    }
    const p = await proposal(c, m0, id);
    assert.ok(["code_review", "implementation_vote"].includes(p.status), `status ${p.status}`);
    assert.equal(p.tally.voters, "4");
    const count = await assertSameGovernance(c);
    check(`identical governance state on every node (${count} proposals; the voted one is ${p.status})`);

    // Governance goes on over the healed network: implementation votes at the minority node.
    await waitStatus(c, id, "implementation_vote");
    const impl = await Promise.all(
      [1, 2].map((v, k) => send(c, c.all[(k + m0) % n]!, dev(v), payloads.implementationVote(id, true))),
    );
    await Promise.all(impl.map((tx) => c.waitIncluded(tx)));
    const queued = await waitStatus(c, id, "queued");
    await c.waitHeight(queued.eta! - 1, [m0]);
    await sendAndWait(c, m0, dev(9), payloads.execute(id));
    const done = await waitStatus(c, id, "executed");
    check(`after the heal the proposal executed at height ${done.execution?.height} on every node`);
    // The minority's own proposal left with its fork; its node re-admits it and includes it later.
    const again = await c.receipt(0, minorTx);
    note(
      "minority_proposal_after_heal",
      again ? { height: again.height, proposal: again.proposal_id } : null,
    );
    await assertSameGovernance(c);
    check("identical governance state on every node");
  },
};
