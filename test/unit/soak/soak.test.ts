// The soak's bookkeeping (scripts/soak/): the ledger of what a node reported across runs, which
// throws on a second block hash at one height (a double signature) or a transaction seen at two
// heights, and the resource summary (min/median/max per run, growth across and within runs).
import assert from "node:assert/strict";
import {
  readResources,
  type Sample,
  spread,
  summarize,
  WARM_UP_MS,
} from "../../../scripts/soak/resources.js";

type LedgerClass = typeof import("../../../scripts/soak/check.js").Ledger;
let Ledger: LedgerClass;

const A = "aa".repeat(32);
const B = "bb".repeat(32);

describe("soak: the ledger of what the node reported", () => {
  // check.ts loads the chain's sources: import() them as native ES modules (see test/e2e/crash.test.ts).
  before(async () => {
    ({ Ledger } = await import("../../../scripts/soak/check.js"));
  });

  it("keeps one hash per height and the highest head; the same hash again is fine", () => {
    const l = new Ledger();
    l.noteHead(3, A, "run 0");
    l.noteHead(2, B, "run 0");
    l.noteHead(3, A.slice(0, 16), "GET /status"); // the log lines' 16-digit prefix matches
    assert.equal(l.reportedHeight, 3);
    assert.deepEqual(
      [...l.hashes],
      [
        [3, { hash: "aaaaaaaaaaaaaaaa", from: "run 0" }],
        [2, { hash: "bbbbbbbbbbbbbbbb", from: "run 0" }],
      ],
    );
  });

  it("throws on a second, different hash at one height (a sign state counts too)", () => {
    const l = new Ledger();
    l.noteHead(5, A, "run 1");
    assert.throws(
      () => l.noteHash(5, B, "sign_state.json"),
      /^Error: two blocks at height 5: aaaaaaaaaaaaaaaa \(run 1\) and bbbbbbbbbbbbbbbb \(sign_state.json\)$/,
    );
    assert.equal(l.reportedHeight, 5, "a sign state is not a reported head");
  });

  it("a restart resumes at the stored head, or one above it exactly when the sign state holds that block", async () => {
    const { checkResumed } = await import("../../../scripts/soak/soak.js");
    const l = new Ledger();
    l.noteHead(7, A, "run 0");
    const stored = { height: 7, headHash: A, txs: null, signedHeight: 7 };
    assert.equal(checkResumed({ height: 7 }, l, stored), false);
    // Signed 8, killed before it was stored: signGuard stores that same block again.
    assert.equal(checkResumed({ height: 8 }, l, { ...stored, signedHeight: 8 }), true);
    assert.throws(() => checkResumed({ height: 8 }, l, stored), /without a signed block there/);
    assert.throws(
      () => checkResumed({ height: 9 }, l, { ...stored, signedHeight: 9 }),
      /the database's head is 7/,
    );
    assert.throws(
      () => checkResumed({ height: 6 }, l, { ...stored, height: 6 }),
      /restarted at 6, had reported 7/,
    );
  });

  it("throws when a transaction is reported included at another height or with another result", () => {
    const l = new Ledger();
    l.noteIncluded("t1", 4, "ok");
    l.noteIncluded("t1", 4, "ok");
    assert.throws(
      () => l.noteIncluded("t1", 5, "ok"),
      /tx t1 reported included at 4 \(ok\), then at 5 \(ok\)/,
    );
    assert.throws(() => l.noteIncluded("t1", 4, "failed"), /then at 4 \(failed\)/);
    assert.deepEqual([...l.included], [["t1", { height: 4, result: "ok" }]]);
  });
});

describe("soak: resource samples", () => {
  const at = (run: number, t: number, rssKb: number, fds: number): Sample => ({ run, t, rssKb, fds });

  it("spread: min, median (mean of the middle two, rounded) and max", () => {
    assert.deepEqual(spread([5, 1, 3]), { min: 1, median: 3, max: 5 });
    assert.deepEqual(spread([4, 1, 2, 9]), { min: 1, median: 3, max: 9 });
    assert.deepEqual(spread([]), { min: 0, median: 0, max: 0 });
  });

  it("per run, overall, and flat figures are bounded", () => {
    const s = [at(0, 0, 100, 20), at(0, 1000, 120, 30), at(1, 2000, 110, 22), at(1, 3000, 118, 31)];
    const r = summarize(s);
    assert.equal(r.samples, 4);
    assert.deepEqual(r.rssKb, { min: 100, median: 114, max: 120 });
    assert.deepEqual(
      r.perRun.map((p) => [p.run, p.samples, p.rssKb.max, p.fds.max]),
      [
        [0, 2, 120, 30],
        [1, 2, 118, 31],
      ],
    );
    assert.deepEqual(r.growth.acrossRuns, {
      rssKbFirst: 120,
      rssKbLast: 118,
      fdsFirst: 30,
      fdsLast: 31,
      grows: false,
    });
  });

  it("RSS up by more than 20 % across runs, or descriptors by more than 8 within the longest run, grows", () => {
    const runs = [0, 1, 2, 3, 4].map((k) => at(k, k * 1000, 100 + k * 10, 20));
    assert.equal(summarize(runs).growth.acrossRuns.grows, true, "100 -> 140 MB");
    // The longest run: its warm-up is left out, then 20 -> 29 descriptors.
    const long = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((k) =>
      at(9, k * 1000, 100, k < 5 ? 1 : 20 + (k >= 8 ? 9 : 0)),
    );
    const g = summarize([at(0, 0, 100, 20), ...long]).growth.longestRun;
    assert.equal(WARM_UP_MS, 5_000);
    assert.deepEqual(g, { run: 9, rssKbFirst: 100, rssKbLast: 100, fdsFirst: 20, fdsLast: 29, grows: true });
  });

  it("reads this process's VmRSS and descriptors from /proc; null for a process that is gone", () => {
    const r = readResources(process.pid);
    assert.ok(r && r.rssKb > 1000 && r.fds >= 3, JSON.stringify(r));
    assert.equal(readResources(2 ** 22 + 1), null);
  });
});
