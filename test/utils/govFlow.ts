/** Lifecycle steps for governance tests, each asserting that it reached the expected status. */
import assert from "node:assert/strict";
import { assertGovernanceInvariants } from "../../src/governance/invariants.js";
import type { ProposalStatus } from "../../src/governance/lifecycle.js";
import { proposalIdOf } from "../../src/governance/proposalId.js";
import { findProposal } from "../../src/governance/store.js";
import type { Proposal } from "../../src/governance/types.js";
import { assertChainInvariants } from "../../src/state-transition/invariants.js";
import type { ProposalAction, VoteOption } from "../../src/types/tx.js";
import { type GovChain, key, tx } from "./govChain.js";

/** Chains created by the current test (checked by `checkInvariants` after each test). */
const chains: GovChain[] = [];

/** Registers a chain for the after-each invariant check and returns it. */
export function track(c: GovChain): GovChain {
  chains.push(c);
  return c;
}

/** Asserts the chain and governance invariants of every tracked chain, then forgets them (use in afterEach). */
export async function checkInvariants(): Promise<void> {
  const list = chains.splice(0);
  for (const c of list) {
    await assertChainInvariants(c.state);
    await assertGovernanceInvariants(c.state);
  }
}

/** A proposal's record (asserts it exists). */
export async function proposal(c: GovChain, id: string): Promise<Proposal> {
  const p = await findProposal(c.state, id);
  assert.ok(p, `proposal ${id} exists`);
  return p;
}

/** Asserts a proposal's status. */
export async function expectStatus(c: GovChain, id: string, status: ProposalStatus): Promise<Proposal> {
  const p = await proposal(c, id);
  assert.equal(p.status, status);
  return p;
}

/** Submits a proposal by dev:`proposer` in its own block and returns its id. */
export async function propose(
  c: GovChain,
  proposer: number,
  a: ProposalAction,
  o: { deposit?: bigint; title?: string } = {},
): Promise<string> {
  const r = await c.send(key(proposer), tx.propose(a, o));
  const id = proposalIdOf(r.tx.id);
  assert.equal(r.outcome.result, "ok");
  assert.equal(r.outcome.proposalId, id);
  return id;
}

/** Casts votes (dev index → option), all in the next block; asserts each was included. */
export async function castVotes(c: GovChain, id: string, votes: Array<[number, VoteOption]>): Promise<void> {
  for (const [n, option] of votes) await c.submit(key(n), tx.vote(id, option));
  const b = await c.nextBlock();
  assert.deepEqual(
    b.skipped.map((s) => s.code),
    [],
  );
}

/** Who proposes (dev index), who votes how, and the deposit (default: the 10 XAI of the preset). */
export interface FlowOptions {
  proposer?: number;
  votes?: Array<[number, VoteOption]>;
  deposit?: bigint;
}

/**
 * Default voters: dev:1..4 vote yes, 40 % of the test supply (10 accounts of 10 %), above the
 * default quorum of 33.4 % (three of them, 30 %, would not reach it).
 */
export const YES4: Array<[number, VoteOption]> = [
  [1, "yes"],
  [2, "yes"],
  [3, "yes"],
  [4, "yes"],
];

/** Proposes, votes and runs to the end of voting; asserts `code_review`. */
export async function toReview(c: GovChain, a: ProposalAction, o: FlowOptions = {}): Promise<string> {
  const id = await propose(c, o.proposer ?? 0, a, o.deposit === undefined ? {} : { deposit: o.deposit });
  await castVotes(c, id, o.votes ?? YES4);
  await c.runToHeight((await proposal(c, id)).votingEnd);
  await expectStatus(c, id, "code_review");
  return id;
}

/** Reviews (dev index → approved) in one block and runs to the review end; asserts `implementation_vote`. */
export async function toImplementation(
  c: GovChain,
  id: string,
  reviewers: Array<[number, boolean]> = [
    [4, true],
    [5, true],
  ],
): Promise<void> {
  for (const [n, approved] of reviewers) await c.submit(key(n), tx.review(id, approved));
  const b = await c.nextBlock();
  assert.deepEqual(
    b.skipped.map((s) => s.code),
    [],
  );
  await c.runToHeight((await proposal(c, id)).reviewEnd);
  await expectStatus(c, id, "implementation_vote");
}

/** Implementation approvals by the given yes voters in one block; asserts `queued`. */
export async function toQueued(c: GovChain, id: string, voters: number[] = [1, 2]): Promise<Proposal> {
  for (const n of voters) await c.submit(key(n), tx.implement(id, true));
  const b = await c.nextBlock();
  assert.deepEqual(
    b.skipped.map((s) => s.code),
    [],
  );
  return expectStatus(c, id, "queued");
}

/** Takes an action from submission to `queued` with the default voters. */
export async function passToQueued(c: GovChain, a: ProposalAction, o: FlowOptions = {}): Promise<string> {
  const id = await toReview(c, a, o);
  await toImplementation(c, id);
  await toQueued(c, id);
  return id;
}

/** Runs to the eta and executes; returns the receipt outcome. */
export async function executeAtEta(c: GovChain, id: string, executor = 9) {
  const p = await proposal(c, id);
  await c.runToHeight(p.eta - 1);
  return (await c.send(key(executor), tx.execute(id))).outcome;
}

/** Takes an action through the whole lifecycle and executes it successfully. */
export async function passAndExecute(c: GovChain, a: ProposalAction, o: FlowOptions = {}): Promise<string> {
  const id = await passToQueued(c, a, o);
  const outcome = await executeAtEta(c, id);
  assert.equal(outcome.result, "ok", `execution failed: ${outcome.errorCode}`);
  await expectStatus(c, id, "executed");
  return id;
}
