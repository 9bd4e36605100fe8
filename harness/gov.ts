/**
 * Governance steps over a cluster: submit a proposal, vote, review, approve the implementation,
 * wait for a status on every node and execute, spreading the transactions over the nodes so that
 * gossip carries them.
 */
import assert from "node:assert/strict";
import type { KeyPair } from "../src/crypto/keys.js";
import type { ProposalAction, VoteOption } from "../src/types/tx.js";
import { type Cluster, WaitAbort, waitFor } from "./cluster.js";
import { dev, payloads, send, sendAndWait } from "./txs.js";

/** GET /governance/proposals/:id (the fields the harness reads). */
export interface ProposalJson {
  id: string;
  number: number;
  status: string;
  kind: string;
  eta: number | null;
  payload: Record<string, unknown>;
  heights: {
    submitted: number;
    snapshot: number;
    voting_end: number;
    review_end: number;
    implementation_end: number;
    eta: number | null;
    execution_deadline: number | null;
  };
  status_history: Array<{ status: string; height: number }>;
  tally: Record<string, string | boolean>;
  /** SPEC v2 §4.3 item 3: approval weighed by counted power. */
  implementation: {
    required_power: string;
    approvals: string;
    rejections: string;
    approve_power: string;
    reject_power: string;
  };
  deposit_state: string;
  execution: {
    height: number;
    tx_id: string;
    ok: boolean;
    error_code: string | null;
    changes: Array<{ space: string; key: string; before: string; after: string }>;
  } | null;
  failure_code: string | null;
  rolled_back_by: string | null;
}

/** A proposal as node i sees it. */
export function proposal(c: Cluster, i: number, id: string): Promise<ProposalJson> {
  return c.get<ProposalJson>(i, `/governance/proposals/${id}`);
}

/**
 * Waits until every running node (or each of `nodes`) reports `status` for the proposal and returns
 * the first node's view; stops at once if a node reports another final status (say `rejected`).
 */
export async function waitStatus(
  c: Cluster,
  id: string,
  status: string,
  o: { timeoutMs?: number; nodes?: number[]; intervalMs?: number } = {},
): Promise<ProposalJson> {
  return waitFor(
    `proposal ${id.slice(0, 8)} ${status} on nodes ${(o.nodes ?? c.alive).join(",")}`,
    async () => {
      const ps = await Promise.all((o.nodes ?? c.alive).map((i) => proposal(c, i, id)));
      const bad = ps.find((p) => p.status !== status && isFinal(p.status));
      if (bad) throw new WaitAbort(`proposal ${id.slice(0, 8)} is ${bad.status}, wanted ${status}`);
      return ps.every((p) => p.status === status) ? ps[0] : undefined;
    },
    { timeoutMs: o.timeoutMs ?? 45_000, intervalMs: o.intervalMs ?? 250 },
  );
}

const FINAL = new Set(["rejected", "cancelled", "failed", "expired", "rolled_back"]);
function isFinal(s: string): boolean {
  return FINAL.has(s);
}

/** A registry entry's current value on node i (space: params, rules or features). */
export async function registryValue(
  c: Cluster,
  i: number,
  space: "param" | "rule" | "feature",
  name: string,
): Promise<string> {
  if (space === "feature") {
    const r = await c.get<{ features: Array<{ name: string; value: string }> }>(i, "/governance/features");
    return r.features.find((e) => e.name === name)!.value;
  }
  type Entry = { name: string; value: string };
  const r = await c.get<{ params: Entry[]; rules: Entry[] }>(i, "/governance/params");
  return (space === "param" ? r.params : r.rules).find((e) => e.name === name)!.value;
}

/** Balance of an address on node i. */
export async function balance(c: Cluster, i: number, address: string): Promise<bigint> {
  return BigInt((await c.get<{ balance: string }>(i, `/accounts/${address}`)).balance);
}

/** Who does what in a lifecycle (dev account numbers). */
export interface LifecyclePlan {
  proposer: number;
  action: ProposalAction;
  title: string;
  /** Votes (dev number, option); each is sent to node (k mod N). Default dev:1..4 yes (40 % > quorum 33.4 %). */
  votes?: Array<[number, VoteOption]>;
  /** Reviewers (dev numbers). Default dev:5, dev:6. */
  reviewers?: number[];
  /** Implementation approvers (dev numbers, original yes voters). Default: the yes voters. */
  implementers?: number[];
  /** Node that receives the submission (default 0). */
  submitAt?: number;
}

/** Submits a proposal at node `at` and waits until every node has it; returns its id. */
export async function submitProposal(
  c: Cluster,
  at: number,
  proposer: KeyPair,
  action: ProposalAction,
  title: string,
): Promise<{ id: string; height: number }> {
  const r = await sendAndWait(c, at, proposer, payloads.propose(action, title));
  assert.ok(r.proposal_id, "the receipt names the proposal");
  return { id: r.proposal_id, height: r.height };
}

/** Sends the votes, each to a different node (round robin from `offset`); waits for inclusion. */
export async function castVotes(
  c: Cluster,
  id: string,
  votes: Array<[number, VoteOption]>,
  offset = 0,
): Promise<void> {
  const nodes = c.alive;
  const ids = await Promise.all(
    votes.map(([n, option], k) =>
      send(c, nodes[(k + offset) % nodes.length]!, dev(n), payloads.vote(id, option)),
    ),
  );
  await Promise.all(ids.map((tx) => c.waitIncluded(tx)));
}

/** Runs voting → code_review → implementation_vote → queued; returns the queued proposal (node 0 view). */
export async function runToQueued(
  c: Cluster,
  plan: LifecyclePlan,
): Promise<{ id: string; submitHeight: number; queued: ProposalJson }> {
  const votes = plan.votes ?? [
    [1, "yes"],
    [2, "yes"],
    [3, "yes"],
    [4, "yes"],
  ];
  const { id, height } = await submitProposal(
    c,
    plan.submitAt ?? 0,
    dev(plan.proposer),
    plan.action,
    plan.title,
  );
  await castVotes(c, id, votes, 1);
  await waitStatus(c, id, "code_review");
  const nodes = c.alive;
  const reviews = await Promise.all(
    (plan.reviewers ?? [5, 6]).map((n, k) =>
      send(c, nodes[(k + 2) % nodes.length]!, dev(n), payloads.review(id, true)),
    ),
  );
  await Promise.all(reviews.map((tx) => c.waitIncluded(tx)));
  await waitStatus(c, id, "implementation_vote");
  // Only as many approvals as needed to reach the required power: the proposal is queued at once
  // when they are in, and any later implementation vote is invalid (a node drops it from its mempool).
  const required = BigInt((await proposal(c, nodes[0]!, id)).implementation.required_power);
  const counted = new Map(
    (
      await c.get<{ votes: Array<{ voter: string; counted_power: string }> }>(
        nodes[0]!,
        `/governance/proposals/${id}/votes?limit=100`,
      )
    ).votes.map((v) => [v.voter, BigInt(v.counted_power)]),
  );
  const implementers: number[] = [];
  let power = 0n;
  for (const n of plan.implementers ?? votes.filter(([, o]) => o === "yes").map(([n]) => n)) {
    if (power >= required) break;
    implementers.push(n);
    power += counted.get(dev(n).address) ?? 0n;
  }
  const impl = await Promise.all(
    implementers.map((n, k) =>
      send(c, nodes[k % nodes.length]!, dev(n), payloads.implementationVote(id, true)),
    ),
  );
  await Promise.all(impl.map((tx) => c.waitIncluded(tx)));
  const queued = await waitStatus(c, id, "queued", { intervalMs: 100 });
  return { id, submitHeight: height, queued };
}

/** Waits for eta, executes at node `at` and waits until every node reports `executed`. */
export async function executeAtEta(c: Cluster, id: string, at = 0, executor = 9): Promise<ProposalJson> {
  const p = await proposal(c, at, id);
  assert.ok(p.eta, "a queued proposal has an eta");
  // The mempool checks against the next block: eta <= head + 1.
  await c.waitHeight(p.eta - 1, [at]);
  await sendAndWait(c, at, dev(executor), payloads.execute(id));
  return waitStatus(c, id, "executed");
}

/** The whole lifecycle of a plan up to `executed` on every node. */
export async function runLifecycle(c: Cluster, plan: LifecyclePlan): Promise<ProposalJson> {
  const { id } = await runToQueued(c, plan);
  return executeAtEta(c, id, plan.submitAt ?? 0);
}

/** Asserts that every running node gives the same JSON for `path` (read at one common head). */
export async function assertSameEverywhere(c: Cluster, path: string): Promise<unknown> {
  const { values } = await c.consistent((i) => c.get(i, path));
  for (let k = 1; k < values.length; k++)
    assert.deepEqual(values[k], values[0], `node ${c.alive[k]} answers ${path} like node ${c.alive[0]}`);
  return values[0];
}

/** Governance routes compared across nodes by `assertSameGovernance`. */
export const GOVERNANCE_VIEWS = [
  "/governance/proposals?limit=100",
  "/governance/params",
  "/governance/features",
  "/governance/timelock",
  "/governance/history?limit=100",
];

/**
 * Asserts identical governance state on every node at one head: proposal list, registry,
 * timelock, history and the full record of each proposal in `ids` (default: every listed one).
 */
export async function assertSameGovernance(c: Cluster, ids?: string[]): Promise<number> {
  const { values, head } = await c.consistent(async (i) => {
    const views = await Promise.all(GOVERNANCE_VIEWS.map((p) => c.get(i, p)));
    const list = (views[0] as { proposals: Array<{ id: string }> }).proposals.map((p) => p.id);
    const records = await Promise.all((ids ?? list).map((id) => c.get(i, `/governance/proposals/${id}`)));
    const votes = await Promise.all((ids ?? list).map((id) => c.get(i, `/governance/proposals/${id}/votes`)));
    return { views, records, votes };
  });
  for (let k = 1; k < values.length; k++)
    assert.deepEqual(
      values[k],
      values[0],
      `node ${c.alive[k]} has the governance state of node ${c.alive[0]} at height ${head.height}`,
    );
  return (values[0]!.records as unknown[]).length;
}
