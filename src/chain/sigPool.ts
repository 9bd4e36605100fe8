/**
 * A bounded pool of worker threads that verify signatures (sigWorker.ts: `verifySignature`, the byte
 * rule in front of libsodium, as on the main thread). Calls made in the same turn of the event
 * loop are merged and split evenly over the workers, so a block's transactions and a burst of
 * single admissions both become a few large messages. The pool only accelerates: a caller that
 * gets a PoolUnavailable rejection (queue full, closed, a worker died) verifies on its own thread.
 * Plain worker_threads rather than piscina: a few dozen lines for a fixed-size pool with one task
 * type, its own batching and a cap; no dependency.
 *
 * Workers start on first use and are unref'd while idle, so a process that forgets `close()` still
 * exits; the node closes its pool on stop.
 */

import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { pack, packTxs, type SigItem, txSigItem, verifyItems } from "./sigBatch.js";
import type { Bound } from "./types.js";

export type { SigItem } from "./sigBatch.js";

/** Options of a pool. */
export interface SignaturePoolOptions {
  /** Worker threads (default: 2, at most the machine's parallelism). */
  size?: number;
  /** Most signatures queued or in flight at once (default 100,000); beyond it `verify` rejects. */
  maxQueued?: number;
  /** Most signatures per message to a worker (default 1,024). */
  chunk?: number;
  /** A batch not answered in this time fails over to the caller's thread (default 10,000 ms). */
  timeoutMs?: number;
  /**
   * What one turn submits in all, up to this many signatures, is verified on the caller's thread
   * (default 8; 0: always on the workers). A worker's round trip (its wake-up and two messages)
   * took about 4 ms on a loaded 2-core machine, about 60 libsodium verifications: a lone
   * transaction from the API or gossip waited that long for a 60 µs check (issue 10).
   */
  inline?: number;
}

/** A verified item's memo key (verify.ts memoKey), or null: not verified. */
export type PoolVerdict = Uint8Array | null;

interface Request {
  txs: boolean;
  items: readonly SigItem[] | readonly Uint8Array[];
  verdicts: PoolVerdict[];
  remaining: number;
  settled: boolean;
  resolve: (v: PoolVerdict[]) => void;
  reject: (e: unknown) => void;
  /** The deadline (timeoutMs): a request still open then is failed, and its workers replaced. */
  timer?: NodeJS.Timeout;
}

/** A message in flight: which request item each of its verdicts belongs to. */
interface Task {
  refs: Array<[Request, number]>;
}

interface Slot {
  worker: Worker;
  tasks: Map<number, Task>;
  load: number;
}

// Under tsx (tests, scripts run from source) this module is .ts and so is the worker, which then
// registers tsx's loader first; the built node runs the .js files.
const IS_TS = import.meta.url.endsWith(".ts");
const WORKER_URL = new URL(IS_TS ? "./sigWorker.ts" : "./sigWorker.js", import.meta.url);

function newWorker(): Worker {
  if (!IS_TS) return new Worker(WORKER_URL);
  const tsxDir = dirname(createRequire(import.meta.url).resolve("tsx/package.json"));
  const api = pathToFileURL(join(tsxDir, "dist/esm/api/index.mjs")).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(boot, { eval: true, execArgv: [] });
}

/** Why the pool did not verify a batch: its queue is full, it is closed, or a worker failed. */
export class PoolUnavailable extends Error {
  constructor(
    readonly reason: "busy" | "closed" | "worker" | "timeout",
    detail = "",
  ) {
    super(`signature pool ${reason} ${detail}`.trim());
  }
}

function unavailable(reason: "busy" | "closed" | "worker" | "timeout", detail = ""): Error {
  return new PoolUnavailable(reason, detail);
}

/** The pool (see above). */
export class SignaturePool {
  readonly size: number;
  private readonly maxQueued: number;
  private readonly chunk: number;
  private readonly timeoutMs: number;
  private readonly inline: number;
  private readonly slots: Slot[] = [];
  private waiting: Request[] = [];
  private flushScheduled = false;
  private queued = 0;
  private nextId = 1;
  private closed = false;

  constructor(o: SignaturePoolOptions = {}) {
    this.size = Math.max(1, Math.min(o.size ?? 2, availableParallelism()));
    this.maxQueued = o.maxQueued ?? 100_000;
    this.chunk = o.chunk ?? 1024;
    this.timeoutMs = o.timeoutMs ?? 10_000;
    this.inline = o.inline ?? 8;
  }

  /** Worker threads running now (they start with the first batch sent to them). */
  get started(): number {
    return this.slots.length;
  }

  /** Signatures queued or in flight. */
  get queueLength(): number {
    return this.queued;
  }

  /** The queue with its cap (metrics). */
  bound(): Bound {
    return { name: "signature_pool_queue", size: this.queued, capacity: this.maxQueued };
  }

  /**
   * Verifies `items` on the workers: one boolean per item, verifySignature's verdict. Rejects with
   * PoolUnavailable if the pool is closed or the batch does not fit in its queue.
   */
  async verify(items: readonly SigItem[]): Promise<boolean[]> {
    return (await this.submit(false, items)).map((k) => k !== null);
  }

  /**
   * Verifies the signatures of signed transactions (SignedTx bytes, decoded on the workers): for
   * each, the memo key of (signature, signing message, key) if it verified, null if it did not or
   * does not decode. Rejects as `verify` does.
   */
  verifyTxs(txs: readonly Uint8Array[]): Promise<PoolVerdict[]> {
    return this.submit(true, txs);
  }

  private submit(isTxs: boolean, items: readonly SigItem[] | readonly Uint8Array[]): Promise<PoolVerdict[]> {
    if (this.closed) return Promise.reject(unavailable("closed"));
    if (items.length === 0) return Promise.resolve([]);
    if (this.queued + items.length > this.maxQueued)
      return Promise.reject(unavailable("busy", `(${this.queued} queued)`));
    this.queued += items.length;
    return new Promise((resolve, reject) => {
      const verdicts = new Array<PoolVerdict>(items.length);
      const r: Request = {
        txs: isTxs,
        items,
        verdicts,
        remaining: items.length,
        settled: false,
        resolve,
        reject,
      };
      r.timer = setTimeout(() => this.timedOut(r), this.timeoutMs);
      r.timer.unref();
      this.waiting.push(r);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Rejects what is waiting, stops the workers. */
  async close(): Promise<void> {
    this.closed = true;
    for (const r of this.waiting) this.fail(r, unavailable("closed"));
    this.waiting = [];
    const slots = this.slots.splice(0);
    for (const s of slots)
      for (const t of s.tasks.values()) for (const [r] of t.refs) this.fail(r, unavailable("closed"));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private flush(): void {
    this.flushScheduled = false;
    const requests = this.waiting;
    this.waiting = [];
    if (this.closed || requests.length === 0) return;
    if (requests.reduce((n, r) => n + r.items.length, 0) <= this.inline) {
      for (const r of requests) this.verifyHere(r);
      return;
    }
    try {
      while (this.slots.length < this.size) this.slots.push(this.spawn());
    } catch (err) {
      for (const r of requests) this.fail(r, unavailable("worker", String(err)));
      for (const r of requests) this.queued -= r.items.length;
      return;
    }
    for (const txs of [false, true]) {
      const refs: Array<[Request, number]> = [];
      for (const r of requests) if (r.txs === txs) for (let i = 0; i < r.items.length; i++) refs.push([r, i]);
      // Even shares over the workers, each at most `chunk` long, each to the least loaded worker.
      const per = Math.min(this.chunk, Math.ceil(refs.length / this.size));
      for (let o = 0; o < refs.length; o += per) this.send(txs, refs.slice(o, o + per));
    }
  }

  private send(txs: boolean, part: Array<[Request, number]>): void {
    const slot = this.slots.reduce((a, b) => (b.load < a.load ? b : a));
    const id = this.nextId++;
    slot.tasks.set(id, { refs: part });
    slot.load += part.length;
    if (slot.load === part.length) slot.worker.ref();
    const batch = txs
      ? packTxs(part.map(([r, i]) => r.items[i] as Uint8Array))
      : pack(part.map(([r, i]) => r.items[i] as SigItem));
    slot.worker.postMessage({ id, batch, txs }, [
      batch.bytes.buffer as ArrayBuffer,
      batch.lens.buffer as ArrayBuffer,
    ]);
  }

  private spawn(): Slot {
    const worker = newWorker();
    const slot: Slot = { worker, tasks: new Map(), load: 0 };
    worker.on("message", (m: { id: number; verdicts: Uint8Array; keys: Uint8Array }) => {
      const task = slot.tasks.get(m.id);
      if (!task) return;
      slot.tasks.delete(m.id);
      slot.load -= task.refs.length;
      if (slot.load === 0) worker.unref();
      this.queued -= task.refs.length;
      task.refs.forEach(([r, i], j) => {
        r.verdicts[i] = m.verdicts[j] === 1 ? m.keys.subarray(j * 32, j * 32 + 32) : null;
        if (--r.remaining === 0 && !r.settled) {
          r.settled = true;
          clearTimeout(r.timer);
          r.resolve(r.verdicts);
        }
      });
    });
    const died = (err: unknown) => {
      const at = this.slots.indexOf(slot);
      if (at >= 0) this.slots.splice(at, 1); // the next flush starts a new one
      for (const t of slot.tasks.values()) {
        this.queued -= t.refs.length;
        for (const [r] of t.refs) this.fail(r, unavailable("worker", String(err)));
      }
      slot.tasks.clear();
    };
    worker.on("error", died);
    worker.on("exit", (code) => died(`exit ${code}`));
    worker.unref(); // after the listeners (adding one refs the worker's port again)
    return slot;
  }

  /** Verifies `r` on this thread, as a worker would (sigBatch.ts verifyItems), and settles it. */
  private verifyHere(r: Request): void {
    this.queued -= r.items.length;
    const items = r.txs ? (r.items as readonly Uint8Array[]).map(txSigItem) : (r.items as readonly SigItem[]);
    const { verdicts, keys } = verifyItems(items);
    for (let i = 0; i < items.length; i++)
      r.verdicts[i] = verdicts[i] === 1 ? keys.subarray(i * 32, i * 32 + 32) : null;
    r.settled = true;
    clearTimeout(r.timer);
    r.resolve(r.verdicts);
  }

  private fail(r: Request, err: unknown): void {
    if (r.settled) return;
    r.settled = true;
    clearTimeout(r.timer);
    r.reject(err);
  }

  /**
   * A request past its deadline (a worker hung without exiting): its caller verifies on its own
   * thread (PoolUnavailable), and each worker holding a part of it is terminated, which fails
   * that worker's other tasks the same way (its exit handler); the next batch starts a new one.
   */
  private timedOut(r: Request): void {
    if (r.settled) return;
    for (const slot of this.slots)
      for (const t of slot.tasks.values())
        if (t.refs.some(([x]) => x === r)) {
          void slot.worker.terminate();
          break;
        }
    this.fail(r, unavailable("timeout", `after ${this.timeoutMs} ms`));
  }
}
