import type { ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Chain } from "../../src/chain/chain.js";
import { u64be, utf8 } from "../../src/crypto/bytes.js";
import { sha256 } from "../../src/crypto/hash.js";
import { devKeyPair, keyPairFromSecret } from "../../src/crypto/keys.js";
import { ChainDb } from "../../src/db/chainDb.js";
import { proposalIdOf } from "../../src/governance/proposalId.js";
import { readGenesisFile, startGenesis } from "../../src/node/genesisFile.js";
import { initChain } from "../../src/node/initChain.js";
import { readKeyFile } from "../../src/node/keyFile.js";
import { launchNode } from "../../src/node/launch.js";
import { createModules } from "../../src/node/modules.js";
import { nodePaths } from "../../src/node/paths.js";
import { makeTxFactory } from "./benchChain.js";
import { stopAll, waitFor } from "./network.js";
import type { BenchRow } from "./report.js";

const PER_BLOCK = 20_000;

/** Resident set size of process `pid` now and at its peak (VmHWM), in MiB (Linux /proc). */
function rssOf(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const mib = (field: string) =>
    Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN) / 1024;
  return { now: mib("VmRSS"), peak: mib("VmHWM") };
}

/**
 * Resident memory of a running node whose state holds `voters` votes on one proposal: the chain
 * is built in this process (every vote through mempool admission and block production, so the
 * database is what a node writes), then a node process is started on it (the CLI `start`, API
 * and p2p up, producing blocks) and its RSS read from /proc after the API answered reads of the
 * proposal and a page of its votes. Twice, on two copies of the database: launched as the
 * project's launchers launch a node (with the malloc settings of src/node/mallocEnv.ts; the row
 * with the target), and with glibc's defaults (for comparison). The chain was built as a node
 * builds it, so its database holds the digest of the genesis.json it checked (a start after the
 * first: the 100,000 balances are not parsed again).
 */
export async function benchMemory(voters = 100_000): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "xai-bench-mem-"));
  const blockTimeMs = 1000;
  const blocks = 2 + Math.ceil(voters / PER_BLOCK);
  initChain(
    { dir, dev: true, preset: "test", blockTimeMs: String(blockTimeMs) },
    Date.now() - (blocks + 5) * 1000,
  );
  const keys = Array.from({ length: voters }, (_, i) =>
    keyPairFromSecret(sha256(utf8("bench-mem-voter"), u64be(i))),
  );
  const paths = nodePaths(dir);
  const g = JSON.parse(readFileSync(paths.genesis, "utf8"));
  g.balances.push(...keys.map((k) => ({ address: k.address, amount: "100000000" })));
  g.governance_rules.voting_period_blocks = "1000";
  g.params = { ...g.params, max_block_txs: String(PER_BLOCK), max_block_bytes: "10000000" };
  writeFileSync(paths.genesis, JSON.stringify(g));
  try {
    const validator = readKeyFile(paths.validatorKey);
    const db = await ChainDb.open(paths.db);
    // As a node opens it (node.ts), so the database remembers the genesis.json it checked.
    const file = readGenesisFile(dir);
    const chain = await Chain.open({
      genesis: await startGenesis(file, db),
      genesisFileSha256: file.fileSha256,
      db,
      modules: createModules(),
      now: () => Number.MAX_SAFE_INTEGER,
      mempool: { maxTxs: PER_BLOCK, maxBytes: 64 * 1024 * 1024, maxPerSender: 256 },
    });
    const tx = makeTxFactory(chain.genesis.chainId);
    let slot = 0;
    const submit = await chain.submitTx(
      tx(devKeyPair(0), 0n, {
        type: "SUBMIT_PROPOSAL",
        title: "bench",
        description: "",
        deposit: 1_000_000_000n,
        action: { kind: "protocol_parameter", name: "min_tx_fee", value: "2000" },
      }),
    );
    await chain.produceBlock(++slot, validator);
    const id = proposalIdOf(submit.id);
    for (let i = 0; i < voters; i += PER_BLOCK) {
      for (const k of keys.slice(i, i + PER_BLOCK))
        await chain.submitTx(tx(k, 0n, { type: "CAST_VOTE", proposalId: id, option: "yes" }));
      const b = await chain.produceBlock(++slot, validator);
      if (!b || b.txs.length !== Math.min(PER_BLOCK, voters - i))
        throw new Error(`block of ${b?.txs.length} votes`);
    }
    await chain.idle();
    await db.close();

    if (process.env.XAI_BENCH_KEEP === "1") cpSync(dir, `${dir}-unstarted`, { recursive: true });
    // The same database started again without the malloc settings, for comparison.
    cpSync(dir, `${dir}-bare`, { recursive: true });
    const shipped = await nodeRss(dir, id, voters, true);
    const bare = await nodeRss(`${dir}-bare`, id, voters, false);
    const detail = (r: { now: number; peak: number }) =>
      `VmRSS after start, a block, reads of the proposal and its votes, 5 s; peak ${Math.round(r.peak)} MiB`;
    return [
      {
        name: `resident memory, node running, ${voters} voters' votes stored`,
        value: shipped.now,
        unit: "MiB",
        detail: `${detail(shipped)}; launched as the project's launchers do (mallocEnv.ts)`,
        target: { op: "<=", value: 250 },
      },
      {
        name: "  the same node without the malloc settings",
        value: bare.now,
        unit: "MiB",
        detail: `${detail(bare)}; glibc's defaults (a bare \`xai-gov start\`)`,
      },
    ];
  } finally {
    // XAI_BENCH_KEEP=1 keeps the node directory (to look at the node's memory by hand).
    if (process.env.XAI_BENCH_KEEP === "1") console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}-bare`, { recursive: true, force: true });
  }
}

/**
 * Starts a node process on `dir` (the CLI `start`, API and p2p up, producing blocks), with or
 * without the malloc settings, and reads its RSS from /proc after a block and the API's answers
 * to reads of proposal `id` and a page of its votes; stops it.
 */
async function nodeRss(
  dir: string,
  id: string,
  voters: number,
  mallocEnv: boolean,
): Promise<{ now: number; peak: number }> {
  // Ports the system picks, read back from the node (src/node/launch.ts).
  const spec = { index: 0, dir, apiHost: "127.0.0.1", apiPort: 0, p2p: "/ip4/127.0.0.1/tcp/0", peers: [] };
  let child: ChildProcess | undefined;
  try {
    // The start-up check reads the last blocks: on a loaded machine that took over the default 60 s.
    const launched = await launchNode(spec, {
      env: { XAI_LOG_LEVEL: "warn" },
      timeoutMs: 300_000,
      spawn: { mallocEnv },
    });
    child = launched.child;
    const api = launched.api;
    await waitFor("node up", async () => (await fetch(`${api}/status`)).status === 200);
    const started = (await (await fetch(`${api}/status`)).json()) as { height: number };
    await waitFor("a block produced", async () => {
      const s = (await (await fetch(`${api}/status`)).json()) as { height: number };
      return s.height > started.height;
    });
    const p = (await (await fetch(`${api}/governance/proposals/${id}`)).json()) as {
      tally: { voters: string };
    };
    if (p.tally.voters !== String(voters)) throw new Error(`tally of ${p.tally.voters} voters`);
    await (await fetch(`${api}/governance/proposals/${id}/votes?limit=100`)).arrayBuffer();
    // Settled: the first open of a database just written also compacts it (LevelDB's own memory).
    await new Promise((r) => setTimeout(r, 5000));
    return rssOf(child.pid!);
  } finally {
    if (child) await stopAll([child]);
  }
}
