/** Parameters, rules and features: type, bounds, default, current value, the proposal that last changed it. */
import { type RegistryEntry, useJson } from "../data.js";
import { Loading, ProposalLink } from "../parts.js";

interface Entry extends RegistryEntry {
  governable: boolean;
}
interface HistoryEntry {
  event: string;
  number: number;
  proposal_id: string;
  changes: Array<{ space: string; key: string }>;
}

function Table({
  title,
  entries,
  last,
}: {
  title: string;
  entries: Entry[];
  last: Map<string, HistoryEntry>;
}) {
  return (
    <section aria-labelledby={`reg-${title}`}>
      <h2 id={`reg-${title}`}>{title}</h2>
      <div class="scroll">
        <table data-testid={`registry-${title.toLowerCase()}`}>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Bounds</th>
              <th scope="col">Default</th>
              <th scope="col">Current</th>
              <th scope="col">Last changed by</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => {
              const h = last.get(e.name);
              return (
                <tr key={e.name} data-name={e.name}>
                  <th scope="row" title={e.description}>
                    <code>{e.name}</code>
                    {!e.governable && <span class="muted"> (not governable)</span>}
                  </th>
                  <td>{e.type}</td>
                  <td>{e.min === null ? "—" : `${e.min} … ${e.max}`}</td>
                  <td>{e.default}</td>
                  <td class={e.value !== e.default ? "changed" : ""} data-testid="current">
                    {e.value}
                  </td>
                  <td data-testid="last-changed">
                    {h ? (
                      <>
                        <ProposalLink number={h.number} /> ({h.event})
                      </>
                    ) : (
                      "genesis"
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function RegistryPage() {
  const { data: p, error } = useJson<{ params: Entry[]; rules: Entry[] }>("/governance/params");
  const { data: f } = useJson<{ features: Entry[] }>("/governance/features");
  const { data: h } = useJson<{ entries: HistoryEntry[] }>("/governance/history?limit=100");
  if (!p || !f) return <Loading error={error} />;
  // History is newest first: the first entry naming a key changed it last.
  const last = new Map<string, HistoryEntry>();
  for (const e of h?.entries ?? []) for (const c of e.changes) if (!last.has(c.key)) last.set(c.key, e);
  return (
    <section>
      <h1>Parameters, rules and features</h1>
      <Table title="Parameters" entries={p.params} last={last} />
      <Table title="Rules" entries={p.rules} last={last} />
      <Table title="Features" entries={f.features} last={last} />
    </section>
  );
}
