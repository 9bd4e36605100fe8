import assert from "node:assert/strict";
import { assertSameGovernance, registryValue, runToQueued, waitStatus } from "../gov.js";
import type { Scenario } from "../scenario.js";
import { dev, payloads, prepareTx, sendAndWait } from "../txs.js";

/**
 * (3) Execution before eta is refused by every node's API with GOV_TIMELOCK_ACTIVE, then accepted
 * at eta (submitted at another node) and executed everywhere; a second execution is refused.
 */
export const timelock: Scenario = {
  name: "timelock",
  title: "EXECUTE before eta refused by every node (GOV_TIMELOCK_ACTIVE), accepted at eta",
  async run({ cluster: c, check, note }) {
    const { id, queued } = await runToQueued(c, {
      proposer: 0,
      action: { kind: "protocol_parameter", name: "transaction_fee_bps", value: "30" },
      title: "Transfer fee 30 bps",
    });
    const eta = queued.eta!;
    const queuedAt = queued.status_history.at(-1)!.height;
    note("proposal", id);
    note("queued_at", queuedAt);
    note("eta", eta);
    const timelockBlocks = Number(await registryValue(c, 0, "rule", "timelock_blocks"));
    assert.equal(
      eta - queuedAt,
      timelockBlocks,
      `eta = queueing height + timelock_blocks (${timelockBlocks})`,
    );
    // The same signed EXECUTE to every node at once, while their heads are below eta - 1.
    const tx = await prepareTx(c, 0, dev(9), payloads.execute(id));
    const answers = await Promise.all(
      c.all.map(async (i) => {
        const r = await c.submit(i, tx.bytes, "/governance/execute");
        return { i, r, height: (await c.status(i)).height };
      }),
    );
    for (const { i, r, height } of answers) {
      const where = `node ${i} (head ${height}, eta ${eta})`;
      assert.equal(r.ok, false, `${where} refuses EXECUTE before eta`);
      if (!r.ok) {
        assert.equal(r.code, "GOV_TIMELOCK_ACTIVE", where);
        assert.equal(r.status, 400, where);
      }
    }
    note(
      "refused_at_heights",
      answers.map((a) => a.height),
    );
    check(`all ${c.size} nodes refuse EXECUTE at heights < eta ${eta} with GOV_TIMELOCK_ACTIVE`);
    assert.equal((await waitStatus(c, id, "queued")).status, "queued");
    check("the proposal stays queued and nothing is executed");

    const last = c.size - 1;
    await c.waitHeight(eta - 1, [last]);
    const receipt = await sendAndWait(c, last, dev(9), payloads.execute(id));
    assert.ok(receipt.height >= eta, `included at ${receipt.height} >= eta ${eta}`);
    note("executed_at", receipt.height);
    const p = await waitStatus(c, id, "executed");
    assert.equal(p.execution?.ok, true);
    check(
      `EXECUTE at node ${last} included at height ${receipt.height} (eta ${eta}); executed on every node`,
    );
    for (const i of c.all) assert.equal(await registryValue(c, i, "param", "transaction_fee_bps"), "30");
    check("transaction_fee_bps is 30 on every node");
    const again = await Promise.all(
      c.all.map(async (i) =>
        c.submit(i, (await prepareTx(c, i, dev(8), payloads.execute(id))).bytes, "/governance/execute"),
      ),
    );
    for (const r of again) assert.equal(r.ok ? "accepted" : r.code, "GOV_NOT_QUEUED");
    check("a second EXECUTE is refused by every node with GOV_NOT_QUEUED");
    await assertSameGovernance(c);
    check("identical governance state on every node");
  },
};
