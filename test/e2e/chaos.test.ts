// The short chaos run of `npm test` (docs/RELIABILITY.md, "Chaos"): 3 real nodes on loopback, every
// link through a fault-injecting proxy, seed 4's schedule (bad links, a kill -9 and restart, a
// partition and heal) while a proposal runs its whole lifecycle. At the end all nodes agree on
// head and root, the proposal is executed as its votes decide, and replay verifies every node.
// No timing assertion: only outcomes.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ChaosOptions, ChaosReport } from "../../harness/chaos/runner.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
// The compiled runner (`npm test` builds first): its nodes run bin/xai-gov.js, which runs dist/.
const RUNNER = join(ROOT, "dist", "harness", "chaos", "runner.js");

describe("e2e: chaos run on loopback (3 nodes, 45 s of faults)", function () {
  // About 2 minutes on an idle 2-core machine (start, faults, convergence, 3 replays); room for load.
  this.timeout(600_000);
  let work: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), "xai-e2e-chaos-"));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("seed 4: converged, the outcome the votes decide, replay ok on every node", async () => {
    assert.ok(existsSync(RUNNER), `${RUNNER} is missing: run \`npm run build\` first`);
    const { runChaos } = (await import(pathToFileURL(RUNNER).href)) as {
      runChaos: (o: ChaosOptions) => Promise<ChaosReport>;
    };
    const lines: string[] = [];
    const reportPath = join(work, "report.json");
    const rep = await runChaos({
      minutes: 0.75,
      seed: 4,
      nodes: 3,
      mode: "loopback",
      periodBlocks: 6,
      reportPath,
      print: (l) => lines.push(l),
    });
    const log = lines.join("\n");
    assert.equal(rep.passed, true, log);
    assert.equal(rep.mode, "loopback");
    assert.ok(
      lines[0]!.includes("mode loopback (namespaces not used: asked for (--mode loopback))"),
      lines[0],
    );
    assert.deepEqual(
      rep.applied.map((a) => [a.event, a.error ?? null]),
      [
        ["0 s  faults bad", null],
        ["4 s  faults calm", null],
        ["4 s  kill -9 node 1", null],
        ["11 s  restart node 1", null],
        ["26 s  partition {1,2} | {0}", null],
        ["39 s  heal", null],
        ["45 s  faults calm", null],
      ],
    );
    assert.equal(rep.converged, true);
    assert.equal(
      new Set(rep.heads.map((h) => `${h.head_hash}/${h.state_root}`)).size,
      1,
      "one head and root",
    );
    assert.equal(rep.heads.length, 3);
    assert.deepEqual(
      rep.outcomes.map((o) => [o.decided, o.statuses, o.ok]),
      [["executed", ["executed", "executed", "executed"], true]],
    );
    assert.deepEqual(
      rep.replay.map((r) => [r.node, r.ok]),
      [
        [0, true],
        [1, true],
        [2, true],
      ],
    );
    assert.ok(rep.links!.accepted >= 6, "every node connected through the proxies");
    assert.deepEqual(JSON.parse(readFileSync(reportPath, "utf8")).seed, 4);
  });
});
