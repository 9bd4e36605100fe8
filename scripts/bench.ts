import "../src/polyfill.js";
import { benchAdmission } from "./bench/admission.js";
import { benchMemory } from "./bench/memory.js";
import { benchNetwork } from "./bench/network.js";
import { type BenchRow, report } from "./bench/report.js";
import { benchSignatures } from "./bench/signatures.js";
import { benchSigPool } from "./bench/sigPool.js";
import { benchTransfers } from "./bench/transfers.js";
import { benchVotes } from "./bench/votes.js";
import { scriptArgs, usageError } from "./scriptArgs.js";

// `npm run bench [-- --only NAME,NAME]`: prints a table and writes bench-results/bench.json
// (XAI_BENCH_OUT overrides). The figures are recorded in docs/BENCHMARKS.md.
const GROUPS = ["signatures", "transfers", "votes", "sigpool", "admission", "network", "memory"];
const USAGE = `usage: npm run bench [-- --only NAME,NAME]
  --only NAMES  run only these groups: ${GROUPS.join(", ")} (default all)
environment: XAI_BENCH_OUT (the JSON report, default bench-results/bench.json),
             XAI_BENCH_MEM_VOTERS (votes stored for the memory row, default 100000),
             XAI_BENCH_WORKERS (the import and replay rows' signature threads, default 2),
             XAI_BENCH_KEEP=1 (keep the memory row's node directory)`;
const values = scriptArgs(USAGE, { only: { type: "string" } });
const only = values.only === undefined ? null : values.only.split(",");
const unknown = (only ?? []).filter((g) => !GROUPS.includes(g));
if (unknown.length > 0) usageError(USAGE, `unknown group ${unknown.join(", ")}`);
const want = (name: string) => only === null || only.includes(name);
const rows: BenchRow[] = [];
try {
  if (want("signatures")) rows.push(...benchSignatures());
  if (want("transfers")) rows.push(...(await benchTransfers()));
  if (want("votes")) rows.push(...(await benchVotes()));
  if (want("sigpool")) rows.push(...(await benchSigPool()));
  if (want("admission")) rows.push(...(await benchAdmission()));
  if (want("network")) rows.push(...(await benchNetwork()));
  if (want("memory")) rows.push(...(await benchMemory(Number(process.env.XAI_BENCH_MEM_VOTERS ?? 100_000))));
} finally {
  // What was measured is reported even if a later benchmark fails (the run still exits non-zero).
  report(rows, process.env.XAI_BENCH_OUT ?? "bench-results/bench.json");
}
