import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

/**
 * What a figure should reach: `value`, or `factor` x the value of the row named `of` in the same
 * run (a target relative to this machine, such as 0.8 x twice the single-core verify rate).
 */
export interface BenchTarget {
  op: ">=" | "<=";
  value?: number;
  of?: string;
  factor?: number;
  /** How the relative target is read, for the table (e.g. "0.8 x 2 x verify"). */
  label?: string;
}

/**
 * The single-core verify row, which the signature targets are relative to: the node's own verifier
 * (libsodium behind the byte rule), so "bound by signature verification" is measured against what
 * the node really verifies with, the fastest of the three backends here.
 */
export const VERIFY_ROW = "verify libsodium, the node's verifier";

/** ">= 0.8 x (2 x the single-core verify rate of the same run)": what two cores should reach. */
export const TWO_CORE_TARGET: BenchTarget = {
  op: ">=",
  of: VERIFY_ROW,
  factor: 1.6,
  label: "0.8 x 2 x verify",
};

/** One benchmark figure. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  detail?: string;
  target?: BenchTarget;
}

/** A row's target resolved against the run: the number, and whether the figure meets it. */
export interface ResolvedTarget {
  op: ">=" | "<=";
  value: number;
  label: string;
  /** Figure over target for ">=", target over figure for "<=": 1 or more means met. */
  ratio: number;
  met: boolean;
}

/** Resolves `row.target` against `rows` (null without a target, or if its reference row is missing). */
export function resolveTarget(row: BenchRow, rows: BenchRow[]): ResolvedTarget | null {
  const t = row.target;
  if (!t) return null;
  let value = t.value;
  if (value === undefined) {
    const ref = rows.find((r) => r.name === t.of);
    if (!ref) return null;
    value = ref.value * (t.factor ?? 1);
  }
  const ratio = t.op === ">=" ? row.value / value : value / row.value;
  const label = `${t.op} ${shown(value)}${t.label ? ` (${t.label})` : ""}`;
  return { op: t.op, value, label, ratio, met: t.op === ">=" ? row.value >= value : row.value <= value };
}

/** The machine a run came from (recorded beside every figure). */
export function machine(): Record<string, string | number> {
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: process.platform,
  };
}

/** Prints rows as a table (each target and ratio beside its figure) and writes them with the machine to `path` as JSON. */
export function report(rows: BenchRow[], path: string): void {
  const resolved = rows.map((r) => resolveTarget(r, rows));
  const w = Math.max(...rows.map((r) => r.name.length), 10);
  const tw = Math.max(...resolved.map((t) => t?.label.length ?? 0), 6);
  console.log(
    `${"benchmark".padEnd(w)}  ${"value".padStart(12)}  ${"unit".padEnd(12)}  ${"target".padEnd(tw)}  ratio  met  detail`,
  );
  console.log(
    `${"-".repeat(w)}  ${"-".repeat(12)}  ${"-".repeat(12)}  ${"-".repeat(tw)}  -----  ---  ------`,
  );
  for (const [i, r] of rows.entries()) {
    const t = resolved[i];
    const ratio = t ? t.ratio.toFixed(2) : "";
    const met = t ? (t.met ? "yes" : "NO") : "";
    console.log(
      `${r.name.padEnd(w)}  ${shown(r.value).padStart(12)}  ${r.unit.padEnd(12)}  ${(t?.label ?? "").padEnd(tw)}  ${ratio.padStart(5)}  ${met.padEnd(3)}  ${r.detail ?? ""}`,
    );
  }
  const withTargets = resolved.filter((t) => t !== null);
  if (withTargets.length > 0)
    console.log(`\n${withTargets.filter((t) => t.met).length} of ${withTargets.length} targets met`);
  mkdirSync(path.replace(/\/[^/]+$/, ""), { recursive: true });
  const out = rows.map((r, i) => ({ ...r, target: resolved[i] ?? undefined }));
  writeFileSync(
    path,
    `${JSON.stringify({ date: new Date().toISOString(), machine: machine(), rows: out }, null, 2)}\n`,
  );
  console.log(`\nwrote ${path}`);
}

/** A figure for the table: whole numbers from 100 up, else 3 significant digits (1.04 ms, 0.44 ms). */
function shown(v: number): string {
  return Math.abs(v) >= 100
    ? Math.round(v).toLocaleString("en-US")
    : v.toLocaleString("en-US", { maximumSignificantDigits: 3 });
}
