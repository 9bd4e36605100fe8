/** Every refusal of each governance transaction, by its exact code. */
import assert from "node:assert/strict";
import { GovErrorCode as E } from "../../../src/governance/errors.js";
import { getActiveCount } from "../../../src/governance/store.js";
import { implementationRequiredPower } from "../../../src/governance/tally.js";
import { action, GovChain, key, tx } from "../../utils/govChain.js";
import {
  castVotes,
  checkInvariants,
  expectStatus,
  proposal,
  propose,
  toImplementation,
  toReview,
  track,
} from "../../utils/govFlow.js";

const PARAM = action.param("max_block_txs", "500");
const XAI = 100_000_000n;
const UNKNOWN = "ab".repeat(16);

describe("governance: transaction validity", () => {
  afterEach(checkInvariants);

  describe("SUBMIT_PROPOSAL", () => {
    it("U1: title: 1..140 UTF-8 bytes, not blank", async () => {
      const c = track(await GovChain.create());
      const code = async (title: string) => (await c.check(key(0), tx.propose(PARAM, { title }))).code;
      assert.equal(await code(""), E.EMPTY_TITLE);
      assert.equal(await code("   \n"), E.EMPTY_TITLE);
      assert.equal(await code("x".repeat(141)), E.TITLE_TOO_LONG);
      assert.equal(await code("x".repeat(140)), undefined);
      assert.equal(await code("😀".repeat(35)), undefined, "35 emoji = 140 bytes");
      assert.equal(await code(`${"😀".repeat(35)}x`), E.TITLE_TOO_LONG, "141 bytes");
      assert.equal(await code("😀".repeat(70)), E.TITLE_TOO_LONG, "70 emoji = 140 code units but 280 bytes");
      assert.equal(await code("é".repeat(70)), undefined, "70 x 2 bytes");
      assert.equal(await code("é".repeat(71)), E.TITLE_TOO_LONG, "71 x 2 bytes");
    });

    it("description <= 10,000; purpose <= 500", async () => {
      const c = track(await GovChain.create());
      const desc = async (description: string) =>
        (await c.check(key(0), tx.propose(PARAM, { description }))).code;
      assert.equal(await desc("d".repeat(10_000)), undefined);
      assert.equal(await desc("d".repeat(10_001)), E.DESCRIPTION_TOO_LONG);
      const purpose = async (p: string) =>
        (await c.check(key(0), tx.propose(action.treasury(key(7).address, "1", p)))).code;
      assert.equal(await purpose("p".repeat(500)), undefined);
      assert.equal(await purpose("p".repeat(501)), E.PURPOSE_TOO_LONG);
    });

    it("deposit >= proposal_deposit and covered by the balance after the fee", async () => {
      const c = track(
        await GovChain.create({ balances: [10n * XAI, 10n * XAI - 1n, 100n * XAI, 100n * XAI] }),
      );
      assert.equal(
        (await c.check(key(2), tx.propose(PARAM, { deposit: 10n * XAI - 1n }))).code,
        E.DEPOSIT_TOO_LOW,
      );
      assert.equal(
        (await c.check(key(1), tx.propose(PARAM, { deposit: 10n * XAI }))).code,
        E.INSUFFICIENT_BALANCE,
      );
      assert.equal((await c.check(key(0), tx.propose(PARAM, { deposit: 10n * XAI }))).outcome?.result, "ok");
      assert.equal((await c.check(key(2), tx.propose(PARAM, { deposit: 20n * XAI }))).outcome?.result, "ok");
    });

    it("at most max_active_proposals_per_account (3) in voting; leaving voting frees a slot", async () => {
      const c = track(await GovChain.create());
      const ids = [await propose(c, 0, PARAM), await propose(c, 0, PARAM), await propose(c, 0, PARAM)];
      assert.equal(await getActiveCount(c.state, key(0).address), 3n);
      assert.equal((await c.check(key(0), tx.propose(PARAM))).code, E.TOO_MANY_ACTIVE);
      assert.equal((await c.check(key(1), tx.propose(PARAM))).outcome?.result, "ok");
      await c.send(key(0), tx.cancel(ids[1]!));
      assert.equal(await getActiveCount(c.state, key(0).address), 2n);
      assert.equal((await c.check(key(0), tx.propose(PARAM))).outcome?.result, "ok");
      await c.runToHeight((await proposal(c, ids[2]!)).votingEnd);
      assert.equal(await getActiveCount(c.state, key(0).address), 0n);
    });

    it("emergency actions: only the three, well-formed", async () => {
      const c = track(await GovChain.create());
      const code = async (a: string, id = "") =>
        (await c.check(key(0), tx.propose(action.emergency(a, id)))).code;
      assert.equal(await code("nuke"), E.INVALID_ACTION);
      // The refusal lists the valid names (issue 12, defect 16).
      assert.equal(
        (await c.check(key(0), tx.propose(action.emergency("nuke", "")))).message,
        "unknown emergency action nuke; actions: pause_transfers, resume_transfers, cancel_proposal, cancel_upgrade",
      );
      assert.equal(await code(""), E.INVALID_ACTION);
      assert.equal(await code("pause_transfers", UNKNOWN), E.INVALID_ACTION);
      assert.equal(await code("pause_transfers"), undefined);
      assert.equal(await code("resume_transfers"), undefined);
      assert.equal(await code("cancel_proposal"), E.UNKNOWN_PROPOSAL);
      assert.equal(await code("cancel_proposal", UNKNOWN), E.UNKNOWN_PROPOSAL);
      const cancelled = await propose(c, 1, PARAM);
      assert.equal(
        await code("cancel_proposal", cancelled),
        undefined,
        "a proposal in voting may still be queued",
      );
      await c.send(key(1), tx.cancel(cancelled));
      assert.equal(await code("cancel_proposal", cancelled), E.NOT_CANCELLABLE);
    });

    it("the id is proposalIdOf(submit tx id) and numbers count from 1", async () => {
      const c = track(await GovChain.create());
      const a = await propose(c, 3, PARAM);
      const b = await propose(c, 3, PARAM);
      assert.match(a, /^[0-9a-f]{32}$/);
      assert.equal((await proposal(c, a)).number, 1);
      assert.equal((await proposal(c, b)).number, 2);
    });
  });

  describe("CAST_VOTE", () => {
    it("unknown or malformed proposal id", async () => {
      const c = track(await GovChain.create());
      assert.equal((await c.check(key(1), tx.vote(UNKNOWN, "yes"))).code, E.UNKNOWN_PROPOSAL);
      assert.equal((await c.check(key(1), tx.vote("zz", "yes"))).code, E.UNKNOWN_PROPOSAL);
      assert.equal((await c.check(key(1), tx.vote(UNKNOWN.toUpperCase(), "yes"))).code, E.UNKNOWN_PROPOSAL);
    });

    it("a later vote replaces the earlier one: tally adjusted, voters counted once", async () => {
      const c = track(await GovChain.create());
      const id = await propose(c, 0, PARAM);
      await castVotes(c, id, [[1, "yes"]]);
      let p = await proposal(c, id);
      const one = { voters: 1n, heads: 1n };
      assert.deepEqual(p.tally, { yes: 1_000_000n * XAI, no: 0n, abstain: 0n, yesVoters: 1n, ...one });
      await castVotes(c, id, [[1, "no"]]);
      p = await proposal(c, id);
      assert.deepEqual(p.tally, { yes: 0n, no: 1_000_000n * XAI, abstain: 0n, yesVoters: 0n, ...one });
      await castVotes(c, id, [[1, "abstain"]]);
      p = await proposal(c, id);
      assert.deepEqual(p.tally, { yes: 0n, no: 0n, abstain: 1_000_000n * XAI, yesVoters: 0n, ...one });
    });
  });

  describe("SUBMIT_CODE_REVIEW", () => {
    it("only in code_review; not the proposer; once; with snapshot power; comment <= 2,000", async () => {
      const c = track(await GovChain.create());
      const early = await propose(c, 0, PARAM);
      assert.equal((await c.check(key(4), tx.review(early, true))).code, E.NOT_IN_REVIEW);
      const id = await toReview(c, PARAM);
      assert.equal((await c.check(key(0), tx.review(id, true))).code, E.SELF_REVIEW);
      assert.equal((await c.check(key(20), tx.review(id, true))).code, E.NO_VOTING_POWER);
      assert.equal((await c.check(key(4), tx.review(id, true, "c".repeat(2001)))).code, E.COMMENT_TOO_LONG);
      assert.equal((await c.check(key(4), tx.review(id, true, "c".repeat(2000)))).code, undefined);
      assert.equal((await c.check(key(4), tx.review(UNKNOWN, true))).code, E.UNKNOWN_PROPOSAL);
      await c.send(key(4), tx.review(id, true));
      assert.equal((await c.check(key(4), tx.review(id, false))).code, E.DUPLICATE_REVIEW);
    });
  });

  describe("VOTE_IMPLEMENTATION", () => {
    it("only original voters whose final vote was yes, once each, only in implementation_vote", async () => {
      const c = track(await GovChain.create());
      const votes: Array<[number, "yes" | "no"]> = [
        [1, "yes"],
        [2, "yes"],
        [3, "yes"],
        [6, "no"],
        [7, "yes"],
        [8, "no"],
      ];
      const id = await propose(c, 0, PARAM);
      await castVotes(c, id, votes);
      // dev:7 switches yes → no; dev:8 switches no → yes.
      await castVotes(c, id, [
        [7, "no"],
        [8, "yes"],
      ]);
      assert.equal((await c.check(key(1), tx.implement(id))).code, E.NOT_IN_IMPLEMENTATION);
      await c.runToHeight((await proposal(c, id)).votingEnd);
      await toImplementation(c, id);
      assert.equal(
        implementationRequiredPower(await proposal(c, id)),
        200_000_000_000_000n,
        "4 yes voters of 1,000,000 XAI at 5000 bps",
      );
      assert.equal((await c.check(key(6), tx.implement(id))).code, E.NOT_ORIGINAL_YES_VOTER);
      assert.equal((await c.check(key(7), tx.implement(id))).code, E.NOT_ORIGINAL_YES_VOTER);
      assert.equal((await c.check(key(9), tx.implement(id))).code, E.NOT_ORIGINAL_YES_VOTER);
      assert.equal((await c.check(key(0), tx.implement(id))).code, E.NOT_ORIGINAL_YES_VOTER);
      await c.send(key(8), tx.implement(id, false));
      assert.equal((await c.check(key(8), tx.implement(id, true))).code, E.DUPLICATE_IMPLEMENTATION_VOTE);
      await c.send(key(1), tx.implement(id, true));
      await expectStatus(c, id, "implementation_vote");
      await c.send(key(2), tx.implement(id, true));
      await expectStatus(c, id, "queued");
    });
  });

  describe("EXECUTE_PROPOSAL and CANCEL_PROPOSAL", () => {
    it("unknown, not queued, not the proposer", async () => {
      const c = track(await GovChain.create());
      assert.equal((await c.check(key(9), tx.execute(UNKNOWN))).code, E.UNKNOWN_PROPOSAL);
      assert.equal((await c.check(key(9), tx.cancel(UNKNOWN))).code, E.UNKNOWN_PROPOSAL);
      const id = await propose(c, 0, PARAM);
      assert.equal((await c.check(key(9), tx.execute(id))).code, E.NOT_QUEUED);
      assert.equal((await c.check(key(9), tx.cancel(id))).code, E.NOT_PROPOSER);
    });
  });
});
