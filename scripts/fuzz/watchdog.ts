/**
 * The hang check that judge's per-input deadline cannot make: an input that blocks the event loop
 * (a synchronous endless loop) never lets the deadline's timer fire. A worker thread watches a
 * shared counter that the loop moves before and after each input; if one input runs longer than
 * `stallMs`, the worker saves it (written to `<dir>/<target>/.current` before it ran) as a vector,
 * says so on stderr and kills the process (exit by SIGKILL: the loop is stuck and cannot exit).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";

// The worker, plain JavaScript: `state[0]` is the input count, `state[1]` 1 while one runs.
const WORKER = `
const { workerData } = require("node:worker_threads");
const { readFileSync, renameSync, writeSync } = require("node:fs");
const { createHash } = require("node:crypto");
const state = new Int32Array(workerData.shared);
let seen = -1, since = Date.now();
setInterval(() => {
  const n = Atomics.load(state, 0);
  if (n !== seen || Atomics.load(state, 1) === 0) { seen = n; since = Date.now(); return; }
  if (Date.now() - since < workerData.stallMs) return;
  const { current, dir, ext } = JSON.parse(Buffer.from(workerData.where).toString().replace(/\\0+$/, ""));
  let file = current;
  try {
    const hash = createHash("sha256").update(readFileSync(current)).digest("hex").slice(0, 16);
    file = dir + "/" + hash + "." + ext;
    renameSync(current, file);
  } catch {}
  // fd 2 directly: a worker's process.stderr goes through the main thread, which is stuck.
  writeSync(2, "fuzz: hang (event loop blocked over " + workerData.stallMs + " ms), input saved as " + file + "\\n");
  process.kill(process.pid, "SIGKILL");
}, Math.max(10, Math.floor(workerData.stallMs / 10)));
`;

/** A watchdog over the loop (see above); `unref`ed, so it never keeps the process alive. */
export class Watchdog {
  private readonly state = new Int32Array(new SharedArrayBuffer(8));
  private readonly where = new Uint8Array(new SharedArrayBuffer(4096));
  private readonly worker: Worker;
  private current = "";

  constructor(stallMs: number) {
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: { shared: this.state.buffer, where: this.where, stallMs },
    });
    this.worker.unref();
  }

  /** Inputs of `target` from now on are written to `<dir>/<target>/.current` before they run. */
  target(dir: string, target: string, ext: string): void {
    const folder = join(dir, target);
    mkdirSync(folder, { recursive: true });
    this.current = join(folder, ".current");
    this.where.fill(0);
    this.where.set(new TextEncoder().encode(JSON.stringify({ current: this.current, dir: folder, ext })));
  }

  /** An input starts (its stored form). */
  start(saved: Uint8Array): void {
    writeFileSync(this.current, saved);
    Atomics.add(this.state, 0, 1);
    Atomics.store(this.state, 1, 1);
  }

  /** The input settled. */
  stop(): void {
    Atomics.store(this.state, 1, 0);
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}
