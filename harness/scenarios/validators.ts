import assert from "node:assert/strict";
import { toHex, utf8 } from "../../src/crypto/bytes.js";
import { sha256 } from "../../src/crypto/hash.js";
import { keyPairFromSecret } from "../../src/crypto/keys.js";
import type { ProposalAction } from "../../src/types/tx.js";
import type { Cluster } from "../cluster.js";
import { runLifecycle } from "../gov.js";
import type { Scenario } from "../scenario.js";

/** Blocks between the head at submission and the activation height: the lifecycle takes about 25. */
const LEAD = 45;

interface ValidatorsJson {
  height: number;
  validators: Array<{ address: string; public_key: string }>;
  pending: Array<{ action: string; address: string; activation_height: number; blocks_left: number }>;
}

/** The proposers of the canonical blocks `from` … `to` as node `i` stores them. */
async function proposers(c: Cluster, i: number, from: number, to: number): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (let h = from; h <= to; h++)
    out.set(h, (await c.get<{ proposer: string }>(i, `/blocks/${h}`)).proposer);
  return out;
}

/**
 * (SPEC §4.8) A node started with a key outside the genesis set follows the chain; governance adds
 * its validator and from the activation height it proposes its slots. Governance then removes a
 * genesis validator: from its activation height no block of it is on the chain, the others take its
 * slots, and the chain never stalls. Every node, the added and the removed one included, ends on
 * the same head and root.
 */
export const validators: Scenario = {
  name: "validators",
  title: "a validator added by governance starts producing; a removed one stops being accepted",
  async run({ cluster: c, check, note }) {
    const key = keyPairFromSecret(sha256(utf8("harness-validator-added")));
    const added = await c.addNode(key);
    await c.converge(60_000);
    check(
      `node ${added} runs with a key outside the set (${key.address.slice(0, 12)}…) and follows the chain`,
    );

    const addAt = (await c.status(0)).height + LEAD;
    const add: ProposalAction = {
      kind: "validator_set",
      action: "add",
      address: key.address,
      publicKey: toHex(key.publicKey),
      activationHeight: String(addAt),
    };
    const p1 = await runLifecycle(c, { proposer: 0, action: add, title: "Add a validator", submitAt: added });
    note("add_executed_at", p1.execution?.height);
    note("add_activation_height", addAt);
    const view = await c.get<ValidatorsJson>(0, "/validators");
    assert.deepEqual(
      view.pending.map((p) => [p.action, p.address, p.activation_height]),
      [["add", key.address, addAt]],
    );
    check(
      `the add executed at height ${p1.execution?.height}; GET /validators shows it pending until ${addAt}`,
    );

    await c.waitHeight(addAt + 9, c.alive, 120_000);
    const before = await proposers(c, 0, addAt - 9, addAt - 1);
    const after = await proposers(c, 0, addAt, addAt + 9);
    assert.ok(![...before.values()].includes(key.address), "no block of the new validator before activation");
    const own = [...after].filter(([, p]) => p === key.address).map(([h]) => h);
    assert.ok(own.length > 0, `the new validator proposed from ${addAt}: ${[...after.values()].join(",")}`);
    note("blocks_of_added_validator", own);
    check(`from height ${addAt} the added validator proposes (heights ${own.join(", ")}), never before`);

    const victim = 2;
    const removed = (await c.status(victim)).validator;
    assert.ok(removed, `node ${victim} is a validator`);
    const removeAt = (await c.status(0)).height + LEAD;
    const remove: ProposalAction = {
      kind: "validator_set",
      action: "remove",
      address: removed,
      publicKey: "",
      activationHeight: String(removeAt),
    };
    const p2 = await runLifecycle(c, { proposer: 0, action: remove, title: "Remove a validator" });
    note("remove_executed_at", p2.execution?.height);
    note("remove_activation_height", removeAt);
    check(
      `the removal of node ${victim}'s validator executed at height ${p2.execution?.height}, in force from ${removeAt}`,
    );

    const start = await c.status(0);
    await c.waitHeight(removeAt + 12, c.alive, 120_000);
    const tail = await proposers(c, 0, removeAt, removeAt + 12);
    assert.ok(![...tail.values()].includes(removed), "no block of the removed validator from its activation");
    const end = await c.get<{ slot: number }>(0, `/blocks/${removeAt + 12}`);
    const first = await c.get<{ slot: number }>(0, `/blocks/${removeAt}`);
    // Every slot has a live proposer again: 12 blocks in at most twice as many slots.
    assert.ok(end.slot - first.slot <= 24, `slots ${first.slot} … ${end.slot}`);
    note("slots_for_12_blocks_after_removal", end.slot - first.slot);
    check(
      `from height ${removeAt} no block of the removed validator; 12 blocks in ${end.slot - first.slot} slots (from height ${start.height}, no stall)`,
    );

    const agreed = await c.converge(60_000);
    const sets = await Promise.all(c.all.map((i) => c.get<ValidatorsJson>(i, "/validators")));
    for (const s of sets)
      assert.deepEqual(
        s.validators.map((v) => v.address),
        sets[0]!.validators.map((v) => v.address),
      );
    assert.ok(!sets[0]!.validators.some((v) => v.address === removed));
    assert.ok(sets[0]!.validators.some((v) => v.address === key.address));
    check(
      `all ${c.size} nodes (added and removed included) agree on head ${agreed.height} and root, and on the set of ${sets[0]!.validators.length}`,
    );
  },
};
