// Engines (issue 12; operator review defect 1): every installed package supports every Node
// version the project supports (20.19, 22 and 24), so `npm install` prints no EBADENGINE warning;
// package.json's own `engines` says the same.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import semver from "semver";

const ROOT = new URL("../../../", import.meta.url).pathname;
const SUPPORTED = ["20.19.0", "22.12.0", "24.0.0"];

/** Every package.json under node_modules (nested ones included). */
function packages(dir: string): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name.startsWith(".")) continue;
    const p = join(dir, e.name);
    if (e.name.startsWith("@")) {
      out.push(...packages(p));
      continue;
    }
    if (existsSync(join(p, "package.json"))) out.push(join(p, "package.json"));
    out.push(...packages(join(p, "node_modules")));
  }
  return out;
}

describe("engines: the supported Node versions", () => {
  it("every installed package accepts Node 20.19, 22 and 24", () => {
    const refused: string[] = [];
    const files = packages(join(ROOT, "node_modules"));
    assert.ok(files.length > 100, `${files.length} packages`);
    for (const f of files) {
      const j = JSON.parse(readFileSync(f, "utf8")) as {
        name?: string;
        version?: string;
        engines?: { node?: string };
      };
      const range = j.engines?.node;
      if (!range) continue;
      for (const v of SUPPORTED)
        if (!semver.satisfies(v, range)) refused.push(`${j.name}@${j.version} (${range}) refuses ${v}`);
    }
    assert.deepEqual(refused, []);
  });

  it("package.json's engines accept the same versions", () => {
    const own = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { engines: { node: string } };
    for (const v of SUPPORTED) assert.ok(semver.satisfies(v, own.engines.node), v);
  });
});
