import type { Chain } from "../chain/chain.js";
import { ChainErrorCode, type ChainLevelErrorCode, OWN_FAILURES } from "../chain/errors.js";
import { GenesisErrorCode, RegistryErrorCode } from "../config/errors.js";
import { CryptoErrorCode } from "../crypto/errors.js";
import { DbErrorCode } from "../db/errors.js";
import { type ErrorCode, isXaiError } from "../errors.js";
import { GovErrorCode } from "../governance/errors.js";
import { ChainInvariantErrorCode } from "../state-transition/invariants.js";
import { BlockErrorCode, TxErrorCode } from "../types/errors.js";
import type { Tx } from "../types/tx.js";
import { NetworkOutcome, type PeerFaultCode } from "./errors.js";

/** What gossipsub is told about a message. */
export type GossipVerdict = "accept" | "ignore" | "reject";

/** Outcome of validating one gossip message. */
export interface GossipResult {
  verdict: GossipVerdict;
  /** OK, an outcome of the network edge, or the error code. */
  code: PeerFaultCode;
}

/**
 * Every code the chain (layer 6 and below) can raise, and so every code a gossip validation can
 * fail with: each has a verdict on each topic, so a new code without a decision does not compile.
 */
export type GossipErrorCode = ChainLevelErrorCode;

/** What a failed validation tells gossipsub (and the peer's penalty count, on reject). */
type Verdict = "reject" | "ignore";

// A transaction is rejected (and its sender penalised) only for faults of the message itself,
// which every node judges alike whatever its head: encoding, key, signature, chain, and payload
// fields that no state can make valid. Everything else depends on the receiver's view of the chain
// (nonce, balance, a proposal's stage, a parameter just changed by governance) and an honest peer a
// block ahead or behind may relay it: ignore. So are this node's own faults (busy, corrupt state)
// and codes a transaction never raises (block, genesis, replay).
//
// A block is judged against its parent, the same on every node, so an invalid block is rejected
// (a transaction's fault inside it arrives as BLOCK_INVALID_TX). Ignored are only the blocks that
// may be fine later or are known, and this node being busy: these say nothing bad about the sender.
//
// One row per code, both topics side by side: [transaction topic, block topic].
export const VERDICTS: Readonly<Record<GossipErrorCode, readonly [tx: Verdict, block: Verdict]>> = {
  [CryptoErrorCode.BAD_HEX]: ["ignore", "reject"],
  // Raised by the API and CLI; in the chain only by a bug (consensus paths give their own codes).
  [CryptoErrorCode.INVALID_ADDRESS]: ["ignore", "reject"],

  [TxErrorCode.MALFORMED]: ["reject", "reject"],
  [TxErrorCode.NON_CANONICAL]: ["reject", "reject"],
  [TxErrorCode.TOO_LARGE]: ["ignore", "reject"], // max_tx_bytes is a governed parameter
  [TxErrorCode.BAD_PUBLIC_KEY]: ["reject", "reject"],
  [TxErrorCode.BAD_SIGNATURE]: ["reject", "reject"],
  [TxErrorCode.WRONG_CHAIN]: ["reject", "reject"],
  [TxErrorCode.NONCE_TOO_LOW]: ["ignore", "reject"],
  [TxErrorCode.NONCE_TOO_HIGH]: ["ignore", "reject"],
  [TxErrorCode.FEE_TOO_LOW]: ["ignore", "reject"],
  [TxErrorCode.INSUFFICIENT_BALANCE]: ["ignore", "reject"],
  [TxErrorCode.TRANSFERS_DISABLED]: ["ignore", "reject"],
  [TxErrorCode.INVALID_RECIPIENT]: ["reject", "reject"],
  [TxErrorCode.ZERO_AMOUNT]: ["reject", "reject"],
  [TxErrorCode.BELOW_MIN_TRANSFER]: ["ignore", "reject"], // a governed parameter
  [TxErrorCode.UNSUPPORTED]: ["reject", "reject"],
  [TxErrorCode.DUPLICATE]: ["ignore", "reject"],
  [TxErrorCode.REPLACEMENT_UNDERPRICED]: ["ignore", "reject"],
  [TxErrorCode.MEMPOOL_FULL]: ["ignore", "reject"],
  [TxErrorCode.OVERFLOW]: ["ignore", "reject"],

  [BlockErrorCode.MALFORMED]: ["ignore", "reject"],
  [BlockErrorCode.NON_CANONICAL]: ["ignore", "reject"],
  [BlockErrorCode.WRONG_CHAIN]: ["ignore", "reject"],
  [BlockErrorCode.UNKNOWN_PARENT]: ["ignore", "ignore"],
  // Unsigned as far as this node can tell: ignored, and spends the sender's budget (no sync).
  [BlockErrorCode.UNKNOWN_PROPOSER]: ["ignore", "ignore"],
  [BlockErrorCode.BAD_HEIGHT]: ["ignore", "reject"],
  [BlockErrorCode.BAD_SLOT]: ["ignore", "reject"],
  [BlockErrorCode.FUTURE_SLOT]: ["ignore", "ignore"],
  [BlockErrorCode.WRONG_PROPOSER]: ["ignore", "reject"],
  [BlockErrorCode.BAD_SIGNATURE]: ["ignore", "reject"],
  [BlockErrorCode.BAD_TX_ROOT]: ["ignore", "reject"],
  [BlockErrorCode.BAD_STATE_ROOT]: ["ignore", "reject"],
  [BlockErrorCode.INVALID_TX]: ["ignore", "reject"],
  [BlockErrorCode.TOO_MANY_TXS]: ["ignore", "reject"],
  [BlockErrorCode.TOO_LARGE]: ["ignore", "reject"],
  [BlockErrorCode.REVERTS_FINALIZED]: ["ignore", "ignore"],
  [BlockErrorCode.KNOWN]: ["ignore", "ignore"],
  [BlockErrorCode.KNOWN_INVALID]: ["ignore", "reject"],

  [RegistryErrorCode.UNKNOWN]: ["ignore", "reject"],
  [RegistryErrorCode.CORRUPT]: ["ignore", "reject"],
  [GenesisErrorCode.INVALID]: ["ignore", "reject"],
  [GenesisErrorCode.MISMATCH]: ["ignore", "reject"],

  [GovErrorCode.UNKNOWN_PROPOSAL]: ["ignore", "reject"],
  [GovErrorCode.VOTING_CLOSED]: ["ignore", "reject"],
  [GovErrorCode.NO_VOTING_POWER]: ["ignore", "reject"],
  [GovErrorCode.NOT_IN_REVIEW]: ["ignore", "reject"],
  [GovErrorCode.SELF_REVIEW]: ["ignore", "reject"],
  [GovErrorCode.DUPLICATE_REVIEW]: ["ignore", "reject"],
  [GovErrorCode.BELOW_PARTICIPANT_FLOOR]: ["ignore", "reject"],
  [GovErrorCode.NOT_IN_IMPLEMENTATION]: ["ignore", "reject"],
  [GovErrorCode.NOT_ORIGINAL_YES_VOTER]: ["ignore", "reject"],
  [GovErrorCode.DUPLICATE_IMPLEMENTATION_VOTE]: ["ignore", "reject"],
  [GovErrorCode.NOT_QUEUED]: ["ignore", "reject"],
  [GovErrorCode.TIMELOCK_ACTIVE]: ["ignore", "reject"],
  [GovErrorCode.EXECUTION_WINDOW_PASSED]: ["ignore", "reject"],
  [GovErrorCode.NOT_PROPOSER]: ["ignore", "reject"],
  [GovErrorCode.NOT_CANCELLABLE]: ["ignore", "reject"],
  [GovErrorCode.INVALID_VALUE]: ["reject", "reject"],
  [GovErrorCode.NOT_GOVERNABLE]: ["reject", "reject"],
  [GovErrorCode.UNKNOWN_TARGET]: ["reject", "reject"],
  [GovErrorCode.CROSS_RULE_VIOLATION]: ["ignore", "reject"], // depends on the other registry values
  [GovErrorCode.DEPOSIT_TOO_LOW]: ["ignore", "reject"],
  [GovErrorCode.INSUFFICIENT_BALANCE]: ["ignore", "reject"],
  [GovErrorCode.TOO_MANY_ACTIVE]: ["ignore", "reject"],
  [GovErrorCode.TITLE_TOO_LONG]: ["reject", "reject"],
  [GovErrorCode.DESCRIPTION_TOO_LONG]: ["reject", "reject"],
  [GovErrorCode.COMMENT_TOO_LONG]: ["reject", "reject"],
  [GovErrorCode.REASON_TOO_LONG]: ["reject", "reject"],
  [GovErrorCode.PURPOSE_TOO_LONG]: ["reject", "reject"],
  [GovErrorCode.EMPTY_TITLE]: ["reject", "reject"],
  [GovErrorCode.INVALID_UTF8]: ["reject", "reject"],
  [GovErrorCode.INVALID_RECIPIENT]: ["reject", "reject"],
  [GovErrorCode.INVALID_AMOUNT]: ["reject", "reject"],
  [GovErrorCode.TREASURY_SHORT]: ["ignore", "reject"],
  [GovErrorCode.TREASURY_SPENDING_DISABLED]: ["ignore", "reject"],
  [GovErrorCode.INVALID_ACTION]: ["reject", "reject"],
  // validator_set: the payload's own fields are intrinsic; its height and the set are state.
  [GovErrorCode.INVALID_VALIDATOR_ACTION]: ["reject", "reject"],
  [GovErrorCode.INVALID_VALIDATOR_ADDRESS]: ["reject", "reject"],
  [GovErrorCode.INVALID_VALIDATOR_KEY]: ["reject", "reject"],
  [GovErrorCode.INVALID_ACTIVATION_HEIGHT]: ["ignore", "reject"],
  [GovErrorCode.VALIDATOR_EXISTS]: ["ignore", "reject"],
  [GovErrorCode.NOT_A_VALIDATOR]: ["ignore", "reject"],
  [GovErrorCode.LAST_VALIDATOR]: ["ignore", "reject"],
  [GovErrorCode.TOO_MANY_VALIDATORS]: ["ignore", "reject"],
  [GovErrorCode.VALIDATOR_SET_UNKNOWN]: ["ignore", "reject"],
  [GovErrorCode.ROLLBACK_NOT_ALLOWED]: ["ignore", "reject"],
  [GovErrorCode.ROLLBACK_CONFLICT]: ["ignore", "reject"],
  [GovErrorCode.FIAT_WINDOW_CLOSED]: ["ignore", "reject"],
  [GovErrorCode.FIAT_ALREADY_UNLOCKED]: ["ignore", "reject"],
  [GovErrorCode.ALREADY_EXISTS]: ["ignore", "reject"],
  [GovErrorCode.INVALID_UPGRADE_NAME]: ["reject", "reject"],
  [GovErrorCode.INVALID_UPGRADE_HEIGHT]: ["reject", "reject"],
  [GovErrorCode.UPGRADE_HEIGHT_TOO_SOON]: ["ignore", "reject"], // depends on the height and rules
  [GovErrorCode.INVALID_UPGRADE_INFO]: ["reject", "reject"],
  [GovErrorCode.UPGRADE_ALREADY_APPLIED]: ["ignore", "reject"],
  [GovErrorCode.NO_PENDING_UPGRADE]: ["ignore", "reject"],
  // This release cannot judge the block at an upgrade height: nothing bad about the sender.
  [GovErrorCode.UPGRADE_NEEDED]: ["ignore", "ignore"],
  [GovErrorCode.INVALID_TRANSITION]: ["ignore", "reject"],
  [GovErrorCode.CORRUPT]: ["ignore", "reject"],
  [GovErrorCode.INVARIANT]: ["ignore", "reject"],
  [ChainInvariantErrorCode.VIOLATED]: ["ignore", "reject"],

  [DbErrorCode.LOCKED]: ["ignore", "reject"],
  [DbErrorCode.SCHEMA_MISMATCH]: ["ignore", "reject"],
  [DbErrorCode.CORRUPT]: ["ignore", "reject"],
  [DbErrorCode.WRITE_FAILED]: ["ignore", "ignore"],

  [ChainErrorCode.NODE_BUSY]: ["ignore", "ignore"],
  [ChainErrorCode.REPLAY_MISMATCH]: ["ignore", "reject"],
  [ChainErrorCode.SIGN_STATE_INVALID]: ["ignore", "ignore"],
  [ChainErrorCode.SIGN_STATE_WRITE_FAILED]: ["ignore", "ignore"],
  [ChainErrorCode.DOUBLE_SIGN]: ["ignore", "ignore"],
};

/** The verdict of each code on the transaction topic (the first column of VERDICTS). */
export const TX_VERDICT = column(0);

/** The verdict of each code on the block topic (the second column of VERDICTS). */
export const BLOCK_VERDICT = column(1);

function column(i: 0 | 1): Readonly<Record<GossipErrorCode, Verdict>> {
  return Object.fromEntries(Object.entries(VERDICTS).map(([code, v]) => [code, v[i]])) as Record<
    GossipErrorCode,
    Verdict
  >;
}

const DEFAULT_VERDICT: Record<"tx" | "block", Verdict> = { tx: "ignore", block: "reject" };

/**
 * The one place that maps a validation error to accept / ignore / reject. A non-XaiError (a bug)
 * is ignored as INTERNAL; a code outside the tables (one of a layer above the chain, which the
 * chain never raises) keeps the topic's default, as before the tables: ignore a tx, reject a block.
 */
export function verdictOf(err: unknown, topic: "tx" | "block" = "tx"): GossipResult {
  if (err === undefined) return { verdict: "accept", code: NetworkOutcome.OK };
  if (!isXaiError(err)) return { verdict: "ignore", code: NetworkOutcome.INTERNAL };
  const row = (VERDICTS as Readonly<Partial<Record<ErrorCode, readonly [Verdict, Verdict]>>>)[err.code];
  return { verdict: row?.[topic === "tx" ? 0 : 1] ?? DEFAULT_VERDICT[topic], code: err.code };
}

/** Validates a gossiped transaction with the mempool's rules (it enters the mempool if valid). */
export async function validateGossipTx(
  chain: Chain,
  data: Uint8Array | Tx,
  o: { poolChecked?: boolean } = {},
): Promise<GossipResult> {
  try {
    await chain.submitTx(data, o);
    return verdictOf(undefined);
  } catch (err) {
    return verdictOf(err);
  }
}

/**
 * Validates a gossiped block with the import rules (it is imported if valid). A block that only
 * extends a side branch is stored with its header checked but its state not yet executed, so it
 * is not relayed (ignore): peers fetch such branches by sync when they become the heavier chain.
 */
export async function validateGossipBlock(chain: Chain, data: Uint8Array): Promise<GossipResult> {
  try {
    const { status } = await chain.importBlock(data);
    return status === "side"
      ? { verdict: "ignore", code: NetworkOutcome.SIDE_BRANCH }
      : verdictOf(undefined, "block");
  } catch (err) {
    return verdictOf(err, "block");
  }
}

/** What the network does after a verdict, besides telling gossipsub. */
export interface GossipFollowUp {
  /** Count an invalid message against the peer (PeerPenalties). */
  penalise: boolean;
  /** Catch up with the peer: its block has an unknown parent, and a valid proposer signature. */
  sync: boolean;
  /** Spend one of the peer's ignored transactions (IgnoreBudget). */
  spendBudget: boolean;
}

/** Ignore codes that say nothing about the sender: this node's own state or load. */
const NOT_THE_SENDERS: ReadonlySet<PeerFaultCode> = new Set<PeerFaultCode>([
  NetworkOutcome.INTERNAL,
  NetworkOutcome.VALIDATION_QUEUE_FULL,
  NetworkOutcome.RATE_LIMITED,
  ChainErrorCode.NODE_BUSY,
  // This node's own storage failed (fail-stop): it is stopping, and the sender did nothing wrong.
  ...OWN_FAILURES,
]);

/**
 * The one decision of what follows a verdict on `topic`: a reject is penalised (a forged block
 * included, whatever parent it names: the header gate rejects it before its parent is looked up,
 * so it never reaches the unknown-parent sync); only an unknown-parent block, which passed the
 * gate and so is signed by its slot's proposer, starts a sync; an ignored transaction spends the
 * peer's budget unless the node itself is the reason.
 */
export function followUpOf(topic: "tx" | "block", r: GossipResult): GossipFollowUp {
  return {
    penalise: r.verdict === "reject",
    sync: topic === "block" && r.code === BlockErrorCode.UNKNOWN_PARENT,
    spendBudget:
      (topic === "tx" && r.verdict === "ignore" && !NOT_THE_SENDERS.has(r.code)) ||
      (topic === "block" && r.code === BlockErrorCode.UNKNOWN_PROPOSER),
  };
}
