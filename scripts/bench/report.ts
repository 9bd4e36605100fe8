import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

/** One benchmark figure. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  detail?: string;
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

/** Prints rows as a table and writes them with the machine to `path` as JSON. */
export function report(rows: BenchRow[], path: string): void {
  const w = Math.max(...rows.map((r) => r.name.length), 10);
  console.log(`${"benchmark".padEnd(w)}  ${"value".padStart(12)}  unit          detail`);
  console.log(`${"-".repeat(w)}  ${"-".repeat(12)}  ------------  ------`);
  for (const r of rows)
    console.log(
      `${r.name.padEnd(w)}  ${shown(r.value).padStart(12)}  ${r.unit.padEnd(12)}  ${r.detail ?? ""}`,
    );
  mkdirSync(path.replace(/\/[^/]+$/, ""), { recursive: true });
  writeFileSync(
    path,
    `${JSON.stringify({ date: new Date().toISOString(), machine: machine(), rows }, null, 2)}\n`,
  );
  console.log(`\nwrote ${path}`);
}

/** A figure for the table: whole numbers from 100 up, else 3 significant digits (1.04 ms, 0.44 ms). */
function shown(v: number): string {
  return Math.abs(v) >= 100
    ? Math.round(v).toLocaleString("en-US")
    : v.toLocaleString("en-US", { maximumSignificantDigits: 3 });
}
