// Chain invariants (assertChainInvariants): the balances add up to the total supply, and the treasury
// plus the circulating-supply checkpoint is the total supply. Shown to hold on real chains (fees paid
// to the proposer or burned, block rewards, a reorg) and to catch a state changed behind the supply's back.
import assert from "node:assert/strict";
import { TREASURY_ADDRESS } from "../../../src/config/addresses.js";
import { isXaiError } from "../../../src/errors.js";
import { addBalance, addSupplyCounter, getSupplyCounter } from "../../../src/state-transition/accounts.js";
import { assertChainInvariants, ChainInvariantErrorCode } from "../../../src/state-transition/invariants.js";
import { StateOverlay, type StateReader } from "../../../src/state-transition/stateStore.js";
import { GovChain, key } from "../../utils/govChain.js";
import {
  openTestChain,
  produce,
  type TestChain,
  testGenesis,
  testKey,
  transferTx,
  validatorKey,
} from "../../utils/testChain.js";

const FEE = 1_000n;

/** Asserts that `p` rejects with CHAIN_INVARIANT and a message matching `message`; returns the data. */
async function expectViolation(state: StateReader, message: RegExp): Promise<Record<string, unknown>> {
  let data: Record<string, unknown> = {};
  await assert.rejects(assertChainInvariants(state), (err: unknown) => {
    assert.ok(
      isXaiError(err, ChainInvariantErrorCode.VIOLATED),
      `expected CHAIN_INVARIANT, got ${String(err)}`,
    );
    assert.match(err.message, message);
    data = err.data;
    return true;
  });
  return data;
}

describe("assertChainInvariants", () => {
  describe("holds on real chains (Chain + LevelDB)", () => {
    let t: TestChain | undefined;
    afterEach(async () => {
      await t?.cleanup();
      t = undefined;
    });

    for (const feeBurn of [false, true])
      it(`after genesis and blocks with transfers, fees ${feeBurn ? "burned" : "to the proposer"}, rewards`, async () => {
        t = await openTestChain({
          genesis: testGenesis(1, (json) => {
            json.features = { ...(json.features as Record<string, unknown>), fee_burn: feeBurn };
          }),
        });
        await assertChainInvariants(t.chain.state);
        const [a, b] = [key(0), key(1)];
        await t.chain.submitTx(transferTx(a, testKey("x").address, 5_000n, { nonce: 0n, fee: FEE }));
        await t.chain.submitTx(transferTx(b, TREASURY_ADDRESS, 7_000n, { nonce: 0n, fee: FEE }));
        await produce(t.chain);
        await t.chain.submitTx(transferTx(a, validatorKey(0).address, 1n, { nonce: 1n, fee: FEE }));
        await produce(t.chain);
        await produce(t.chain);
        assert.equal(t.chain.head.height, 3);
        assert.equal((await getSupplyCounter(t.chain.state, "burned")) > 0n, feeBurn);
        assert.ok((await getSupplyCounter(t.chain.state, "minted")) > 0n);
        await assertChainInvariants(t.chain.state);
      });
  });

  describe("catches a violation", () => {
    let c: GovChain;
    let scratch: StateOverlay;
    beforeEach(async () => {
      c = await GovChain.create();
      await c.send(key(0), { type: "TRANSFER", recipient: key(1).address, amount: 10n });
      await assertChainInvariants(c.state);
      scratch = new StateOverlay(c.state);
    });

    it("a balance changed without the supply", async () => {
      const total = await getSupplyCounter(c.state, "total_supply");
      await addBalance(scratch, key(2).address, 1n, c.height);
      const data = await expectViolation(scratch, /balances add up to/);
      assert.equal(data.balances, (total + 1n).toString());
      assert.equal(data.totalSupply, total.toString());
    });

    it("the supply changed without a balance (a mint to nobody)", async () => {
      await addSupplyCounter(scratch, "total_supply", 5n);
      await expectViolation(scratch, /balances add up to/);
    });

    it("a balance moved to the treasury without the circulating checkpoint", async () => {
      await addBalance(scratch, key(3).address, -100n, c.height);
      await addBalance(scratch, TREASURY_ADDRESS, 100n, c.height);
      const data = await expectViolation(scratch, /treasury .* \+ circulating .* is not the total supply/);
      assert.equal(data.height, String(c.height));
    });
  });
});
