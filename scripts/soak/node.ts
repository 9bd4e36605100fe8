/**
 * A real validator process for the crash test and the soak (`npm run soak`): `xai-gov init` of a
 * dev chain with the test preset's short governance periods, `xai-gov start` on it (the compiled
 * code in dist/), the heads it reports in its "new head" log lines, and `xai-gov replay`.
 */
import { type ChildProcessByStdio, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { withNodeMalloc } from "../../src/node/mallocEnv.js";

/** The repository root: this file is scripts/soak/node.ts, or dist/scripts/soak/node.js. */
const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(HERE, HERE.includes(`${join("dist", "scripts")}`) ? "../../.." : "../..");

/** The CLI entry point (`bin/xai-gov.js`, which runs dist/). */
export const BIN = join(ROOT, "bin", "xai-gov.js");

type Child = ChildProcessByStdio<null, Readable, Readable>;

/** How a node process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A started node. */
export interface Started {
  child: Child;
  pid: number;
  api: string;
  /** The height of its "node started" line. */
  height: number;
  /** height → the first 16 hex digits of the hash of every "new head" line it printed so far. */
  heads: Map<number, string>;
  /** Resolves once the process exited and all its output was read. */
  exited: Promise<Exit>;
  output: () => string;
}

/** Every node process still running (killed by `killAll`). */
const live = new Set<Child>();

/** Runs `xai-gov ARGS`; resolves with its exit code and output. */
export function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  return new Promise((res, rej) => {
    child.on("error", rej);
    child.on("close", (code) => res({ code, stdout, stderr }));
  });
}

/**
 * `xai-gov init --dev --preset test --block-time-ms 100` on `dir`; returns the chain id.
 * `stageBlocks` replaces the preset's 5-block voting, review and implementation periods in the
 * genesis before the first start.
 */
export async function initDevChain(dir: string, stageBlocks?: number): Promise<string> {
  const args = ["init", "--dir", dir, "--dev", "--preset", "test", "--block-time-ms", "100", "--json"];
  const r = await runCli(args);
  if (r.code !== 0) throw new Error(`xai-gov init failed (${r.code}): ${r.stderr}`);
  if (stageBlocks !== undefined) {
    const file = join(dir, "genesis.json");
    const g = JSON.parse(readFileSync(file, "utf8")) as { governance_rules: Record<string, string> };
    for (const rule of ["voting_period_blocks", "review_period_blocks", "implementation_period_blocks"])
      g.governance_rules[rule] = String(stageBlocks);
    writeFileSync(file, `${JSON.stringify(g, null, 2)}\n`);
  }
  return (JSON.parse(r.stdout) as { chain_id: string }).chain_id;
}

/** Spawns `xai-gov start` on `dir` and resolves at its "node started" line (within `timeoutMs`). */
export function startNode(dir: string, timeoutMs = 60_000): Promise<Started> {
  const child = spawn(process.execPath, [BIN, "start", "--dir", dir, "--api", "127.0.0.1:0"], {
    cwd: ROOT,
    // As the project's launchers start a node (src/node/mallocEnv.ts).
    env: withNodeMalloc({ ...process.env, XAI_LOG_LEVEL: "info" }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  let out = "";
  let err = "";
  let buffered = "";
  const heads = new Map<number, string>();
  const exited = new Promise<Exit>((res) =>
    child.on("close", (code, signal) => {
      live.delete(child);
      res({ code, signal });
    }),
  );
  child.stderr.on("data", (d) => {
    err += d;
    if (err.length > 200_000) err = err.slice(-100_000);
  });
  return new Promise((res, rej) => {
    let done = false;
    const fail = (why: string) => {
      if (done) return;
      done = true;
      child.kill("SIGKILL");
      rej(new Error(`${why}\nstdout:\n${out.slice(-4000)}\nstderr:\n${err.slice(-4000)}`));
    };
    const timer = setTimeout(() => fail(`node did not start within ${timeoutMs / 1000} s`), timeoutMs);
    child.stdout.on("data", (d) => {
      out += d;
      if (out.length > 200_000) out = out.slice(-100_000);
      buffered += d;
      for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n")) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        let rec: { msg?: string; api?: string; height?: number; hash?: string };
        try {
          rec = JSON.parse(line);
        } catch {
          continue;
        }
        if (rec.msg === "new head") heads.set(rec.height!, rec.hash!);
        if (rec.msg === "node started" && !done) {
          done = true;
          clearTimeout(timer);
          if (!/^http:\/\/127\.0\.0\.1:[1-9][0-9]*$/.test(rec.api ?? "")) fail(`bad api address ${rec.api}`);
          const output = () => `${out}\n${err}`;
          res({ child, pid: child.pid!, api: rec.api!, height: rec.height!, heads, exited, output });
        }
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      fail(`node exited before starting (code ${code}, signal ${signal})`);
    });
  });
}

/** SIGKILLs every node process still running (an after hook, or a failed soak). */
export function killAll(): void {
  for (const c of live) c.kill("SIGKILL");
}

/** The report of `xai-gov replay --json`. */
export interface ReplayCliReport {
  verified: boolean;
  mismatches: number;
  head_height: number;
  blocks: number;
  txs: number;
  [k: string]: unknown;
}

/** Runs `xai-gov replay --dir DIR --json` on a stopped node; throws unless it exits 0 with one JSON line. */
export async function replayCli(dir: string): Promise<ReplayCliReport> {
  const r = await runCli(["replay", "--dir", dir, "--json"]);
  if (r.code !== 0 || r.stderr !== "") throw new Error(`xai-gov replay failed (${r.code}): ${r.stderr}`);
  const lines = r.stdout.trim().split("\n");
  if (lines.length !== 1) throw new Error(`xai-gov replay: one JSON line expected: ${r.stdout}`);
  return JSON.parse(lines[0]!) as ReplayCliReport;
}

export { prng } from "../../harness/prng.js";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
