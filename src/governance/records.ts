/**
 * Governance state records: the codec of each record of types.ts, from a table that maps every
 * domain field to its proto field of proto/xai/gov/v1/state.proto (codec.ts runs the tables).
 * A proposal's action is stored as the transaction's own kind message (types/txCodec.ts).
 */
import { xaiError } from "../errors.js";
import type { RecordCodec } from "../state-transition/stateStore.js";
import type { ProposalAction, ProposalKind } from "../types/tx.js";
import { actionFromProto, actionToProto } from "../types/txCodec.js";
import {
  bytes,
  type Codec,
  cloneRecord,
  field,
  flag,
  group,
  int,
  list,
  named,
  oneOf,
  optional,
  recordCodec,
  type Slot,
  type Table,
  text,
  u64,
} from "./codec.js";
import { GovErrorCode } from "./errors.js";
import { PROPOSAL_STATUSES } from "./lifecycle.js";
import type {
  Change,
  ExecutionRecord,
  FiatState,
  FiatVoteRecord,
  HistoryRecord,
  ImplementationVoteRecord,
  Proposal,
  ReviewRecord,
  VoteRecord,
} from "./types.js";

type Obj = Record<string, unknown>;

const status = oneOf("status", PROPOSAL_STATUSES);

const CHANGE: Table<Change> = {
  space: field("space", text),
  key: field("key", text),
  before: field("before", text),
  after: field("after", text),
};

const EXECUTION: Table<ExecutionRecord> = {
  height: field("height", int),
  txId: field("txId", text),
  ok: field("ok", flag),
  errorCode: field("errorCode", text),
  changes: list("changes", CHANGE),
};

/** The rules snapshot: repeated NamedValue, sorted by name. */
const rules: Slot<Record<string, bigint>> = {
  write: (r, out) => {
    out.rules = Object.keys(r)
      .sort()
      .map((name) => ({ name, value: r[name]!.toString() }));
  },
  read: (o) => {
    const r: Record<string, bigint> = {};
    for (const x of (o.rules as Obj[] | null) ?? []) r[text.dec(x.name)] = BigInt(text.dec(x.value));
    return r;
  },
  copy: (r) => ({ ...r }),
};

/** The action, as the transaction's kind message (tx.proto `ProposalAction`). */
const action: Slot<ProposalAction> = {
  write: (a, out) => {
    out.action = actionToProto(a);
  },
  read: (o) => {
    const a = actionFromProto(o.action as Obj | null);
    if (!a) throw xaiError(GovErrorCode.CORRUPT, "proposal action has no kind");
    return a;
  },
  copy: cloneRecord,
};

const PROPOSAL: Table<Proposal> = {
  id: field("id", text),
  number: field("number", int),
  proposer: field("proposer", text),
  title: field("title", text),
  description: field("description", text),
  action,
  deposit: field("deposit", u64),
  depositState: field("depositState", oneOf("deposit state", ["held", "refunded", "burned"] as const)),
  status: field("status", status),
  submitTxId: field("submitTxId", text),
  submitHeight: field("submitHeight", int),
  snapshotHeight: field("snapshotHeight", int),
  snapshotSupply: field("snapshotSupply", u64),
  powerCap: field("powerCap", u64),
  participantFloor: field("participantFloor", u64),
  votingEnd: field("votingEnd", int),
  reviewEnd: field("reviewEnd", int),
  implementationEnd: field("implementationEnd", int),
  eta: field("eta", int),
  tally: group({
    yes: field("yesPower", u64),
    no: field("noPower", u64),
    abstain: field("abstainPower", u64),
    voters: field("voters", u64),
    yesVoters: field("yesVoters", u64),
    heads: field("heads", u64),
  }),
  review: group({
    reviewers: field("reviewers", u64),
    approvePower: field("reviewApprovePower", u64),
    totalPower: field("reviewTotalPower", u64),
    approvals: field("reviewApprovals", u64),
  }),
  implementation: group({
    approvals: field("implementationApprovals", u64),
    rejections: field("implementationRejections", u64),
    approvePower: field("implementationApprovePower", u64),
    rejectPower: field("implementationRejectPower", u64),
  }),
  rules,
  statusHistory: list("statusHistory", { status: field("status", status), height: field("height", int) }),
  execution: optional("execution", "hasExecution", EXECUTION),
  failureCode: field("failureCode", text),
  rolledBackBy: field("rolledBackBy", text),
  cancelledBy: field("cancelledBy", text),
};

/** Proposal records (bucket PROPOSAL). */
export const proposalCodec: RecordCodec<Proposal> = recordCodec("xai.gov.v1.Proposal", PROPOSAL);

/** Canonical encoding of a proposal. */
export const encodeProposal = (p: Proposal): Uint8Array => proposalCodec.encode(p);

/** Decodes a proposal record (GOV_CORRUPT if it does not decode). */
export const decodeProposal = (b: Uint8Array): Proposal => proposalCodec.decode(b);

/** Votes (bucket VOTE). */
export const voteCodec: Codec<VoteRecord> = recordCodec("xai.gov.v1.VoteRecord", {
  voter: field("voter", text),
  option: field("option", oneOf("vote option", ["yes", "no", "abstain"] as const)),
  power: field("power", u64),
  counted: field("counted", u64),
  height: field("height", int),
  txId: field("txId", text),
  changes: field("changes", int),
});

/** Code reviews (bucket REVIEW). */
export const reviewCodec: Codec<ReviewRecord> = recordCodec("xai.gov.v1.ReviewRecord", {
  reviewer: field("reviewer", text),
  approved: field("approved", flag),
  comment: field("comment", text),
  codeHash: field("codeHash", bytes),
  power: field("power", u64),
  height: field("height", int),
  txId: field("txId", text),
});

/** Implementation votes (bucket IMPLEMENTATION_VOTE). */
export const implementationVoteCodec: Codec<ImplementationVoteRecord> = recordCodec(
  "xai.gov.v1.ImplementationVoteRecord",
  {
    voter: field("voter", text),
    approved: field("approved", flag),
    height: field("height", int),
    txId: field("txId", text),
  },
);

/** Execution-history entries (bucket HISTORY). */
export const historyCodec: Codec<HistoryRecord> = recordCodec("xai.gov.v1.HistoryRecord", {
  seq: field("seq", int),
  height: field("height", int),
  txId: field("txId", text),
  event: field("event", named<HistoryRecord["event"]>()),
  proposalId: field("proposalId", text),
  number: field("number", int),
  kind: field("kind", named<ProposalKind>()),
  errorCode: field("errorCode", text),
  target: field("target", text),
  changes: list("changes", CHANGE),
});

/** Fiat-unlock votes (bucket FIAT_VOTE). */
export const fiatVoteCodec: Codec<FiatVoteRecord> = recordCodec("xai.gov.v1.FiatVoteRecord", {
  voter: field("voter", text),
  support: field("support", flag),
  power: field("power", u64),
  counted: field("counted", u64),
  reason: field("reason", text),
  height: field("height", int),
  txId: field("txId", text),
  head: field("head", flag),
});

/** The fiat-unlock state (bucket FIAT_STATE). */
export const fiatStateCodec: Codec<FiatState> = recordCodec("xai.gov.v1.FiatState", {
  startHeight: field("startHeight", int),
  autoUnlockHeight: field("autoUnlockHeight", int),
  minVotes: field("minVotes", u64),
  supportBps: field("supportBps", u64),
  quorumBps: field("quorumBps", u64),
  voters: field("voters", u64),
  heads: field("heads", u64),
  supply: field("supply", u64),
  supportPower: field("supportPower", u64),
  votedPower: field("votedPower", u64),
  unlocked: field("unlocked", flag),
  unlockedHeight: field("unlockedHeight", int),
  unlockReason: field("unlockReason", text),
  unlockTxId: field("unlockTxId", text),
});
