/**
 * Ports that cannot collide (issue 11): local node processes (devnet, the harness, the benches) are
 * started here, and a port is never probed and then handed over (another process could take it in
 * between). A spec's port 0 lets the system choose; the node prints the addresses it bound as one
 * JSON line on stdout (`xai-gov start`, READY_MSG) and `launchNode` reads them back into the spec.
 * A fixed port that turns out to be taken (NODE_LISTEN_FAILED) is retried on port 0 when the
 * caller allows it (a restart on its old port); a user's own fixed port is never changed.
 */
import type { ChildProcess } from "node:child_process";
import { DbErrorCode } from "../db/errors.js";
import { isXaiError } from "../errors.js";
import { type LocalNodeSpec, type SpawnArgs, spawnNode } from "./devnet.js";
import { DB_CORRUPT_EXIT_CODE, LISTEN_FAILED_EXIT_CODE, NodeErrorCode } from "./errors.js";

/** The `msg` of the line `xai-gov start` prints once every listener is open. */
export const READY_MSG = "node listening";

/** The exit code of `xai-gov start` for a start-up failure `err`. */
export function startExitCode(err: unknown): number {
  if (isXaiError(err, NodeErrorCode.LISTEN_FAILED)) return LISTEN_FAILED_EXIT_CODE;
  if (isXaiError(err, DbErrorCode.CORRUPT)) return DB_CORRUPT_EXIT_CODE;
  return 1;
}

/** A node process whose listeners are open. */
export interface LaunchedNode {
  child: ChildProcess;
  /** Base URL of its API (http://HOST:PORT). */
  api: string;
  /** Its libp2p listen addresses, with /p2p/<peer id>. */
  p2p: string[];
}

/** A node process that exited before it was listening: its exit code and what it wrote on stderr. */
export class LaunchError extends Error {
  constructor(
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`node exited with code ${exitCode} before listening: ${stderr.trim().split("\n").pop() ?? ""}`);
    this.name = "LaunchError";
  }
}

/** Options of `launchNode`. */
export interface LaunchOptions {
  /** Extra environment of the process. */
  env?: Record<string, string>;
  /** On NODE_LISTEN_FAILED, start again with the failed listener on port 0 (default false). */
  retryOnPortTaken?: boolean;
  /** How long to wait for the ready line (default 60 s). */
  timeoutMs?: number;
  /** Node flags and extra `start` options of the process (devnet.ts `spawnNode`). */
  spawn?: SpawnArgs;
  /** Called with each process as soon as it is spawned, before its ready line (so that a caller
   * interrupted meanwhile can kill it: the harness's exit handler). */
  onSpawn?: (child: ChildProcess) => void;
}

/**
 * Starts `xai-gov start` for `spec` and resolves once it printed its ready line; then `spec` holds
 * the bound API port and p2p address (so a restart asks for the same ones). Rejects with a
 * LaunchError if the process exits first (after the retry, with `retryOnPortTaken`).
 */
export async function launchNode(spec: LocalNodeSpec, o: LaunchOptions = {}): Promise<LaunchedNode> {
  try {
    return await launchOnce(spec, o);
  } catch (err) {
    if (!o.retryOnPortTaken || !(err instanceof LaunchError) || err.exitCode !== LISTEN_FAILED_EXIT_CODE)
      throw err;
    const api = err.stderr.includes("--api");
    if (api ? spec.apiPort === 0 : spec.p2p.endsWith("/tcp/0")) throw err;
    if (api) spec.apiPort = 0;
    else spec.p2p = withPort(spec.p2p, 0);
    return launchNode(spec, o);
  }
}

function launchOnce(spec: LocalNodeSpec, o: LaunchOptions): Promise<LaunchedNode> {
  const child = spawnNode(spec, o.env ?? {}, o.spawn ?? {});
  o.onSpawn?.(child);
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`node ${spec.index} printed no ready line within ${o.timeoutMs ?? 60_000} ms`));
    }, o.timeoutMs ?? 60_000);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new LaunchError(code, err));
    };
    child.stderr?.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.once("exit", onExit);
    child.stdout?.on("data", function onData(d: Buffer) {
      out += d.toString();
      for (let nl = out.indexOf("\n"); nl >= 0; nl = out.indexOf("\n")) {
        const ready = readyLine(out.slice(0, nl));
        out = out.slice(nl + 1);
        if (!ready) continue;
        clearTimeout(timer);
        child.off("exit", onExit);
        child.stdout?.off("data", onData);
        spec.apiPort = Number(new URL(ready.api).port);
        if (ready.p2p[0]) spec.p2p = ready.p2p[0].replace(/\/p2p\/[^/]+$/, "");
        resolve({ child, ...ready });
        return;
      }
    });
  });
}

/** The addresses of a ready line, or undefined for any other line. */
export function readyLine(line: string): { api: string; p2p: string[] } | undefined {
  if (!line.includes(READY_MSG)) return undefined;
  try {
    const j = JSON.parse(line) as { msg?: unknown; api?: unknown; p2p?: unknown };
    if (j.msg !== READY_MSG || typeof j.api !== "string" || !Array.isArray(j.p2p)) return undefined;
    return { api: j.api, p2p: j.p2p.map(String) };
  } catch {
    return undefined;
  }
}

/** `addr` (…/tcp/PORT) with another port. */
export function withPort(addr: string, port: number): string {
  return addr.replace(/\/tcp\/[0-9]+/, `/tcp/${port}`);
}

/**
 * Starts every node of a local network. Nodes on fixed p2p ports start together, each dialing
 * the others; nodes on p2p port 0 start one after another, each dialing those before it (whose
 * addresses are known by then), so every pair of nodes is linked. Resolves in spec order; if one
 * fails, the others are killed and the error is thrown.
 */
export async function launchNetwork(specs: LocalNodeSpec[], o: LaunchOptions = {}): Promise<LaunchedNode[]> {
  const launched: LaunchedNode[] = [];
  try {
    if (specs.every((s) => !s.p2p.endsWith("/tcp/0"))) {
      const all = specs.map((s) => launchNode(s, o));
      const settled = await Promise.allSettled(all);
      for (const r of settled) if (r.status === "fulfilled") launched.push(r.value);
      const failed = settled.find((r) => r.status === "rejected");
      if (failed) throw (failed as PromiseRejectedResult).reason;
      return launched;
    }
    for (const s of specs) {
      s.peers = launched.map((l) => l.p2p[0]!).filter(Boolean);
      launched.push(await launchNode(s, o));
    }
    return launched;
  } catch (err) {
    for (const l of launched) l.child.kill("SIGKILL");
    throw err;
  }
}
