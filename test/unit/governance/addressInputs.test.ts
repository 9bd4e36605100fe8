// SPEC §3 (v2): a treasury_allocation whose recipient is not an address (bech32m xai1…, lowercase)
// is refused at submission with GOV_INVALID_RECIPIENT and the reason in data.address_fault; the
// block builder skips it and the state root stays that of an empty block.
import assert from "node:assert/strict";
import { toHex } from "../../../src/crypto/bytes.js";
import { isXaiError } from "../../../src/errors.js";
import { GovErrorCode } from "../../../src/governance/errors.js";
import { buildBlock } from "../../../src/state-transition/applyBlock.js";
import { applyTx } from "../../../src/state-transition/applyTx.js";
import { StateOverlay } from "../../../src/state-transition/stateStore.js";
import { BAD_ADDRESSES, DEV2_ADDRESS } from "../../utils/badAddresses.js";
import { action, GovChain, key, RULES, tx } from "../../utils/govChain.js";

describe("§3 (v2) checksummed addresses: treasury_allocation recipient", () => {
  it("the canonical address is an ordinary recipient", async () => {
    const c = await GovChain.create();
    assert.equal(
      (await c.check(key(0), tx.propose(action.treasury(DEV2_ADDRESS, "1")))).outcome?.result,
      "ok",
    );
  });

  for (const bad of BAD_ADDRESSES)
    it(`${bad.what}: GOV_INVALID_RECIPIENT (${bad.fault}), skipped by the builder, state unchanged`, async () => {
      const c = await GovChain.create();
      const t = await c.tx(key(0), tx.propose(action.treasury(bad.value, "1")));
      const ctx = await c.nextContext();
      await assert.rejects(applyTx(new StateOverlay(c.state), t, ctx, RULES, []), (err: unknown) => {
        assert.ok(isXaiError(err, GovErrorCode.INVALID_RECIPIENT), String(err));
        assert.deepEqual(err.data, { recipient: bad.value, address_fault: bad.fault });
        return true;
      });
      const withIt = await buildBlock(c.state, [t], ctx, c.stateRoot, RULES);
      assert.deepEqual(
        withIt.skipped.map((s) => s.code),
        [GovErrorCode.INVALID_RECIPIENT],
      );
      const without = await buildBlock(c.state, [], ctx, c.stateRoot, RULES);
      assert.equal(toHex(withIt.stateRoot), toHex(without.stateRoot));
    });
});
