import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { assertSameGovernance, registryValue, runLifecycle } from "../gov.js";
import type { Scenario } from "../scenario.js";
import { dev, freshKey, payloads, trySend } from "../txs.js";

/** The known upgrades of the "new release": the same build with the test upgrade (SPEC v2 §4.7). */
const NEW_RELEASE = { XAI_TEST_UPGRADES: "v2-test" };

/** Heights of the "new head" log lines of node i (JSON lines of its log). */
function loggedHeads(path: string): number[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .flatMap((line) => {
      try {
        const o = JSON.parse(line) as { msg?: string; height?: number };
        return o.msg === "new head" && typeof o.height === "number" ? [o.height] : [];
      } catch {
        return [];
      }
    });
}

/**
 * (12) A software upgrade by governance (SPEC v2 §4.7). The validators (the "old release": no
 * test upgrade known) schedule `v2-test` at a height; at that height each one halts before the
 * block (exit code 3, DIR/upgrade-info.json, an UPGRADE NEEDED log line, no block at that height);
 * restarted with the upgrade known they apply it, agree on head and root, and the new parameter
 * `min_transfer_amount` is in force (a transfer of 999 units is refused everywhere). A follower
 * syncing from genesis later with the new release agrees too.
 */
export const upgrade: Scenario = {
  name: "upgrade",
  title:
    "software_upgrade v2-test: every validator halts at its height, restarts with it, all agree; a late follower too",
  async run({ cluster: c, check, note }) {
    const start = await c.status(0);
    // The plan must still be at least timelock_blocks ahead when it executes (SPEC v2 §4.7), after
    // the voting, review, implementation and timelock periods: 18 blocks on the `test` preset,
    // three times that above 5 nodes (clusterRules); 40 blocks left 2 too few at 16 nodes.
    const rule = async (name: string) => Number(await registryValue(c, 0, "rule", name));
    const lifecycle =
      (await rule("voting_period_blocks")) +
      (await rule("review_period_blocks")) +
      (await rule("implementation_period_blocks")) +
      2 * (await rule("timelock_blocks"));
    const height = start.height + lifecycle + 22;
    const info = `https://example.org/xai/v2-test sha256:${"ab".repeat(32)}`;
    const p = await runLifecycle(c, {
      proposer: 0,
      action: { kind: "software_upgrade", name: "v2-test", height: BigInt(height), info },
      title: "Upgrade v2-test",
    });
    note("plan_height", height);
    note("executed_at", p.execution?.height);
    const view = await c.get<{ pending: { name: string; height: number; blocks_left: number } | null }>(
      0,
      "/upgrade",
    );
    assert.equal(view.pending?.name, "v2-test");
    assert.equal(view.pending?.height, height);
    assert.ok((view.pending?.blocks_left ?? 0) > 0, "blocks left before the height");
    check(`plan v2-test at ${height} executed at ${p.execution?.height}; GET /upgrade shows it pending`);

    const validators = c.all;
    const exits = await Promise.all(validators.map((i) => c.waitExit(i, 120_000)));
    for (const [k, e] of exits.entries()) assert.equal(e.code, 3, `node ${validators[k]} exit code`);
    for (const i of validators) {
      const dir = c.specs[i]!.dir;
      assert.deepEqual(JSON.parse(readFileSync(join(dir, "upgrade-info.json"), "utf8")), {
        name: "v2-test",
        height,
        info,
      });
      assert.ok(readFileSync(c.logPath(i), "utf8").includes("UPGRADE NEEDED"), `node ${i} logs it`);
      assert.equal(Math.max(...loggedHeads(c.logPath(i))), height - 1, `node ${i} stopped before ${height}`);
    }
    check(`every validator halted before block ${height}: exit code 3, upgrade-info.json, log line`);

    await Promise.all(validators.map((i) => c.restart(i, 60_000, NEW_RELEASE)));
    await c.waitHeight(height + 2, validators, 90_000);
    const agreed = await c.converge(60_000);
    note("agreed_after_upgrade", agreed);
    check(`restarted with v2-test known, all agree at height ${agreed.height} (past ${height})`);
    for (const i of validators)
      assert.equal(await registryValue(c, i, "param", "min_transfer_amount"), "1000", `node ${i}`);
    const recipient = freshKey().address;
    for (const i of validators) {
      const r = await trySend(c, i, dev(8), payloads.transfer(recipient, 999n));
      assert.equal(r.ok ? "accepted" : r.code, "TX_BELOW_MIN_TRANSFER", `node ${i}`);
    }
    const applied = await c.get<{ applied: Array<{ name: string; height: number }> }>(0, "/upgrade");
    assert.deepEqual(
      applied.applied.map((u) => [u.name, u.height]),
      [["v2-test", height]],
    );
    check("min_transfer_amount 1000 in force on every node (999 refused); GET /upgrade lists it applied");

    const follower = await c.addFollower(NEW_RELEASE);
    const all = await c.converge(120_000);
    assert.ok(all.height > height);
    note("follower", follower);
    check(`a follower synced from genesis with the new release agrees at height ${all.height}`);
    await assertSameGovernance(c);
    check("identical governance state on every node");
  },
};
