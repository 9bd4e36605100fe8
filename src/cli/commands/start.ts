import { existsSync } from "node:fs";
import type { Command } from "commander";
import { xaiError } from "../../errors.js";
import { NodeErrorCode } from "../../node/errors.js";
import { initChain } from "../../node/initChain.js";
import { nodePaths } from "../../node/paths.js";
import { UPGRADE_NEEDED_EXIT_CODE } from "../../node/upgrades.js";

/** Parses HOST:PORT. */
export function parseHostPort(s: string): { host: string; port: number } {
  const m = /^(.+):([0-9]{1,5})$/.exec(s);
  if (!m || Number(m[2]) > 65535) throw xaiError(NodeErrorCode.BAD_OPTION, `expected HOST:PORT, got ${s}`);
  return { host: m[1]!, port: Number(m[2]) };
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
        `upgrade. XAI_TEST_UPGRADES=v2-test (tests and the harness only) adds test upgrades.`,
    )
    .requiredOption("--dir <dir>", "node directory (from `init`)")
    .option("--api <host:port>", "HTTP API address", "127.0.0.1:8545")
    .option(
      "--p2p <multiaddr>",
      "libp2p listen address, e.g. /ip4/127.0.0.1/tcp/9545 (default: no networking)",
    )
    .option("--peer <multiaddr...>", "peer(s) to connect to and keep connected")
    .option("--dev", "if DIR has no genesis yet, first init a single-validator dev chain there")
    .action(async (o: { dir: string; api: string; dev?: boolean; p2p?: string; peer?: string[] }) => {
      if (o.dev && !existsSync(nodePaths(o.dir).genesis)) initChain({ dir: o.dir, dev: true }, Date.now());
      const api = parseHostPort(o.api);
      // Loaded here so that every other command starts without libp2p and fastify.
      const { XaiNode } = await import("../../node/node.js");
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
        // Halted for an upgrade this release lacks (SPEC v2 §4.7): a distinct exit code.
        onUpgradeNeeded: () => void stop(UPGRADE_NEEDED_EXIT_CODE),
      });
      process.on("SIGINT", () => void stop(0));
      process.on("SIGTERM", () => void stop(0));
    });
}
