/**
 * Governance state records: domain types (bigint amounts, number heights) and their canonical
 * protobuf codecs (proto/xai/gov/v1/state.proto). Encoders always set every field from the domain
 * value; proto3 omits default values, so one domain value has exactly one encoding.
 */
import type protobuf from "protobufjs";
import { xaiError } from "../errors.js";
import { encodeMessage, fromLong, protoType, toLong } from "../types/proto.js";
import type { ProposalAction, ProposalKind, VoteOption } from "../types/tx.js";
import { GovErrorCode } from "./errors.js";
import { isProposalStatus, type ProposalStatus } from "./lifecycle.js";

type Obj = Record<string, unknown>;

const T = {
  Proposal: protoType("xai.gov.v1.Proposal"),
  Vote: protoType("xai.gov.v1.VoteRecord"),
  Review: protoType("xai.gov.v1.ReviewRecord"),
  ImplVote: protoType("xai.gov.v1.ImplementationVoteRecord"),
  History: protoType("xai.gov.v1.HistoryRecord"),
  FiatVote: protoType("xai.gov.v1.FiatVoteRecord"),
  FiatState: protoType("xai.gov.v1.FiatState"),
};

function decode(t: protobuf.Type, bytes: Uint8Array): Obj {
  try {
    return t.toObject(t.decode(bytes), {
      longs: Object,
      bytes: Uint8Array,
      defaults: true,
      arrays: true,
    }) as Obj;
  } catch (err) {
    throw xaiError(GovErrorCode.CORRUPT, `${t.name} does not decode: ${(err as Error).message}`);
  }
}

const big = (v: unknown): bigint => fromLong(v);
const num = (v: unknown): number => Number(fromLong(v));
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const h = (n: number): ReturnType<typeof toLong> => toLong(BigInt(n));

/** One changed value of an execution (canonical strings before and after). */
export interface Change {
  /** "param" | "feature" | "rule" (registry), "balance" (address), "status" (proposal id). */
  space: string;
  key: string;
  before: string;
  after: string;
}

/** What an execution did, or why it failed. */
export interface ExecutionRecord {
  height: number;
  txId: string;
  ok: boolean;
  errorCode: string;
  changes: Change[];
}

/** Running voting tally (capped powers). */
export interface Tally {
  yes: bigint;
  no: bigint;
  abstain: bigint;
  voters: bigint;
  yesVoters: bigint;
}

/** A proposal record. */
export interface Proposal {
  id: string;
  number: number;
  proposer: string;
  title: string;
  description: string;
  action: ProposalAction;
  deposit: bigint;
  depositState: "held" | "refunded" | "burned";
  status: ProposalStatus;
  submitTxId: string;
  submitHeight: number;
  snapshotHeight: number;
  snapshotSupply: bigint;
  powerCap: bigint;
  votingEnd: number;
  reviewEnd: number;
  implementationEnd: number;
  /** 0 until queued. */
  eta: number;
  tally: Tally;
  review: { reviewers: bigint; approvePower: bigint; totalPower: bigint; approvals: bigint };
  implementation: { required: bigint; approvals: bigint; rejections: bigint };
  /** Every governance rule at inclusion, by name (encoded sorted by name). */
  rules: Record<string, bigint>;
  statusHistory: Array<{ status: ProposalStatus; height: number }>;
  execution: ExecutionRecord | undefined;
  failureCode: string;
  rolledBackBy: string;
  cancelledBy: string;
}

function actionToRecord(a: ProposalAction): Obj {
  const base = {
    kind: a.kind,
    name: "",
    value: "",
    feature: "",
    enabled: false,
    recipient: "",
    amount: "",
    purpose: "",
    action: "",
    proposalId: "",
    rule: "",
    target: "",
  };
  switch (a.kind) {
    case "protocol_parameter":
      return { ...base, name: a.name, value: a.value };
    case "feature_activation":
      return { ...base, feature: a.feature, enabled: a.enabled };
    case "treasury_allocation":
      return { ...base, recipient: a.recipient, amount: a.amount, purpose: a.purpose };
    case "emergency_action":
      return { ...base, action: a.action, proposalId: a.proposalId };
    case "governance_rule":
      return { ...base, rule: a.rule, value: a.value };
    case "rollback":
      return { ...base, target: a.target };
  }
}

function actionFromRecord(o: Obj): ProposalAction {
  const kind = str(o.kind) as ProposalKind;
  switch (kind) {
    case "protocol_parameter":
      return { kind, name: str(o.name), value: str(o.value) };
    case "feature_activation":
      return { kind, feature: str(o.feature), enabled: o.enabled === true };
    case "treasury_allocation":
      return { kind, recipient: str(o.recipient), amount: str(o.amount), purpose: str(o.purpose) };
    case "emergency_action":
      return { kind, action: str(o.action), proposalId: str(o.proposalId) };
    case "governance_rule":
      return { kind, rule: str(o.rule), value: str(o.value) };
    case "rollback":
      return { kind, target: str(o.target) };
    default:
      throw xaiError(GovErrorCode.CORRUPT, `unknown proposal kind ${kind}`);
  }
}

function changesToRecord(changes: Change[]): Obj[] {
  return changes.map((c) => ({ space: c.space, key: c.key, before: c.before, after: c.after }));
}

function changesFromRecord(v: unknown): Change[] {
  return ((v as Obj[]) ?? []).map((c) => ({
    space: str(c.space),
    key: str(c.key),
    before: str(c.before),
    after: str(c.after),
  }));
}

function status(v: unknown): ProposalStatus {
  const s = str(v);
  if (!isProposalStatus(s)) throw xaiError(GovErrorCode.CORRUPT, `unknown status ${s}`);
  return s;
}

/** Canonical encoding of a proposal. */
export function encodeProposal(p: Proposal): Uint8Array {
  const e = p.execution;
  return encodeMessage(T.Proposal, {
    id: p.id,
    number: h(p.number),
    proposer: p.proposer,
    title: p.title,
    description: p.description,
    action: actionToRecord(p.action),
    deposit: toLong(p.deposit),
    depositState: p.depositState,
    status: p.status,
    submitTxId: p.submitTxId,
    submitHeight: h(p.submitHeight),
    snapshotHeight: h(p.snapshotHeight),
    snapshotSupply: toLong(p.snapshotSupply),
    powerCap: toLong(p.powerCap),
    votingEnd: h(p.votingEnd),
    reviewEnd: h(p.reviewEnd),
    implementationEnd: h(p.implementationEnd),
    eta: h(p.eta),
    yesPower: toLong(p.tally.yes),
    noPower: toLong(p.tally.no),
    abstainPower: toLong(p.tally.abstain),
    voters: toLong(p.tally.voters),
    yesVoters: toLong(p.tally.yesVoters),
    reviewers: toLong(p.review.reviewers),
    reviewApprovePower: toLong(p.review.approvePower),
    reviewTotalPower: toLong(p.review.totalPower),
    reviewApprovals: toLong(p.review.approvals),
    implementationRequired: toLong(p.implementation.required),
    implementationApprovals: toLong(p.implementation.approvals),
    implementationRejections: toLong(p.implementation.rejections),
    rules: Object.keys(p.rules)
      .sort()
      .map((name) => ({ name, value: p.rules[name]!.toString() })),
    statusHistory: p.statusHistory.map((s) => ({ status: s.status, height: h(s.height) })),
    ...(e
      ? {
          execution: {
            height: h(e.height),
            txId: e.txId,
            ok: e.ok,
            errorCode: e.errorCode,
            changes: changesToRecord(e.changes),
          },
          hasExecution: true,
        }
      : {}),
    failureCode: p.failureCode,
    rolledBackBy: p.rolledBackBy,
    cancelledBy: p.cancelledBy,
  });
}

/** Decodes a proposal record. */
export function decodeProposal(bytes: Uint8Array): Proposal {
  const o = decode(T.Proposal, bytes);
  const e = o.execution as Obj | undefined;
  const depositState = str(o.depositState);
  if (depositState !== "held" && depositState !== "refunded" && depositState !== "burned")
    throw xaiError(GovErrorCode.CORRUPT, `unknown deposit state ${depositState}`);
  const rules: Record<string, bigint> = {};
  for (const r of (o.rules as Obj[]) ?? []) rules[str(r.name)] = BigInt(str(r.value));
  return {
    id: str(o.id),
    number: num(o.number),
    proposer: str(o.proposer),
    title: str(o.title),
    description: str(o.description),
    action: actionFromRecord((o.action as Obj) ?? {}),
    deposit: big(o.deposit),
    depositState,
    status: status(o.status),
    submitTxId: str(o.submitTxId),
    submitHeight: num(o.submitHeight),
    snapshotHeight: num(o.snapshotHeight),
    snapshotSupply: big(o.snapshotSupply),
    powerCap: big(o.powerCap),
    votingEnd: num(o.votingEnd),
    reviewEnd: num(o.reviewEnd),
    implementationEnd: num(o.implementationEnd),
    eta: num(o.eta),
    tally: {
      yes: big(o.yesPower),
      no: big(o.noPower),
      abstain: big(o.abstainPower),
      voters: big(o.voters),
      yesVoters: big(o.yesVoters),
    },
    review: {
      reviewers: big(o.reviewers),
      approvePower: big(o.reviewApprovePower),
      totalPower: big(o.reviewTotalPower),
      approvals: big(o.reviewApprovals),
    },
    implementation: {
      required: big(o.implementationRequired),
      approvals: big(o.implementationApprovals),
      rejections: big(o.implementationRejections),
    },
    rules,
    statusHistory: ((o.statusHistory as Obj[]) ?? []).map((s) => ({
      status: status(s.status),
      height: num(s.height),
    })),
    execution:
      o.hasExecution === true && e
        ? {
            height: num(e.height),
            txId: str(e.txId),
            ok: e.ok === true,
            errorCode: str(e.errorCode),
            changes: changesFromRecord(e.changes),
          }
        : undefined,
    failureCode: str(o.failureCode),
    rolledBackBy: str(o.rolledBackBy),
    cancelledBy: str(o.cancelledBy),
  };
}

/** A voter's latest vote on a proposal. */
export interface VoteRecord {
  voter: string;
  option: VoteOption;
  /** Balance at the snapshot. */
  power: bigint;
  /** min(power, cap): what the tally holds for this vote. */
  counted: bigint;
  height: number;
  txId: string;
  /** How many times the vote was replaced. */
  changes: number;
}

/** Canonical encoding of a vote. */
export function encodeVote(v: VoteRecord): Uint8Array {
  return encodeMessage(T.Vote, {
    voter: v.voter,
    option: v.option,
    power: toLong(v.power),
    counted: toLong(v.counted),
    height: h(v.height),
    txId: v.txId,
    changes: h(v.changes),
  });
}

/** Decodes a vote. */
export function decodeVote(bytes: Uint8Array): VoteRecord {
  const o = decode(T.Vote, bytes);
  const option = str(o.option);
  if (option !== "yes" && option !== "no" && option !== "abstain")
    throw xaiError(GovErrorCode.CORRUPT, `unknown vote option ${option}`);
  return {
    voter: str(o.voter),
    option,
    power: big(o.power),
    counted: big(o.counted),
    height: num(o.height),
    txId: str(o.txId),
    changes: num(o.changes),
  };
}

/** A code review. */
export interface ReviewRecord {
  reviewer: string;
  approved: boolean;
  comment: string;
  /** 32 bytes, or empty. */
  codeHash: Uint8Array;
  /** Counted (capped) snapshot power. */
  power: bigint;
  height: number;
  txId: string;
}

/** Canonical encoding of a review. */
export function encodeReview(r: ReviewRecord): Uint8Array {
  return encodeMessage(T.Review, {
    reviewer: r.reviewer,
    approved: r.approved,
    comment: r.comment,
    codeHash: r.codeHash,
    power: toLong(r.power),
    height: h(r.height),
    txId: r.txId,
  });
}

/** Decodes a review. */
export function decodeReview(bytes: Uint8Array): ReviewRecord {
  const o = decode(T.Review, bytes);
  return {
    reviewer: str(o.reviewer),
    approved: o.approved === true,
    comment: str(o.comment),
    codeHash: new Uint8Array((o.codeHash as Uint8Array | undefined) ?? new Uint8Array(0)),
    power: big(o.power),
    height: num(o.height),
    txId: str(o.txId),
  };
}

/** An implementation vote. */
export interface ImplementationVoteRecord {
  voter: string;
  approved: boolean;
  height: number;
  txId: string;
}

/** Canonical encoding of an implementation vote. */
export function encodeImplementationVote(r: ImplementationVoteRecord): Uint8Array {
  return encodeMessage(T.ImplVote, {
    voter: r.voter,
    approved: r.approved,
    height: h(r.height),
    txId: r.txId,
  });
}

/** Decodes an implementation vote. */
export function decodeImplementationVote(bytes: Uint8Array): ImplementationVoteRecord {
  const o = decode(T.ImplVote, bytes);
  return { voter: str(o.voter), approved: o.approved === true, height: num(o.height), txId: str(o.txId) };
}

/** An execution-history entry. */
export interface HistoryRecord {
  seq: number;
  height: number;
  /** Empty for end-of-block events (expiry). */
  txId: string;
  event: "executed" | "failed" | "expired";
  proposalId: string;
  number: number;
  kind: ProposalKind;
  errorCode: string;
  /** Target proposal of a rollback or cancel_queued. */
  target: string;
  changes: Change[];
}

/** Canonical encoding of a history entry. */
export function encodeHistory(r: HistoryRecord): Uint8Array {
  return encodeMessage(T.History, {
    seq: h(r.seq),
    height: h(r.height),
    txId: r.txId,
    event: r.event,
    proposalId: r.proposalId,
    number: h(r.number),
    kind: r.kind,
    errorCode: r.errorCode,
    target: r.target,
    changes: changesToRecord(r.changes),
  });
}

/** Decodes a history entry. */
export function decodeHistory(bytes: Uint8Array): HistoryRecord {
  const o = decode(T.History, bytes);
  return {
    seq: num(o.seq),
    height: num(o.height),
    txId: str(o.txId),
    event: str(o.event) as HistoryRecord["event"],
    proposalId: str(o.proposalId),
    number: num(o.number),
    kind: str(o.kind) as ProposalKind,
    errorCode: str(o.errorCode),
    target: str(o.target),
    changes: changesFromRecord(o.changes),
  };
}

/** An account's latest fiat-unlock vote. */
export interface FiatVoteRecord {
  voter: string;
  support: boolean;
  power: bigint;
  counted: bigint;
  reason: string;
  height: number;
  txId: string;
}

/** Canonical encoding of a fiat-unlock vote. */
export function encodeFiatVote(r: FiatVoteRecord): Uint8Array {
  return encodeMessage(T.FiatVote, {
    voter: r.voter,
    support: r.support,
    power: toLong(r.power),
    counted: toLong(r.counted),
    reason: r.reason,
    height: h(r.height),
    txId: r.txId,
  });
}

/** Decodes a fiat-unlock vote. */
export function decodeFiatVote(bytes: Uint8Array): FiatVoteRecord {
  const o = decode(T.FiatVote, bytes);
  return {
    voter: str(o.voter),
    support: o.support === true,
    power: big(o.power),
    counted: big(o.counted),
    reason: str(o.reason),
    height: num(o.height),
    txId: str(o.txId),
  };
}

/** Fiat-unlock configuration and running tally. */
export interface FiatState {
  startHeight: number;
  autoUnlockHeight: number;
  minVotes: bigint;
  supportBps: bigint;
  voters: bigint;
  supportPower: bigint;
  votedPower: bigint;
  unlocked: boolean;
  unlockedHeight: number;
  /** "votes" | "auto" once unlocked. */
  unlockReason: string;
  unlockTxId: string;
}

/** Canonical encoding of the fiat-unlock state. */
export function encodeFiatState(s: FiatState): Uint8Array {
  return encodeMessage(T.FiatState, {
    startHeight: h(s.startHeight),
    autoUnlockHeight: h(s.autoUnlockHeight),
    minVotes: toLong(s.minVotes),
    supportBps: toLong(s.supportBps),
    voters: toLong(s.voters),
    supportPower: toLong(s.supportPower),
    votedPower: toLong(s.votedPower),
    unlocked: s.unlocked,
    unlockedHeight: h(s.unlockedHeight),
    unlockReason: s.unlockReason,
    unlockTxId: s.unlockTxId,
  });
}

/** Decodes the fiat-unlock state. */
export function decodeFiatState(bytes: Uint8Array): FiatState {
  const o = decode(T.FiatState, bytes);
  return {
    startHeight: num(o.startHeight),
    autoUnlockHeight: num(o.autoUnlockHeight),
    minVotes: big(o.minVotes),
    supportBps: big(o.supportBps),
    voters: big(o.voters),
    supportPower: big(o.supportPower),
    votedPower: big(o.votedPower),
    unlocked: o.unlocked === true,
    unlockedHeight: num(o.unlockedHeight),
    unlockReason: str(o.unlockReason),
    unlockTxId: str(o.unlockTxId),
  };
}
