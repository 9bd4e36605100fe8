import { addressFault } from "../crypto/keys.js";
import type { RegistryEntry } from "./registry.js";

/** Canonical registry values: parsing and bounds (re-exported by registry.ts). */

const DECIMAL_RE = /^(0|[1-9][0-9]*)$/;

/** Result of parsing a registry value: the value, or why it is refused. */
export type ParseResult = { ok: true; value: bigint | boolean | string } | { ok: false; reason: string };

/**
 * Parses a canonical registry value of an entry's type and checks its bounds. Canonical forms:
 * decimal without sign or leading zeros for numbers, "true"/"false" for bool, an address string.
 */
export function parseRegistryValue(entry: RegistryEntry, raw: string): ParseResult {
  switch (entry.type) {
    case "bool":
      if (raw === "true") return { ok: true, value: true };
      if (raw === "false") return { ok: true, value: false };
      return { ok: false, reason: `${entry.name} must be "true" or "false"` };
    case "address": {
      const fault = addressFault(raw);
      return fault
        ? { ok: false, reason: `${entry.name} must be an address (xai1…; ${fault})` }
        : { ok: true, value: raw };
    }
    default: {
      if (raw.length > 30 || !DECIMAL_RE.test(raw))
        return { ok: false, reason: `${entry.name} must be a non-negative decimal integer` };
      const v = BigInt(raw);
      if ((entry.min !== undefined && v < entry.min) || (entry.max !== undefined && v > entry.max))
        return { ok: false, reason: `${entry.name} must be within [${entry.min}, ${entry.max}]` };
      return { ok: true, value: v };
    }
  }
}

/** True if `raw` is a non-negative canonical decimal integer (no sign, no leading zeros). */
export function isCanonicalDecimal(raw: string): boolean {
  return raw.length <= 30 && DECIMAL_RE.test(raw);
}
