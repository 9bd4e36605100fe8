import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { DbErrorCode } from "../../db/errors.js";
import { isXaiError, xaiError } from "../../errors.js";
import { DB_CORRUPT_EXIT_CODE, NodeErrorCode } from "../../node/errors.js";
import { initChain } from "../../node/initChain.js";
import { READY_MSG, startExitCode } from "../../node/launch.js";
import { nodePaths } from "../../node/paths.js";
import { UPGRADE_NEEDED_EXIT_CODE } from "../../node/upgrades.js";
import { printError } from "../output.js";
import {
  nodeArgs,
  RELEASE_ARTIFACT,
  supervise,
  UPGRADE_RELEASE_MISSING_EXIT_CODE,
  UPGRADE_RELEASE_REFUSED_EXIT_CODE,
} from "../supervisor.js";

/** Parses HOST:PORT. */
export function parseHostPort(s: string): { host: string; port: number } {
  const m = /^(.+):([0-9]{1,5})$/.exec(s);
  if (!m || Number(m[2]) > 65535) throw xaiError(NodeErrorCode.BAD_OPTION, `expected HOST:PORT, got ${s}`);
  return { host: m[1]!, port: Number(m[2]) };
}

interface StartOptions {
  dir: string;
  api: string;
  dev?: boolean;
  p2p?: string;
  peer?: string[];
  announce?: boolean;
  p2pLoopbackExempt?: boolean;
  upgradeDir?: string;
  cors?: string[];
  blockTimeMs?: string;
  workers: string;
}

/** An `--cors` value: exactly an origin (scheme, host, optional port; no path), or BAD_OPTION. */
export function parseOrigin(s: string): string {
  let url: URL | undefined;
  try {
    url = new URL(s);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.origin !== s)
    throw xaiError(NodeErrorCode.BAD_OPTION, `--cors takes an origin such as https://example.org, got ${s}`);
  return s;
}

/** `start --upgrade-dir`: runs this release's node as a child, with the same arguments. */
async function superviseNode(dir: string, upgradeDir: string): Promise<void> {
  const { pino } = await import("pino");
  const log = pino({ name: "supervisor", level: process.env.XAI_LOG_LEVEL ?? "info" });
  const s = supervise({
    dir,
    upgradeDir,
    baseEntry: resolve(process.argv[1]!),
    args: nodeArgs(process.argv.slice(2)),
    log,
  });
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => s.signal(sig));
  process.exit(await s.done);
}

/** Registers `start`. */
export function registerStart(program: Command): void {
  program
    .command("start")
    .description("run a node from DIR (resumes from its stored head)")
    .addHelpText(
      "after",
      `\nAt an upgrade height this release does not know, the node halts before that block, writes\n` +
        `DIR/upgrade-info.json and exits with code ${UPGRADE_NEEDED_EXIT_CODE}; restart it with the release that knows the\n` +
        `upgrade. XAI_TEST_UPGRADES=v2-test (tests and the harness only) adds test upgrades.\n\n` +
        `With --upgrade-dir UDIR the node runs as a child of a supervisor: at such a halt it reads\n` +
        `DIR/upgrade-info.json, checks that UDIR/<name>/${RELEASE_ARTIFACT} has the plan's sha256, and restarts\n` +
        `the node from UDIR/<name>/bin/xai-gov.js with the same options (UDIR/current records it). It\n` +
        `never downloads. No release installed: exit ${UPGRADE_RELEASE_MISSING_EXIT_CODE}; sha256 mismatch (or the release halts for\n` +
        `the same upgrade): exit ${UPGRADE_RELEASE_REFUSED_EXIT_CODE}; the node is left stopped. See docs/RUNBOOK.md.`,
    )
    .requiredOption("--dir <dir>", "node directory (from `init`)")
    .option("--api <host:port>", "HTTP API address", "127.0.0.1:8545")
    .option(
      "--p2p <multiaddr>",
      "libp2p listen address, e.g. /ip4/127.0.0.1/tcp/9545 (default: no networking)",
    )
    .option("--peer <multiaddr...>", "peer(s) to connect to and keep connected")
    .option(
      "--no-announce",
      "announce no libp2p address to peers: they reach this node only at addresses they were given",
    )
    .option(
      "--p2p-loopback-exempt",
      "peers from 127.0.0.1 or ::1 are this host's own nodes (a local cluster): no gossipsub IP colocation penalty for them (never behind a proxy or tunnel on this host)",
    )
    .option("--dev", "if DIR has no genesis yet, first init a single-validator dev chain there")
    .option(
      "--block-time-ms <ms>",
      "with --dev on a new DIR: the dev chain's block time (default 1000; slower gives more time between steps)",
    )
    .option("--upgrade-dir <udir>", "supervise the node and switch releases at upgrades (see below)")
    .option(
      "--cors <origin...>",
      "let browser pages from these origins (e.g. http://localhost:5173) call the API (default: none)",
    )
    .option("--workers <n>", "signature worker threads (0: none)", "2")
    .action(async (o: StartOptions) => {
      if (o.upgradeDir) return superviseNode(o.dir, o.upgradeDir);
      const fresh = o.dev === true && !existsSync(nodePaths(o.dir).genesis);
      if (o.blockTimeMs !== undefined && !fresh)
        throw xaiError(
          NodeErrorCode.BAD_OPTION,
          "--block-time-ms applies only with --dev on a new DIR (the block time is in genesis.json)",
        );
      if (fresh)
        initChain(
          { dir: o.dir, dev: true, ...(o.blockTimeMs ? { blockTimeMs: o.blockTimeMs } : {}) },
          Date.now(),
        );
      const api = parseHostPort(o.api);
      const origins = (o.cors ?? []).map(parseOrigin);
      const workers = Number(o.workers);
      if (!Number.isInteger(workers) || workers < 0 || workers > 64)
        throw xaiError(NodeErrorCode.BAD_OPTION, `--workers is 0 to 64, got ${o.workers}`);
      // Loaded here so that every other command starts without libp2p and fastify.
      const { XaiNode, STORAGE_FAILED_EXIT_CODE } = await import("../../node/node.js");
      let stopping = false;
      let exitCode = 0;
      let node: Awaited<ReturnType<typeof XaiNode.start>> | undefined;
      // The highest code asked for wins: a write failing while a SIGTERM stop drains still exits 6.
      const stop = async (code: number) => {
        exitCode = Math.max(exitCode, code);
        if (stopping) return;
        stopping = true;
        await node?.stop();
        process.exit(exitCode);
      };
      try {
        node = await XaiNode.start({
          dir: o.dir,
          apiHost: api.host,
          apiPort: api.port,
          ...(o.p2p ? { p2pListen: [o.p2p] } : {}),
          peers: o.peer ?? [],
          ...(origins.length > 0 ? { cors: origins } : {}),
          signatureWorkers: workers,
          ...(o.announce === false ? { p2pAnnounce: false } : {}),
          ...(o.p2pLoopbackExempt === true ? { p2pLoopbackExempt: true } : {}),
          // Halted for an upgrade this release lacks (SPEC v2 §4.7): a distinct exit code.
          onUpgradeNeeded: () => void stop(UPGRADE_NEEDED_EXIT_CODE),
          // A failed write (fail-stop), or a corrupt database met while running (a reorg missing an
          // undo record): distinct exit codes; the supervisor does not restart it.
          onFatal: (err) =>
            void stop(isXaiError(err, DbErrorCode.CORRUPT) ? DB_CORRUPT_EXIT_CODE : STORAGE_FAILED_EXIT_CODE),
        });
      } catch (err) {
        // Nothing runs and nothing is held any more (node.ts): say why and exit with its code.
        printError(err);
        process.exit(startExitCode(err));
      }
      // The signal handlers go first: whoever reads the ready line may stop the node at once.
      process.on("SIGINT", () => void stop(0));
      process.on("SIGTERM", () => void stop(0));
      // A reader of stdout that went away (a log pipe, a harness that died) does not stop the node:
      // the write fails with EPIPE, and the node runs on unlogged, as pino does for its own lines.
      process.stdout.on("error", (err: NodeJS.ErrnoException) => {
        if (err.code !== "EPIPE") throw err;
      });
      // The bound addresses (a port 0 is the one the system chose), one JSON line on stdout at any
      // log level: what a harness or a supervisor reads back (src/node/launch.ts).
      const ready = { msg: READY_MSG, api: node.apiAddress, p2p: node.network?.listenAddrs() ?? [] };
      process.stdout.write(`${JSON.stringify(ready)}\n`);
    });
}
