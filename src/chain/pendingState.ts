/**
 * Each sender's pending overlay: the head state after that sender's pending transactions, kept
 * between admissions so that admitting one more transaction applies that one transaction, not all
 * the sender's pending ones again (SPEC §3 v2, "admitting one more transaction from a sender costs
 * the same whatever that sender has pending"; review A5).
 *
 * A view belongs to one head. When the head moves (a block, a reorg), every view is dropped and a
 * sender's is rebuilt at its next admission by applying its pending transactions once on the new
 * head (once per sender per head, not per admission); a pending transaction that the new head
 * made invalid is dropped from the mempool then, with every later one of its sender. A view also
 * keeps each transaction's own overlay (its cells, which nobody changes once written; records stay
 * decoded, never encoded here), so a replacement of pending nonce k starts from the state after
 * the first k by moving those cells again (map writes, no applyTx). The mempool
 * only shrinks a sender's queue behind admission's back (eviction, a block builder's skip), and a
 * view whose length or ends no longer match the queue is rebuilt.
 */
import { isXaiError } from "../errors.js";
import { applyTx } from "../state-transition/applyTx.js";
import type { BlockContext } from "../state-transition/module.js";
import { RecordReadCache, StateOverlay, type StateReader } from "../state-transition/stateStore.js";
import type { Tx } from "../types/tx.js";
import type { AdmitView } from "./admitTx.js";
import type { Bound } from "./types.js";

/** One sender's pending transactions applied on the head. */
export interface SenderView {
  /** Ids of the pending transactions applied, in nonce order (the mempool queue). */
  ids: string[];
  /**
   * Each one's own overlay, in the same order: its changes, as cells shared with `overlay` (a
   * profile of vote admission had their encoding, `changes()`, at 13 % of the main thread).
   */
  steps: StateOverlay[];
  /** The head state after all of them. */
  overlay: StateOverlay;
}

/**
 * Most keys the head's read cache remembers; then it forgets them all in place (so the views over
 * it hold one bounded cache, never old generations). A vote's admission reads about six; most
 * entries are accounts (about 100 bytes) and absences.
 */
const HEAD_CACHE_KEYS = 32_768;

/** The pending overlays of every sender, for the current head. */
export class PendingStates {
  private head = "";
  private readonly bySender = new Map<string, SenderView>();
  private cache: RecordReadCache | undefined;

  /**
   * The head's state as admission reads it: reads and decoded records remembered until the head
   * moves (the database changes only with the head: a block or a reorg, on the chain's job queue,
   * never while an admission runs). Also drops every view when the head has moved.
   */
  state(a: AdmitView): StateReader {
    if (this.head !== a.head.hashHex) {
      this.bySender.clear();
      this.head = a.head.hashHex;
      this.cache = undefined;
    }
    this.cache ??= new RecordReadCache(a.db.state, HEAD_CACHE_KEYS);
    return this.cache;
  }

  /**
   * The views (one per sender with pending transactions: at most `maxTxs`, the mempool's cap) and
   * the head's read cache, with their caps (metrics).
   */
  bounds(maxTxs: number): Bound[] {
    return [
      { name: "pending_senders", size: this.bySender.size, capacity: maxTxs },
      { name: "admission_head_cache", size: this.cache?.size ?? 0, capacity: HEAD_CACHE_KEYS },
    ];
  }

  /**
   * The view of `sender` on the head `a.head` under `ctx` (the next block's context): the cached
   * one, or one rebuilt from the mempool queue (dropping from the mempool the first pending
   * transaction that no longer applies, and its successors).
   */
  async of(a: AdmitView, ctx: BlockContext, sender: string): Promise<SenderView> {
    const head = this.state(a);
    const queue = a.mempool.pendingOf(sender);
    const cached = this.bySender.get(sender);
    if (cached && matches(cached.ids, queue)) return cached;
    const view: SenderView = { ids: [], steps: [], overlay: new StateOverlay(head) };
    // Only senders with pending transactions keep a view (bounded by the mempool): a flood from
    // fresh keys leaves nothing behind.
    if (queue.length === 0) {
      this.bySender.delete(sender);
      return view;
    }
    const unsigned = { ...a.rules, verifier: null }; // verified at their admission
    for (const t of queue) {
      try {
        const r = await applyTx(view.overlay, t, ctx, unsigned, []);
        view.ids.push(t.id);
        view.steps.push(r.overlay);
        r.overlay.commitTo(view.overlay);
      } catch (err) {
        if (!isXaiError(err)) throw err;
        a.mempool.remove(t.id);
        break;
      }
    }
    this.bySender.set(sender, view);
    return view;
  }

  /** The state after the first `k` pending transactions of `view` (`view.overlay` itself for all). */
  stateAfter(view: SenderView, base: StateReader, k: number): StateOverlay {
    if (k === view.ids.length) return view.overlay;
    const overlay = new StateOverlay(base);
    for (const step of view.steps.slice(0, k)) step.commitTo(overlay);
    return overlay;
  }

  /**
   * Records that `tx` was admitted as pending transaction `k` of its sender over `state` (from
   * stateAfter), `applied` being its own overlay over `state`; a replacement drops the later ones,
   * as the mempool does.
   */
  record(view: SenderView, k: number, tx: Tx, state: StateOverlay, applied: StateOverlay): void {
    applied.commitTo(state);
    if (k === view.ids.length) {
      // The common case: extend the view in place (no copy of the earlier ones).
      view.ids.push(tx.id);
      view.steps.push(applied);
      this.bySender.set(tx.sender, view);
      return;
    }
    this.bySender.set(tx.sender, {
      ids: [...view.ids.slice(0, k), tx.id],
      steps: [...view.steps.slice(0, k), applied],
      overlay: state,
    });
  }
}

function matches(ids: readonly string[], queue: readonly Tx[]): boolean {
  return (
    ids.length === queue.length &&
    (ids.length === 0 || (ids[0] === queue[0]!.id && ids[ids.length - 1] === queue[queue.length - 1]!.id))
  );
}
