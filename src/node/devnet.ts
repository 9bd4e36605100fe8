import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, createWriteStream, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RuleValues } from "../config/genesis.js";
import { initChain } from "./initChain.js";
import { withNodeMalloc, withoutNodeMalloc } from "./mallocEnv.js";
import { nodePaths } from "./paths.js";

/** Where one local node of a network lives and listens. */
export interface LocalNodeSpec {
  index: number;
  dir: string;
  apiHost: string;
  apiPort: number;
  p2p: string;
  peers: string[];
}

/** Options of a local network. */
export interface LocalNetworkOptions {
  dir: string;
  nodes: number;
  preset: "dev" | "test";
  blockTimeMs?: number;
  /** Governance rules over the preset's. */
  rules?: RuleValues;
  chainId?: string;
  baseApiPort: number;
  baseP2pPort: number;
}

/**
 * Prepares N validator directories (DIR/node-I with genesis.json and validator.key) from one
 * genesis with N validators, unless DIR already has them; every node peers with every other.
 */
export function prepareLocalNetwork(o: LocalNetworkOptions): LocalNodeSpec[] {
  if (!existsSync(nodePaths(o.dir).genesis)) {
    initChain(
      {
        dir: o.dir,
        dev: true,
        preset: o.preset,
        validators: String(o.nodes),
        ...(o.chainId ? { chainId: o.chainId } : {}),
        ...(o.blockTimeMs ? { blockTimeMs: String(o.blockTimeMs) } : {}),
        ...(o.rules ? { rules: o.rules } : {}),
      },
      Date.now(),
    );
  }
  // Base port 0: every node on port 0, its peers filled in when it starts (launch.ts).
  const port = (base: number, i: number) => (base === 0 ? 0 : base + i);
  const p2p = (i: number) => `/ip4/127.0.0.1/tcp/${port(o.baseP2pPort, i)}`;
  return Array.from({ length: o.nodes }, (_, i) => {
    const dir = join(o.dir, `node-${i}`);
    const paths = nodePaths(dir);
    mkdirSync(dir, { recursive: true });
    if (!existsSync(paths.genesis)) copyFileSync(nodePaths(o.dir).genesis, paths.genesis);
    const key =
      o.nodes === 1 ? nodePaths(o.dir).validatorKey : join(o.dir, "validators", `validator-${i}.key`);
    if (!existsSync(paths.validatorKey)) copyFileSync(key, paths.validatorKey);
    return {
      index: i,
      dir,
      apiHost: "127.0.0.1",
      apiPort: port(o.baseApiPort, i),
      p2p: p2p(i),
      peers:
        o.baseP2pPort === 0
          ? []
          : Array.from({ length: o.nodes }, (_, j) => j)
              .filter((j) => j !== i)
              .map(p2p),
    };
  });
}

// From dist/src/node/ (the compiled CLI) or from src/node/ (tests under tsx): the same bin/xai-gov.js.
const CLI = fileURLToPath(
  new URL(`${import.meta.url.includes("/dist/") ? "../../../" : "../../"}bin/xai-gov.js`, import.meta.url),
);

/** More of a node's command line: options of node itself (V8's, --cpu-prof) and of `start`. */
export interface SpawnArgs {
  nodeFlags?: readonly string[];
  startArgs?: readonly string[];
  /** A command the node runs under (`ip netns exec NS`). */
  prefix?: readonly string[];
  /** false: without the malloc settings of mallocEnv.ts (the memory benchmark's comparison). */
  mallocEnv?: boolean;
}

/**
 * Starts a node as a child process (`xai-gov start`), appending its logs to DIR/node.log. With
 * `prefix` the command runs under it (the chaos harness: `ip netns exec NS`, which execs the node,
 * so the child's pid is the node's).
 */
export function spawnNode(
  spec: LocalNodeSpec,
  extraEnv: Record<string, string> = {},
  more: SpawnArgs = {},
): ChildProcess {
  const args = [
    ...(more.nodeFlags ?? []),
    CLI,
    "start",
    "--dir",
    spec.dir,
    "--api",
    `${spec.apiHost}:${spec.apiPort}`,
    "--p2p",
    spec.p2p,
    // Every peer of a local network is a process of this host (more than 10 on 127.0.0.1 would
    // take gossipsub's colocation penalty); the chaos harness's netns nodes have no loopback peer.
    "--p2p-loopback-exempt",
  ];
  for (const p of spec.peers) args.push("--peer", p);
  args.push(...(more.startArgs ?? []));
  const [cmd, ...rest] = [...(more.prefix ?? []), process.execPath, ...args];
  const child = spawn(cmd!, rest, {
    stdio: ["ignore", "pipe", "pipe"],
    env:
      more.mallocEnv === false
        ? withoutNodeMalloc({ ...process.env, ...extraEnv })
        : withNodeMalloc({ ...process.env, ...extraEnv }),
  });
  const log = createWriteStream(join(spec.dir, "node.log"), { flags: "a" });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}
