/**
 * The node's P2P network: gossip of transactions and blocks, block sync and peer penalties, on the
 * libp2p node that createP2PNode (p2pNode.ts) starts.
 *
 * It trusts no peer. Every gossiped message is held (asynchronous validation) until it has gone
 * through the same code as the HTTP API and block import (`chain.submitTx`, `chain.importBlock`,
 * called by gossipValidation.ts), which decides accept, ignore or reject. The verdict goes back to
 * gossipsub, is counted by topic, result and code, and a rejection counts against the peer that
 * relayed the message: its gossipsub score drops on the two scored topics, and PeerPenalties
 * disconnects it past `maxInvalid` and has the connection gater refuse it while it is banned.
 *
 * Bounds: gossipsub refuses a frame over MAX_GOSSIP_BYTES; an unknown topic and a transaction over
 * HARD_MAX_TX_BYTES are rejected before decoding; at most `maxPendingValidations` (2,048)
 * transactions and MAX_PENDING_BLOCKS (16) blocks wait for validation at once, and more are
 * ignored; a peer whose transactions were ignored past its budget (IgnoreBudget) has its
 * transactions dropped unvalidated for a while, and is penalised once each time it spends the
 * budget. Transactions this node admitted go out in batches (txBatch.ts). Gossip is best effort: a
 * block with an unknown parent starts a sync with its sender (sync.ts), the configured peers not
 * connected are redialled every 2 s (peerPlan.ts), and the admin allow list (a partition) is
 * enforced by the same gater as the bans. `listen` opens the port, `run` starts the rest (the node
 * opens every listener before anything runs, node.ts).
 */
import type { GossipSub } from "@chainsafe/libp2p-gossipsub";
import type { PeerId } from "@libp2p/interface";
import { peerIdFromString } from "@libp2p/peer-id";
import { HARD_MAX_TX_BYTES } from "../chain/chain.js";
import type { Bound } from "../chain/types.js";
import { TxErrorCode } from "../types/errors.js";
import { NetworkOutcome, type PeerFaultCode } from "./errors.js";
import { followUpOf, type GossipResult, validateGossipBlock, validateGossipTx } from "./gossipValidation.js";
import { MAX_PENDING_BLOCKS, type NetworkOptions, VERDICTS } from "./options.js";
import { createP2PNode, gossipsubOf, listenAddrsOf, type P2PNode } from "./p2pNode.js";
import { IgnoreBudget, PeerPenalties } from "./peerPenalties.js";
import { dialMissing, rememberPeer } from "./peerPlan.js";
import { BlockSync } from "./sync.js";
import { blockTopic, txBatchTopic, txTopic } from "./topics.js";
import { batchFollowUp, MAX_BATCH_GOSSIP_TXS, TxBatcher, validateGossipTxBatch } from "./txBatch.js";

export type { NetworkOptions } from "./options.js";

/**
 * libp2p networking: gossip of transactions and blocks with validation at the edge (the same rules
 * as the mempool and block import), block sync, peer penalties, and the admin partition control.
 */
export class P2PNetwork {
  readonly penalties: PeerPenalties;
  readonly ignoreBudget: IgnoreBudget;
  readonly sync: BlockSync;
  private allow: Set<string> | null = null;
  private pending = 0;
  private pendingBlocks = 0;
  private redial: NodeJS.Timeout | undefined;
  private readonly txTopic: string;
  private readonly batchTopic: string;
  private readonly blockTopic: string;
  private readonly batcher: TxBatcher;
  private readonly maxPending: number;
  /** The peer behind each address, from our dials and the peers' identify (peerPlan.ts). */
  readonly known = new Map<string, string>();

  private constructor(
    readonly node: P2PNode,
    private readonly o: NetworkOptions,
    penalties: PeerPenalties,
  ) {
    this.penalties = penalties;
    this.maxPending = o.maxPendingValidations ?? 2048;
    this.ignoreBudget = new IgnoreBudget(o.ignoreBudget);
    this.txTopic = txTopic(o.chain.genesis.chainId);
    this.batchTopic = txBatchTopic(o.chain.genesis.chainId);
    this.blockTopic = blockTopic(o.chain.genesis.chainId);
    this.batcher = new TxBatcher((b) => void this.publish(this.batchTopic, b), o.batchWindowMs ?? 2);
    this.sync = new BlockSync(node, o.chain, o.log, (peer, why) => this.penalise(peer, why));
  }

  /** The libp2p node listening on `o.listen` (or throws); nothing is served or dialed until `run`. */
  static async listen(o: NetworkOptions): Promise<P2PNetwork> {
    const penalties = new PeerPenalties({ maxInvalid: 10, banMs: 10 * 60_000, ...o.penalties });
    const ref: { net?: P2PNetwork } = {};
    const node = await createP2PNode({
      privateKey: o.privateKey,
      listen: o.listen,
      isDenied: (id: PeerId) => ref.net?.isDenied(id.toString()) ?? false,
      asyncValidation: true,
      scoredTopics: [txTopic, txBatchTopic, blockTopic].map((topic) => topic(o.chain.genesis.chainId)),
      // Blocks come every slot: a mesh peer that delivers none loses its slot (gossipScoring).
      scoring: {
        steady: { topic: blockTopic(o.chain.genesis.chainId), intervalMs: o.chain.genesis.blockTimeMs },
        loopbackExempt: o.loopbackExempt === true,
      },
      expectedPeers: o.peers.length,
      announce: o.announce,
    });
    ref.net = new P2PNetwork(node, o, penalties);
    return ref.net;
  }

  /** Subscribes, serves sync, syncs with the peers already connected and dials the configured ones. */
  async run(): Promise<void> {
    const { node, o } = this;
    this.gossip.addEventListener("gossipsub:message", ({ detail: d }) => {
      void this.onGossip(d.propagationSource.toString(), d.msgId, d.msg.topic, d.msg.data);
    });
    node.addEventListener("peer:connect", (evt) => {
      o.metrics.peers.set(node.getPeers().length);
      void this.sync.onPeer(evt.detail);
    });
    node.addEventListener("peer:disconnect", () => o.metrics.peers.set(node.getPeers().length));
    node.addEventListener("peer:identify", ({ detail: d }) =>
      rememberPeer(this.known, o.peers, d.peerId, d.listenAddrs),
    );
    await this.sync.serve();
    for (const t of [this.txTopic, this.batchTopic, this.blockTopic]) this.gossip.subscribe(t);
    this.sync.start(Math.max(1000, o.chain.genesis.blockTimeMs));
    for (const p of node.getPeers()) void this.sync.onPeer(p);
    this.dialPeers();
    this.redial = setInterval(() => this.dialPeers(), 2000);
  }

  private get gossip(): GossipSub {
    return gossipsubOf(this.node);
  }

  /** This node's peer id. */
  get peerId(): string {
    return this.node.peerId.toString();
  }

  /** Addresses this node listens on (with /p2p/<id>). */
  listenAddrs(): string[] {
    return listenAddrsOf(this.node);
  }

  /** Connected peers. */
  peers(): string[] {
    return this.node.getPeers().map((p) => p.toString());
  }

  /** True while the node is catching up with a peer. */
  get syncing(): boolean {
    return this.sync.syncing;
  }

  private isDenied(peer: string): boolean {
    return this.penalties.isBanned(peer) || (this.allow !== null && !this.allow.has(peer));
  }

  // Dials every configured peer that is not connected (and not denied); see peerPlan.ts.
  private dialPeers(): void {
    dialMissing(this.node, this.o.peers, this.known, (id) => this.isDenied(id));
  }

  private async onGossip(peer: string, msgId: string, topic: string, data: Uint8Array): Promise<void> {
    if (topic === this.batchTopic) return this.onBatch(peer, msgId, data);
    const kind = topic === this.txTopic ? "tx" : topic === this.blockTopic ? "block" : "unknown";
    let r: GossipResult;
    // Separate bounds per topic: many small transactions may wait, few (large) blocks.
    const limit = kind === "block" ? MAX_PENDING_BLOCKS : this.maxPending;
    const pending = kind === "block" ? this.pendingBlocks : this.pending;
    if (kind === "unknown") r = { verdict: "reject", code: NetworkOutcome.UNKNOWN_TOPIC };
    else if (kind === "tx" && data.length > HARD_MAX_TX_BYTES)
      r = { verdict: "reject", code: TxErrorCode.TOO_LARGE };
    else if (pending >= limit) r = { verdict: "ignore", code: NetworkOutcome.VALIDATION_QUEUE_FULL };
    else if (kind === "tx" && this.ignoreBudget.isSpent(peer))
      r = { verdict: "ignore", code: NetworkOutcome.RATE_LIMITED };
    else {
      if (kind === "block") this.pendingBlocks++;
      else this.pending++;
      try {
        r =
          kind === "tx"
            ? await validateGossipTx(this.o.chain, data)
            : await validateGossipBlock(this.o.chain, data);
      } finally {
        if (kind === "block") this.pendingBlocks--;
        else this.pending--;
      }
    }
    this.gossip.reportMessageValidationResult(msgId, peer, VERDICTS[r.verdict]);
    this.o.metrics.gossipResults.inc({ topic: kind, result: r.verdict, code: r.code });
    if (kind === "unknown") {
      await this.penalise(peer, r.code);
      return;
    }
    const next = followUpOf(kind, r);
    if (next.penalise) await this.penalise(peer, r.code);
    if (next.spendBudget && this.ignoreBudget.spend(peer))
      await this.penalise(peer, NetworkOutcome.IGNORE_FLOOD);
    if (next.sync) void this.sync.syncWith(peerIdFromString(peer));
  }

  // A batch of transactions (txBatch.ts): each validated on its own, one verdict for the message.
  // It holds places in the validation bound by its size (a transaction is over 100 bytes).
  private async onBatch(peer: string, msgId: string, data: Uint8Array): Promise<void> {
    const held = Math.min(MAX_BATCH_GOSSIP_TXS, Math.ceil(data.length / 100));
    let r: GossipResult = { verdict: "ignore", code: NetworkOutcome.VALIDATION_QUEUE_FULL };
    let next = { penalise: false, spend: 0 };
    if (this.ignoreBudget.isSpent(peer)) r = { verdict: "ignore", code: NetworkOutcome.RATE_LIMITED };
    else if (this.pending + held <= this.maxPending) {
      this.pending += held;
      try {
        const b = await validateGossipTxBatch(this.o.chain, data);
        ({ result: r } = b);
        next = batchFollowUp(b);
        // Gossipsub relays an accepted message; what was admitted from any other goes in ours.
        if (r.verdict !== "accept") for (const tx of b.admitted) this.batcher.add(tx);
      } finally {
        this.pending -= held;
      }
    }
    this.gossip.reportMessageValidationResult(msgId, peer, VERDICTS[r.verdict]);
    this.o.metrics.gossipResults.inc({ topic: "batch", result: r.verdict, code: r.code });
    if (next.penalise) await this.penalise(peer, r.code);
    for (let i = 0; i < next.spend; i++)
      if (this.ignoreBudget.spend(peer)) await this.penalise(peer, NetworkOutcome.IGNORE_FLOOD);
  }

  /** Counts an invalid message against a peer; bans and disconnects it past the limit. */
  async penalise(peer: string, why: PeerFaultCode): Promise<void> {
    this.o.log.warn({ peer, why, count: this.penalties.invalidCount(peer) + 1 }, "invalid message from peer");
    if (!this.penalties.recordInvalid(peer)) return;
    this.o.log.warn({ peer }, "peer banned");
    await this.node.hangUp(peerIdFromString(peer)).catch(() => undefined);
  }

  /** Gossips a transaction this node accepted (from its API): in the next batch message. */
  publishTx(bytes: Uint8Array): void {
    this.batcher.add(bytes);
  }

  /** Gossips a block this node produced. */
  async publishBlock(bytes: Uint8Array): Promise<void> {
    await this.publish(this.blockTopic, bytes);
  }

  private async publish(topic: string, bytes: Uint8Array): Promise<void> {
    try {
      await this.gossip.publish(topic, bytes);
    } catch (err) {
      // "Duplicate" when the same bytes were already seen; gossip is best effort (sync repairs).
      this.o.log.debug({ err: (err as Error).message, topic }, "publish failed");
    }
  }

  /**
   * Admin control (loopback only): with a list, keep links only to those peer ids (a partition);
   * with null, allow every peer again and redial (heal).
   */
  async setAllowedPeers(allow: string[] | null): Promise<void> {
    this.allow = allow === null ? null : new Set(allow);
    if (allow === null) return this.dialPeers();
    for (const c of this.node.getConnections())
      if (!this.allow!.has(c.remotePeer.toString())) await c.close().catch(() => undefined);
  }

  /** Peers and penalties, for the admin API. */
  info() {
    return {
      peer_id: this.peerId,
      listen: this.listenAddrs(),
      peers: this.peers(),
      allowed: this.allow === null ? null : [...this.allow],
      banned: this.penalties.banned(),
      syncing: this.syncing,
    };
  }

  /** Every bounded queue and table of the network with its cap (the node's bounds metrics). */
  bounds(): Bound[] {
    return [
      { name: "gossip_tx_validations", size: this.pending, capacity: this.maxPending },
      { name: "gossip_block_validations", size: this.pendingBlocks, capacity: MAX_PENDING_BLOCKS },
      { name: "known_peer_addrs", size: this.known.size, capacity: this.o.peers.length },
      this.batcher.bound(),
      this.ignoreBudget.bound(),
      ...this.penalties.bounds(),
    ];
  }

  /** Stops dialing, sync and libp2p. */
  async stop(): Promise<void> {
    if (this.redial) clearInterval(this.redial);
    this.sync.stop();
    this.batcher.stop();
    await this.node.stop();
  }
}
