import assert from "node:assert/strict";
import { GovErrorCode as E } from "../../../src/governance/errors.js";
import { fiatUnlockStatus } from "../../../src/governance/queries.js";
import { fiatState, fiatVotes } from "../../../src/governance/store.js";
import { isFeatureOn } from "../../../src/state-transition/params.js";
import { GovChain, key, tx } from "../../utils/govChain.js";
import { checkInvariants, track } from "../../utils/govFlow.js";

const XAI = 100_000_000n;
const M = 1_000_000n * XAI;

async function fiatChain(
  o: {
    start?: number;
    auto?: number;
    minVotes?: number;
    quorumBps?: number;
    balances?: bigint[];
    rules?: Record<string, string>;
  } = {},
) {
  return track(
    await GovChain.create({
      fiat: {
        start_height: o.start ?? 3,
        auto_unlock_height: o.auto ?? 1000,
        min_votes: o.minVotes ?? 5,
        support_bps: 6600,
        ...(o.quorumBps !== undefined ? { quorum_bps: o.quorumBps } : {}),
      },
      ...(o.balances ? { balances: o.balances } : {}),
      ...(o.rules ? { rules: o.rules } : {}),
    }),
  );
}

async function voteBlock(c: GovChain, votes: Array<[number, boolean]>) {
  for (const [n, support] of votes) await c.submit(key(n), tx.fiat(support));
  const b = await c.nextBlock();
  assert.deepEqual(
    b.skipped.map((s) => s.code),
    [],
  );
  return b;
}

describe("governance: fiat unlock", () => {
  afterEach(checkInvariants);

  it("votes before start_height are refused; from start_height they count", async () => {
    const c = await fiatChain({ start: 3 });
    await c.runToHeight(1);
    assert.equal((await c.check(key(1), tx.fiat(true))).code, E.FIAT_WINDOW_CLOSED);
    await c.runToHeight(2);
    assert.equal((await c.check(key(1), tx.fiat(true))).outcome?.result, "ok");
  });

  it("power is the balance at the window's start (end of start_height - 1); later moves change nothing", async () => {
    const c = await fiatChain({ start: 3 });
    await c.runToHeight(1);
    await c.send(key(1), tx.transfer(key(20).address, 500_000n * XAI)); // height 2: before the snapshot ends
    await c.send(key(2), tx.transfer(key(21).address, 500_000n * XAI)); // height 3: after it
    assert.equal((await c.check(key(21), tx.fiat(true))).code, E.NO_VOTING_POWER);
    await voteBlock(c, [
      [20, true],
      [2, true],
    ]);
    assert.equal((await fiatVotes.get(c.state, key(20).address))?.power, 500_000n * XAI);
    assert.equal((await fiatVotes.get(c.state, key(2).address))?.power, M);
  });

  it("unlocks once voters >= min_votes and support >= 66%; fiat_rails on from the next block; then closed", async () => {
    const c = await fiatChain({ start: 1 });
    await voteBlock(c, [
      [1, true],
      [2, true],
      [3, true],
      [4, false],
    ]);
    assert.equal((await fiatState.get(c.state))?.unlocked, false, "4 voters < min_votes 5");
    // 5th voter: 3 yes of 5 = 60% < 66%.
    await voteBlock(c, [[5, false]]);
    assert.equal((await fiatState.get(c.state))?.unlocked, false);
    // dev:4 changes its mind: 4 of 5 = 80%. The last vote counts; still 5 voters.
    const b = await voteBlock(c, [[4, true]]);
    const s = await fiatState.get(c.state);
    assert.equal(s?.voters, 5n);
    assert.equal(s?.supportPower, 4n * M);
    assert.equal(s?.votedPower, 5n * M);
    assert.equal(s?.unlocked, true);
    assert.equal(s?.unlockedHeight, b.height);
    assert.equal(s?.unlockReason, "votes");
    assert.equal(await isFeatureOn(c.state, "fiat_rails"), true);
    assert.ok(b.events.some((e) => e.type === "fiat_unlocked" && e.attributes.reason === "votes"));
    assert.equal((await c.nextContext()).params.feature.fiat_rails, true);
    assert.equal((await c.check(key(6), tx.fiat(true))).code, E.FIAT_ALREADY_UNLOCKED);
  });

  it("support exactly 66.00% of voted power unlocks; one unit less does not", async () => {
    const run = async (yesPower: bigint) => {
      const c = await fiatChain({
        start: 1,
        balances: [0n, yesPower, 1000n, 1000n, 1000n, 1000n, 1000n, 10_000n],
      });
      await voteBlock(c, [
        [1, true],
        [2, true],
        [3, true],
        [5, false],
        [6, false],
      ]);
      return fiatState.get(c.state);
    };
    // yes = y + 2000, no = 2000: unlock iff (y + 2000) x 10,000 >= 6600 x (y + 4000) ⇔ y >= 1882.35… → 1883.
    // Cap: supply = y + 15,000 (dev:7 holds 10,000 and does not vote), cap 20%: nothing binds;
    // voted y + 4,000 >= 20% of the supply (quorum); floor ceil(10 bps) = 17: every voter is a head.
    assert.equal((await run(1883n))?.unlocked, true);
    assert.equal((await run(1882n))?.unlocked, false);
  });

  it("unlocks at the end of block auto_unlock_height without votes", async () => {
    const c = await fiatChain({ start: 1, auto: 4 });
    await c.runToHeight(3);
    assert.equal(await isFeatureOn(c.state, "fiat_rails"), false);
    const b = await c.nextBlock();
    const s = await fiatUnlockStatus(c.state);
    assert.equal(s?.unlocked, true);
    assert.equal(s?.unlock_reason, "auto");
    assert.equal(s?.unlocked_height, 4);
    assert.equal(await isFeatureOn(c.state, "fiat_rails"), true);
    assert.equal(b.events.filter((e) => e.type === "fiat_unlocked").length, 1);
    const later = await c.nextBlock();
    assert.equal(later.events.filter((e) => e.type === "fiat_unlocked").length, 0, "once");
  });

  it("reason <= 500; counted power is capped by max_individual_power_bps", async () => {
    const c = await fiatChain({ start: 1, balances: [0n, 6000n, 1000n, 1000n, 1000n, 1000n] });
    assert.equal((await c.check(key(1), tx.fiat(true, "r".repeat(501)))).code, E.REASON_TOO_LONG);
    await voteBlock(c, [[1, true]]);
    const v = await fiatVotes.get(c.state, key(1).address);
    assert.equal(v?.power, 6000n);
    assert.equal(v?.counted, 2000n);
  });
});

describe("A3: fiat unlock by five 1-unit accounts (SPEC v2 §4.5: floor, quorum, end of block)", () => {
  afterEach(checkInvariants);

  it("five 1-unit accounts voting support in the window's first block cannot unlock; state unchanged but their votes", async () => {
    const c = await fiatChain({ start: 1, balances: [1n, 1n, 1n, 1n, 1n, M, M, M, M, M] });
    const before = await fiatState.get(c.state);
    const b = await voteBlock(c, [
      [0, true],
      [1, true],
      [2, true],
      [3, true],
      [4, true],
    ]);
    await c.runToHeight(5);
    const s = await fiatState.get(c.state);
    assert.equal(s?.unlocked, false);
    assert.deepEqual(
      {
        voters: s?.voters,
        heads: s?.heads,
        support: s?.supportPower,
        voted: s?.votedPower,
        supply: s?.supply,
      },
      { voters: 5n, heads: 0n, support: 5n, voted: 5n, supply: 5n * M + 5n },
    );
    assert.deepEqual({ ...s, voters: 0n, supportPower: 0n, votedPower: 0n, supply: 0n }, before);
    assert.equal(await isFeatureOn(c.state, "fiat_rails"), false);
    assert.equal((await c.nextContext()).params.feature.fiat_rails, false);
    assert.equal(b.events.filter((e) => e.type === "fiat_unlocked").length, 0);
    // The window stays open for the holders.
    assert.equal((await c.check(key(5), tx.fiat(false))).outcome?.result, "ok");
  });

  it("judged at the end of the block, never on the deciding vote: later votes of the same block count", async () => {
    const c = await fiatChain({ start: 1 });
    // 5 heads support (50% of supply, 100% support) ... then 4 oppose in the same block: 5/9 < 66%.
    const b = await voteBlock(c, [
      [1, true],
      [2, true],
      [3, true],
      [4, true],
      [5, true],
      [6, false],
      [7, false],
      [8, false],
      [9, false],
    ]);
    const s = await fiatState.get(c.state);
    assert.equal(s?.unlocked, false);
    assert.equal(s?.voters, 9n);
    assert.equal(s?.supportPower, 5n * M);
    assert.equal(s?.votedPower, 9n * M);
    assert.equal(b.events.filter((e) => e.type === "fiat_unlocked").length, 0);
    // Two opponents switch: 7/9 >= 66% → unlocked at the end of that block, not at a vote.
    const b2 = await voteBlock(c, [
      [6, true],
      [7, true],
    ]);
    const s2 = await fiatState.get(c.state);
    assert.equal(s2?.unlocked, true);
    assert.equal(s2?.unlockedHeight, b2.height);
    assert.equal(s2?.unlockTxId, "", "an end-of-block unlock, no deciding transaction");
    const e = b2.events.find((x) => x.type === "fiat_unlocked");
    assert.equal(e?.txId, undefined);
    assert.equal(e?.attributes.reason, "votes");
  });

  it("quorum: voted power x 10,000 >= quorum_bps x supply; one unit below refused, at the threshold unlocks (rounding up)", async () => {
    // supply 25,001: 2,000 bps of it is 5,000.2, so 5,001 units of voted power are needed.
    const run = async (last: bigint) => {
      const voted = 4000n + last;
      const c = await fiatChain({
        start: 1,
        balances: [25_001n - voted, 1000n, 1000n, 1000n, 1000n, last],
      });
      await voteBlock(c, [
        [1, true],
        [2, true],
        [3, true],
        [4, true],
        [5, true],
      ]);
      const s = await fiatState.get(c.state);
      assert.equal(s?.supply, 25_001n);
      assert.equal(s?.votedPower, voted);
      assert.equal(s?.heads, 5n);
      return s?.unlocked;
    };
    assert.equal(await run(1000n), false, "5,000 < 5,000.2");
    assert.equal(await run(1001n), true, "5,001");
  });

  it("participant floor: a voter one unit below ceil(participant_floor_bps x supply / 10,000) is not a head", async () => {
    // supply 100,001 at 10 bps: 100.001 rounds up to 101.
    const run = async (last: bigint) => {
      const c = await fiatChain({
        start: 1,
        quorumBps: 1,
        balances: [100_001n - 40_000n - last, 10_000n, 10_000n, 10_000n, 10_000n, last],
      });
      await voteBlock(c, [
        [1, true],
        [2, true],
        [3, true],
        [4, true],
        [5, true],
      ]);
      const s = await fiatState.get(c.state);
      assert.equal(s?.supply, 100_001n);
      assert.equal(s?.voters, 5n);
      assert.equal((await fiatVotes.get(c.state, key(5).address))?.head, last >= 101n);
      return s;
    };
    const below = await run(100n);
    assert.equal(below?.heads, 4n);
    assert.equal(below?.unlocked, false);
    const at = await run(101n);
    assert.equal(at?.heads, 5n);
    assert.equal(at?.unlocked, true);
  });

  it("a replaced vote keeps one head; genesis quorum_bps outside [1, 10000] is refused", async () => {
    const c = await fiatChain({ start: 1 });
    await voteBlock(c, [[1, true]]);
    await voteBlock(c, [[1, false]]);
    const s = await fiatState.get(c.state);
    assert.deepEqual([s?.voters, s?.heads, s?.supportPower, s?.votedPower], [1n, 1n, 0n, M]);
    for (const q of [0, 10_001])
      await assert.rejects(
        GovChain.create({
          fiat: { start_height: 1, auto_unlock_height: 9, min_votes: 5, support_bps: 6600, quorum_bps: q },
        }),
        (err: unknown) => (err as { code?: string }).code === "GENESIS_INVALID",
      );
  });
});
