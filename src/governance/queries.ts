/**
 * Read-only queries for the HTTP API and the CLI: pure functions over a StateReader returning
 * JSON-ready plain objects (snake_case keys, amounts and powers as decimal strings, heights as
 * numbers). Lists are paginated by cursor: pass back `next_cursor` to get the next page.
 */
import { toHex } from "../crypto/bytes.js";
import { addressFromBytes, isAddress } from "../crypto/keys.js";
import { balanceAt, circulatingSupplyAt, getAccount } from "../state-transition/accounts.js";
import { getRule } from "../state-transition/params.js";
import type { StateReader } from "../state-transition/stateStore.js";
import type { ProposalAction } from "../types/tx.js";
import { fiatSnapshotHeight, votesUnlock } from "./fiatUnlock.js";
import {
  bucketPrefix,
  GovBucket,
  historyKey,
  perProposalPrefix,
  perVoterKey,
  proposalNumberKey,
  statusIndexKey,
  statusIndexPrefix,
  trailingAddressBytes,
  trailingNumber,
} from "./keys.js";
import { PROPOSAL_STATUSES, type ProposalStatus } from "./lifecycle.js";
import {
  type Change,
  decodeHistory,
  decodeImplementationVote,
  decodeReview,
  decodeVote,
  type ExecutionRecord,
  type HistoryRecord,
  type Proposal,
  type VoteRecord,
} from "./records.js";
import { expiryHeight } from "./status.js";
import { findProposal, getFiatState, loadProposalByNumber } from "./store.js";
import { votingResult } from "./tally.js";
import { cappedPower, powerCap } from "./votingPower.js";

/** A JSON object. */
export type Json = Record<string, unknown>;

const MAX_LIMIT = 100;

function clampLimit(limit: number | undefined, def = 20): number {
  if (limit === undefined || !Number.isSafeInteger(limit) || limit < 1) return def;
  return Math.min(limit, MAX_LIMIT);
}

/** The kind payload in the field names of SPEC §6 (`{"name","value"}`, `{"feature","enabled"}`, …). */
export function actionJson(a: ProposalAction): Json {
  switch (a.kind) {
    case "protocol_parameter":
      return { name: a.name, value: a.value };
    case "feature_activation":
      return { feature: a.feature, enabled: a.enabled };
    case "treasury_allocation":
      return { recipient: a.recipient, amount: a.amount, purpose: a.purpose };
    case "emergency_action":
      return { action: a.action, proposal_id: a.proposalId };
    case "governance_rule":
      return { rule: a.rule, value: a.value };
    case "rollback":
      return { target: a.target };
  }
}

function changesJson(changes: Change[]): Json[] {
  return changes.map((c) => ({ space: c.space, key: c.key, before: c.before, after: c.after }));
}

function executionJson(e: ExecutionRecord | undefined): Json | null {
  if (!e) return null;
  return {
    height: e.height,
    tx_id: e.txId,
    ok: e.ok,
    error_code: e.errorCode || null,
    changes: changesJson(e.changes),
  };
}

/** The summary of a proposal (list views). */
export function proposalSummary(p: Proposal): Json {
  return {
    id: p.id,
    number: p.number,
    proposer: p.proposer,
    title: p.title,
    kind: p.action.kind,
    status: p.status,
    submit_height: p.submitHeight,
    voting_end: p.votingEnd,
    eta: p.eta || null,
  };
}

/** Everything about a proposal except its votes, reviews and implementation votes. */
export function proposalJson(p: Proposal): Json {
  const t = p.tally;
  const r = votingResult(p);
  const queuedOrLater = p.eta > 0;
  return {
    ...proposalSummary(p),
    description: p.description,
    payload: actionJson(p.action),
    deposit: p.deposit.toString(),
    deposit_state: p.depositState,
    submit_tx_id: p.submitTxId,
    heights: {
      submitted: p.submitHeight,
      snapshot: p.snapshotHeight,
      voting_end: p.votingEnd,
      review_end: p.reviewEnd,
      implementation_end: p.implementationEnd,
      eta: queuedOrLater ? p.eta : null,
      execution_deadline: queuedOrLater ? expiryHeight(p) : null,
    },
    status_history: p.statusHistory.map((s) => ({ status: s.status, height: s.height })),
    snapshot_supply: p.snapshotSupply.toString(),
    power_cap: p.powerCap.toString(),
    tally: {
      yes: t.yes.toString(),
      no: t.no.toString(),
      abstain: t.abstain.toString(),
      participation: (t.yes + t.no + t.abstain).toString(),
      voters: t.voters.toString(),
      yes_voters: t.yesVoters.toString(),
      quorum_reached: r.quorum,
      enough_voters: r.enoughVoters,
      approved: r.approved,
    },
    review: {
      reviewers: p.review.reviewers.toString(),
      approvals: p.review.approvals.toString(),
      approve_power: p.review.approvePower.toString(),
      total_power: p.review.totalPower.toString(),
    },
    implementation: {
      required: p.implementation.required.toString(),
      approvals: p.implementation.approvals.toString(),
      rejections: p.implementation.rejections.toString(),
    },
    rules: Object.fromEntries(
      Object.keys(p.rules)
        .sort()
        .map((k) => [k, p.rules[k]!.toString()]),
    ),
    execution: executionJson(p.execution),
    failure_code: p.failureCode || null,
    rolled_back_by: p.rolledBackBy || null,
    cancelled_by: p.cancelledBy || null,
  };
}

function voteJson(v: VoteRecord): Json {
  return {
    voter: v.voter,
    option: v.option,
    power: v.power.toString(),
    counted_power: v.counted.toString(),
    height: v.height,
    tx_id: v.txId,
    replaced: v.changes,
  };
}

/** A proposal by id with its reviews and implementation votes (votes: `listVotes`), or undefined. */
export async function getProposal(state: StateReader, id: string): Promise<Json | undefined> {
  const p = await findProposal(state, id);
  if (!p) return undefined;
  const reviews = (await state.range(perProposalPrefix(GovBucket.REVIEW, p.number))).map(([, v]) => {
    const r = decodeReview(v);
    return {
      reviewer: r.reviewer,
      approved: r.approved,
      comment: r.comment,
      code_hash: r.codeHash.length ? toHex(r.codeHash) : null,
      power: r.power.toString(),
      height: r.height,
      tx_id: r.txId,
    };
  });
  const implementationVotes = (
    await state.range(perProposalPrefix(GovBucket.IMPLEMENTATION_VOTE, p.number))
  ).map(([, v]) => {
    const r = decodeImplementationVote(v);
    return { voter: r.voter, approved: r.approved, height: r.height, tx_id: r.txId };
  });
  return { ...proposalJson(p), reviews, implementation_votes: implementationVotes };
}

/** Proposals newest first (by number), optionally of one status; cursor = the last number seen. */
export async function listProposals(
  state: StateReader,
  o: { status?: ProposalStatus; limit?: number; cursor?: number } = {},
): Promise<{ proposals: Json[]; next_cursor: number | null }> {
  const limit = clampLimit(o.limit);
  const prefix = o.status ? statusIndexPrefix(o.status) : bucketPrefix(GovBucket.PROPOSAL_BY_NUMBER);
  const lt =
    o.cursor === undefined
      ? undefined
      : o.status
        ? statusIndexKey(o.status, o.cursor)
        : proposalNumberKey(o.cursor);
  const entries = await state.range(prefix, { reverse: true, limit, ...(lt ? { lt } : {}) });
  const proposals: Json[] = [];
  for (const [k] of entries)
    proposals.push(proposalSummary(await loadProposalByNumber(state, trailingNumber(k))));
  const last = entries[entries.length - 1];
  return { proposals, next_cursor: entries.length === limit && last ? trailingNumber(last[0]) : null };
}

/** Votes of a proposal in voter-address order; cursor = the last voter seen. Undefined if unknown. */
export async function listVotes(
  state: StateReader,
  id: string,
  o: { cursor?: string; limit?: number } = {},
): Promise<{ votes: Json[]; next_cursor: string | null } | undefined> {
  const p = await findProposal(state, id);
  if (!p) return undefined;
  const limit = clampLimit(o.limit, 50);
  const gt = o.cursor && isAddress(o.cursor) ? perVoterKey(GovBucket.VOTE, p.number, o.cursor) : undefined;
  const entries = await state.range(perProposalPrefix(GovBucket.VOTE, p.number), {
    limit,
    ...(gt ? { gt } : {}),
  });
  const last = entries[entries.length - 1];
  return {
    votes: entries.map(([, v]) => voteJson(decodeVote(v))),
    next_cursor: entries.length === limit && last ? addressFromBytes(trailingAddressBytes(last[0])) : null,
  };
}

/**
 * Voting power of `address`: for a proposal, at its snapshot with its cap; otherwise at `height`
 * (normally the head) with the current max_individual_power_bps. Undefined for an unknown proposal.
 */
export async function votingPower(
  state: StateReader,
  address: string,
  o: { proposalId?: string; height: number },
): Promise<Json | undefined> {
  let snapshot = o.height;
  let cap: bigint;
  if (o.proposalId !== undefined) {
    const p = await findProposal(state, o.proposalId);
    if (!p) return undefined;
    snapshot = p.snapshotHeight;
    cap = p.powerCap;
  } else
    cap = powerCap(
      await circulatingSupplyAt(state, snapshot),
      await getRule(state, "max_individual_power_bps"),
    );
  const power = await balanceAt(state, address, snapshot);
  return {
    address,
    balance: (await getAccount(state, address)).balance.toString(),
    power: power.toString(),
    capped_power: cappedPower(power, cap).toString(),
    power_cap: cap.toString(),
    snapshot_height: snapshot,
  };
}

/** Number of proposals of each kind in each status, from the status index (the proposals gauge). */
export async function proposalCounts(
  state: StateReader,
): Promise<Array<{ kind: string; status: ProposalStatus; count: number }>> {
  const out: Array<{ kind: string; status: ProposalStatus; count: number }> = [];
  for (const status of PROPOSAL_STATUSES) {
    const byKind = new Map<string, number>();
    for (const [key] of await state.range(statusIndexPrefix(status))) {
      const p = await loadProposalByNumber(state, trailingNumber(key));
      byKind.set(p.action.kind, (byKind.get(p.action.kind) ?? 0) + 1);
    }
    for (const [kind, count] of byKind) out.push({ kind, status, count });
  }
  return out;
}

/** Queued proposals with their eta and last executable height, soonest deadline first. */
export async function timelock(state: StateReader): Promise<Json[]> {
  const out: Json[] = [];
  for (const [k] of await state.range(bucketPrefix(GovBucket.QUEUE_EXECUTION_EXPIRY))) {
    const p = await loadProposalByNumber(state, trailingNumber(k));
    out.push({ ...proposalSummary(p), eta: p.eta, execution_deadline: expiryHeight(p) });
  }
  return out;
}

function historyJson(r: HistoryRecord): Json {
  return {
    seq: r.seq,
    height: r.height,
    tx_id: r.txId || null,
    event: r.event,
    proposal_id: r.proposalId,
    number: r.number,
    kind: r.kind,
    error_code: r.errorCode || null,
    target: r.target || null,
    changes: changesJson(r.changes),
  };
}

/** Execution history, newest first; cursor = the last sequence number seen. */
export async function history(
  state: StateReader,
  o: { limit?: number; cursor?: number } = {},
): Promise<{ entries: Json[]; next_cursor: number | null }> {
  const limit = clampLimit(o.limit);
  const lt = o.cursor === undefined ? undefined : historyKey(o.cursor);
  const entries = await state.range(bucketPrefix(GovBucket.HISTORY), {
    reverse: true,
    limit,
    ...(lt ? { lt } : {}),
  });
  const last = entries[entries.length - 1];
  return {
    entries: entries.map(([, v]) => historyJson(decodeHistory(v))),
    next_cursor: entries.length === limit && last ? trailingNumber(last[0]) : null,
  };
}

/** The fiat-unlock window, tally and outcome. */
export async function fiatUnlockStatus(state: StateReader): Promise<Json | undefined> {
  const s = await getFiatState(state);
  if (!s) return undefined;
  return {
    start_height: s.startHeight,
    snapshot_height: fiatSnapshotHeight(s),
    auto_unlock_height: s.autoUnlockHeight,
    min_votes: s.minVotes.toString(),
    support_bps: s.supportBps.toString(),
    voters: s.voters.toString(),
    support_power: s.supportPower.toString(),
    voted_power: s.votedPower.toString(),
    threshold_met: votesUnlock(s),
    unlocked: s.unlocked,
    unlocked_height: s.unlocked ? s.unlockedHeight : null,
    unlock_reason: s.unlockReason || null,
    unlock_tx_id: s.unlockTxId || null,
  };
}
