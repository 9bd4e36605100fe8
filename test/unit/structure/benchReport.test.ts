// The benchmark table's targets (scripts/bench/report.ts): absolute and relative to another row of
// the same run, ratio >= 1 exactly when met, for both directions.
import assert from "node:assert/strict";
import { type BenchRow, resolveTarget, TWO_CORE_TARGET, VERIFY_ROW } from "../../../scripts/bench/report.js";

describe("benchmark targets", () => {
  const verify: BenchRow = { name: VERIFY_ROW, value: 7_000, unit: "verify/s" };

  it("a relative target is factor x the named row of the same run", () => {
    const row: BenchRow = { name: "votes on", value: 8_400, unit: "votes/s", target: TWO_CORE_TARGET };
    assert.deepEqual(resolveTarget(row, [verify, row]), {
      op: ">=",
      value: 11_200,
      label: ">= 11,200 (0.8 x 2 x verify)",
      ratio: 0.75,
      met: false,
    });
    assert.equal(resolveTarget(row, [row]), null, "no reference row, no target");
  });

  it("'<=' targets: ratio is target over figure; met at equality", () => {
    const row: BenchRow = { name: "p99", value: 20_000, unit: "µs", target: { op: "<=", value: 25_000 } };
    assert.deepEqual(resolveTarget(row, [row]), {
      op: "<=",
      value: 25_000,
      label: "<= 25,000",
      ratio: 1.25,
      met: true,
    });
    const equal: BenchRow = { ...row, value: 25_000 };
    assert.equal(resolveTarget(equal, [equal])!.met, true);
    const over: BenchRow = { ...row, value: 50_000 };
    assert.deepEqual([resolveTarget(over, [over])!.ratio, resolveTarget(over, [over])!.met], [0.5, false]);
  });

  it("a row without a target resolves to null", () => {
    assert.equal(resolveTarget(verify, [verify]), null);
  });
});
