import { fromHex, toHex } from "../crypto/bytes.js";
import { addressFault, addressOf, devKeyPair, isDevChainId } from "../crypto/keys.js";
import { isAcceptablePublicKey } from "../crypto/verify.js";
import { GenesisFault } from "./errors.js";
import { parseBalances } from "./genesisBalances.js";
import { amountField, arrayField, fail, uintField } from "./genesisFields.js";
import { genesisHash } from "./genesisHash.js";
import {
  CROSS_RULES,
  isGenesisEntry,
  parseRegistryValue,
  type RegistrySpace,
  type RuleName,
  registryEntries,
  registryEntry,
  UNITS_PER_XAI,
} from "./registry.js";
import { MAX_GENESIS_SUPPLY, MAX_MINTABLE } from "./supply.js";

/** A genesis validator. */
export interface GenesisValidator {
  address: string;
  publicKey: Uint8Array;
}

/** Default fiat-unlock quorum (SPEC v2 §4.5): 20 % of the circulating supply must vote. */
export const FIAT_QUORUM_BPS_DEFAULT = 2_000n;

/** On-chain fiat unlock settings (SPEC §4.5). */
export interface FiatUnlockConfig {
  startHeight: number;
  autoUnlockHeight: number;
  minVotes: bigint;
  supportBps: bigint;
  /** v2: voted power x 10,000 >= quorum_bps x circulating supply at the window's snapshot. */
  quorumBps: bigint;
}

/**
 * A validated genesis with every registry value filled in and its hash computed: what a running
 * chain keeps. Its balances are in GenesisFile only: they are read once, into a new database's
 * genesis state (and by replay), and a chain does not hold them (100,000 balances are about 15 MiB
 * of objects; issue 10).
 */
export interface Genesis {
  chainId: string;
  genesisTimeMs: number;
  blockTimeMs: number;
  finalityDepth: number;
  validators: GenesisValidator[];
  treasuryBalance: bigint;
  /** Canonical strings by name, one map per registry space. */
  values: Record<RegistrySpace, Record<string, string>>;
  fiatUnlock: FiatUnlockConfig;
  /** sha256 of the canonical protobuf encoding. */
  hash: Uint8Array;
}

/** A genesis as parsed from its file: with its balances, in account order. */
export interface GenesisFile extends Genesis {
  balances: Array<{ address: string; amount: bigint }>;
}

/** Genesis presets of `xai-gov init --preset`. */
export type Preset = "dev" | "test";

/** Governance rules a genesis sets, by name (the rest keep their registry defaults). */
export type RuleValues = Partial<Record<RuleName, string>>;

const PRESET_RULES: Record<Preset, RuleValues> = {
  dev: {},
  test: {
    voting_period_blocks: "5",
    review_period_blocks: "5",
    implementation_period_blocks: "5",
    emergency_period_blocks: "2",
    timelock_blocks: "3",
    emergency_timelock_blocks: "1",
    execution_grace_blocks: "20",
  },
};

/** The governance rules a preset's genesis sets (a copy). */
export function presetRules(preset: Preset): RuleValues {
  return { ...PRESET_RULES[preset] };
}

const PRESET_BLOCK_TIME_MS: Record<Preset, number> = { dev: 1000, test: 1000 };

function registryValues(space: RegistrySpace, raw: unknown): Record<string, string> {
  const given = (raw ?? {}) as Record<string, unknown>;
  if (typeof given !== "object" || Array.isArray(given))
    fail(GenesisFault.BAD_FIELD, `${space} values must be an object`);
  const out: Record<string, string> = {};
  // An entry a later release adds comes into force through its upgrade, never through genesis.
  for (const name of Object.keys(given)) {
    const e = registryEntry(space, name);
    if (!e || !isGenesisEntry(e))
      fail(GenesisFault.UNKNOWN_REGISTRY_NAME, `unknown ${space} ${name}`, { space, name });
  }
  for (const e of registryEntries(space).filter(isGenesisEntry)) {
    const v = given[e.name];
    const str = v === undefined ? e.default : typeof v === "boolean" ? String(v) : v;
    if (typeof str !== "string")
      fail(GenesisFault.BAD_REGISTRY_VALUE, `${space} ${e.name} must be a string`, { space, name: e.name });
    const r = parseRegistryValue(e, str);
    if (!r.ok) fail(GenesisFault.BAD_REGISTRY_VALUE, r.reason, { space, name: e.name });
    out[e.name] = str;
  }
  return out;
}

/** Validates a parsed genesis.json and computes its hash. Throws GENESIS_INVALID (data.reason: a GenesisFault). */
export function parseGenesis(json: unknown): GenesisFile {
  return parse(json, undefined) as GenesisFile;
}

/**
 * parseGenesis for the bytes of a genesis.json a database has already checked whole against its
 * genesis hash `hash` (src/node/genesisFile.ts keeps their sha256): every field is validated again
 * except the balances, which are neither parsed nor kept (only a new database's genesis state
 * needs them), and the hash is `hash`. For a start with 100,000 balances this is the difference
 * between about 60 MiB more resident memory and none (issue 10).
 */
export function parseCheckedGenesis(json: unknown, hash: Uint8Array): Genesis {
  return parse(json, hash);
}

function parse(json: unknown, checkedHash: Uint8Array | undefined): Genesis | GenesisFile {
  const g = json as Record<string, unknown>;
  if (typeof g !== "object" || g === null) fail(GenesisFault.NOT_AN_OBJECT, "genesis must be an object");
  const chainId = g.chain_id;
  if (typeof chainId !== "string" || !/^[a-z0-9][a-z0-9-]{2,63}$/.test(chainId))
    fail(GenesisFault.BAD_CHAIN_ID, "chain_id must match [a-z0-9-]{3,64}");
  const validators = arrayField(g.validators, "validators").map((v, i) => {
    const o = v as Record<string, unknown>;
    if (typeof o?.public_key !== "string" || !/^[0-9a-f]{64}$/.test(o.public_key))
      fail(GenesisFault.BAD_VALIDATOR, `validator ${i}: bad public_key`);
    const publicKey = fromHex(o.public_key);
    if (!isAcceptablePublicKey(publicKey))
      fail(GenesisFault.BAD_VALIDATOR, `validator ${i}: public_key is not an acceptable ed25519 key`);
    const fault = addressFault(o.address);
    if (fault)
      fail(GenesisFault.BAD_VALIDATOR, `validator ${i}: address is not an address (${fault})`, {
        address_fault: fault,
      });
    if (o.address !== addressOf(publicKey))
      fail(GenesisFault.BAD_VALIDATOR, `validator ${i}: address does not match public_key`);
    return { address: o.address as string, publicKey };
  });
  if (validators.length === 0) fail(GenesisFault.NO_VALIDATORS, "at least one validator is required");
  if (new Set(validators.map((v) => v.address)).size !== validators.length)
    fail(GenesisFault.DUPLICATE_VALIDATOR, "duplicate validator");
  const balances = checkedHash === undefined ? parseBalances(g.balances) : undefined;
  if (!isDevChainId(chainId)) {
    // The dev keys are public: on any other chain they must hold nothing and validate nothing.
    const dev = new Set(Array.from({ length: 10 }, (_, i) => devKeyPair(i).address));
    if (balances?.some((b) => dev.has(b.address)) || validators.some((v) => dev.has(v.address)))
      fail(GenesisFault.DEV_ACCOUNTS, `dev accounts are refused on chain id ${chainId}`);
  }
  const values = {
    param: registryValues("param", g.params),
    feature: registryValues("feature", g.features),
    rule: registryValues("rule", g.governance_rules),
  };
  const value = (space: RegistrySpace, name: string) => {
    const raw = values[space][name]!;
    return raw === "true" ? 1n : raw === "false" ? 0n : BigInt(raw);
  };
  for (const c of CROSS_RULES)
    if (!c.holds(value))
      fail(GenesisFault.CROSS_RULE, `cross-rule invariant violated: ${c.description}`, { rule: c.id });
  const f = (g.fiat_unlock ?? {}) as Record<string, unknown>;
  const fiatUnlock: FiatUnlockConfig = {
    startHeight: uintField(f.start_height, "fiat_unlock.start_height"),
    autoUnlockHeight: uintField(f.auto_unlock_height, "fiat_unlock.auto_unlock_height"),
    minVotes: BigInt(uintField(f.min_votes, "fiat_unlock.min_votes")),
    supportBps: BigInt(uintField(f.support_bps, "fiat_unlock.support_bps")),
    quorumBps: BigInt(uintField(f.quorum_bps ?? Number(FIAT_QUORUM_BPS_DEFAULT), "fiat_unlock.quorum_bps")),
  };
  if (fiatUnlock.autoUnlockHeight <= fiatUnlock.startHeight)
    fail(GenesisFault.BAD_FIAT_UNLOCK, "fiat_unlock.auto_unlock_height must follow start_height");
  if (fiatUnlock.minVotes < 1n || fiatUnlock.supportBps < 5_100n || fiatUnlock.supportBps > 10_000n)
    fail(GenesisFault.BAD_FIAT_UNLOCK, "fiat_unlock: min_votes >= 1 and support_bps in [5100, 10000]");
  if (fiatUnlock.quorumBps < 1n || fiatUnlock.quorumBps > 10_000n)
    fail(GenesisFault.BAD_FIAT_UNLOCK, "fiat_unlock: quorum_bps in [1, 10000]");
  const genesis: Omit<Genesis, "hash"> = {
    chainId,
    genesisTimeMs: uintField(g.genesis_time_ms, "genesis_time_ms"),
    blockTimeMs: uintField(g.block_time_ms, "block_time_ms"),
    finalityDepth: uintField(g.finality_depth, "finality_depth"),
    validators,
    treasuryBalance: amountField(g.treasury_balance, "treasury_balance"),
    values,
    fiatUnlock,
  };
  // C2: the supply plus everything block rewards could ever mint must fit the amount type.
  // (A checked file's balances were counted when its bytes were checked; the treasury still is.)
  if ((balances ?? []).reduce((n, b) => n + b.amount, genesis.treasuryBalance) > MAX_GENESIS_SUPPLY)
    fail(
      GenesisFault.SUPPLY_OVERFLOW,
      `total supply must be at most ${MAX_GENESIS_SUPPLY} (2^64 - 1 minus ${MAX_MINTABLE}, the most block rewards can mint)`,
    );
  if (genesis.blockTimeMs < 100 || genesis.blockTimeMs > 600_000)
    fail(GenesisFault.BAD_BLOCK_TIME, "block_time_ms must be within [100, 600000]");
  if (genesis.finalityDepth < 1 || genesis.finalityDepth > 10_000)
    fail(GenesisFault.BAD_FINALITY_DEPTH, "finality_depth must be within [1, 10000]");
  if (balances === undefined) return { ...genesis, hash: checkedHash! };
  const file = { ...genesis, balances };
  return { ...file, hash: genesisHash(file) };
}

/** Options of `xai-gov init`. */
export interface GenesisOptions {
  chainId: string;
  preset: Preset;
  dev: boolean;
  validatorPublicKeys: Uint8Array[];
  genesisTimeMs: number;
  blockTimeMs?: number;
  /** Rules set over the preset's (a local network sized to its machine; parseGenesis checks them). */
  rules?: RuleValues;
}

/** Builds a genesis.json object for a preset. `dev` funds dev:0 … dev:9 (dev chain ids only). */
export function createGenesisJson(o: GenesisOptions): Record<string, unknown> {
  if (o.dev && !isDevChainId(o.chainId))
    fail(GenesisFault.DEV_ACCOUNTS, `dev accounts are refused on chain id ${o.chainId}`);
  const million = (1_000_000n * UNITS_PER_XAI).toString();
  const funded = o.dev
    ? Array.from({ length: 10 }, (_, i) => devKeyPair(i).address)
    : o.validatorPublicKeys.map((pk) => addressOf(pk));
  return {
    chain_id: o.chainId,
    genesis_time_ms: o.genesisTimeMs,
    block_time_ms: o.blockTimeMs ?? PRESET_BLOCK_TIME_MS[o.preset],
    finality_depth: 64,
    validators: o.validatorPublicKeys.map((pk) => ({ address: addressOf(pk), public_key: toHex(pk) })),
    balances: funded.map((address) => ({ address, amount: million })),
    treasury_balance: (10_000_000n * UNITS_PER_XAI).toString(),
    params: {},
    features: {},
    governance_rules: { ...PRESET_RULES[o.preset], ...o.rules },
    fiat_unlock: {
      start_height: 10,
      auto_unlock_height: 1_000_000,
      min_votes: 5,
      support_bps: 6600,
      quorum_bps: Number(FIAT_QUORUM_BPS_DEFAULT),
    },
  };
}

/** Genesis hash as hex (chain identity beside the chain id). */
export function genesisHashHex(g: Genesis): string {
  return toHex(g.hash);
}

/** Validators in slot order. */
export function proposerOfSlot(g: Genesis, slot: number): GenesisValidator {
  return g.validators[slot % g.validators.length]!;
}
