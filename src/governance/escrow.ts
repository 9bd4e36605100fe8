/**
 * The deposit escrow: SUBMIT_PROPOSAL moves the deposit from the proposer to this account, where
 * it stays while the proposal is in `voting`; it is then refunded to the proposer (quorum reached)
 * or burned (no quorum, or cancelled). No key exists for the address, so only this module moves
 * its funds. Escrowed units still count in the circulating supply (they are not the treasury's).
 */
import { DEPOSIT_ESCROW_ADDRESS } from "../config/addresses.js";
import { addBalance, burn } from "../state-transition/accounts.js";
import type { StateWriter } from "../state-transition/stateStore.js";
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
