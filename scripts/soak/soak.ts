/**
 * The kill loop shared by the crash test (test/e2e/crash.test.ts, a few kills) and `npm run soak`:
 * a dev validator (node.ts) with transfers and a governance flow in flight (load.ts, gov.ts) is
 * SIGKILLed `kills` times at moments drawn from a seeded PRNG. After every kill its directory is
 * checked against everything it reported (check.ts); then the last run serves until a transfer
 * of its own is included and the proposal in flight ends, stops on SIGTERM, and `xai-gov replay`
 * verifies all roots and signatures. RSS and descriptors are sampled throughout (resources.ts).
 * Any failure throws an Error naming the kill and the seed that reproduces it.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Checked, checkStopped, Ledger } from "./check.js";
import { NodeClient } from "./client.js";
import { GovDriver, type GovOutcome, PARAM } from "./gov.js";
import { isConnectionError, type LoadContext, loadLoop, loadStep, sendTransfers, Tracker } from "./load.js";
import {
  initDevChain,
  killAll,
  prng,
  type ReplayCliReport,
  replayCli,
  type Started,
  sleep,
  startNode,
} from "./node.js";
import { type ResourceSummary, type Sample, Sampler, summarize } from "./resources.js";

export interface SoakOptions {
  kills: number;
  seed: number;
  /** Each run lives this long (ms, drawn uniformly) after "node started" before its kill. Default 150..900. */
  minMs?: number;
  maxMs?: number;
  /** Rebuild the whole state in-process after every k-th kill (default 1: after each). */
  replayEvery?: number;
  /** The last run serves at least this long (ms) before its SIGTERM (default 0). */
  holdMs?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** A progress line every k kills (default 10). */
  logEvery?: number;
  /** Blocks of each governance stage (voting, review, implementation); default the test preset's 5. */
  stageBlocks?: number;
  /** No new kill after this many ms from the start (default: none); the report says how many were done. */
  budgetMs?: number;
}

export interface SoakReport {
  seed: number;
  /** Kills done (fewer than asked when the time budget ran out first). */
  kills: number;
  killsAsked: number;
  height: number;
  /** Transactions in the blocks (replay). */
  txs: number;
  /** Transactions accepted / included / gone (accepted, then lost with the mempool at a kill), by type. */
  transactions: {
    accepted: Record<string, number>;
    included: Record<string, number>;
    gone: Record<string, number>;
  };
  refused: Record<string, number>;
  /** Distinct heights whose block hash the node reported (log lines, /status, sign state). */
  heightsReported: number;
  /** Restarts that found the last signed block unstored and stored it again (signGuard). */
  restoredSigned: number;
  governance: {
    outcomes: GovOutcome[];
    executed: number;
    inFlight: string | null;
    paramValue: string | null;
  };
  replay: ReplayCliReport;
  resources: ResourceSummary;
  samples: Sample[];
  ms: number;
}

const obj = (m: Map<string, number>) => Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)));

/** Checks that a restart resumed where the stopped node left off; returns whether it stored its signed block again. */
export function checkResumed(node: { height: number }, ledger: Ledger, last: Checked): boolean {
  assert.ok(
    node.height >= ledger.reportedHeight,
    `restarted at ${node.height}, had reported ${ledger.reportedHeight}`,
  );
  if (node.height === last.height) return false;
  // signGuard: signed, then killed before it was stored: the restart stores that same block.
  assert.equal(
    node.height,
    last.height + 1,
    `restarted at ${node.height}, the database's head is ${last.height}`,
  );
  assert.equal(last.signedHeight, node.height, `restarted one above the head without a signed block there`);
  return true;
}

/** Runs a soak in a new directory (removed at the end unless it failed: the error names it). */
export async function runSoak(o: SoakOptions): Promise<SoakReport> {
  const t0 = Date.now();
  const seed = o.seed >>> 0;
  const rand = prng(seed);
  const [minMs, maxMs] = [o.minMs ?? 150, o.maxMs ?? 900];
  const log = o.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), "xai-soak-"));
  const chainId = await initDevChain(dir, o.stageBlocks);
  const ledger = new Ledger();
  const tracker = new Tracker();
  const gov = new GovDriver(tracker);
  const x: LoadContext = { rand, ledger, tracker, gov };
  const refused = new Map<string, number>();
  const sampler = new Sampler();
  let last: Checked = { height: 0, headHash: "", txs: 0, signedHeight: null };
  let restoredSigned = 0;
  let run = 0;
  let node: Started | null = null;
  try {
    const deadline = o.budgetMs === undefined ? Number.POSITIVE_INFINITY : t0 + o.budgetMs;
    for (; run < o.kills && Date.now() < deadline; run++) {
      node = await startNode(dir);
      sampler.attach(node.pid, run);
      if (checkResumed(node, ledger, last)) restoredSigned++;
      const c = new NodeClient(node.api, chainId, refused);
      const waitMs = minMs + Math.floor(rand() * (maxMs - minMs + 1));
      // One kill in five counts its moment from "node started"; the others from the end of the first
      // load step (a fresh node's first transaction can take seconds on a busy machine).
      const early = rand() < 0.2;
      let started = Date.now();
      let firstStep = () => {};
      const stepped = new Promise<void>((r) => {
        firstStep = r;
      });
      const load = (async () => {
        await loadStep(c, x); // the governance flow's next step first: runs are short
        if (!early) started = Date.now();
        firstStep();
        await sendTransfers(c, x, 2 + Math.floor(rand() * 3));
        await loadLoop(c, x, () => Date.now() - started < waitMs + 10_000);
      })();
      if (!early) await Promise.race([stepped, load, sleep(30_000)]);
      await Promise.race([sleep(Math.max(0, waitMs - (Date.now() - started))), load]);
      sampler.detach();
      node.child.kill("SIGKILL");
      await load.catch((err) => {
        if (!isConnectionError(err)) throw err; // else a request cut by the kill
      });
      const exit = await node.exited;
      assert.equal(
        exit.signal,
        "SIGKILL",
        `the node was running until killed\n${node.output().slice(-3000)}`,
      );
      for (const [h, hash] of node.heads) ledger.noteHead(h, hash, `the "new head" line of run ${run}`);
      last = await checkStopped(dir, ledger, { replay: (run + 1) % (o.replayEvery ?? 1) === 0 });
      if ((run + 1) % (o.logEvery ?? 10) === 0)
        log(
          `kill ${run + 1}/${o.kills}: height ${last.height}, ${tracker.included.get("TRANSFER") ?? 0} transfers included, ${gov.executed.length} proposals executed, proposal ${gov.current?.number} ${gov.current?.status}`,
        );
    }
    // The last run: serves until a transfer of its own is included and the proposal in flight ends.
    node = await startNode(dir);
    sampler.attach(node.pid, run);
    if (checkResumed(node, ledger, last)) restoredSigned++;
    const startHeight = node.height;
    const c = new NodeClient(node.api, chainId, refused);
    const [id] = await sendTransfers(c, x, 1);
    assert.ok(id, "the last run's transfer was accepted");
    const started = Date.now();
    // Until the hold is over, the transfer is in, and a proposal was executed and none is in flight.
    const busy = () => {
      if (gov.executed.length > 0) gov.drain();
      return tracker.fate(id) === "pending" || (gov.current?.status ?? "new") !== "new";
    };
    await loadLoop(
      c,
      x,
      () => Date.now() - started < (o.holdMs ?? 0) || (busy() && Date.now() - started < 120_000),
    );
    assert.equal(tracker.fate(id), "included", "the last run's transfer was included");
    assert.equal(ledger.included.get(id)?.result, "ok", "the last run's transfer succeeded");
    assert.ok(tracker.heightOf(id)! > startHeight, "the restarted node kept producing");
    type Params = { params: Array<{ name: string; value: string }> };
    const paramValue = (await c.get200<Params>("/governance/params")).params.find(
      (e) => e.name === PARAM,
    )!.value;
    const lastExecuted = gov.executed.at(-1);
    if (lastExecuted)
      assert.equal(paramValue, lastExecuted.value, `${PARAM} is the last executed proposal's value`);
    sampler.detach();
    node.child.kill("SIGTERM");
    const exit = await node.exited;
    assert.equal(exit.code, 0, `a clean stop on SIGTERM\n${node.output().slice(-3000)}`);
    assert.match(node.output(), /"msg":"node stopped"/);
    for (const [h, hash] of node.heads) ledger.noteHead(h, hash, `the "new head" line of run ${run}`);
    last = await checkStopped(dir, ledger, { replay: true });
    const replay = await replayCli(dir);
    assert.equal(replay.verified, true, "xai-gov replay verified");
    assert.equal(replay.mismatches, 0);
    assert.equal(replay.head_height, last.height);
    assert.equal(replay.blocks, last.height);
    assert.equal(replay.txs, last.txs);
    assert.equal(existsSync(join(dir, "replay.tmp")), false, "replay removes its scratch database");
    sampler.stop();
    rmSync(dir, { recursive: true, force: true });
    return {
      seed,
      kills: run,
      killsAsked: o.kills,
      height: last.height,
      txs: replay.txs,
      transactions: {
        accepted: obj(tracker.accepted),
        included: obj(tracker.included),
        gone: obj(tracker.gone),
      },
      refused: obj(refused),
      heightsReported: ledger.hashes.size,
      restoredSigned,
      governance: {
        outcomes: gov.outcomes,
        executed: gov.executed.length,
        inFlight:
          gov.current && gov.current.status !== "new" ? `${gov.current.number} ${gov.current.status}` : null,
        paramValue,
      },
      replay,
      resources: summarize(sampler.samples),
      samples: sampler.samples,
      ms: Date.now() - t0,
    };
  } catch (err) {
    sampler.stop();
    killAll();
    const where = run < o.kills ? `kill ${run + 1} of ${o.kills}` : "the last run";
    const tail = node ? `\nlast node output:\n${node.output().slice(-2000)}` : "";
    throw new Error(
      `soak failed at ${where} (seed ${seed}; directory ${dir} kept): ${(err as Error).message}${tail}`,
      { cause: err },
    );
  }
}
