/**
 * Cross-rule invariants of the registry (SPEC §4.4): relations between entries that no single
 * bound can express. They are checked whenever a registry value changes: at genesis, and at the
 * submission and the execution of every proposal that writes the registry (a rollback included).
 * Together with the bounds they are what keeps governance live (SPEC §4.4 "Liveness"): see
 * docs/MODULE_REGISTRY.md#liveness for why each one is needed.
 */
import type { RegistryName, RegistrySpace } from "./registry.js";

/** A cross-rule invariant over registry values that no single-entry bound can express. */
export interface CrossRule {
  id: string;
  description: string;
  holds: (value: <S extends RegistrySpace>(space: S, name: RegistryName<S>) => bigint) => boolean;
}

/**
 * `proposal_deposit` may be at most 1 / DEPOSIT_SUPPLY_DIVISOR (0.1 %) of the circulating supply.
 * This one depends on state, not only on registry values, so it is not in CROSS_RULES: the
 * governance module checks it against the state of the moment (`checkDepositBound`).
 */
export const DEPOSIT_SUPPLY_DIVISOR = 1_000n;

/**
 * The reference distribution of the liveness guarantee (SPEC §4.4 "genesis-like distribution"):
 * the dev preset's ten equal holders. Rules that depend on how many holders there are use it.
 */
export const LIVENESS_HOLDERS = 10n;

/**
 * While transfers are paused nobody can split a balance into more accounts, so the head counts
 * must stay within the reference distribution's holders (the proposer cannot review its own
 * proposal, hence one reviewer fewer). Found by the liveness property test (A4):
 * `pause_transfers` with `min_code_reviewers` 17 and ten holders bricks governance.
 */
export const PAUSED_MAX_MIN_VOTERS = LIVENESS_HOLDERS;

/** See PAUSED_MAX_MIN_VOTERS. */
export const PAUSED_MAX_MIN_CODE_REVIEWERS = LIVENESS_HOLDERS - 1n;

/**
 * The most of the supply (bps) that `min_voters` heads at the participant floor may need. Reviewers
 * need no such rule: their bounds (20 x 100 bps) keep them within 2,000 bps.
 */
export const HEADS_AT_FLOOR_MAX_BPS = 5_000n;

/** Invariants checked whenever a registry value changes (at genesis, submission and execution). */
export const CROSS_RULES: readonly CrossRule[] = [
  {
    id: "emergency_timelock_le_timelock",
    description: "emergency_timelock_blocks <= timelock_blocks",
    holds: (v) => v("rule", "emergency_timelock_blocks") <= v("rule", "timelock_blocks"),
  },
  {
    id: "emergency_approval_ge_approval",
    description: "emergency_approval_bps >= approval_bps",
    holds: (v) => v("rule", "emergency_approval_bps") >= v("rule", "approval_bps"),
  },
  {
    id: "tx_fits_block",
    description: "max_tx_bytes <= max_block_bytes",
    holds: (v) => v("param", "max_tx_bytes") <= v("param", "max_block_bytes"),
  },
  {
    // No single account meets quorum alone (A7), and quorum stays reachable below 100 %.
    id: "quorum_gt_max_individual_power",
    description: "quorum_bps > max_individual_power_bps",
    holds: (v) => v("rule", "quorum_bps") > v("rule", "max_individual_power_bps"),
  },
  {
    // Ten holders at the cap count more than the quorum, with room for the cap's rounding down
    // (A4, found by the liveness property test: quorum 5000 with cap 500 and ten equal holders
    // missed the quorum by a few units as soon as the supply was not a multiple of 20).
    id: "quorum_lt_ten_capped_holders",
    description: `quorum_bps < ${LIVENESS_HOLDERS} x max_individual_power_bps`,
    holds: (v) => v("rule", "quorum_bps") < LIVENESS_HOLDERS * v("rule", "max_individual_power_bps"),
  },
  {
    // Every vote a proposal needs fits in one block (A4, by analysis: min_voters 100 with
    // max_block_txs 10 and 5-block stages could never pass anything).
    id: "min_voters_le_max_block_txs",
    description: "min_voters <= max_block_txs",
    holds: (v) => v("rule", "min_voters") <= v("param", "max_block_txs"),
  },
  {
    // The heads a proposal needs, each at the participant floor, hold at most half the supply, so
    // the holders can always form them (review of v2: min_voters 100 with a floor of 100 bps asked
    // for 100 accounts of >= 1 % each: impossible once one unit sits anywhere else).
    id: "heads_at_floor_le_half_supply",
    description: `min_voters x participant_floor_bps <= ${HEADS_AT_FLOOR_MAX_BPS}`,
    holds: (v) => v("rule", "min_voters") * v("rule", "participant_floor_bps") <= HEADS_AT_FLOOR_MAX_BPS,
  },
  {
    id: "paused_head_counts",
    description: `transfers on, or min_voters <= ${PAUSED_MAX_MIN_VOTERS} and min_code_reviewers <= ${PAUSED_MAX_MIN_CODE_REVIEWERS}`,
    holds: (v) =>
      v("feature", "transfers") === 1n ||
      (v("rule", "min_voters") <= PAUSED_MAX_MIN_VOTERS &&
        v("rule", "min_code_reviewers") <= PAUSED_MAX_MIN_CODE_REVIEWERS),
  },
  {
    // An emergency stage is never longer than the regular one it replaces (U5).
    id: "emergency_period_le_voting_period",
    description: "emergency_period_blocks <= voting_period_blocks",
    holds: (v) => v("rule", "emergency_period_blocks") <= v("rule", "voting_period_blocks"),
  },
  {
    id: "emergency_period_le_review_period",
    description: "emergency_period_blocks <= review_period_blocks",
    holds: (v) => v("rule", "emergency_period_blocks") <= v("rule", "review_period_blocks"),
  },
  {
    id: "emergency_period_le_implementation_period",
    description: "emergency_period_blocks <= implementation_period_blocks",
    holds: (v) => v("rule", "emergency_period_blocks") <= v("rule", "implementation_period_blocks"),
  },
];
