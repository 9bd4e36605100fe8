/**
 * The execution engine (SPEC §4.3 step 5). EXECUTE_PROPOSAL is valid iff the proposal is queued
 * and eta <= height <= eta + execution_grace_blocks. The effect then runs on a scratch overlay:
 * it re-validates through the capability registry against the current state, and only if the
 * whole effect succeeds is the overlay committed. If it fails the transaction is still valid:
 * the proposal becomes `failed` with the reason and nothing of the effect applies.
 */
import { isXaiError, xaiError } from "../errors.js";
import type { TxContext, TxOutcome } from "../state-transition/module.js";
import { StateOverlay } from "../state-transition/stateStore.js";
import { GovErrorCode } from "./errors.js";
import { type EventSink, emit } from "./events.js";
import { historyEntry } from "./history.js";
import { type EffectResult, executeAction, validateAction } from "./kinds/index.js";
import { expiryHeight, setStatus } from "./status.js";
import { appendHistory, loadProposal } from "./store.js";
import type { Proposal } from "./types.js";

/** Errors that are bugs, never an effect's failure: they make the transaction invalid instead. */
const NOT_AN_EFFECT_FAILURE: readonly string[] = [
  GovErrorCode.INVARIANT,
  GovErrorCode.INVALID_TRANSITION,
  GovErrorCode.CORRUPT,
];

/** Throws unless `p` may be executed at `height`. */
export function checkExecutable(p: Proposal, height: number): void {
  if (p.status !== "queued")
    throw xaiError(GovErrorCode.NOT_QUEUED, `proposal ${p.id} is ${p.status}`, { status: p.status });
  if (height < p.eta)
    throw xaiError(GovErrorCode.TIMELOCK_ACTIVE, `proposal ${p.id} executes from height ${p.eta}`, {
      eta: p.eta,
    });
  if (height > expiryHeight(p))
    throw xaiError(
      GovErrorCode.EXECUTION_WINDOW_PASSED,
      `execution window of ${p.id} ended at ${expiryHeight(p)}`,
      {
        expiry: expiryHeight(p),
      },
    );
}

async function runEffect(
  ctx: TxContext,
  p: Proposal,
  sink: EventSink,
): Promise<{ scratch: StateOverlay; r: EffectResult }> {
  const scratch = new StateOverlay(ctx.state);
  await validateAction(scratch, ctx.params, p.action, "execute", ctx.height);
  const r = await executeAction({
    state: scratch,
    params: ctx.params,
    height: ctx.height,
    proposal: p,
    sink,
  });
  return { scratch, r };
}

/** EXECUTE_PROPOSAL. */
export async function executeProposal(ctx: TxContext, proposalId: string): Promise<TxOutcome> {
  const p = await loadProposal(ctx.state, proposalId);
  checkExecutable(p, ctx.height);
  const sink: EventSink = { height: ctx.height, events: ctx.events, txId: ctx.tx.id };
  const effectEvents: EventSink = { ...sink, events: [] };
  let result: { scratch: StateOverlay; r: EffectResult };
  try {
    result = await runEffect(ctx, p, effectEvents);
  } catch (err) {
    if (!isXaiError(err) || NOT_AN_EFFECT_FAILURE.includes(err.code)) throw err;
    return failExecution(ctx, p, err.code, sink);
  }
  result.scratch.commitTo(ctx.state);
  ctx.events.push(...effectEvents.events);
  const { changes, target } = result.r;
  p.execution = { height: ctx.height, txId: ctx.tx.id, ok: true, errorCode: "", changes };
  await setStatus(ctx.state, p, "executed", sink);
  await appendHistory(ctx.state, historyEntry(p, ctx, "executed", { target, changes }));
  emit(sink, "proposal_executed", {
    proposal_id: p.id,
    number: String(p.number),
    kind: p.action.kind,
    changes: String(changes.length),
    // Each change with its value before and after, for the log line (the record has them too).
    diff: changes.map((c) => `${c.space}:${c.key} ${c.before} -> ${c.after}`).join("; "),
    target,
  });
  return { result: "ok", proposalId: p.id };
}

async function failExecution(ctx: TxContext, p: Proposal, code: string, sink: EventSink): Promise<TxOutcome> {
  p.failureCode = code;
  p.execution = { height: ctx.height, txId: ctx.tx.id, ok: false, errorCode: code, changes: [] };
  await setStatus(ctx.state, p, "failed", sink);
  await appendHistory(ctx.state, historyEntry(p, ctx, "failed", { errorCode: code }));
  emit(sink, "execution_failed", {
    proposal_id: p.id,
    number: String(p.number),
    kind: p.action.kind,
    error_code: code,
  });
  return { result: "failed", errorCode: code, proposalId: p.id };
}
