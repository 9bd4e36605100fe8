import { spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (tests spawn the compiled CLI from here). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The CLI entry point (`bin/xai-gov.js`, which runs dist/). */
export const BIN = join(ROOT, "bin", "xai-gov.js");

/** What a CLI run printed and its exit code. */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const children = new Set<ReturnType<typeof spawn>>();

/**
 * Runs `xai-gov ARGS` as a child process; rejects if it takes longer than `timeoutMs`. `env` adds
 * to (or, with `undefined` values, removes from) the environment.
 */
export function spawnCli(
  args: string[],
  timeoutMs = 30_000,
  env: Record<string, string | undefined> = {},
): Promise<Run> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      rej(new Error(`xai-gov ${args.join(" ")} timed out`));
    }, timeoutMs);
    child.on("error", rej);
    child.on("close", (code) => {
      clearTimeout(timer);
      children.delete(child);
      res({ code, stdout, stderr });
    });
  });
}

/** Kills every CLI child still running (after hooks). */
export function killCliChildren(): void {
  for (const c of children) c.kill("SIGKILL");
}
