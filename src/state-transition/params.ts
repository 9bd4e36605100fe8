import {
  parseRegistryValue,
  type RegistryEntry,
  type RegistrySpace,
  registryEntries,
  registryEntry,
} from "../config/registry.js";
import { utf8 } from "../crypto/bytes.js";
import { XaiError } from "../errors.js";
import { registryKey, StateBucket } from "./keys.js";
import type { StateReader, StateWriter } from "./stateStore.js";

const dec = new TextDecoder();

const BUCKETS: Record<RegistrySpace, number> = {
  param: StateBucket.PARAM,
  feature: StateBucket.FEATURE,
  rule: StateBucket.RULE,
};

function entryOf(space: RegistrySpace, name: string): RegistryEntry {
  const e = registryEntry(space, name);
  if (!e) throw new XaiError("REGISTRY_UNKNOWN", `no ${space} named ${name}`);
  return e;
}

/** Raw canonical string of a registry value in state (the default if never written). */
export async function getRegistryRaw(
  state: StateReader,
  space: RegistrySpace,
  name: string,
): Promise<string> {
  const e = entryOf(space, name);
  const v = await state.get(registryKey(BUCKETS[space], name));
  return v ? dec.decode(v) : e.default;
}

/** Writes a registry value (already validated by the caller) as its canonical string. */
export function putRegistryRaw(state: StateWriter, space: RegistrySpace, name: string, raw: string): void {
  entryOf(space, name);
  state.put(registryKey(BUCKETS[space], name), utf8(raw));
}

async function numeric(state: StateReader, space: RegistrySpace, name: string): Promise<bigint> {
  const raw = await getRegistryRaw(state, space, name);
  const r = parseRegistryValue(entryOf(space, name), raw);
  if (!r.ok || typeof r.value !== "bigint")
    throw new XaiError("REGISTRY_CORRUPT", `${space} ${name} = ${raw}`);
  return r.value;
}

/** Current value of a chain parameter. */
export function getParam(state: StateReader, name: string): Promise<bigint> {
  return numeric(state, "param", name);
}

/** Current value of a governance rule. */
export function getRule(state: StateReader, name: string): Promise<bigint> {
  return numeric(state, "rule", name);
}

/** True if a feature is on. */
export async function isFeatureOn(state: StateReader, name: string): Promise<boolean> {
  return (await getRegistryRaw(state, "feature", name)) === "true";
}

/**
 * Parameters, features and governance rules as they were at the start of a block. The chain and
 * the modules read these (never the live overlay) for behaviour, so an execution's effect takes
 * hold from the next block, whatever its position in the block.
 */
export interface BlockParams {
  param: Record<string, bigint>;
  feature: Record<string, boolean>;
  rule: Record<string, bigint>;
}

/** Loads every registered parameter, feature and rule from `state`. */
export async function loadBlockParams(state: StateReader): Promise<BlockParams> {
  const out: BlockParams = { param: {}, feature: {}, rule: {} };
  for (const e of registryEntries("param")) out.param[e.name] = await getParam(state, e.name);
  for (const e of registryEntries("feature")) out.feature[e.name] = await isFeatureOn(state, e.name);
  for (const e of registryEntries("rule")) out.rule[e.name] = await getRule(state, e.name);
  return out;
}

/** A parameter of a block's parameters (throws on an unregistered name: a bug, not user input). */
export function paramOf(p: BlockParams, name: string): bigint {
  const v = p.param[name];
  if (v === undefined) throw new XaiError("REGISTRY_UNKNOWN", `no param named ${name}`);
  return v;
}

/** A governance rule of a block's parameters. */
export function ruleOf(p: BlockParams, name: string): bigint {
  const v = p.rule[name];
  if (v === undefined) throw new XaiError("REGISTRY_UNKNOWN", `no rule named ${name}`);
  return v;
}

/** A feature of a block's parameters. */
export function featureOf(p: BlockParams, name: string): boolean {
  const v = p.feature[name];
  if (v === undefined) throw new XaiError("REGISTRY_UNKNOWN", `no feature named ${name}`);
  return v;
}
