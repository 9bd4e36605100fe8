/**
 * Block sync: a request/response protocol (`/xai/<chain_id>/sync/1`, length-prefixed protobuf
 * frames, syncCodec.ts) with two requests, this node's status (genesis hash, head, finalized height)
 * and canonical blocks by height range. BlockSync serves it, and catches this node up with a peer
 * whose tip fork choice prefers: on connect, when a gossiped block has an unknown parent, and on a
 * timer (4 peers each block time, in turn). When our chains diverge it steps back from our height,
 * doubling, to a common block (never below the final height), so a partition heals by the ordinary
 * reorg path.
 *
 * It trusts no answer. A peer's status only decides whether to ask; every block it serves goes
 * through the same `chain.importBlock` as gossip, and "syncing" (which pauses this node's block
 * production) rests on verified progress only (SPEC §3; review U2): a served block was imported
 * onto our chain and our head, after it, is still older than the previous slot by the wall clock
 * (`provesBehind`). A peer's claimed head height never enters it, so a peer that claims a far
 * tip and serves one fresh block cannot pause production. A peer with another
 * genesis is penalised and dropped; one that serves an invalid block, or claims a better tip and
 * serves none of it, is penalised (PeerPenalties, via network.ts). Bounds: a request frame of
 * 1 KiB and 32 inbound streams when serving; 10 s per request; at most MAX_BLOCKS_PER_REQUEST
 * blocks per answer, each frame at most MAX_GOSSIP_BYTES and 64 MiB in all; one sync per peer at
 * a time. Pipelined (issue 10, rangeFetch.ts): blocks are imported as they arrive, the next range
 * is requested once a range has arrived whole and arrives while it is imported (two answers held).
 */
import type { Libp2p, PeerId, Stream } from "@libp2p/interface";
import { lpStream } from "it-length-prefixed-stream";
import type { Chain } from "../chain/chain.js";
import { ChainErrorCode, OWN_FAILURES } from "../chain/errors.js";
import { isPreferred } from "../chain/forkChoice.js";
import { slotAt } from "../chain/slots.js";
import { bytesEqual } from "../crypto/bytes.js";
import { type ErrorCode, isXaiError, xaiError } from "../errors.js";
import { GovErrorCode } from "../governance/errors.js";
import type { Logger } from "../logger.js";
import { BlockErrorCode } from "../types/errors.js";
import { NetworkOutcome, type PeerFaultCode, SyncErrorCode } from "./errors.js";
import { checkedEachTick } from "./peerPlan.js";
import { RangeFetch } from "./rangeFetch.js";
import {
  decodeSyncRequest,
  decodeSyncStatus,
  encodeSyncRequest,
  encodeSyncStatus,
  MAX_BLOCKS_PER_REQUEST,
  type SyncStatusMsg,
} from "./syncCodec.js";
import { MAX_GOSSIP_BYTES, syncProtocol } from "./topics.js";

/**
 * Whether verified progress shows this node behind: after a synced block was imported onto our
 * chain, our head (`headSlot`) is older than the slot before the current one (`nowSlot`), so the
 * chain the block came from has blocks we do not. Depends on no claim of the peer.
 */
export function provesBehind(headSlot: number, nowSlot: number): boolean {
  return headSlot + 1 < nowSlot;
}

/** Import refusals that end a sync round without blaming the peer (our view, not its fault). */
const STOP_WITHOUT_PENALTY: ReadonlySet<ErrorCode> = new Set([
  BlockErrorCode.REVERTS_FINALIZED,
  BlockErrorCode.FUTURE_SLOT,
  ChainErrorCode.NODE_BUSY,
  GovErrorCode.UPGRADE_NEEDED, // this release cannot apply it (SPEC v2 §4.7): we halt
  ...OWN_FAILURES,
]);

const REQUEST_TIMEOUT_MS = 10_000;
/** Most bytes read from one sync answer (blocks are imported as they arrive). */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** Block sync (see above): serves peers and catches this node up with them. */
export class BlockSync {
  private timer: NodeJS.Timeout | undefined;
  private readonly active = new Set<string>();
  private behind = false;

  constructor(
    private readonly node: Libp2p,
    private readonly chain: Chain,
    private readonly log: Logger,
    private readonly penalise: (peer: string, why: PeerFaultCode) => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * True while catching up with a peer whose blocks proved us behind, and our head is still old
   * (blocks that arrived since, by gossip or sync, may have caught us up).
   */
  get syncing(): boolean {
    return this.behind && provesBehind(this.chain.head.slot, this.nowSlot());
  }

  private nowSlot(): number {
    return slotAt(this.chain.genesis, this.now());
  }

  private get protocol(): string {
    return syncProtocol(this.chain.genesis.chainId);
  }

  /** This node's status. */
  status(): SyncStatusMsg {
    const h = this.chain.head;
    return {
      genesisHash: this.chain.genesis.hash,
      headHeight: h.height,
      headHash: h.hash,
      headSlot: h.slot,
      finalizedHeight: this.chain.finalizedHeight,
    };
  }

  /** Registers the protocol handler. */
  async serve(): Promise<void> {
    await this.node.handle(this.protocol, ({ stream }) => void this.answer(stream), {
      maxInboundStreams: 32,
    });
  }

  private async answer(stream: Stream): Promise<void> {
    const lp = lpStream(stream, { maxDataLength: 1024 });
    try {
      const req = decodeSyncRequest(
        (await lp.read({ signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })).subarray(),
      );
      const out = lpStream(stream, { maxDataLength: MAX_GOSSIP_BYTES });
      if (req.type === "status") await out.write(encodeSyncStatus(this.status()));
      else {
        const count = Math.min(req.count, MAX_BLOCKS_PER_REQUEST);
        for (let h = req.startHeight; h < req.startHeight + count; h++) {
          const block = await this.chain.blockAt(h);
          if (!block) break;
          await out.write(block.bytes);
        }
      }
      await stream.close();
    } catch (err) {
      stream.abort(err as Error);
    }
  }

  /**
   * Sends a request and hands each answer frame to `onFrame` as it is read (so blocks are imported
   * while the rest arrive, and never all held at once); `onFrame` returns false to stop. At most
   * `max` frames and MAX_RESPONSE_BYTES in all are read.
   */
  private async request(
    peer: PeerId,
    req: Parameters<typeof encodeSyncRequest>[0],
    max: number,
    onFrame: (frame: Uint8Array) => Promise<boolean>,
  ): Promise<number> {
    const signal = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    const stream = await this.node.dialProtocol(peer, this.protocol, { signal });
    const lp = lpStream(stream, { maxDataLength: MAX_GOSSIP_BYTES });
    await lp.write(encodeSyncRequest(req), { signal });
    let frames = 0;
    let bytes = 0;
    try {
      while (frames < max && bytes < MAX_RESPONSE_BYTES) {
        const frame = (await lp.read({ signal })).subarray();
        frames++;
        bytes += frame.length;
        if (!(await onFrame(frame))) break;
      }
    } catch (err) {
      // The server closes the stream after its last frame.
      if ((err as Error).name !== "UnexpectedEOFError") throw err;
    } finally {
      await stream.close().catch(() => undefined);
    }
    return frames;
  }

  /** Asks a peer for its status. */
  async peerStatus(peer: PeerId): Promise<SyncStatusMsg> {
    let status: SyncStatusMsg | undefined;
    await this.request(peer, { type: "status" }, 1, async (frame) => {
      status = decodeSyncStatus(frame);
      return false;
    });
    if (!status) throw xaiError(SyncErrorCode.NO_STATUS, "no status");
    return status;
  }

  /** On a new connection: exchange status and catch up if the peer is ahead. */
  async onPeer(peer: PeerId): Promise<void> {
    await this.syncWith(peer);
  }

  /** Starts the periodic check of the peers' status: a few each tick, in turn (peerPlan.ts). */
  start(intervalMs: number): void {
    let tick = 0;
    this.timer = setInterval(() => {
      for (const p of checkedEachTick(this.node.getPeers(), tick++)) void this.syncWith(p);
    }, intervalMs);
  }

  /** Stops the periodic check. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Catches up with `peer` if fork choice prefers its tip; one sync per peer at a time. */
  async syncWith(peer: PeerId): Promise<void> {
    const id = peer.toString();
    if (this.active.has(id)) return;
    this.active.add(id);
    try {
      const status = await this.peerStatus(peer);
      if (!bytesEqual(status.genesisHash, this.chain.genesis.hash)) {
        await this.penalise(id, NetworkOutcome.SYNC_WRONG_GENESIS);
        await this.node.hangUp(peer).catch(() => undefined);
        return;
      }
      const tip = { height: status.headHeight, slot: status.headSlot, hash: status.headHash };
      if (!isPreferred(tip, this.chain.head)) return;
      await this.catchUp(peer, status);
    } catch (err) {
      this.log.debug({ peer: id, err: (err as Error).message }, "sync with peer failed");
    } finally {
      this.active.delete(id);
      if (this.active.size === 0) this.behind = false;
    }
  }

  /** Imports one range in order as it arrives (see catchUp); what the round does next. */
  private async importRange(
    peer: PeerId,
    range: RangeFetch,
    prefetch: () => void,
  ): Promise<"more" | "missing_parent" | "stop"> {
    for await (const bytes of range.frames()) {
      if (range.done) prefetch();
      try {
        const { status: imported } = await this.chain.importBlock(bytes);
        // "Behind" (which pauses this node's block production) only on proof: the peer's
        // block extended our chain and our head is still old. Its status claim is not proof.
        if (imported !== "side") this.behind = provesBehind(this.chain.head.slot, this.nowSlot());
      } catch (err) {
        if (!isXaiError(err)) throw err;
        if (err.code === BlockErrorCode.KNOWN) continue;
        // A proposer this node cannot judge before it has the parent: fetch further back too.
        if (err.code === BlockErrorCode.UNKNOWN_PARENT || err.code === BlockErrorCode.UNKNOWN_PROPOSER)
          return "missing_parent";
        if (!STOP_WITHOUT_PENALTY.has(err.code)) await this.penalise(peer.toString(), err.code);
        return "stop";
      }
    }
    return "more";
  }

  // Pipelined: blocks are imported as they arrive, and the next range is asked for as soon as one
  // has arrived whole, so it arrives while that one is imported (at most two answers held). A
  // range that no longer follows on (the round stopped or stepped back) is dropped unused.
  private async catchUp(peer: PeerId, status: SyncStatusMsg): Promise<void> {
    let start = this.chain.head.height + 1;
    let back = 1;
    // A tip at our height that fork choice prefers: its branch starts at or below our head.
    if (start > status.headHeight) start = Math.max(1, status.headHeight);
    const fetch = (from: number) => {
      const count = Math.min(MAX_BLOCKS_PER_REQUEST, status.headHeight - from + 1);
      return new RangeFetch((onFrame) =>
        this.request(peer, { type: "blocks", startHeight: from, count }, count, onFrame),
      );
    };
    let next: RangeFetch | undefined;
    while (start <= status.headHeight) {
      const range = next ?? fetch(start);
      next = undefined;
      const from = start;
      const prefetch = () => {
        if (!next && range.count > 0 && from + range.count <= status.headHeight)
          next = fetch(from + range.count);
      };
      const outcome = await this.importRange(peer, range, prefetch).finally(() => {
        // Whatever the outcome, this range is done with; a prefetch the round will not use goes too.
        range.close();
      });
      if (outcome !== "more") (next as RangeFetch | undefined)?.close();
      if (range.count === 0) {
        // It claimed a tip fork choice prefers and serves nothing of it.
        await this.penalise(peer.toString(), NetworkOutcome.SYNC_NO_BLOCKS);
        return;
      }
      if (outcome === "stop") return;
      if (outcome === "missing_parent") {
        next = undefined;
        // Our chain and the peer's diverge below `start`: step back, doubling, to a common block.
        if (start <= this.chain.finalizedHeight + 1) return;
        start = Math.max(this.chain.finalizedHeight + 1, start - back);
        back *= 2;
        continue;
      }
      prefetch();
      start += range.count;
    }
  }
}
