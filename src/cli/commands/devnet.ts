import type { ChildProcess } from "node:child_process";
import type { Command } from "commander";
import { xaiError } from "../../errors.js";
import { prepareLocalNetwork } from "../../node/devnet.js";
import { NodeErrorCode } from "../../node/errors.js";
import { launchNetwork } from "../../node/launch.js";
import { printResult } from "../output.js";

/** Registers `devnet`. */
export function registerDevnet(program: Command): void {
  program
    .command("devnet")
    .description("start N local validators (child processes) that peer with each other; Ctrl-C stops them")
    .option("--nodes <n>", "number of validators", "3")
    .option("--dir <dir>", "directory of the network (reused if it exists)", ".xai-devnet")
    .option("--preset <preset>", "dev or test", "dev")
    .option("--block-time-ms <ms>", "block time")
    .option(
      "--base-api-port <port>",
      "API port of node 0 (node I uses port + I; 0: ports the system picks)",
      "8545",
    )
    .option("--base-p2p-port <port>", "libp2p port of node 0 (0: ports the system picks)", "9545")
    .option("--json", "print the node list as JSON")
    .action(
      async (o: {
        nodes: string;
        dir: string;
        preset: string;
        blockTimeMs?: string;
        baseApiPort: string;
        baseP2pPort: string;
        json?: boolean;
      }) => {
        const n = Number(o.nodes);
        if (!Number.isInteger(n) || n < 1 || n > 16)
          throw xaiError(NodeErrorCode.BAD_OPTION, "--nodes is 1 to 16");
        if (o.preset !== "dev" && o.preset !== "test")
          throw xaiError(NodeErrorCode.BAD_OPTION, "--preset is dev or test");
        const specs = prepareLocalNetwork({
          dir: o.dir,
          nodes: n,
          preset: o.preset,
          baseApiPort: Number(o.baseApiPort),
          baseP2pPort: Number(o.baseP2pPort),
          ...(o.blockTimeMs ? { blockTimeMs: Number(o.blockTimeMs) } : {}),
        });
        // Every process spawned, ready or not: a stop while the nodes start stops those started too
        // (a SIGTERM before would have left them running on their own).
        const children: ChildProcess[] = [];
        let stopping = false;
        const stop = () => {
          stopping = true;
          for (const c of children) c.kill("SIGTERM");
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
        // Every node is listening (or none runs: a taken port is NODE_LISTEN_FAILED, launch.ts).
        let launched: Awaited<ReturnType<typeof launchNetwork>>;
        try {
          launched = await launchNetwork(specs, { onSpawn: (c) => children.push(c) });
        } catch (err) {
          if (!stopping) throw err;
          await Promise.all(
            children.map(
              (c) => (c.exitCode ?? c.signalCode) !== null || new Promise((r) => c.once("exit", r)),
            ),
          );
          return;
        }
        printResult(
          specs.map((s, k) => ({
            node: s.index,
            api: launched[k]!.api,
            p2p: launched[k]!.p2p[0],
            dir: s.dir,
          })),
          o.json === true,
        );
        if (!o.json) process.stderr.write(`logs: ${o.dir}/node-I/node.log; Ctrl-C stops every node\n`);
        const running = launched.map((l) => l.child);
        await Promise.all(running.map((c) => new Promise((r) => c.on("exit", r))));
      },
    );
}
