// The cost of each validator process of an idle local cluster (issue 10, docs/SCALING.md): starts
// N nodes the way the harness does (prepareLocalNetwork, spawnNode, the harness's node settings),
// waits until they peer and produce, then samples each process's CPU time and resident memory from
// /proc for SECONDS, and prints per node CPU % of one core, RSS, blocks made and reorgs.
// Usage: npm run build && node scripts/clusterCost.mjs [N=16] [SECONDS=60]
// Env: TXS=k sends k transfers before sampling; PROFILE=DIR writes a .cpuprofile of node 0 to DIR (node --cpu-prof, on its SIGTERM exit);
// DIR=a built checkout (default this one); XAI_HARNESS_DEFAULTS=0 starts the nodes with the
// node's own defaults instead of the harness's settings (the "before" figures).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [nArg = "16", secsArg = "60"] = process.argv.slice(2);
const n = Number(nArg);
const seconds = Number(secsArg);
const dir = resolve(process.env.DIR ?? ".");
const load = (f) => import(pathToFileURL(resolve(dir, "dist", f)).href);
await load("src/polyfill.js");
const { prepareLocalNetwork, spawnNode } = await load("src/node/devnet.js");
const { findFreePorts, waitFor } = await load("harness/cluster.js");
const settings = await load("harness/clusterSettings.js").catch(() => undefined);
const useHarness = settings && process.env.XAI_HARNESS_DEFAULTS !== "0";

const net = mkdtempSync(join(tmpdir(), "xai-cost-"));
const ports = await findFreePorts(n);
const timing = useHarness ? settings.clusterTiming(n) : { blockTimeMs: 1000 };
const specs = prepareLocalNetwork({
  dir: net,
  nodes: n,
  preset: "test",
  blockTimeMs: timing.blockTimeMs,
  baseApiPort: ports.api,
  baseP2pPort: ports.p2p,
});
const children = specs.map((s, i) => {
  const env = { XAI_LOG_LEVEL: "info" };
  // --cpu-prof is refused in NODE_OPTIONS: node 0 gets it as an option of node itself.
  const prof = i === 0 && process.env.PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.PROFILE}`] : [];
  const nodeFlags = [...(useHarness ? settings.nodeFlags(n) : []), ...prof];
  return spawnNode(s, env, { nodeFlags, startArgs: useHarness ? settings.nodeArgs(n) : [] });
});
const stopAll = () => {
  for (const c of children) c.kill("SIGTERM");
};
process.once("SIGINT", () => {
  stopAll();
  process.exit(130);
});
const get = async (i, path) => (await fetch(`http://127.0.0.1:${specs[i].apiPort}${path}`)).json();
const clk = 100; // USER_HZ on Linux
const cpuTicks = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return Number(f[11]) + Number(f[12]); // utime + stime (fields 14, 15)
};
const rssMiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024;
const metric = (text, name) =>
  text
    .split("\n")
    .filter((l) => l.startsWith(name))
    .reduce((s, l) => s + Number(l.split(" ").pop()), 0);
try {
  const t0 = Date.now();
  await waitFor(
    "every node up and past height 2",
    async () => {
      const ss = await Promise.all(specs.map((_, i) => get(i, "/status").catch(() => undefined)));
      const ok = ss.filter((s) => s && s.height >= 2).length;
      if (process.env.VERBOSE)
        console.log(
          `${((Date.now() - t0) / 1000).toFixed(0)} s: peers ${ss.map((s) => s?.peers ?? "-").join(" ")}; heights ${ss.map((s) => s?.height ?? "-").join(" ")}`,
        );
      if (ok < n)
        throw new Error(`${ok} of ${n} ready; down: ${ss.flatMap((s, i) => (s ? [] : [i])).join(",")}`);
      return true;
    },
    { timeoutMs: 300_000, intervalMs: 1000 },
  );
  console.log(`${n} nodes up in ${((Date.now() - t0) / 1000).toFixed(1)} s (${net})`);
  // TXS=k: k transfers first, spread over the nodes (they start the signature workers, if any).
  const txCount = Number(process.env.TXS ?? 0);
  if (txCount > 0) {
    const { trySend, dev, freshKey, payloads } = await load("harness/txs.js");
    const fake = {
      status: (i) => get(i, "/status"),
      get: (i, path) => get(i, path),
      submit: async (i, bytes, route) => {
        const url = `http://127.0.0.1:${specs[i].apiPort}${route}`;
        const body = JSON.stringify({ tx: Buffer.from(bytes).toString("base64") });
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        return { ok: res.ok, ...(await res.json()) };
      },
    };
    const to = freshKey().address;
    for (let k = 0; k < txCount; k++) await trySend(fake, k % n, dev(k % 10), payloads.transfer(to, 1000n));
    await new Promise((r) => setTimeout(r, 10_000));
    console.log(`${txCount} transfers sent`);
  }
  const h0 = (await get(0, "/status")).height;
  const before = children.map((c) => cpuTicks(c.pid));
  const start = Date.now();
  const rssPeak = children.map(() => 0);
  while (Date.now() - start < seconds * 1000) {
    await new Promise((r) => setTimeout(r, 2000));
    children.forEach((c, i) => {
      rssPeak[i] = Math.max(rssPeak[i], rssMiB(c.pid));
    });
  }
  const wall = (Date.now() - start) / 1000;
  const after = children.map((c) => cpuTicks(c.pid));
  const end = await Promise.all(specs.map((_, i) => get(i, "/status")));
  const h1 = end[0].height;
  const reorgs = await Promise.all(
    specs.map(async (_, i) => {
      const res = await fetch(`http://127.0.0.1:${specs[i].apiPort}/metrics`);
      return metric(await res.text(), "xai_chain_reorgs_total");
    }),
  );
  const cpu = after.map((a, i) => ((a - before[i]) / clk / wall) * 100);
  const rss = children.map((c) => rssMiB(c.pid));
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `settings: ${useHarness ? JSON.stringify({ ...timing, args: settings.nodeArgs(n), flags: settings.nodeFlags(n) }) : "node defaults, 1000 ms blocks"}`,
  );
  console.log("node  cpu%   rss MiB  peak MiB  reorgs");
  for (let i = 0; i < n; i++)
    console.log(
      `${String(i).padEnd(5)} ${cpu[i].toFixed(1).padStart(5)}  ${rss[i].toFixed(0).padStart(7)}  ${rssPeak[i].toFixed(0).padStart(8)}  ${reorgs[i]}`,
    );
  const sum = cpu.reduce((a, b) => a + b, 0);
  console.log(
    `median cpu ${med(cpu).toFixed(1)} % of a core, all ${sum.toFixed(0)} %; median rss ${med(rss).toFixed(0)} MiB, all ${rss.reduce((a, b) => a + b, 0).toFixed(0)} MiB; ${h1 - h0} blocks in ${wall.toFixed(0)} s; reorgs median ${med(reorgs)}; peers at the end ${end.map((s) => s.peers).join(" ")}`,
  );
} finally {
  stopAll();
  await new Promise((r) => setTimeout(r, 3000));
  if (!process.env.KEEP) rmSync(net, { recursive: true, force: true });
}
