import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { DEPOSIT_ESCROW_ADDRESS } from "../../../src/config/addresses.js";
import { isXaiError } from "../../../src/errors.js";
import { GovErrorCode } from "../../../src/governance/errors.js";
import { assertGovernanceInvariants } from "../../../src/governance/invariants.js";
import { GovBucket, queueKey, statusIndexKey } from "../../../src/governance/keys.js";
import { proposalIdOf } from "../../../src/governance/proposalId.js";
import { decodeProposal, encodeProposal, proposalCodec } from "../../../src/governance/records.js";
import { putProposal } from "../../../src/governance/store.js";
import { addBalance } from "../../../src/state-transition/accounts.js";
import { StateOverlay } from "../../../src/state-transition/stateStore.js";
import { action, GovChain, key, tx } from "../../utils/govChain.js";
import {
  castVotes,
  checkInvariants,
  passAndExecute,
  passToQueued,
  proposal,
  propose,
  track,
  YES4,
} from "../../utils/govFlow.js";

const PARAM = action.param("max_block_txs", "500");

describe("governance: units", () => {
  afterEach(checkInvariants);

  it("A1: proposalIdOf = hex(sha256('xai-proposal' || 32 bytes of the submit tx id)[0:16])", () => {
    const txId = createHash("sha256").update("some submit body").digest("hex");
    const expected = createHash("sha256")
      .update(Buffer.concat([Buffer.from("xai-proposal"), Buffer.from(txId, "hex")]))
      .digest("hex")
      .slice(0, 32);
    assert.equal(proposalIdOf(txId), expected);
    const otherTxId = createHash("sha256").update("another submit body").digest("hex");
    assert.notEqual(proposalIdOf(otherTxId), expected);
  });

  it("A1: two SUBMIT_PROPOSALs signed with one nonce get different ids", async () => {
    const c = track(await GovChain.create());
    const a = await c.tx(key(0), tx.propose(PARAM));
    const b = await c.tx(key(0), tx.propose(action.param("max_block_txs", "10")));
    assert.equal(a.body.nonce, b.body.nonce);
    assert.notEqual(a.id, b.id);
    assert.notEqual(proposalIdOf(a.id), proposalIdOf(b.id));
    // The included one answers with the id of its own tx.
    c.pending.push(b);
    const r = (await c.nextBlock()).receipts.find((x) => x.txId === b.id);
    assert.equal(r?.proposalId, proposalIdOf(b.id));
    assert.deepEqual((await proposal(c, proposalIdOf(b.id))).action, action.param("max_block_txs", "10"));
    assert.equal(
      (await c.check(key(1), tx.vote(proposalIdOf(a.id), "yes"))).code,
      GovErrorCode.UNKNOWN_PROPOSAL,
    );
  });

  it("a proposal record round-trips and encodes deterministically", async () => {
    const c = track(await GovChain.create());
    const id = await passAndExecute(c, action.treasury(key(7).address, "42", "grant"));
    const p = await proposal(c, id);
    const bytes = encodeProposal(p);
    assert.deepEqual(decodeProposal(bytes), p);
    assert.deepEqual(encodeProposal(decodeProposal(bytes)), bytes);
    // Rules are encoded in name order whatever the object's key order.
    const reordered = { ...p, rules: Object.fromEntries(Object.entries(p.rules).reverse()) };
    assert.deepEqual(encodeProposal(reordered), bytes);
  });

  it("a proposal's clone is what decode(encode(p)) gives, and shares no mutable part with p", async () => {
    const c = track(await GovChain.create());
    const id = await passAndExecute(c, action.treasury(key(7).address, "42", "grant"));
    const p = await proposal(c, id);
    const copy = proposalCodec.clone(p);
    assert.deepEqual(copy, decodeProposal(encodeProposal(p)));
    copy.tally.yes += 1n;
    copy.statusHistory[0]!.height += 1;
    copy.rules.quorum_bps = 1n;
    copy.execution!.changes[0]!.after = "changed";
    (copy.action as { recipient: string }).recipient = "changed";
    assert.deepEqual(p, await proposal(c, id));
  });

  it("events: one for every step of a lifecycle", async () => {
    const c = track(await GovChain.create());
    const { id } = await c.submitProposal(key(0), tx.propose(PARAM));
    const types: string[] = [];
    const statuses: string[] = [];
    const grab = (events: Array<{ type: string; attributes: Record<string, string> }>) => {
      for (const e of events) {
        types.push(e.type);
        if (e.type === "proposal_status") statuses.push(`${e.attributes.from}->${e.attributes.to}`);
      }
    };
    grab((await c.nextBlock()).events);
    for (const [n, o] of YES4) await c.submit(key(n), tx.vote(id, o));
    grab((await c.nextBlock()).events);
    for (const b of await c.runToHeight((await proposal(c, id)).votingEnd)) grab(b.events);
    for (const n of [4, 5]) await c.submit(key(n), tx.review(id, true));
    grab((await c.nextBlock()).events);
    for (const b of await c.runToHeight((await proposal(c, id)).reviewEnd)) grab(b.events);
    for (const n of [1, 2]) await c.submit(key(n), tx.implement(id));
    grab((await c.nextBlock()).events);
    for (const b of await c.runToHeight((await proposal(c, id)).eta - 1)) grab(b.events);
    await c.submit(key(9), tx.execute(id));
    grab((await c.nextBlock()).events);
    assert.deepEqual(
      types.filter((t) => t !== "proposal_status"),
      [
        "proposal_submitted",
        "vote_cast",
        "vote_cast",
        "vote_cast",
        "vote_cast",
        "review_submitted",
        "review_submitted",
        "implementation_vote",
        "implementation_vote",
        "proposal_executed",
      ],
    );
    assert.deepEqual(statuses, [
      "voting->code_review",
      "code_review->implementation_vote",
      "implementation_vote->queued",
      "queued->executed",
    ]);
  });

  it("end of block: voting ends before review ends, ascending number within a step", async () => {
    const c = track(await GovChain.create());
    // Proposal A enters review; B and C are submitted so that B, C voting ends coincide with A's review end.
    const a = await propose(c, 0, PARAM);
    await castVotes(c, a, YES4);
    const pa = await proposal(c, a);
    await c.runToHeight(pa.votingEnd - 1);
    // Included at A's voting end: their voting_end = A's review_end.
    await c.submit(key(6), tx.propose(PARAM));
    await c.submit(key(7), tx.propose(PARAM));
    await c.nextBlock();
    assert.equal((await proposal(c, a)).status, "code_review");
    const blocks = await c.runToHeight(pa.reviewEnd);
    const last = blocks[blocks.length - 1]!;
    const order = last.events
      .filter((e) => e.type === "proposal_status")
      .map((e) => `${e.attributes.number}:${e.attributes.from}->${e.attributes.to} ${e.attributes.reason}`);
    // Each rejection carries its reason (issue 12: the log line of a failed stage says why).
    assert.deepEqual(order, [
      "2:voting->rejected no_quorum",
      "3:voting->rejected no_quorum",
      "1:code_review->rejected review_not_approved",
    ]);
  });

  it("assertGovernanceInvariants detects a corrupted tally, queue, escrow and status index", async () => {
    const c = track(await GovChain.create());
    const id = await propose(c, 0, PARAM);
    await castVotes(c, id, YES4);
    const p = await proposal(c, id);
    const corrupt = async (f: (s: StateOverlay) => Promise<void> | void, message: RegExp) => {
      const s = new StateOverlay(c.state);
      await f(s);
      await assert.rejects(assertGovernanceInvariants(s), (err: unknown) => {
        return isXaiError(err, GovErrorCode.INVARIANT) && message.test(err.message);
      });
    };
    await corrupt(
      (s) => putProposal(s, { ...p, tally: { ...p.tally, yes: p.tally.yes + 1n } }),
      /tally differs/,
    );
    await corrupt((s) => putProposal(s, { ...p, tally: { ...p.tally, voters: 5n } }), /voter counts/);
    await corrupt(
      (s) => s.del(queueKey(GovBucket.QUEUE_VOTING_END, p.votingEnd, p.number)),
      /queue entry missing/,
    );
    await corrupt(
      (s) => s.put(queueKey(GovBucket.QUEUE_REVIEW_END, 99, p.number), new Uint8Array(0)),
      /stale queue/,
    );
    await corrupt((s) => addBalance(s, DEPOSIT_ESCROW_ADDRESS, 1n, c.height), /escrow/);
    await corrupt((s) => s.put(statusIndexKey("executed", p.number), new Uint8Array(0)), /status index/);
    await corrupt(
      (s) =>
        putProposal(s, {
          ...p,
          status: "queued",
          statusHistory: [...p.statusHistory, { status: "queued", height: 9 }],
        }),
      /status went backwards|status index/,
    );
    await assertGovernanceInvariants(c.state);
  });

  it("a queued proposal stays in the expiry queue until executed, then leaves it", async () => {
    const c = track(await GovChain.create());
    const id = await passToQueued(c, PARAM);
    const p = await proposal(c, id);
    const k = queueKey(GovBucket.QUEUE_EXECUTION_EXPIRY, p.eta + 20, p.number);
    assert.ok(await c.state.get(k));
    await c.runToHeight(p.eta - 1);
    await c.send(key(9), tx.execute(id));
    assert.equal(await c.state.get(k), undefined);
  });
});
