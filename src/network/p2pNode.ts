/**
 * The one libp2p node factory. TCP, noise, yamux, identify and the ChainSafe gossipsub, with the
 * settings every peer of a chain shares: content-addressed message ids (the same bytes from two
 * peers are one message), the gossip size cap (MAX_GOSSIP_BYTES), publishing with no peer yet, no
 * echo of its own messages, and a connection monitor that does not drop a peer for a late ping.
 *
 * The network node (network.ts), the harness's rogue peer (harness/rogue.ts) and the e2e tests all
 * start their libp2p nodes here, so a rogue speaks exactly the gossip of an honest node. What they
 * differ in is an option: the identity, the listen addresses, a connection gater, asynchronous
 * validation and topic scoring (which only a validating node needs). Left out, an option gives a
 * plain peer on an ephemeral 127.0.0.1 port.
 */
import { type GossipSub, type GossipsubEvents, gossipsub } from "@chainsafe/libp2p-gossipsub";
import { createPeerScoreParams, createTopicScoreParams } from "@chainsafe/libp2p-gossipsub/score";
import { noise } from "@chainsafe/libp2p-noise";
import { yamux } from "@chainsafe/libp2p-yamux";
import { type Identify, identify } from "@libp2p/identify";
import type { Libp2p, PeerId, PrivateKey, PubSub } from "@libp2p/interface";
import { tcp } from "@libp2p/tcp";
import type { Multiaddr } from "@multiformats/multiaddr";
import { createLibp2p } from "libp2p";
import { sha256 } from "../crypto/hash.js";
import { MAX_GOSSIP_BYTES } from "./topics.js";

/** A libp2p node with identify and gossipsub, as createP2PNode starts it. */
export type P2PNode = Libp2p<{ identify: Identify; pubsub: PubSub<GossipsubEvents> }>;

/** Options of createP2PNode. Each one left out gives the plain peer (as the harness's rogue). */
export interface P2PNodeOptions {
  /** The libp2p identity; without one libp2p generates a new Ed25519 key. */
  privateKey?: PrivateKey;
  /** Multiaddrs to listen on; default one ephemeral port on 127.0.0.1 (DEFAULT_P2P_LISTEN). */
  listen?: string[];
  /**
   * Peers this node refuses: it does not dial them, and it closes their connections (inbound and
   * outbound) right after the encryption handshake, once their peer id is known.
   */
  isDenied?: (peer: PeerId) => boolean;
  /**
   * Hold every received message until its owner reports a verdict with
   * `reportMessageValidationResult` (listen to `gossipsub:message`). Default false.
   */
  asyncValidation?: boolean;
  /**
   * Topics whose rejected messages lower the sender's gossipsub score, with the score thresholds of
   * a node. Without it no peer is scored.
   */
  scoredTopics?: string[];
  /**
   * Peers this node is configured with (they may all dial it at once): libp2p's inbound limits
   * (5 new connections a second per host, 10 in their handshake) are raised to this number.
   */
  expectedPeers?: number;
  /**
   * Announce the listen addresses to peers (identify) — default true. False announces none, so a
   * peer can reach this node only at an address it was given (the chaos harness on loopback, where
   * every link must cross a proxy).
   */
  announce?: boolean;
}

/** Listen addresses when none are given: one ephemeral port on the loopback interface. */
export const DEFAULT_P2P_LISTEN: readonly string[] = ["/ip4/127.0.0.1/tcp/0"];

/** Addresses of this host: a peer from one of them runs beside this node (a local cluster). */
export const LOOPBACK_IPS: readonly string[] = ["127.0.0.1", "::1"];

/**
 * Gossipsub's peer score of a validating node: rejected messages on a scored topic, -10 x
 * (invalid deliveries)^2 per topic, halving each second, and gossipsub's own behaviour penalty at
 * its default (broken IWANT promises, GRAFTs during a backoff). A score under -80 is graylisted:
 * gossipsub drops everything the peer sends, subscriptions included.
 *
 * Known gap (review of 2026-12-02): with P1 to P3b at 0 no peer scores above 0, so a silent peer
 * that grafts into a mesh is never pruned for delivering nothing (blocks still come by sync); and
 * a node behind a local proxy or tunnel sees every remote peer as loopback, exempt from P6. The
 * fix planned: a small first-delivery weight with P3 activated late, and the loopback exemption
 * only when the node listens on loopback alone.
 *
 * Gossipsub's defaults weigh more, and each of those broke gossip in a 16-node local cluster:
 * - P6, the IP colocation penalty, -5 x (peers on one IP - 10)^2: every peer of a local cluster is
 *   on 127.0.0.1, so at 16 nodes each node scored its 15 peers -125, graylisted them all, and no
 *   transaction crossed gossip (blocks still came by sync). Loopback is exempt: a peer on this
 *   host is the operator's own process. Peers of other addresses keep the penalty (many peer ids
 *   from one remote address is how a Sybil fills a node's mesh).
 * - P1 to P3b (time in mesh, first and mesh deliveries, mesh failure): tuned for topics with a
 *   steady message rate. Ours are quiet between transactions, so a mesh peer always falls short of
 *   the 20 deliveries per decaying window, and one pruned from an oversubscribed mesh (more than
 *   12 peers) took -400, graylisted for about 2 s. Their weights are 0.
 */
export function gossipScoring(topics: string[]) {
  const topicScore = createTopicScoreParams({
    topicWeight: 1,
    timeInMeshWeight: 0,
    firstMessageDeliveriesWeight: 0,
    meshMessageDeliveriesWeight: 0,
    meshFailurePenaltyWeight: 0,
    invalidMessageDeliveriesWeight: -10,
    invalidMessageDeliveriesDecay: 0.5,
  });
  return {
    scoreParams: createPeerScoreParams({
      topics: Object.fromEntries(topics.map((t) => [t, topicScore])),
      IPColocationFactorWhitelist: new Set(LOOPBACK_IPS),
    }),
    scoreThresholds: { gossipThreshold: -10, publishThreshold: -50, graylistThreshold: -80 },
  };
}

/** Creates and starts a libp2p node with the project's transports and gossipsub settings. */
export async function createP2PNode(o: P2PNodeOptions = {}): Promise<P2PNode> {
  const denied = o.isDenied;
  // Not announced, the bound addresses are still this node's own to know (listenAddrsOf).
  const bound: { addrs: Multiaddr[] } = { addrs: [] };
  const node = await createLibp2p({
    ...(o.privateKey ? { privateKey: o.privateKey } : {}),
    addresses: {
      listen: [...(o.listen ?? DEFAULT_P2P_LISTEN)],
      ...(o.announce === false
        ? {
            announceFilter: (addrs: Multiaddr[]) => {
              bound.addrs = addrs;
              return [];
            },
          }
        : {}),
    },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // Under load a late ping would drop a healthy peer and gossip would lose messages silently.
    connectionMonitor: { abortConnectionOnPingFailure: false },
    // A local cluster's peers share one host (127.0.0.1): at 16 nodes, 15 dial each node at once,
    // and the per-host default refused 10 of them a second, to be redialled 2 s later.
    connectionManager: {
      inboundConnectionThreshold: Math.max(5, o.expectedPeers ?? 0),
      maxIncomingPendingConnections: Math.max(10, o.expectedPeers ?? 0),
    },
    ...(denied
      ? {
          connectionGater: {
            denyDialPeer: async (id: PeerId) => denied(id),
            denyInboundEncryptedConnection: async (id: PeerId) => denied(id),
            denyOutboundEncryptedConnection: async (id: PeerId) => denied(id),
          },
        }
      : {}),
    services: {
      identify: identify(),
      pubsub: gossipsub({
        asyncValidation: o.asyncValidation ?? false,
        allowPublishToZeroTopicPeers: true,
        emitSelf: false,
        maxInboundDataLength: MAX_GOSSIP_BYTES,
        // Content-addressed ids: the same transaction from two peers is one message.
        msgIdFn: (msg) => sha256(msg.data),
        ...(o.scoredTopics ? gossipScoring(o.scoredTopics) : {}),
      }),
    },
  });
  unannounced.set(node, bound);
  return node;
}

const unannounced = new WeakMap<P2PNode, { addrs: Multiaddr[] }>();

/**
 * The addresses `node` listens on, with its peer id: the announced ones, or, for a node that
 * announces none (`announce: false`), the bound ones its announce filter was given.
 */
export function listenAddrsOf(node: P2PNode): string[] {
  const announced = node.getMultiaddrs().map((a) => a.toString());
  if (announced.length > 0) return announced;
  const id = node.peerId.toString();
  return (unannounced.get(node)?.addrs ?? []).map((a) => `${a.toString()}/p2p/${id}`);
}

/** The node's gossipsub service (its factory is typed as the generic PubSub; it is a GossipSub). */
export function gossipsubOf(node: P2PNode): GossipSub {
  return node.services.pubsub as unknown as GossipSub;
}
