/**
 * The fuzz loop (docs/RELIABILITY.md "Fuzzing"): inputs from a target's fast-check arbitrary, in
 * chunks drawn from one seed, each run under the oracle:
 *
 * - the input is accepted, or rejected with a coded XaiError (or a coded 4xx answer: the target
 *   returns the code); anything else thrown is a crash;
 * - a target checks its own "nothing changed" rule for rejected inputs and throws FuzzFailure if
 *   it breaks (a crash too);
 * - an input that has not settled within `deadlineMs` is a hang (the loop moves on).
 *
 * A crashing or hanging input is saved as a regression vector (`<dir>/<target>/<hash>.<ext>`),
 * which test/fuzz/fuzz.test.ts replays on every `npm test`.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { toHex } from "../../src/crypto/bytes.js";
import { sha256 } from "../../src/crypto/hash.js";
import { isXaiError } from "../../src/errors.js";

/** A broken oracle rule found by a target itself (state changed by a rejected input, a 5xx, ...). */
export class FuzzFailure extends Error {
  override readonly name = "FuzzFailure";
}

/** What one input did: accepted (no code), or rejected with `code`. */
export interface Outcome {
  code?: string;
  /** Codes of the parts of an accepted input (the skipped transactions of a sequence). */
  inner?: string[];
}

/** A target set up for a run: its inputs, how to run one, and its clean-up. */
export interface TargetInstance<I> {
  /** Every input the loop draws (mutated seeds and structure-aware generators). */
  arbitrary: fc.Arbitrary<I>;
  /** Runs one input; throws an XaiError to reject it with its code, FuzzFailure on a broken rule. */
  run(input: I): Promise<Outcome>;
  close(): Promise<void>;
}

/** A fuzz target: how to set it up and how its inputs are stored as regression vectors. */
export interface FuzzTarget<I = unknown> {
  name: string;
  /** File extension of its vectors: "bin" (raw bytes) or "json". */
  ext: "bin" | "json";
  setup(): Promise<TargetInstance<I>>;
  save(input: I): Uint8Array;
  load(bytes: Uint8Array): I;
}

/** A crash or hang, with the input that caused it. */
export interface Finding {
  kind: "crash" | "hang";
  message: string;
  index: number;
  file?: string;
}

/** The summary of one target's run. */
export interface Summary {
  target: string;
  inputs: number;
  accepted: number;
  rejected: Record<string, number>;
  /** Outcome.inner codes, counted. */
  inner: Record<string, number>;
  findings: Finding[];
  ms: number;
}

/** Options of runTarget. */
export interface RunOptions {
  runs: number;
  seed: number;
  /** Per-input deadline (a hang past it); none if undefined (the CLI gives 10 s by default). */
  deadlineMs?: number;
  /** Where to save failing inputs (`<dir>/<target>/`); none if undefined. */
  saveDir?: string;
  /** Inputs drawn at a time (default 100). */
  chunk?: number;
  /** Called after each input (progress). */
  onInput?: (done: number) => void;
  /** Told of each input before it runs and when it settled (watchdog.ts: event-loop stalls). */
  watchdog?: {
    target(dir: string, target: string, ext: string): void;
    start(saved: Uint8Array): void;
    stop(): void;
  };
}

const HANG = Symbol("hang");

/** Runs `input` under the oracle: the outcome, or a finding's kind and message. */
export async function judge<I>(
  t: TargetInstance<I>,
  input: I,
  deadlineMs?: number,
): Promise<Outcome | { kind: "crash" | "hang"; message: string }> {
  let timer: NodeJS.Timeout | undefined;
  // No deadline unless asked (npm test has none: no test depends on timing).
  const deadline = new Promise<typeof HANG>((res) => {
    if (deadlineMs !== undefined) timer = setTimeout(() => res(HANG), deadlineMs);
  });
  try {
    const r = await Promise.race([t.run(input), deadline]);
    if (r === HANG) return { kind: "hang", message: `no answer within ${deadlineMs} ms` };
    return r;
  } catch (err) {
    if (isXaiError(err)) return { code: err.code };
    const e = err as Error;
    return { kind: "crash", message: `${e?.name ?? "thrown"}: ${e?.message ?? String(err)}` };
  } finally {
    clearTimeout(timer);
  }
}

/** Saves a failing input as `<dir>/<target>/<sha256 prefix>.<ext>`; returns the path. */
export function saveVector<I>(target: FuzzTarget<I>, dir: string, input: I): string {
  const bytes = target.save(input);
  const folder = join(dir, target.name);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${toHex(sha256(bytes)).slice(0, 16)}.${target.ext}`);
  writeFileSync(file, bytes);
  return file;
}

/** Inputs `[from, from + n)` of the stream a seed defines (each chunk drawn from seed + chunk index). */
export function draw<I>(arb: fc.Arbitrary<I>, seed: number, from: number, n: number, chunk: number): I[] {
  const out: I[] = [];
  for (let c = Math.floor(from / chunk); out.length < n; c++) {
    const values = fc.sample(arb, { seed: (seed + c * 7919) | 0, numRuns: chunk });
    const start = c === Math.floor(from / chunk) ? from % chunk : 0;
    out.push(...values.slice(start, start + n - out.length));
  }
  return out;
}

/** Runs `runs` inputs of a target (set up and closed here) and summarises them. */
export async function runTarget<I>(target: FuzzTarget<I>, o: RunOptions): Promise<Summary> {
  const started = performance.now();
  const t = await target.setup();
  const s: Summary = {
    target: target.name,
    inputs: 0,
    accepted: 0,
    rejected: {},
    inner: {},
    findings: [],
    ms: 0,
  };
  const chunk = o.chunk ?? 100;
  const watch = o.saveDir ? o.watchdog : undefined;
  watch?.target(o.saveDir!, target.name, target.ext);
  try {
    for (let i = 0; i < o.runs; i += chunk) {
      const batch = draw(t.arbitrary, o.seed, i, Math.min(chunk, o.runs - i), chunk);
      for (const [j, input] of batch.entries()) {
        watch?.start(target.save(input));
        const r = await judge(t, input, o.deadlineMs);
        watch?.stop();
        s.inputs++;
        if ("kind" in r) {
          const f: Finding = { kind: r.kind, message: r.message, index: i + j };
          if (o.saveDir) f.file = saveVector(target, o.saveDir, input);
          s.findings.push(f);
        } else if (r.code) s.rejected[r.code] = (s.rejected[r.code] ?? 0) + 1;
        else s.accepted++;
        if (!("kind" in r)) for (const c of r.inner ?? []) s.inner[c] = (s.inner[c] ?? 0) + 1;
        o.onInput?.(s.inputs);
      }
    }
  } finally {
    if (watch) rmSync(join(o.saveDir!, target.name, ".current"), { force: true });
    await t.close();
  }
  s.ms = performance.now() - started;
  return s;
}

function counts(m: Record<string, number>): { total: number; text: string } {
  const codes = Object.entries(m).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return { total: codes.reduce((n, [, c]) => n + c, 0), text: codes.map(([c, n]) => `${c} ${n}`).join(", ") };
}

/** One summary line: inputs, accepted, rejected by code (most frequent first), crashes, hangs. */
export function summaryLine(s: Summary): string {
  const rejected = counts(s.rejected);
  const inner = counts(s.inner);
  const crashes = s.findings.filter((f) => f.kind === "crash").length;
  const hangs = s.findings.length - crashes;
  return (
    `${s.target}: ${s.inputs} inputs, ${s.accepted} accepted, ${rejected.total} rejected ` +
    `(${rejected.text || "none"}), ${crashes} crashes, ${hangs} hangs, ${(s.ms / 1000).toFixed(1)} s` +
    (inner.total ? `; inside accepted inputs: ${inner.text}` : "")
  );
}

/** JSON vectors: inputs stored as JSON text (bigints as {"$bigint": "..."}, bytes as {"$hex": "..."}). */
export const jsonVector = {
  save(input: unknown): Uint8Array {
    return new TextEncoder().encode(
      `${JSON.stringify(
        input,
        (_k, v) =>
          typeof v === "bigint"
            ? { $bigint: v.toString() }
            : v instanceof Uint8Array
              ? { $hex: toHex(v) }
              : v,
        1,
      )}\n`,
    );
  },
  load<I>(bytes: Uint8Array): I {
    return JSON.parse(new TextDecoder().decode(bytes), (_k, v) =>
      v && typeof v === "object" && typeof v.$bigint === "string"
        ? BigInt(v.$bigint)
        : v && typeof v === "object" && typeof v.$hex === "string"
          ? new Uint8Array(Buffer.from(v.$hex, "hex"))
          : v,
    ) as I;
  },
};

/** Raw-bytes vectors. */
export const binVector = {
  save: (input: Uint8Array): Uint8Array => input,
  load: (bytes: Uint8Array): Uint8Array => new Uint8Array(bytes),
};
