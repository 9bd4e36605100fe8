/**
 * Chain invariants (Cosmos x/bank's total-supply invariant, pallet `try_state` style): the supply
 * counters and the balances agree. Checked after every test and after a replay, next to the
 * governance invariants (src/governance/invariants.ts). Not consensus code: it scans the whole
 * account bucket, which the state transition itself never does.
 *
 * 1. The sum of every account balance (the treasury and module accounts such as the deposit escrow
 *    included) equals the `total_supply` counter: minting, burning and fees keep both in step.
 * 2. The treasury balance plus the latest circulating-supply checkpoint equals `total_supply`: the
 *    checkpoint written at the end of each block is total supply minus the treasury.
 */
import { TREASURY_ADDRESS } from "../config/addresses.js";
import { readU64be } from "../crypto/bytes.js";
import { xaiError } from "../errors.js";
import { decodeAccount, getAccount, getSupplyCounter } from "./accounts.js";
import { StateBucket, SUPPLY_CHECKPOINT_PREFIX } from "./keys.js";
import type { StateReader } from "./stateStore.js";

/** Error codes of the chain invariants. */
export enum ChainInvariantErrorCode {
  /** Chain state is inconsistent: balances and supply counters disagree (assertChainInvariants). */
  VIOLATED = "CHAIN_INVARIANT",
}

declare module "../errors.js" {
  interface ErrorCodes {
    chainInvariant: ChainInvariantErrorCode;
  }
}

function fail(message: string, data: Record<string, unknown>): never {
  throw xaiError(ChainInvariantErrorCode.VIOLATED, message, data);
}

/** Sum of every account balance in `state` and the number of accounts. */
async function sumOfBalances(state: StateReader): Promise<{ sum: bigint; accounts: number }> {
  const entries = await state.range(new Uint8Array([StateBucket.ACCOUNT]));
  let sum = 0n;
  for (const [, v] of entries) sum += decodeAccount(v).balance;
  return { sum, accounts: entries.length };
}

/** The latest circulating-supply checkpoint: its height and value (undefined before genesis). */
async function latestCirculating(state: StateReader): Promise<{ height: bigint; value: bigint } | undefined> {
  const [last] = await state.range(SUPPLY_CHECKPOINT_PREFIX, { reverse: true, limit: 1 });
  return last && { height: readU64be(last[0], 1), value: readU64be(last[1]) };
}

/**
 * Throws CHAIN_INVARIANT (with the figures in `data`) if the balances do not add up to the total
 * supply, or the treasury and the circulating supply of the last block do not.
 */
export async function assertChainInvariants(state: StateReader): Promise<void> {
  const total = await getSupplyCounter(state, "total_supply");
  const { sum, accounts } = await sumOfBalances(state);
  if (sum !== total)
    fail(`the balances add up to ${sum}, the total supply is ${total}`, {
      balances: sum.toString(),
      totalSupply: total.toString(),
      accounts,
    });
  const treasury = (await getAccount(state, TREASURY_ADDRESS)).balance;
  const circulating = await latestCirculating(state);
  if (!circulating) fail("no circulating-supply checkpoint", { totalSupply: total.toString() });
  if (treasury + circulating.value !== total)
    fail(`treasury ${treasury} + circulating ${circulating.value} is not the total supply ${total}`, {
      treasury: treasury.toString(),
      circulating: circulating.value.toString(),
      height: circulating.height.toString(),
      totalSupply: total.toString(),
    });
}
