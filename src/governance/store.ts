/**
 * The governance state as typed collections (collection.ts): one per record bucket of keys.ts,
 * each a key encoder and a record codec of records.ts, so every read and write of a bucket goes
 * through one typed object. Below them, the few reads and writes that carry a rule of their own:
 * an unknown proposal, the number index, counters, active counts, the history sequence. The
 * governance rules live in the handlers; every read is a single get or one range over a prefix.
 */
import { toHex, u64be, utf8 } from "../crypto/bytes.js";
import { addressBytes } from "../crypto/keys.js";
import { xaiError } from "../errors.js";
import type { StateReader, StateWriter } from "../state-transition/stateStore.js";
import type { Codec } from "./codec.js";
import { collection, item, u64Bigint, u64Number } from "./collection.js";
import { GovErrorCode } from "./errors.js";
import { EMPTY, GovBucket, isProposalId, perVoterPart, proposalIdBytes } from "./keys.js";
import {
  fiatStateCodec,
  fiatVoteCodec,
  historyCodec,
  implementationVoteCodec,
  proposalCodec,
  reviewCodec,
  voteCodec,
} from "./records.js";
import type { HistoryRecord, Proposal } from "./types.js";

/** A proposal id's 16 bytes ↔ its hex form (the number index's values). */
const idCodec: Codec<string> = { encode: proposalIdBytes, decode: toHex };

/** The named counters of bucket COUNTER. */
export type CounterName = "proposal_number" | "history_seq";

/** Proposals by id (bucket PROPOSAL; the id must be well-formed). */
export const proposals = collection(GovBucket.PROPOSAL, proposalIdBytes, proposalCodec);

/** Proposal ids by number (bucket PROPOSAL_BY_NUMBER), written once at inclusion. */
export const proposalIds = collection(GovBucket.PROPOSAL_BY_NUMBER, (n: number) => u64be(n), idCodec);

/** Last value used of each counter (bucket COUNTER). */
export const counters = collection(GovBucket.COUNTER, (name: CounterName) => utf8(name), u64Number);

/** Each voter's latest vote, by (proposal number, voter) (bucket VOTE). */
export const votes = collection(GovBucket.VOTE, perVoterPart, voteCodec);

/** Code reviews by (proposal number, reviewer) (bucket REVIEW). */
export const reviews = collection(GovBucket.REVIEW, perVoterPart, reviewCodec);

/** Implementation votes by (proposal number, voter) (bucket IMPLEMENTATION_VOTE). */
export const implementationVotes = collection(
  GovBucket.IMPLEMENTATION_VOTE,
  perVoterPart,
  implementationVoteCodec,
);

/** Proposals of each account in `voting` (bucket ACTIVE_COUNT; deleted at 0). */
export const activeCounts = collection(GovBucket.ACTIVE_COUNT, addressBytes, u64Bigint);

/** The execution history by sequence number, from 1 (bucket HISTORY). */
export const historyEntries = collection(GovBucket.HISTORY, (seq: number) => u64be(seq), historyCodec);

/** Each account's latest fiat-unlock vote (bucket FIAT_VOTE). */
export const fiatVotes = collection(GovBucket.FIAT_VOTE, addressBytes, fiatVoteCodec);

/** The fiat-unlock configuration and tally (bucket FIAT_STATE), written at genesis. */
export const fiatState = item(GovBucket.FIAT_STATE, fiatStateCodec);

/** A proposal by id, or undefined (also for a malformed id). */
export async function findProposal(state: StateReader, id: string): Promise<Proposal | undefined> {
  return isProposalId(id) ? proposals.get(state, id) : undefined;
}

/** A proposal by id; throws GOV_UNKNOWN_PROPOSAL if there is none. */
export async function loadProposal(state: StateReader, id: string): Promise<Proposal> {
  const p = await findProposal(state, id);
  if (!p) throw xaiError(GovErrorCode.UNKNOWN_PROPOSAL, `no proposal ${id}`, { proposalId: id });
  return p;
}

/** A proposal by number; throws GOV_INVARIANT if the index points nowhere. */
export async function loadProposalByNumber(state: StateReader, n: number): Promise<Proposal> {
  const id = await proposalIds.get(state, n);
  const p = id === undefined ? undefined : await findProposal(state, id);
  if (!p) throw xaiError(GovErrorCode.INVARIANT, `no proposal number ${n}`);
  return p;
}

/** Writes a proposal record under its id (its number index is written once, by `createProposal`). */
export function putProposal(state: StateWriter, p: Proposal): void {
  proposals.put(state, p.id, p);
}

/**
 * putProposal for a proposal the caller gives away (it was loaded for this one write and is not
 * changed afterwards): no copy is made (a vote's hot path; see moveRecord).
 */
export function moveProposal(state: StateWriter, p: Proposal): void {
  proposals.move(state, p.id, p);
}

/** Writes a new proposal and its number index. */
export function createProposal(state: StateWriter, p: Proposal): void {
  putProposal(state, p);
  proposalIds.put(state, p.number, p.id);
}

/** Current value of a counter (0 if never used). */
export async function getCounter(state: StateReader, name: CounterName): Promise<number> {
  return (await counters.get(state, name)) ?? 0;
}

/** Increments a counter and returns the new value (the first is 1). */
export async function nextCounter(state: StateWriter, name: CounterName): Promise<number> {
  const n = (await getCounter(state, name)) + 1;
  counters.put(state, name, n);
  return n;
}

/** Proposals of `address` in `voting`. */
export async function getActiveCount(state: StateReader, address: string): Promise<bigint> {
  return (await activeCounts.get(state, address)) ?? 0n;
}

/** Adds `delta` to an account's active count (the key is deleted at 0). */
export async function addActiveCount(state: StateWriter, address: string, delta: bigint): Promise<void> {
  const n = (await getActiveCount(state, address)) + delta;
  if (n < 0n) throw xaiError(GovErrorCode.INVARIANT, `active count of ${address} below zero`);
  if (n === 0n) activeCounts.del(state, address);
  else activeCounts.put(state, address, n);
}

/** Appends an entry to the execution history (its sequence number is assigned here). */
export async function appendHistory(
  state: StateWriter,
  r: Omit<HistoryRecord, "seq">,
): Promise<HistoryRecord> {
  const seq = await nextCounter(state, "history_seq");
  const rec = { ...r, seq };
  historyEntries.put(state, seq, rec);
  return rec;
}

/** Marks an index or queue key present. */
export function putMarker(state: StateWriter, key: Uint8Array): void {
  state.put(key, EMPTY);
}
