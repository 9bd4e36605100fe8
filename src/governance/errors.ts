/**
 * Error codes of the governance module. A transaction that throws one of these is invalid: it
 * never enters the mempool or a block and leaves state unchanged. A few are also used as the
 * reason of a valid EXECUTE_PROPOSAL whose effect failed (marked "execution" below).
 */
export enum GovErrorCode {
  /** No proposal with this id (or number) exists. */
  UNKNOWN_PROPOSAL = "GOV_UNKNOWN_PROPOSAL",
  /** CAST_VOTE on a proposal that is not in `voting` (or after its voting_end). */
  VOTING_CLOSED = "GOV_VOTING_CLOSED",
  /** The sender has no power at the snapshot (balance 0). */
  NO_VOTING_POWER = "GOV_NO_VOTING_POWER",
  /** SUBMIT_CODE_REVIEW on a proposal that is not in `code_review`. */
  NOT_IN_REVIEW = "GOV_NOT_IN_REVIEW",
  /** The proposer may not review their own proposal. */
  SELF_REVIEW = "GOV_SELF_REVIEW",
  /** The reviewer has already reviewed this proposal. */
  DUPLICATE_REVIEW = "GOV_DUPLICATE_REVIEW",
  /** The reviewer's counted snapshot power is below the proposal's participant floor (v2). */
  BELOW_PARTICIPANT_FLOOR = "GOV_BELOW_PARTICIPANT_FLOOR",
  /** VOTE_IMPLEMENTATION on a proposal that is not in `implementation_vote`. */
  NOT_IN_IMPLEMENTATION = "GOV_NOT_IN_IMPLEMENTATION",
  /** VOTE_IMPLEMENTATION by an account whose final vote was not yes. */
  NOT_ORIGINAL_YES_VOTER = "GOV_NOT_ORIGINAL_YES_VOTER",
  /** The voter has already cast an implementation vote on this proposal. */
  DUPLICATE_IMPLEMENTATION_VOTE = "GOV_DUPLICATE_IMPLEMENTATION_VOTE",
  /** EXECUTE_PROPOSAL on a proposal that is not `queued`. */
  NOT_QUEUED = "GOV_NOT_QUEUED",
  /** EXECUTE_PROPOSAL before the proposal's eta. */
  TIMELOCK_ACTIVE = "GOV_TIMELOCK_ACTIVE",
  /** EXECUTE_PROPOSAL after eta + execution_grace_blocks. */
  EXECUTION_WINDOW_PASSED = "GOV_EXECUTION_WINDOW_PASSED",
  /** CANCEL_PROPOSAL by someone other than the proposer. */
  NOT_PROPOSER = "GOV_NOT_PROPOSER",
  /**
   * CANCEL_PROPOSAL on a proposal not in `voting`; emergency `cancel_proposal` of a target that is not
   * in voting, code_review, implementation_vote or queued (at submission, and at execution).
   */
  NOT_CANCELLABLE = "GOV_NOT_CANCELLABLE",
  /** A registry value of the wrong type or out of its bounds. */
  INVALID_VALUE = "GOV_INVALID_VALUE",
  /** The target is set by another mechanism, not by proposals (`fiat_rails`: the fiat unlock). */
  NOT_GOVERNABLE = "GOV_NOT_GOVERNABLE",
  /** A parameter, feature or rule that is not registered. */
  UNKNOWN_TARGET = "GOV_UNKNOWN_TARGET",
  /** The would-be registry values break a cross-rule invariant (also execution). */
  CROSS_RULE_VIOLATION = "GOV_CROSS_RULE_VIOLATION",
  /** The deposit is below the `proposal_deposit` rule. */
  DEPOSIT_TOO_LOW = "GOV_DEPOSIT_TOO_LOW",
  /** The proposer's balance does not cover the deposit (after the fee). */
  INSUFFICIENT_BALANCE = "GOV_INSUFFICIENT_BALANCE",
  /** The proposer already has `max_active_proposals_per_account` proposals in `voting`. */
  TOO_MANY_ACTIVE = "GOV_TOO_MANY_ACTIVE",
  /** Title longer than 140 UTF-8 bytes. */
  TITLE_TOO_LONG = "GOV_TITLE_TOO_LONG",
  /** Description longer than 10,000 UTF-8 bytes. */
  DESCRIPTION_TOO_LONG = "GOV_DESCRIPTION_TOO_LONG",
  /** Review comment longer than 2,000 UTF-8 bytes. */
  COMMENT_TOO_LONG = "GOV_COMMENT_TOO_LONG",
  /** Fiat-unlock reason longer than 500 UTF-8 bytes. */
  REASON_TOO_LONG = "GOV_REASON_TOO_LONG",
  /** Treasury allocation purpose longer than 500 UTF-8 bytes. */
  PURPOSE_TOO_LONG = "GOV_PURPOSE_TOO_LONG",
  /** Title empty or only ASCII whitespace. */
  EMPTY_TITLE = "GOV_EMPTY_TITLE",
  /** A title, description, comment, reason or purpose that is not valid UTF-8 (a lone surrogate). */
  INVALID_UTF8 = "GOV_INVALID_UTF8",
  /**
   * Treasury allocation recipient is not an address (`data.address_fault` says why), or is the
   * treasury or the deposit escrow.
   */
  INVALID_RECIPIENT = "GOV_INVALID_RECIPIENT",
  /** Treasury allocation amount is not a canonical decimal in (0, 2^64). */
  INVALID_AMOUNT = "GOV_INVALID_AMOUNT",
  /** The treasury does not hold the amount (at submission; also execution). */
  TREASURY_SHORT = "GOV_TREASURY_SHORT",
  /** Execution: the `treasury_spending` feature is off. */
  TREASURY_SPENDING_DISABLED = "GOV_TREASURY_SPENDING_DISABLED",
  /** Emergency action not one of pause_transfers, resume_transfers, cancel_proposal, or malformed. */
  INVALID_ACTION = "GOV_INVALID_ACTION",
  /** validator_set: the action is not `add` or `remove`, or a removal carries a public key (v2). */
  INVALID_VALIDATOR_ACTION = "GOV_INVALID_VALIDATOR_ACTION",
  /** validator_set: the address is not a bech32m xai address (`data.address_fault`) (v2). */
  INVALID_VALIDATOR_ADDRESS = "GOV_INVALID_VALIDATOR_ADDRESS",
  /**
   * validator_set add: the public key is not 32 bytes of lowercase hex, not an acceptable ed25519
   * key under the signature rule, or not the key of the address (v2).
   */
  INVALID_VALIDATOR_KEY = "GOV_INVALID_VALIDATOR_KEY",
  /**
   * validator_set: the activation height is not a canonical decimal, not after the block (at
   * submission) or the execution (at execution), more than MAX_ACTIVATION_LEAD ahead, or before
   * the activation of a change already pending (v2).
   */
  INVALID_ACTIVATION_HEIGHT = "GOV_INVALID_ACTIVATION_HEIGHT",
  /** validator_set add of an address already in the set (counting pending changes) (v2). */
  VALIDATOR_EXISTS = "GOV_VALIDATOR_EXISTS",
  /** validator_set remove of an address not in the set (counting pending changes) (v2). */
  NOT_A_VALIDATOR = "GOV_NOT_A_VALIDATOR",
  /** validator_set remove of the last validator: at least one always remains (v2). */
  LAST_VALIDATOR = "GOV_LAST_VALIDATOR",
  /** validator_set add beyond MAX_VALIDATORS, or beyond the pending-change limit (v2). */
  TOO_MANY_VALIDATORS = "GOV_TOO_MANY_VALIDATORS",
  /** validator_set where the node gave no genesis validator set (never on a chain; unit tests) (v2). */
  VALIDATOR_SET_UNKNOWN = "GOV_VALIDATOR_SET_UNKNOWN",
  /** Rollback target is not an executed proposal of a reversible kind (also execution). */
  ROLLBACK_NOT_ALLOWED = "GOV_ROLLBACK_NOT_ALLOWED",
  /** Execution: a key the target changed holds another value, or was written since by anyone else. */
  ROLLBACK_CONFLICT = "GOV_ROLLBACK_CONFLICT",
  /** FIAT_UNLOCK_VOTE before the window's start height. */
  FIAT_WINDOW_CLOSED = "GOV_FIAT_WINDOW_CLOSED",
  /** FIAT_UNLOCK_VOTE after the unlock. */
  FIAT_ALREADY_UNLOCKED = "GOV_FIAT_ALREADY_UNLOCKED",
  /**
   * software_upgrade name not 1-64 bytes of lowercase ASCII letters, digits, `.`, `-`, `_`, starting
   * with a letter or digit (v2, SPEC §4.7).
   */
  INVALID_UPGRADE_NAME = "GOV_INVALID_UPGRADE_NAME",
  /** software_upgrade height above 2^53 - 1 (v2). */
  INVALID_UPGRADE_HEIGHT = "GOV_INVALID_UPGRADE_HEIGHT",
  /**
   * software_upgrade height below the current height + `timelock_blocks` (at submission and at
   * execution; `data.min_height`) (v2; also execution).
   */
  UPGRADE_HEIGHT_TOO_SOON = "GOV_UPGRADE_HEIGHT_TOO_SOON",
  /** software_upgrade info without a `sha256:<64 hex>` of the release, or over 1,000 bytes (v2). */
  INVALID_UPGRADE_INFO = "GOV_INVALID_UPGRADE_INFO",
  /** software_upgrade of a name this chain has already applied (v2; also execution). */
  UPGRADE_ALREADY_APPLIED = "GOV_UPGRADE_ALREADY_APPLIED",
  /** cancel_upgrade of a name that is not the pending plan's (`data.pending`) (v2; also execution). */
  NO_PENDING_UPGRADE = "GOV_NO_PENDING_UPGRADE",
  /**
   * The block is at the pending plan's height and this release has no handler for its name: the
   * node halts before applying it (`data`: name, height, info) (v2, SPEC §4.7). Not an invalid block.
   */
  UPGRADE_NEEDED = "GOV_UPGRADE_NEEDED",
  /** A proposal with this id already exists. */
  ALREADY_EXISTS = "GOV_ALREADY_EXISTS",
  /** A lifecycle transition that the state machine forbids (a bug if ever thrown). */
  INVALID_TRANSITION = "GOV_INVALID_TRANSITION",
  /** A stored governance record does not decode (a bug or a corrupted database). */
  CORRUPT = "GOV_CORRUPT",
  /** Governance state is inconsistent (assertGovernanceInvariants). */
  INVARIANT = "GOV_INVARIANT",
}

declare module "../errors.js" {
  interface ErrorCodes {
    gov: GovErrorCode;
  }
}
