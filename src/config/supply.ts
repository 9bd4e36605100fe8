/**
 * The block reward formula and the most it can ever mint (SPEC §3 genesis, review C2). A genesis
 * is refused if its total supply plus `MAX_MINTABLE` could exceed the amount type (u64), so no
 * in-bounds sequence of governance changes can ever make a block fail with TX_OVERFLOW.
 *
 * The bound. `rewardAt(R, I, h) = R >> floor(h / I)` with halvings counted from the absolute
 * height h, whatever R and I were before. With R <= R_max and I <= I_max (the registry bounds of
 * `block_reward` and `halving_interval`), floor(h / I) >= floor(h / I_max), so every block's
 * reward is at most `R_max >> floor(h / I_max)`. Summed over heights 1, 2, … (genesis mints
 * nothing): (I_max - 1) x R_max for the first era, then I_max x (R_max >> k) for era k >= 1, and
 * R_max >> k is 0 from k = 33 on (R_max = 50 XAI < 2^33). Burns only lower the supply.
 */
import { registryEntry } from "./registry.js";

/** Highest value of the amount type (u64). */
export const AMOUNT_MAX = (1n << 64n) - 1n;

/** Block reward at `height`: block_reward halved every halving_interval blocks (absolute height). */
export function rewardAt(blockReward: bigint, halvingInterval: bigint, height: number): bigint {
  const halvings = BigInt(height) / halvingInterval;
  return halvings >= 64n ? 0n : blockReward >> halvings;
}

/** The most block rewards could ever mint with `block_reward` <= rMax and `halving_interval` <= iMax. */
export function maxMintable(rMax: bigint, iMax: bigint): bigint {
  let total = (iMax - 1n) * rMax;
  for (let k = 1n; k < 64n; k++) total += iMax * (rMax >> k);
  return total;
}

/** The most block rewards could ever mint under the registry's bounds. */
export const MAX_MINTABLE = maxMintable(
  registryEntry("param", "block_reward")!.max!,
  registryEntry("param", "halving_interval")!.max!,
);

/** The largest total supply a genesis may have: AMOUNT_MAX - MAX_MINTABLE. */
export const MAX_GENESIS_SUPPLY = AMOUNT_MAX - MAX_MINTABLE;
