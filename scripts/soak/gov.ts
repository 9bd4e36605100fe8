/**
 * The governance flow of the soak, driven over HTTP across kills and restarts: one proposal at a
 * time (a protocol_parameter change of max_block_txs, a new value each), submitted by dev:0,
 * voted yes by dev:1..4 (40 % of the supply, above the 33.4 % quorum), reviewed by dev:5 and
 * dev:6, approved for implementation by enough of the yes voters, executed by dev:9 at its eta
 * (the test preset's periods: 5 blocks each, a timelock of 3). Each call to `tick` reads the
 * proposal and sends what its status still lacks; a transaction lost with the mempool at a kill is
 * sent again. A final status ends the proposal and the next one starts.
 */
import type { ProposalJson } from "../../harness/gov.js";
import { dev, payloads } from "../../harness/txs.js";
import type { Payload } from "../../src/types/tx.js";
import type { NodeClient } from "./client.js";
import type { Tracker } from "./load.js";

/** The parameter the proposals change (harmless at its range: most transactions in a block). */
export const PARAM = "max_block_txs";
const VOTERS = [1, 2, 3, 4];
const REVIEWERS = [5, 6];
const FINAL = new Set(["executed", "rejected", "cancelled", "failed", "expired", "rolled_back"]);

/** How one proposal ended. */
export interface GovOutcome {
  number: number;
  id: string;
  value: string;
  status: string;
  /** Heights of each status reached (the proposal's status_history). */
  history: Array<{ status: string; height: number }>;
  /** The parameter's value right after execution (equal to `value` when executed). */
  paramAfter: string | null;
  /** Submissions sent (more than 1: a submission lost with the mempool at a kill). */
  submits: number;
}

interface Flow {
  number: number;
  value: string;
  id: string | null;
  submitTx: string | null;
  submits: number;
  status: string;
  /** Step name ("vote 1", "review 5", "implement 2", "execute") → tx id. */
  steps: Map<string, string>;
}

export class GovDriver {
  readonly outcomes: GovOutcome[] = [];
  private flow: Flow | null = null;
  private draining = false;

  constructor(private readonly tracker: Tracker) {}

  /** The proposal in flight (null before the first tick). */
  get current(): { number: number; id: string | null; status: string } | null {
    return this.flow;
  }

  /** Executed proposals. */
  get executed(): GovOutcome[] {
    return this.outcomes.filter((o) => o.status === "executed");
  }

  /** Submits no new proposal from now on (the one in flight goes on to its end). */
  drain(): void {
    this.draining = true;
  }

  /** One step of the flow against the node at head `height`. */
  async tick(c: NodeClient, height: number): Promise<void> {
    if (!this.flow) this.flow = this.next();
    const f = this.flow;
    if (this.draining && f.id === null) return;
    if (f.id === null || this.tracker.fate(f.submitTx!) === "gone") {
      const action = { kind: "protocol_parameter" as const, name: PARAM, value: f.value };
      const r = await c.send(dev(0), payloads.propose(action, `soak ${f.number}: ${PARAM} ${f.value}`));
      if (!r.ok) return;
      this.tracker.add(r.id, "SUBMIT_PROPOSAL");
      Object.assign(f, { id: r.proposalId!, submitTx: r.id, submits: f.submits + 1, status: "pending" });
      f.steps.clear();
      return;
    }
    const a = await c.get<ProposalJson>(`/governance/proposals/${f.id}`);
    if (a.status !== 200) return; // not yet included
    const p = a.body;
    f.status = p.status;
    // Each stage's transactions are sent at once (one account each): a stage lasts 5 blocks, 0.5 s.
    const all = (steps: Array<Promise<void>>) => Promise.all(steps);
    const id = f.id;
    if (p.status === "voting")
      await all(VOTERS.map((n) => this.step(c, f, `vote ${n}`, n, payloads.vote(id, "yes"))));
    else if (p.status === "code_review")
      await all(REVIEWERS.map((n) => this.step(c, f, `review ${n}`, n, payloads.review(id, true))));
    else if (p.status === "implementation_vote") {
      const who = await this.implementers(c, p);
      await all(who.map((n) => this.step(c, f, `implement ${n}`, n, payloads.implementationVote(id, true))));
    } else if (p.status === "queued") {
      // The mempool checks against the next block: eta <= head + 1.
      if (p.eta !== null && height >= p.eta - 1) await this.step(c, f, "execute", 9, payloads.execute(f.id));
    } else if (FINAL.has(p.status)) await this.finish(c, f, p);
  }

  /** Sends a step's transaction unless one was accepted and is not gone. */
  private async step(c: NodeClient, f: Flow, name: string, who: number, payload: Payload): Promise<void> {
    const sent = f.steps.get(name);
    if (sent !== undefined && this.tracker.fate(sent) !== "gone") return;
    const r = await c.send(dev(who), payload);
    if (!r.ok) return;
    f.steps.set(name, r.id);
    this.tracker.add(r.id, payload.type);
  }

  /** As few yes voters as reach the required power (a later approval is invalid once queued), as harness/gov.ts does. */
  private async implementers(c: NodeClient, p: ProposalJson): Promise<number[]> {
    const required = BigInt(p.implementation.required_power);
    type Votes = { votes: Array<{ voter: string; counted_power: string }> };
    const votes = await c.get200<Votes>(`/governance/proposals/${p.id}/votes?limit=100`);
    const counted = new Map(votes.votes.map((v) => [v.voter, BigInt(v.counted_power)]));
    const out: number[] = [];
    let power = 0n;
    for (const n of VOTERS) {
      if (power >= required) break;
      out.push(n);
      power += counted.get(dev(n).address) ?? 0n;
    }
    return out;
  }

  /**
   * Records a final status and starts the next proposal. Throws if the outcome is not the one the
   * votes decide: a proposal all of whose yes votes (or approving reviews) were included before the
   * end of its voting (review) stage must not be rejected there, and an executed one must have set
   * the parameter.
   */
  private async finish(c: NodeClient, f: Flow, p: ProposalJson): Promise<void> {
    let paramAfter: string | null = null;
    if (p.status === "executed") {
      type Params = { params: Array<{ name: string; value: string }> };
      paramAfter = (await c.get200<Params>("/governance/params")).params.find((e) => e.name === PARAM)!.value;
      if (paramAfter !== f.value)
        throw new Error(`proposal ${f.number} executed but ${PARAM} is ${paramAfter}, not ${f.value}`);
    }
    const stage = p.status_history.at(-2)?.status;
    const check =
      stage === "voting"
        ? { step: "vote", who: VOTERS, end: p.heights.voting_end }
        : stage === "code_review"
          ? { step: "review", who: REVIEWERS, end: p.heights.review_end }
          : null;
    if (p.status === "rejected" && check) {
      const heights = check.who.map((n) => this.tracker.heightOf(f.steps.get(`${check.step} ${n}`) ?? ""));
      if (heights.every((h) => h !== undefined && h < check.end))
        throw new Error(
          `proposal ${f.number} (${f.id}) rejected in ${stage} although every ${check.step} was in by ${check.end}: ${heights}`,
        );
    }
    this.outcomes.push({
      number: f.number,
      id: f.id!,
      value: f.value,
      status: p.status,
      history: p.status_history,
      paramAfter,
      submits: f.submits,
    });
    this.flow = this.next();
  }

  private next(): Flow {
    const number = this.outcomes.length + 1;
    // Values 2,001, 2,002, ... (the range is 10..20,000; the default 2,000).
    const value = String(2_000 + (number % 18_000));
    return { number, value, id: null, submitTx: null, submits: 0, status: "new", steps: new Map() };
  }
}
