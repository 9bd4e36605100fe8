/**
 * The last writer of each registry value written by governance or the fiat unlock (bucket
 * REGISTRY_WRITE): the number of the proposal whose execution wrote it last (0 for the fiat
 * unlock, which is no proposal). A rollback refuses unless every value it would restore was last
 * written by its target: any later write, in a later block or later in the target's own block,
 * changes the writer, even one that wrote the same value back (A → B → A, review A6).
 */
import type { StateReader, StateWriter } from "../state-transition/stateStore.js";
import { collection, u64Number } from "./collection.js";
import { GovBucket, registryWritePart } from "./keys.js";

/** Number of the proposal that last wrote a value, by (space, name). */
const registryWrites = collection(GovBucket.REGISTRY_WRITE, registryWritePart, u64Number);

/** Writer number of the fiat unlock (no proposal has number 0). */
export const FIAT_UNLOCK_WRITER = 0;

/** Records that `writer` (a proposal number, or FIAT_UNLOCK_WRITER) wrote a registry value. */
export function markRegistryWrite(state: StateWriter, space: string, name: string, writer: number): void {
  registryWrites.put(state, [space, name], writer);
}

/** The last writer of a registry value, or undefined if governance never wrote it since genesis. */
export async function lastRegistryWriter(
  state: StateReader,
  space: string,
  name: string,
): Promise<number | undefined> {
  return registryWrites.get(state, [space, name]);
}

/** Every recorded writer (for the invariants). */
export async function allRegistryWriters(state: StateReader): Promise<number[]> {
  return (await registryWrites.range(state)).map(([, w]) => w);
}
