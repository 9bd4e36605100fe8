import type { Chain } from "../chain/chain.js";
import { ChainErrorCode, type ChainLevelErrorCode } from "../chain/errors.js";
import { GenesisErrorCode, RegistryErrorCode } from "../config/errors.js";
import { CryptoErrorCode } from "../crypto/errors.js";
import { DbErrorCode } from "../db/errors.js";
import { type ErrorCode, isXaiError } from "../errors.js";
import { GovErrorCode } from "../governance/errors.js";
import { ChainInvariantErrorCode } from "../state-transition/invariants.js";
import { BlockErrorCode, TxErrorCode } from "../types/errors.js";
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
export const TX_VERDICT: Readonly<Record<GossipErrorCode, Verdict>> = {
  [CryptoErrorCode.BAD_HEX]: "ignore",

  [TxErrorCode.MALFORMED]: "reject",
  [TxErrorCode.NON_CANONICAL]: "reject",
  [TxErrorCode.TOO_LARGE]: "ignore", // max_tx_bytes is a governed parameter
  [TxErrorCode.BAD_PUBLIC_KEY]: "reject",
  [TxErrorCode.BAD_SIGNATURE]: "reject",
  [TxErrorCode.WRONG_CHAIN]: "reject",
  [TxErrorCode.NONCE_TOO_LOW]: "ignore",
  [TxErrorCode.NONCE_TOO_HIGH]: "ignore",
  [TxErrorCode.FEE_TOO_LOW]: "ignore",
  [TxErrorCode.INSUFFICIENT_BALANCE]: "ignore",
  [TxErrorCode.TRANSFERS_DISABLED]: "ignore",
  [TxErrorCode.INVALID_RECIPIENT]: "reject",
  [TxErrorCode.ZERO_AMOUNT]: "reject",
  [TxErrorCode.UNSUPPORTED]: "reject",
  [TxErrorCode.DUPLICATE]: "ignore",
  [TxErrorCode.REPLACEMENT_UNDERPRICED]: "ignore",
  [TxErrorCode.MEMPOOL_FULL]: "ignore",
  [TxErrorCode.OVERFLOW]: "ignore",

  [BlockErrorCode.MALFORMED]: "ignore",
  [BlockErrorCode.NON_CANONICAL]: "ignore",
  [BlockErrorCode.WRONG_CHAIN]: "ignore",
  [BlockErrorCode.UNKNOWN_PARENT]: "ignore",
  [BlockErrorCode.BAD_HEIGHT]: "ignore",
  [BlockErrorCode.BAD_SLOT]: "ignore",
  [BlockErrorCode.FUTURE_SLOT]: "ignore",
  [BlockErrorCode.WRONG_PROPOSER]: "ignore",
  [BlockErrorCode.BAD_SIGNATURE]: "ignore",
  [BlockErrorCode.BAD_TX_ROOT]: "ignore",
  [BlockErrorCode.BAD_STATE_ROOT]: "ignore",
  [BlockErrorCode.INVALID_TX]: "ignore",
  [BlockErrorCode.TOO_MANY_TXS]: "ignore",
  [BlockErrorCode.TOO_LARGE]: "ignore",
  [BlockErrorCode.REVERTS_FINALIZED]: "ignore",
  [BlockErrorCode.KNOWN]: "ignore",
  [BlockErrorCode.KNOWN_INVALID]: "ignore",

  [RegistryErrorCode.UNKNOWN]: "ignore",
  [RegistryErrorCode.CORRUPT]: "ignore",
  [GenesisErrorCode.INVALID]: "ignore",
  [GenesisErrorCode.MISMATCH]: "ignore",

  [GovErrorCode.UNKNOWN_PROPOSAL]: "ignore",
  [GovErrorCode.VOTING_CLOSED]: "ignore",
  [GovErrorCode.NO_VOTING_POWER]: "ignore",
  [GovErrorCode.NOT_IN_REVIEW]: "ignore",
  [GovErrorCode.SELF_REVIEW]: "ignore",
  [GovErrorCode.DUPLICATE_REVIEW]: "ignore",
  [GovErrorCode.NOT_IN_IMPLEMENTATION]: "ignore",
  [GovErrorCode.NOT_ORIGINAL_YES_VOTER]: "ignore",
  [GovErrorCode.DUPLICATE_IMPLEMENTATION_VOTE]: "ignore",
  [GovErrorCode.NOT_QUEUED]: "ignore",
  [GovErrorCode.TIMELOCK_ACTIVE]: "ignore",
  [GovErrorCode.EXECUTION_WINDOW_PASSED]: "ignore",
  [GovErrorCode.NOT_PROPOSER]: "ignore",
  [GovErrorCode.NOT_CANCELLABLE]: "ignore",
  [GovErrorCode.INVALID_VALUE]: "reject",
  [GovErrorCode.NOT_GOVERNABLE]: "reject",
  [GovErrorCode.UNKNOWN_TARGET]: "reject",
  [GovErrorCode.CROSS_RULE_VIOLATION]: "ignore", // depends on the other registry values
  [GovErrorCode.DEPOSIT_TOO_LOW]: "ignore",
  [GovErrorCode.INSUFFICIENT_BALANCE]: "ignore",
  [GovErrorCode.TOO_MANY_ACTIVE]: "ignore",
  [GovErrorCode.TITLE_TOO_LONG]: "reject",
  [GovErrorCode.DESCRIPTION_TOO_LONG]: "reject",
  [GovErrorCode.COMMENT_TOO_LONG]: "reject",
  [GovErrorCode.REASON_TOO_LONG]: "reject",
  [GovErrorCode.PURPOSE_TOO_LONG]: "reject",
  [GovErrorCode.EMPTY_TITLE]: "reject",
  [GovErrorCode.INVALID_RECIPIENT]: "reject",
  [GovErrorCode.INVALID_AMOUNT]: "reject",
  [GovErrorCode.TREASURY_SHORT]: "ignore",
  [GovErrorCode.TREASURY_SPENDING_DISABLED]: "ignore",
  [GovErrorCode.INVALID_ACTION]: "reject",
  [GovErrorCode.ROLLBACK_NOT_ALLOWED]: "ignore",
  [GovErrorCode.ROLLBACK_CONFLICT]: "ignore",
  [GovErrorCode.FIAT_WINDOW_CLOSED]: "ignore",
  [GovErrorCode.FIAT_ALREADY_UNLOCKED]: "ignore",
  [GovErrorCode.ALREADY_EXISTS]: "ignore",
  [GovErrorCode.INVALID_TRANSITION]: "ignore",
  [GovErrorCode.CORRUPT]: "ignore",
  [GovErrorCode.INVARIANT]: "ignore",
  [ChainInvariantErrorCode.VIOLATED]: "ignore",

  [DbErrorCode.LOCKED]: "ignore",
  [DbErrorCode.SCHEMA_MISMATCH]: "ignore",
  [DbErrorCode.CORRUPT]: "ignore",

  [ChainErrorCode.NODE_BUSY]: "ignore",
  [ChainErrorCode.REPLAY_MISMATCH]: "ignore",
};

// A block is judged against its parent, the same on every node, so an invalid block is rejected
// (a transaction's fault inside it arrives as BLOCK_INVALID_TX). Ignored are only the blocks that
// may be fine later or are known, and this node being busy: these say nothing bad about the sender.
export const BLOCK_VERDICT: Readonly<Record<GossipErrorCode, Verdict>> = {
  [CryptoErrorCode.BAD_HEX]: "reject",

  [TxErrorCode.MALFORMED]: "reject",
  [TxErrorCode.NON_CANONICAL]: "reject",
  [TxErrorCode.TOO_LARGE]: "reject",
  [TxErrorCode.BAD_PUBLIC_KEY]: "reject",
  [TxErrorCode.BAD_SIGNATURE]: "reject",
  [TxErrorCode.WRONG_CHAIN]: "reject",
  [TxErrorCode.NONCE_TOO_LOW]: "reject",
  [TxErrorCode.NONCE_TOO_HIGH]: "reject",
  [TxErrorCode.FEE_TOO_LOW]: "reject",
  [TxErrorCode.INSUFFICIENT_BALANCE]: "reject",
  [TxErrorCode.TRANSFERS_DISABLED]: "reject",
  [TxErrorCode.INVALID_RECIPIENT]: "reject",
  [TxErrorCode.ZERO_AMOUNT]: "reject",
  [TxErrorCode.UNSUPPORTED]: "reject",
  [TxErrorCode.DUPLICATE]: "reject",
  [TxErrorCode.REPLACEMENT_UNDERPRICED]: "reject",
  [TxErrorCode.MEMPOOL_FULL]: "reject",
  [TxErrorCode.OVERFLOW]: "reject",

  [BlockErrorCode.MALFORMED]: "reject",
  [BlockErrorCode.NON_CANONICAL]: "reject",
  [BlockErrorCode.WRONG_CHAIN]: "reject",
  [BlockErrorCode.UNKNOWN_PARENT]: "ignore",
  [BlockErrorCode.BAD_HEIGHT]: "reject",
  [BlockErrorCode.BAD_SLOT]: "reject",
  [BlockErrorCode.FUTURE_SLOT]: "ignore",
  [BlockErrorCode.WRONG_PROPOSER]: "reject",
  [BlockErrorCode.BAD_SIGNATURE]: "reject",
  [BlockErrorCode.BAD_TX_ROOT]: "reject",
  [BlockErrorCode.BAD_STATE_ROOT]: "reject",
  [BlockErrorCode.INVALID_TX]: "reject",
  [BlockErrorCode.TOO_MANY_TXS]: "reject",
  [BlockErrorCode.TOO_LARGE]: "reject",
  [BlockErrorCode.REVERTS_FINALIZED]: "ignore",
  [BlockErrorCode.KNOWN]: "ignore",
  [BlockErrorCode.KNOWN_INVALID]: "reject",

  [RegistryErrorCode.UNKNOWN]: "reject",
  [RegistryErrorCode.CORRUPT]: "reject",
  [GenesisErrorCode.INVALID]: "reject",
  [GenesisErrorCode.MISMATCH]: "reject",

  [GovErrorCode.UNKNOWN_PROPOSAL]: "reject",
  [GovErrorCode.VOTING_CLOSED]: "reject",
  [GovErrorCode.NO_VOTING_POWER]: "reject",
  [GovErrorCode.NOT_IN_REVIEW]: "reject",
  [GovErrorCode.SELF_REVIEW]: "reject",
  [GovErrorCode.DUPLICATE_REVIEW]: "reject",
  [GovErrorCode.NOT_IN_IMPLEMENTATION]: "reject",
  [GovErrorCode.NOT_ORIGINAL_YES_VOTER]: "reject",
  [GovErrorCode.DUPLICATE_IMPLEMENTATION_VOTE]: "reject",
  [GovErrorCode.NOT_QUEUED]: "reject",
  [GovErrorCode.TIMELOCK_ACTIVE]: "reject",
  [GovErrorCode.EXECUTION_WINDOW_PASSED]: "reject",
  [GovErrorCode.NOT_PROPOSER]: "reject",
  [GovErrorCode.NOT_CANCELLABLE]: "reject",
  [GovErrorCode.INVALID_VALUE]: "reject",
  [GovErrorCode.NOT_GOVERNABLE]: "reject",
  [GovErrorCode.UNKNOWN_TARGET]: "reject",
  [GovErrorCode.CROSS_RULE_VIOLATION]: "reject",
  [GovErrorCode.DEPOSIT_TOO_LOW]: "reject",
  [GovErrorCode.INSUFFICIENT_BALANCE]: "reject",
  [GovErrorCode.TOO_MANY_ACTIVE]: "reject",
  [GovErrorCode.TITLE_TOO_LONG]: "reject",
  [GovErrorCode.DESCRIPTION_TOO_LONG]: "reject",
  [GovErrorCode.COMMENT_TOO_LONG]: "reject",
  [GovErrorCode.REASON_TOO_LONG]: "reject",
  [GovErrorCode.PURPOSE_TOO_LONG]: "reject",
  [GovErrorCode.EMPTY_TITLE]: "reject",
  [GovErrorCode.INVALID_RECIPIENT]: "reject",
  [GovErrorCode.INVALID_AMOUNT]: "reject",
  [GovErrorCode.TREASURY_SHORT]: "reject",
  [GovErrorCode.TREASURY_SPENDING_DISABLED]: "reject",
  [GovErrorCode.INVALID_ACTION]: "reject",
  [GovErrorCode.ROLLBACK_NOT_ALLOWED]: "reject",
  [GovErrorCode.ROLLBACK_CONFLICT]: "reject",
  [GovErrorCode.FIAT_WINDOW_CLOSED]: "reject",
  [GovErrorCode.FIAT_ALREADY_UNLOCKED]: "reject",
  [GovErrorCode.ALREADY_EXISTS]: "reject",
  [GovErrorCode.INVALID_TRANSITION]: "reject",
  [GovErrorCode.CORRUPT]: "reject",
  [GovErrorCode.INVARIANT]: "reject",
  [ChainInvariantErrorCode.VIOLATED]: "reject",

  [DbErrorCode.LOCKED]: "reject",
  [DbErrorCode.SCHEMA_MISMATCH]: "reject",
  [DbErrorCode.CORRUPT]: "reject",

  [ChainErrorCode.NODE_BUSY]: "ignore",
  [ChainErrorCode.REPLAY_MISMATCH]: "reject",
};

const DEFAULT_VERDICT: Record<"tx" | "block", Verdict> = { tx: "ignore", block: "reject" };

/**
 * The one place that maps a validation error to accept / ignore / reject. A non-XaiError (a bug)
 * is ignored as INTERNAL; a code outside the tables (one of a layer above the chain, which the
 * chain never raises) keeps the topic's default, as before the tables: ignore a tx, reject a block.
 */
export function verdictOf(err: unknown, topic: "tx" | "block" = "tx"): GossipResult {
  if (err === undefined) return { verdict: "accept", code: NetworkOutcome.OK };
  if (!isXaiError(err)) return { verdict: "ignore", code: NetworkOutcome.INTERNAL };
  const table: Readonly<Partial<Record<ErrorCode, Verdict>>> = topic === "tx" ? TX_VERDICT : BLOCK_VERDICT;
  return { verdict: table[err.code] ?? DEFAULT_VERDICT[topic], code: err.code };
}

/** Validates a gossiped transaction with the mempool's rules (it enters the mempool if valid). */
export async function validateGossipTx(chain: Chain, data: Uint8Array): Promise<GossipResult> {
  try {
    await chain.submitTx(data);
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
