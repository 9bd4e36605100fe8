/**
 * A rogue peer: an in-process libp2p node from the same factory as a real node (createP2PNode in
 * src/network/p2pNode.ts: the same transports and gossipsub settings), which joins the gossip
 * topics and publishes whatever bytes the harness gives it — invalid governance transactions and
 * invalid blocks.
 */
import type { GossipSub } from "@chainsafe/libp2p-gossipsub";
import { multiaddr } from "@multiformats/multiaddr";
import { createP2PNode, gossipsubOf, type P2PNode } from "../src/network/p2pNode.js";
import { blockTopic, txTopic } from "../src/network/topics.js";
import { waitFor } from "./cluster.js";

/** The rogue peer. */
export class RoguePeer {
  private constructor(
    private readonly node: P2PNode,
    private readonly chainId: string,
  ) {}

  /** Starts a libp2p node on an ephemeral 127.0.0.1 port, subscribed to the chain's topics. */
  static async start(chainId: string): Promise<RoguePeer> {
    // A fresh identity (libp2p generates it) on an ephemeral 127.0.0.1 port; no gater. Its peers
    // are the cluster's nodes, all on 127.0.0.1: without the loopback exemption gossipsub's default
    // colocation penalty scored 16 of them -180 each, graylisted, so the rogue dropped their
    // subscriptions and never saw a 16-node cluster subscribed (the scoring is otherwise gossipsub's
    // default: no topic is scored, so the rogue judges nothing it receives).
    const node = await createP2PNode({ scoredTopics: [], scoring: { loopbackExempt: true } });
    const r = new RoguePeer(node, chainId);
    r.gossip.subscribe(txTopic(chainId));
    r.gossip.subscribe(blockTopic(chainId));
    return r;
  }

  private get gossip(): GossipSub {
    return gossipsubOf(this.node);
  }

  /** The rogue's peer id. */
  get peerId(): string {
    return this.node.peerId.toString();
  }

  /** Peer ids the rogue is connected to. */
  peers(): string[] {
    return this.node.getPeers().map((p) => p.toString());
  }

  /** Dials every address (multiaddrs with /p2p/<id>); failures are returned, not thrown. */
  async connect(addrs: string[]): Promise<Array<{ addr: string; ok: boolean; error?: string }>> {
    return Promise.all(
      addrs.map(async (addr) => {
        try {
          await this.node.dial(multiaddr(addr), { signal: AbortSignal.timeout(5_000) });
          return { addr, ok: true };
        } catch (err) {
          return { addr, ok: false, error: (err as Error).message };
        }
      }),
    );
  }

  /** Waits until every peer id in `ids` is known to be subscribed to both topics. */
  async waitSubscribed(ids: string[], timeoutMs = 20_000): Promise<void> {
    await waitFor(
      "honest nodes subscribed, as seen by the rogue",
      async () =>
        [txTopic(this.chainId), blockTopic(this.chainId)].every((t) => {
          const subs = new Set(this.gossip.getSubscribers(t).map((p) => p.toString()));
          return ids.every((id) => subs.has(id));
        }),
      { timeoutMs, intervalMs: 200 },
    );
  }

  /** Publishes bytes on the transaction topic; returns how many peers it went to. */
  async publishTx(bytes: Uint8Array): Promise<number> {
    return (await this.gossip.publish(txTopic(this.chainId), bytes)).recipients.length;
  }

  /** Publishes bytes on the block topic; returns how many peers it went to. */
  async publishBlock(bytes: Uint8Array): Promise<number> {
    return (await this.gossip.publish(blockTopic(this.chainId), bytes)).recipients.length;
  }

  /** The rogue's gossipsub score of a peer (0 for an honest local node: see `start`). */
  score(peerId: string): number {
    return this.gossip.getScore(peerId);
  }

  /** Stops the node. */
  async stop(): Promise<void> {
    await this.node.stop();
  }
}
