import assert from "node:assert/strict";
import { TREASURY_ADDRESS } from "../../src/config/addresses.js";
import { assertSameGovernance, balance, runLifecycle } from "../gov.js";
import type { Scenario } from "../scenario.js";
import { freshKey, XAI } from "../txs.js";

/**
 * (5) Treasury allocation: the recipient's balance rises by exactly the amount on every node and
 * the treasury falls by exactly the amount (nothing else touches the treasury meanwhile).
 */
export const treasury: Scenario = {
  name: "treasury",
  title: "treasury_allocation moves exactly the amount on every node",
  async run({ cluster: c, check, note }) {
    const recipient = freshKey().address;
    const amount = 12_345n * XAI + 678n;
    const before = await c.consistent(async (i) => ({
      treasury: await balance(c, i, TREASURY_ADDRESS),
      recipient: await balance(c, i, recipient),
    }));
    const t0 = before.values[0]!.treasury;
    assert.ok(before.values.every((v) => v.treasury === t0 && v.recipient === 0n));
    note("treasury_before", t0.toString());
    const p = await runLifecycle(c, {
      proposer: 2,
      action: { kind: "treasury_allocation", recipient, amount: amount.toString(), purpose: "harness grant" },
      title: "Grant from the treasury",
      votes: [
        [3, "yes"],
        [4, "yes"],
        [5, "yes"],
        [6, "yes"],
      ],
      reviewers: [6, 7],
      submitAt: 1 % c.size,
    });
    note("proposal", p.id);
    check(`treasury_allocation ${p.id.slice(0, 8)} executed on every node`);
    const after = await c.consistent(async (i) => ({
      treasury: await balance(c, i, TREASURY_ADDRESS),
      recipient: await balance(c, i, recipient),
    }));
    for (const [k, v] of after.values.entries()) {
      assert.equal(v.recipient, amount, `node ${c.alive[k]}: recipient balance`);
      assert.equal(v.treasury, t0 - amount, `node ${c.alive[k]}: treasury balance`);
    }
    note("treasury_after", after.values[0]!.treasury.toString());
    check(`recipient balance is exactly ${amount} units on every node; the treasury fell by the same`);
    await assertSameGovernance(c);
    check("identical governance state on every node");
  },
};
