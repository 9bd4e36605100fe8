// Mempool admission of votes (issue 10), in one process: a Chain on a scratch LevelDB with the
// signature pool (2 workers), one proposal in block 1, then N votes (N voters, one each) submitted
// in batches of BATCH, IN_FLIGHT batches at a time, as `POST /txs` gets them. MODE=seq awaits each
// transaction of a batch before the next (as submitBatch did), MODE=par submits a batch's
// transactions at once (the admission lane keeps their order). Prints wall time, CPU time (all threads) and the main thread's CPU time per vote;
// PROFILE=FILE writes a CPU profile of the submission.
// Usage: npm run build && MODE=par node scripts/profileAdmit.mjs  (N, BATCH, IN_FLIGHT, DIR)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const dir = resolve(process.env.DIR ?? ".");
const load = (f) => import(pathToFileURL(resolve(dir, "dist", f)).href);
await load("src/polyfill.js");
const { Chain } = await load("src/chain/chain.js");
const { SignaturePool } = await load("src/chain/sigPool.js");
const { ChainDb } = await load("src/db/chainDb.js");
const { createModules } = await load("src/node/modules.js");
const { BenchChain, benchProposal, benchVoter, makeTxFactory, withVoters } = await load(
  "scripts/bench/benchChain.js",
);

const n = Number(process.env.N ?? 5_000);
const batch = Number(process.env.BATCH ?? 250);
const inFlight = Number(process.env.IN_FLIGHT ?? 4);
const mode = process.env.MODE ?? "par";
const voters = Array.from({ length: n }, (_, i) => benchVoter(i));
// The benchmarks' genesis and validator (the BenchChain itself is not opened).
const bench = new BenchChain(withVoters(voters));
const { genesis, validator } = bench;
const scratch = mkdtempSync(join(tmpdir(), "xai-admit-"));
const db = await ChainDb.open(join(scratch, "db"));
const pool = new SignaturePool({ size: 2 });
const chain = await Chain.open({
  genesis,
  db,
  modules: createModules(),
  signaturePool: pool,
  mempool: { maxTxs: n + 10 },
});
const tx = makeTxFactory(genesis.chainId);
const { submit, proposalId } = benchProposal(tx);
await chain.submitTx(submit.bytes);
if (!(await chain.produceBlock(1, validator))) throw new Error("block 1 not produced");
const votes = voters.map((k) => tx(k, 0n, { type: "CAST_VOTE", proposalId, option: "yes" }).bytes);
const batches = [];
for (let i = 0; i < votes.length; i += batch) batches.push(votes.slice(i, i + batch));

const oneBatch = async (b) => {
  if (mode === "seq") {
    for (const t of b) await chain.submitTx(t);
  } else {
    const r = await Promise.allSettled(b.map((t) => chain.submitTx(t)));
    const bad = r.find((x) => x.status === "rejected");
    if (bad) throw bad.reason;
  }
};
/** CPU time of this process's main thread in µs (Linux: /proc; clock ticks of 10 ms). */
const mainThreadCpuUs = () => {
  const f = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) * 10_000;
};
const session = new Session();
if (process.env.PROFILE) {
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
}
const cpu0 = process.cpuUsage();
const main0 = mainThreadCpuUs();
const t0 = performance.now();
await Promise.all(
  Array.from({ length: inFlight }, async () => {
    for (let b = batches.shift(); b; b = batches.shift()) await oneBatch(b);
  }),
);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const mainCpu = mainThreadCpuUs() - main0;
if (process.env.PROFILE) {
  const { profile } = await session.post("Profiler.stop");
  writeFileSync(process.env.PROFILE, JSON.stringify(profile));
}
if (chain.mempool.size !== n) throw new Error(`mempool holds ${chain.mempool.size}, not ${n}`);
console.log(
  JSON.stringify({
    mode,
    n,
    batch,
    inFlight,
    votesPerS: Math.round((n / ms) * 1000),
    wallUsPerVote: Math.round((ms * 1000) / n),
    cpuUsPerVote: Math.round((cpu.user + cpu.system) / n),
    mainThreadCpuUsPerVote: Math.round(mainCpu / n),
  }),
);
await pool.close();
await db.close();
rmSync(scratch, { recursive: true, force: true });
bench.dispose();
