// The operator scripts' options (scripts/scriptArgs.ts): --help prints the usage and exits 0; an
// unknown option, a bad number or an unknown name exits 2 with the reason and the usage, without a
// stack trace and before any work starts.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");
const run = (script: string, ...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", `${script}.ts`), ...args], {
    encoding: "utf8",
    cwd: ROOT,
    timeout: 60_000,
  });

describe("operator scripts: bench, fuzz, soak options", () => {
  for (const script of ["bench", "fuzz", "soak"]) {
    it(`${script} --help prints the usage and exits 0`, () => {
      const r = run(script, "--help");
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^usage: npm run ${script}`));
      assert.equal(r.stderr, "");
    });

    it(`${script} refuses an unknown option with exit 2, the reason and the usage`, () => {
      const r = run(script, "--bogus");
      assert.equal(r.status, 2);
      assert.match(r.stderr, /Unknown option '--bogus'/);
      assert.match(r.stderr, new RegExp(`\\nusage: npm run ${script}`));
      assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    });
  }

  it("a bad number or an unknown name is refused before any work starts", () => {
    const cases: Array<[string, string[], RegExp]> = [
      ["soak", ["--kills", "many"], /--kills must be a non-negative integer, not many/],
      ["soak", ["--max-ms=-5"], /--max-ms must be a non-negative integer, not -5/],
      ["soak", ["--min-ms", "900", "--max-ms", "100"], /--min-ms must not be above --max-ms/],
      ["fuzz", ["--runs", "1e3x"], /--runs must be a non-negative integer, not 1e3x/],
      ["fuzz", ["--target", "nope"], /unknown target nope/],
      ["bench", ["--only", "votes,nope"], /unknown group nope/],
    ];
    for (const [script, args, reason] of cases) {
      const r = run(script, ...args);
      assert.equal(r.status, 2, `${script} ${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, reason);
      assert.equal(r.stdout, "", `${script} ${args.join(" ")} started work`);
    }
  });
});
