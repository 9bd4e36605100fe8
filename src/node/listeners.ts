/**
 * Start-up is all or nothing (issue 11): the node opens every listener it was asked for (libp2p,
 * then the HTTP API) before anything runs, and a listener it cannot open is NODE_LISTEN_FAILED,
 * naming the option and the address; whatever was already open is closed again by the caller.
 */
import type { FastifyInstance } from "fastify";
import { createApi, type RoutePlugin } from "../api/server.js";
import type { Chain } from "../chain/chain.js";
import type { KeyPair } from "../crypto/keys.js";
import { xaiError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { NodeMetrics } from "../metrics/nodeMetrics.js";
import { P2PNetwork } from "../network/network.js";
import { loadOrCreateP2PKey } from "../network/p2pKey.js";
import { apiContext } from "./apiContext.js";
import { NodeErrorCode } from "./errors.js";
import type { NodeOptions } from "./node.js";

/** The data of a NODE_LISTEN_FAILED error. */
export interface ListenFailedData {
  /** The option whose address could not be opened: `--api` or `--p2p`. */
  flag: "--api" | "--p2p";
  address: string;
  /** The system's code (EADDRINUSE, EACCES, EADDRNOTAVAIL, …), or null. */
  cause: string | null;
}

/** Runs `open` and turns its failure into NODE_LISTEN_FAILED for `flag` and `address`. */
export async function openListener<T>(
  flag: ListenFailedData["flag"],
  address: string,
  open: () => Promise<T>,
): Promise<T> {
  try {
    return await open();
  } catch (err) {
    const cause = systemCode(err);
    const why = reason(String((err as Error)?.message ?? err), cause);
    throw xaiError(NodeErrorCode.LISTEN_FAILED, `cannot listen on ${flag} ${address}: ${why}`, {
      flag,
      address,
      cause,
    } satisfies ListenFailedData);
  }
}

/** The line of `message` that names `cause` (libp2p wraps it in a long text with a stack), or its first. */
function reason(message: string, cause: string | null): string {
  const lines = message.split("\n").map((l) => l.trim().replace(/^.*Error: /, ""));
  return (cause ? lines.find((l) => l.includes(cause)) : undefined) ?? lines[0] ?? "";
}

/** The open listeners of a node: its P2P network (listening, not yet `run`) and its HTTP API. */
export interface Listeners {
  network: P2PNetwork | undefined;
  api: FastifyInstance;
  apiAddress: string;
}

/**
 * Opens libp2p on `o.p2pListen` (if any), then the API on `o.apiHost:o.apiPort` with the routes of
 * `routes(network)`; if one cannot be opened, closes what was opened and throws NODE_LISTEN_FAILED.
 */
export async function openListeners(
  o: NodeOptions,
  node: { chain: Chain; metrics: NodeMetrics; log: Logger; key: KeyPair | undefined },
  p2pKeyFile: string,
  routes: (network: P2PNetwork | undefined) => RoutePlugin[],
): Promise<Listeners> {
  let network: P2PNetwork | undefined;
  let api: FastifyInstance | undefined;
  try {
    const listen = o.p2pListen ?? [];
    if (listen.length > 0) {
      const privateKey = await loadOrCreateP2PKey(p2pKeyFile);
      const opts = {
        chain: node.chain,
        listen,
        peers: o.peers ?? [],
        privateKey,
        metrics: node.metrics,
        log: node.log,
        ...(o.p2pAnnounce === false ? { announce: false } : {}),
        ...(o.p2pLoopbackExempt === true ? { loopbackExempt: true } : {}),
      };
      network = await openListener("--p2p", listen.join(","), () =>
        P2PNetwork.listen({ ...opts, ...(o.penalties ? { penalties: o.penalties } : {}) }),
      );
    }
    const server = createApi(
      apiContext(node.chain, node.metrics, node.key, network, o.cors, node.log),
      routes(network),
    );
    api = server;
    const apiAddress = await openListener("--api", `${o.apiHost}:${o.apiPort}`, () =>
      server.listen({ host: o.apiHost, port: o.apiPort }),
    );
    return { network, api: server, apiAddress };
  } catch (err) {
    await api?.close().catch(() => undefined);
    await network?.stop().catch(() => undefined);
    throw err;
  }
}

/** The system error code of `err` or of an error it wraps (libp2p nests the socket's error). */
function systemCode(err: unknown): string | null {
  for (
    let e = err as { code?: unknown; cause?: unknown; errors?: unknown[] } | undefined, i = 0;
    e && i < 5;
    i++
  ) {
    if (typeof e.code === "string" && /^E[A-Z]+$/.test(e.code)) return e.code;
    const m = /\b(E[A-Z]{4,})\b/.exec(String((e as Error).message ?? ""));
    if (m) return m[1]!;
    e = (e.cause ?? e.errors?.[0]) as typeof e;
  }
  return null;
}
