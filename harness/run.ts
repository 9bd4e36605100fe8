/**
 * `node dist/harness/run.js [--nodes 3] [--only name,name] [--quick] [--keep] [--report PATH]`:
 * runs the multi-node scenarios (docs/HARNESS.md) and exits non-zero if any fails.
 */
import "../src/polyfill.js";
import { DEFAULT_REPORT_PATH, runHarness } from "./runner.js";
import { SCENARIOS } from "./scenarios/index.js";

const USAGE = `usage: node dist/harness/run.js [--nodes N] [--only name,name] [--quick] [--keep] [--report PATH]
  --nodes N      validators per cluster (default 3)
  --only a,b     run only these scenarios
  --quick        the CI-sized subset (lifecycle, partition); scenarios skip optional steps
  --keep         keep node directories of passed scenarios (failed ones are always kept)
  --report PATH  JSON report (default ${DEFAULT_REPORT_PATH})
scenarios: ${SCENARIOS.map((s) => s.name).join(", ")}`;

function parseArgs(argv: string[]) {
  const o: { nodes: number; only: string[]; quick: boolean; keep: boolean; report: string } = {
    nodes: 3,
    only: [],
    quick: false,
    keep: false,
    report: DEFAULT_REPORT_PATH,
  };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k]!;
    const value = () => {
      const v = argv[++k];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--nodes") o.nodes = Number(value());
    else if (a === "--only") o.only = value().split(",").filter(Boolean);
    else if (a === "--quick") o.quick = true;
    else if (a === "--keep") o.keep = true;
    else if (a === "--report") o.report = value();
    else if (a === "--help" || a === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  if (!Number.isInteger(o.nodes) || o.nodes < 2 || o.nodes > 16) throw new Error("--nodes is 2 to 16");
  return o;
}

// Interrupted: exit through process.exit so that the clusters' exit hook kills the nodes.
process.once("SIGINT", () => process.exit(130));
process.once("SIGTERM", () => process.exit(143));

try {
  const o = parseArgs(process.argv.slice(2));
  const rep = await runHarness({
    nodes: o.nodes,
    only: o.only,
    quick: o.quick,
    keep: o.keep,
    reportPath: o.report,
  });
  process.exit(rep.failed > 0 ? 1 : 0);
} catch (err) {
  console.error((err as Error).message);
  console.error(USAGE);
  process.exit(2);
}
