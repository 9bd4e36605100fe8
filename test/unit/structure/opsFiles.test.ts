// The operator files stay true to the code: the systemd unit's `start` flags exist, and the exit
// codes it will not restart after are the node's (upgrade release missing, refused; failed write;
// corrupt database).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import {
  UPGRADE_RELEASE_MISSING_EXIT_CODE,
  UPGRADE_RELEASE_REFUSED_EXIT_CODE,
} from "../../../src/cli/supervisor.js";
import { DB_CORRUPT_EXIT_CODE } from "../../../src/node/errors.js";
import { NODE_MALLOC_ENV } from "../../../src/node/mallocEnv.js";
import { STORAGE_FAILED_EXIT_CODE } from "../../../src/node/node.js";

const UNIT = new URL("../../../docs/systemd/xai-gov.service", import.meta.url);
const BIN = new URL("../../../bin/xai-gov.js", import.meta.url).pathname;

describe("operator files", () => {
  it("the systemd unit gives the node the malloc settings of mallocEnv.ts", () => {
    const unit = readFileSync(UNIT, "utf8");
    const env = new Map<string, string>();
    for (const m of unit.matchAll(/^Environment=(.+)$/gm))
      for (const kv of m[1]!.split(/\s+/)) env.set(kv.split("=")[0]!, kv.split("=")[1]!);
    for (const [k, v] of Object.entries(NODE_MALLOC_ENV)) assert.equal(env.get(k), v, k);
  });

  it("the systemd unit runs `start` with flags that exist, and does not restart after 4, 5, 6, 7", () => {
    const unit = readFileSync(UNIT, "utf8");
    const exec = /^ExecStart=(.+)$/m.exec(unit)?.[1] ?? "";
    const args = exec.split(/\s+/);
    assert.equal(args[2], "start");
    // `start --help` of the built CLI (npm test builds first).
    const help = spawnSync(process.execPath, [BIN, "start", "--help"], { encoding: "utf8" }).stdout;
    const known = new Set([...help.matchAll(/^\s+(--[a-z0-9-]+)/gm)].map((m) => m[1]));
    assert.ok(known.has("--dir") && known.has("--upgrade-dir"), help);
    const flags = args.filter((a) => a.startsWith("--"));
    assert.ok(flags.length >= 4, exec);
    for (const f of flags) assert.ok(known.has(f), `start has no option ${f}`);
    const prevent = /^RestartPreventExitStatus=(.+)$/m.exec(unit)?.[1]?.split(/\s+/).map(Number);
    assert.deepEqual(prevent, [
      UPGRADE_RELEASE_MISSING_EXIT_CODE,
      UPGRADE_RELEASE_REFUSED_EXIT_CODE,
      STORAGE_FAILED_EXIT_CODE,
      DB_CORRUPT_EXIT_CODE,
    ]);
  });

  it("README's `xai-gov start` line lists exactly the options of `start --help`", () => {
    const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
    const usage = /^\| `xai-gov start ([^`]+)` \|/m.exec(readme)?.[1] ?? "";
    const documented = new Set([...usage.matchAll(/--[a-z0-9-]+/g)].map((m) => m[0]));
    const help = spawnSync(process.execPath, [BIN, "start", "--help"], { encoding: "utf8" }).stdout;
    const known = new Set([...help.matchAll(/^\s+(--[a-z0-9-]+)/gm)].map((m) => m[1]!));
    known.delete("--help");
    assert.ok(documented.has("--p2p-loopback-exempt"), usage);
    assert.deepEqual([...documented].sort(), [...known].sort());
  });
});
