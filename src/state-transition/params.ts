import { RegistryErrorCode } from "../config/errors.js";
import {
  type FeatureName,
  type ParamName,
  parseRegistryValue,
  type RegistryEntry,
  type RegistryName,
  type RegistrySpace,
  type RuleName,
  registryEntries,
  registryEntry,
} from "../config/registry.js";
import { utf8 } from "../crypto/bytes.js";
import { xaiError } from "../errors.js";
import { registryKey, StateBucket } from "./keys.js";
import type { StateReader, StateWriter } from "./stateStore.js";
import type { Validator } from "./validatorSet.js";

const dec = new TextDecoder();

const BUCKETS: Record<RegistrySpace, number> = {
  param: StateBucket.PARAM,
  feature: StateBucket.FEATURE,
  rule: StateBucket.RULE,
};

// Names typed as ParamName, FeatureName or RuleName are registered by construction; the raw reads and
// writes below also take names from outside (a transaction's target, a stored change, a test
// vector), so they still check the name and throw REGISTRY_UNKNOWN.
function entryOf(space: RegistrySpace, name: string): RegistryEntry {
  const e = registryEntry(space, name);
  if (!e) throw xaiError(RegistryErrorCode.UNKNOWN, `no ${space} named ${name}`);
  return e;
}

/**
 * Raw canonical string of a registry value in state (the default if never written). Throws
 * REGISTRY_UNKNOWN for an unregistered name.
 */
export async function getRegistryRaw(
  state: StateReader,
  space: RegistrySpace,
  name: string,
): Promise<string> {
  const e = entryOf(space, name);
  const v = await state.get(registryKey(BUCKETS[space], name));
  if (v) return dec.decode(v);
  // An entry an upgrade adds reads as its inactive value until its migration writes it.
  return e.since === undefined ? e.default : e.inactive!;
}

/**
 * True if the entry is in force: part of genesis, or written by the migration of the upgrade that
 * added it (SPEC v2 §4.7). REGISTRY_UNKNOWN for an unregistered name.
 */
export async function isRegistryInForce(
  state: StateReader,
  space: RegistrySpace,
  name: string,
): Promise<boolean> {
  const e = entryOf(space, name);
  return e.since === undefined || (await state.get(registryKey(BUCKETS[space], name))) !== undefined;
}

/** Writes a registry value (already validated by the caller) as its canonical string; REGISTRY_UNKNOWN as above. */
export function putRegistryRaw(state: StateWriter, space: RegistrySpace, name: string, raw: string): void {
  entryOf(space, name);
  state.put(registryKey(BUCKETS[space], name), utf8(raw));
}

async function numeric<S extends RegistrySpace>(
  state: StateReader,
  space: S,
  name: RegistryName<S>,
): Promise<bigint> {
  const raw = await getRegistryRaw(state, space, name);
  const r = parseRegistryValue(entryOf(space, name), raw);
  if (!r.ok || typeof r.value !== "bigint")
    throw xaiError(RegistryErrorCode.CORRUPT, `${space} ${name} = ${raw}`);
  return r.value;
}

/** Current value of a chain parameter. */
export function getParam(state: StateReader, name: ParamName): Promise<bigint> {
  return numeric(state, "param", name);
}

/** Current value of a governance rule. */
export function getRule(state: StateReader, name: RuleName): Promise<bigint> {
  return numeric(state, "rule", name);
}

/** True if a feature is on. */
export async function isFeatureOn(state: StateReader, name: FeatureName): Promise<boolean> {
  return (await getRegistryRaw(state, "feature", name)) === "true";
}

/**
 * Parameters, features and governance rules as they were at the start of a block. The chain and
 * the modules read these (never the live overlay) for behaviour, so an execution's effect takes
 * hold from the next block, whatever its position in the block.
 */
export interface BlockParams {
  param: Record<ParamName, bigint>;
  feature: Record<FeatureName, boolean>;
  rule: Record<RuleName, bigint>;
  /**
   * The genesis validator set: what the validator set in state starts from while no change has
   * executed (validatorSet.ts). Empty when the caller did not give it (unit tests of other
   * rules); then `validator_set` proposals are refused and no proposer check can be made.
   */
  genesisValidators: readonly Validator[];
}

/** Loads every registered parameter, feature and rule from `state`, with the genesis validator set. */
export async function loadBlockParams(
  state: StateReader,
  genesisValidators: readonly Validator[] = [],
): Promise<BlockParams> {
  const param: Partial<BlockParams["param"]> = {};
  const feature: Partial<BlockParams["feature"]> = {};
  const rule: Partial<BlockParams["rule"]> = {};
  for (const e of registryEntries("param")) param[e.name] = await getParam(state, e.name);
  for (const e of registryEntries("feature")) feature[e.name] = await isFeatureOn(state, e.name);
  for (const e of registryEntries("rule")) rule[e.name] = await getRule(state, e.name);
  // Every registered name was read just above.
  return { param, feature, rule, genesisValidators } as BlockParams;
}

/** A parameter of a block's parameters. */
export function paramOf(p: BlockParams, name: ParamName): bigint {
  return p.param[name];
}

/** A governance rule of a block's parameters. */
export function ruleOf(p: BlockParams, name: RuleName): bigint {
  return p.rule[name];
}

/** A feature of a block's parameters. */
export function featureOf(p: BlockParams, name: FeatureName): boolean {
  return p.feature[name];
}
