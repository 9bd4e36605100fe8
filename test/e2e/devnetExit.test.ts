// `xai-gov devnet` stopped (SIGTERM) while its nodes are still starting stops them too: before, its
// signal handlers came after every node was ready, so a SIGTERM meanwhile ended devnet alone and
// left the nodes it had spawned running.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "bin", "xai-gov.js");

/** Pids of processes whose command line contains `text`. */
function pidsWith(text: string): number[] {
  try {
    return execFileSync("pgrep", ["-f", text], { encoding: "utf8" })
      .trim()
      .split("\n")
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

async function until(what: string, fn: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("e2e: devnet stopped while its nodes start", function () {
  this.timeout(60_000);
  let work: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), "xai-devnet-exit-"));
  });
  after(() => {
    for (const pid of pidsWith(join(work, "net"))) process.kill(pid, "SIGKILL");
    rmSync(work, { recursive: true, force: true });
  });

  it("a SIGTERM before the nodes are ready stops every node it spawned", async () => {
    const dir = join(work, "net");
    const devnet = spawn(
      process.execPath,
      [BIN, "devnet", "--nodes", "2", "--dir", dir, "--base-api-port", "0", "--base-p2p-port", "0"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    devnet.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number | null>((r) => devnet.once("exit", (code) => r(code)));
    // spawnNode opens node-0/node.log as it spawns the process; the node is not ready that soon.
    await until("node 0 to be spawned", () => existsSync(join(dir, "node-0", "node.log")), 30_000);
    devnet.kill("SIGTERM");
    assert.equal(await exited, 0);
    assert.equal(out, "", "no node list: devnet was stopped before the nodes were ready");
    // Every node process (`start --dir <dir>/node-I`) is gone.
    await until(`no process of ${dir} left`, () => pidsWith(dir).length === 0, 15_000);
  });
});
