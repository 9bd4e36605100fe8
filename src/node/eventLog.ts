import type { NewHeadEvent } from "../chain/types.js";
import type { Logger } from "../logger.js";

/**
 * The log lines of a new head: `new head` (height, slot, hash, txs, ms), then one `chain event` line
 * per event of its block(s).
 */
export function logHead(log: Logger, e: NewHeadEvent): void {
  const h = e.block.header;
  const hash = e.block.hashHex.slice(0, 16);
  log.info(
    { height: h.height, slot: h.slot, hash, txs: e.block.txs.length, ms: Math.round(e.durationMs) },
    "new head",
  );
  for (const ev of e.result.events)
    log.info(
      { event: ev.type, height: ev.height, txId: ev.txId, ...eventLogFields(ev.attributes) },
      "chain event",
    );
}

/**
 * The fields of a chain event's log line. Event attributes are strings (SPEC §4.6); counts and
 * heights are logged as JSON numbers, as the API shows them, so a log query compares them as
 * numbers. Amounts and powers stay strings (they exceed 2^53), as in the API.
 */
const INTEGER_FIELDS: ReadonlySet<string> = new Set([
  "number",
  "height",
  "voting_end",
  "eta",
  "voters",
  "changes",
  "counted",
]);

/** `attributes` with the integer fields as numbers (a value that is no safe integer stays a string). */
export function eventLogFields(
  attributes: Readonly<Record<string, string>>,
): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(attributes))
    out[k] = INTEGER_FIELDS.has(k) && /^(0|[1-9][0-9]{0,14})$/.test(v) ? Number(v) : v;
  return out;
}
