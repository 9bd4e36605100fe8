import assert from "node:assert/strict";
import {
  assertSameGovernance,
  castVotes,
  executeAtEta,
  proposal,
  submitProposal,
  waitStatus,
} from "../gov.js";
import type { Scenario } from "../scenario.js";
import { dev, payloads, send, sendAndWait } from "../txs.js";

/**
 * (7) A node SIGKILLed during voting misses blocks; restarted, it catches up from its peers and
 * agrees on the proposal's state and the state root; the proposal then runs to execution with
 * the restarted node taking part.
 */
export const restart: Scenario = {
  name: "restart",
  title: "a node kill -9'd during voting restarts, catches up and agrees",
  // The victim's restart and catch-up (5 to 10 s on a loaded machine) happen in the review period,
  // before its review: 5 blocks ran out there (GOV_NOT_IN_REVIEW) in 2 of 18 full runs.
  cluster: { rules: { review_period_blocks: "15" } },
  async run({ cluster: c, check, note }) {
    const victim = c.size - 1;
    const { id } = await submitProposal(
      c,
      0,
      dev(0),
      { kind: "protocol_parameter", name: "max_block_txs", value: "1000" },
      "max_block_txs 1000",
    );
    note("proposal", id);
    // One vote through the victim, included everywhere before the crash.
    await sendAndWait(c, victim, dev(1), payloads.vote(id, "yes"));
    const before = await c.status(victim);
    await c.kill(victim);
    note("killed_at_height", before.height);
    check(`node ${victim} killed with SIGKILL at height ${before.height}, proposal in voting`);
    const rest = c.alive;
    await castVotes(c, id, [
      [2, "yes"],
      [3, "yes"],
      [4, "yes"],
    ]);
    await waitStatus(c, id, "code_review", { nodes: rest });
    const ahead = await c.converge(60_000, rest);
    assert.ok(ahead.height > before.height, "the others went on without it");
    check(`nodes ${rest.join(",")} ended voting without node ${victim} (height ${ahead.height})`);

    await c.restart(victim);
    const resumed = await c.status(victim);
    note("resumed_at_height", resumed.height);
    assert.ok(resumed.height >= before.height, "resumes from its stored head");
    const agreed = await c.converge(60_000);
    note("agreed_at_height", agreed.height);
    check(`node ${victim} resumed at height ${resumed.height} and caught up to ${agreed.height}`);
    const views = await Promise.all(c.all.map((i) => proposal(c, i, id)));
    for (const v of views) assert.equal(v.status, views[0]!.status);
    await assertSameGovernance(c, [id]);
    check(`same proposal state (${views[0]!.status}), tally and root on all ${c.size} nodes`);

    // The restarted node takes part in the rest: a review goes in through it.
    const reviews = [
      send(c, victim, dev(5), payloads.review(id, true)),
      send(c, 0, dev(6), payloads.review(id, true)),
    ];
    await Promise.all((await Promise.all(reviews)).map((tx) => c.waitIncluded(tx)));
    await waitStatus(c, id, "implementation_vote");
    const impl = [2, 3].map((n, k) =>
      send(c, k === 0 ? victim : 0, dev(n), payloads.implementationVote(id, true)),
    );
    await Promise.all((await Promise.all(impl)).map((tx) => c.waitIncluded(tx)));
    await waitStatus(c, id, "queued");
    const done = await executeAtEta(c, id, victim);
    check(
      `the proposal executed at height ${done.execution?.height} on every node, the restarted one included`,
    );
    await assertSameGovernance(c);
    check("identical governance state on every node");
  },
};
