/**
 * The chaos schedule: every fault of a run (fault levels of the links, kills and restarts,
 * partitions and heals) and the governance plan, drawn from one seed before the run starts, so a
 * seed names a run. Pure: no clock, no Math.random.
 */

import { prng } from "../prng.js";

export { prng };

/** An integer in [lo, hi] from `rand`. */
export function randInt(rand: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}

/** What a proxy does to the bytes of a link (harness/chaos/proxy.ts). */
export interface LinkFaults {
  /** Added to every chunk, ms. */
  latencyMs: number;
  /** Up to this much more per chunk, uniform, ms (order within a connection is kept). */
  jitterMs: number;
  /** Probability per chunk of a retransmission stall (TCP's view of a lost segment). */
  loss: number;
  /** Length of such a stall, ms (an RTO). */
  stallMs: number;
  /** Probability per chunk that the connection is reset (both sockets destroyed). */
  reset: number;
}

/** The fault levels a schedule picks from. */
export const FAULT_LEVELS: Record<string, LinkFaults> = {
  calm: { latencyMs: 0, jitterMs: 0, loss: 0, stallMs: 0, reset: 0 },
  lan: { latencyMs: 5, jitterMs: 10, loss: 0.005, stallMs: 200, reset: 0 },
  wan: { latencyMs: 60, jitterMs: 80, loss: 0.02, stallMs: 400, reset: 0.0005 },
  bad: { latencyMs: 150, jitterMs: 250, loss: 0.05, stallMs: 1000, reset: 0.002 },
};

/** One step of a schedule; `at` is ms after the start of the fault phase. */
export type ChaosEvent =
  | { at: number; kind: "faults"; level: string }
  | { at: number; kind: "kill"; node: number }
  | { at: number; kind: "restart"; node: number }
  | { at: number; kind: "partition"; groups: number[][] }
  | { at: number; kind: "heal" };

/** One proposal of the governance plan: a parameter change and the votes of dev:1..4. */
export interface PlannedProposal {
  name: "max_block_txs" | "max_block_bytes";
  value: string;
  /** Options of dev:1, dev:2, dev:3, dev:4 (equal power, 40 % of the supply together). */
  votes: Array<"yes" | "no">;
  /** What these votes decide: 3 or 4 yes of 4 pass, 0 or 1 yes are rejected. */
  expected: "executed" | "rejected";
}

/** A whole run as the seed decides it. */
export interface ChaosSchedule {
  seed: number;
  nodes: number;
  durationMs: number;
  events: ChaosEvent[];
  proposals: PlannedProposal[];
}

/** Splits `nodes` into a majority and a non-empty minority at random. */
function split(rand: () => number, nodes: number): number[][] {
  const order = Array.from({ length: nodes }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = randInt(rand, 0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const minority = randInt(rand, 1, Math.floor((nodes - 1) / 2));
  const sort = (g: number[]) => g.sort((a, b) => a - b);
  return [sort(order.slice(minority)), sort(order.slice(0, minority))];
}

/**
 * Draws the schedule of a run of `minutes` over `nodes` (3 or more) nodes: a random fault level
 * from the start, then steps 6-20 s apart, each a kill -9 or a partition (a random minority cut
 * off), then its restart or heal at the next step — one node down or one partition at a time — and
 * at half the steps a new fault level on every link. At the end everything is up, healed, calm.
 */
export function buildSchedule(seed: number, minutes: number, nodes: number): ChaosSchedule {
  const rand = prng(seed);
  const durationMs = Math.round(minutes * 60_000);
  const levels = Object.keys(FAULT_LEVELS);
  const level = () => levels[randInt(rand, 1, levels.length - 1)]!;
  const events: ChaosEvent[] = [{ at: 0, kind: "faults", level: level() }];
  let down: number | undefined;
  let parted = false;
  for (let at = randInt(rand, 3, 8) * 1000; at < durationMs; at += randInt(rand, 6, 20) * 1000) {
    // Half the steps also change the fault level of every link (calm included).
    if (rand() < 0.5)
      events.push({ at, kind: "faults", level: levels[randInt(rand, 0, levels.length - 1)]! });
    if (down !== undefined) {
      events.push({ at, kind: "restart", node: down });
      down = undefined;
    } else if (parted) {
      events.push({ at, kind: "heal" });
      parted = false;
    } else if (rand() < 0.5) {
      down = randInt(rand, 0, nodes - 1);
      events.push({ at, kind: "kill", node: down });
    } else {
      events.push({ at, kind: "partition", groups: split(rand, nodes) });
      parted = true;
    }
  }
  if (down !== undefined) events.push({ at: durationMs, kind: "restart", node: down });
  if (parted) events.push({ at: durationMs, kind: "heal" });
  events.push({ at: durationMs, kind: "faults", level: "calm" });
  return { seed, nodes, durationMs, events, proposals: planProposals(rand, minutes) };
}

/**
 * One proposal per minute of faults (at least one; a lifecycle takes about a minute), each passing
 * or rejected as the seed says.
 */
function planProposals(rand: () => number, minutes: number): PlannedProposal[] {
  const count = Math.max(1, Math.round(minutes));
  return Array.from({ length: count }, (_, k) => {
    const pass = k === 0 || rand() < 0.7;
    const yes = pass ? randInt(rand, 3, 4) : randInt(rand, 0, 1);
    const votes = [0, 1, 2, 3].map((v) => (v < yes ? "yes" : "no") as "yes" | "no");
    // Shuffle who votes what: the order of dev:1..4 in the plan.
    for (let i = 3; i > 0; i--) {
      const j = randInt(rand, 0, i);
      [votes[i], votes[j]] = [votes[j]!, votes[i]!];
    }
    const name = k % 2 === 0 ? "max_block_txs" : "max_block_bytes";
    const value = name === "max_block_txs" ? randInt(rand, 100, 1999) : randInt(rand, 20, 999) * 1000;
    return { name, value: String(value), votes, expected: pass ? "executed" : "rejected" };
  });
}

/** One line per event, as the run prints its schedule. */
export function describeEvent(e: ChaosEvent): string {
  const t = `${(e.at / 1000).toFixed(0).padStart(4)} s`;
  switch (e.kind) {
    case "faults":
      return `${t}  faults ${e.level}`;
    case "kill":
      return `${t}  kill -9 node ${e.node}`;
    case "restart":
      return `${t}  restart node ${e.node}`;
    case "partition":
      return `${t}  partition ${e.groups.map((g) => `{${g.join(",")}}`).join(" | ")}`;
    case "heal":
      return `${t}  heal`;
  }
}
