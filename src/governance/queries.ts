/**
 * Read-only queries for the HTTP API and the CLI: pure functions over a StateReader returning
 * JSON-ready plain objects (snake_case keys, amounts and powers as decimal strings, heights as
 * numbers). Lists are paginated by cursor: pass back `next_cursor` to get the next page.
 */
import { u64be } from "../crypto/bytes.js";
import { addressFromBytes, isAddress } from "../crypto/keys.js";
import { balanceAt, circulatingSupplyAt, getAccount } from "../state-transition/accounts.js";
import { getRule } from "../state-transition/params.js";
import type { StateReader } from "../state-transition/stateStore.js";
import type { Collection } from "./collection.js";
import {
  bucketPrefix,
  GovBucket,
  statusIndexKey,
  statusIndexPrefix,
  trailingAddressBytes,
  trailingNumber,
} from "./keys.js";
import type { ProposalStatus } from "./lifecycle.js";
import { expiryHeight } from "./status.js";
import { statusCounts } from "./statusCounts.js";
import {
  fiatState,
  findProposal,
  historyEntries,
  implementationVotes,
  loadProposalByNumber,
  proposalIds,
  reviews,
  votes,
} from "./store.js";
import type { Json } from "./types.js";
import {
  fiatUnlockJson,
  historyJson,
  implementationVoteJson,
  proposalJson,
  proposalSummary,
  reviewJson,
  voteJson,
} from "./views.js";
import { cappedPower, powerCap } from "./votingPower.js";

/** A JSON object (every query answer). */
export type { Json } from "./types.js";

const MAX_LIMIT = 100;

function clampLimit(limit: number | undefined, def = 20): number {
  if (limit === undefined || !Number.isSafeInteger(limit) || limit < 1) return def;
  return Math.min(limit, MAX_LIMIT);
}

/**
 * A proposal by id with its review and implementation summaries (tallies), or undefined. Its
 * votes, reviews and implementation votes are paginated lists of their own (`listVotes`,
 * `listReviews`, `listImplementationVotes`), so one answer stays bounded (SPEC v2 §4.6, review C1).
 */
export async function getProposal(state: StateReader, id: string): Promise<Json | undefined> {
  const p = await findProposal(state, id);
  return p ? proposalJson(p) : undefined;
}

/** Proposals newest first (by number), optionally of one status; cursor = the last number seen. */
export async function listProposals(
  state: StateReader,
  o: { status?: ProposalStatus; limit?: number; cursor?: number } = {},
): Promise<{ proposals: Json[]; next_cursor: number | null }> {
  const limit = clampLimit(o.limit);
  const prefix = o.status ? statusIndexPrefix(o.status) : proposalIds.prefix();
  const lt =
    o.cursor === undefined
      ? undefined
      : o.status
        ? statusIndexKey(o.status, o.cursor)
        : proposalIds.key(o.cursor);
  const entries = await state.range(prefix, { reverse: true, limit, ...(lt ? { lt } : {}) });
  const proposals: Json[] = [];
  for (const [k] of entries)
    proposals.push(proposalSummary(await loadProposalByNumber(state, trailingNumber(k))));
  const last = entries[entries.length - 1];
  return { proposals, next_cursor: entries.length === limit && last ? trailingNumber(last[0]) : null };
}

/** A page of a per-voter list; `next_cursor` is the last voter of a full page, else null. */
type VoterPage<K extends string> = { [P in K]: Json[] } & { next_cursor: string | null };

/** Pages through one per-voter bucket of a proposal in voter-address order, after `cursor`. */
async function listPerVoter<V, K extends string>(
  state: StateReader,
  id: string,
  list: { coll: Collection<readonly [number, string], V>; name: K; json: (v: V) => Json },
  o: { cursor?: string; limit?: number },
): Promise<VoterPage<K> | undefined> {
  const p = await findProposal(state, id);
  if (!p) return undefined;
  const limit = clampLimit(o.limit, 50);
  const gt = o.cursor && isAddress(o.cursor) ? list.coll.key([p.number, o.cursor]) : undefined;
  const entries = await list.coll.range(state, u64be(p.number), { limit, ...(gt ? { gt } : {}) });
  const last = entries[entries.length - 1];
  return {
    [list.name]: entries.map(([, v]) => list.json(v)),
    next_cursor: entries.length === limit && last ? addressFromBytes(trailingAddressBytes(last[0])) : null,
  } as VoterPage<K>;
}

/** Votes of a proposal in voter-address order; cursor = the last voter seen. Undefined if unknown. */
export function listVotes(
  state: StateReader,
  id: string,
  o: { cursor?: string; limit?: number } = {},
): Promise<VoterPage<"votes"> | undefined> {
  return listPerVoter(state, id, { coll: votes, name: "votes", json: voteJson }, o);
}

/** Reviews of a proposal in reviewer-address order; cursor = the last reviewer seen (v2). */
export function listReviews(
  state: StateReader,
  id: string,
  o: { cursor?: string; limit?: number } = {},
): Promise<VoterPage<"reviews"> | undefined> {
  return listPerVoter(state, id, { coll: reviews, name: "reviews", json: reviewJson }, o);
}

/** Implementation votes of a proposal in voter-address order; cursor = the last voter seen (v2). */
export function listImplementationVotes(
  state: StateReader,
  id: string,
  o: { cursor?: string; limit?: number } = {},
): Promise<VoterPage<"implementation_votes"> | undefined> {
  const list = {
    coll: implementationVotes,
    name: "implementation_votes",
    json: implementationVoteJson,
  } as const;
  return listPerVoter(state, id, list, o);
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

/**
 * Number of proposals of each kind in each status (the proposals gauge), from the counters kept in
 * state (statusCounts.ts): one range over at most statuses x kinds keys, no proposal decoded.
 */
export async function proposalCounts(
  state: StateReader,
): Promise<Array<{ kind: string; status: ProposalStatus; count: number }>> {
  return statusCounts(state);
}

/** Number of queued proposals (the timelock queue depth gauge): a count of queue keys, nothing decoded. */
export async function timelockDepth(state: StateReader): Promise<number> {
  return (await state.range(bucketPrefix(GovBucket.QUEUE_EXECUTION_EXPIRY))).length;
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

/** Execution history, newest first; cursor = the last sequence number seen. */
export async function history(
  state: StateReader,
  o: { limit?: number; cursor?: number } = {},
): Promise<{ entries: Json[]; next_cursor: number | null }> {
  const limit = clampLimit(o.limit);
  const lt = o.cursor === undefined ? undefined : historyEntries.key(o.cursor);
  const entries = await historyEntries.range(state, undefined, {
    reverse: true,
    limit,
    ...(lt ? { lt } : {}),
  });
  const last = entries[entries.length - 1];
  return {
    entries: entries.map(([, r]) => historyJson(r)),
    next_cursor: entries.length === limit && last ? trailingNumber(last[0]) : null,
  };
}

/** The fiat-unlock window, tally and outcome. */
export async function fiatUnlockStatus(state: StateReader): Promise<Json | undefined> {
  const s = await fiatState.get(state);
  return s ? fiatUnlockJson(s) : undefined;
}
