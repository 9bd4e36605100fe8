// docs/KEY_LAYOUT.md is the one written key layout: every bucket of the three bucket tables in code
// (DbBucket, StateBucket, GovBucket) must appear in it with its byte and name, on one row of the
// table of its section, and the doc must list no bucket the code lacks. A bucket added, renumbered
// or renamed in code without the doc (or the other way round) fails here.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DbBucket } from "../../../src/db/buckets.js";
import { GovBucket } from "../../../src/governance/keys.js";
import { StateBucket } from "../../../src/state-transition/keys.js";

const DOC = join(dirname(fileURLToPath(import.meta.url)), "../../../docs/KEY_LAYOUT.md");

/** The three tables: the doc section (its `## ` heading starts so) and the byte range they own. */
const SECTIONS = [
  { heading: "Database buckets", code: "DbBucket", buckets: DbBucket, range: [0x01, 0xff] },
  { heading: "State buckets", code: "StateBucket", buckets: StateBucket, range: [0x01, 0x1f] },
  { heading: "Governance state buckets", code: "GovBucket", buckets: GovBucket, range: [0x20, 0x3f] },
] as const;

/** A bucket row of a doc table: `| 0x2f | REGISTRY_WRITE | ...` (the byte and the name, backticks allowed). */
const ROW_RE = /^\|\s*`?(0x[0-9a-fA-F]{2})`?\s*\|\s*`?([A-Z][A-Z0-9_]*)`?\s*\|/;

const hex = (n: number) => `0x${n.toString(16).padStart(2, "0")}`;

/** The bucket rows of the doc, by the `## ` section they are in ("" before the first heading). */
function docRows(): Map<string, Array<{ byte: number; name: string; line: number }>> {
  const out = new Map<string, Array<{ byte: number; name: string; line: number }>>();
  let section = "";
  for (const [i, line] of readFileSync(DOC, "utf8").split("\n").entries()) {
    if (line.startsWith("## ")) section = line.slice(3).trim();
    const m = ROW_RE.exec(line);
    if (!m) continue;
    const rows = out.get(section) ?? [];
    rows.push({ byte: Number.parseInt(m[1]!, 16), name: m[2]!, line: i + 1 });
    out.set(section, rows);
  }
  return out;
}

/** The section of `rows` whose heading starts with `heading` (exactly one must). */
function sectionOf(rows: Map<string, unknown>, heading: string): string {
  const found = [...rows.keys()].filter((s) => s === heading || s.startsWith(`${heading} `));
  assert.equal(found.length, 1, `one "## ${heading}" section with a bucket table in docs/KEY_LAYOUT.md`);
  return found[0]!;
}

describe("docs/KEY_LAYOUT.md: the one key layout", () => {
  const rows = docRows();

  for (const s of SECTIONS) {
    describe(`${s.code} ↔ "## ${s.heading}"`, () => {
      it(`every ${s.code} member appears with its byte and name on one row`, () => {
        const doc = rows.get(sectionOf(rows, s.heading))!;
        for (const [name, byte] of Object.entries(s.buckets))
          assert.ok(
            doc.some((r) => r.byte === byte && r.name === name),
            `${s.code}.${name} (${hex(byte)}) is missing from "## ${s.heading}" in docs/KEY_LAYOUT.md` +
              ` (rows there: ${doc.map((r) => `${hex(r.byte)} ${r.name}`).join(", ")})`,
          );
      });

      it(`the section lists no bucket ${s.code} lacks, and no byte or name twice`, () => {
        const doc = rows.get(sectionOf(rows, s.heading))!;
        const code = new Map<string, number>(Object.entries(s.buckets));
        for (const r of doc)
          assert.equal(
            code.get(r.name),
            r.byte,
            `docs/KEY_LAYOUT.md:${r.line}: ${hex(r.byte)} ${r.name} is not ${s.code}.${r.name}`,
          );
        assert.equal(new Set(doc.map((r) => r.byte)).size, doc.length, "a byte listed twice");
        assert.equal(new Set(doc.map((r) => r.name)).size, doc.length, "a name listed twice");
        assert.equal(doc.length, code.size, `rows in "## ${s.heading}" vs members of ${s.code}`);
      });

      it(`every ${s.code} byte is distinct and in ${hex(s.range[0])}-${hex(s.range[1])}`, () => {
        const bytes = Object.values(s.buckets) as number[];
        assert.equal(new Set(bytes).size, bytes.length, `${s.code} reuses a byte`);
        for (const [name, byte] of Object.entries(s.buckets))
          assert.ok(byte >= s.range[0] && byte <= s.range[1], `${s.code}.${name} = ${hex(byte)}`);
      });
    });
  }

  it("no bucket row outside the three sections", () => {
    const known = new Set(SECTIONS.map((s) => sectionOf(rows, s.heading)));
    const stray = [...rows.entries()]
      .filter(([section]) => !known.has(section))
      .flatMap(([section, rs]) =>
        rs.map((r) => `line ${r.line} (${section || "top"}): ${hex(r.byte)} ${r.name}`),
      );
    assert.deepEqual(stray, [], "bucket rows in a section no enum is checked against");
  });
});
