// The chaos harness's seeded schedule (harness/chaos/schedule.ts) and its governance oracle
// (harness/chaos/checks.ts): a seed names one run, and the outcome the votes decide.
import assert from "node:assert/strict";
import { decide } from "../../../harness/chaos/checks.js";
import { buildSchedule, type ChaosEvent, describeEvent, prng } from "../../../harness/chaos/schedule.js";

describe("chaos schedule", () => {
  it("the same seed gives the same run; another seed another", () => {
    assert.deepEqual(buildSchedule(7, 2, 4), buildSchedule(7, 2, 4));
    assert.notDeepEqual(buildSchedule(7, 2, 4).events, buildSchedule(8, 2, 4).events);
  });

  it("seed 7, 2 minutes, 4 nodes: the pinned schedule and plan", () => {
    const s = buildSchedule(7, 2, 4);
    assert.deepEqual(s.events.slice(0, 7).map(describeEvent), [
      "   0 s  faults lan",
      "   3 s  partition {0,1,2} | {3}",
      "  17 s  heal",
      "  26 s  faults bad",
      "  26 s  partition {0,1,3} | {2}",
      "  36 s  heal",
      "  45 s  kill -9 node 0",
    ]);
    assert.deepEqual(s.proposals, [
      { name: "max_block_txs", value: "1301", votes: ["yes", "yes", "yes", "no"], expected: "executed" },
      { name: "max_block_bytes", value: "830000", votes: ["yes", "yes", "no", "yes"], expected: "executed" },
    ]);
    assert.equal(s.durationMs, 120_000);
  });

  it("one fault at a time, each undone, and everything up, healed and calm at the end", () => {
    for (let seed = 0; seed < 200; seed++) {
      const s = buildSchedule(seed, 5, 3 + (seed % 4));
      let down: number | undefined;
      let parted = false;
      let last = 0;
      for (const e of s.events) {
        assert.ok(e.at >= last && e.at <= s.durationMs, `seed ${seed}: events in time order`);
        last = e.at;
        if (e.kind === "kill") {
          assert.ok(down === undefined && !parted, `seed ${seed}: a kill while a fault is on`);
          assert.ok(e.node >= 0 && e.node < s.nodes);
          down = e.node;
        } else if (e.kind === "restart") {
          assert.equal(e.node, down, `seed ${seed}: restart of the node that is down`);
          down = undefined;
        } else if (e.kind === "partition") {
          assert.ok(down === undefined && !parted, `seed ${seed}: a partition while a fault is on`);
          const all = e.groups.flat().sort((a, b) => a - b);
          assert.deepEqual(
            all,
            Array.from({ length: s.nodes }, (_, i) => i),
            "every node in one group",
          );
          assert.ok(
            e.groups[0]!.length > e.groups[1]!.length && e.groups[1]!.length >= 1,
            "majority | minority",
          );
          parted = true;
        } else if (e.kind === "heal") {
          assert.ok(parted);
          parted = false;
        }
      }
      assert.equal(down, undefined);
      assert.equal(parted, false);
      assert.deepEqual(s.events.at(-1), {
        at: s.durationMs,
        kind: "faults",
        level: "calm",
      } satisfies ChaosEvent);
      assert.equal(s.proposals.length, 5, "one proposal per minute");
      assert.equal(s.proposals[0]!.expected, "executed", "the first proposal always passes");
      for (const p of s.proposals)
        assert.equal(p.votes.filter((v) => v === "yes").length >= 3, p.expected === "executed");
    }
  });

  it("prng: mulberry32 values of seed 1", () => {
    const r = prng(1);
    assert.deepEqual([r(), r(), r()], [0.6270739405881613, 0.002735721180215478, 0.5274470399599522]);
  });

  it("the oracle: four counted votes meet the quorum, three yes or more pass", () => {
    assert.equal(decide(["yes", "yes", "yes", "no"]), "executed");
    assert.equal(decide(["yes", "yes", "yes", "yes"]), "executed");
    assert.equal(decide(["yes", "no", "no", "no"]), "rejected");
    assert.equal(decide(["no", "no", "no", "no"]), "rejected");
    assert.equal(decide(["yes", "yes", "yes", null]), "rejected", "30 % misses the 33.4 % quorum");
  });
});
