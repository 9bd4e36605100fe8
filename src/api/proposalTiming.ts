/**
 * How much time a proposal has left (issue 12: voters could not see it): its current stage, the
 * height that ends it, blocks left, and estimated wall-clock times of every stage end. A height
 * already reached has the time of its canonical block (its slot's start); a later one is estimated
 * from the head's slot, one block per slot (`block_time_ms`), so a missed slot makes it later.
 * Not consensus: read at query time, like the rest of the API's views.
 */
import { slotStartMs } from "../chain/slots.js";
import type { Genesis } from "../config/genesis.js";

/** What the timing needs of the chain: genesis (block time), the head, and canonical block slots. */
export interface TimingChain {
  readonly genesis: Genesis;
  readonly head: { height: number; slot: number };
  slotAt(height: number): Promise<number | undefined>;
}

/** The proposal JSON fields the timing reads. */
export interface ProposalTimes {
  status: string;
  heights: Record<string, number | null>;
}

const STAGE_ENDS = ["voting_end", "review_end", "implementation_end", "eta", "execution_deadline"] as const;

/** The current stage and the height that ends it (null once the proposal reached a final status). */
export function stageOf(p: ProposalTimes, height: number): { stage: string; end: number } | null {
  const h = p.heights;
  switch (p.status) {
    case "voting":
      return { stage: "voting", end: h.voting_end! };
    case "code_review":
      return { stage: "code_review", end: h.review_end! };
    case "implementation_vote":
      return { stage: "implementation_vote", end: h.implementation_end! };
    case "queued":
      return height < h.eta!
        ? { stage: "timelock", end: h.eta! }
        : { stage: "execution_window", end: h.execution_deadline! };
    default:
      return null;
  }
}

/** The estimated start time of the block at `height` (see the module comment). */
export async function timeOfHeight(c: TimingChain, height: number): Promise<number> {
  const g = c.genesis;
  if (height <= c.head.height) {
    const slot = await c.slotAt(height);
    if (slot !== undefined) return slotStartMs(g, slot);
  }
  return slotStartMs(g, c.head.slot) + (height - c.head.height) * g.blockTimeMs;
}

/** The `timing` object of a proposal's JSON. */
export async function proposalTiming(c: TimingChain, p: ProposalTimes): Promise<Record<string, unknown>> {
  const height = c.head.height;
  const s = stageOf(p, height);
  const times: Record<string, number | null> = {};
  for (const k of STAGE_ENDS) {
    const at = p.heights[k];
    times[k] = at === null || at === undefined ? null : await timeOfHeight(c, at);
  }
  return {
    current_height: height,
    block_time_ms: c.genesis.blockTimeMs,
    stage: s?.stage ?? null,
    stage_end_height: s?.end ?? null,
    blocks_left: s ? Math.max(0, s.end - height) : null,
    stage_end_time_ms: s ? await timeOfHeight(c, s.end) : null,
    times_ms: times,
  };
}
