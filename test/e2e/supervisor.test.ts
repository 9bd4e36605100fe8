// The upgrade supervisor of `xai-gov start --upgrade-dir` (SPEC v2 §4.7, src/cli/supervisor.ts),
// driven with fake releases: tiny scripts that log how they were run and then halt for an upgrade
// (write DIR/upgrade-info.json, exit 3), exit with a code, or wait for a signal.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nodeArgs, type SupervisorOptions, supervise } from "../../src/cli/supervisor.js";
import { killCliChildren, spawnCli } from "../utils/cli.js";

type Action = { halt: string; sha256: string } | { exit: number } | "wait";

/** A fake release script: records {release, args} in DIR/runs.jsonl, then does `action`. */
function fakeRelease(path: string, release: string, action: Action): void {
  writeFileSync(
    path,
    `import { appendFileSync, writeFileSync } from "node:fs";
const args = process.argv.slice(2);
const dir = args[args.indexOf("--dir") + 1];
const action = ${JSON.stringify(action)};
const record = (extra) =>
  appendFileSync(dir + "/runs.jsonl", JSON.stringify({ release: ${JSON.stringify(release)}, pid: process.pid, args, arenas: process.env.MALLOC_ARENA_MAX, mmap: process.env.MALLOC_MMAP_THRESHOLD_, trim: process.env.MALLOC_TRIM_THRESHOLD_, ...extra }) + "\\n");
record({});
if (action === "wait") {
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => { record({ signal: sig }); process.exit(0); });
  setInterval(() => {}, 1000);
  writeFileSync(dir + "/ready", "");
} else if (action.halt) {
  writeFileSync(dir + "/upgrade-info.json", JSON.stringify({ name: action.halt, height: 40, info: "https://example.org/" + action.halt + " sha256:" + action.sha256 }));
  process.exit(3);
} else process.exit(action.exit);
`,
  );
}

const sha256 = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

/** Installs a fake release for `name` in UDIR/<name>/ (release.tgz + bin/xai-gov.js); its sha256. */
function install(udir: string, name: string, action: Action, artifact = `release ${name}`): string {
  mkdirSync(join(udir, name, "bin"), { recursive: true });
  writeFileSync(join(udir, name, "release.tgz"), artifact);
  fakeRelease(join(udir, name, "bin", "xai-gov.js"), name, action);
  return sha256(artifact);
}

let root: string;
let dir: string;
let udir: string;
let lines: Array<{ msg: string; obj: Record<string, unknown> }>;

const ARGS = () => ["start", "--dir", dir, "--api", "127.0.0.1:0", "--peer", "/ip4/127.0.0.1/tcp/1"];
const log = {
  info: (obj: object, msg?: string) => lines.push({ msg: msg ?? "", obj: obj as Record<string, unknown> }),
  warn: (obj: object, msg?: string) => lines.push({ msg: msg ?? "", obj: obj as Record<string, unknown> }),
  debug() {},
};
function options(base: Action): SupervisorOptions {
  const baseEntry = join(root, "base.mjs");
  fakeRelease(baseEntry, "(base)", base);
  return { dir, upgradeDir: udir, baseEntry, args: ARGS(), log };
}
const runs = (): Array<{
  release: string;
  pid: number;
  args: string[];
  signal?: string;
  arenas?: string;
  mmap?: string;
  trim?: string;
}> =>
  existsSync(join(dir, "runs.jsonl"))
    ? readFileSync(join(dir, "runs.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l))
    : [];
const logged = (re: RegExp) => lines.some((l) => re.test(l.msg));

describe("upgrade supervisor (start --upgrade-dir, SPEC v2 §4.7)", () => {
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "xai-sup-"));
    dir = join(root, "node");
    udir = join(root, "upgrades");
    mkdirSync(dir);
    mkdirSync(udir);
    lines = [];
  });
  afterEach(() => {
    // A failed test may leave a waiting fake release behind: end it by its pid.
    for (const r of runs())
      try {
        process.kill(r.pid, "SIGKILL");
      } catch {}
    rmSync(root, { recursive: true, force: true });
  });
  after(() => killCliChildren());

  it("switches to UDIR/<name> when release.tgz has the plan's sha256, with the same args", async () => {
    const sha = install(udir, "v2", { exit: 0 });
    const code = await supervise(options({ halt: "v2", sha256: sha })).done;
    assert.equal(code, 0);
    assert.deepEqual(
      runs().map((r) => r.release),
      ["(base)", "v2"],
    );
    for (const r of runs()) assert.deepEqual(r.args, ARGS());
    assert.equal(readFileSync(join(udir, "current"), "utf8"), `v2 ${sha}\n`);
    assert.ok(logged(/release verified/) && logged(/switched release/));
  });

  it("keeps supervising: a later upgrade switches the same way; a restart resumes UDIR/current, checked again", async () => {
    const sha3 = install(udir, "v3", { exit: 7 });
    const sha2 = install(udir, "v2", { halt: "v3", sha256: sha3 });
    assert.equal(await supervise(options({ halt: "v2", sha256: sha2 })).done, 7);
    assert.deepEqual(
      runs().map((r) => r.release),
      ["(base)", "v2", "v3"],
    );
    // Restarted (e.g. by systemd), the supervisor runs v3 again, not the base release.
    assert.equal(await supervise(options({ exit: 0 })).done, 7);
    assert.deepEqual(runs().at(-1)?.release, "v3");
    // ... after checking it again: a release.tgz changed since the switch is refused (exit 5).
    writeFileSync(join(udir, "v3", "release.tgz"), "changed");
    assert.equal(await supervise(options({ exit: 0 })).done, 5);
    assert.equal(runs().length, 4);
  });

  it("refuses on a sha256 mismatch: exit 5, the release never runs, a log line", async () => {
    install(udir, "v2", { exit: 0 });
    const code = await supervise(options({ halt: "v2", sha256: "ab".repeat(32) })).done;
    assert.equal(code, 5);
    assert.deepEqual(
      runs().map((r) => r.release),
      ["(base)"],
    );
    assert.ok(!existsSync(join(udir, "current")));
    const line = lines.find((l) => /UPGRADE SWITCH REFUSED/.test(l.msg));
    assert.equal(line?.obj.reason, "sha256_mismatch");
    assert.match(line?.msg ?? "", /the plan names abab/);
  });

  it("refuses when no release is installed for the name (or only half of it): exit 4", async () => {
    assert.equal(await supervise(options({ halt: "v2", sha256: "ab".repeat(32) })).done, 4);
    // release.tgz without an unpacked bin/xai-gov.js is no installed release either.
    mkdirSync(join(udir, "v2"));
    writeFileSync(join(udir, "v2", "release.tgz"), "x");
    assert.equal(await supervise(options({ halt: "v2", sha256: sha256("x") })).done, 4);
    assert.deepEqual(
      runs().map((r) => r.release),
      ["(base)", "(base)"],
    );
    assert.equal(lines.filter((l) => l.obj.reason === "missing").length, 2);
  });

  it("refuses a release that halts again for its own upgrade (it does not know it): exit 5", async () => {
    const sha = sha256("release v2");
    install(udir, "v2", { halt: "v2", sha256: sha });
    assert.equal(await supervise(options({ halt: "v2", sha256: sha })).done, 5);
    assert.deepEqual(
      runs().map((r) => r.release),
      ["(base)", "v2"],
    );
    assert.ok(lines.some((l) => l.obj.reason === "release_lacks_upgrade"));
  });

  it("refuses a halt it cannot read (exit 3 without upgrade-info.json) or a plan without a sha256: exit 5", async () => {
    install(udir, "v2", { exit: 0 });
    assert.equal(await supervise(options({ exit: 3 })).done, 5);
    assert.equal(await supervise(options({ halt: "v2", sha256: "" })).done, 5);
    assert.deepEqual(
      lines.filter((l) => /UPGRADE SWITCH REFUSED/.test(l.msg)).map((l) => l.obj.reason),
      ["bad_upgrade_info", "no_sha256"],
    );
    assert.deepEqual(
      runs().map((r) => r.release),
      ["(base)", "(base)"],
    );
  });

  it("runs each release with the node's malloc settings (mallocEnv.ts), an operator's own value kept", async () => {
    const sha = install(udir, "v2", { exit: 0 });
    const before = process.env.MALLOC_ARENA_MAX;
    process.env.MALLOC_ARENA_MAX = "1";
    try {
      assert.equal(await supervise(options({ halt: "v2", sha256: sha })).done, 0);
    } finally {
      if (before === undefined) delete process.env.MALLOC_ARENA_MAX;
      else process.env.MALLOC_ARENA_MAX = before;
    }
    assert.deepEqual(
      runs().map((r) => [r.release, r.arenas, r.mmap, r.trim]),
      [
        ["(base)", "1", "131072", "131072"],
        ["v2", "1", "131072", "131072"],
      ],
    );
  });

  it("passes any other exit code of the node through (0, 1, 7) without switching", async () => {
    for (const c of [0, 1, 7]) assert.equal(await supervise(options({ exit: c })).done, c);
    assert.equal(runs().length, 3);
  });

  it("forwards SIGTERM and SIGINT to the node and exits with its code", async () => {
    for (const sig of ["SIGTERM", "SIGINT"] as const) {
      rmSync(join(dir, "ready"), { force: true });
      const s = supervise(options("wait"));
      while (!existsSync(join(dir, "ready"))) await new Promise((r) => setTimeout(r, 20));
      s.signal(sig);
      assert.equal(await s.done, 0);
      assert.equal(runs().at(-1)?.signal, sig);
    }
  });

  it("the node's arguments are the command line without --upgrade-dir", () => {
    assert.deepEqual(nodeArgs(["start", "--upgrade-dir", "/u", "--dir", "d", "--upgrade-dir=/v", "--dev"]), [
      "start",
      "--dir",
      "d",
      "--dev",
    ]);
  });

  it("start --help documents --upgrade-dir, the layout and the exit codes 4 and 5", async () => {
    const r = await spawnCli(["start", "--help"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--upgrade-dir <udir>/);
    assert.match(r.stdout, /UDIR\/<name>\/release\.tgz has the plan's sha256/);
    assert.match(r.stdout, /exit 4/);
    assert.match(r.stdout, /exit 5/);
  });
});
