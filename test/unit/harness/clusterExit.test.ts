// A harness stopped while a node is starting leaves no node behind (Cluster.starting): before, the
// exit handler killed only nodes that had printed their ready line, and one stopped during
// `addNode` ran on as an orphan on a removed directory.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const FIXTURE = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../fixtures/harness/sigtermWhileStarting.ts",
);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(what: string, fn: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("harness: Cluster exit", function () {
  this.timeout(60_000);
  let work: string;
  let nodePid = 0;
  before(() => {
    work = mkdtempSync(join(tmpdir(), "xai-cluster-exit-"));
  });
  after(() => {
    if (nodePid && alive(nodePid)) process.kill(nodePid, "SIGKILL");
    rmSync(work, { recursive: true, force: true });
  });

  it("a SIGTERM to the harness while a node is starting kills that node too", async () => {
    const pidFile = join(work, "node.pid");
    const harness = spawn(process.execPath, ["--import", "tsx", FIXTURE, pidFile, join(work, "net")], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    harness.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((r) => harness.once("exit", (code) => r(code)));
    await until(
      "the node to be spawned",
      () => existsSync(pidFile) && readFileSync(pidFile, "utf8").endsWith("\n"),
      30_000,
    );
    nodePid = Number(readFileSync(pidFile, "utf8"));
    assert.ok(nodePid > 0 && alive(nodePid), `node pid ${nodePid}`);
    harness.kill("SIGTERM");
    assert.equal(await exited, 143, stderr);
    await until(`node ${nodePid} to be gone`, () => !alive(nodePid), 5_000);
  });
});
