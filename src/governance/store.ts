/**
 * Typed repositories over the governance buckets (keys.ts). Reads and writes only; the rules live
 * in the handlers. Every read is a single get or one range over a sorted key prefix.
 */
import { readU64be, toHex, u64be } from "../crypto/bytes.js";
import { xaiError } from "../errors.js";
import type { StateReader, StateWriter } from "../state-transition/stateStore.js";
import { GovErrorCode } from "./errors.js";
import {
  activeCountKey,
  counterKey,
  EMPTY,
  FIAT_STATE_KEY,
  fiatVoteKey,
  GovBucket,
  historyKey,
  isProposalId,
  perVoterKey,
  proposalKey,
  proposalNumberKey,
} from "./keys.js";
import {
  decodeFiatState,
  decodeFiatVote,
  decodeHistory,
  decodeImplementationVote,
  decodeProposal,
  decodeReview,
  decodeVote,
  encodeFiatState,
  encodeFiatVote,
  encodeHistory,
  encodeImplementationVote,
  encodeProposal,
  encodeReview,
  encodeVote,
  type FiatState,
  type FiatVoteRecord,
  type HistoryRecord,
  type ImplementationVoteRecord,
  type Proposal,
  type ReviewRecord,
  type VoteRecord,
} from "./records.js";

/** A proposal by id, or undefined (also for a malformed id). */
export async function findProposal(state: StateReader, id: string): Promise<Proposal | undefined> {
  if (!isProposalId(id)) return undefined;
  const v = await state.get(proposalKey(id));
  return v ? decodeProposal(v) : undefined;
}

/** A proposal by id; throws GOV_UNKNOWN_PROPOSAL if there is none. */
export async function loadProposal(state: StateReader, id: string): Promise<Proposal> {
  const p = await findProposal(state, id);
  if (!p) throw xaiError(GovErrorCode.UNKNOWN_PROPOSAL, `no proposal ${id}`, { proposalId: id });
  return p;
}

/** The id of proposal number `n`, or undefined. */
export async function proposalIdByNumber(state: StateReader, n: number): Promise<string | undefined> {
  const v = await state.get(proposalNumberKey(n));
  return v ? toHex(v) : undefined;
}

/** A proposal by number; throws GOV_INVARIANT if the index points nowhere. */
export async function loadProposalByNumber(state: StateReader, n: number): Promise<Proposal> {
  const id = await proposalIdByNumber(state, n);
  const p = id === undefined ? undefined : await findProposal(state, id);
  if (!p) throw xaiError(GovErrorCode.INVARIANT, `no proposal number ${n}`);
  return p;
}

/** Writes a proposal record (its number index is written once, by `createProposal`). */
export function putProposal(state: StateWriter, p: Proposal): void {
  state.put(proposalKey(p.id), encodeProposal(p));
}

/** Writes a new proposal and its number index. */
export function createProposal(state: StateWriter, p: Proposal): void {
  putProposal(state, p);
  state.put(proposalNumberKey(p.number), new Uint8Array(Buffer.from(p.id, "hex")));
}

/** Current value of a counter (0 if never used). */
export async function getCounter(
  state: StateReader,
  name: "proposal_number" | "history_seq",
): Promise<number> {
  const v = await state.get(counterKey(name));
  return v ? Number(readU64be(v)) : 0;
}

/** Increments a counter and returns the new value (the first is 1). */
export async function nextCounter(
  state: StateWriter,
  name: "proposal_number" | "history_seq",
): Promise<number> {
  const n = (await getCounter(state, name)) + 1;
  state.put(counterKey(name), u64be(n));
  return n;
}

/** Proposals of `address` in `voting`. */
export async function getActiveCount(state: StateReader, address: string): Promise<bigint> {
  const v = await state.get(activeCountKey(address));
  return v ? readU64be(v) : 0n;
}

/** Adds `delta` to an account's active count (the key is deleted at 0). */
export async function addActiveCount(state: StateWriter, address: string, delta: bigint): Promise<void> {
  const n = (await getActiveCount(state, address)) + delta;
  if (n < 0n) throw xaiError(GovErrorCode.INVARIANT, `active count of ${address} below zero`);
  if (n === 0n) state.del(activeCountKey(address));
  else state.put(activeCountKey(address), u64be(n));
}

/** A voter's latest vote on proposal `n`. */
export async function getVote(state: StateReader, n: number, voter: string): Promise<VoteRecord | undefined> {
  const v = await state.get(perVoterKey(GovBucket.VOTE, n, voter));
  return v ? decodeVote(v) : undefined;
}

/** Writes a voter's vote on proposal `n`. */
export function putVote(state: StateWriter, n: number, v: VoteRecord): void {
  state.put(perVoterKey(GovBucket.VOTE, n, v.voter), encodeVote(v));
}

/** A reviewer's review of proposal `n`. */
export async function getReview(
  state: StateReader,
  n: number,
  reviewer: string,
): Promise<ReviewRecord | undefined> {
  const v = await state.get(perVoterKey(GovBucket.REVIEW, n, reviewer));
  return v ? decodeReview(v) : undefined;
}

/** Writes a review of proposal `n`. */
export function putReview(state: StateWriter, n: number, r: ReviewRecord): void {
  state.put(perVoterKey(GovBucket.REVIEW, n, r.reviewer), encodeReview(r));
}

/** A voter's implementation vote on proposal `n`. */
export async function getImplementationVote(
  state: StateReader,
  n: number,
  voter: string,
): Promise<ImplementationVoteRecord | undefined> {
  const v = await state.get(perVoterKey(GovBucket.IMPLEMENTATION_VOTE, n, voter));
  return v ? decodeImplementationVote(v) : undefined;
}

/** Writes an implementation vote on proposal `n`. */
export function putImplementationVote(state: StateWriter, n: number, r: ImplementationVoteRecord): void {
  state.put(perVoterKey(GovBucket.IMPLEMENTATION_VOTE, n, r.voter), encodeImplementationVote(r));
}

/** Appends an entry to the execution history (its sequence number is assigned here). */
export async function appendHistory(
  state: StateWriter,
  r: Omit<HistoryRecord, "seq">,
): Promise<HistoryRecord> {
  const seq = await nextCounter(state, "history_seq");
  const rec = { ...r, seq };
  state.put(historyKey(seq), encodeHistory(rec));
  return rec;
}

/** Decodes a history value (queries). */
export { decodeHistory };

/** The fiat-unlock state, or undefined before genesis wrote it. */
export async function getFiatState(state: StateReader): Promise<FiatState | undefined> {
  const v = await state.get(FIAT_STATE_KEY);
  return v ? decodeFiatState(v) : undefined;
}

/** Writes the fiat-unlock state. */
export function putFiatState(state: StateWriter, s: FiatState): void {
  state.put(FIAT_STATE_KEY, encodeFiatState(s));
}

/** An account's fiat-unlock vote. */
export async function getFiatVote(state: StateReader, voter: string): Promise<FiatVoteRecord | undefined> {
  const v = await state.get(fiatVoteKey(voter));
  return v ? decodeFiatVote(v) : undefined;
}

/** Writes an account's fiat-unlock vote. */
export function putFiatVote(state: StateWriter, r: FiatVoteRecord): void {
  state.put(fiatVoteKey(r.voter), encodeFiatVote(r));
}

/** Marks an index or queue key present. */
export function putMarker(state: StateWriter, key: Uint8Array): void {
  state.put(key, EMPTY);
}
