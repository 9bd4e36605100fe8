/**
 * Fiat unlock (SPEC §4.5). Genesis sets start_height, auto_unlock_height, min_votes,
 * support_bps and quorum_bps. The window opens at start_height (inclusive) and closes at the unlock.
 *
 * Power is measured at the window's start: the balance at the end of block start_height - 1 (the
 * state the window opens on; block 0 if start_height is 0), capped at the CURRENT
 * max_individual_power_bps of the circulating supply at that same height. Measuring at the end
 * of start_height itself would let votes cast inside block start_height see a balance that later
 * transactions of that block still change (vote, transfer, vote again with the same tokens).
 *
 * The last vote of an account counts (incremental tally). A voter whose counted power is at or
 * above the participant floor (ceil(participant_floor_bps x that supply / 10,000), current rule)
 * is a head. At the END of each block in the window (SPEC v2 §4.5, review A3: never on the
 * deciding vote, so later votes of the same block still count) the votes unlock iff heads >=
 * min_votes, voted power x 10,000 >= quorum_bps x supply, and support x 10,000 >= support_bps x
 * voted power (support > 0); at the end of block auto_unlock_height it unlocks regardless.
 * Unlocking writes the `fiat_rails` feature "true", which the chain reads at the start of the next
 * block; it happens once.
 */
import type { Genesis } from "../config/genesis.js";
import { xaiError } from "../errors.js";
import { balanceAt, circulatingSupplyAt } from "../state-transition/accounts.js";
import type { EndBlockContext, TxContext, TxOutcome } from "../state-transition/module.js";
import { putRegistryRaw, ruleOf } from "../state-transition/params.js";
import type { StateWriter } from "../state-transition/stateStore.js";
import type { Payload } from "../types/tx.js";
import { GovErrorCode } from "./errors.js";
import { type EventSink, emit } from "./events.js";
import { FIAT_UNLOCK_WRITER, markRegistryWrite } from "./registryWrites.js";
import { fiatState, fiatVotes } from "./store.js";
import { isHead, participantFloor } from "./tally.js";
import { checkText } from "./text.js";
import type { FiatState } from "./types.js";
import { cappedPower, powerCap } from "./votingPower.js";

/** The initial fiat-unlock state from genesis. */
export function initialFiatState(g: Genesis): FiatState {
  return {
    startHeight: g.fiatUnlock.startHeight,
    autoUnlockHeight: g.fiatUnlock.autoUnlockHeight,
    minVotes: g.fiatUnlock.minVotes,
    supportBps: g.fiatUnlock.supportBps,
    quorumBps: g.fiatUnlock.quorumBps,
    voters: 0n,
    heads: 0n,
    supply: 0n,
    supportPower: 0n,
    votedPower: 0n,
    unlocked: false,
    unlockedHeight: 0,
    unlockReason: "",
    unlockTxId: "",
  };
}

/** Height whose end-of-block balances weigh fiat-unlock votes. */
export function fiatSnapshotHeight(s: FiatState): number {
  return s.startHeight > 0 ? s.startHeight - 1 : 0;
}

async function loadFiatState(state: StateWriter): Promise<FiatState> {
  const s = await fiatState.get(state);
  if (!s) throw xaiError(GovErrorCode.INVARIANT, "fiat-unlock state missing (genesis not initialised)");
  return s;
}

function unlock(state: StateWriter, s: FiatState, reason: "votes" | "auto", sink: EventSink): void {
  s.unlocked = true;
  s.unlockedHeight = sink.height;
  s.unlockReason = reason;
  s.unlockTxId = sink.txId ?? "";
  putRegistryRaw(state, "feature", "fiat_rails", "true");
  markRegistryWrite(state, "feature", "fiat_rails", FIAT_UNLOCK_WRITER);
  emit(sink, "fiat_unlocked", {
    reason,
    voters: s.voters.toString(),
    support_power: s.supportPower.toString(),
    voted_power: s.votedPower.toString(),
  });
}

/** Fiat-unlock quorum: voted power x 10,000 >= quorum_bps x supply at the window's snapshot (and some vote). */
export function fiatQuorumReached(s: FiatState): boolean {
  return s.votedPower > 0n && s.votedPower * 10_000n >= s.quorumBps * s.supply;
}

/**
 * True if the votes so far unlock: heads >= min_votes, the quorum, and support x 10,000 >=
 * support_bps x voted power with support > 0.
 */
export function votesUnlock(s: FiatState): boolean {
  return (
    s.heads >= s.minVotes &&
    fiatQuorumReached(s) &&
    s.supportPower > 0n &&
    s.supportPower * 10_000n >= s.supportBps * s.votedPower
  );
}

/** FIAT_UNLOCK_VOTE. */
export async function fiatUnlockVote(
  ctx: TxContext,
  v: Extract<Payload, { type: "FIAT_UNLOCK_VOTE" }>,
): Promise<TxOutcome> {
  checkText(v.reason, "reason", GovErrorCode.REASON_TOO_LONG);
  const s = await loadFiatState(ctx.state);
  if (s.unlocked)
    throw xaiError(GovErrorCode.FIAT_ALREADY_UNLOCKED, `fiat rails unlocked at ${s.unlockedHeight}`);
  if (ctx.height < s.startHeight)
    throw xaiError(GovErrorCode.FIAT_WINDOW_CLOSED, `the fiat-unlock window opens at ${s.startHeight}`);
  const snapshot = fiatSnapshotHeight(s);
  const voter = ctx.tx.sender;
  const power = await balanceAt(ctx.state, voter, snapshot);
  if (power === 0n) throw xaiError(GovErrorCode.NO_VOTING_POWER, `no balance at height ${snapshot}`);
  s.supply = await circulatingSupplyAt(ctx.state, snapshot);
  const counted = cappedPower(power, powerCap(s.supply, ruleOf(ctx.params, "max_individual_power_bps")));
  const head = isHead(counted, participantFloor(s.supply, ruleOf(ctx.params, "participant_floor_bps")));
  const previous = await fiatVotes.get(ctx.state, voter);
  if (previous) {
    s.votedPower -= previous.counted;
    if (previous.support) s.supportPower -= previous.counted;
    if (previous.head) s.heads -= 1n;
  } else s.voters += 1n;
  s.votedPower += counted;
  if (v.support) s.supportPower += counted;
  if (head) s.heads += 1n;
  fiatVotes.put(ctx.state, voter, {
    voter,
    support: v.support,
    power,
    counted,
    reason: v.reason,
    height: ctx.height,
    txId: ctx.tx.id,
    head,
  });
  const sink: EventSink = { height: ctx.height, events: ctx.events, txId: ctx.tx.id };
  emit(sink, "fiat_unlock_vote", {
    voter,
    support: String(v.support),
    power: power.toString(),
    counted: counted.toString(),
  });
  fiatState.put(ctx.state, s);
  return { result: "ok" };
}

/**
 * End of block (one read of FIAT_STATE): inside the window, unlocks if the block's final tally
 * passes (votesUnlock); else at auto_unlock_height regardless.
 */
export async function processFiatEndBlock(ctx: EndBlockContext): Promise<void> {
  const s = await fiatState.get(ctx.state);
  if (!s || s.unlocked || ctx.height < s.startHeight) return;
  const reason = votesUnlock(s) ? "votes" : ctx.height >= s.autoUnlockHeight ? "auto" : undefined;
  if (!reason) return;
  unlock(ctx.state, s, reason, { height: ctx.height, events: ctx.events, txId: undefined });
  fiatState.put(ctx.state, s);
}
