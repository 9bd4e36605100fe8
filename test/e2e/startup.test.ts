// Issue 11, "start-up is all or nothing" and "a corrupt database": `xai-gov start` as a real process
// (the compiled code in dist/; run `npx tsc -p .` first) on a dev chain of HEIGHT blocks whose next
// slot is due, so a node that got past its start-up would produce at once.
//
// - A listener it cannot open (a port held by a node:net server): exit LISTEN_FAILED_EXIT_CODE,
//   NODE_LISTEN_FAILED naming the option and the address on stderr, no ready line, the database
//   released (it opens again: LevelDB's lock is gone) and its head unchanged.
// - launch.ts: a taken port is retried on a port the system picks when the caller allows it.
// - A damaged database (a deleted undo record, a garbled state value, a garbled LevelDB log file):
//   exit DB_CORRUPT_EXIT_CODE with DB_CORRUPT, what is wrong and the repair path; then
//   `xai-gov replay --repair` brings it back, a plain replay verifies it, and the node starts.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Chain } from "../../src/chain/chain.js";
import { ChainDb } from "../../src/db/chainDb.js";
import { DbErrorCode } from "../../src/db/errors.js";
import type { Logger } from "../../src/logger.js";
import { loadGenesis } from "../../src/node/genesisFile.js";
import { initChain } from "../../src/node/initChain.js";
import { readKeyFile } from "../../src/node/keyFile.js";
import { LaunchError, launchNode } from "../../src/node/launch.js";
import { createModules } from "../../src/node/modules.js";
import { XaiNode } from "../../src/node/node.js";
import { nodePaths } from "../../src/node/paths.js";
import { decodeBlock } from "../../src/types/block.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = join(ROOT, "bin", "xai-gov.js");
const HEIGHT = 12;
const BLOCK_TIME_MS = 1000;
const silent: Logger = { info() {}, warn() {}, debug() {} };

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to its end; a `start` is stopped with SIGTERM once its ready line is out (or after 60 s). */
function cli(args: string[]): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let stopped = false;
    child.stdout.on("data", (d) => {
      stdout += d;
      if (!stopped && stdout.includes('"msg":"node listening"')) stopped = child.kill("SIGTERM");
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGTERM"), 60_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

function holdPort(): Promise<Server> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => ok(s));
  });
}

const portOf = (s: Server) => (s.address() as AddressInfo).port;
const close = (s: Server) => new Promise((r) => s.close(r));

/** Head height of the database in `dir` (opening it proves that no process holds its lock). */
async function headHeight(dir: string): Promise<number> {
  const db = await ChainDb.open(nodePaths(dir).db);
  try {
    return decodeBlock((await db.getBlockBytes((await db.getHead())!))!).header.height;
  } finally {
    await db.close();
  }
}

/** Changes the database in `dir` with `f`. */
async function withDb(dir: string, f: (db: ChainDb) => Promise<void>): Promise<void> {
  const db = await ChainDb.open(nodePaths(dir).db);
  try {
    await f(db);
  } finally {
    await db.close();
  }
}

describe("e2e: start-up is all or nothing; a corrupt database is refused and repaired (issue 11)", function () {
  this.timeout(120_000);
  let root: string;
  let template: string;
  let n = 0;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), "xai-startup-"));
    template = join(root, "template");
    // Genesis HEIGHT + 2 slots ago: after HEIGHT blocks, the node's next slot is due at once.
    initChain(
      { dir: template, dev: true, blockTimeMs: String(BLOCK_TIME_MS) },
      Date.now() - (HEIGHT + 2) * BLOCK_TIME_MS,
    );
    const genesis = loadGenesis(template);
    const key = readKeyFile(nodePaths(template).validatorKey);
    const db = await ChainDb.open(nodePaths(template).db);
    const chain = await Chain.open({
      genesis,
      db,
      modules: createModules(),
      now: () => Number.MAX_SAFE_INTEGER,
    });
    for (let slot = 1; slot <= HEIGHT; slot++) await chain.produceBlock(slot, key);
    await chain.idle();
    await db.close();
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  /** A fresh copy of the template node directory. */
  function nodeDir(): string {
    const dir = join(root, `node-${n++}`);
    cpSync(template, dir, { recursive: true });
    return dir;
  }

  const start = (dir: string, api = "127.0.0.1:0", p2p = "/ip4/127.0.0.1/tcp/0") =>
    cli(["start", "--dir", dir, "--api", api, "--p2p", p2p]);

  it("a taken API port: exit 8 with NODE_LISTEN_FAILED naming --api and the address; the database is released and unchanged", async () => {
    const dir = nodeDir();
    const held = await holdPort();
    try {
      const r = await start(dir, `127.0.0.1:${portOf(held)}`);
      assert.equal(r.code, 8, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(
          `^NODE_LISTEN_FAILED: cannot listen on --api 127\\.0\\.0\\.1:${portOf(held)}: listen EADDRINUSE`,
        ),
      );
      assert.doesNotMatch(r.stdout, /node listening|new head/);
    } finally {
      await close(held);
    }
    assert.equal(await headHeight(dir), HEIGHT);
  });

  it("a taken p2p port: exit 8 with NODE_LISTEN_FAILED naming --p2p and the address; the database is released and unchanged", async () => {
    const dir = nodeDir();
    const held = await holdPort();
    try {
      const r = await start(dir, "127.0.0.1:0", `/ip4/127.0.0.1/tcp/${portOf(held)}`);
      assert.equal(r.code, 8, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(
          `^NODE_LISTEN_FAILED: cannot listen on --p2p /ip4/127\\.0\\.0\\.1/tcp/${portOf(held)}: .*EADDRINUSE`,
        ),
      );
      assert.doesNotMatch(r.stdout, /node listening|new head/);
    } finally {
      await close(held);
    }
    assert.equal(await headHeight(dir), HEIGHT);
  });

  it("a reader of stdout that goes away does not stop the node: it runs on, and a SIGTERM stops it with 0", async () => {
    const dir = nodeDir();
    const held = await holdPort();
    const port = portOf(held);
    await close(held);
    const child = spawn(
      process.execPath,
      [BIN, "start", "--dir", dir, "--api", `127.0.0.1:${port}`, "--p2p", "/ip4/127.0.0.1/tcp/0"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    // Our end of its stdout closed before its first line: every write of the node there is EPIPE,
    // the ready line included (an unhandled 'error' event stopped the node there before).
    child.stdout.destroy();
    const status = async () => {
      const r = await fetch(`http://127.0.0.1:${port}/status`).catch(() => undefined);
      return r?.status === 200 ? ((await r.json()) as { height: number }) : undefined;
    };
    const deadline = Date.now() + 60_000;
    let first = await status();
    while (!first) {
      assert.equal(child.exitCode, null, `the node exited: ${stderr}`);
      assert.ok(Date.now() < deadline, "the node did not answer /status within 60 s");
      await new Promise((r) => setTimeout(r, 100));
      first = await status();
    }
    // Past its ready line: still serving, and producing (dev chain, one validator).
    await new Promise((r) => setTimeout(r, 3 * BLOCK_TIME_MS));
    const later = await status();
    assert.ok(later, `the node stopped answering: ${stderr}`);
    assert.ok(later.height > first.height, `height ${first.height} -> ${later.height}`);
    child.kill("SIGTERM");
    assert.equal(await exited, 0, stderr);
  });

  it("launchNode reads the bound ports back, and retries a taken port on one the system picks only when allowed", async () => {
    const dir = nodeDir();
    const held = await holdPort();
    const spec = () => ({
      index: 0,
      dir,
      apiHost: "127.0.0.1",
      apiPort: portOf(held),
      p2p: "/ip4/127.0.0.1/tcp/0",
      peers: [],
    });
    try {
      const refused = await launchNode(spec()).then(
        () => assert.fail("started on a taken port"),
        (err: unknown) => err,
      );
      assert.ok(refused instanceof LaunchError);
      assert.equal(refused.exitCode, 8);
      assert.match(refused.stderr, /^NODE_LISTEN_FAILED: cannot listen on --api /);
      const s = spec();
      const node = await launchNode(s, { retryOnPortTaken: true });
      try {
        assert.notEqual(s.apiPort, portOf(held));
        assert.equal(node.api, `http://127.0.0.1:${s.apiPort}`);
        assert.match(node.p2p[0]!, /^\/ip4\/127\.0\.0\.1\/tcp\/[1-9][0-9]*\/p2p\/12D3/);
        assert.equal(s.p2p, node.p2p[0]!.replace(/\/p2p\/.*$/, ""));
        const status = (await (await fetch(`${node.api}/status`)).json()) as { chain_id: string };
        assert.equal(status.chain_id, loadGenesis(dir).chainId);
      } finally {
        const exited = new Promise((r) => node.child.once("exit", r));
        node.child.kill("SIGTERM");
        await exited;
      }
    } finally {
      await close(held);
    }
  });

  /** Asserts a refused start, then repairs and checks that a plain replay verifies and the node starts. */
  async function refusedThenRepaired(dir: string, what: RegExp): Promise<Record<string, unknown>> {
    const refused = await start(dir);
    assert.equal(refused.code, 7, refused.stderr);
    assert.match(refused.stderr, /^DB_CORRUPT: /);
    assert.match(refused.stderr, what);
    assert.match(refused.stderr, /`xai-gov replay --repair --dir DIR`.*docs\/RUNBOOK\.md/);
    assert.doesNotMatch(refused.stdout, /node listening|new head/);
    const repair = await cli(["replay", "--repair", "--dir", dir, "--json"]);
    assert.equal(repair.code, 0, repair.stderr);
    const report = JSON.parse(repair.stdout) as Record<string, unknown>;
    const check = await cli(["replay", "--dir", dir, "--json"]);
    assert.equal(check.code, 0, check.stderr);
    const verified = JSON.parse(check.stdout) as {
      mismatches: number;
      verified: boolean;
      head_height: number;
    };
    assert.equal(verified.mismatches, 0);
    assert.equal(verified.verified, true);
    const ok = await start(dir);
    assert.match(ok.stdout, /"msg":"node listening"/, ok.stderr);
    // The start-up log names the signature backend (libsodium here; node:crypto where it has no binary).
    const started = ok.stdout.split("\n").find((l) => l.includes('"msg":"node started"'));
    assert.equal((JSON.parse(started ?? "{}") as { signatures?: string }).signatures, "libsodium");
    assert.equal(ok.code, 0, ok.stderr);
    return report;
  }

  it("a missing undo record of a non-final block: exit 7, DB_CORRUPT naming it; replay --repair rebuilds it", async () => {
    const dir = nodeDir();
    await withDb(dir, async (db) => {
      await db
        .batch()
        .delUndo((await db.getCanonicalHash(HEIGHT - 3))!)
        .write();
    });
    const report = await refusedThenRepaired(
      dir,
      new RegExp(`undo record of block ${HEIGHT - 3} is missing`),
    );
    assert.deepEqual(report.repaired, {
      from_height: HEIGHT,
      dropped_blocks: 0,
      receipts: 0,
      undo_records: HEIGHT,
    });
    assert.equal(report.head_height, HEIGHT);
  });

  it("a garbled state value the head block wrote: exit 7, DB_CORRUPT (state root); replay --repair rebuilds the state", async () => {
    const dir = nodeDir();
    await withDb(dir, async (db) => {
      const undo = (await db.getUndo((await db.getCanonicalHash(HEIGHT))!))!;
      assert.ok(undo.length > 0);
      await db
        .batch()
        .applyState([[undo[0]![0], new Uint8Array([0xde, 0xad])]])
        .write();
    });
    const report = await refusedThenRepaired(
      dir,
      new RegExp(`the stored state does not match the state root of head block ${HEIGHT}`),
    );
    assert.equal(report.head_height, HEIGHT);
    assert.ok((report.mismatches as number) >= 1);
  });

  it("a missing non-final block: exit 7, DB_CORRUPT naming it; replay --repair keeps the blocks before it and drops it and those after", async () => {
    const dir = nodeDir();
    const lost = HEIGHT - 2;
    await withDb(dir, async (db) => {
      await db
        .batch()
        .delBlock((await db.getCanonicalHash(lost))!)
        .write();
    });
    const report = await refusedThenRepaired(dir, new RegExp(`block ${lost} \\([0-9a-f]{16}\\) is missing`));
    assert.equal(report.head_height, lost - 1);
    assert.deepEqual(report.repaired, {
      from_height: HEIGHT,
      dropped_blocks: 3,
      receipts: 0,
      undo_records: lost - 1,
    });
    await withDb(dir, async (db) => {
      assert.equal(await db.getCanonicalHash(lost), undefined);
      assert.equal(await db.getCanonicalHash(HEIGHT), undefined);
    });
  });

  it("an in-process node told of a corrupt database (DB_CORRUPT while running, as a reorg raises it) stops producing and calls onFatal once with DB_CORRUPT", async () => {
    const dir = nodeDir();
    const told: string[] = [];
    const onFatal = (err: { code: string }) => void told.push(err.code);
    const node = await XaiNode.start({ dir, apiHost: "127.0.0.1", apiPort: 0, log: silent, onFatal });
    try {
      node.chain.emit("blockRejected", DbErrorCode.CORRUPT);
      node.chain.emit("blockRejected", DbErrorCode.CORRUPT);
      assert.deepEqual(told, [DbErrorCode.CORRUPT]);
      assert.equal((node as unknown as { stopped: boolean }).stopped, true, "production stopped");
    } finally {
      await node.stop();
    }
  });

  it("a garbled LevelDB log file: exit 7, DB_CORRUPT naming the dropped records (also on the next start); replay --repair brings it back", async () => {
    const dir = nodeDir();
    const db = nodePaths(dir).db;
    const log = readdirSync(db).find((f) => f.endsWith(".log"))!;
    const size = statSync(join(db, log)).size;
    const bytes = readFileSync(join(db, log));
    bytes.fill(0xff, Math.floor(size / 2), Math.floor(size / 2) + 64);
    writeFileSync(join(db, log), bytes);
    const first = await start(dir);
    assert.equal(first.code, 7, first.stderr);
    assert.match(
      first.stderr,
      /^DB_CORRUPT: database is corrupt: LevelDB dropped damaged records .*dropping [0-9]+ bytes/,
    );
    const report = await refusedThenRepaired(dir, /LevelDB dropped damaged records/);
    // What LevelDB dropped is gone: the chain is back at the last block it kept, verified.
    assert.ok((report.head_height as number) < HEIGHT, String(report.head_height));
  });
});
