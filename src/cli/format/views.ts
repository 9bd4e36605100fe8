/** Readable output of the queries (without `--json`); `--json` prints the route's JSON unchanged. */
import { fields, isoTime, table } from "./table.js";
import { formatXai } from "./units.js";

type Json = Record<string, unknown>;
const s = (v: unknown): string => (v === null || v === undefined ? "-" : String(v));

/** `query account`: the balance in XAI with its base units. */
export function formatAccount(a: Json): string {
  return fields([
    ["address", s(a.address)],
    ["balance", `${formatXai(String(a.balance))} (${s(a.balance)} units)`],
    ["nonce", s(a.nonce)],
    ["next nonce", s(a.next_nonce)],
    ["pending txs", s(a.pending_txs)],
  ]);
}

/** `query proposals`: one row per proposal, and the next page's cursor. */
export function formatProposals(r: { proposals: Json[]; next_cursor: number | null }): string {
  if (r.proposals.length === 0) return "no proposals";
  const rows = r.proposals.map((p) => [
    s(p.number),
    s(p.status),
    s(p.kind),
    s(p.voting_end),
    s(p.eta),
    s(p.title),
  ]);
  const out = table(["#", "STATUS", "KIND", "VOTING END", "ETA", "TITLE"], rows);
  return r.next_cursor === null ? out : `${out}\nmore: --cursor ${r.next_cursor}`;
}

/** `query proposal`: its stage, blocks left and estimated end time (the route's `timing`), tally. */
export function formatProposal(p: Json): string {
  const t = (p.timing ?? {}) as Json;
  const tally = (p.tally ?? {}) as Json;
  const stage =
    t.stage === null || t.stage === undefined
      ? `${s(p.status)} (final)`
      : `${s(t.stage)}: ends at height ${s(t.stage_end_height)}, ${s(t.blocks_left)} blocks left, about ${isoTime(t.stage_end_time_ms as number)}`;
  const times = (t.times_ms ?? {}) as Record<string, number | null>;
  const heights = (p.heights ?? {}) as Record<string, number | null>;
  const rows = Object.keys(times).map((k) => [k, s(heights[k]), isoTime(times[k])]);
  return [
    fields([
      ["proposal", `#${s(p.number)} ${s(p.id)}`],
      ["title", s(p.title)],
      ["kind", s(p.kind)],
      ["status", s(p.status)],
      ["stage", stage],
      ["height", s(t.current_height)],
      ["deposit", formatXai(String(p.deposit ?? "0"))],
      [
        "tally",
        `yes ${s(tally.yes)}, no ${s(tally.no)}, abstain ${s(tally.abstain)} (${s(tally.voters)} voters)`,
      ],
    ]),
    table(["STAGE END", "HEIGHT", "ESTIMATED TIME (UTC)"], rows),
  ].join("\n\n");
}

/** `query validators`: the set in force and pending changes. */
export function formatValidators(v: { height: number; validators: Json[]; pending: Json[] }): string {
  const set = table(
    ["ADDRESS", "PUBLIC KEY"],
    v.validators.map((x) => [s(x.address), s(x.public_key)]),
  );
  const pending = v.pending.length
    ? table(
        ["PENDING", "ADDRESS", "ACTIVATION"],
        v.pending.map((x) => [s(x.action), s(x.address), s(x.activation_height)]),
      )
    : "no pending changes";
  return `validators at height ${v.height}\n${set}\n\n${pending}`;
}

/** `query params`: every parameter and rule with its value, bounds and default. */
export function formatParams(r: { params: Json[]; rules: Json[] }): string {
  const row = (e: Json) => [s(e.name), s(e.value), s(e.type), `${s(e.min)} … ${s(e.max)}`, s(e.default)];
  const head = ["NAME", "VALUE", "TYPE", "BOUNDS", "DEFAULT"];
  return `parameters\n${table(head, r.params.map(row))}\n\nrules\n${table(head, r.rules.map(row))}`;
}
