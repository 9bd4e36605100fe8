import assert from "node:assert/strict";
import { RegistryErrorCode } from "../../../src/config/errors.js";
import { FEATURES, PARAMS, RULES } from "../../../src/config/registry.js";
import { isXaiError } from "../../../src/errors.js";
import {
  type BlockParams,
  featureOf,
  getRegistryRaw,
  loadBlockParams,
  paramOf,
  putRegistryRaw,
  ruleOf,
} from "../../../src/state-transition/params.js";
import { EMPTY_STATE, StateOverlay } from "../../../src/state-transition/stateStore.js";

describe("state-transition/params", () => {
  it("loadBlockParams reads every registered name (the defaults of an empty state)", async () => {
    const p = await loadBlockParams(EMPTY_STATE);
    assert.deepEqual(Object.keys(p.param).sort(), PARAMS.map((e) => e.name).sort());
    assert.deepEqual(Object.keys(p.feature).sort(), FEATURES.map((e) => e.name).sort());
    assert.deepEqual(Object.keys(p.rule).sort(), RULES.map((e) => e.name).sort());
    assert.equal(paramOf(p, "max_tx_bytes"), 16_384n);
    assert.equal(featureOf(p, "transfers"), true);
    assert.equal(ruleOf(p, "quorum_bps"), 3_340n);
  });

  it("a misspelt or wrong-space name does not compile", () => {
    const misspelt = (p: BlockParams) => [
      // @ts-expect-error misspelt parameter
      paramOf(p, "max_tx_byte"),
      // @ts-expect-error a rule is not a parameter
      paramOf(p, "quorum_bps"),
      // @ts-expect-error misspelt feature
      featureOf(p, "transfer"),
      // @ts-expect-error misspelt rule
      ruleOf(p, "quorum"),
    ];
    assert.equal(typeof misspelt, "function"); // never called: the check is the compile
  });

  it("names from outside (a transaction's target, a stored change) are still checked: REGISTRY_UNKNOWN", async () => {
    const overlay = new StateOverlay(EMPTY_STATE);
    await assert.rejects(getRegistryRaw(overlay, "param", "no_such_param"), (err) =>
      isXaiError(err, RegistryErrorCode.UNKNOWN),
    );
    assert.throws(
      () => putRegistryRaw(overlay, "rule", "min_tx_fee", "1"),
      (err) => isXaiError(err, RegistryErrorCode.UNKNOWN),
    );
    putRegistryRaw(overlay, "param", "min_tx_fee", "2000");
    assert.equal(await getRegistryRaw(overlay, "param", "min_tx_fee"), "2000");
  });
});
