import assert from "node:assert/strict";
import { assertSameGovernance, registryValue, runLifecycle } from "../gov.js";
import type { Scenario } from "../scenario.js";
import { dev, freshKey, payloads, sendAndWait, trySend, XAI } from "../txs.js";

/**
 * (4) Emergency pause: an emergency_action pause_transfers proposal (emergency approval, 1-block
 * timelock) is executed; then every node refuses a TRANSFER with TX_TRANSFERS_DISABLED. Outside
 * --quick, a resume_transfers proposal turns them back on and a transfer is included again.
 */
export const pause: Scenario = {
  name: "pause",
  title: "emergency pause_transfers executed → every node refuses TRANSFER (TX_TRANSFERS_DISABLED)",
  // Each emergency stage waits for every node before its votes or reviews go in: the preset's
  // 2 blocks (2 s) ran out under load (rejected in review).
  cluster: { rules: { emergency_period_blocks: "5" } },
  async run({ cluster: c, check, note, quick }) {
    const recipient = freshKey().address;
    await sendAndWait(c, 1 % c.size, dev(8), payloads.transfer(recipient, 5n * XAI));
    check("a transfer is included while transfers are on");
    const p = await runLifecycle(c, {
      proposer: 0,
      action: { kind: "emergency_action", action: "pause_transfers", proposalId: "" },
      title: "Emergency: pause transfers",
      votes: [
        [1, "yes"],
        [2, "yes"],
        [3, "yes"],
        [4, "yes"],
      ],
    });
    note("pause_proposal", p.id);
    note(
      "eta_minus_queued",
      (p.heights.eta ?? 0) - p.status_history.find((s) => s.status === "queued")!.height,
    );
    check(`pause_transfers executed at height ${p.execution?.height} on every node (emergency timelock 1)`);
    for (const i of c.all)
      assert.equal(await registryValue(c, i, "feature", "transfers"), "false", `node ${i}`);
    check("feature transfers is off on every node");
    for (const i of c.all) {
      const r = await trySend(c, i, dev(8), payloads.transfer(recipient, 1n * XAI));
      assert.equal(r.ok ? "accepted" : r.code, "TX_TRANSFERS_DISABLED", `node ${i}`);
    }
    check("every node refuses a TRANSFER with TX_TRANSFERS_DISABLED");
    const history = await c.get<{ entries: Array<{ event: string; proposal_id: string }> }>(
      0,
      "/governance/history",
    );
    assert.ok(
      history.entries.some((e) => e.proposal_id === p.id),
      "the emergency action is in the history",
    );
    check("the emergency action is in the execution history");
    if (!quick) {
      const r = await runLifecycle(c, {
        proposer: 4,
        action: { kind: "emergency_action", action: "resume_transfers", proposalId: "" },
        title: "Emergency: resume transfers",
        submitAt: 1 % c.size,
      });
      note("resume_proposal", r.id);
      for (const i of c.all) assert.equal(await registryValue(c, i, "feature", "transfers"), "true");
      await sendAndWait(c, c.size - 1, dev(8), payloads.transfer(recipient, 1n * XAI));
      check("resume_transfers executed; a transfer is included again");
    }
    await assertSameGovernance(c);
    check("identical governance state on every node");
  },
};
