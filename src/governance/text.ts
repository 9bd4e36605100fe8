/**
 * Consensus strings (SPEC v2 §2, review U1): titles, descriptions, comments, reasons and purposes
 * are judged byte by byte. A string must be valid UTF-8 (as a JavaScript string: no lone
 * surrogate, which no valid UTF-8 decodes to), its length is its UTF-8 byte count, and "empty" or
 * "trimmed" means ASCII whitespace only (tab, LF, VT, FF, CR, space: C's `isspace`). Nothing here
 * uses `String.prototype.trim`, `\s` or any other rule that follows the engine's Unicode tables
 * (U+180E left the whitespace set in Unicode 6.3; U+00A0 and U+3000 are not blank here).
 */
import { xaiError } from "../errors.js";
import { GovErrorCode } from "./errors.js";

/** Text limits of governance transactions, in UTF-8 bytes. */
export const TEXT_LIMITS = {
  /** Proposal title: 1..140 bytes, not only ASCII whitespace. */
  title: 140,
  /** Proposal description: 0..10,000 bytes. */
  description: 10_000,
  /** Code review comment: 0..2,000 bytes. */
  comment: 2_000,
  /** Fiat-unlock reason: 0..500 bytes. */
  reason: 500,
  /** Treasury allocation purpose: 0..500 bytes. */
  purpose: 500,
  /** Upgrade plan info (release notes URL and the release's sha256): 0..1,000 bytes (v2). */
  upgrade_info: 1_000,
} as const;

/** True for the six ASCII whitespace code units (tab, LF, VT, FF, CR, space). */
export function isAsciiWhitespace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

/** `s` without leading and trailing ASCII whitespace (never any other character). */
export function trimAscii(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isAsciiWhitespace(s.charCodeAt(start))) start++;
  while (end > start && isAsciiWhitespace(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

/** True if `s` is empty or only ASCII whitespace. */
export function isBlank(s: string): boolean {
  return trimAscii(s).length === 0;
}

/**
 * UTF-8 byte length of `s`, or undefined if `s` is not valid Unicode text (a lone surrogate: the
 * decoder carried bytes that are not valid UTF-8). Counted by code unit, with no engine tables.
 */
export function utf8ByteLength(s: string): number | undefined {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (d < 0xdc00 || d > 0xdfff) return undefined;
      n += 4;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return undefined;
    else n += 3;
  }
  return n;
}

/** UTF-8 byte length of a consensus string `what`; GOV_INVALID_UTF8 if it is not valid UTF-8. */
export function validUtf8Length(s: string, what: keyof typeof TEXT_LIMITS): number {
  const length = utf8ByteLength(s);
  if (length === undefined) throw xaiError(GovErrorCode.INVALID_UTF8, `${what} is not valid UTF-8`, { what });
  return length;
}

/** Throws `code` if a string of `length` bytes is longer than the limit of `what`. */
export function checkTextLength(length: number, what: keyof typeof TEXT_LIMITS, code: GovErrorCode): void {
  const limit = TEXT_LIMITS[what];
  if (length > limit) throw xaiError(code, `${what} longer than ${limit} bytes`, { length, limit });
}

/** Checks one consensus string: valid UTF-8 (GOV_INVALID_UTF8), at most the limit of `what` in bytes (`code`). */
export function checkText(s: string, what: keyof typeof TEXT_LIMITS, code: GovErrorCode): void {
  checkTextLength(validUtf8Length(s, what), what, code);
}
