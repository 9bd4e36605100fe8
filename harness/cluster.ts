/**
 * A local cluster of `xai-gov start` processes on 127.0.0.1 for the multi-node harness (SPEC §7):
 * start N validators from one genesis, query and submit through their HTTP APIs, kill -9 and
 * restart, partition and heal through each node's loopback admin API, and check that every node
 * reaches the same head hash and state root.
 */
import type { ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { apiGet, apiPost } from "../src/cli/client.js";
import { isRemoteError } from "../src/cli/errors.js";
import { type Genesis, parseGenesis, type RuleValues } from "../src/config/genesis.js";
import type { KeyPair } from "../src/crypto/keys.js";
import { type LocalNodeSpec, prepareLocalNetwork, type SpawnArgs } from "../src/node/devnet.js";
import { writeKeyFile } from "../src/node/keyFile.js";
import { LaunchError, launchNode } from "../src/node/launch.js";
import { nodePaths } from "../src/node/paths.js";
import { clusterRules, clusterTiming, nodeArgs, nodeFlags } from "./clusterSettings.js";

/** Options of a cluster. */
export interface ClusterOptions {
  /** Number of validator nodes. */
  nodes: number;
  /** Network directory (default: a fresh temporary directory, removed by `cleanup`). */
  dir?: string;
  /** Genesis preset (default `test`: 5-block periods, 15 above 5 nodes: clusterRules). */
  preset?: "dev" | "test";
  /** Block time in ms (default clusterTiming's: 1000, 2000 above 5 nodes). */
  blockTimeMs?: number;
  /** Governance rules over the preset's, scaled like them above 5 nodes (clusterRules). */
  rules?: RuleValues;
  /** Progress messages. */
  log?: (msg: string) => void;
  /** How long to wait for the nodes to start, peer and agree (default clusterTiming's). */
  startTimeoutMs?: number;
  /** Where the nodes listen and how they are started (default: 127.0.0.1, `spawnNode`). */
  layout?: NodeLayout;
}

/**
 * A hook of the chaos harness (harness/chaos/topology.ts): rewrite the prepared specs (addresses,
 * peers behind proxies) before the first start, and say how node i's process is launched: the spec
 * its process gets (in a network namespace, another API address than the one the cluster reaches
 * it at) and its spawn arguments (a command prefix, more `start` options). The spec the cluster
 * keeps is the one it reaches the API at; launched with it, it gets the bound ports back.
 */
export interface NodeLayout {
  address(specs: LocalNodeSpec[]): Promise<LocalNodeSpec[]>;
  launch(spec: LocalNodeSpec): { spec: LocalNodeSpec; spawn: SpawnArgs };
}

/** GET /status of a node. */
export interface NodeStatus {
  chain_id: string;
  genesis_hash: string;
  height: number;
  head_hash: string;
  head_slot: number;
  state_root: string;
  finalized_height: number;
  peers: number;
  syncing: boolean;
  mempool_size: number;
  min_tx_fee: string;
  block_time_ms: number;
  validator: string | null;
}

/** GET /admin/peers of a node. */
export interface PeerInfo {
  peer_id: string;
  listen: string[];
  peers: string[];
  allowed: string[] | null;
  banned: string[];
  syncing: boolean;
}

/** Head of every node at a moment when all of them agreed. */
export interface Agreement {
  height: number;
  head_hash: string;
  state_root: string;
}

/** The answer of a write route: accepted, or refused with an error code. */
export type SubmitResult =
  | { ok: true; status: number; tx_id: string; body: Record<string, unknown> }
  | { ok: false; status: number; code: string; message: string };

/** Options of `waitFor`. */
export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Every `waitFor` budget and interval is multiplied by this: the cluster's waitScale (clusterSettings.ts). */
let waitScale = 1;

/** `ms` of a harness wait for the running cluster (scaled by its size, clusterSettings.ts). */
export function scaledMs(ms: number): number {
  return ms * waitScale;
}

/** Thrown inside a `waitFor` predicate: stop waiting now (the awaited state can no longer come). */
export class WaitAbort extends Error {}

/** Polls `fn` until it returns a value other than undefined/null/false; throws on timeout. */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  o: WaitOptions = {},
): Promise<T> {
  const timeoutMs = scaledMs(o.timeoutMs ?? 30_000);
  // Polled less often too: 16 nodes polled every 250 ms are 64 HTTP requests a second.
  const intervalMs = scaledMs(o.intervalMs ?? 250);
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== null && v !== false) return v;
      last = v;
    } catch (err) {
      if (err instanceof WaitAbort) throw err;
      last = err;
    }
    if (Date.now() > deadline) {
      const why = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${why})`);
    }
    await sleep(intervalMs);
  }
}

/** N validator processes on 127.0.0.1 sharing one genesis. */
export class Cluster {
  private readonly children: Array<ChildProcess | undefined>;
  /** Processes spawned and not yet ready (not in `children` yet): killed by stop and killAllNow. */
  private readonly starting = new Set<ChildProcess>();
  private readonly exits: Array<{ code: number | null; signal: string | null } | undefined>;
  private peerIdCache: string[] = [];
  /** Extra environment of each node's process (a release's known upgrades: XAI_TEST_UPGRADES). */
  private readonly envs: Array<Record<string, string>> = [];
  private readonly ownsDir: boolean;
  private stopped = false;
  private layout: NodeLayout | undefined;
  readonly genesis: Genesis;

  private constructor(
    readonly dir: string,
    readonly specs: LocalNodeSpec[],
    private readonly log: (msg: string) => void,
    ownsDir: boolean,
  ) {
    this.children = specs.map(() => undefined);
    this.exits = specs.map(() => undefined);
    this.ownsDir = ownsDir;
    this.genesis = parseGenesis(JSON.parse(readFileSync(nodePaths(dir).genesis, "utf8")));
  }

  /** Prepares the network, starts every node and waits until all are up, peered and agree. */
  static async start(o: ClusterOptions): Promise<Cluster> {
    const ownsDir = o.dir === undefined;
    const dir = o.dir ?? mkdtempSync(join(tmpdir(), "xai-harness-"));
    // Port 0 everywhere: each node binds what the system gives it and prints it (src/node/launch.ts).
    const timing = clusterTiming(o.nodes);
    waitScale = timing.waitScale;
    const preset = o.preset ?? "test";
    const prepared = prepareLocalNetwork({
      dir,
      nodes: o.nodes,
      preset,
      rules: clusterRules(preset, timing, o.rules),
      blockTimeMs: o.blockTimeMs ?? timing.blockTimeMs,
      baseApiPort: 0,
      baseP2pPort: 0,
    });
    const specs = o.layout ? await o.layout.address(prepared) : prepared;
    const c = new Cluster(dir, specs, o.log ?? (() => undefined), ownsDir);
    c.layout = o.layout;
    activeClusters.add(c);
    try {
      // One after another: each node dials those before it, whose addresses are known by then.
      for (let i = 0; i < specs.length; i++) await c.spawn(i);
      await c.waitReady((o.startTimeoutMs ?? timing.startTimeoutMs) / waitScale);
    } catch (err) {
      await c.stop();
      throw err;
    }
    return c;
  }

  /** Number of nodes. */
  get size(): number {
    return this.specs.length;
  }

  /** Indexes of all nodes. */
  get all(): number[] {
    return this.specs.map((s) => s.index);
  }

  /** Indexes of the nodes whose process runs. */
  get alive(): number[] {
    return this.all.filter((i) => this.children[i] !== undefined);
  }

  /** Base URL of node i's API. */
  url(i: number): string {
    const s = this.specs[i]!;
    return `http://${s.apiHost}:${s.apiPort}`;
  }

  /** Path of node i's log file. */
  logPath(i: number): string {
    return join(this.specs[i]!.dir, "node.log");
  }

  /** The last `lines` lines of node i's log. */
  tailLog(i: number, lines = 30): string {
    const p = this.logPath(i);
    if (!existsSync(p)) return "";
    return readFileSync(p, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  }

  /**
   * Starts node i's process and waits until its listeners are open (launch.ts): on the ports it had
   * (0 the first time), or on new ones if those were taken meanwhile; it dials every other node
   * whose address is known. A large cluster's nodes get its options (clusterSettings.ts). With a
   * layout, the layout says how the process is started and its peers are the layout's.
   */
  private async spawn(i: number): Promise<void> {
    const spec = this.specs[i]!;
    if (!this.layout)
      spec.peers = this.specs.filter((s) => s !== spec && !s.p2p.endsWith("/tcp/0")).map((s) => s.p2p);
    const env = { XAI_LOG_LEVEL: process.env.XAI_LOG_LEVEL ?? "info", ...this.envs[i] };
    const n = this.genesis.validators.length;
    const how = this.layout ? this.layout.launch(spec) : { spec, spawn: {} };
    const spawn = {
      ...how.spawn,
      nodeFlags: nodeFlags(n),
      startArgs: [...nodeArgs(n), ...(how.spawn.startArgs ?? [])],
    };
    let child: ChildProcess;
    const spawned: ChildProcess[] = [];
    try {
      ({ child } = await launchNode(how.spec, {
        env,
        retryOnPortTaken: !this.layout,
        spawn,
        timeoutMs: scaledMs(60_000),
        onSpawn: (c) => {
          spawned.push(c);
          this.starting.add(c);
        },
      }));
    } catch (err) {
      this.exits[i] = { code: err instanceof LaunchError ? err.exitCode : null, signal: null };
      throw new WaitAbort(`node ${i} did not start: ${(err as Error).message}\n${this.tailLog(i, 20)}`);
    } finally {
      for (const c of spawned) this.starting.delete(c);
    }
    this.children[i] = child;
    this.exits[i] = undefined;
    child.on("exit", (code, signal) => {
      this.exits[i] = { code, signal };
      if (this.children[i] === child) {
        this.children[i] = undefined;
        if (!this.stopped && signal !== "SIGKILL")
          this.log(`node ${i} exited (code ${code}, signal ${signal})`);
      }
    });
  }

  /** Throws if a node's process died without the harness killing it. */
  assertAlive(nodes: number[] = this.all): void {
    for (const i of nodes)
      if (!this.children[i]) {
        const e = this.exits[i];
        throw new WaitAbort(
          `node ${i} is not running (exit code ${e?.code ?? "?"}, signal ${e?.signal ?? "?"})\n${this.tailLog(i, 20)}`,
        );
      }
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    await this.waitUp(this.all, timeoutMs);
    this.peerIdCache = await Promise.all(this.all.map(async (i) => (await this.peerInfo(i)).peer_id));
    await this.waitPeered(this.all, timeoutMs);
    await waitFor("the first blocks", async () => (await this.statuses()).every((s) => s.height >= 2), {
      timeoutMs,
      intervalMs: 500,
    });
    await this.converge(timeoutMs);
  }

  private async waitUp(nodes: number[], timeoutMs: number): Promise<void> {
    await waitFor(
      `nodes ${nodes.join(",")} to answer /status`,
      async () => {
        this.assertAlive(nodes);
        await Promise.all(nodes.map((i) => this.status(i)));
        return true;
      },
      { timeoutMs, intervalMs: 300 },
    );
  }

  /** Waits until each node in `nodes` is connected to every other node in `nodes`. */
  async waitPeered(nodes: number[] = this.all, timeoutMs = 60_000): Promise<void> {
    await waitFor(
      `nodes ${nodes.join(",")} to peer`,
      async () => {
        this.assertAlive(nodes);
        const infos = await Promise.all(nodes.map((i) => this.peerInfo(i)));
        return infos.every((info, k) =>
          nodes.every((j) => j === nodes[k] || info.peers.includes(this.peerId(j))),
        );
      },
      { timeoutMs, intervalMs: 300 },
    );
  }

  /** libp2p peer id of node i. */
  peerId(i: number): string {
    const id = this.peerIdCache[i];
    if (!id) throw new Error(`peer id of node ${i} unknown`);
    return id;
  }

  // ---- HTTP -----------------------------------------------------------------------------------

  /** GET a JSON route of node i. */
  get<T = Record<string, unknown>>(i: number, path: string): Promise<T> {
    return apiGet<T>(this.url(i), path);
  }

  /** POST JSON to node i. */
  post<T = Record<string, unknown>>(i: number, path: string, body: unknown): Promise<T> {
    return apiPost<T>(this.url(i), path, body);
  }

  /** GET /status of node i. */
  status(i: number): Promise<NodeStatus> {
    return this.get<NodeStatus>(i, "/status");
  }

  /** GET /status of every running node (or of `nodes`). */
  statuses(nodes: number[] = this.alive): Promise<NodeStatus[]> {
    return Promise.all(nodes.map((i) => this.status(i)));
  }

  /** GET /admin/peers of node i. */
  peerInfo(i: number): Promise<PeerInfo> {
    return this.get<PeerInfo>(i, "/admin/peers");
  }

  /** Prometheus text of node i. */
  async metrics(i: number): Promise<string> {
    const res = await fetch(`${this.url(i)}/metrics`);
    return res.text();
  }

  /**
   * Posts signed transaction bytes to node i (`route` default POST /tx). Never throws for a
   * refusal: the answer says accepted (with tx_id) or refused (with the error code).
   */
  async submit(i: number, txBytes: Uint8Array, route = "/tx"): Promise<SubmitResult> {
    const res = await fetch(`${this.url(i)}${route}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tx: Buffer.from(txBytes).toString("base64") }),
    });
    const body = (await res.json()) as Record<string, unknown>;
    if (res.ok) return { ok: true, status: res.status, tx_id: body.tx_id as string, body };
    const e = (body.error ?? {}) as { code?: string; message?: string };
    return { ok: false, status: res.status, code: e.code ?? `HTTP_${res.status}`, message: e.message ?? "" };
  }

  /** The receipt of a transaction on node i, or undefined while it is not included there. */
  async receipt(i: number, txId: string): Promise<Receipt | undefined> {
    try {
      const r = await this.get<{ receipt: Receipt | null }>(i, `/tx/${txId}`);
      return r.receipt ?? undefined;
    } catch (err) {
      if (isRemoteError(err, "NOT_FOUND")) return undefined;
      throw err;
    }
  }

  /** Waits until a transaction is included on every node of `nodes` (default: all running). */
  async waitIncluded(txId: string, nodes: number[] = this.alive, timeoutMs = 30_000): Promise<Receipt> {
    return waitFor(
      `tx ${txId.slice(0, 12)} included on nodes ${nodes.join(",")}`,
      async () => {
        const rs = await Promise.all(nodes.map((i) => this.receipt(i, txId)));
        if (rs.some((r) => r === undefined)) return undefined;
        return rs[0];
      },
      { timeoutMs, intervalMs: 250 },
    );
  }

  /** Waits until every node of `nodes` has a head at least `height`. */
  async waitHeight(height: number, nodes: number[] = this.alive, timeoutMs = 60_000): Promise<NodeStatus[]> {
    return waitFor(
      `height ${height} on nodes ${nodes.join(",")}`,
      async () => {
        const ss = await this.statuses(nodes);
        return ss.every((s) => s.height >= height) ? ss : undefined;
      },
      { timeoutMs, intervalMs: 250 },
    );
  }

  /**
   * Waits until the lowest head of `ahead` is `lead` blocks above the highest of `behind`: before
   * a heal, so that fork choice (most blocks) picks the side a scenario expects. A majority of
   * validators fills more slots only on average: at 16 starved nodes its 9 built fewer than 7.
   */
  async waitLead(ahead: number[], behind: number[], lead: number, timeoutMs = 90_000): Promise<void> {
    await waitFor(
      `nodes ${ahead.join(",")} ${lead} blocks above nodes ${behind.join(",")}`,
      async () => {
        const [a, b] = await Promise.all([this.statuses(ahead), this.statuses(behind)]);
        const low = Math.min(...a.map((s) => s.height));
        return low >= Math.max(...b.map((s) => s.height)) + lead;
      },
      { timeoutMs, intervalMs: 250 },
    );
  }

  // ---- faults ---------------------------------------------------------------------------------

  /**
   * Starts one more node with validator key `key`, which genesis need not list (a validator to be
   * added by governance, SPEC §4.8): its own directory with the network's genesis, free ports,
   * every existing node as a peer. Waits until it answers and is peered; returns its index.
   */
  async addNode(key: KeyPair, timeoutMs = 60_000): Promise<number> {
    const i = this.specs.length;
    const dir = join(this.dir, `node-${i}`);
    mkdirSync(dir, { recursive: true });
    copyFileSync(nodePaths(this.dir).genesis, nodePaths(dir).genesis);
    writeKeyFile(nodePaths(dir).validatorKey, key);
    this.specs.push({
      index: i,
      dir,
      apiHost: "127.0.0.1",
      apiPort: 0,
      p2p: "/ip4/127.0.0.1/tcp/0",
      peers: [],
    });
    this.children.push(undefined);
    this.exits.push(undefined);
    await this.spawn(i);
    await this.waitUp([i], timeoutMs);
    this.peerIdCache[i] = (await this.peerInfo(i)).peer_id;
    await this.waitPeered(this.alive, timeoutMs);
    this.log(`node ${i} added (${key.address})`);
    return i;
  }

  /** kill -9 node i and waits for its process to end. */
  async kill(i: number): Promise<void> {
    const child = this.children[i];
    if (!child) throw new Error(`node ${i} is not running`);
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    this.children[i] = undefined;
    child.kill("SIGKILL");
    await exited;
    this.log(`node ${i} killed (SIGKILL)`);
  }

  /**
   * Starts node i again from its directory and waits until it answers and is peered again; `env`
   * replaces its extra environment (another release: XAI_TEST_UPGRADES).
   */
  async restart(i: number, timeoutMs = 60_000, env?: Record<string, string>): Promise<void> {
    if (this.children[i]) throw new Error(`node ${i} is running`);
    if (env) this.envs[i] = env;
    await this.spawn(i);
    await this.waitUp([i], timeoutMs);
    await this.waitPeered(this.alive, timeoutMs);
    this.log(`node ${i} restarted`);
  }

  /** Waits until node i's process exits by itself (a halt for an upgrade); its exit code and signal. */
  async waitExit(i: number, timeoutMs = 120_000): Promise<{ code: number | null; signal: string | null }> {
    return waitFor(
      `node ${i} to exit`,
      async () => (this.children[i] === undefined ? this.exits[i] : undefined),
      { timeoutMs, intervalMs: 200 },
    );
  }

  /**
   * Adds a follower: a node without a validator key, from the cluster's genesis in a fresh
   * directory, dialing every node; waits until it answers and is peered. Returns its index.
   */
  async addFollower(env: Record<string, string> = {}, timeoutMs = 60_000): Promise<number> {
    const i = this.specs.length;
    const dir = join(this.dir, `follower-${i}`);
    mkdirSync(dir, { recursive: true });
    copyFileSync(nodePaths(this.dir).genesis, nodePaths(dir).genesis);
    this.specs.push({
      index: i,
      dir,
      apiHost: "127.0.0.1",
      apiPort: 0,
      p2p: "/ip4/127.0.0.1/tcp/0",
      peers: [],
    });
    this.children.push(undefined);
    this.exits.push(undefined);
    this.envs[i] = env;
    await this.spawn(i);
    await this.waitUp([i], timeoutMs);
    this.peerIdCache[i] = (await this.peerInfo(i)).peer_id;
    await this.waitPeered(this.alive, timeoutMs);
    this.log(`follower ${i} started`);
    return i;
  }

  /**
   * Cuts the network into `groups` (every node in exactly one): each node keeps links only to the
   * nodes of its own group (POST /admin/peers with their peer ids). Waits until no link crosses.
   */
  async partition(groups: number[][]): Promise<void> {
    const seen = groups.flat().sort((a, b) => a - b);
    if (seen.join() !== this.all.join()) throw new Error("every node must be in exactly one group");
    for (const g of groups)
      await Promise.all(
        g.map((i) =>
          this.post(i, "/admin/peers", { allow: g.filter((j) => j !== i).map((j) => this.peerId(j)) }),
        ),
      );
    await waitFor(
      `partition ${JSON.stringify(groups)}`,
      async () => {
        for (const g of groups) {
          const allowed = new Set(g.map((j) => this.peerId(j)));
          for (const i of g) {
            if (!this.children[i]) continue;
            const info = await this.peerInfo(i);
            if (info.peers.some((p) => !allowed.has(p))) return false;
          }
        }
        return true;
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    this.log(`partitioned ${groups.map((g) => `{${g.join(",")}}`).join(" | ")}`);
  }

  /** Allows every peer again on every node and waits until all are connected to each other. */
  async heal(timeoutMs = 60_000): Promise<void> {
    await Promise.all(this.alive.map((i) => this.post(i, "/admin/peers", { allow: null })));
    await this.waitPeered(this.alive, timeoutMs);
    this.log("healed");
  }

  // ---- agreement ------------------------------------------------------------------------------

  /**
   * Waits until every running node reports the same head hash and state root (the chain moves on,
   * so this polls until a moment when all agree) and returns that head.
   */
  async converge(timeoutMs = 60_000, nodes?: number[]): Promise<Agreement> {
    return waitFor(
      `nodes ${(nodes ?? this.alive).join(",")} to agree on head and state root`,
      async () => {
        const ss = await this.statuses(nodes ?? this.alive);
        const first = ss[0]!;
        const same = ss.every((s) => s.head_hash === first.head_hash && s.state_root === first.state_root);
        return same
          ? { height: first.height, head_hash: first.head_hash, state_root: first.state_root }
          : false;
      },
      { timeoutMs, intervalMs: 200 },
    );
  }

  /**
   * Reads `read(i)` on every running node at one head: waits for a moment when all nodes agree on
   * the head, reads, and retries if any head moved meanwhile. Returns the head and the answers.
   */
  async consistent<T>(
    read: (i: number) => Promise<T>,
    timeoutMs = 60_000,
  ): Promise<{ head: Agreement; values: T[] }> {
    return waitFor(
      "a consistent read across nodes",
      async () => {
        const head = await this.converge(timeoutMs);
        const nodes = this.alive;
        const values = await Promise.all(nodes.map((i) => read(i)));
        const after = await this.statuses(nodes);
        return after.every((s) => s.head_hash === head.head_hash) ? { head, values } : undefined;
      },
      { timeoutMs, intervalMs: 100 },
    );
  }

  /** Waits until every running node agrees and returns that head with each node's view of it. */
  async agreedHeads(
    timeoutMs = 60_000,
  ): Promise<{ agreement: Agreement; heads: Array<{ node: number } & Agreement> }> {
    const { head, values } = await this.consistent((i) => this.status(i), timeoutMs);
    const nodes = this.alive;
    return {
      agreement: head,
      heads: values.map((s, k) => ({
        node: nodes[k]!,
        height: s.height,
        head_hash: s.head_hash,
        state_root: s.state_root,
      })),
    };
  }

  /** Heads of every running node (for reports). */
  async heads(): Promise<Array<{ node: number } & Agreement>> {
    const nodes = this.alive;
    const ss = await this.statuses(nodes);
    return ss.map((s, k) => ({
      node: nodes[k]!,
      height: s.height,
      head_hash: s.head_hash,
      state_root: s.state_root,
    }));
  }

  /** Stops every node (SIGTERM, then SIGKILL after 10 s). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const c of this.starting) c.kill("SIGKILL");
    await Promise.all(
      this.children.map(async (child, i) => {
        if (!child) return;
        const exited = new Promise<void>((r) => child.once("exit", () => r()));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
        this.children[i] = undefined;
      }),
    );
    activeClusters.delete(this);
  }

  /** Removes the network directory if the cluster created it. */
  cleanup(): void {
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }

  /** SIGKILLs every process at once (exit handler). */
  killAllNow(): void {
    for (const c of [...this.children, ...this.starting]) c?.kill("SIGKILL");
  }
}

/** A transaction receipt (GET /tx/:id). */
export interface Receipt {
  tx_id: string;
  height: number;
  index: number;
  block_hash: string;
  result: "ok" | "failed";
  error_code: string | null;
  proposal_id: string | null;
}

const activeClusters = new Set<Cluster>();
// Never leave node processes behind when the harness exits or is interrupted.
process.once("exit", () => {
  for (const c of activeClusters) c.killAllNow();
});
