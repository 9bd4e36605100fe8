import assert from "node:assert/strict";
import { assertSameGovernance, registryValue, runLifecycle } from "../gov.js";
import type { Scenario } from "../scenario.js";
import { dev, payloads, trySend } from "../txs.js";

/**
 * (1) Full lifecycle of a protocol_parameter change (min_tx_fee 1,000 → 5,000 units) with the
 * proposal, votes, reviews and implementation votes submitted at different nodes: executed on
 * every node, the same registry value everywhere, and the new fee enforced by every node.
 */
export const lifecycle: Scenario = {
  name: "lifecycle",
  title: "protocol_parameter change from submission to execution, votes at different nodes",
  async run({ cluster: c, check, note }) {
    for (const i of c.all) assert.equal(await registryValue(c, i, "param", "min_tx_fee"), "1000");
    const executed = await runLifecycle(c, {
      proposer: 0,
      action: { kind: "protocol_parameter", name: "min_tx_fee", value: "5000" },
      title: "Raise the minimum fee to 5,000 units",
      votes: [
        [1, "yes"],
        [2, "yes"],
        [3, "yes"],
        [4, "no"],
      ],
      submitAt: c.size - 1,
    });
    note("proposal", executed.id);
    note("executed_at", executed.execution?.height);
    check(`proposal ${executed.id.slice(0, 8)} executed on all ${c.size} nodes`);
    assert.equal(executed.execution?.ok, true);
    assert.deepEqual(
      executed.execution?.changes.map((ch) => [ch.key, ch.before, ch.after]),
      [["min_tx_fee", "1000", "5000"]],
    );
    check("execution record holds min_tx_fee 1000 → 5000");
    for (const i of c.all)
      assert.equal(await registryValue(c, i, "param", "min_tx_fee"), "5000", `node ${i}`);
    check("min_tx_fee is 5000 in every node's registry");
    for (const i of c.all) {
      assert.equal((await c.status(i)).min_tx_fee, "5000");
      const r = await trySend(c, i, dev(8), payloads.transfer(dev(9).address, 1n), { fee: 1000n });
      assert.equal(r.ok, false, `node ${i} refuses a 1,000-unit fee`);
      if (!r.ok) assert.equal(r.code, "TX_FEE_TOO_LOW");
    }
    check("every node refuses a fee of 1,000 with TX_FEE_TOO_LOW");
    const n = await assertSameGovernance(c);
    check(`identical governance state on every node (${n} proposal(s), votes, history, registry)`);
  },
};
