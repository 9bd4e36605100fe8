/**
 * Runs harness scenarios, each on a fresh cluster, and reports: a table per scenario (result,
 * checks, each node's height, head and state root, time), a summary, and a JSON report.
 */
import "../src/polyfill.js";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Agreement, Cluster } from "./cluster.js";
import type { Scenario, ScenarioContext } from "./scenario.js";
import { QUICK_SCENARIOS, SCENARIOS } from "./scenarios/index.js";

/** Options of a harness run. */
export interface HarnessOptions {
  /** Validators per cluster (default 3). */
  nodes?: number;
  /** Scenario names to run (default: all, or the quick subset with `quick`). */
  only?: string[];
  /** The CI-sized subset, and scenarios skip optional steps. */
  quick?: boolean;
  /** Keep node directories of passed scenarios too (failed ones are always kept). */
  keep?: boolean;
  /** Where to write the JSON report (default harness-results/report.json in the project). */
  reportPath?: string | null;
  /** Output lines (default console.log). */
  print?: (line: string) => void;
}

/** One node's head in a report. */
export interface NodeHead extends Agreement {
  node: number;
}

/** The outcome of one scenario. */
export interface ScenarioReport {
  name: string;
  title: string;
  result: "pass" | "fail" | "skipped";
  error: string | null;
  nodes: number;
  started_at: string;
  duration_ms: number;
  /** The head every node agreed on at the end (null if they did not). */
  agreement: Agreement | null;
  heads: NodeHead[];
  checks: string[];
  notes: Record<string, unknown>;
  /** Network directory (kept for failed scenarios and with --keep; logs in node-I/node.log). */
  dir: string | null;
  /** Last log lines of each node, for failed scenarios. */
  log_tails: Record<string, string> | null;
}

/** The whole report (harness-results/report.json). */
export interface HarnessReport {
  started_at: string;
  finished_at: string;
  duration_ms: number;
  nodes: number;
  quick: boolean;
  node_version: string;
  passed: number;
  failed: number;
  skipped: number;
  scenarios: ScenarioReport[];
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Default report path: harness-results/report.json at the project root. */
export const DEFAULT_REPORT_PATH = join(ROOT, "harness-results", "report.json");

/** Scenarios selected by the options; throws on an unknown name. */
export function selectScenarios(o: Pick<HarnessOptions, "only" | "quick">): Scenario[] {
  const names =
    o.only && o.only.length > 0 ? o.only : o.quick ? QUICK_SCENARIOS : SCENARIOS.map((s) => s.name);
  return names.map((n) => {
    const s = SCENARIOS.find((x) => x.name === n);
    if (!s) throw new Error(`unknown scenario ${n}; known: ${SCENARIOS.map((x) => x.name).join(", ")}`);
    return s;
  });
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const short = (h: string) => h.slice(0, 16);

/** Runs one scenario on a fresh cluster of `nodes` validators. */
export async function runScenario(
  s: Scenario,
  run: { nodes: number; quick: boolean; keep: boolean; print: (line: string) => void },
): Promise<ScenarioReport> {
  const o = { ...run, nodes: s.nodes ?? run.nodes };
  const started = Date.now();
  const report: ScenarioReport = {
    name: s.name,
    title: s.title,
    result: "pass",
    error: null,
    nodes: o.nodes,
    started_at: new Date(started).toISOString(),
    duration_ms: 0,
    agreement: null,
    heads: [],
    checks: [],
    notes: {},
    dir: null,
    log_tails: null,
  };
  if (o.nodes < (s.minNodes ?? 3)) {
    report.result = "skipped";
    report.error = `needs at least ${s.minNodes ?? 3} nodes`;
    return report;
  }
  const log = (msg: string) => o.print(`   · ${secs(Date.now() - started).padStart(7)}  ${msg}`);
  let cluster: Cluster | undefined;
  try {
    cluster = await Cluster.start({ ...s.cluster, nodes: o.nodes, log });
    report.dir = cluster.dir;
    log(`cluster of ${o.nodes} up in ${cluster.dir}`);
    const ctx: ScenarioContext = {
      cluster,
      quick: o.quick,
      check: (d) => {
        report.checks.push(d);
        o.print(`   ✓ ${secs(Date.now() - started).padStart(7)}  ${d}`);
      },
      note: (k, v) => {
        report.notes[k] = v;
      },
      log,
    };
    await s.run(ctx);
    cluster.assertAlive(cluster.all);
    const end = await cluster.agreedHeads(60_000);
    report.agreement = end.agreement;
    report.heads = end.heads;
  } catch (err) {
    report.result = "fail";
    report.error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    if (cluster) {
      report.heads = await cluster.heads().catch(() => []);
      report.log_tails = Object.fromEntries(cluster.all.map((i) => [`node-${i}`, cluster!.tailLog(i, 15)]));
    }
  } finally {
    await cluster?.stop();
    if (cluster && report.result === "pass" && !o.keep) {
      cluster.cleanup();
      report.dir = null;
    }
    report.duration_ms = Date.now() - started;
  }
  return report;
}

/** Prints the table of one scenario. */
export function printScenario(r: ScenarioReport, print: (line: string) => void): void {
  print(`── ${r.name}: ${r.result.toUpperCase()} in ${secs(r.duration_ms)} (${r.nodes} nodes) — ${r.title}`);
  if (r.heads.length > 0) {
    print(`   ${"node".padEnd(5)} ${"height".padStart(6)}  ${"head hash".padEnd(16)}  state root`);
    for (const h of r.heads)
      print(
        `   ${String(h.node).padEnd(5)} ${String(h.height).padStart(6)}  ${short(h.head_hash)}  ${short(h.state_root)}`,
      );
  }
  if (r.agreement)
    print(
      `   all nodes agree at height ${r.agreement.height}: head ${short(r.agreement.head_hash)}, root ${short(r.agreement.state_root)}`,
    );
  if (r.error)
    print(
      `   ${r.result === "skipped" ? "skipped" : "FAILED"}: ${r.error.split("\n").slice(0, 6).join("\n   ")}`,
    );
  if (r.dir) print(`   logs: ${r.dir}/node-I/node.log`);
  print("");
}

/** Prints the summary table of a run. */
export function printSummary(
  rep: HarnessReport,
  print: (line: string) => void,
  reportPath: string | null,
): void {
  print(
    `${"scenario".padEnd(14)} ${"result".padEnd(7)} ${"time".padStart(8)} ${"height".padStart(7)}  ${"head hash".padEnd(16)}  state root`,
  );
  for (const r of rep.scenarios) {
    const a = r.agreement;
    print(
      `${r.name.padEnd(14)} ${r.result.toUpperCase().padEnd(7)} ${secs(r.duration_ms).padStart(8)} ${String(a?.height ?? "-").padStart(7)}  ${(a ? short(a.head_hash) : "-").padEnd(16)}  ${a ? short(a.state_root) : "-"}`,
    );
  }
  print(
    `\n${rep.passed} passed, ${rep.failed} failed, ${rep.skipped} skipped in ${secs(rep.duration_ms)} with ${rep.nodes} nodes (or a scenario's own)${reportPath ? `; report: ${reportPath}` : ""}`,
  );
}

/** Runs the selected scenarios one after another and writes the report. */
export async function runHarness(o: HarnessOptions = {}): Promise<HarnessReport> {
  const print = o.print ?? ((line: string) => console.log(line));
  const nodes = o.nodes ?? 3;
  const quick = o.quick === true;
  const scenarios = selectScenarios(o);
  const started = Date.now();
  const reports: ScenarioReport[] = [];
  print(
    `xai-gov harness: ${scenarios.map((s) => s.name).join(", ")} on ${nodes} nodes${quick ? " (quick)" : ""}\n`,
  );
  for (const s of scenarios) {
    print(`▶ ${s.name}: ${s.title}`);
    const r = await runScenario(s, { nodes, quick, keep: o.keep === true, print });
    printScenario(r, print);
    reports.push(r);
  }
  const rep: HarnessReport = {
    started_at: new Date(started).toISOString(),
    finished_at: new Date().toISOString(),
    duration_ms: Date.now() - started,
    nodes,
    quick,
    node_version: process.version,
    passed: reports.filter((r) => r.result === "pass").length,
    failed: reports.filter((r) => r.result === "fail").length,
    skipped: reports.filter((r) => r.result === "skipped").length,
    scenarios: reports,
  };
  const path = o.reportPath === undefined ? DEFAULT_REPORT_PATH : o.reportPath;
  if (path) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(rep, null, 2)}\n`);
  }
  printSummary(rep, print, path);
  return rep;
}
