import "../src/polyfill.js";
import { parseArgs } from "node:util";
import { runTarget, type Summary, summaryLine } from "./fuzz/engine.js";
import { TARGETS, targetNamed } from "./fuzz/targets/index.js";
import { Watchdog } from "./fuzz/watchdog.js";

// `npm run fuzz -- --target NAME|all [--runs N] [--seed S] [--deadline-ms MS] [--save-dir DIR]`:
// runs each target's inputs under the oracle (docs/RELIABILITY.md "Fuzzing"), prints one summary line
// per target, saves failing inputs as regression vectors (default test/fuzz-regressions) and exits 1
// if any input crashed or hung.
const { values } = parseArgs({
  options: {
    target: { type: "string", default: "all" },
    runs: { type: "string", default: "1000" },
    seed: { type: "string" },
    "deadline-ms": { type: "string", default: "10000" },
    "save-dir": { type: "string", default: "test/fuzz-regressions" },
  },
});
const names = values.target === "all" ? TARGETS.map((t) => t.name) : values.target!.split(",");
const unknown = names.filter((n) => !targetNamed(n));
if (unknown.length > 0) {
  console.error(
    `unknown target ${unknown.join(", ")}; targets: ${TARGETS.map((t) => t.name).join(", ")}, all`,
  );
  process.exit(2);
}
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
const runs = Number(values.runs);
console.log(`fuzz: seed ${seed}, ${runs} inputs per target, deadline ${values["deadline-ms"]} ms per input`);
const summaries: Summary[] = [];
// An input that blocks the event loop for 3 deadlines is a hang the deadline's timer cannot see.
const watchdog = new Watchdog(3 * Number(values["deadline-ms"]));
for (const name of names) {
  const s = await runTarget(targetNamed(name)!, {
    runs,
    seed,
    deadlineMs: Number(values["deadline-ms"]),
    saveDir: values["save-dir"]!,
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
