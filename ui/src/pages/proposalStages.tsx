/** A proposal's stage timeline with countdowns, its execution record and the CLI commands. */
import { useNow } from "../data.js";
import { duration, short, when } from "../format.js";
import { Command, ProposalLink } from "../parts.js";
import type { Proposal } from "./proposal.js";

const STAGES: Array<{ key: string; name: string; end: string; reachedBy: string }> = [
  { key: "voting", name: "Voting", end: "voting_end", reachedBy: "voting" },
  { key: "code_review", name: "Review", end: "review_end", reachedBy: "code_review" },
  {
    key: "implementation_vote",
    name: "Implementation",
    end: "implementation_end",
    reachedBy: "implementation_vote",
  },
  { key: "timelock", name: "Timelock", end: "eta", reachedBy: "queued" },
  { key: "execution_window", name: "Execution window", end: "execution_deadline", reachedBy: "queued" },
];

export function Timeline({ p }: { p: Proposal }) {
  const now = useNow();
  const t = p.timing;
  const reached = new Set(p.status_history.map((s) => s.status));
  const currentIdx = STAGES.findIndex((s) => s.key === t.stage);
  const executed = reached.has("executed");
  return (
    <section aria-labelledby="stages-h">
      <h2 id="stages-h">Stages</h2>
      {t.stage && t.blocks_left !== null && (
        <p class="countdown" data-testid="countdown" data-stage={t.stage} data-blocks-left={t.blocks_left}>
          <strong>{STAGES[currentIdx]?.name ?? t.stage}</strong> ends at height {t.stage_end_height}:{" "}
          <strong data-testid="blocks-left">{t.blocks_left}</strong> blocks left, about{" "}
          {duration((t.stage_end_time_ms ?? now) - now)} ({when(t.stage_end_time_ms)})
        </p>
      )}
      <ol class="timeline" data-testid="timeline">
        {STAGES.map((s, i) => {
          const state =
            i === currentIdx
              ? "current"
              : currentIdx >= 0
                ? i < currentIdx
                  ? "done"
                  : "upcoming"
                : reached.has(s.reachedBy) && (executed || i < STAGES.length - 1)
                  ? "done"
                  : "skipped";
          const end = p.heights[s.end];
          return (
            <li
              key={s.key}
              class={`stage ${state}`}
              data-stage={s.key}
              data-state={state}
              aria-current={state === "current" ? "step" : undefined}
            >
              <span class="stage-name">{s.name}</span>
              <span class="stage-state">{state}</span>
              <span class="stage-end">
                {end === null || end === undefined ? "—" : `ends at ${end}`}
                {end !== null && end !== undefined && ` · ${when(t.times_ms[s.end])}`}
              </span>
            </li>
          );
        })}
      </ol>
      <details>
        <summary>Status history</summary>
        <ol>
          {p.status_history.map((s) => (
            <li key={`${s.status}${s.height}`}>
              {s.status} at height {s.height}
            </li>
          ))}
        </ol>
      </details>
    </section>
  );
}

export function ExecutionRecord({ p }: { p: Proposal }) {
  const e = p.execution;
  return (
    <section aria-labelledby="exec-h">
      <h2 id="exec-h">Execution</h2>
      {!e ? (
        <p>Not executed{p.failure_code ? ` (failed: ${p.failure_code})` : ""}.</p>
      ) : (
        <div data-testid="execution" data-ok={String(e.ok)}>
          <p>
            {e.ok ? "Executed" : `Failed (${e.error_code})`} at height {e.height}, transaction{" "}
            <code title={e.tx_id}>{short(e.tx_id, 16)}</code>
          </p>
          <ChangesTable changes={e.changes} />
        </div>
      )}
      {p.rolled_back_by && (
        <p data-testid="rollback-link">
          Rolled back by proposal <ProposalLink id={p.rolled_back_by}>{p.rolled_back_by}</ProposalLink>
        </p>
      )}
      {p.kind === "rollback" && (
        <p data-testid="rollback-target">
          Target: <ProposalLink id={String(p.payload.target)}>{String(p.payload.target)}</ProposalLink>
        </p>
      )}
    </section>
  );
}

export function ChangesTable({
  changes,
}: {
  changes: Array<{ space: string; key: string; before: string; after: string }>;
}) {
  if (changes.length === 0) return <p class="muted">No key changed.</p>;
  return (
    <table class="changes" data-testid="changes">
      <thead>
        <tr>
          <th scope="col">Space</th>
          <th scope="col">Key</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((c) => (
          <tr key={`${c.space}/${c.key}`} data-key={c.key}>
            <td>{c.space}</td>
            <td>
              <code>{c.key}</code>
            </td>
            <td class="before">{c.before}</td>
            <td class="after">{c.after}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The commands a visitor could run now (signed on their machine with their key, never here). */
export function Commands({ p }: { p: Proposal }) {
  const node = `--node ${location.origin}`;
  const key = "--key <your-key-file>";
  const pr = `--proposal ${p.number}`;
  const cmds: Array<[string, string]> = [];
  const stage = p.timing.stage;
  if (stage === "voting")
    for (const o of ["yes", "no", "abstain"])
      cmds.push([`Vote ${o}`, `xai-gov tx vote ${pr} --option ${o} ${key} ${node}`]);
  if (stage === "code_review") {
    cmds.push(["Approve in review", `xai-gov tx review ${pr} --approve --comment "…" ${key} ${node}`]);
    cmds.push(["Reject in review", `xai-gov tx review ${pr} --reject --comment "…" ${key} ${node}`]);
  }
  if (stage === "implementation_vote")
    cmds.push([
      "Approve the implementation",
      `xai-gov tx implementation-vote ${pr} --approve ${key} ${node}`,
    ]);
  if (stage === "timelock" || stage === "execution_window")
    cmds.push([
      stage === "timelock" ? `Execute (from height ${p.heights.eta})` : "Execute",
      `xai-gov tx execute ${pr} ${key} ${node}`,
    ]);
  return (
    <section aria-labelledby="cmd-h">
      <h2 id="cmd-h">Take part</h2>
      {cmds.length === 0 ? (
        <p>No action is open on this proposal.</p>
      ) : (
        <div data-testid="commands">
          {cmds.map(([label, cmd]) => (
            <Command key={label} label={label} cmd={cmd} />
          ))}
        </div>
      )}
      <p class="muted">
        Query it:{" "}
        <code>
          xai-gov query proposal {p.number} {node}
        </code>
      </p>
    </section>
  );
}
