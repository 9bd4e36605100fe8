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
import {
  createPeerScoreParams,
  createTopicScoreParams,
  type TopicScoreParams,
} from "@chainsafe/libp2p-gossipsub/score";
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
  /** With scoredTopics: the topic with steady traffic and the loopback exemption (gossipScoring). */
  scoring?: GossipScoringOptions;
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

/** Addresses of this host: exempt from the colocation penalty with `loopbackExempt` (gossipScoring). */
export const LOOPBACK_IPS: readonly string[] = ["127.0.0.1", "::1"];

/** The topic with steady traffic (blocks) and its interval: mesh deliveries are scored there. */
export interface SteadyTopic {
  topic: string;
  /** One message is expected about every `intervalMs` (the genesis block time). */
  intervalMs: number;
}

/** Options of gossipScoring beyond the scored topics (P2PNodeOptions carries them). */
export interface GossipScoringOptions {
  /** Score first and mesh deliveries on this topic (P2, P3); without it no peer scores above 0. */
  steady?: SteadyTopic;
  /**
   * Peers on 127.0.0.1 and ::1 are this host's own processes (a local cluster): exempt from the IP
   * colocation penalty. Default false: behind a proxy or tunnel on this host every remote peer
   * comes from loopback, and exempting them would let a Sybil fill the mesh from one address.
   */
  loopbackExempt?: boolean;
}

/** The P3 floor on the steady topic: what a silent mesh peer scores, the most any peer loses by P1-P3b. */
export const MESH_DELIVERY_FLOOR = -4;

/**
 * Gossipsub's peer score of a validating node. A score under 0 is pruned from every mesh (not
 * grafted back while under 0), under gossipThreshold (-10) gets no gossip and its IHAVEs are
 * ignored, under publishThreshold (-50) is not published to, and under graylistThreshold (-80) is
 * graylisted: gossipsub drops everything it sends, subscriptions included.
 *
 * - P4, rejected messages on a scored topic: -10 x (invalid deliveries)^2 per topic, halving each
 *   second (3 graylist a peer). P7, gossipsub's behaviour penalty, at its default (broken IWANT
 *   promises, GRAFTs during a backoff).
 * - P3, mesh deliveries, only on the steady topic (blocks, one per block time): a peer in that
 *   mesh for 32 block times (at least 30 s) scores -4 x (1 - deliveries)^2 while its decaying
 *   count of blocks delivered first or during validation (half-life 64 block times, at least
 *   60 s; capped at 3) is under 1. A silent peer scores exactly MESH_DELIVERY_FLOOR (-4) and
 *   loses its mesh slots at the next heartbeat; a validator that delivers only its own blocks
 *   keeps 0 or more in a set of up to 32 validators. P2, first deliveries there: +1 each,
 *   decaying alike, capped at +2 (it ranks peers for opportunistic grafting; a silent peer has
 *   none).
 * - The bound: P1 (time in mesh) and P3b (mesh failure) are 0 and the quiet topics (transactions)
 *   have no P3, so the delivery terms cost a peer at most 4, whatever it does: even with the
 *   smallest colocation penalty (-5) it stays above gossipThreshold (-9 > -10), so an honest but
 *   slow peer can lose its mesh slot (it still gets gossip and our published messages), never
 *   gossip or publishing (test/unit/network/gossipScore.test.ts asserts it from these params).
 *   A pruned peer scores 0 again (P3 counts only in the mesh) and may re-graft after the 60 s
 *   prune backoff: a silent peer holds a slot 32 block times out of every 32 block times + 60 s.
 * - P6, the IP colocation penalty, -5 x (peers on one IP - 10)^2, on every address unless
 *   `loopbackExempt` (`xai-gov start --p2p-loopback-exempt`; local clusters, the harness and
 *   `devnet` pass it): every peer of a local cluster is on 127.0.0.1, and at 16 nodes each node
 *   scored its 15 peers -125 and graylisted them all (no transaction crossed gossip). A node
 *   cannot tell such a cluster from a proxy or tunnel on its host (both listen on loopback and see
 *   loopback peers), so the exemption is the operator's choice and off by default.
 *
 * Gossipsub's defaults broke gossip in a 16-node local cluster: P6 as above, and P3/P3b at 20
 * deliveries per window on every topic (ours are quiet between transactions), which gave a peer
 * pruned from an oversubscribed mesh (more than 12 peers) -400, graylisted for about 2 s.
 */
export function gossipScoring(topics: string[], o: GossipScoringOptions = {}) {
  const quiet = createTopicScoreParams({
    topicWeight: 1,
    timeInMeshWeight: 0,
    firstMessageDeliveriesWeight: 0,
    meshMessageDeliveriesWeight: 0,
    meshFailurePenaltyWeight: 0,
    invalidMessageDeliveriesWeight: -10,
    invalidMessageDeliveriesDecay: 0.5,
  });
  const scored = Object.fromEntries(topics.map((t) => [t, quiet]));
  if (o.steady) scored[o.steady.topic] = steadyTopicScore(quiet, o.steady.intervalMs);
  return {
    scoreParams: createPeerScoreParams({
      topics: scored,
      IPColocationFactorWhitelist: new Set(o.loopbackExempt ? LOOPBACK_IPS : []),
    }),
    scoreThresholds: { gossipThreshold: -10, publishThreshold: -50, graylistThreshold: -80 },
  };
}

/** A quiet topic's params plus P2 and P3 for one message every `intervalMs` (gossipScoring). */
function steadyTopicScore(quiet: TopicScoreParams, intervalMs: number): TopicScoreParams {
  // Decay runs once a second (the peer score's decayInterval): halves the counts each half-life.
  const decay = 0.5 ** (1000 / Math.max(60_000, 64 * intervalMs));
  return {
    ...quiet,
    firstMessageDeliveriesWeight: 1,
    firstMessageDeliveriesDecay: decay,
    firstMessageDeliveriesCap: 2,
    meshMessageDeliveriesWeight: MESH_DELIVERY_FLOOR,
    meshMessageDeliveriesThreshold: 1,
    meshMessageDeliveriesCap: 3,
    meshMessageDeliveriesDecay: decay,
    meshMessageDeliveriesActivation: Math.max(30_000, 32 * intervalMs),
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
        ...(o.scoredTopics ? gossipScoring(o.scoredTopics, o.scoring) : {}),
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
