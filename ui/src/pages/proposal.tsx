/**
 * One proposal: the change it makes, the tally against its thresholds, the stage timeline with
 * countdowns, reviews and implementation approvals, the votes, the execution record and the CLI
 * commands a visitor could run. Refetched on every head / governance event (live).
 */
import { type RegistryEntry as Entry, type Json, useJson } from "../data.js";
import { bps, pct, xai } from "../format.js";
import { Bar, Facts, Loading, ProposalLink, Status } from "../parts.js";
import { Commands, ExecutionRecord, Timeline } from "./proposalStages.js";
import { Approvals, Votes } from "./proposalVotes.js";

export interface Proposal {
  id: string;
  number: number;
  title: string;
  description: string;
  kind: string;
  status: string;
  proposer: string;
  payload: Record<string, unknown>;
  deposit: string;
  heights: Record<string, number | null>;
  status_history: Array<{ status: string; height: number }>;
  snapshot_supply: string;
  tally: Record<string, string | boolean>;
  review: Record<string, string>;
  implementation: Record<string, string>;
  rules: Record<string, string>;
  execution: {
    height: number;
    tx_id: string;
    ok: boolean;
    error_code: string | null;
    changes: Array<{ space: string; key: string; before: string; after: string }>;
  } | null;
  failure_code: string | null;
  rolled_back_by: string | null;
  timing: {
    current_height: number;
    block_time_ms: number;
    stage: string | null;
    stage_end_height: number | null;
    blocks_left: number | null;
    stage_end_time_ms: number | null;
    times_ms: Record<string, number | null>;
  };
}

/** The registry entry a registry kind sets, and the value it sets it to. */
function registryTarget(p: Proposal): { space: string; name: string; value: string } | null {
  const f = p.payload;
  if (p.kind === "protocol_parameter")
    return { space: "params", name: String(f.name), value: String(f.value) };
  if (p.kind === "governance_rule") return { space: "rules", name: String(f.rule), value: String(f.value) };
  if (p.kind === "feature_activation")
    return { space: "features", name: String(f.feature), value: String(f.enabled) };
  return null;
}

function Change({ p }: { p: Proposal }) {
  const target = registryTarget(p);
  const { data: params } = useJson<{ params: Entry[]; rules: Entry[] }>(target ? "/governance/params" : null);
  const { data: feats } = useJson<{ features: Entry[] }>(
    target?.space === "features" ? "/governance/features" : null,
  );
  if (p.kind === "rollback") {
    const t = String(p.payload.target);
    return (
      <p data-testid="change">
        Rolls back proposal <ProposalLink id={t}>{t}</ProposalLink>: restores every value its execution
        changed.
      </p>
    );
  }
  if (!target)
    return (
      <Facts
        testid="change"
        rows={Object.entries(p.payload).map(([k, v]) => [
          k,
          <code key={k}>{typeof v === "string" ? v : JSON.stringify(v)}</code>,
        ])}
      />
    );
  const list =
    target.space === "features" ? feats?.features : target.space === "rules" ? params?.rules : params?.params;
  const e = list?.find((x) => x.name === target.name);
  const before = p.execution?.changes.find((c) => c.key === target.name)?.before;
  return (
    <div data-testid="change" class="change">
      <p>
        Sets <code>{target.name}</code>{" "}
        <span class="muted">
          ({target.space === "features" ? "feature" : target.space === "rules" ? "rule" : "parameter"})
        </span>
      </p>
      <p class="arrow">
        <span data-testid="change-current" title="value now">
          {before ?? e?.value ?? "…"}
        </span>
        <span class="sr-only"> to </span>
        <span aria-hidden="true"> → </span>
        <strong data-testid="change-new">{target.value}</strong>
      </p>
      {e && (
        <p class="muted">
          type {e.type}
          {e.min !== null && `, bounds ${e.min} … ${e.max}`}, default {e.default}
          {e.type === "amount" && ` (${xai(target.value)})`}
        </p>
      )}
    </div>
  );
}

function Tally({ p }: { p: Proposal }) {
  const t = p.tally as Record<string, string>;
  const quorum = Number(p.rules.quorum_bps ?? 0);
  const approval = Number(p.rules.approval_bps ?? 0);
  const minVoters = p.rules.min_voters ?? "?";
  const part = bps(t.participation!, p.snapshot_supply);
  const decided = (BigInt(t.yes!) + BigInt(t.no!)).toString();
  const yesShare = bps(t.yes!, decided);
  return (
    <section aria-labelledby="tally-h">
      <h2 id="tally-h">Tally</h2>
      <div
        data-testid="tally"
        data-yes={t.yes}
        data-no={t.no}
        data-abstain={t.abstain}
        data-voters={t.voters}
      >
        <Bar
          label="Yes"
          kind="yes"
          value={bps(t.yes!, t.participation!)}
          text={`${xai(t.yes)}`}
          testid="bar-yes"
        />
        <Bar
          label="No"
          kind="no"
          value={bps(t.no!, t.participation!)}
          text={`${xai(t.no)}`}
          testid="bar-no"
        />
        <Bar
          label="Abstain"
          kind="abstain"
          value={bps(t.abstain!, t.participation!)}
          text={`${xai(t.abstain)}`}
          testid="bar-abstain"
        />
        <Bar
          label="Participation"
          value={part}
          text={`${pct(part)} of supply (quorum ${pct(quorum)})`}
          lines={[{ at: quorum, label: "quorum" }]}
          testid="bar-participation"
        />
        <Bar
          label="Approval"
          kind="yes"
          value={yesShare}
          text={`${pct(yesShare)} yes of yes+no (needs ${pct(approval)})`}
          lines={[{ at: approval, label: "approval" }]}
          testid="bar-approval"
        />
      </div>
      <p data-testid="voters">
        <strong>{String(t.voters)}</strong> voters of {minVoters} required ·{" "}
        {p.tally.quorum_reached ? "quorum reached" : "no quorum yet"} ·{" "}
        {p.tally.approved ? "approved" : "not approved"}
      </p>
    </section>
  );
}

export function ProposalPage({ ref_ }: { ref_: string }) {
  const { data: p, error } = useJson<Proposal>(`/governance/proposals/${encodeURIComponent(ref_)}`);
  if (!p) return <Loading error={error} />;
  return (
    <article data-testid="proposal" data-status={p.status}>
      <p>
        <a href="#/proposals">← All proposals</a>
      </p>
      <h1>
        #{p.number} {p.title}
      </h1>
      <p>
        <Status status={p.status} /> <span class="kind">{p.kind}</span>
        {p.rolled_back_by && (
          <span data-testid="rolled-back-by">
            {" "}
            · rolled back by <ProposalLink id={p.rolled_back_by} />
          </span>
        )}
      </p>
      <Facts
        rows={[
          ["Proposer", <code key="p">{p.proposer}</code>],
          ["Id", <code key="i">{p.id}</code>],
          ["Deposit", xai(p.deposit)],
          ["Submitted at height", String(p.heights.submitted)],
        ]}
      />
      {p.description && <p class="description">{p.description}</p>}
      <section aria-labelledby="change-h">
        <h2 id="change-h">Change</h2>
        <Change p={p} />
      </section>
      <Tally p={p} />
      <Timeline p={p} />
      <Approvals p={p} />
      <ExecutionRecord p={p} />
      <Commands p={p} />
      <Votes p={p} />
    </article>
  );
}
export type { Json };
