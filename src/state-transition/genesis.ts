/**
 * The genesis state: the state of height 0 that every node computes from genesis.json, and whose
 * root the genesis block commits to (src/chain/genesisBlock.ts). Written in this order: the funded
 * balances, the treasury, the total supply, the registry values, each module's genesis, and last
 * the circulating-supply checkpoint of height 0.
 */
import { TREASURY_ADDRESS } from "../config/addresses.js";
import type { GenesisFile } from "../config/genesis.js";
import type { RegistrySpace } from "../config/registry.js";
import { addBalance, addSupplyCounter, checkpointSupply, putAccount } from "./accounts.js";
import type { TxRules } from "./applyTx.js";
import { putRegistryRaw } from "./params.js";
import { computeStateRoot, ZERO_ROOT } from "./stateRoot.js";
import { EMPTY_STATE, StateOverlay } from "./stateStore.js";

/** Genesis state: balances, treasury, supply, registry values, then each module's genesis. */
export async function genesisState(
  genesis: GenesisFile,
  rules: TxRules,
): Promise<{ overlay: StateOverlay; stateRoot: Uint8Array }> {
  const overlay = new StateOverlay(EMPTY_STATE);
  let total = genesis.treasuryBalance;
  for (const b of genesis.balances) {
    await putAccount(overlay, b.address, { balance: b.amount, nonce: 0n }, 0);
    total += b.amount;
  }
  await addBalance(overlay, TREASURY_ADDRESS, genesis.treasuryBalance, 0);
  await addSupplyCounter(overlay, "total_supply", total);
  for (const space of ["param", "feature", "rule"] as RegistrySpace[])
    for (const [name, raw] of Object.entries(genesis.values[space]))
      putRegistryRaw(overlay, space, name, raw);
  for (const m of rules.modules) if (m.initGenesis) await m.initGenesis(overlay, genesis);
  await checkpointSupply(overlay, 0);
  return { overlay, stateRoot: computeStateRoot(ZERO_ROOT, 0, overlay.changes()) };
}
