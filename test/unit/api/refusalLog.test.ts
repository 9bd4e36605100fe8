// Logs (issue 12): a line for each refused API submission, rate-limited; event log fields typed as
// the API types them; an execution's event carries each change with its before and after values.
import assert from "node:assert/strict";
import { refusalLog } from "../../../src/api/refusalLog.js";
import { createApi } from "../../../src/api/server.js";
import { devKeyPair } from "../../../src/crypto/keys.js";
import type { Logger } from "../../../src/logger.js";
import { NodeMetrics } from "../../../src/metrics/nodeMetrics.js";
import { eventLogFields } from "../../../src/node/eventLog.js";
import { action, GovChain, key, tx } from "../../utils/govChain.js";
import { passToQueued, proposal, track } from "../../utils/govFlow.js";
import { openTestChain, testKey, transferTx } from "../../utils/testChain.js";

function recordingLog(): { log: Logger; lines: Array<[Record<string, unknown>, string | undefined]> } {
  const lines: Array<[Record<string, unknown>, string | undefined]> = [];
  const rec = (o: object, m?: string) => lines.push([o as Record<string, unknown>, m]);
  return { log: { info: rec, warn: rec, debug: rec }, lines };
}

describe("logs: refused submissions, event fields, execution before/after", () => {
  it("a refused POST /tx logs its code, message, id and sender", async () => {
    const t = await openTestChain();
    try {
      const { log, lines } = recordingLog();
      const app = createApi({
        chain: t.chain,
        metrics: new NodeMetrics(),
        peers: () => 0,
        syncing: () => false,
        onRefused: refusalLog(log),
      });
      const bytes = transferTx(devKeyPair(0), testKey("to").address, 1n, { nonce: 5n });
      const res = await app.inject({
        method: "POST",
        url: "/tx",
        payload: { tx: Buffer.from(bytes).toString("base64") },
      });
      assert.equal(res.statusCode, 409);
      const notBase64 = await app.inject({ method: "POST", url: "/tx", payload: { tx: "%%%" } });
      assert.equal(notBase64.statusCode, 400);
      assert.equal(lines.length, 1, "the base64 refusal is a request error, not a submission");
      const [fields, msg] = lines[0]!;
      assert.equal(msg, "submission refused");
      assert.equal(fields.code, "TX_NONCE_TOO_HIGH");
      assert.equal(fields.sender, devKeyPair(0).address);
      assert.match(String(fields.txId), /^[0-9a-f]{64}$/);
      assert.match(String(fields.message), /nonce/);
      await app.close();
    } finally {
      await t.cleanup();
    }
  });

  it("refusal lines are rate-limited; the next line counts the ones suppressed", () => {
    const { log, lines } = recordingLog();
    let now = 1000;
    const refused = refusalLog(log, 3, 1000, () => now);
    for (let i = 0; i < 10; i++) refused({ code: "TX_FEE_TOO_LOW", message: `m${i}` });
    assert.equal(lines.length, 3);
    now += 999;
    refused({ code: "X", message: "still the same window" });
    assert.equal(lines.length, 3);
    now += 1;
    refused({ code: "X", message: "next window" });
    assert.equal(lines.length, 4);
    assert.deepEqual(lines[3]![0], { code: "X", message: "next window", suppressed: 8 });
    refused({ code: "Y", message: "after" });
    assert.deepEqual(lines[4]![0], { code: "Y", message: "after" });
  });

  it("event log fields: counts and heights as numbers, amounts as strings", () => {
    assert.deepEqual(
      eventLogFields({ number: "7", height: "120", power: "123456789012345678901", option: "yes", eta: "x" }),
      { number: 7, height: 120, power: "123456789012345678901", option: "yes", eta: "x" },
    );
    assert.deepEqual(eventLogFields({ voters: "9999999999999999" }), { voters: "9999999999999999" });
  });

  it("proposal_executed carries each change with its value before and after", async () => {
    const c = track(await GovChain.create());
    const id = await passToQueued(c, action.param("block_reward", "2000000000"));
    const p = await proposal(c, id);
    await c.runToHeight(p.eta - 1);
    const { block } = await c.send(key(9), tx.execute(id));
    const ev = block.events.find((e) => e.type === "proposal_executed");
    // GovChain genesis has block_reward 0.
    assert.equal(ev?.attributes.diff, "param:block_reward 0 -> 2000000000");
    assert.equal(ev?.attributes.changes, "1");
  });
});
