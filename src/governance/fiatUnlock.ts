/**
 * Fiat unlock (SPEC §4.5). Genesis sets start_height, auto_unlock_height, min_votes and
 * support_bps. The window opens at start_height (inclusive) and closes at the unlock.
 *
 * Power is measured at the window's start: the balance at the end of block start_height - 1 (the
 * state the window opens on; block 0 if start_height is 0), capped at the CURRENT
 * max_individual_power_bps of the circulating supply at that same height. Measuring at the end
 * of start_height itself would let votes cast inside block start_height see a balance that later
 * transactions of that block still change (vote, transfer, vote again with the same tokens).
 *
 * The last vote of an account counts (incremental tally). After each vote: voters >= min_votes
 * and support x 10,000 >= support_bps x voted power (support > 0) unlocks; at the end of block
 * auto_unlock_height it unlocks regardless. Unlocking writes the `fiat_rails` feature "true",
 * which the chain reads at the start of the next block; it happens once.
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
import { TEXT_LIMITS } from "./text.js";
import type { FiatState } from "./types.js";
import { cappedPower, powerCap } from "./votingPower.js";

/** The initial fiat-unlock state from genesis. */
export function initialFiatState(g: Genesis): FiatState {
  return {
    startHeight: g.fiatUnlock.startHeight,
    autoUnlockHeight: g.fiatUnlock.autoUnlockHeight,
    minVotes: g.fiatUnlock.minVotes,
    supportBps: g.fiatUnlock.supportBps,
    voters: 0n,
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

/** True if the votes so far unlock: voters >= min_votes, support x 10,000 >= support_bps x voted. */
export function votesUnlock(s: FiatState): boolean {
  return (
    s.voters >= s.minVotes && s.supportPower > 0n && s.supportPower * 10_000n >= s.supportBps * s.votedPower
  );
}

/** FIAT_UNLOCK_VOTE. */
export async function fiatUnlockVote(
  ctx: TxContext,
  v: Extract<Payload, { type: "FIAT_UNLOCK_VOTE" }>,
): Promise<TxOutcome> {
  if (v.reason.length > TEXT_LIMITS.reason)
    throw xaiError(GovErrorCode.REASON_TOO_LONG, `reason longer than ${TEXT_LIMITS.reason}`);
  const s = await loadFiatState(ctx.state);
  if (s.unlocked)
    throw xaiError(GovErrorCode.FIAT_ALREADY_UNLOCKED, `fiat rails unlocked at ${s.unlockedHeight}`);
  if (ctx.height < s.startHeight)
    throw xaiError(GovErrorCode.FIAT_WINDOW_CLOSED, `the fiat-unlock window opens at ${s.startHeight}`);
  const snapshot = fiatSnapshotHeight(s);
  const voter = ctx.tx.sender;
  const power = await balanceAt(ctx.state, voter, snapshot);
  if (power === 0n) throw xaiError(GovErrorCode.NO_VOTING_POWER, `no balance at height ${snapshot}`);
  const cap = powerCap(
    await circulatingSupplyAt(ctx.state, snapshot),
    ruleOf(ctx.params, "max_individual_power_bps"),
  );
  const counted = cappedPower(power, cap);
  const previous = await fiatVotes.get(ctx.state, voter);
  if (previous) {
    s.votedPower -= previous.counted;
    if (previous.support) s.supportPower -= previous.counted;
  } else s.voters += 1n;
  s.votedPower += counted;
  if (v.support) s.supportPower += counted;
  fiatVotes.put(ctx.state, voter, {
    voter,
    support: v.support,
    power,
    counted,
    reason: v.reason,
    height: ctx.height,
    txId: ctx.tx.id,
  });
  const sink: EventSink = { height: ctx.height, events: ctx.events, txId: ctx.tx.id };
  emit(sink, "fiat_unlock_vote", {
    voter,
    support: String(v.support),
    power: power.toString(),
    counted: counted.toString(),
  });
  if (votesUnlock(s)) unlock(ctx.state, s, "votes", sink);
  fiatState.put(ctx.state, s);
  return { result: "ok" };
}

/** End of block: unlocks at auto_unlock_height if the votes have not. */
export async function processFiatAutoUnlock(ctx: EndBlockContext): Promise<void> {
  const s = await fiatState.get(ctx.state);
  if (!s || s.unlocked || ctx.height < s.autoUnlockHeight) return;
  unlock(ctx.state, s, "auto", { height: ctx.height, events: ctx.events, txId: undefined });
  fiatState.put(ctx.state, s);
}
