/**
 * `xai-gov start --upgrade-dir UDIR`: a Cosmovisor-style supervisor (SPEC v2 §4.7). It runs the node
 * as a child process, forwards SIGINT/SIGTERM, and exits with the node's code, except when the node
 * halted for an upgrade (UPGRADE_NEEDED_EXIT_CODE): then it reads DIR/upgrade-info.json, verifies
 * the release installed for that name against the plan's sha256, and restarts the node from it with
 * the same options. It never downloads anything and is no consensus path: the chain's rules decide
 * when to halt; the supervisor only picks which installed program runs next.
 *
 * Layout of UDIR (docs/RUNBOOK.md#upgrade-directory-start---upgrade-dir):
 *   UDIR/<name>/release.tgz     the release artifact as published; its sha256 is the plan's
 *   UDIR/<name>/bin/xai-gov.js  the same release unpacked there, with its dependencies installed
 *   UDIR/current                the name of the release running now (absent: the base release)
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { releaseSha256, UPGRADE_NAME_RE } from "../governance/upgrade/plan.js";
import type { Logger } from "../logger.js";
import { withNodeMalloc } from "../node/mallocEnv.js";
import { nodePaths } from "../node/paths.js";
import { UPGRADE_NEEDED_EXIT_CODE } from "../node/upgrades.js";

/** Exit code: the node halted for an upgrade and UDIR holds no release for it (install it, restart). */
export const UPGRADE_RELEASE_MISSING_EXIT_CODE = 4;
/**
 * Exit code: the release for the upgrade is refused: its release.tgz does not have the plan's
 * sha256, upgrade-info.json is unreadable, or the release halted again for the same upgrade.
 */
export const UPGRADE_RELEASE_REFUSED_EXIT_CODE = 5;

/** The release artifact of UDIR/<name>/ whose sha256 must be the plan's. */
export const RELEASE_ARTIFACT = "release.tgz";
/** The entry point of an installed release, relative to its directory. */
export const RELEASE_ENTRY = join("bin", "xai-gov.js");
/** The file of UDIR naming the release that runs now. */
export const CURRENT_FILE = "current";

export interface SupervisorOptions {
  /** The node directory (its upgrade-info.json is read after a halt). */
  dir: string;
  upgradeDir: string;
  /** The entry point of the base release (the one this supervisor belongs to). */
  baseEntry: string;
  /** The arguments of every node run (`start --dir DIR ...`, without `--upgrade-dir`). */
  args: string[];
  log: Logger;
}

/** A running supervisor: forward a signal to the node, and its exit code. */
export interface Supervisor {
  signal(sig: NodeJS.Signals): void;
  readonly done: Promise<number>;
}

/** The hex sha256 of a file. */
export function fileSha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** `argv` (what follows `xai-gov`) without `--upgrade-dir X` / `--upgrade-dir=X`: the node's arguments. */
export function nodeArgs(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--upgrade-dir") i++;
    else if (!a.startsWith("--upgrade-dir=")) out.push(a);
  }
  return out;
}

type Choice = { ok: true; entry: string } | { ok: false; code: number; reason: string; msg: string };

/** The release installed for `name`, if its artifact has the plan's sha256 (`info`). */
export function checkRelease(upgradeDir: string, name: string, info: string): Choice {
  if (!UPGRADE_NAME_RE.test(name))
    return refused(UPGRADE_RELEASE_REFUSED_EXIT_CODE, "bad_name", `upgrade name ${JSON.stringify(name)}`);
  const want = releaseSha256(info);
  if (!want)
    return refused(UPGRADE_RELEASE_REFUSED_EXIT_CODE, "no_sha256", "the plan's info names no sha256:<hex>");
  const dir = join(upgradeDir, name);
  const artifact = join(dir, RELEASE_ARTIFACT);
  const entry = join(dir, RELEASE_ENTRY);
  for (const p of [artifact, entry])
    if (!existsSync(p))
      return refused(UPGRADE_RELEASE_MISSING_EXIT_CODE, "missing", `no release installed: ${p} is missing`);
  const got = fileSha256(artifact);
  if (got !== want)
    return refused(
      UPGRADE_RELEASE_REFUSED_EXIT_CODE,
      "sha256_mismatch",
      `${artifact} has sha256 ${got}, the plan names ${want}`,
    );
  return { ok: true, entry: resolve(entry) };
}

function refused(code: number, reason: string, msg: string): Choice {
  return { ok: false, code, reason, msg };
}

/** The plan the node wrote when it halted (undefined if missing or malformed). */
function readUpgradeInfo(dir: string): { name: string; height: number; info: string } | undefined {
  try {
    const v = JSON.parse(readFileSync(nodePaths(dir).upgradeInfo, "utf8")) as Record<string, unknown>;
    if (typeof v.name === "string" && typeof v.info === "string" && typeof v.height === "number")
      return { name: v.name, height: v.height, info: v.info };
  } catch {}
  return undefined;
}

/** The base release's label in the log (no upgrade name can be it). */
const BASE = "(base)";

/** The release named by UDIR/current (re-verified), else the base release. */
function startRelease(o: SupervisorOptions): { name: string; choice: Choice } {
  const file = join(o.upgradeDir, CURRENT_FILE);
  if (!existsSync(file)) return { name: BASE, choice: { ok: true, entry: o.baseEntry } };
  // "<name> <sha256>": the digest of the plan it was verified against, checked again.
  const [name = "", sha = ""] = readFileSync(file, "utf8").trim().split(/\s+/);
  return { name, choice: checkRelease(o.upgradeDir, name, `sha256:${sha}`) };
}

function writeCurrent(upgradeDir: string, name: string, sha: string): void {
  const file = join(upgradeDir, CURRENT_FILE);
  writeFileSync(`${file}.tmp`, `${name} ${sha}\n`);
  renameSync(`${file}.tmp`, file);
}

/** Exit code of a child that ended by a signal: 128 + its number, as a shell reports it. */
const SIGNAL_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGKILL: 137 };

/** Starts supervising: the first node run begins at once. */
export function supervise(o: SupervisorOptions): Supervisor {
  let child: ReturnType<typeof spawn> | undefined;
  let stopSignal: NodeJS.Signals | undefined;
  const run = (entry: string): Promise<number> =>
    new Promise((res) => {
      o.log.info({ entry, args: o.args }, "supervisor: starting node");
      // The node process gets the malloc settings it is run with everywhere (mallocEnv.ts).
      const c = spawn(process.execPath, [entry, ...o.args], {
        stdio: "inherit",
        env: withNodeMalloc(process.env),
      });
      child = c;
      c.on("error", (err) => {
        o.log.warn({ entry, err: err.message }, "supervisor: node could not be started");
        res(1);
      });
      c.on("exit", (code, sig) => {
        child = undefined;
        res(code ?? (sig ? (SIGNAL_CODES[sig] ?? 1) : 1));
      });
    });

  const loop = async (): Promise<number> => {
    const start = startRelease(o);
    if (!start.choice.ok) return refuse(start.name, start.choice);
    let running = start.name;
    let entry = start.choice.entry;
    for (;;) {
      const code = await run(entry);
      o.log.info({ release: running, code }, "supervisor: node exited");
      if (code !== UPGRADE_NEEDED_EXIT_CODE || stopSignal) return code;
      const plan = readUpgradeInfo(o.dir);
      if (!plan)
        return refuse("?", {
          ok: false,
          code: UPGRADE_RELEASE_REFUSED_EXIT_CODE,
          reason: "bad_upgrade_info",
          msg: `${nodePaths(o.dir).upgradeInfo} is missing or malformed`,
        });
      o.log.info(plan, "supervisor: node halted for an upgrade");
      if (plan.name === running)
        return refuse(plan.name, {
          ok: false,
          code: UPGRADE_RELEASE_REFUSED_EXIT_CODE,
          reason: "release_lacks_upgrade",
          msg: `the release installed for ${plan.name} halted for ${plan.name} again: it does not know the upgrade`,
        });
      const choice = checkRelease(o.upgradeDir, plan.name, plan.info);
      if (!choice.ok) return refuse(plan.name, choice);
      const sha = releaseSha256(plan.info)!;
      o.log.info({ name: plan.name, sha256: sha, entry: choice.entry }, "supervisor: release verified");
      writeCurrent(o.upgradeDir, plan.name, sha);
      o.log.info({ from: running, to: plan.name }, "supervisor: switched release");
      running = plan.name;
      entry = choice.entry;
    }
  };

  const refuse = (name: string, c: Choice & { ok: false }): number => {
    o.log.warn(
      { name, reason: c.reason, exitCode: c.code },
      `supervisor: UPGRADE SWITCH REFUSED, node left stopped: ${c.msg}`,
    );
    return c.code;
  };

  return {
    signal(sig) {
      stopSignal = sig;
      o.log.info({ signal: sig }, "supervisor: forwarding signal to node");
      child?.kill(sig);
    },
    done: loop(),
  };
}
