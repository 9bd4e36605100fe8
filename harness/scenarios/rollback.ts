import assert from "node:assert/strict";
import { assertSameGovernance, proposal, registryValue, runLifecycle } from "../gov.js";
import type { Scenario } from "../scenario.js";

/**
 * (6) Rollback: block_reward 12 → 20 XAI is executed, then a rollback proposal restores 12 XAI on
 * every node; the target becomes rolled_back and links to the rollback.
 */
export const rollback: Scenario = {
  name: "rollback",
  title: "an executed parameter change is rolled back on every node",
  async run({ cluster: c, check, note }) {
    const original = await registryValue(c, 0, "param", "block_reward");
    const change = await runLifecycle(c, {
      proposer: 0,
      action: { kind: "protocol_parameter", name: "block_reward", value: "2000000000" },
      title: "Block reward 20 XAI",
    });
    note("change", change.id);
    for (const i of c.all) assert.equal(await registryValue(c, i, "param", "block_reward"), "2000000000");
    check(`block_reward ${original} → 2000000000 executed on every node`);
    const rb = await runLifecycle(c, {
      proposer: 1,
      action: { kind: "rollback", target: change.id },
      title: "Roll back the block reward change",
      votes: [
        [2, "yes"],
        [3, "yes"],
        [4, "yes"],
        [5, "yes"],
      ],
      submitAt: c.size - 1,
    });
    note("rollback", rb.id);
    check(`rollback ${rb.id.slice(0, 8)} executed on every node`);
    assert.deepEqual(
      rb.execution?.changes.map((ch) => [ch.key, ch.before, ch.after]),
      [["block_reward", "2000000000", original]],
    );
    for (const i of c.all) {
      assert.equal(await registryValue(c, i, "param", "block_reward"), original, `node ${i}`);
      const target = await proposal(c, i, change.id);
      assert.equal(target.status, "rolled_back", `node ${i}`);
      assert.equal(target.rolled_back_by, rb.id, `node ${i}`);
    }
    check(
      `block_reward is back to ${original}; the change is rolled_back and links to the rollback, everywhere`,
    );
    const history = await c.get<{ entries: Array<{ proposal_id: string }> }>(0, "/governance/history");
    assert.ok(history.entries.some((e) => e.proposal_id === rb.id));
    assert.ok(history.entries.some((e) => e.proposal_id === change.id));
    check("the history holds both the execution and the rollback");
    await assertSameGovernance(c);
    check("identical governance state on every node");
  },
};
