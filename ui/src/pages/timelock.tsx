/** The timelock queue, the execution history and the fiat-unlock window. */
import { useJson, useNow } from "../data.js";
import { bps, duration, pct, xai } from "../format.js";
import { Bar, Facts, Loading, ProposalLink } from "../parts.js";
import { ChangesTable } from "./proposalStages.js";

interface Queued {
  id: string;
  number: number;
  title: string;
  kind: string;
  eta: number;
  execution_deadline: number;
}

export function TimelockPage() {
  const now = useNow();
  const { data, error } = useJson<{ height: number; queued: Queued[] }>("/governance/timelock");
  const { data: s } = useJson<{ block_time_ms: number }>("/status");
  if (!data) return <Loading error={error} />;
  const bt = s?.block_time_ms ?? 0;
  return (
    <section>
      <h1>Timelock queue</h1>
      {data.queued.length === 0 ? (
        <p>Nothing is queued.</p>
      ) : (
        <table data-testid="timelock">
          <thead>
            <tr>
              <th scope="col">Proposal</th>
              <th scope="col">Kind</th>
              <th scope="col">Eta (height)</th>
              <th scope="col">Executable</th>
              <th scope="col">Deadline</th>
            </tr>
          </thead>
          <tbody>
            {data.queued.map((q) => (
              <tr key={q.id} data-number={q.number}>
                <td>
                  <ProposalLink number={q.number}>
                    #{q.number} {q.title}
                  </ProposalLink>
                </td>
                <td>{q.kind}</td>
                <td>{q.eta}</td>
                <td>
                  {q.eta <= data.height
                    ? "now"
                    : `in ${q.eta - data.height} blocks (~${duration((q.eta - data.height) * bt)})`}
                </td>
                <td>{q.execution_deadline}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="muted" hidden>
        {now}
      </p>
    </section>
  );
}

interface HistoryEntry {
  seq: number;
  height: number;
  event: string;
  number: number;
  kind: string;
  error_code: string | null;
  target: string | null;
  changes: Array<{ space: string; key: string; before: string; after: string }>;
}

export function HistoryPage() {
  const { data, error } = useJson<{ entries: HistoryEntry[] }>("/governance/history?limit=100");
  if (!data) return <Loading error={error} />;
  return (
    <section>
      <h1>Execution history</h1>
      {data.entries.length === 0 && <p>Nothing was executed yet.</p>}
      <ol class="history" data-testid="history">
        {data.entries.map((e) => (
          <li key={e.seq} data-event={e.event} data-number={e.number}>
            <p>
              <strong>{e.event}</strong> of <ProposalLink number={e.number} /> ({e.kind}) at height {e.height}
              {e.error_code && ` — ${e.error_code}`}
              {e.target && (
                <>
                  {" "}
                  · target <ProposalLink id={e.target} />
                </>
              )}
            </p>
            <ChangesTable changes={e.changes} />
          </li>
        ))}
      </ol>
    </section>
  );
}

export function FiatPage() {
  const { data: f, error } = useJson<Record<string, string | number | boolean | null>>(
    "/governance/fiat-unlock/status",
  );
  if (!f) return <Loading error={error} />;
  const support = bps(String(f.support_power), String(f.voted_power));
  const turnout = bps(String(f.voted_power), String(f.supply));
  const h = Number(f.height);
  const start = Number(f.start_height);
  return (
    <section data-testid="fiat">
      <h1>Fiat unlock</h1>
      <p>
        {f.unlocked
          ? `Unlocked at height ${f.unlocked_height} (${f.unlock_reason})`
          : h < start
            ? `The vote opens at height ${start} (${start - h} blocks).`
            : "The vote is open."}
      </p>
      <Bar
        label="Turnout"
        value={turnout}
        text={`${pct(turnout)} (quorum ${pct(String(f.quorum_bps))})`}
        lines={[{ at: Number(f.quorum_bps), label: "quorum" }]}
      />
      <Bar
        label="Support"
        kind="yes"
        value={support}
        text={`${pct(support)} (needs ${pct(String(f.support_bps))})`}
        lines={[{ at: Number(f.support_bps), label: "support" }]}
      />
      <Facts
        rows={[
          ["Window opens", String(f.start_height)],
          ["Snapshot height", String(f.snapshot_height)],
          ["Automatic unlock", String(f.auto_unlock_height)],
          ["Voters", `${f.voters} (at least ${f.min_votes})`],
          ["Supply at snapshot", xai(String(f.supply))],
        ]}
      />
    </section>
  );
}
