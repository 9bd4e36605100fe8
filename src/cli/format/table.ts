/** Plain-text tables and key/value lists for the CLI's readable output (no colours, no width guess). */

/** Columns padded to their widest cell, separated by two spaces; trailing spaces trimmed. */
export function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  return all
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** `key: value` lines, keys padded to the longest. */
export function fields(pairs: Array<[string, string]>): string {
  const w = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(w + 1)} ${v}`).join("\n");
}

/** A millisecond timestamp as ISO 8601 UTC to the second (`2026-12-01T22:00:00Z`), or `-`. */
export function isoTime(ms: number | null | undefined): string {
  return typeof ms === "number" ? `${new Date(ms).toISOString().slice(0, 19)}Z` : "-";
}
