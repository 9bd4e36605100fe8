/**
 * The deposit escrow: SUBMIT_PROPOSAL moves the deposit from the proposer to this account, where
 * it stays while the proposal is in `voting`; it is then refunded to the proposer (quorum reached)
 * or burned (no quorum, or cancelled). No key exists for the address, so only this module moves
 * its funds. Escrowed units still count in the circulating supply (they are not the treasury's).
 */
import { DEPOSIT_ESCROW_ADDRESS, TREASURY_ADDRESS } from "../config/addresses.js";
import { addBalance, burn, getAccount, getSupplyCounter } from "../state-transition/accounts.js";
import type { StateReader, StateWriter } from "../state-transition/stateStore.js";
import type { Proposal } from "./types.js";

/** Moves a new proposal's deposit from its proposer into escrow. */
export async function holdDeposit(state: StateWriter, p: Proposal, height: number): Promise<void> {
  p.depositState = "held";
  if (p.deposit === 0n) return;
  await addBalance(state, p.proposer, -p.deposit, height);
  await addBalance(state, DEPOSIT_ESCROW_ADDRESS, p.deposit, height);
}

/** Returns a held deposit to the proposer. */
export async function refundDeposit(state: StateWriter, p: Proposal, height: number): Promise<void> {
  p.depositState = "refunded";
  if (p.deposit === 0n) return;
  await addBalance(state, DEPOSIT_ESCROW_ADDRESS, -p.deposit, height);
  await addBalance(state, p.proposer, p.deposit, height);
}

/** Burns a held deposit (it leaves the total supply). */
export async function burnDeposit(state: StateWriter, p: Proposal, height: number): Promise<void> {
  p.depositState = "burned";
  if (p.deposit === 0n) return;
  await addBalance(state, DEPOSIT_ESCROW_ADDRESS, -p.deposit, height);
  await burn(state, p.deposit);
}

/**
 * Circulating supply now, as the deposit bound reads it (SPEC §4.4): total supply minus the
 * treasury's balance minus the deposit escrow's, i.e. the units that holders can spend. (The
 * snapshot supply of voting also counts the escrow; this one does not, since escrowed units cannot
 * pay a deposit.)
 */
export async function circulatingSupply(state: StateReader): Promise<bigint> {
  const total = await getSupplyCounter(state, "total_supply");
  const treasury = (await getAccount(state, TREASURY_ADDRESS)).balance;
  const escrow = (await getAccount(state, DEPOSIT_ESCROW_ADDRESS)).balance;
  return total - treasury - escrow;
}
