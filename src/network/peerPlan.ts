/**
 * Which peers a node reaches out to, and when (issue 10: an idle node's cost grew with its peers).
 *
 * Dialling (network.ts redials every 2 s): a configured address may name its peer (`/p2p/<id>`)
 * or not (`/ip4/127.0.0.1/tcp/9545`, as `xai-gov start --peer` and the harness give them). Without
 * an id, a connection the peer opened to us does not show its listen address (its remote address
 * is the peer's ephemeral port), so every node redialled every peer that had dialled it first, and
 * every peer a partition denies: a TCP connection and a noise handshake each, every 2 s. The peer
 * id behind an address is now remembered (`known`), from a dial of it or from the listen addresses
 * the peer announced (identify): an address whose peer is connected by any connection, or denied,
 * is skipped.
 */
import { type Multiaddr, multiaddr } from "@multiformats/multiaddr";

/** A connection (libp2p's): the remote peer and the address it was reached at (or came from). */
export interface ConnectionInfo {
  remotePeer: { toString(): string };
  remoteAddr: { toString(): string };
}

/** The peer id an address names with /p2p/<id>, if any. */
export function peerIdInAddr(addr: string): string | undefined {
  return /\/p2p\/([^/]+)$/.exec(addr)?.[1];
}

/** Remembers `peer` as the peer behind each of its listen addresses (without /p2p/). */
export function rememberPeer(
  known: Map<string, string>,
  configured: readonly string[],
  peer: { toString(): string },
  listenAddrs: ReadonlyArray<{ toString(): string }>,
): void {
  // Only configured addresses: a peer may announce any number of them (the map stays bounded).
  for (const a of listenAddrs) {
    const addr = a.toString().split("/p2p/")[0]!;
    if (configured.includes(addr)) known.set(addr, peer.toString());
  }
}

/**
 * The configured addresses to dial: those whose peer (named, or remembered from an earlier dial
 * in `known`) is neither connected nor denied, and, for an address whose peer is unknown, that
 * no connection was made to (a dial in progress or a connection we opened).
 */
export function addrsToDial(
  configured: readonly string[],
  connections: readonly ConnectionInfo[],
  known: ReadonlyMap<string, string>,
  isDenied: (peer: string) => boolean,
): string[] {
  const connected = new Set(connections.map((c) => c.remotePeer.toString()));
  const connectedAddrs = new Set(connections.map((c) => c.remoteAddr.toString().split("/p2p/")[0]!));
  return configured.filter((addr) => {
    const id = peerIdInAddr(addr) ?? known.get(addr);
    if (id) return !connected.has(id) && !isDenied(id);
    return !connectedAddrs.has(addr);
  });
}

/** What dialMissing uses of a libp2p node. */
export interface Dialer {
  getConnections(): ConnectionInfo[];
  dial(addr: Multiaddr): Promise<ConnectionInfo>;
}

/** Dials the configured addresses addrsToDial names, remembering the peer each dial reaches. */
export function dialMissing(
  node: Dialer,
  configured: readonly string[],
  known: Map<string, string>,
  isDenied: (peer: string) => boolean,
): void {
  for (const addr of addrsToDial(configured, node.getConnections(), known, isDenied))
    node.dial(multiaddr(addr)).then(
      (c) => rememberPeer(known, configured, c.remotePeer, [addr]),
      () => undefined,
    );
}

/**
 * Peers whose status sync.ts's timer asks each block time. It asked the first 8 peers each tick:
 * at 16 nodes 128 status streams a second in the cluster, each a stream opened, its protocol
 * negotiated and answered; a peer ahead of us is found by gossip first (an unknown parent) and on
 * connect, so the timer is the fallback, and PEERS_PER_TICK in turn reach every peer as well.
 */
export const PEERS_PER_TICK = 4;

/** The peers the timer checks at tick `tick`: PEERS_PER_TICK of them, each in turn. */
export function checkedEachTick<T>(peers: readonly T[], tick: number): T[] {
  if (peers.length <= PEERS_PER_TICK) return [...peers];
  const from = (tick * PEERS_PER_TICK) % peers.length;
  return Array.from({ length: PEERS_PER_TICK }, (_, k) => peers[(from + k) % peers.length]!);
}
