import { parseRegistryValue, type RegistryEntry, registryEntry, type RegistrySpace } from "../config/registry.js";
import { utf8 } from "../crypto/hash.js";
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
export async function getRegistryRaw(state: StateReader, space: RegistrySpace, name: string): Promise<string> {
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
  if (!r.ok || typeof r.value !== "bigint") throw new XaiError("REGISTRY_CORRUPT", `${space} ${name} = ${raw}`);
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
