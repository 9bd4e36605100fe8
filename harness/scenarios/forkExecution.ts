import assert from "node:assert/strict";
import { assertSameGovernance, proposal, registryValue, runToQueued, waitStatus } from "../gov.js";
import { metricTotal } from "../metrics.js";
import type { Scenario } from "../scenario.js";
import { dev, payloads, send } from "../txs.js";

/**
 * (10) An execution on the losing fork is undone: a queued min_tx_fee change is executed on the
 * minority side of a partition only. The minority sees it executed (new fee), the majority still
 * queued (old fee). After the heal the minority reorgs: the execution, its registry change and its
 * receipt are reverted with the fork, the EXECUTE transaction returns to the minority's mempool and
 * is included again on the winning chain, and every node ends with one execution record.
 */
export const forkExecution: Scenario = {
  name: "forkexec",
  title: "an execution on the losing fork is reverted by the reorg and included again on the winner",
  async run({ cluster: c, check, note }) {
    const n = c.size;
    const major = c.all.slice(0, Math.floor(n / 2) + 1);
    const minor = c.all.slice(Math.floor(n / 2) + 1);
    const m0 = minor[0]!;
    const { id, queued } = await runToQueued(c, {
      proposer: 0,
      action: { kind: "protocol_parameter", name: "min_tx_fee", value: "7000" },
      title: "min_tx_fee 7,000",
    });
    const eta = queued.eta!;
    note("proposal", id);
    note("eta", eta);
    await c.partition([major, minor]);
    check(`queued with eta ${eta}; partitioned {${major.join(",")}} | {${minor.join(",")}}`);

    await c.waitHeight(eta - 1, [m0]);
    const tx = await send(c, m0, dev(9), payloads.execute(id));
    const forkReceipt = await c.waitIncluded(tx, minor);
    note("fork_execution", forkReceipt);
    const onMinor = await proposal(c, m0, id);
    const onMajor = await proposal(c, major[0]!, id);
    assert.equal(onMinor.status, "executed");
    assert.equal(onMajor.status, "queued");
    for (const i of minor) assert.equal((await c.status(i)).min_tx_fee, "7000");
    for (const i of major) assert.equal((await c.status(i)).min_tx_fee, "1000");
    check(
      `executed at height ${forkReceipt.height} on the minority fork only: min_tx_fee 7000 there, 1000 on the majority`,
    );
    // Let the majority get ahead (it produces more blocks) before healing.
    await c.waitLead(major, minor, 2);
    const reorgsBefore = await Promise.all(
      minor.map(async (i) => metricTotal(await c.metrics(i), "xai_chain_reorgs_total")),
    );
    await c.heal();
    const one = await c.converge(90_000);
    const reorgsAfter = await Promise.all(
      minor.map(async (i) => metricTotal(await c.metrics(i), "xai_chain_reorgs_total")),
    );
    assert.ok(
      minor.every((_, k) => reorgsAfter[k]! > reorgsBefore[k]!),
      "every minority node reorged",
    );
    const canonical = await c.get<{ hash: string }>(m0, `/blocks/${forkReceipt.height}`);
    assert.notEqual(canonical.hash, forkReceipt.block_hash, "the fork's block left the canonical chain");
    check(
      `healed at height ${one.height}: the minority reorged and its execution block is no longer canonical`,
    );

    // The EXECUTE goes back to the minority's mempool and is included again on the winning chain.
    const final = await waitStatus(c, id, "executed", { timeoutMs: 60_000 });
    const again = await c.waitIncluded(tx);
    note("canonical_execution", again);
    assert.notEqual(again.block_hash, forkReceipt.block_hash);
    assert.equal(final.execution?.tx_id, tx);
    assert.equal(final.execution?.height, again.height);
    for (const i of c.all)
      assert.equal(await registryValue(c, i, "param", "min_tx_fee"), "7000", `node ${i}`);
    const history = await c.get<{ entries: Array<{ proposal_id: string; event: string }> }>(
      0,
      "/governance/history",
    );
    assert.equal(history.entries.filter((e) => e.proposal_id === id).length, 1, "one history entry");
    check(
      `the same EXECUTE was included again at height ${again.height}; one execution record, min_tx_fee 7000 everywhere`,
    );
    await assertSameGovernance(c);
    check("identical governance state on every node");
  },
};
