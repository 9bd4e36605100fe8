/** Sum of a Prometheus counter or gauge over the label sets that `filter` accepts. */
export function metricTotal(
  text: string,
  name: string,
  filter: (labels: string) => boolean = () => true,
): number {
  let total = 0;
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m && m[1] === name && filter(m[2] ?? "")) total += Number(m[3]);
  }
  return total;
}

/** Label values of `label` among the lines of metric `name` that `filter` accepts. */
export function metricLabels(
  text: string,
  name: string,
  label: string,
  filter: (labels: string) => boolean = () => true,
): string[] {
  const out = new Set<string>();
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name || !filter(m[2] ?? "")) continue;
    const v = new RegExp(`${label}="([^"]*)"`).exec(m[2] ?? "")?.[1];
    if (v !== undefined) out.add(v);
  }
  return [...out].sort();
}
