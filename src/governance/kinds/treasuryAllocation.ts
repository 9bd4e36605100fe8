/**
 * `treasury_allocation` `{recipient, amount, purpose}` (SPEC §4.4): moves `amount` from the
 * treasury to `recipient`. Valid when the recipient is an ordinary address (not the treasury or
 * the deposit escrow), the amount a canonical decimal in (0, 2^64), the purpose within its limit
 * and the treasury holds the amount; at execution also `treasury_spending` must be on. The effect
 * records both balances before and after; it is not reversible by a rollback.
 */
import { DEPOSIT_ESCROW_ADDRESS, TREASURY_ADDRESS } from "../../config/addresses.js";
import { isCanonicalDecimal } from "../../config/registry.js";
import { isAddress } from "../../crypto/keys.js";
import { xaiError } from "../../errors.js";
import { addBalance, getAccount } from "../../state-transition/accounts.js";
import { featureOf } from "../../state-transition/params.js";
import { GovErrorCode } from "../errors.js";
import { checkText } from "../text.js";
import type { Change } from "../types.js";
import type { Capability } from "./capability.js";

const U64_LIMIT = 1n << 64n;

/** treasury_allocation: treasury → recipient. */
export const treasuryAllocation: Capability<"treasury_allocation"> = {
  kind: "treasury_allocation",
  emergency: false,
  payloadHelp: '{"recipient","amount","purpose"}',
  async validate(state, params, a, phase) {
    if (!isAddress(a.recipient) || a.recipient === TREASURY_ADDRESS || a.recipient === DEPOSIT_ESCROW_ADDRESS)
      throw xaiError(GovErrorCode.INVALID_RECIPIENT, "recipient must be an ordinary address", {
        recipient: a.recipient,
      });
    if (!isCanonicalDecimal(a.amount) || BigInt(a.amount) === 0n || BigInt(a.amount) >= U64_LIMIT)
      throw xaiError(GovErrorCode.INVALID_AMOUNT, "amount must be a canonical decimal in (0, 2^64)", {
        amount: a.amount,
      });
    checkText(a.purpose, "purpose", GovErrorCode.PURPOSE_TOO_LONG);
    if (phase === "execute" && !featureOf(params, "treasury_spending"))
      throw xaiError(GovErrorCode.TREASURY_SPENDING_DISABLED, "treasury_spending is off");
    const treasury = (await getAccount(state, TREASURY_ADDRESS)).balance;
    if (treasury < BigInt(a.amount))
      throw xaiError(GovErrorCode.TREASURY_SHORT, "treasury does not hold the amount", {
        treasury: treasury.toString(),
        amount: a.amount,
      });
  },
  async execute(ctx, a) {
    const amount = BigInt(a.amount);
    const changes: Change[] = [];
    for (const [address, delta] of [
      [TREASURY_ADDRESS, -amount],
      [a.recipient, amount],
    ] as const) {
      const before = (await getAccount(ctx.state, address)).balance;
      await addBalance(ctx.state, address, delta, ctx.height);
      changes.push({
        space: "balance",
        key: address,
        before: before.toString(),
        after: (before + delta).toString(),
      });
    }
    return { changes, target: "" };
  },
  reversible: () => false,
  toJson: (a) => ({ recipient: a.recipient, amount: a.amount, purpose: a.purpose }),
  fromJson: (f) => ({
    kind: "treasury_allocation",
    recipient: f.str("recipient"),
    amount: f.str("amount"),
    purpose: f.optStr("purpose"),
  }),
};
