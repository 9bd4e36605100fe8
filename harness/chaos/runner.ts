/**
 * `runChaos`: one chaos run (docs/RELIABILITY.md, "Chaos"). Draws the schedule from the seed,
 * places the nodes (network namespaces, or loopback when they are not permitted), starts the
 * cluster behind the proxies, then at once plays the schedule (fault levels, kill -9 and restart,
 * partitions and heals, all on the proxies) and drives the planned proposals through their
 * lifecycle. At the end it heals everything, waits until every node agrees on head and state root,
 * checks the governance outcomes, stops the nodes and replays each node's database.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { initChain } from "../../src/node/initChain.js";
import { nodePaths } from "../../src/node/paths.js";
import { type Agreement, Cluster } from "../cluster.js";
import { checkOutcomes, type OutcomeCheck, replay } from "./checks.js";
import { type DriveResult, GovDriver } from "./govDriver.js";
import { directDial, namespacesUnavailable } from "./netns.js";
import type { LinkStats } from "./proxy.js";
import { buildSchedule, type ChaosEvent, describeEvent, FAULT_LEVELS } from "./schedule.js";
import { type ChaosMode, createTopology } from "./topology.js";

/** Options of a run. */
export interface ChaosOptions {
  minutes: number;
  seed: number;
  /** Validators (default 4). */
  nodes?: number;
  /** `auto` (default): namespaces when permitted, else loopback. */
  mode?: "auto" | ChaosMode;
  /** Voting, review and implementation periods in blocks (default 12). */
  periodBlocks?: number;
  /** JSON report path (default chaos-results/report-SEED.json). */
  reportPath?: string;
  /** Keep the network directory (it is always kept when the run fails). */
  keep?: boolean;
  print?: (line: string) => void;
}

/** The JSON report of a run. */
export interface ChaosReport {
  seed: number;
  minutes: number;
  nodes: number;
  mode: ChaosMode;
  mode_reason: string | null;
  started_at: string;
  duration_ms: number;
  schedule: ChaosEvent[];
  applied: Array<{ event: string; at_ms: number; error?: string }>;
  proposals: Array<DriveResult & { planned_expected: string }>;
  converged: boolean;
  agreement: Agreement | null;
  heads: Array<{ node: number } & Agreement>;
  outcomes: OutcomeCheck[];
  replay: Array<{ node: number; ok: boolean; out: string }>;
  links: LinkStats | null;
  /** netns mode: what node 0 gets dialing node 1's own address (ENETUNREACH: only proxies connect). */
  direct_dial: string | null;
  passed: boolean;
  error: string | null;
  dir: string | null;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A test genesis with the run's governance periods (short timelock, long grace). */
function writeGenesis(dir: string, nodes: number, period: number): void {
  initChain({ dir, dev: true, preset: "test", validators: String(nodes) }, Date.now());
  const path = nodePaths(dir).genesis;
  const g = JSON.parse(readFileSync(path, "utf8"));
  Object.assign(g.governance_rules, {
    voting_period_blocks: String(period),
    review_period_blocks: String(period),
    implementation_period_blocks: String(period),
    timelock_blocks: "3",
    execution_grace_blocks: String(Math.max(40, 4 * period)),
  });
  writeFileSync(path, `${JSON.stringify(g, null, 2)}\n`);
}

/** One chaos run; never throws for a failed check (the report says), only for bad options. */
export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const print = o.print ?? ((l: string) => console.log(l));
  const nodes = o.nodes ?? 4;
  const t0 = Date.now();
  const log = (m: string) => print(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${m}`);
  const schedule = buildSchedule(o.seed, o.minutes, nodes);
  let mode: ChaosMode = o.mode === "loopback" ? "loopback" : "netns";
  let reason: string | null = null;
  if (o.mode !== "loopback") {
    const why = namespacesUnavailable();
    if (why && o.mode === "netns") throw new Error(`network namespaces unavailable: ${why}`);
    if (why) {
      mode = "loopback";
      reason = why;
    }
  } else reason = "asked for (--mode loopback)";
  print(
    `chaos: seed ${o.seed}, ${o.minutes} min, ${nodes} nodes, mode ${mode}${reason ? ` (namespaces not used: ${reason})` : ""}`,
  );
  print("schedule:");
  for (const e of schedule.events) print(`  ${describeEvent(e)}`);
  for (const [k, p] of schedule.proposals.entries())
    print(`  proposal ${k}: ${p.name} = ${p.value}, votes dev:1..4 ${p.votes.join(",")} → ${p.expected}`);

  const topo = createTopology(mode, nodes, o.seed, log);
  const dir = mkdtempSync(join(tmpdir(), "xai-chaos-"));
  const report: ChaosReport = {
    seed: o.seed,
    minutes: o.minutes,
    nodes,
    mode,
    mode_reason: reason,
    started_at: new Date(t0).toISOString(),
    duration_ms: 0,
    schedule: schedule.events,
    applied: [],
    proposals: [],
    converged: false,
    agreement: null,
    heads: [],
    outcomes: [],
    replay: [],
    links: null,
    direct_dial: null,
    passed: false,
    error: null,
    dir: null,
  };
  // Interrupted: exit at once; the exit hooks kill the nodes and relays and remove the namespaces.
  const onSigint = () => {
    log("SIGINT: cleaning up");
    process.exit(130);
  };
  process.once("SIGINT", onSigint);
  let c: Cluster | undefined;
  try {
    writeGenesis(dir, nodes, o.periodBlocks ?? 12);
    c = await Cluster.start({ nodes, dir, preset: "test", layout: topo, startTimeoutMs: 180_000, log });
    log(`cluster up: ${nodes} nodes peered through ${nodes * (nodes - 1)} proxies`);
    if (mode === "netns") {
      // Node 0 dialing node 1's own libp2p address must fail: no route out of its namespace.
      report.direct_dial = directDial(0, 1, 9000);
      log(`node 0 → 10.77.1.2:9000 without a proxy: ${report.direct_dial}`);
      if (report.direct_dial === "connected") throw new Error("nodes reach each other without the proxies");
    }
    const cl = c;
    const status = await cl.status(0);
    const driver = new GovDriver(cl, status.chain_id, BigInt(status.min_tx_fee), log);
    const ids: string[] = [];
    const gov = (async () => {
      for (const [k, p] of schedule.proposals.entries()) {
        const r = await driver.run(k, p, 360_000);
        ids.push(r.id);
        report.proposals.push({ ...r, planned_expected: p.expected });
        log(
          `proposal ${k}: ${r.status ?? "no agreed final status"} after ${(r.durationMs / 1000).toFixed(0)} s`,
        );
      }
    })();
    // Each event comes its planned gap after the previous one was applied (a slow restart delays
    // what follows rather than collapsing it), so every fault lasts at least as planned.
    const faultStart = Date.now();
    let prev = { at: 0, done: faultStart };
    for (const e of schedule.events) {
      const wait = prev.done + (e.at - prev.at) - Date.now();
      if (wait > 0) await sleep(wait);
      const applied: ChaosReport["applied"][number] = {
        event: describeEvent(e).trim(),
        at_ms: Date.now() - faultStart,
      };
      log(`event: ${applied.event}`);
      try {
        await applyEvent(cl, topo.mesh(), e);
      } catch (err) {
        applied.error = (err as Error).message.split("\n")[0]!;
        log(`event failed: ${applied.error}`);
      }
      report.applied.push(applied);
      prev = { at: e.at, done: Date.now() };
    }
    await gov;
    // Everything healed and calm (the schedule's last events); every node up.
    topo.mesh().heal();
    topo.mesh().setFaults(FAULT_LEVELS.calm!);
    for (const i of cl.all) if (!cl.alive.includes(i)) await cl.restart(i, 120_000).catch(() => undefined);
    const agreed = await cl.agreedHeads(240_000);
    report.converged = true;
    report.agreement = agreed.agreement;
    report.heads = agreed.heads;
    log(`converged at height ${agreed.agreement.height}: head ${agreed.agreement.head_hash.slice(0, 16)}`);
    report.outcomes = await checkOutcomes(cl, schedule.proposals, ids);
    for (const x of report.outcomes)
      log(
        `proposal ${x.number}: ${x.statuses.join(",")}; votes decide ${x.decided}${x.ok ? "" : ` — ${x.problems.join("; ")}`}`,
      );
    report.links = topo.mesh().totals();
    await cl.stop();
    for (const i of cl.all) {
      const r = await replay(cl.specs[i]!.dir);
      report.replay.push({ node: i, ...r });
    }
    log(`replay: ${report.replay.map((r) => `node ${r.node} ${r.ok ? "ok" : "FAILED"}`).join(", ")}`);
    report.passed =
      report.proposals.length === schedule.proposals.length &&
      report.outcomes.every((x) => x.ok) &&
      report.replay.every((r) => r.ok);
  } catch (err) {
    report.error = (err as Error).stack ?? String(err);
    log(`FAILED: ${(err as Error).message}`);
    if (c) for (const i of c.all) print(`--- node ${i} log tail ---\n${c.tailLog(i, 15)}`);
  } finally {
    await c?.stop();
    report.links ??= safeTotals(topo);
    await topo.teardown();
    process.removeListener("SIGINT", onSigint);
  }
  report.duration_ms = Date.now() - t0;
  if (report.passed && !o.keep) rmSync(dir, { recursive: true, force: true });
  else report.dir = dir;
  const path = o.reportPath ?? join("chaos-results", `report-${o.seed}.json`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  print(
    `chaos: ${report.passed ? "PASS" : "FAIL"} in ${(report.duration_ms / 1000).toFixed(0)} s, report ${path}`,
  );
  return report;
}

function safeTotals(topo: ReturnType<typeof createTopology>): LinkStats | null {
  try {
    return topo.mesh().totals();
  } catch {
    return null;
  }
}

async function applyEvent(
  c: Cluster,
  mesh: ReturnType<ReturnType<typeof createTopology>["mesh"]>,
  e: ChaosEvent,
) {
  switch (e.kind) {
    case "faults":
      return mesh.setFaults(FAULT_LEVELS[e.level]!);
    case "kill":
      return c.kill(e.node);
    case "restart":
      // Peering may take a while under faults: the run goes on; convergence is checked at the end.
      return c.restart(e.node, 90_000);
    case "partition":
      return mesh.partition(e.groups);
    case "heal":
      return mesh.heal();
  }
}
