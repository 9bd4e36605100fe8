/**
 * The purity rule of the consensus core (SPEC §2, biome.json `overrides`): a fixture full of
 * violations is linted with the project's own Biome configuration as if it were a file of
 * src/governance/ or src/state-transition/, and every violation must be reported; the same file
 * under src/chain/ (outside the core) must not trip the purity rules.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../../..");
const FIXTURE = join(ROOT, "test/fixtures/purity/impure.ts.txt");
const BIOME = join(ROOT, "node_modules/@biomejs/biome/bin/biome");

/** Lines (1-based) and rule names Biome reports for the fixture placed at `relPath`. */
function lint(relPath: string): Array<{ line: number; rule: string }> {
  const dir = mkdtempSync(join(tmpdir(), "xai-purity-"));
  try {
    copyFileSync(join(ROOT, "biome.json"), join(dir, "biome.json"));
    const file = join(dir, relPath);
    mkdirSync(dirname(file), { recursive: true });
    copyFileSync(FIXTURE, file);
    const r = spawnSync(
      process.execPath,
      [BIOME, "lint", "--reporter=json", "--max-diagnostics=200", relPath],
      {
        cwd: dir,
        encoding: "utf8",
      },
    );
    const report = JSON.parse(r.stdout) as {
      diagnostics: Array<{ category: string; location: { start?: { line: number } } }>;
    };
    return report.diagnostics
      .filter((d) => d.category.startsWith("lint/"))
      .map((d) => ({ line: d.location.start?.line ?? 0, rule: d.category.replace(/^lint\/\w+\//, "") }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const lines = readFileSync(FIXTURE, "utf8").split("\n");
const lineOf = (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1;
const PURITY_RULES = new Set(["noRestrictedImports", "noRestrictedGlobals", "noJsRestrictedProperties"]);

const EXPECTED = [
  { line: lineOf('from "node:fs"'), rule: "noRestrictedImports" },
  { line: lineOf('from "level"'), rule: "noRestrictedImports" },
  { line: lineOf('from "@chainsafe/libp2p-gossipsub"'), rule: "noRestrictedImports" },
  { line: lineOf("crypto/keygen.js"), rule: "noRestrictedImports" },
  { line: lineOf("chain/chain.js"), rule: "noRestrictedImports" },
  { line: lineOf("Date.now()"), rule: "noRestrictedGlobals" },
  { line: lineOf("Math.random()"), rule: "noJsRestrictedProperties" },
  { line: lineOf("setTimeout("), rule: "noRestrictedGlobals" },
  { line: lineOf("process.env"), rule: "noRestrictedGlobals" },
].sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));

describe("structure: the consensus core is pure (lint rule)", function () {
  this.timeout(60_000);

  for (const folder of ["src/governance", "src/state-transition"])
    it(`refuses I/O imports, key generation, upper layers, clock, timers and randomness in ${folder}/`, () => {
      const found = lint(`${folder}/impure.ts`)
        .filter((d) => PURITY_RULES.has(d.rule))
        .sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
      assert.deepEqual(found, EXPECTED);
    });

  it("applies only to the core: the same file in src/chain/ trips no purity rule", () => {
    assert.deepEqual(
      lint("src/chain/impure.ts").filter((d) => PURITY_RULES.has(d.rule)),
      [],
    );
  });
});
