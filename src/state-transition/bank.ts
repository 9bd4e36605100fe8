import { TREASURY_ADDRESS } from "../config/addresses.js";
import { addressFault } from "../crypto/keys.js";
import { xaiError } from "../errors.js";
import { TxErrorCode } from "../types/errors.js";
import { addBalance, getAccount } from "./accounts.js";
import type { StateModule, TxContext, TxOutcome } from "./module.js";
import { featureOf, paramOf } from "./params.js";

/** Extra fee of a transfer to the treasury: amount x transaction_fee_bps / 10,000, rounded up. */
export function transferExtraFee(amount: bigint, feeBps: bigint): bigint {
  return (amount * feeBps + 9_999n) / 10_000n;
}

/** The bank module: TRANSFER between accounts. */
export const bankModule: StateModule = {
  name: "bank",
  txTypes: ["TRANSFER"],
  moduleAccounts: [],
  async applyTx(ctx: TxContext): Promise<TxOutcome> {
    const p = ctx.tx.body.payload;
    if (p.type !== "TRANSFER") throw xaiError(TxErrorCode.UNSUPPORTED, "bank handles TRANSFER only");
    if (!featureOf(ctx.params, "transfers"))
      throw xaiError(TxErrorCode.TRANSFERS_DISABLED, "transfers are paused by governance");
    // Decoding refuses a malformed recipient already; a Tx built in-process is checked here too.
    const fault = addressFault(p.recipient);
    if (fault)
      throw xaiError(TxErrorCode.INVALID_RECIPIENT, `recipient is not an address (${fault})`, {
        address_fault: fault,
      });
    if (ctx.modules.some((m) => m.moduleAccounts.includes(p.recipient)))
      throw xaiError(
        TxErrorCode.INVALID_RECIPIENT,
        "module accounts (the deposit escrow) accept no transfers",
      );
    if (p.amount === 0n) throw xaiError(TxErrorCode.ZERO_AMOUNT, "amount must be positive");
    const minAmount = paramOf(ctx.params, "min_transfer_amount");
    if (p.amount < minAmount)
      throw xaiError(TxErrorCode.BELOW_MIN_TRANSFER, `amount below min_transfer_amount ${minAmount}`, {
        min: minAmount.toString(),
      });
    const extra = transferExtraFee(p.amount, paramOf(ctx.params, "transaction_fee_bps"));
    const sender = await getAccount(ctx.state, ctx.tx.sender);
    if (sender.balance < p.amount + extra)
      throw xaiError(TxErrorCode.INSUFFICIENT_BALANCE, "balance does not cover amount + fee", {
        balance: sender.balance.toString(),
        needed: (p.amount + extra + ctx.tx.body.fee).toString(),
      });
    await addBalance(ctx.state, ctx.tx.sender, -(p.amount + extra), ctx.height);
    await addBalance(ctx.state, p.recipient, p.amount, ctx.height);
    if (extra > 0n) await addBalance(ctx.state, TREASURY_ADDRESS, extra, ctx.height);
    return { result: "ok" };
  },
};
