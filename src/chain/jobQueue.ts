/**
 * The chain's job queue: every change to the chain runs through it, one job at a time, so each
 * job sees one coherent head and state from start to end. Two lanes (SPEC §3, "Block import and
 * block production never wait behind transaction admission"): `block` (imports, production) and
 * `admission` (transaction submissions). Whenever the running job ends, the next job comes from the
 * block lane if any waits there, and from the admission lane only when it is empty: a block never
 * waits for more than the one job already running, however many admissions are queued. Admissions
 * queued behind a new block run after it, against the new head (their checks read the head when
 * they start, never when they were queued). Each lane has its own bound (NODE_BUSY past it).
 * A queue stopped for a storage failure (fail-stop, `stop`) runs nothing more: every job, queued
 * or new, rejects with that failure.
 */
import { XaiError } from "../errors.js";
import { ChainErrorCode } from "./errors.js";
import type { Bound } from "./types.js";

/** The lanes of the queue, highest priority first. */
export type Lane = "block" | "admission";

const LANES: readonly Lane[] = ["block", "admission"];

/** One-at-a-time job runner with a priority lane for blocks. */
export class JobQueue {
  private readonly waiting: Record<Lane, Array<() => void>> = { block: [], admission: [] };
  private running = false;
  private idleWaiters: Array<() => void> = [];
  private stopped: Error | undefined;

  /** `maxWaiting`: most jobs waiting in each lane (the running one not counted). */
  constructor(private readonly maxWaiting: number) {}

  /** Jobs waiting or running. */
  get length(): number {
    return this.waiting.block.length + this.waiting.admission.length + (this.running ? 1 : 0);
  }

  /** The lanes with their cap (metrics). */
  bounds(): Bound[] {
    return LANES.map((lane) => ({
      name: `chain_queue_${lane}`,
      size: this.waiting[lane].length,
      capacity: this.maxWaiting,
    }));
  }

  /** Jobs waiting in one lane. */
  waitingIn(lane: Lane): number {
    return this.waiting[lane].length;
  }

  /** Runs `job` when its turn comes (see the module comment); NODE_BUSY if its lane is full. */
  run<T>(lane: Lane, job: () => Promise<T>): Promise<T> {
    if (this.stopped) return Promise.reject(this.stopped);
    if (this.waiting[lane].length >= this.maxWaiting)
      return Promise.reject(new XaiError(ChainErrorCode.NODE_BUSY, `chain queue (${lane}) is full`));
    return new Promise<T>((resolve, reject) => {
      this.waiting[lane].push(() => {
        Promise.resolve()
          .then(() => {
            if (this.stopped) throw this.stopped;
            return job();
          })
          .then(resolve, reject)
          .finally(() => {
            this.running = false;
            this.next();
          });
      });
      this.next();
    });
  }

  /** Stops the queue for good (fail-stop): the jobs still waiting and every later one reject with `err`. */
  stop(err: Error): void {
    this.stopped ??= err;
  }

  /** Resolves once no job waits or runs. */
  idle(): Promise<void> {
    if (this.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private next(): void {
    if (this.running) return;
    for (const lane of LANES) {
      const start = this.waiting[lane].shift();
      if (start) {
        this.running = true;
        start();
        return;
      }
    }
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
