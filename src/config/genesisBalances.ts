/** The balances of a genesis.json (genesis.ts parseGenesis). */
import { parseAddress } from "../crypto/address.js";
import { TREASURY_ADDRESS } from "./addresses.js";
import { GenesisFault } from "./errors.js";
import type { GenesisFile } from "./genesis.js";
import { amountField, arrayField, fail } from "./genesisFields.js";

/**
 * The genesis balances in account order (by their 20 bytes, as state keys are): one order whatever
 * the file's, and the one of every other list of accounts. Equal accounts are equal strings (one
 * canonical form), so a duplicate is two neighbours.
 */
export function parseBalances(field: unknown): GenesisFile["balances"] {
  // Each address is decoded once, into one array of keys the sort reads (comparing the strings
  // decoded both sides of each of 1.7 million comparisons for 100,000 balances: issue 10).
  const raw = arrayField(field, "balances");
  const keys = new Uint8Array(raw.length * 20);
  const unsorted = raw.map((b, i) => {
    const o = b as Record<string, unknown>;
    const r = parseAddress(o?.address);
    if (!r.ok)
      fail(GenesisFault.BAD_BALANCE, `balance ${i}: not an address (${r.fault})`, { address_fault: r.fault });
    keys.set(r.bytes, i * 20);
    return { address: o.address as string, amount: amountField(o.amount, `balance ${i} amount`) };
  });
  const byKey = (i: number, j: number): number => {
    for (let k = 0; k < 20; k++)
      if (keys[i * 20 + k] !== keys[j * 20 + k]) return keys[i * 20 + k]! - keys[j * 20 + k]!;
    return 0;
  };
  const balances = Array.from(unsorted.keys())
    .sort(byKey)
    .map((i) => unsorted[i]!);
  for (let i = 1; i < balances.length; i++)
    if (balances[i]!.address === balances[i - 1]!.address)
      fail(GenesisFault.DUPLICATE_BALANCE, `duplicate balance for ${balances[i]!.address}`);
  if (balances.some((b) => b.address === TREASURY_ADDRESS))
    fail(GenesisFault.TREASURY_IN_BALANCES, "the treasury is funded by treasury_balance only");
  return balances;
}
