/**
 * `npm run chaos -- --minutes M --seed S [--nodes N] [--mode auto|netns|loopback] [--period B]
 * [--report PATH] [--keep]`: one chaos run (docs/RELIABILITY.md, "Chaos"); exit 0 when it passed.
 */
import "../../src/polyfill.js";
import { parseArgs } from "node:util";
import { type ChaosOptions, runChaos } from "./runner.js";

const USAGE = `usage: npm run chaos -- --minutes M --seed S [--nodes N] [--mode auto|netns|loopback] [--period B] [--report PATH] [--keep]
  --minutes M   length of the fault phase (default 3)
  --seed S      the seed of the schedule, fault levels and governance plan (default: from the clock, printed)
  --nodes N     validators, 3 to 8 (default 4)
  --mode        auto (default: namespaces when permitted, else loopback), netns, loopback
  --period B    voting, review and implementation periods in blocks (default 12)
  --report PATH JSON report (default chaos-results/report-SEED.json)
  --keep        keep the network directory of a passed run`;

process.once("SIGTERM", () => process.exit(143));

let options: ChaosOptions;

try {
  const { values } = parseArgs({
    options: {
      minutes: { type: "string", default: "3" },
      seed: { type: "string" },
      nodes: { type: "string", default: "4" },
      mode: { type: "string", default: "auto" },
      period: { type: "string", default: "12" },
      report: { type: "string" },
      keep: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const minutes = Number(values.minutes);
  const seed = values.seed === undefined ? Date.now() % 1_000_000 : Number(values.seed);
  const nodes = Number(values.nodes);
  const period = Number(values.period);
  if (!(minutes > 0 && minutes <= 600)) throw new Error("--minutes is above 0 and at most 600");
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new Error("--seed is an integer 0 to 2^32-1");
  if (!Number.isInteger(nodes) || nodes < 3 || nodes > 8) throw new Error("--nodes is 3 to 8");
  if (!Number.isInteger(period) || period < 5) throw new Error("--period is an integer of at least 5");
  if (!["auto", "netns", "loopback"].includes(values.mode!))
    throw new Error("--mode is auto, netns or loopback");
  options = {
    minutes,
    seed,
    nodes,
    mode: values.mode as "auto" | "netns" | "loopback",
    periodBlocks: period,
    ...(values.report ? { reportPath: values.report } : {}),
    keep: values.keep,
  };
} catch (err) {
  console.error((err as Error).message);
  console.error(USAGE);
  process.exit(2);
}
try {
  const rep = await runChaos(options);
  process.exit(rep.passed ? 0 : 1);
} catch (err) {
  // Could not run at all (namespaces held by another run, or not permitted with --mode netns).
  console.error((err as Error).message);
  process.exit(2);
}
