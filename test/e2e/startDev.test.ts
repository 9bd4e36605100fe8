// `start --dev --block-time-ms` (issue 12; operator review defect 12: with 1 s blocks a hand-typed
// walk-through missed the review window, and `start --dev` could not slow the chain): on a new
// DIR the dev chain gets that block time; on an existing DIR the option is refused (BAD_OPTION),
// since the block time is in genesis.json, and nothing is written.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, ROOT, spawnCli } from "../utils/cli.js";

describe("e2e: start --dev --block-time-ms", function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("a new dev chain gets the block time; an existing DIR refuses the option", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xai-e2e-startdev-"));
    dirs.push(dir);
    const node = join(dir, "node");
    const child = spawn(
      process.execPath,
      [BIN, "start", "--dir", node, "--dev", "--block-time-ms", "250", "--api", "127.0.0.1:0"],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`no start\n${out}`)), 30_000);
      child.stdout.on("data", (d) => {
        out += d;
        // The ready line: printed once the signal handlers are in place.
        if (out.includes('"node listening"')) {
          clearTimeout(timer);
          res();
        }
      });
      child.stderr.on("data", (d) => {
        out += d;
      });
    });
    child.kill("SIGINT");
    assert.equal(await new Promise((r) => child.on("exit", r)), 0);
    const genesis = JSON.parse(readFileSync(join(node, "genesis.json"), "utf8")) as { block_time_ms: string };
    assert.equal(String(genesis.block_time_ms), "250");

    const again = await spawnCli([
      "start",
      "--dir",
      node,
      "--dev",
      "--block-time-ms",
      "500",
      "--api",
      "127.0.0.1:0",
    ]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /BAD_OPTION: --block-time-ms applies only with --dev on a new DIR/);
    assert.equal(
      String(
        (JSON.parse(readFileSync(join(node, "genesis.json"), "utf8")) as { block_time_ms: string })
          .block_time_ms,
      ),
      "250",
    );
    const other = join(dir, "other");
    const bad = await spawnCli(["start", "--dir", other, "--block-time-ms", "500", "--api", "127.0.0.1:0"]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /BAD_OPTION/);
    assert.equal(existsSync(other), false, "nothing written");
  });
});
