/**
 * Drives planned proposals through their lifecycle while nodes die and links are cut. Unlike
 * harness/gov.ts's `runLifecycle`, which waits on every node in turn, it polls: every round it
 * asks each running node for the proposal and (re)submits to that node whatever the node's view
 * still lacks (the submission, the votes, reviews, implementation votes, the execution at eta),
 * the same signed bytes each time. It stops when every answering node reports the same final
 * status, or at its deadline. Signing and payloads are harness/txs.ts's.
 */

import { isRemoteError } from "../../src/cli/errors.js";
import { proposalIdOf } from "../../src/governance/proposalId.js";
import type { Payload } from "../../src/types/tx.js";
import type { Cluster } from "../cluster.js";
import { type ProposalJson, proposal } from "../gov.js";
import { dev, payloads, routeOf, type SignedTx, signTx } from "../txs.js";
import type { PlannedProposal } from "./schedule.js";

const FINAL = new Set(["executed", "rejected", "cancelled", "failed", "expired", "rolled_back"]);
const PROPOSER = 0;
const VOTERS = [1, 2, 3, 4];
const REVIEWERS = [5, 6];
const EXECUTOR = 9;

/** What the driver saw of one proposal. */
export interface DriveResult {
  id: string;
  /** The final status every answering node agreed on, or null at the deadline. */
  status: string | null;
  /** Submissions per transaction kind (resubmissions included) and refusals by code. */
  submissions: number;
  refusals: Record<string, number>;
  durationMs: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The lifecycle driver of one cluster (one chain: nonces are read from the nodes). */
export class GovDriver {
  private readonly signed = new Map<string, SignedTx>();
  private submissions = 0;
  private refusals: Record<string, number> = {};

  constructor(
    private readonly c: Cluster,
    private readonly chainId: string,
    private readonly fee: bigint,
    private readonly log: (m: string) => void,
  ) {}

  /** Highest next nonce any running node reports for dev:n (it counts pending transactions). */
  private async nonce(n: number): Promise<bigint> {
    const answers = await Promise.all(
      this.c.alive.map((i) =>
        this.c.get<{ next_nonce: string }>(i, `/accounts/${dev(n).address}`).then(
          (a) => BigInt(a.next_nonce),
          () => -1n,
        ),
      ),
    );
    let best = -1n;
    for (const a of answers) if (a > best) best = a;
    if (best < 0n) throw new Error("no node answers");
    return best;
  }

  /** The signed transaction `key` (signed once, at first need). */
  private async tx(key: string, n: number, payload: Payload): Promise<SignedTx> {
    let t = this.signed.get(key);
    if (!t) {
      t = signTx(dev(n), payload, { chainId: this.chainId, nonce: await this.nonce(n), fee: this.fee });
      this.signed.set(key, t);
    }
    return t;
  }

  /** Submits `t` to node i unless node i has included it. */
  private async ensure(i: number, t: SignedTx, payload: Payload): Promise<void> {
    if (await this.c.receipt(i, t.id)) return;
    this.submissions++;
    const r = await this.c.submit(i, t.bytes, routeOf(payload));
    if (!r.ok) this.refusals[r.code] = (this.refusals[r.code] ?? 0) + 1;
  }

  /** Brings node i's view of the proposal one step on. */
  private async step(
    i: number,
    k: number,
    plan: PlannedProposal,
    submit: SignedTx,
    p: ProposalJson | undefined,
  ) {
    const action = { kind: "protocol_parameter" as const, name: plan.name, value: plan.value };
    const propose = payloads.propose(action, `chaos ${k}: ${plan.name} = ${plan.value}`);
    if (!p) return this.ensure(i, submit, propose);
    const id = p.id;
    if (p.status === "voting")
      for (const [v, n] of VOTERS.entries()) {
        const pay = payloads.vote(id, plan.votes[v]!);
        await this.ensure(i, await this.tx(`${id}:vote:${n}`, n, pay), pay);
      }
    else if (p.status === "code_review")
      for (const n of REVIEWERS) {
        const pay = payloads.review(id, true);
        await this.ensure(i, await this.tx(`${id}:review:${n}`, n, pay), pay);
      }
    else if (p.status === "implementation_vote") {
      // Only as many approvals as the required power needs (a later one is invalid and dropped).
      const required = BigInt(p.implementation.required_power);
      const yes = VOTERS.filter((_, v) => plan.votes[v] === "yes");
      const per = await this.c.get<{ votes: Array<{ voter: string; counted_power: string }> }>(
        i,
        `/governance/proposals/${id}/votes?limit=100`,
      );
      const power = new Map(per.votes.map((v) => [v.voter, BigInt(v.counted_power)]));
      let sum = 0n;
      for (const n of yes) {
        if (sum >= required) break;
        sum += power.get(dev(n).address) ?? 0n;
        const pay = payloads.implementationVote(id, true);
        await this.ensure(i, await this.tx(`${id}:impl:${n}`, n, pay), pay);
      }
    } else if (p.status === "queued" && p.eta !== null) {
      const head = (await this.c.status(i)).height;
      if (head + 1 < p.eta) return;
      const pay = payloads.execute(id);
      await this.ensure(i, await this.tx(`${id}:execute`, EXECUTOR, pay), pay);
    }
  }

  /** Runs proposal k of the plan until every answering node agrees on a final status. */
  async run(k: number, plan: PlannedProposal, deadlineMs: number): Promise<DriveResult> {
    const started = Date.now();
    this.submissions = 0;
    this.refusals = {};
    const action = { kind: "protocol_parameter" as const, name: plan.name, value: plan.value };
    const submit = await this.tx(
      `p${k}:submit`,
      PROPOSER,
      payloads.propose(action, `chaos ${k}: ${plan.name} = ${plan.value}`),
    );
    const id = proposalIdOf(submit.id);
    this.log(
      `proposal ${k} (${id.slice(0, 8)}): ${plan.name} = ${plan.value}, votes ${plan.votes.join(",")}`,
    );
    let last = "";
    while (Date.now() < started + deadlineMs) {
      const views = await Promise.all(
        this.c.alive.map(async (i) => {
          try {
            return { i, p: (await proposal(this.c, i, id)) as ProposalJson | undefined };
          } catch (err) {
            if (isRemoteError(err, "GOV_UNKNOWN_PROPOSAL")) return { i, p: undefined };
            return undefined; // down or unreachable: ask again next round
          }
        }),
      );
      const answered = views.filter((v) => v !== undefined);
      const statuses = answered.map((v) => v.p?.status ?? "unknown");
      const shown = statuses.join(",");
      if (shown !== last)
        this.log(`proposal ${k}: ${answered.map((v, x) => `${v.i}:${statuses[x]}`).join(" ")}`);
      last = shown;
      if (answered.length > 0 && statuses.every((s) => s === statuses[0] && FINAL.has(s)))
        return this.result(id, statuses[0]!, started);
      await Promise.all(answered.map((v) => this.step(v.i, k, plan, submit, v.p).catch(() => undefined)));
      await sleep(1000);
    }
    return this.result(id, null, started);
  }

  private result(id: string, status: string | null, started: number): DriveResult {
    return {
      id,
      status,
      submissions: this.submissions,
      refusals: this.refusals,
      durationMs: Date.now() - started,
    };
  }
}

export { EXECUTOR, PROPOSER, REVIEWERS, VOTERS };
