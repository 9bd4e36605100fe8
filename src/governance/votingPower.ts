/**
 * Voting power (SPEC §4.2). Power is the balance at the end of the snapshot height (one seek over
 * the account's balance checkpoints), never anything the voter declares; counted power is capped
 * at floor(max_individual_power_bps x snapshot supply / 10,000).
 */
import { balanceAt } from "../state-transition/accounts.js";
import type { StateReader } from "../state-transition/stateStore.js";

/** Per-voter cap: floor(max_individual_power_bps x supply / 10,000). */
export function powerCap(supply: bigint, maxIndividualPowerBps: bigint): bigint {
  return (maxIndividualPowerBps * supply) / 10_000n;
}

/** Counted power: min(power, cap). */
export function cappedPower(power: bigint, cap: bigint): bigint {
  return power < cap ? power : cap;
}

/** Power of `address` at the end of `snapshotHeight`, and its counted (capped) part. */
export async function snapshotPower(
  state: StateReader,
  address: string,
  snapshotHeight: number,
  cap: bigint,
): Promise<{ power: bigint; counted: bigint }> {
  const power = await balanceAt(state, address, snapshotHeight);
  return { power, counted: cappedPower(power, cap) };
}
