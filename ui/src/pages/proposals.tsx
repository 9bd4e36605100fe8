/** The proposals list: status, kind and number filters, title search, stage and time left per row. */
import { useEffect, useState } from "preact/hooks";
import { PROPOSAL_STATUSES } from "../../../src/governance/lifecycle.js";
import { type Json, useJson, useNow } from "../data.js";
import { duration, stageName } from "../format.js";
import { Loading, ProposalLink, Status } from "../parts.js";

// The chain's own list (a module without imports, so it bundles): no copy to fall out of step.
const STATUSES = PROPOSAL_STATUSES;
/** The performance mark of the list's first render with data. */
const FIRST_RENDER = "xai:first-render";
const ACTIVE = new Set(["voting", "code_review", "implementation_vote", "queued"]);

interface Summary {
  id: string;
  number: number;
  title: string;
  kind: string;
  status: string;
  proposer: string;
  submit_height: number;
}

/** The stage and the time left of an active proposal (its timing, read from its own route). */
function TimeLeft({ p }: { p: Summary }) {
  const now = useNow();
  const { data } = useJson<{ timing: Json }>(ACTIVE.has(p.status) ? `/governance/proposals/${p.id}` : null);
  if (!ACTIVE.has(p.status)) return <span class="muted">ended</span>;
  const t = data?.timing as { stage: string; blocks_left: number; stage_end_time_ms: number } | undefined;
  if (!t) return <span aria-busy="true">…</span>;
  return (
    <span data-testid="time-left">
      {stageName(t.stage)}: {t.blocks_left} blocks (~{duration(t.stage_end_time_ms - now)})
    </span>
  );
}

export function ProposalsPage() {
  const [status, setStatus] = useState("");
  const [kind, setKind] = useState("");
  const [search, setSearch] = useState("");
  const [number, setNumber] = useState("");
  const [limit, setLimit] = useState(50);
  const { data, error } = useJson<{ proposals: Summary[]; next_cursor: number | null }>(
    `/governance/proposals?limit=${limit}${status ? `&status=${status}` : ""}`,
  );
  const all = data?.proposals ?? [];
  // The first render with data, for scripts/uiBench.ts (a performance mark; nothing is sent anywhere).
  useEffect(() => {
    if (data && performance.getEntriesByName(FIRST_RENDER).length === 0) performance.mark(FIRST_RENDER);
  }, [data]);
  const kinds = [...new Set(all.map((p) => p.kind))].sort();
  const q = search.trim().toLowerCase();
  const rows = all.filter(
    (p) =>
      (!kind || p.kind === kind) &&
      (!q || p.title.toLowerCase().includes(q)) &&
      (!number || String(p.number) === number.trim()),
  );
  return (
    <section>
      <h1>Proposals</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter proposals">
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)} name="status">
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {stageName(s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.currentTarget.value)} name="kind">
            <option value="">any</option>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label>
          Number
          <input
            name="number"
            inputMode="numeric"
            size={6}
            value={number}
            onInput={(e) => setNumber(e.currentTarget.value)}
          />
        </label>
        <label>
          Title
          <input
            name="search"
            type="search"
            placeholder="search titles"
            value={search}
            onInput={(e) => setSearch(e.currentTarget.value)}
          />
        </label>
      </form>
      {!data ? (
        <Loading error={error} />
      ) : rows.length === 0 ? (
        <p>No proposal matches.</p>
      ) : (
        <div class="scroll">
          <table data-testid="proposals">
            <caption class="sr-only">Proposals, newest first</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Title</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col">Stage and time left</th>
                <th scope="col">Submitted at</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((p) => (
                <tr key={p.id} data-number={p.number}>
                  <td>
                    <ProposalLink number={p.number} />
                  </td>
                  <td>
                    <ProposalLink number={p.number}>{p.title}</ProposalLink>
                  </td>
                  <td>{p.kind}</td>
                  <td>
                    <Status status={p.status} />
                  </td>
                  <td>
                    <TimeLeft p={p} />
                  </td>
                  <td>{p.submit_height}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data?.next_cursor !== null && data?.next_cursor !== undefined && (
        <button type="button" onClick={() => setLimit(limit + 50)}>
          Show more
        </button>
      )}
    </section>
  );
}
