// clusterSettings.ts (issue 10): up to 5 nodes the harness runs the node's defaults; above, 2 s
// blocks, waits 3 times as long, no signature worker threads, and a longer start budget.
import assert from "node:assert/strict";
import { clusterTiming, nodeArgs, nodeFlags, SMALL_CLUSTER } from "../../../harness/clusterSettings.js";

describe("harness/clusterSettings", () => {
  it("keeps the defaults up to SMALL_CLUSTER nodes", () => {
    assert.equal(SMALL_CLUSTER, 5);
    for (const n of [2, 3, 5]) {
      assert.deepEqual(clusterTiming(n), { blockTimeMs: 1000, waitScale: 1, startTimeoutMs: 60_000 });
      assert.deepEqual(nodeArgs(n), []);
      assert.deepEqual(nodeFlags(n), []);
    }
  });

  it("sizes a larger cluster: 2 s blocks, 3x waits, start budget by nodes, --workers 0", () => {
    assert.deepEqual(clusterTiming(6), { blockTimeMs: 2000, waitScale: 3, startTimeoutMs: 120_000 });
    assert.deepEqual(clusterTiming(16), { blockTimeMs: 2000, waitScale: 3, startTimeoutMs: 220_000 });
    assert.deepEqual(nodeArgs(16), ["--workers", "0"]);
  });
});
