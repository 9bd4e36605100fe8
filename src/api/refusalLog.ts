/**
 * One log line per refused API submission (code, message, the transaction's id and sender when it
 * decoded), at most `perWindow` lines per window: a flood of refusals cannot flood the log. Lines
 * past the limit are counted and the count rides on the next line (`suppressed`).
 */
import type { Logger } from "../logger.js";

/** What a refused submission's line says. */
export interface Refusal {
  code: string;
  message: string;
  txId?: string;
  sender?: string;
}

/** The logger of refusals (see above); `now` is the wall clock (injected by tests). */
export function refusalLog(
  log: Logger,
  perWindow = 20,
  windowMs = 1000,
  now: () => number = Date.now,
): (r: Refusal) => void {
  let windowStart = Number.NEGATIVE_INFINITY;
  let lines = 0;
  let suppressed = 0;
  return (r) => {
    const t = now();
    if (t - windowStart >= windowMs) {
      windowStart = t;
      lines = 0;
    }
    if (lines >= perWindow) {
      suppressed++;
      return;
    }
    lines++;
    log.info({ ...r, ...(suppressed > 0 ? { suppressed } : {}) }, "submission refused");
    suppressed = 0;
  };
}
