/**
 * The last-write height of each registry value written by governance or the fiat unlock (bucket
 * REGISTRY_WRITE): a rollback refuses if a value it would restore was written after the target's
 * execution, even if it was written back to the same value (A → B → A).
 */
import type { StateReader, StateWriter } from "../state-transition/stateStore.js";
import { collection, u64Number } from "./collection.js";
import { GovBucket, registryWritePart } from "./keys.js";

/** Height of the last governance write, by (space, name). */
const registryWrites = collection(GovBucket.REGISTRY_WRITE, registryWritePart, u64Number);

/** Records that governance (or the fiat unlock) wrote a registry value at `height`. */
export function markRegistryWrite(state: StateWriter, space: string, name: string, height: number): void {
  registryWrites.put(state, [space, name], height);
}

/** Height of the last governance write of a registry value (0: never written since genesis). */
export async function lastRegistryWrite(state: StateReader, space: string, name: string): Promise<number> {
  return (await registryWrites.get(state, [space, name])) ?? 0;
}
