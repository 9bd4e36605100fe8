/** Value types of registry entries (SPEC §4.4). */
export type RegistryType = "uint" | "bps" | "bool" | "address" | "amount";

/** Which registry an entry belongs to. */
export type RegistrySpace = "param" | "feature" | "rule";

/** A registry entry: what governance may change, its type, bounds and default. */
export interface RegistryEntry<N extends string = string> {
  space: RegistrySpace;
  name: N;
  type: RegistryType;
  /** Inclusive bounds for numeric types (bigint); absent for bool/address. */
  min?: bigint;
  max?: bigint;
  /** Default (dev preset) as canonical string. */
  default: string;
  /** What the node does with it. */
  description: string;
  /** False for an entry set by another mechanism, never by proposals (fiat_rails: the fiat unlock). */
  governable: boolean;
  /**
   * The upgrade whose migration brings the entry into force (SPEC v2 §4.7, versioned registry).
   * Absent for the entries of genesis. An entry with `since` is not part of genesis (so genesis stays
   * byte-identical across releases), reads as `inactive` until its migration writes `default`, and
   * no proposal may target it before.
   */
  since?: string;
  /** The value an entry with `since` reads as before its upgrade: behaviour as before the entry. */
  inactive?: string;
}

/** Base units per XAI. */
export const UNITS_PER_XAI = 100_000_000n;

const xai = (n: bigint): bigint => n * UNITS_PER_XAI;

function num<N extends string>(
  space: RegistrySpace,
  name: N,
  type: "uint" | "bps" | "amount",
  def: bigint,
  min: bigint,
  max: bigint,
  description: string,
): RegistryEntry<N> {
  return { space, name, type, min, max, default: def.toString(), description, governable: true };
}

function flag<N extends string>(
  name: N,
  def: boolean,
  description: string,
  governable = true,
): RegistryEntry<N> {
  return { space: "feature", name, type: "bool", default: def ? "true" : "false", description, governable };
}

/** Chain parameters (SPEC §4.4), read from state by the chain. */
export const PARAMS = [
  num(
    "param",
    "block_reward",
    "amount",
    xai(12n),
    0n,
    xai(50n),
    "units minted to the proposer per block, before halving",
  ),
  num(
    "param",
    "halving_interval",
    "uint",
    262_800n,
    100n,
    1_000_000_000n,
    "blocks between halvings of the block reward",
  ),
  num("param", "min_tx_fee", "amount", 1_000n, 0n, 100_000_000n, "lowest fee a transaction may pay"),
  num(
    "param",
    "transaction_fee_bps",
    "bps",
    24n,
    0n,
    500n,
    "extra fee on transfers, paid to the treasury, bps of the amount (rounded up)",
  ),
  num("param", "max_block_txs", "uint", 2_000n, 10n, 20_000n, "most transactions in a block"),
  num(
    "param",
    "max_block_bytes",
    "uint",
    1_000_000n,
    10_000n,
    10_000_000n,
    "most bytes of transactions in a block",
  ),
  num("param", "max_tx_bytes", "uint", 16_384n, 512n, 262_144n, "largest encoded transaction"),
  {
    // Added by the test upgrade v2-test (governance/upgrade/handlers.ts): in force on test chains only.
    ...num(
      "param",
      "min_transfer_amount",
      "amount",
      1_000n,
      0n,
      100_000_000n,
      "smallest TRANSFER amount (0: any positive amount); added by the test upgrade v2-test",
    ),
    since: "v2-test",
    inactive: "0",
  },
] as const;

/** Name of a chain parameter (a misspelt name does not compile). */
export type ParamName = (typeof PARAMS)[number]["name"];

/** Features (SPEC §4.4). */
export const FEATURES = [
  flag("transfers", true, "off rejects TRANSFER transactions"),
  flag("fee_burn", false, "on burns transaction fees instead of paying the proposer"),
  flag("treasury_spending", true, "off makes treasury allocations fail at execution"),
  flag("fiat_rails", false, "signal read by off-chain fiat services; turned on by the fiat unlock", false),
] as const;

/** Name of a feature. */
export type FeatureName = (typeof FEATURES)[number]["name"];

/** Governance rules (SPEC §4.4), changed only by `governance_rule` proposals within these bounds. */
export const RULES = [
  num("rule", "voting_period_blocks", "uint", 20n, 5n, 10_000_000n, "blocks a proposal is open for votes"),
  num("rule", "review_period_blocks", "uint", 20n, 5n, 10_000_000n, "blocks of the code review stage"),
  num(
    "rule",
    "implementation_period_blocks",
    "uint",
    20n,
    5n,
    10_000_000n,
    "blocks of the implementation vote",
  ),
  num(
    "rule",
    "emergency_period_blocks",
    "uint",
    5n,
    2n,
    1_000_000n,
    "blocks of each stage (voting, review, implementation) of an emergency proposal",
  ),
  num(
    "rule",
    "timelock_blocks",
    "uint",
    10n,
    2n,
    10_000_000n,
    "blocks between queueing and the earliest execution",
  ),
  num(
    "rule",
    "emergency_timelock_blocks",
    "uint",
    3n,
    1n,
    1_000_000n,
    "timelock of emergency actions (<= timelock_blocks)",
  ),
  num(
    "rule",
    "execution_grace_blocks",
    "uint",
    50n,
    10n,
    10_000_000n,
    "blocks after eta during which execution is allowed",
  ),
  num("rule", "min_voters", "uint", 3n, 1n, 100n, "distinct voters a proposal needs"),
  num(
    "rule",
    "quorum_bps",
    "bps",
    3_340n,
    500n,
    5_000n,
    "participation needed, bps of snapshot supply (> max_individual_power_bps)",
  ),
  num("rule", "approval_bps", "bps", 6_600n, 5_100n, 9_000n, "yes share of yes + no needed"),
  num(
    "rule",
    "emergency_approval_bps",
    "bps",
    7_500n,
    5_100n,
    10_000n,
    "yes share for emergency actions (>= approval_bps)",
  ),
  num(
    "rule",
    "max_individual_power_bps",
    "bps",
    2_000n,
    500n,
    5_000n,
    "cap on one voter's counted power, bps of snapshot supply",
  ),
  num("rule", "min_code_reviewers", "uint", 2n, 1n, 20n, "reviews a proposal needs"),
  num(
    "rule",
    "review_approval_bps",
    "bps",
    6_600n,
    5_100n,
    10_000n,
    "approving share of review power needed",
  ),
  num(
    "rule",
    "implementation_approval_bps",
    "bps",
    5_000n,
    1_000n,
    9_000n,
    "share of original yes voters who must approve implementation (rounded up)",
  ),
  num(
    "rule",
    "proposal_deposit",
    "amount",
    xai(10n),
    0n,
    xai(100_000n),
    "deposit a proposal must lock (<= 0.1 % of the circulating supply)",
  ),
  num(
    "rule",
    "max_active_proposals_per_account",
    "uint",
    3n,
    1n,
    100n,
    "proposals one account may have in voting at once",
  ),
  num(
    "rule",
    "participant_floor_bps",
    "bps",
    10n,
    0n,
    100n,
    "counted power a voter needs to count as a head (min_voters, fiat min_votes) and to review, bps of snapshot supply (rounded up)",
  ),
] as const;

/** Name of a governance rule. */
export type RuleName = (typeof RULES)[number]["name"];

/** The names of a registry space (of every space without an argument). */
export type RegistryName<S extends RegistrySpace = RegistrySpace> = {
  param: ParamName;
  feature: FeatureName;
  rule: RuleName;
}[S];

const ALL = new Map<string, RegistryEntry>();
for (const e of [...PARAMS, ...FEATURES, ...RULES]) ALL.set(`${e.space}:${e.name}`, e);

/**
 * The entry `name` of a registry space, or undefined if not registered. Names from outside the code
 * (transactions, genesis JSON, HTTP/CLI input, stored changes) are checked with this.
 */
export function registryEntry<S extends RegistrySpace>(
  space: S,
  name: string,
): RegistryEntry<RegistryName<S>> | undefined {
  return ALL.get(`${space}:${name}`) as RegistryEntry<RegistryName<S>> | undefined;
}

/** True if `e` is part of genesis: not added by an upgrade. */
export function isGenesisEntry(e: RegistryEntry): boolean {
  return e.since === undefined;
}

/** Every entry of a registry space, in name order. */
export function registryEntries<S extends RegistrySpace>(space: S): RegistryEntry<RegistryName<S>>[] {
  const list: readonly RegistryEntry[] = space === "param" ? PARAMS : space === "feature" ? FEATURES : RULES;
  return ([...list] as RegistryEntry<RegistryName<S>>[]).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
}

export { CROSS_RULES, type CrossRule, DEPOSIT_SUPPLY_DIVISOR } from "./crossRules.js";
export { isCanonicalDecimal, type ParseResult, parseRegistryValue } from "./registryValues.js";
