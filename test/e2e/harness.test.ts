// The quick subset of the multi-node harness (docs/HARNESS.md): real `xai-gov start` processes on
// 127.0.0.1, a governance lifecycle and a partition with competing forks and a heal.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { HarnessOptions, HarnessReport } from "../../harness/runner.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
// The compiled harness (`npm test` builds first): the nodes run bin/xai-gov.js, which runs dist/, and
// src/node/devnet.ts finds bin/ relative to its compiled location.
const RUNNER = join(ROOT, "dist", "harness", "runner.js");

describe("e2e: multi-node harness (quick subset)", function () {
  // Two scenarios of ~20-30 s each on a 2-core machine, with room for a slow, shared machine.
  this.timeout(360_000);
  let work: string;

  before(() => {
    work = mkdtempSync(join(tmpdir(), "xai-e2e-harness-"));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("runs lifecycle and partition on 3 nodes, and every node ends on the same head and root", async () => {
    assert.ok(existsSync(RUNNER), `${RUNNER} is missing: run \`npm run build\` first`);
    const { runHarness } = (await import(pathToFileURL(RUNNER).href)) as {
      runHarness: (o: HarnessOptions) => Promise<HarnessReport>;
    };
    const lines: string[] = [];
    const reportPath = join(work, "report.json");
    const rep = await runHarness({ nodes: 3, quick: true, reportPath, print: (l) => lines.push(l) });
    assert.equal(rep.failed, 0, lines.join("\n"));
    assert.deepEqual(
      rep.scenarios.map((s) => [s.name, s.result]),
      [
        ["lifecycle", "pass"],
        ["partition", "pass"],
      ],
    );
    for (const s of rep.scenarios) {
      assert.ok(s.agreement, `${s.name}: the nodes agreed at the end`);
      assert.equal(s.heads.length, 3);
      for (const h of s.heads) {
        assert.equal(h.head_hash, s.agreement.head_hash, `${s.name}: node ${h.node} head`);
        assert.equal(h.state_root, s.agreement.state_root, `${s.name}: node ${h.node} state root`);
      }
      assert.ok(s.checks.length >= 4, `${s.name} recorded its checks`);
    }
    const saved = JSON.parse(readFileSync(reportPath, "utf8")) as HarnessReport;
    assert.equal(saved.passed, 2);
  });
});
