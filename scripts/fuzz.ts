import "../src/polyfill.js";
import { runTarget, type Summary, summaryLine } from "./fuzz/engine.js";
import { TARGETS, targetNamed } from "./fuzz/targets/index.js";
import { Watchdog } from "./fuzz/watchdog.js";
import { intOption, scriptArgs, usageError } from "./scriptArgs.js";

// `npm run fuzz -- --target NAME|all [options]`: runs each target's inputs under the oracle
// (docs/RELIABILITY.md "Fuzzing"), prints one summary line per target, saves failing inputs as
// regression vectors and exits 1 if any input crashed or hung.
const USAGE = `usage: npm run fuzz -- [--target NAME,NAME|all] [--runs N] [--seed S] [--deadline-ms MS] [--save-dir DIR]
  --target T        ${TARGETS.map((t) => t.name).join(", ")} or all (default all)
  --runs N          inputs per target (default 1000)
  --seed S          the generators' seed (default: from the clock, printed)
  --deadline-ms MS  an input running longer is a hang (default 10000)
  --save-dir DIR    where failing inputs are saved as regression vectors (default test/fuzz-regressions)`;
const values = scriptArgs(USAGE, {
  target: { type: "string", default: "all" },
  runs: { type: "string", default: "1000" },
  seed: { type: "string" },
  "deadline-ms": { type: "string", default: "10000" },
  "save-dir": { type: "string", default: "test/fuzz-regressions" },
});
const names = values.target === "all" ? TARGETS.map((t) => t.name) : values.target.split(",");
const unknown = names.filter((n) => !targetNamed(n));
if (unknown.length > 0) usageError(USAGE, `unknown target ${unknown.join(", ")}`);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : intOption(USAGE, "seed", values.seed);
const runs = intOption(USAGE, "runs", values.runs);
const deadlineMs = intOption(USAGE, "deadline-ms", values["deadline-ms"]);
console.log(`fuzz: seed ${seed}, ${runs} inputs per target, deadline ${deadlineMs} ms per input`);
const summaries: Summary[] = [];
// An input that blocks the event loop for 3 deadlines is a hang the deadline's timer cannot see.
const watchdog = new Watchdog(3 * deadlineMs);
for (const name of names) {
  const s = await runTarget(targetNamed(name)!, {
    runs,
    seed,
    deadlineMs,
    saveDir: values["save-dir"],
    watchdog,
  });
  summaries.push(s);
  console.log(summaryLine(s));
  for (const f of s.findings)
    console.log(`  ${f.kind} at input ${f.index}: ${f.message}${f.file ? ` (${f.file})` : ""}`);
}
const total = summaries.reduce((n, s) => n + s.inputs, 0);
const failing = summaries.reduce((n, s) => n + s.findings.length, 0);
console.log(`fuzz: ${total} inputs, ${failing} crashes or hangs (seed ${seed})`);
// Handles of closed chains and servers may linger a moment; the verdict is in.
process.exit(failing > 0 ? 1 : 0);
