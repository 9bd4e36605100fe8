import { Counter, Gauge } from "prom-client";
import { EMERGENCY_ACTIONS } from "../governance/kinds/emergencyAction.js";
import { PROPOSAL_KINDS } from "../governance/kinds/index.js";
import { PROPOSAL_STATUSES } from "../governance/lifecycle.js";
import { proposalCounts, timelockDepth } from "../governance/queries.js";
import { upgradePlan } from "../governance/upgrade/plan.js";
import type { ChainEvent } from "../state-transition/module.js";
import type { StateReader } from "../state-transition/stateStore.js";
import type { NodeMetrics } from "./nodeMetrics.js";

/** The `xai_governance_*` metrics (SPEC §4.6). Gauges read state at scrape time; counters count events. */
export class GovernanceMetrics {
  readonly votes: Counter<"option">;
  readonly executions: Counter<"kind" | "result">;
  readonly emergencyActions: Counter<"action">;
  readonly rejectedTxs: Counter<"code">;
  readonly submitted: Counter<"kind">;
  readonly statusChanges: Counter<"to">;

  constructor(metrics: NodeMetrics, state: () => StateReader) {
    const registers = [metrics.registry];
    new Gauge({
      name: "xai_governance_proposals",
      help: "Proposals by kind and status (from counters kept in state, at scrape time)",
      labelNames: ["kind", "status"],
      registers,
      async collect() {
        this.reset();
        for (const { kind, status, count } of await proposalCounts(state()))
          this.set({ kind, status }, count);
      },
    });
    new Gauge({
      name: "xai_governance_timelock_queue_depth",
      help: "Queued proposals waiting for execution",
      registers,
      async collect() {
        this.set(await timelockDepth(state()));
      },
    });
    new Gauge({
      name: "xai_governance_upgrade_plan_height",
      help: "Height of the pending software upgrade plan (0: none), at scrape time",
      registers,
      async collect() {
        this.set((await upgradePlan.get(state()))?.height ?? 0);
      },
    });
    this.submitted = new Counter({
      name: "xai_governance_proposals_submitted_total",
      help: "Proposals submitted, by kind",
      labelNames: ["kind"],
      registers,
    });
    this.statusChanges = new Counter({
      name: "xai_governance_proposal_status_changes_total",
      help: "Proposal status changes, by new status",
      labelNames: ["to"],
      registers,
    });
    this.votes = new Counter({
      name: "xai_governance_votes_total",
      help: "Votes cast, by option",
      labelNames: ["option"],
      registers,
    });
    this.executions = new Counter({
      name: "xai_governance_executions_total",
      help: "Executions by kind and result (executed, failed)",
      labelNames: ["kind", "result"],
      registers,
    });
    this.emergencyActions = new Counter({
      name: "xai_governance_emergency_actions_total",
      help: "Emergency actions executed, by action",
      labelNames: ["action"],
      registers,
    });
    this.rejectedTxs = new Counter({
      name: "xai_governance_rejected_txs_total",
      help: "Governance transactions refused by the API, by GOV_* error code (gossip refusals: xai_chain_gossip_results_total)",
      labelNames: ["code"],
      registers,
    });
    // Every known label value starts at 0, so a rate or an alert sees the first event.
    for (const kind of PROPOSAL_KINDS) {
      this.submitted.inc({ kind }, 0);
      for (const result of ["executed", "failed"]) this.executions.inc({ kind, result }, 0);
    }
    for (const to of PROPOSAL_STATUSES) this.statusChanges.inc({ to }, 0);
    for (const option of ["yes", "no", "abstain"]) this.votes.inc({ option }, 0);
    for (const action of EMERGENCY_ACTIONS) this.emergencyActions.inc({ action }, 0);
  }

  /** Counts the governance events of a new block. */
  observe(events: ChainEvent[]): void {
    for (const e of events) {
      const a = e.attributes;
      if (e.type === "proposal_submitted") this.submitted.inc({ kind: a.kind ?? "unknown" });
      else if (e.type === "proposal_status") this.statusChanges.inc({ to: a.to ?? "unknown" });
      else if (e.type === "vote_cast") this.votes.inc({ option: a.option ?? "unknown" });
      else if (e.type === "proposal_executed")
        this.executions.inc({ kind: a.kind ?? "unknown", result: "executed" });
      else if (e.type === "execution_failed")
        this.executions.inc({ kind: a.kind ?? "unknown", result: "failed" });
      else if (e.type === "emergency_action") this.emergencyActions.inc({ action: a.action ?? "unknown" });
    }
  }
}
