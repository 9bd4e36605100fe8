// CPU profile of the unsigned applyBlock phase only (issue 10): builds the vote or transfer blocks
// of the benchmarks, applies them three times, profiles rounds 2 and 3 with node:inspector, writes
// the .cpuprofile and prints the functions with the most self time.
// Usage: npm run build && node scripts/profileApply.mjs [votes|transfers] [OUT.cpuprofile]
// (N=voters, default 10000; DIR=a built checkout, default this one).
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [what = "votes", out = "/tmp/apply.cpuprofile"] = process.argv.slice(2);
const dir = resolve(process.env.DIR ?? ".");
const load = (f) => import(pathToFileURL(resolve(dir, "dist", f)).href);
await load("src/polyfill.js");
const { BenchChain, benchProposal, benchVoter, makeTxFactory, withVoters } = await load(
  "scripts/bench/benchChain.js",
);
const { devKeyPair } = await load("src/crypto/keys.js");

const n = Number(process.env.N ?? 10_000);
const voters = Array.from({ length: n }, (_, i) => benchVoter(i));
const chain = new BenchChain(
  withVoters(voters, { params: { max_block_txs: "20000", max_block_bytes: "10000000" } }),
);
await chain.open("make");
const tx = makeTxFactory(chain.genesis.chainId);
const blocks = [];
if (what === "votes") {
  const { submit, proposalId } = benchProposal(tx);
  blocks.push(await chain.build([submit]));
  for (let i = 0; i < n; i += 20_000)
    blocks.push(
      await chain.build(
        voters
          .slice(i, i + 20_000)
          .map((k, j) =>
            tx(k, 0n, { type: "CAST_VOTE", proposalId, option: (i + j) % 4 === 3 ? "no" : "yes" }),
          ),
      ),
    );
} else {
  const devs = Array.from({ length: 10 }, (_, i) => devKeyPair(i));
  const nonces = devs.map(() => 0n);
  for (let b = 0; b < 10; b++)
    blocks.push(
      await chain.build(
        Array.from({ length: 2000 }, (_, i) => {
          const f = i % 10;
          const recipient = devs[(f + 1 + (i % 9)) % 10].address;
          return tx(devs[f], nonces[f]++, { type: "TRANSFER", recipient, amount: 1000n + BigInt(i) });
        }),
      ),
    );
}
await chain.close();

const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 200 });
const count = what === "votes" ? n : 20_000;
for (let round = 0; round < 3; round++) {
  await chain.open(`r${round}`);
  if (round === 1) await session.post("Profiler.start");
  let ms = 0;
  // The proposal's block is not counted (as in the vote benchmark).
  for (const [i, b] of blocks.entries()) {
    const t = await chain.apply(b, null);
    if (what !== "votes" || i > 0) ms += t;
  }
  await chain.close();
  console.log(`${what}, round ${round}: ${Math.round(count / (ms / 1000))} /s`);
}
const { profile } = await session.post("Profiler.stop");
chain.dispose();
writeFileSync(out, JSON.stringify(profile));

const self = new Map();
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const ticks = new Map();
for (const [i, id] of profile.samples.entries())
  ticks.set(id, (ticks.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
let total = 0;
for (const node of byId.values()) {
  const t = ticks.get(node.id) ?? 0;
  total += t;
  const f = node.callFrame;
  const name = `${f.functionName || "(anon)"} ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber}`;
  self.set(name, (self.get(name) ?? 0) + t);
}
console.log(`self time, ${Math.round(total / 1000)} ms profiled (${out}):`);
for (const [name, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25))
  console.log(
    `${(t / 1000).toFixed(0).padStart(7)} ms ${((100 * t) / total).toFixed(1).padStart(5)} %  ${name}`,
  );
