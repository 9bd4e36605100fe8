import type { FuzzTarget } from "../engine.js";
import { blockTarget, txBatchTarget, txTarget } from "./chainTargets.js";
import { cliTarget, genesisTarget, syncTarget } from "./codecs.js";
import { httpTarget } from "./http.js";
import { stateTarget } from "./state.js";

/** Every fuzz target, by name (`npm run fuzz -- --target NAME`). */
export const TARGETS: readonly FuzzTarget<never>[] = [
  txTarget,
  blockTarget,
  syncTarget,
  txBatchTarget,
  genesisTarget,
  httpTarget,
  cliTarget,
  stateTarget,
] as unknown as FuzzTarget<never>[];

/** The target called `name`. */
export function targetNamed(name: string): FuzzTarget<never> | undefined {
  return TARGETS.find((t) => t.name === name);
}
