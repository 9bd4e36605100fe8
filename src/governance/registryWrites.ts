import { readU64be, u64be } from "../crypto/bytes.js";
import type { StateReader, StateWriter } from "../state-transition/stateStore.js";
import { registryWriteKey } from "./keys.js";

/** Records that governance (or the fiat unlock) wrote a registry value at `height`. */
export function markRegistryWrite(state: StateWriter, space: string, name: string, height: number): void {
  state.put(registryWriteKey(space, name), u64be(height));
}

/** Height of the last governance write of a registry value (0: never written since genesis). */
export async function lastRegistryWrite(state: StateReader, space: string, name: string): Promise<number> {
  const v = await state.get(registryWriteKey(space, name));
  return v ? Number(readU64be(v)) : 0;
}
