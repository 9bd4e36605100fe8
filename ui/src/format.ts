/** Formatting for the pages: amounts, shares, durations. Amounts are base units (1 XAI = 10^8). */

const UNITS = 100_000_000n;

/** `12.5 XAI` from base units (a decimal string). */
export function xai(units: string | null | undefined): string {
  if (units === null || units === undefined || !/^-?[0-9]+$/.test(units)) return String(units ?? "—");
  const v = BigInt(units);
  const neg = v < 0n;
  const a = neg ? -v : v;
  const frac = (a % UNITS).toString().padStart(8, "0").replace(/0+$/, "");
  const whole = (a / UNITS).toLocaleString("en-US");
  return `${neg ? "-" : ""}${whole}${frac ? `.${frac}` : ""} XAI`;
}

/** `part / whole` in basis points (0 when whole is 0), exact on big integers. */
export function bps(part: string, whole: string): number {
  const w = BigInt(whole || "0");
  if (w === 0n) return 0;
  return Number((BigInt(part || "0") * 10_000n) / w);
}

/** `33.4 %` from basis points. */
export function pct(b: number | string): string {
  return `${(Number(b) / 100).toFixed(Number(b) % 100 === 0 ? 0 : 2)} %`;
}

/** `1 h 2 min`, `45 s` from milliseconds (negative: 0 s). */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** A local date and time from epoch milliseconds. */
export function when(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  return new Date(ms).toLocaleString();
}

/** A shortened hex id or address for tables (the full value in the title attribute). */
export function short(s: string | null | undefined, n = 10): string {
  if (!s) return "—";
  return s.length > n + 4 ? `${s.slice(0, n)}…` : s;
}

/** Human names of the statuses and stages. */
export const STAGE_NAMES: Record<string, string> = {
  voting: "Voting",
  code_review: "Code review",
  implementation_vote: "Implementation vote",
  timelock: "Timelock",
  execution_window: "Execution window",
  queued: "Queued",
  executed: "Executed",
  rejected: "Rejected",
  cancelled: "Cancelled",
  expired: "Expired",
  failed: "Failed",
  rolled_back: "Rolled back",
};

export function stageName(s: string | null | undefined): string {
  return s ? (STAGE_NAMES[s] ?? s.replace(/_/g, " ")) : "—";
}
