import "../src/polyfill.js";
import { writeFileSync } from "node:fs";
import { intOption, scriptArgs, usageError } from "./scriptArgs.js";
import { killAll } from "./soak/node.js";
import type { Spread } from "./soak/resources.js";
import { runSoak, type SoakOptions } from "./soak/soak.js";

// `npm run soak -- --kills N [options]`: a dev validator with transfers and governance in flight
// SIGKILLed N times (scripts/soak/soak.ts), then a summary, and with --json every figure and
// resource sample. docs/RELIABILITY.md "Soak".
const USAGE = `usage: npm run soak -- --kills N [--seed S] [--json FILE] [--minutes M] [--stage-blocks B]
                      [--replay-every K] [--hold-s S] [--min-ms A --max-ms B]
  --kills N         SIGKILLs (default 50)
  --seed S          the seed of the kill times and the load (default: from the clock, printed)
  --json FILE       write every figure and resource sample
  --minutes M       stop killing after M minutes (the summary says how many kills were made)
  --stage-blocks B  voting, review and implementation periods of B blocks (default: the test preset's 5)
  --replay-every K  rebuild and verify the whole state after every K-th kill (default 10)
  --hold-s S        the last run serves at least S seconds before its SIGTERM (default 30)
  --min-ms, --max-ms  each run lives A to B ms (drawn uniformly) before its kill (default 150 to 1500)`;
const values = scriptArgs(USAGE, {
  kills: { type: "string", default: "50" },
  seed: { type: "string" },
  json: { type: "string" },
  "replay-every": { type: "string", default: "10" },
  "hold-s": { type: "string", default: "30" },
  "min-ms": { type: "string", default: "150" },
  "max-ms": { type: "string", default: "1500" },
  minutes: { type: "string" },
  "stage-blocks": { type: "string" },
});
const int = (name: keyof typeof values, v: string): number => intOption(USAGE, name, v);
// Interrupted: the node process goes too.
for (const sig of ["SIGINT", "SIGTERM"] as const)
  process.on(sig, () => {
    killAll();
    process.exit(130);
  });
const seed = int("seed", values.seed ?? String(Date.now() % 0x1_0000_0000));
const kills = int("kills", values.kills);
const [minMs, maxMs] = [int("min-ms", values["min-ms"]), int("max-ms", values["max-ms"])];
if (minMs > maxMs) usageError(USAGE, "--min-ms must not be above --max-ms");
// Every option is checked before the soak starts.
const options: SoakOptions = {
  kills,
  seed,
  replayEvery: Math.max(1, int("replay-every", values["replay-every"])),
  holdMs: int("hold-s", values["hold-s"]) * 1000,
  minMs,
  maxMs,
  log: (line) => console.log(`  ${line}`),
  ...(values["stage-blocks"] === undefined
    ? {}
    : { stageBlocks: int("stage-blocks", values["stage-blocks"]) }),
  ...(values.minutes === undefined ? {} : { budgetMs: int("minutes", values.minutes) * 60_000 }),
};
console.log(`soak: ${kills} kills, seed ${seed} (rerun: npm run soak -- --kills ${kills} --seed ${seed})`);
const r = await runSoak(options).catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});

const fmt = (s: Spread, div = 1, unit = "") =>
  `${[s.min, s.median, s.max].map((v) => (v / div).toFixed(div === 1 ? 0 : 1)).join(" / ")}${unit}`;
const res = r.resources;
const g = r.governance;
const counts = (m: Record<string, number>) =>
  Object.entries(m)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ") || "none";
const outcomes = new Map<string, number>();
for (const o of g.outcomes) outcomes.set(o.status, (outcomes.get(o.status) ?? 0) + 1);
console.log(`
soak passed in ${(r.ms / 1000).toFixed(0)} s: ${r.kills} SIGKILLs${r.kills < r.killsAsked ? ` (of ${r.killsAsked} asked: --minutes ran out)` : ""}, seed ${r.seed}
  final height ${r.height}, ${r.txs} transactions in blocks, ${r.heightsReported} heights reported, none with two hashes
  restarts that stored the signed block again: ${r.restoredSigned}
  accepted: ${counts(r.transactions.accepted)}
  included: ${counts(r.transactions.included)}
  gone (pending at a kill, or dropped as stale): ${counts(r.transactions.gone)}
  refused: ${counts(r.refused)}
  governance: ${g.outcomes.length} proposals ended (${counts(Object.fromEntries(outcomes))}), in flight: ${g.inFlight ?? "none"}; max_block_txs ${g.paramValue}
  replay: verified ${r.replay.verified}, ${r.replay.blocks} blocks, ${r.replay.mismatches} mismatches
  RSS MB min / median / max: ${fmt(res.rssKb, 1024)} over ${res.samples} samples in ${res.perRun.length} runs
  open fds min / median / max: ${fmt(res.fds)}
  across runs (median of per-run max, first vs last fifth): RSS ${(res.growth.acrossRuns.rssKbFirst / 1024).toFixed(1)} -> ${(res.growth.acrossRuns.rssKbLast / 1024).toFixed(1)} MB, fds ${res.growth.acrossRuns.fdsFirst} -> ${res.growth.acrossRuns.fdsLast}: ${res.growth.acrossRuns.grows ? "GROWS" : "bounded"}
  longest run (${res.perRun.find((p) => p.run === res.growth.longestRun.run)?.samples ?? 0} samples; first vs last third after 5 s): RSS ${(res.growth.longestRun.rssKbFirst / 1024).toFixed(1)} -> ${(res.growth.longestRun.rssKbLast / 1024).toFixed(1)} MB, fds ${res.growth.longestRun.fdsFirst} -> ${res.growth.longestRun.fdsLast}: ${res.growth.longestRun.grows ? "GROWS" : "bounded"}`);
for (const p of new Set([...res.perRun.slice(0, 3), ...res.perRun.slice(-3)]))
  console.log(`    run ${p.run}: ${p.samples} samples, RSS MB ${fmt(p.rssKb, 1024)}, fds ${fmt(p.fds)}`);
if (values.json) {
  writeFileSync(values.json, `${JSON.stringify(r, null, 2)}\n`);
  console.log(`  written to ${values.json}`);
}
