/**
 * The node's resources over a soak: its resident memory (VmRSS of /proc/PID/status) and open file
 * descriptors (the entries of /proc/PID/fd), sampled every second across restarts (and once when a
 * run starts and before it ends), with min/median/max per run and whether they grow.
 */
import { readdirSync, readFileSync } from "node:fs";

/** One sample of the node of run `run`. */
export interface Sample {
  /** ms since the sampler started. */
  t: number;
  run: number;
  rssKb: number;
  fds: number;
}

/** min/median/max. */
export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** The summary of a soak's samples. */
export interface ResourceSummary {
  samples: number;
  rssKb: Spread;
  fds: Spread;
  perRun: Array<{ run: number; samples: number; rssKb: Spread; fds: Spread }>;
  /**
   * Growth across runs: the median of the per-run maxima of the first and the last fifth of the
   * runs (each process starts afresh, so this shows what the chain's growth costs at start), and
   * within the longest run (the median of its first and last third of samples, after its first
   * WARM_UP_MS). `grows` is true
   * when RSS rose by more than 20 % or descriptors by more than 8 in either.
   */
  growth: {
    acrossRuns: { rssKbFirst: number; rssKbLast: number; fdsFirst: number; fdsLast: number; grows: boolean };
    longestRun: {
      run: number;
      rssKbFirst: number;
      rssKbLast: number;
      fdsFirst: number;
      fdsLast: number;
      grows: boolean;
    };
  };
}

/** Reads VmRSS (kB) and the descriptor count of `pid`; null once the process is gone. */
export function readResources(pid: number): { rssKb: number; fds: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
    if (!m) return null; // a zombie has no VmRSS
    return { rssKb: Number(m[1]), fds: readdirSync(`/proc/${pid}/fd`).length };
  } catch {
    return null;
  }
}

export class Sampler {
  readonly samples: Sample[] = [];
  private readonly t0 = Date.now();
  private target: { pid: number; run: number } | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 1000) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  /** From now on samples `pid` as run `run` (and samples it at once). */
  attach(pid: number, run: number): void {
    this.target = { pid, run };
    this.sample();
  }

  /** Samples the current node now (before a kill), then stops sampling it. */
  detach(): void {
    this.sample();
    this.target = null;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    if (!this.target) return;
    const r = readResources(this.target.pid);
    if (r) this.samples.push({ t: Date.now() - this.t0, run: this.target.run, ...r });
  }
}

export function spread(values: number[]): Spread {
  if (values.length === 0) return { min: 0, median: 0, max: 0 };
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : Math.round((s[mid - 1]! + s[mid]!) / 2);
  return { min: s[0]!, median, max: s[s.length - 1]! };
}

/** The start of a run left out of its within-run growth. */
export const WARM_UP_MS = 5_000;

const grew = (rssFirst: number, rssLast: number, fdsFirst: number, fdsLast: number) =>
  rssLast > rssFirst * 1.2 || fdsLast > fdsFirst + 8;

/** Summarizes samples (see ResourceSummary). */
export function summarize(samples: Sample[]): ResourceSummary {
  const byRun = new Map<number, Sample[]>();
  for (const s of samples) byRun.set(s.run, [...(byRun.get(s.run) ?? []), s]);
  const perRun = [...byRun].map(([run, ss]) => ({
    run,
    samples: ss.length,
    rssKb: spread(ss.map((s) => s.rssKb)),
    fds: spread(ss.map((s) => s.fds)),
  }));
  const fifth = Math.max(1, Math.floor(perRun.length / 5));
  const first = perRun.slice(0, fifth);
  const last = perRun.slice(-fifth);
  const a = {
    rssKbFirst: spread(first.map((r) => r.rssKb.max)).median,
    rssKbLast: spread(last.map((r) => r.rssKb.max)).median,
    fdsFirst: spread(first.map((r) => r.fds.max)).median,
    fdsLast: spread(last.map((r) => r.fds.max)).median,
  };
  let longest: Sample[] = [];
  for (const ss of byRun.values()) if (ss.length > longest.length) longest = ss;
  // Its first WARM_UP_MS are left out: a fresh node grows while it loads and meets its first load.
  const longestRun = longest[0]?.run ?? 0;
  if (longest.length > 0) longest = longest.filter((s) => s.t - longest[0]!.t >= WARM_UP_MS);
  const third = Math.max(1, Math.floor(longest.length / 3));
  const l = {
    run: longestRun,
    rssKbFirst: spread(longest.slice(0, third).map((s) => s.rssKb)).median,
    rssKbLast: spread(longest.slice(-third).map((s) => s.rssKb)).median,
    fdsFirst: spread(longest.slice(0, third).map((s) => s.fds)).median,
    fdsLast: spread(longest.slice(-third).map((s) => s.fds)).median,
  };
  return {
    samples: samples.length,
    rssKb: spread(samples.map((s) => s.rssKb)),
    fds: spread(samples.map((s) => s.fds)),
    perRun,
    growth: {
      acrossRuns: { ...a, grows: grew(a.rssKbFirst, a.rssKbLast, a.fdsFirst, a.fdsLast) },
      longestRun: { ...l, grows: grew(l.rssKbFirst, l.rssKbLast, l.fdsFirst, l.fdsLast) },
    },
  };
}
