// clusterSettings.ts (issue 10): up to 5 nodes the harness runs the node's defaults; above, 2 s
// blocks, waits 3 times as long, governance periods 3 times as long, no signature worker threads,
// and a longer start budget.
import assert from "node:assert/strict";
import {
  clusterRules,
  clusterTiming,
  nodeArgs,
  nodeFlags,
  SMALL_CLUSTER,
} from "../../../harness/clusterSettings.js";
import { createGenesisJson, parseGenesis, presetRules } from "../../../src/config/genesis.js";
import { generateKeyPair } from "../../../src/crypto/keygen.js";

const TEST_RULES = {
  voting_period_blocks: "5",
  review_period_blocks: "5",
  implementation_period_blocks: "5",
  emergency_period_blocks: "2",
  timelock_blocks: "3",
  emergency_timelock_blocks: "1",
  execution_grace_blocks: "20",
};

describe("harness/clusterSettings", () => {
  it("keeps the defaults up to SMALL_CLUSTER nodes", () => {
    assert.equal(SMALL_CLUSTER, 5);
    for (const n of [2, 3, 5]) {
      assert.deepEqual(clusterTiming(n), {
        blockTimeMs: 1000,
        waitScale: 1,
        startTimeoutMs: 60_000,
        periodScale: 1,
      });
      assert.deepEqual(nodeArgs(n), []);
      assert.deepEqual(nodeFlags(n), []);
      assert.deepEqual(clusterRules("test", clusterTiming(n)), TEST_RULES);
    }
  });

  it("sizes a larger cluster: 2 s blocks, 3x waits and periods, start budget by nodes, --workers 0", () => {
    assert.deepEqual(clusterTiming(6), {
      blockTimeMs: 2000,
      waitScale: 3,
      startTimeoutMs: 120_000,
      periodScale: 3,
    });
    assert.deepEqual(clusterTiming(16), {
      blockTimeMs: 2000,
      waitScale: 3,
      startTimeoutMs: 220_000,
      periodScale: 3,
    });
    assert.deepEqual(nodeArgs(16), ["--workers", "0"]);
    assert.deepEqual(clusterRules("test", clusterTiming(16)), {
      voting_period_blocks: "15",
      review_period_blocks: "15",
      implementation_period_blocks: "15",
      emergency_period_blocks: "6",
      timelock_blocks: "9",
      emergency_timelock_blocks: "3",
      execution_grace_blocks: "60",
    });
    // The dev preset's periods (the registry defaults) are long enough at any size.
    assert.deepEqual(clusterRules("dev", clusterTiming(16)), {});
    // The preset itself is not changed by scaling.
    assert.deepEqual(presetRules("test"), TEST_RULES);
  });

  it("a scenario's own rules go over the preset's and are scaled alike", () => {
    const extra = { review_period_blocks: "15" };
    assert.deepEqual(clusterRules("test", clusterTiming(3), extra), { ...TEST_RULES, ...extra });
    const big = clusterRules("test", clusterTiming(16), extra);
    assert.equal(big.review_period_blocks, "45");
    assert.equal(big.voting_period_blocks, "15");
    assert.deepEqual(clusterRules("dev", clusterTiming(3), extra), extra);
    assert.deepEqual(clusterRules("dev", clusterTiming(16), extra), { review_period_blocks: "45" });
  });

  it("the scaled rules are what a 16-node genesis holds, and parseGenesis accepts them", () => {
    const json = createGenesisJson({
      chainId: "xai-devnet-1",
      preset: "test",
      dev: true,
      validatorPublicKeys: [generateKeyPair().publicKey],
      genesisTimeMs: 0,
      rules: clusterRules("test", clusterTiming(16)),
    });
    const g = parseGenesis(json);
    assert.equal(g.values.rule.voting_period_blocks, "15");
    assert.equal(g.values.rule.emergency_period_blocks, "6");
    assert.equal(g.values.rule.timelock_blocks, "9");
  });
});
