import assert from "node:assert/strict";
import { toHex, utf8 } from "../../src/crypto/bytes.js";
import { sha256 } from "../../src/crypto/hash.js";
import { keyPairFromSecret } from "../../src/crypto/keys.js";
import type { ProposalAction } from "../../src/types/tx.js";
import { type Cluster, scaledMs } from "../cluster.js";
import { runToQueued } from "../gov.js";
import { metricTotal } from "../metrics.js";
import type { Scenario } from "../scenario.js";
import { dev, payloads, send } from "../txs.js";

/** Blocks between the head at submission and the activation height: the lifecycle takes about 25. */
const LEAD = 45;

const wrongProposer = (labels: string) => labels.includes('code="BLOCK_WRONG_PROPOSER"');

interface ValidatorsJson {
  validators: Array<{ address: string }>;
  pending: Array<{ action: string; address: string; activation_height: number }>;
}

/** The height of `nodes` once they agree (a side of a partition). */
async function sideHeight(c: Cluster, nodes: number[]): Promise<number> {
  return (await c.converge(30_000, nodes)).height;
}

/**
 * (SPEC §4.8, §3) A partition splits four validators two and two just before an add executes:
 * one side executes it, and from the activation height the new validator proposes there, so that
 * side fills 3 of every 5 slots and the other 2 of 4. The other side never applies the add, so
 * under every validator set it ever held the new validator's slots belong to someone else, and by
 * the heal its own chain is taller than the height of the new validator's first block (so those
 * blocks reach it as side blocks, not on its head). After the heal it still adopts the heavier
 * chain: it checks the new validator's blocks against the state of their own branch (not refused
 * at its gate, no peer penalised for them), and every node ends on one head, one root and one set.
 */
export const validatorHeal: Scenario = {
  name: "validatorheal",
  title: "a validator added on one side of a partition; the other side adopts that chain after the heal",
  nodes: 4,
  async run({ cluster: c, check, note }) {
    const key = keyPairFromSecret(sha256(utf8("harness-validator-heal")));
    const genesisSet = c.all;
    const added = await c.addNode(key);
    await c.converge(60_000);
    const half = genesisSet.length / 2;
    const major = [...genesisSet.slice(0, half), added];
    const minor = genesisSet.slice(half);
    const addAt = (await c.status(0)).height + LEAD;
    const action: ProposalAction = {
      kind: "validator_set",
      action: "add",
      address: key.address,
      publicKey: toHex(key.publicKey),
      activationHeight: String(addAt),
    };
    const { id, queued } = await runToQueued(c, { proposer: 0, action, title: "Add a validator" });
    assert.ok(queued.eta && queued.eta < addAt, `eta ${queued.eta} before the activation ${addAt}`);
    await c.waitHeight(queued.eta - 1, [0]);
    await c.partition([major, minor]);
    const exec = await send(c, 0, dev(9), payloads.execute(id));
    const receipt = await c.waitIncluded(exec, major);
    assert.equal(receipt.result, "ok", JSON.stringify(receipt));
    note("add_executed_at", receipt.height);
    note("add_activation_height", addAt);
    check(
      `partitioned {${major.join(",")}} | {${minor.join(",")}}; the add executed on {${major.join(",")}} at height ${receipt.height}, in force from ${addAt}`,
    );

    // The new validator proposes on its side; the other side grows past its first block's height
    // and falls behind by two blocks.
    await c.waitHeight(addAt + 4, major, 120_000);
    let first = 0;
    for (let h = addAt; h <= addAt + 4 && !first; h++)
      if ((await c.get<{ proposer: string }>(0, `/blocks/${h}`)).proposer === key.address) first = h;
    assert.ok(first > 0, "the added validator proposed within 5 blocks of its activation");
    let heights = [0, 0];
    for (const deadline = Date.now() + scaledMs(180_000); ; ) {
      heights = [await sideHeight(c, major), await sideHeight(c, minor)];
      if (heights[1]! > first && heights[0]! >= heights[1]! + 2) break;
      assert.ok(
        Date.now() < deadline,
        `sides at ${heights.join(" and ")}, first block of the new validator ${first}`,
      );
      await new Promise((r) => setTimeout(r, 1000));
    }
    for (const i of minor) {
      const v = await c.get<ValidatorsJson>(i, "/validators");
      assert.ok(!v.validators.some((x) => x.address === key.address), `node ${i} has no such validator`);
      assert.deepEqual(v.pending, [], `node ${i} never executed the add`);
    }
    note("first_block_of_added_validator", first);
    note("side_heights", heights);
    check(
      `the added validator proposed from height ${first} on {${major.join(",")}} (now at ${heights[0]}); {${minor.join(",")}} never saw the add and is at ${heights[1]}, above ${first}`,
    );

    const [reorgsBefore, rejectedBefore] = await Promise.all([
      Promise.all(minor.map(async (i) => metricTotal(await c.metrics(i), "xai_chain_reorgs_total"))),
      Promise.all(
        minor.map(async (i) =>
          metricTotal(await c.metrics(i), "xai_chain_rejected_blocks_total", wrongProposer),
        ),
      ),
    ]);
    await c.heal();
    const one = await c.converge(90_000);
    note("converged", one);
    for (const [k, i] of minor.entries()) {
      const m = await c.metrics(i);
      assert.ok(metricTotal(m, "xai_chain_reorgs_total") > reorgsBefore[k]!, `node ${i} reorged`);
      assert.equal(
        metricTotal(m, "xai_chain_rejected_blocks_total", wrongProposer),
        rejectedBefore[k],
        `node ${i} refused none of the new validator's blocks`,
      );
      assert.equal((await c.get<{ proposer: string }>(i, `/blocks/${first}`)).proposer, key.address);
    }
    const sets = await Promise.all(
      c.all.map(async (i) =>
        (await c.get<ValidatorsJson>(i, "/validators")).validators.map((v) => v.address),
      ),
    );
    for (const s of sets) assert.deepEqual(s, sets[0]);
    assert.ok(sets[0]!.includes(key.address));
    check(
      `healed: all ${c.size} nodes on head ${one.height} and one root; {${minor.join(",")}} reorged onto the blocks of the added validator without refusing any, and every node has the set of ${sets[0]!.length}`,
    );
  },
};
