// The fuzz targets (scripts/fuzz/, docs/RELIABILITY.md "Fuzzing"): a short bounded run of every
// target, the replay of every saved regression vector (test/fuzz-regressions/<target>/), and the
// loop's own oracle (a coded rejection, a crash, a hang, a saved vector).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import fc from "fast-check";
import {
  draw,
  type FuzzTarget,
  jsonVector,
  judge,
  runTarget,
  summaryLine,
  type TargetInstance,
} from "../../scripts/fuzz/engine.js";
import { nodeApi, routesOf } from "../../scripts/fuzz/targets/http.js";
import { TARGETS, targetNamed } from "../../scripts/fuzz/targets/index.js";
import { xaiError } from "../../src/errors.js";
import { TxErrorCode } from "../../src/types/errors.js";
import { openTestChain } from "../utils/testChain.js";

const VECTORS = resolve(import.meta.dirname, "../fuzz-regressions");
/** Inputs per target in `npm test` (the state target's are whole block sequences). */
const BOUNDED: Record<string, number> = { state: 12 };
const SEED = 20_261_201;

describe("fuzz: a bounded run of every target (no crash, no hang, no state change when rejected)", () => {
  for (const t of TARGETS)
    it(t.name, async () => {
      const runs = BOUNDED[t.name] ?? 200;
      const s = await runTarget(t, { runs, seed: SEED });
      assert.deepEqual(s.findings, [], summaryLine(s));
      const rejected = Object.values(s.rejected).reduce((n, c) => n + c, 0);
      assert.equal(s.accepted + rejected, runs);
    });
});

describe("fuzz: regression vectors", () => {
  const targets = existsSync(VECTORS) ? readdirSync(VECTORS) : [];
  it("every vector folder is a target's", () => {
    assert.deepEqual(
      targets.filter((n) => !targetNamed(n)),
      [],
    );
  });
  for (const name of targets.filter((n) => targetNamed(n)))
    it(`${name}: every saved input runs without a crash or hang`, async () => {
      const target = targetNamed(name)!;
      const t = await target.setup();
      try {
        for (const file of readdirSync(join(VECTORS, name))) {
          const r = await judge(t, target.load(readFileSync(join(VECTORS, name, file))));
          assert.ok(!("kind" in r), `${name}/${file}: ${"kind" in r ? `${r.kind}: ${r.message}` : ""}`);
        }
      } finally {
        await t.close();
      }
    });
});

describe("fuzz: the loop's oracle", () => {
  /** A target on numbers: 1 is rejected with a code, 2 crashes, 3 never answers, others pass. */
  const toy: FuzzTarget<number> = {
    name: "toy",
    ext: "json",
    save: (i) => jsonVector.save(i),
    load: (b) => jsonVector.load<number>(b),
    async setup(): Promise<TargetInstance<number>> {
      return {
        arbitrary: fc.integer({ min: 0, max: 3 }),
        async run(i) {
          if (i === 1) throw xaiError(TxErrorCode.MALFORMED, "one");
          if (i === 2) throw new TypeError("two");
          if (i === 3) await new Promise(() => undefined);
          return {};
        },
        async close() {},
      };
    },
  };

  it("a coded XaiError is a rejection; anything else thrown is a crash; no answer is a hang", async () => {
    const t = await toy.setup();
    assert.deepEqual(await judge(t, 0), {});
    assert.deepEqual(await judge(t, 1), { code: "TX_MALFORMED" });
    assert.deepEqual(await judge(t, 2), { kind: "crash", message: "TypeError: two" });
    assert.deepEqual(await judge(t, 3, 20), { kind: "hang", message: "no answer within 20 ms" });
  });

  it("failing inputs are saved as vectors that load back; the summary counts every outcome", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xai-fuzz-test-"));
    try {
      const inputs = draw(fc.integer({ min: 0, max: 3 }), 7, 0, 40, 10);
      const s = await runTarget(toy, { runs: 40, seed: 7, deadlineMs: 20, saveDir: dir, chunk: 10 });
      const n = (v: number) => inputs.filter((i) => i === v).length;
      assert.equal(s.inputs, 40);
      assert.equal(s.accepted, n(0));
      assert.deepEqual(s.rejected, n(1) ? { TX_MALFORMED: n(1) } : {});
      assert.equal(s.findings.filter((f) => f.kind === "crash").length, n(2));
      assert.equal(s.findings.filter((f) => f.kind === "hang").length, n(3));
      const saved = readdirSync(join(dir, "toy")).map((f) => toy.load(readFileSync(join(dir, "toy", f))));
      assert.deepEqual(saved.sort(), [...(n(2) ? [2] : []), ...(n(3) ? [3] : [])]);
      assert.match(summaryLine(s), new RegExp(`^toy: 40 inputs, ${n(0)} accepted, ${n(1)} rejected`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an input that blocks the event loop is saved by the watchdog, which kills the process", () => {
    const dir = mkdtempSync(join(tmpdir(), "xai-fuzz-watchdog-"));
    try {
      const fixture = resolve(import.meta.dirname, "fixtures/blockingTarget.ts");
      const r = spawnSync(process.execPath, ["--import", "tsx", fixture, dir], { encoding: "utf8" });
      assert.equal(r.signal, "SIGKILL", r.stderr + r.stdout);
      assert.match(r.stderr, /fuzz: hang \(event loop blocked over 1500 ms\), input saved as /);
      const files = readdirSync(join(dir, "blocking"));
      assert.equal(files.length, 1, files.join(" "));
      assert.equal(jsonVector.load(readFileSync(join(dir, "blocking", files[0]!))), 5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the same seed draws the same inputs, in chunks or not", () => {
    const arb = fc.uint8Array({ maxLength: 8 });
    assert.deepEqual(draw(arb, 3, 0, 25, 10), draw(arb, 3, 0, 25, 10));
    assert.deepEqual(draw(arb, 3, 12, 5, 10), draw(arb, 3, 0, 25, 10).slice(12, 17));
  });

  it("the HTTP target reads every route from the server (none hard-coded)", async () => {
    const tc = await openTestChain();
    const app = nodeApi(tc.chain);
    try {
      await app.ready();
      const routes = routesOf(app);
      for (const r of [
        { method: "GET", url: "/blocks/:height" },
        { method: "POST", url: "/tx" },
        { method: "POST", url: "/txs" },
        { method: "GET", url: "/governance/proposals/:id/votes" },
        { method: "POST", url: "/admin/peers" },
      ])
        assert.ok(
          routes.some((x) => x.method === r.method && x.url === r.url),
          `${r.method} ${r.url} in ${JSON.stringify(routes)}`,
        );
    } finally {
      await app.close();
      await tc.cleanup();
    }
  });
});
