import type { Tx } from "../types/tx.js";
import type { Bound } from "./types.js";

/** Size caps of the mempool. */
export interface MempoolLimits {
  /** Most transactions held. */
  maxTxs: number;
  /** Most bytes of transactions held. */
  maxBytes: number;
  /** Most pending transactions of one sender. */
  maxPerSender: number;
}

/** Defaults: enough for ten full blocks, bounded in memory. */
export const DEFAULT_MEMPOOL_LIMITS: MempoolLimits = {
  maxTxs: 20_000,
  maxBytes: 64 * 1024 * 1024,
  maxPerSender: 256,
};

/**
 * Pending transactions, per sender in nonce order without gaps. Validity against state is the
 * chain's job (it checks each transaction on top of the sender's pending ones before insert);
 * the pool only keeps order, caps and eviction.
 */
export class Mempool {
  private readonly byId = new Map<string, Tx>();
  private readonly bySender = new Map<string, Tx[]>();
  private readonly arrival = new Map<string, number>();
  private seq = 0;
  private totalBytes = 0;

  constructor(readonly limits: MempoolLimits = DEFAULT_MEMPOOL_LIMITS) {}

  /** Number of transactions held. */
  get size(): number {
    return this.byId.size;
  }

  /** Transactions and bytes held, with their caps (metrics). */
  bounds(): Bound[] {
    return [
      { name: "mempool_txs", size: this.byId.size, capacity: this.limits.maxTxs },
      { name: "mempool_bytes", size: this.totalBytes, capacity: this.limits.maxBytes },
    ];
  }

  /** Bytes of transactions held. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** True if a transaction with this id is pending. */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** A pending transaction by id. */
  get(id: string): Tx | undefined {
    return this.byId.get(id);
  }

  /** Pending transactions of a sender, in nonce order. */
  pendingOf(sender: string): readonly Tx[] {
    return this.bySender.get(sender) ?? [];
  }

  /** True if inserting `tx` (no replacement) needs room that is not there. */
  isFullFor(tx: Tx): boolean {
    return (
      this.byId.size + 1 > this.limits.maxTxs || this.totalBytes + tx.bytes.length > this.limits.maxBytes
    );
  }

  /** True if the sender already holds the per-sender maximum. */
  senderFull(sender: string): boolean {
    return this.pendingOf(sender).length >= this.limits.maxPerSender;
  }

  /**
   * What to evict so that `tx` (no replacement) fits both caps: repeatedly the lowest-fee
   * transaction that is last in its sender's queue (never `tx`'s sender's), each paying less than
   * `tx`. Undefined if no such set makes room; empty if `tx` fits already. Changes nothing.
   */
  evictionPlan(tx: Tx): Tx[] | undefined {
    if (!this.isFullFor(tx)) return [];
    const left = new Map<string, number>(); // queue length left per sender after the plan so far
    for (const [sender, queue] of this.bySender) if (sender !== tx.sender) left.set(sender, queue.length);
    let count = this.byId.size;
    let bytes = this.totalBytes;
    const plan: Tx[] = [];
    while (count + 1 > this.limits.maxTxs || bytes + tx.bytes.length > this.limits.maxBytes) {
      let worst: Tx | undefined;
      for (const [sender, n] of left) {
        const last = n > 0 ? this.bySender.get(sender)![n - 1] : undefined;
        if (last && (!worst || last.body.fee < worst.body.fee)) worst = last;
      }
      if (!worst || worst.body.fee >= tx.body.fee) return undefined;
      plan.push(worst);
      left.set(worst.sender, left.get(worst.sender)! - 1);
      count--;
      bytes -= worst.bytes.length;
    }
    return plan;
  }

  /**
   * Inserts a validated transaction whose nonce is the sender's next pending nonce, or replaces
   * the pending one with the same nonce (dropping the sender's later ones, which were validated on
   * top of it). Returns the transactions removed.
   */
  insert(tx: Tx): Tx[] {
    const queue = this.bySender.get(tx.sender) ?? [];
    const removed: Tx[] = [];
    const at = queue.findIndex((t) => t.body.nonce === tx.body.nonce);
    if (at >= 0) for (const t of queue.slice(at)) removed.push(...this.remove(t.id));
    const q = this.bySender.get(tx.sender) ?? [];
    q.push(tx);
    this.bySender.set(tx.sender, q);
    this.byId.set(tx.id, tx);
    this.arrival.set(tx.id, this.seq++);
    this.totalBytes += tx.bytes.length;
    return removed;
  }

  /** Removes a transaction and every later one of its sender. Returns what was removed. */
  remove(id: string): Tx[] {
    const tx = this.byId.get(id);
    if (!tx) return [];
    const queue = this.bySender.get(tx.sender) ?? [];
    const at = queue.indexOf(tx);
    const removed = queue.splice(at);
    if (queue.length === 0) this.bySender.delete(tx.sender);
    for (const t of removed) {
      this.byId.delete(t.id);
      this.arrival.delete(t.id);
      this.totalBytes -= t.bytes.length;
    }
    return removed;
  }

  /** Drops every pending transaction of `sender` with a nonce below `nextNonce` (now on chain). */
  dropBelow(sender: string, nextNonce: bigint): void {
    const queue = this.bySender.get(sender);
    if (!queue) return;
    while (queue.length > 0 && queue[0]!.body.nonce < nextNonce) {
      const t = queue.shift()!;
      this.byId.delete(t.id);
      this.arrival.delete(t.id);
      this.totalBytes -= t.bytes.length;
    }
    if (queue.length === 0) this.bySender.delete(sender);
  }

  /** Senders with pending transactions. */
  senders(): string[] {
    return [...this.bySender.keys()];
  }

  /**
   * Candidates for the next block: each sender's queue in nonce order, senders interleaved by the
   * fee of their next transaction (highest first), earliest arrival on ties. O(n log senders).
   */
  candidates(max: number): Tx[] {
    const before = (a: Cursor, b: Cursor): boolean => {
      const ta = a.q[a.i]!;
      const tb = b.q[b.i]!;
      if (ta.body.fee !== tb.body.fee) return ta.body.fee > tb.body.fee;
      return this.arrival.get(ta.id)! < this.arrival.get(tb.id)!;
    };
    const heap = new Heap<Cursor>(before);
    for (const q of this.bySender.values()) if (q.length > 0) heap.push({ q, i: 0 });
    const out: Tx[] = [];
    while (out.length < max) {
      const c = heap.pop();
      if (!c) break;
      out.push(c.q[c.i]!);
      c.i++;
      if (c.i < c.q.length) heap.push(c);
    }
    return out;
  }
}

interface Cursor {
  q: Tx[];
  i: number;
}

/** Binary heap ordered by `before` (the top is the element that comes first). */
class Heap<T> {
  private readonly items: T[] = [];

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  push(x: T): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }

  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.before(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
