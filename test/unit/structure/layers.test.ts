/**
 * The layering of src/ (docs/ARCHITECTURE.md): every import runs down. Each top-level folder (or
 * root file) has a floor; a file may import its own folder and any lower floor, never a folder on
 * its own floor or above. Also: no file of src/ (generated code aside) is over 300 lines.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

const SRC = resolve(import.meta.dirname, "../../../src");

/** The floors, lowest first (the same table as docs/ARCHITECTURE.md). */
const FLOORS: Record<string, number> = {
  "errors.ts": 0,
  "logger.ts": 0,
  "polyfill.ts": 0,
  "version.ts": 0,
  crypto: 1,
  types: 2,
  config: 3,
  "state-transition": 4,
  governance: 5,
  db: 5,
  chain: 6,
  metrics: 6,
  network: 7,
  api: 8,
  node: 9,
  client: 10,
  cli: 11,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return p.endsWith(".ts") ? [p] : [];
  });
}

/** The top-level entry of src/ that a path belongs to ("chain", "errors.ts", …). */
function unitOf(path: string): string {
  return relative(SRC, path).split(sep)[0]!.replace(/\.js$/, ".ts");
}

/** Every relative import of src/ as [importing file, imported path], both relative to src/. */
function imports(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g))
      out.push([file, resolve(dirname(file), m[1]!)]);
  }
  return out;
}

/** The imports of `pairs` that do not run down, as "from -> to" (paths relative to src/). */
function upward(pairs: Array<[string, string]>): string[] {
  return pairs
    .map(([from, to]) => [unitOf(from), unitOf(to), relative(SRC, from), relative(SRC, to)] as const)
    .filter(([a, b]) => a !== b && !(FLOORS[b]! < FLOORS[a]!))
    .map(([, , from, to]) => `${from} -> ${to}`);
}

describe("structure: layers", () => {
  it("the check finds upward and sideways imports", () => {
    const at = (p: string) => join(SRC, p);
    assert.deepEqual(
      upward([
        [at("types/block.ts"), at("state-transition/errors.ts")],
        [at("governance/x.ts"), at("db/chainDb.ts")],
        [at("chain/chain.ts"), at("chain/mempool.ts")],
        [at("cli/main.ts"), at("errors.ts")],
      ]),
      ["types/block.ts -> state-transition/errors.ts", "governance/x.ts -> db/chainDb.ts"],
    );
  });

  it("every top-level entry of src/ has a floor", () => {
    const entries = readdirSync(SRC).filter((e) => e.endsWith(".ts") || !e.includes("."));
    assert.deepEqual(
      entries.filter((e) => FLOORS[e] === undefined),
      [],
    );
  });

  it("every import runs down (0 upward or sideways imports between folders)", () => {
    assert.deepEqual(upward(imports()), []);
  });

  it("no source file is over 300 lines (generated code aside)", () => {
    const long = sourceFiles(SRC)
      .filter((f) => !f.includes(`${sep}generated${sep}`))
      .map((f) => [relative(SRC, f), readFileSync(f, "utf8").split("\n").length - 1] as const)
      .filter(([, n]) => n > 300)
      .map(([f, n]) => `${f}: ${n} lines`);
    assert.deepEqual(long, []);
  });

  it("no file of the dashboard (ui/src/, bundled apart from src/) is over 300 lines", () => {
    const UI = resolve(SRC, "../ui/src");
    const files = readdirSync(UI, { recursive: true, encoding: "utf8" }).filter((f) => /\.tsx?$/.test(f));
    assert.ok(files.length > 0, "ui/src has sources");
    const long = files
      .map((f) => [f, readFileSync(join(UI, f), "utf8").split("\n").length - 1] as const)
      .filter(([, n]) => n > 300)
      .map(([f, n]) => `ui/src/${f}: ${n} lines`);
    assert.deepEqual(long, []);
  });
});

describe("structure: proposal kinds live in src/governance/kinds/", () => {
  it("outside kinds/, only the transaction type and its codec name the kinds", async () => {
    const { PROPOSAL_KINDS } = await import("../../../src/governance/kinds/index.js");
    assert.equal(PROPOSAL_KINDS.length, 8);
    // A file that names three or more kinds knows the list (a switch over kinds, a table, a copy).
    const knowing = sourceFiles(SRC)
      .filter((f) => !f.includes(`${sep}generated${sep}`) && !f.includes(`${sep}kinds${sep}`))
      .filter((f) => {
        const text = readFileSync(f, "utf8");
        return PROPOSAL_KINDS.filter((k) => text.includes(`"${k}"`)).length >= 3;
      })
      .map((f) => relative(SRC, f))
      .sort();
    assert.deepEqual(knowing, ["types/tx.ts", "types/txCodec.ts"]);
  });
});
