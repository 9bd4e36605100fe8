/**
 * Test vectors as data: every test/vectors/*.json (format: test/vectors/README.md) is one scenario
 * that this single runner plays on the in-memory GovChain (every block through the real
 * buildBlock, then applyBlock of the same block), asserting exact error codes and state summaries,
 * then the governance invariants. A malformed vector fails loudly: the whole file is checked
 * (keys, types, labels, names) before its first block.
 *
 * The runner lives in test/vectors/runner/: checks.ts, txSpec.ts, stateSpec.ts, genesisSpec.ts and
 * format.ts (the format, checked before anything runs), play.ts (playing the steps) and assert.ts
 * (the expectations).
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { VectorFormatError } from "./vectors/runner/checks.js";
import { parseVector } from "./vectors/runner/format.js";
import { runVector } from "./vectors/runner/play.js";

const VECTOR_DIR = join(dirname(fileURLToPath(import.meta.url)), "vectors");
/** The runner's folder, the one entry of VECTOR_DIR besides the vectors and the README. */
const RUNNER_DIR = "runner";

function vectorFiles(): string[] {
  return readdirSync(VECTOR_DIR)
    .filter((f) => f.endsWith(".json"))
    .sort();
}

/** The runner's own folder (not a vector, nor a stray file). */
function isRunnerDir(f: string): boolean {
  return f === RUNNER_DIR && statSync(join(VECTOR_DIR, f)).isDirectory();
}

describe("test vectors (test/vectors/*.json)", () => {
  const files = vectorFiles();

  it("the directory holds the vectors and nothing unexpected", () => {
    assert.ok(files.length >= 20, `only ${files.length} vectors`);
    const other = readdirSync(VECTOR_DIR).filter(
      (f) => !f.endsWith(".json") && f !== "README.md" && !isRunnerDir(f),
    );
    assert.deepEqual(other, [], "files that are neither vectors nor the README (a typo in an extension?)");
  });

  for (const f of files)
    it(f.replace(/\.json$/, ""), async () => {
      const path = join(VECTOR_DIR, f);
      await runVector(parseVector(readFileSync(path, "utf8"), path));
    });

  describe("the runner fails loudly", () => {
    const base = {
      name: "inline",
      description: "inline vector",
      steps: [{ expect_state: { height: 0 } }],
    };
    const parse = (v: unknown) => parseVector(JSON.stringify(v), "/x/inline.json");
    const malformed: Array<[string, unknown]> = [
      ["unknown top-level key", { ...base, extra: 1 }],
      ["name differs from the file", { ...base, name: "other" }],
      ["no steps", { ...base, steps: [] }],
      ["unknown step kind", { ...base, steps: [{ wait: 3 }, ...base.steps] }],
      ["two step kinds", { ...base, steps: [{ advance: 1, advance_to: 2 }, ...base.steps] }],
      [
        "unknown tx type",
        { ...base, steps: [{ tx: { from: "dev:1", type: "MINT" }, expect: "ok" }, ...base.steps] },
      ],
      [
        "unknown payload field",
        {
          ...base,
          steps: [
            {
              tx: { from: "dev:1", type: "TRANSFER", recipient: "dev:2", amount: "1", memo: "x" },
              expect: "ok",
            },
            ...base.steps,
          ],
        },
      ],
      [
        "amount as a number",
        {
          ...base,
          steps: [
            { tx: { from: "dev:1", type: "TRANSFER", recipient: "dev:2", amount: 1 }, expect: "ok" },
            ...base.steps,
          ],
        },
      ],
      [
        "bad sender",
        {
          ...base,
          steps: [
            { tx: { from: "alice", type: "TRANSFER", recipient: "dev:2", amount: "1" }, expect: "ok" },
            ...base.steps,
          ],
        },
      ],
      [
        "lowercase expectation",
        {
          ...base,
          steps: [
            {
              tx: { from: "dev:1", type: "TRANSFER", recipient: "dev:2", amount: "1" },
              expect: "tx_zero_amount",
            },
            ...base.steps,
          ],
        },
      ],
      [
        "undefined label",
        {
          ...base,
          steps: [
            { tx: { from: "dev:1", type: "CAST_VOTE", proposal_id: "@p1", option: "yes" }, expect: "ok" },
            ...base.steps,
          ],
        },
      ],
      ["unknown state key", { ...base, steps: [{ expect_state: { heigth: 0 } }] }],
      ["unknown param in a summary", { ...base, steps: [{ expect_state: { params: { gas: "1" } } }] }],
      ["unknown rule in genesis", { ...base, genesis: { governance_rules: { quorum: "1" } } }],
      ["unknown account", { ...base, steps: [{ expect_state: { balances: { bob: "1" } } }] }],
      ["does not end with expect_state", { ...base, steps: [{ advance: 1 }] }],
    ];
    for (const [what, v] of malformed)
      it(`rejects a vector with ${what}`, () => {
        assert.throws(() => parse(v), VectorFormatError);
      });

    it("rejects text that is not JSON", () => {
      assert.throws(() => parseVector("{", "/x/inline.json"), SyntaxError);
    });

    const failing: Array<[string, unknown[]]> = [
      [
        "an expected ok that is rejected",
        [{ tx: { from: "dev:1", type: "TRANSFER", recipient: "dev:2", amount: "0" }, expect: "ok" }],
      ],
      [
        "an expected error code that is accepted",
        [
          {
            tx: { from: "dev:1", type: "TRANSFER", recipient: "dev:2", amount: "1" },
            expect: "TX_ZERO_AMOUNT",
          },
        ],
      ],
      [
        "the wrong error code",
        [
          {
            tx: { from: "dev:1", type: "TRANSFER", recipient: "dev:2", amount: "0" },
            expect: "TX_INVALID_RECIPIENT",
          },
        ],
      ],
      ["a wrong balance", [{ expect_state: { balances: { "dev:1": "1" } } }]],
      ["advance_to backwards", [{ advance: 2 }, { advance_to: 1 }]],
    ];
    for (const [what, steps] of failing)
      it(`fails on ${what}`, async () => {
        const v = parse({ ...base, steps: [...steps, ...base.steps] });
        await assert.rejects(runVector(v));
      });
  });
});
