/**
 * Where the chaos harness puts its nodes and proxies, as a `NodeLayout` of the cluster:
 *
 * - `netns`: node i in namespace xchaos<i> (harness/chaos/netns.ts), libp2p on 10.77.i.2:9000, its
 *   API on 127.0.0.1:8000 inside, reached over the veth through a relay at 10.77.i.2:8545. The proxy
 *   of link i→j listens on 10.77.i.1:(20000+j) and forwards to 10.77.j.2:9000. The addresses a node
 *   learns by identify are other namespaces' and unreachable from its own, so every byte between
 *   two nodes crosses a proxy.
 * - `loopback` (no namespaces): every node on 127.0.0.1 with the ports the cluster picked, every
 *   proxy on an OS-chosen 127.0.0.1 port. A peer's own address would be reachable here, so nodes
 *   start with `--no-announce`: identify tells no peer any address, and a node dials a peer only
 *   at the proxy addresses it was given (its peer store learns no other; libp2p 2 has no
 *   auto-dialer, gossipsub's peer exchange is off).
 *
 * Every node is given its peers as `<proxy address>/p2p/<peer id>`, the ids from p2p keys written
 * into the node directories before the first start.
 */
import type { ChildProcess } from "node:child_process";
import { peerIdFromPrivateKey } from "@libp2p/peer-id";
import { loadOrCreateP2PKey } from "../../src/network/p2pKey.js";
import type { LocalNodeSpec, SpawnArgs } from "../../src/node/devnet.js";
import { nodePaths } from "../../src/node/paths.js";
import type { NodeLayout } from "../cluster.js";
import {
  createNamespace,
  hostAddr,
  lockNamespaces,
  nodeAddr,
  nsName,
  releaseNamespaces,
  startRelay,
} from "./netns.js";
import { type Endpoint, LinkProxy, ProxyMesh } from "./proxy.js";
import { prng } from "./schedule.js";

/** The mode of a run. */
export type ChaosMode = "netns" | "loopback";

const NS_P2P_PORT = 9000;
const NS_API_PORT = 8000;
const RELAY_PORT = 8545;

/** A placed network: the cluster hook, the proxies, and the clean-up. */
export interface Topology extends NodeLayout {
  mode: ChaosMode;
  /** The proxies (after `address` ran). */
  mesh(): ProxyMesh;
  /** Stops relays and proxies, removes namespaces (idempotent). */
  teardown(): Promise<void>;
}

const portOf = (multiaddr: string) => Number(/\/tcp\/(\d+)/.exec(multiaddr)![1]);

/** A topology of `n` nodes in `mode`; link k's PRNG is seeded from `seed` and k. */
export function createTopology(mode: ChaosMode, n: number, seed: number, log: (m: string) => void): Topology {
  let mesh: ProxyMesh | undefined;
  const relays: ChildProcess[] = [];
  let torn = false;
  const teardown = async () => {
    if (torn) return;
    torn = true;
    for (const r of relays) r.kill("SIGKILL");
    await mesh?.stop();
    if (mode === "netns") releaseNamespaces();
  };
  if (mode === "netns") {
    lockNamespaces(log);
    // A crash or Ctrl-C must not leave namespaces behind (the next run would clear them anyway).
    process.once("exit", () => {
      for (const r of relays) r.kill("SIGKILL");
      releaseNamespaces();
    });
  }

  const address = async (specs: LocalNodeSpec[]): Promise<LocalNodeSpec[]> => {
    const ids = await Promise.all(
      specs.map(async (s) =>
        peerIdFromPrivateKey(await loadOrCreateP2PKey(nodePaths(s.dir).p2pKey)).toString(),
      ),
    );
    // On loopback a node's p2p port is the one it bound (port 0 first), read when a link connects.
    let out: LocalNodeSpec[] = [];
    const target = (j: number): Endpoint | (() => Endpoint) =>
      mode === "netns"
        ? { host: nodeAddr(j), port: NS_P2P_PORT }
        : () => ({ host: "127.0.0.1", port: portOf(out[j]!.p2p) });
    const listen = (i: number, j: number): Endpoint =>
      mode === "netns" ? { host: hostAddr(i), port: 20_000 + j } : { host: "127.0.0.1", port: 0 };
    if (mode === "netns")
      for (let i = 0; i < n; i++) {
        createNamespace(i);
        relays.push(startRelay(i, RELAY_PORT, NS_API_PORT));
      }
    const links = new Map<string, LinkProxy>();
    const dial = new Map<string, Endpoint>();
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        const link = new LinkProxy(
          `${i}>${j}`,
          listen(i, j),
          target(j),
          prng((seed ^ ((i + 1) * 7919 + j * 104_729)) >>> 0),
        );
        links.set(`${i}>${j}`, link);
        dial.set(`${i}>${j}`, await link.start());
      }
    mesh = new ProxyMesh(n, links);
    out = specs.map((s, i) => {
      const peers = specs
        .filter((_, j) => j !== i)
        .map((t) => {
          const e = dial.get(`${i}>${t.index}`)!;
          return `/ip4/${e.host}/tcp/${e.port}/p2p/${ids[t.index]}`;
        });
      return mode === "netns"
        ? {
            ...s,
            apiHost: nodeAddr(i),
            apiPort: RELAY_PORT,
            p2p: `/ip4/${nodeAddr(i)}/tcp/${NS_P2P_PORT}`,
            peers,
          }
        : { ...s, peers };
    });
    return out;
  };

  // In a namespace the node's API is on its loopback (the relay forwards it); on loopback a
  // peer's own address would be reachable: announce none (start --no-announce).
  const launch = (spec: LocalNodeSpec): { spec: LocalNodeSpec; spawn: SpawnArgs } =>
    mode === "netns"
      ? {
          spec: { ...spec, apiHost: "127.0.0.1", apiPort: NS_API_PORT },
          spawn: { prefix: ["ip", "netns", "exec", nsName(spec.index)] },
        }
      : { spec, spawn: { startArgs: ["--no-announce"] } };

  return {
    mode,
    address,
    launch,
    mesh: () => {
      if (!mesh) throw new Error("the topology has no proxies yet");
      return mesh;
    },
    teardown,
  };
}
