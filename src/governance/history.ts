/**
 * Execution-history entries (SPEC §4.6): what an execution, a failed execution or an expiry
 * appends to bucket HISTORY (store.ts `appendHistory` assigns the sequence number). An entry made
 * inside a transaction carries its id; one made at the end of a block carries none.
 */
import type { HistoryEvent, HistoryRecord, Proposal } from "./types.js";

/** The entry for `event` on `p` at `ctx.height` (tx id from `ctx.tx`, "" at the end of a block). */
export function historyEntry(
  p: Proposal,
  ctx: { height: number; tx?: { id: string } },
  event: HistoryEvent,
  o: Partial<Pick<HistoryRecord, "errorCode" | "target" | "changes">> = {},
): Omit<HistoryRecord, "seq"> {
  return {
    height: ctx.height,
    txId: ctx.tx?.id ?? "",
    event,
    proposalId: p.id,
    number: p.number,
    kind: p.action.kind,
    errorCode: o.errorCode ?? "",
    target: o.target ?? "",
    changes: o.changes ?? [],
  };
}
