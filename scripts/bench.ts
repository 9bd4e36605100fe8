import "../src/polyfill.js";
import { type BenchRow, report } from "./bench/report.js";
import { benchSignatures } from "./bench/signatures.js";
import { benchTransfers } from "./bench/transfers.js";

// `npm run bench`: prints a table and writes bench-results/bench.json. Figures in docs/BENCHMARKS.md.
const rows: BenchRow[] = [];
rows.push(...benchSignatures());
rows.push(...(await benchTransfers()));
report(rows, process.env.XAI_BENCH_OUT ?? "bench-results/bench.json");
