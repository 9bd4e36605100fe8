/**
 * JSON views of the governance records, for the HTTP API and the CLI: snake_case keys, amounts and
 * powers as decimal strings, heights as numbers, absent values as null. A proposal's payload is
 * the one action view of its kind (kinds/index.ts `actionJson`). queries.ts reads, these render.
 */
import { toHex } from "../crypto/bytes.js";
import { fiatQuorumReached, fiatSnapshotHeight, votesUnlock } from "./fiatUnlock.js";
import { actionJson } from "./kinds/index.js";
import { expiryHeight } from "./status.js";
import { implementationRequiredPower, votingResult } from "./tally.js";
import type {
  Change,
  ExecutionRecord,
  FiatState,
  HistoryRecord,
  ImplementationVoteRecord,
  Json,
  Proposal,
  ReviewRecord,
  VoteRecord,
} from "./types.js";

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

function tallyJson(p: Proposal): Json {
  const t = p.tally;
  const r = votingResult(p);
  return {
    yes: t.yes.toString(),
    no: t.no.toString(),
    abstain: t.abstain.toString(),
    participation: (t.yes + t.no + t.abstain).toString(),
    voters: t.voters.toString(),
    yes_voters: t.yesVoters.toString(),
    heads: t.heads.toString(),
    quorum_reached: r.quorum,
    enough_voters: r.enoughVoters,
    approved: r.approved,
  };
}

/** Everything about a proposal except its votes, reviews and implementation votes. */
export function proposalJson(p: Proposal): Json {
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
    participant_floor: p.participantFloor.toString(),
    tally: tallyJson(p),
    review: {
      reviewers: p.review.reviewers.toString(),
      approvals: p.review.approvals.toString(),
      approve_power: p.review.approvePower.toString(),
      total_power: p.review.totalPower.toString(),
    },
    implementation: {
      required_power: implementationRequiredPower(p).toString(),
      approvals: p.implementation.approvals.toString(),
      rejections: p.implementation.rejections.toString(),
      approve_power: p.implementation.approvePower.toString(),
      reject_power: p.implementation.rejectPower.toString(),
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

/** A vote. */
export function voteJson(v: VoteRecord): Json {
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

/** A code review. */
export function reviewJson(r: ReviewRecord): Json {
  return {
    reviewer: r.reviewer,
    approved: r.approved,
    comment: r.comment,
    code_hash: r.codeHash.length ? toHex(r.codeHash) : null,
    power: r.power.toString(),
    height: r.height,
    tx_id: r.txId,
  };
}

/** An implementation vote. */
export function implementationVoteJson(r: ImplementationVoteRecord): Json {
  return { voter: r.voter, approved: r.approved, height: r.height, tx_id: r.txId };
}

/** An execution-history entry. */
export function historyJson(r: HistoryRecord): Json {
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

/** The fiat-unlock window, tally and outcome. */
export function fiatUnlockJson(s: FiatState): Json {
  return {
    start_height: s.startHeight,
    snapshot_height: fiatSnapshotHeight(s),
    auto_unlock_height: s.autoUnlockHeight,
    min_votes: s.minVotes.toString(),
    support_bps: s.supportBps.toString(),
    quorum_bps: s.quorumBps.toString(),
    supply: s.supply.toString(),
    voters: s.voters.toString(),
    heads: s.heads.toString(),
    support_power: s.supportPower.toString(),
    voted_power: s.votedPower.toString(),
    quorum_reached: fiatQuorumReached(s),
    threshold_met: votesUnlock(s),
    unlocked: s.unlocked,
    unlocked_height: s.unlocked ? s.unlockedHeight : null,
    unlock_reason: s.unlockReason || null,
    unlock_tx_id: s.unlockTxId || null,
  };
}
