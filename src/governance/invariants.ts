/**
 * Governance invariants (Cosmos x/gov style): checked after every test and after a replay. Not
 * consensus code: it scans whole buckets, which the module itself never does.
 */

import { DEPOSIT_ESCROW_ADDRESS } from "../config/addresses.js";
import { bytesEqual, toHex, u64be } from "../crypto/bytes.js";
import { addressFromBytes } from "../crypto/keys.js";
import { xaiError } from "../errors.js";
import { getAccount } from "../state-transition/accounts.js";
import type { StateReader } from "../state-transition/stateStore.js";
import { GovErrorCode } from "./errors.js";
import {
  bucketPrefix,
  GovBucket,
  queueKey,
  statusIndexKey,
  trailingAddressBytes,
  trailingNumber,
} from "./keys.js";
import { canTransition } from "./lifecycle.js";
import { allRegistryWriters } from "./registryWrites.js";
import { queueOf } from "./status.js";
import { statusCounts } from "./statusCounts.js";
import {
  activeCounts,
  fiatState,
  fiatVotes,
  getActiveCount,
  getCounter,
  historyEntries,
  implementationVotes,
  proposalIds,
  proposals as proposalRecords,
  reviews,
  votes,
} from "./store.js";
import type { Proposal } from "./types.js";
import { cappedPower, snapshotPower } from "./votingPower.js";

function fail(message: string, data: Record<string, unknown> = {}): never {
  throw xaiError(GovErrorCode.INVARIANT, message, data);
}

function check(cond: boolean, message: string, data: Record<string, unknown> = {}): void {
  if (!cond) fail(message, data);
}

async function checkVotes(state: StateReader, p: Proposal): Promise<void> {
  const sums = { yes: 0n, no: 0n, abstain: 0n, voters: 0n, yesVoters: 0n, heads: 0n };
  for (const [k, vote] of await votes.range(state, u64be(p.number))) {
    check(vote.voter === addressFromBytes(trailingAddressBytes(k)), "vote stored under another voter", {
      id: p.id,
    });
    check(vote.counted === cappedPower(vote.power, p.powerCap), "vote counted power is not min(power, cap)", {
      id: p.id,
      voter: vote.voter,
    });
    sums[vote.option] += vote.counted;
    sums.voters += 1n;
    if (vote.counted >= p.participantFloor) sums.heads += 1n;
    if (vote.option === "yes") sums.yesVoters += 1n;
  }
  const t = p.tally;
  check(
    sums.yes === t.yes && sums.no === t.no && sums.abstain === t.abstain,
    "tally differs from the sum of stored votes",
    { id: p.id, tally: `${t.yes}/${t.no}/${t.abstain}`, votes: `${sums.yes}/${sums.no}/${sums.abstain}` },
  );
  check(
    sums.voters === t.voters && sums.yesVoters === t.yesVoters && sums.heads === t.heads,
    "voter counts differ from stored votes",
    { id: p.id },
  );
}

async function checkReviews(state: StateReader, p: Proposal): Promise<void> {
  const r = { reviewers: 0n, approvePower: 0n, totalPower: 0n, approvals: 0n };
  for (const [, rev] of await reviews.range(state, u64be(p.number))) {
    check(rev.reviewer !== p.proposer, "proposer reviewed own proposal", { id: p.id });
    const { counted } = await snapshotPower(state, rev.reviewer, p.snapshotHeight, p.powerCap);
    check(rev.power === counted, "review power is not the counted snapshot power", { id: p.id });
    check(rev.power >= p.participantFloor, "review below the participant floor", { id: p.id });
    r.reviewers += 1n;
    r.totalPower += rev.power;
    if (rev.approved) {
      r.approvePower += rev.power;
      r.approvals += 1n;
    }
  }
  const q = p.review;
  check(
    r.reviewers === q.reviewers &&
      r.approvePower === q.approvePower &&
      r.totalPower === q.totalPower &&
      r.approvals === q.approvals,
    "review tally differs from stored reviews",
    { id: p.id },
  );
  const i = { approvals: 0n, rejections: 0n, approvePower: 0n, rejectPower: 0n };
  for (const [, iv] of await implementationVotes.range(state, u64be(p.number))) {
    const vote = await votes.get(state, [p.number, iv.voter]);
    check(vote?.option === "yes", "implementation vote by a non-yes voter", { id: p.id });
    if (iv.approved) {
      i.approvals += 1n;
      i.approvePower += vote!.counted;
    } else {
      i.rejections += 1n;
      i.rejectPower += vote!.counted;
    }
  }
  const pi = p.implementation;
  check(
    i.approvals === pi.approvals &&
      i.rejections === pi.rejections &&
      i.approvePower === pi.approvePower &&
      i.rejectPower === pi.rejectPower,
    "implementation tally differs from stored votes",
    { id: p.id },
  );
}

async function checkLifecycle(state: StateReader, p: Proposal): Promise<void> {
  const h = p.statusHistory;
  check(h[0]?.status === "voting" && h[h.length - 1]?.status === p.status, "status history inconsistent", {
    id: p.id,
  });
  for (let i = 1; i < h.length; i++)
    check(
      canTransition(h[i - 1]!.status, h[i]!.status) && h[i - 1]!.height <= h[i]!.height,
      "status went backwards",
      {
        id: p.id,
      },
    );
  check((await state.get(statusIndexKey(p.status, p.number))) !== undefined, "status index entry missing", {
    id: p.id,
  });
  const q = queueOf(p, p.status);
  if (q)
    check((await state.get(queueKey(q.bucket, q.height, p.number))) !== undefined, "queue entry missing", {
      id: p.id,
    });
  check((p.status === "voting") === (p.depositState === "held"), "deposit held iff in voting", { id: p.id });
  if (p.status === "queued" || p.status === "executed") check(p.eta > 0, "queued without eta", { id: p.id });
  if (p.status === "executed" || p.status === "rolled_back")
    check(p.execution?.ok === true, "executed without an execution record", { id: p.id });
  if (p.status === "failed")
    check(p.execution?.ok === false && p.failureCode !== "", "failed without a reason", { id: p.id });
  if (p.status === "rolled_back") check(p.rolledBackBy !== "", "rolled back without a link", { id: p.id });
}

async function checkQueues(state: StateReader, byNumber: Map<number, Proposal>): Promise<void> {
  for (const bucket of [
    GovBucket.QUEUE_VOTING_END,
    GovBucket.QUEUE_REVIEW_END,
    GovBucket.QUEUE_IMPLEMENTATION_END,
    GovBucket.QUEUE_EXECUTION_EXPIRY,
  ] as const) {
    for (const [k] of await state.range(bucketPrefix(bucket))) {
      const p = byNumber.get(trailingNumber(k));
      const q = p ? queueOf(p, p.status) : undefined;
      check(
        q !== undefined && q.bucket === bucket && bytesEqual(queueKey(bucket, q.height, p!.number), k),
        "stale queue entry",
        {
          key: toHex(k),
        },
      );
    }
  }
  const index = await state.range(bucketPrefix(GovBucket.STATUS_INDEX));
  check(index.length === byNumber.size, "status index has extra entries", { entries: index.length });
}

async function checkAccounts(state: StateReader, proposals: Proposal[]): Promise<void> {
  let held = 0n;
  const active = new Map<string, bigint>();
  for (const p of proposals) {
    if (p.depositState === "held") held += p.deposit;
    if (p.status === "voting") active.set(p.proposer, (active.get(p.proposer) ?? 0n) + 1n);
  }
  const escrow = (await getAccount(state, DEPOSIT_ESCROW_ADDRESS)).balance;
  check(escrow === held, "escrow balance differs from held deposits", {
    escrow: escrow.toString(),
    held: held.toString(),
  });
  const counters = await activeCounts.range(state);
  check(counters.length === active.size, "active counters for accounts without proposals in voting");
  for (const [address, n] of active)
    check(
      (await getActiveCount(state, address)) === n && (await activeCounts.has(state, address)),
      "active count wrong",
      {
        address,
      },
    );
}

async function checkHistoryAndFiat(state: StateReader): Promise<void> {
  const history = await historyEntries.range(state);
  check(history.length === (await getCounter(state, "history_seq")), "history sequence has gaps");
  for (const [i, [k, h]] of history.entries())
    check(h.seq === i + 1 && trailingNumber(k) === i + 1, "history out of order");
  const fiat = await fiatState.get(state);
  if (!fiat) return;
  let voters = 0n;
  let heads = 0n;
  let voted = 0n;
  let support = 0n;
  for (const [, r] of await fiatVotes.range(state)) {
    voters += 1n;
    if (r.head) heads += 1n;
    voted += r.counted;
    if (r.support) support += r.counted;
  }
  check(
    voters === fiat.voters &&
      heads === fiat.heads &&
      voted === fiat.votedPower &&
      support === fiat.supportPower,
    "fiat tally differs from votes",
  );
}

/** Throws GOV_INVARIANT (with details) if governance state is inconsistent. */
export async function assertGovernanceInvariants(state: StateReader): Promise<void> {
  const proposals = (await proposalRecords.range(state)).map(([, p]) => p);
  const count = await getCounter(state, "proposal_number");
  check(proposals.length === count, "proposal count differs from the number counter", {
    count,
    found: proposals.length,
  });
  const byNumber = new Map<number, Proposal>();
  for (const p of proposals) byNumber.set(p.number, p);
  const numbers = await proposalIds.range(state);
  check(numbers.length === count, "number index size differs");
  for (const [k, id] of numbers)
    check(byNumber.get(trailingNumber(k))?.id === id, "number index points elsewhere");
  for (const p of proposals) {
    await checkLifecycle(state, p);
    await checkVotes(state, p);
    await checkReviews(state, p);
  }
  await checkQueues(state, byNumber);
  await checkAccounts(state, proposals);
  await checkStatusCounts(state, proposals);
  await checkHistoryAndFiat(state);
  // Rollback trusts the last-writer index: each writer is the fiat unlock (0) or an executed proposal.
  for (const writer of await allRegistryWriters(state)) {
    const status = byNumber.get(writer)?.status;
    check(
      writer === 0 || status === "executed" || status === "rolled_back",
      "registry writer never executed",
      {
        writer,
      },
    );
  }
}

/** The (status, kind) counters of the proposals gauge equal the proposals' statuses and kinds. */
async function checkStatusCounts(state: StateReader, proposals: Proposal[]): Promise<void> {
  const expected = new Map<string, number>();
  for (const p of proposals) {
    const k = `${p.status}/${p.action.kind}`;
    expected.set(k, (expected.get(k) ?? 0) + 1);
  }
  const stored = await statusCounts(state);
  check(stored.length === expected.size, "status counters for statuses without proposals", {
    stored: stored.length,
    expected: expected.size,
  });
  for (const c of stored)
    check(expected.get(`${c.status}/${c.kind}`) === c.count, "status counter differs from proposals", {
      status: c.status,
      kind: c.kind,
    });
}
