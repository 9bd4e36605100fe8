/**
 * Text limits of governance transactions, in UTF-16 code units (JavaScript `.length`): a character
 * outside the Basic Multilingual Plane (an emoji) counts as two. Checked at consensus, so every
 * node must count the same way; the encoded transaction is separately bounded by `max_tx_bytes`.
 */
export const TEXT_LIMITS = {
  /** Proposal title: 1..140 (not empty or only whitespace). */
  title: 140,
  /** Proposal description: 0..10,000. */
  description: 10_000,
  /** Code review comment: 0..2,000. */
  comment: 2_000,
  /** Fiat-unlock vote reason: 0..500. */
  reason: 500,
  /** Treasury allocation purpose: 0..500. */
  purpose: 500,
} as const;
