// The documented client example (docs/examples/vote-from-script.mjs) runs as written against a dev
// node: it imports `xai-gov/client` (package.json "exports", the compiled dist/), submits a
// proposal, votes on it and waits for each. Run `npx tsc -p .` first.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "../../src/logger.js";
import type { XaiNode } from "../../src/node/node.js";
import { ROOT } from "../utils/cli.js";

const silent: Logger = { info() {}, warn() {}, debug() {} };
const EXAMPLE = join(ROOT, "docs", "examples", "vote-from-script.mjs");

function runExample(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [EXAMPLE], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      rej(new Error("the example timed out"));
    }, 90_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr });
    });
  });
}

describe("e2e: client library example (docs/examples/vote-from-script.mjs)", function () {
  this.timeout(120_000);
  let dir: string;
  let node: XaiNode;

  before(async function () {
    if (!existsSync(join(ROOT, "dist", "src", "client", "index.js"))) this.skip();
    const { initChain } = await import("../../src/node/initChain.js");
    const { XaiNode } = await import("../../src/node/node.js");
    dir = mkdtempSync(join(tmpdir(), "xai-e2e-client-"));
    initChain({ dir, dev: true, preset: "test", blockTimeMs: "250" }, Date.now());
    node = await XaiNode.start({ dir, apiHost: "127.0.0.1", apiPort: 0, log: silent });
  });

  after(async () => {
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("prints status, proposal, vote and tally lines with the exact fields", async () => {
    const r = await runExample({ XAI_NODE: node.apiAddress, XAI_CHAIN_ID: "xai-devnet-1" });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    const lines = r.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 4, r.stdout);
    const { devKeyPair } = await import("../../src/crypto/keys.js");
    assert.deepEqual(lines[0], { step: "status", chain_id: "xai-devnet-1", address: devKeyPair(0).address });
    const [, proposal, vote, tally] = lines as [
      unknown,
      Record<string, string>,
      Record<string, string>,
      unknown,
    ];
    assert.deepEqual(Object.keys(proposal), ["step", "tx_id", "result", "proposal_id"]);
    assert.equal(proposal.step, "proposal");
    assert.equal(proposal.result, "ok");
    assert.match(proposal.tx_id!, /^[0-9a-f]{64}$/);
    assert.match(proposal.proposal_id!, /^[0-9a-f]{32}$/);
    assert.deepEqual(Object.keys(vote), ["step", "tx_id", "result"]);
    assert.equal(vote.result, "ok");
    assert.notEqual(vote.tx_id, proposal.tx_id);
    // dev:0's whole voting power is for: its balance after the deposit and the two fees.
    const p = (await (
      await fetch(`${node.apiAddress}/governance/proposals/${proposal.proposal_id}`)
    ).json()) as {
      tally: { yes: string };
    };
    assert.deepEqual(tally, { step: "tally", status: "voting", yes: p.tally.yes });
    assert.notEqual(p.tally.yes, "0");
  });

  it("refuses a node on another chain than XAI_CHAIN_ID before signing (CHAIN_ID_MISMATCH)", async () => {
    const r = await runExample({ XAI_NODE: node.apiAddress, XAI_CHAIN_ID: "xai-other-1" });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /CHAIN_ID_MISMATCH/);
    assert.equal(r.stdout.trimEnd().split("\n").length, 1, "only the status line");
  });
});
