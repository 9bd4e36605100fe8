import { existsSync } from "node:fs";
import type { Command } from "commander";
import { xaiError } from "../../errors.js";
import { NodeErrorCode } from "../../node/errors.js";
import { initChain } from "../../node/initChain.js";
import { nodePaths } from "../../node/paths.js";

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
      const node = await XaiNode.start({
        dir: o.dir,
        apiHost: api.host,
        apiPort: api.port,
        ...(o.p2p ? { p2pListen: [o.p2p] } : {}),
        peers: o.peer ?? [],
      });
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        await node.stop();
        process.exit(0);
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
}
