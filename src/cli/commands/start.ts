import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { xaiError } from "../../errors.js";
import { NodeErrorCode } from "../../node/errors.js";
import { initChain } from "../../node/initChain.js";
import { nodePaths } from "../../node/paths.js";
import { UPGRADE_NEEDED_EXIT_CODE } from "../../node/upgrades.js";
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
  upgradeDir?: string;
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
    .option("--dev", "if DIR has no genesis yet, first init a single-validator dev chain there")
    .option("--upgrade-dir <udir>", "supervise the node and switch releases at upgrades (see below)")
    .action(async (o: StartOptions) => {
      if (o.upgradeDir) return superviseNode(o.dir, o.upgradeDir);
      if (o.dev && !existsSync(nodePaths(o.dir).genesis)) initChain({ dir: o.dir, dev: true }, Date.now());
      const api = parseHostPort(o.api);
      // Loaded here so that every other command starts without libp2p and fastify.
      const { XaiNode, STORAGE_FAILED_EXIT_CODE } = await import("../../node/node.js");
      let stopping = false;
      let node: { stop(): Promise<void> } | undefined;
      const stop = async (code: number) => {
        if (stopping) return;
        stopping = true;
        await node?.stop();
        process.exit(code);
      };
      node = await XaiNode.start({
        dir: o.dir,
        apiHost: api.host,
        apiPort: api.port,
        ...(o.p2p ? { p2pListen: [o.p2p] } : {}),
        peers: o.peer ?? [],
        ...(o.announce === false ? { p2pAnnounce: false } : {}),
        // Halted for an upgrade this release lacks (SPEC v2 §4.7): a distinct exit code.
        onUpgradeNeeded: () => void stop(UPGRADE_NEEDED_EXIT_CODE),
        // A failed write (fail-stop): a distinct exit code; the supervisor does not restart it.
        onFatal: () => void stop(STORAGE_FAILED_EXIT_CODE),
      });
      process.on("SIGINT", () => void stop(0));
      process.on("SIGTERM", () => void stop(0));
    });
}
