// Interleaved A/B of two builds on a noisy machine: loads the benchmark modules of both builds'
// dist/ into one process and runs them alternately, then prints each row's median per build.
// Usage: node scripts/benchAB.mjs DIR_A DIR_B [ROUNDS] [votes,transfers]
// (each DIR a checkout with `npm run build` done; e.g. a `git worktree` of the older commit).
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [dirA, dirB, roundsArg = "4", onlyArg = "votes,transfers"] = process.argv.slice(2);
if (!dirA || !dirB) {
  console.error("usage: node scripts/benchAB.mjs DIR_A DIR_B [ROUNDS] [votes,transfers]");
  process.exit(2);
}
const load = (dir, file) => import(pathToFileURL(resolve(dir, "dist", file)).href);
await load(dirB, "src/polyfill.js");
const only = onlyArg.split(",");
const builds = [];
for (const [tag, dir] of [
  ["A", dirA],
  ["B", dirB],
]) {
  const votes = await load(dir, "scripts/bench/votes.js");
  const transfers = await load(dir, "scripts/bench/transfers.js");
  builds.push({ tag, votes, transfers });
}
const results = new Map();
for (let round = 0; round < Number(roundsArg); round++) {
  const order = round % 2 === 0 ? builds : [...builds].reverse();
  for (const b of order) {
    const rows = [];
    if (only.includes("votes")) rows.push(...(await b.votes.benchVotes([10_000])));
    if (only.includes("transfers")) rows.push(...(await b.transfers.benchTransfers()));
    for (const r of rows) {
      const key = `${r.name} [${b.tag}]`;
      results.set(key, [...(results.get(key) ?? []), r.value]);
    }
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [key, values] of [...results].sort(([a], [b]) => a.localeCompare(b)))
  console.log(key.padEnd(72), "median", Math.round(median(values)), "runs", values.map(Math.round).join(" "));
