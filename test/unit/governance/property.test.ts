/** Order independence: the same final set of votes gives the same outcome whatever the arrival order. */
import assert from "node:assert/strict";
import fc from "fast-check";
import { votes } from "../../../src/governance/store.js";
import type { VoteOption } from "../../../src/types/tx.js";
import { action, GovChain, key, tx } from "../../utils/govChain.js";
import { checkInvariants, proposal, propose, track } from "../../utils/govFlow.js";

const VOTERS = [1, 2, 3, 4, 5, 6, 7, 8, 9];
// Uneven balances (sum 11,000; cap 20% = 2,200) so that caps and thresholds matter.
const BALANCES = [0n, 900n, 2500n, 300n, 1200n, 700n, 3000n, 100n, 650n, 1650n];
const option = fc.constantFrom<VoteOption>("yes", "no", "abstain");

/** Each voter's sequence of votes (the last one counts) and two interleavings of all of them. */
const scenario = fc
  .array(fc.array(option, { maxLength: 3 }), { minLength: VOTERS.length, maxLength: VOTERS.length })
  .chain((seqs) => {
    const tokens = seqs.flatMap((s, i) => s.map(() => VOTERS[i]!));
    const order = fc.shuffledSubarray(tokens, { minLength: tokens.length, maxLength: tokens.length });
    return fc.tuple(fc.constant(seqs), order, order, fc.nat({ max: tokens.length }));
  });

/** Submits every vote in `order` (voter by voter, each voter's votes in sequence) split into blocks at `splits`. */
async function play(
  c: GovChain,
  id: string,
  seqs: VoteOption[][],
  order: number[],
  split?: number,
): Promise<void> {
  const next = new Map<number, number>();
  for (const [i, voter] of order.entries()) {
    if (i === split) await c.nextBlock();
    const k = next.get(voter) ?? 0;
    next.set(voter, k + 1);
    await c.submit(key(voter), tx.vote(id, seqs[VOTERS.indexOf(voter)]![k]!));
  }
  const b = await c.nextBlock();
  assert.deepEqual(
    b.skipped.map((s) => s.code),
    [],
  );
  await c.runToHeight((await proposal(c, id)).votingEnd + 1);
}

async function outcome(c: GovChain, id: string) {
  const p = await proposal(c, id);
  const finals = [];
  for (const v of VOTERS) {
    const vote = await votes.get(c.state, [p.number, key(v).address]);
    finals.push(vote ? [vote.option, vote.counted] : null);
  }
  return { status: p.status, tally: p.tally, deposit: p.depositState, failure: p.failureCode, finals };
}

describe("governance: vote order independence (property)", () => {
  afterEach(checkInvariants);

  let base: GovChain;
  let id: string;
  before(async () => {
    base = await GovChain.create({
      balances: BALANCES,
      rules: { proposal_deposit: "0" },
      verifyBlocks: false,
    });
    id = await propose(base, 0, action.param("max_block_txs", "500"), { deposit: 0n });
  });

  it("two arrival orders within one block give the same state root", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ([seqs, a, b]) => {
        const ca = track(base.fork());
        const cb = track(base.fork());
        await play(ca, id, seqs, a);
        await play(cb, id, seqs, b);
        assert.equal(ca.rootHex, cb.rootHex);
        assert.deepEqual(await outcome(ca, id), await outcome(cb, id));
        await checkInvariants();
      }),
      { numRuns: 30 },
    );
  });

  it("spreading the votes over two blocks gives the same outcome as one block", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ([seqs, a, b, split]) => {
        const ca = track(base.fork());
        const cb = track(base.fork());
        await play(ca, id, seqs, a, split);
        await play(cb, id, seqs, b);
        const oa = await outcome(ca, id);
        assert.deepEqual(oa, await outcome(cb, id));
        // And the outcome is what the final votes say, computed independently here.
        const finals = seqs.map((s) => s[s.length - 1]);
        const voters = finals.filter((f) => f !== undefined).length;
        assert.equal(oa.tally.voters, BigInt(voters));
        assert.equal(oa.tally.yesVoters, BigInt(finals.filter((f) => f === "yes").length));
        const sum = { yes: 0n, no: 0n, abstain: 0n };
        finals.forEach((f, i) => {
          const power = BALANCES[VOTERS[i]!]!;
          if (f) sum[f] += power < 2200n ? power : 2200n;
        });
        assert.deepEqual([oa.tally.yes, oa.tally.no, oa.tally.abstain], [sum.yes, sum.no, sum.abstain]);
        const passed =
          (sum.yes + sum.no + sum.abstain) * 10_000n >= 3340n * 11_000n &&
          voters >= 3 &&
          sum.yes > 0n &&
          sum.yes * 10_000n >= 6600n * (sum.yes + sum.no);
        assert.equal(oa.status, passed ? "code_review" : "rejected");
        await checkInvariants();
      }),
      { numRuns: 30 },
    );
  });
});
