/** SUBMIT_PROPOSAL and CANCEL_PROPOSAL. */

import type { RuleName } from "../config/registry.js";
import { xaiError } from "../errors.js";
import { circulatingSupplyAt, getAccount } from "../state-transition/accounts.js";
import type { TxContext, TxOutcome } from "../state-transition/module.js";
import { ruleOf } from "../state-transition/params.js";
import type { Payload } from "../types/tx.js";
import { GovErrorCode } from "./errors.js";
import { burnDeposit, holdDeposit } from "./escrow.js";
import { type EventSink, emit } from "./events.js";
import { stagePeriods, validateAction } from "./kinds/index.js";
import { proposalIdOf } from "./proposalId.js";
import { enterInitialStatus, setStatus } from "./status.js";
import { moveStatusCount } from "./statusCounts.js";
import {
  addActiveCount,
  createProposal,
  findProposal,
  getActiveCount,
  loadProposal,
  nextCounter,
} from "./store.js";
import { participantFloor } from "./tally.js";
import { checkText, checkTextLength, isBlank, validUtf8Length } from "./text.js";
import type { Proposal } from "./types.js";
import { powerCap } from "./votingPower.js";

type Submit = Extract<Payload, { type: "SUBMIT_PROPOSAL" }>;

/**
 * Stateless checks of a proposal's title and description, byte by byte (SPEC v2 §2): valid UTF-8,
 * lengths in bytes, a title that is not only ASCII whitespace.
 */
export function checkProposalText(title: string, description: string): void {
  const length = validUtf8Length(title, "title");
  if (isBlank(title)) throw xaiError(GovErrorCode.EMPTY_TITLE, "title is empty or only ASCII whitespace");
  checkTextLength(length, "title", GovErrorCode.TITLE_TOO_LONG);
  checkText(description, "description", GovErrorCode.DESCRIPTION_TOO_LONG);
}

function sinkOf(ctx: TxContext): EventSink {
  return { height: ctx.height, events: ctx.events, txId: ctx.tx.id };
}

/** Builds the record of a proposal included at ctx.height (rules snapshot from the block's rules). */
async function newProposal(ctx: TxContext, p: Submit, id: string): Promise<Proposal> {
  const rule = (name: RuleName) => ruleOf(ctx.params, name);
  const snapshotHeight = ctx.height - 1;
  const snapshotSupply = await circulatingSupplyAt(ctx.state, snapshotHeight);
  const periods = stagePeriods(p.action, rule);
  const votingEnd = ctx.height + periods.voting;
  const reviewEnd = votingEnd + periods.review;
  const zero = { yes: 0n, no: 0n, abstain: 0n, voters: 0n, yesVoters: 0n };
  return {
    id,
    number: await nextCounter(ctx.state, "proposal_number"),
    proposer: ctx.tx.sender,
    title: p.title,
    description: p.description,
    action: p.action,
    deposit: p.deposit,
    depositState: "held",
    status: "voting",
    submitTxId: ctx.tx.id,
    submitHeight: ctx.height,
    snapshotHeight,
    snapshotSupply,
    powerCap: powerCap(snapshotSupply, rule("max_individual_power_bps")),
    participantFloor: participantFloor(snapshotSupply, rule("participant_floor_bps")),
    votingEnd,
    reviewEnd,
    implementationEnd: reviewEnd + periods.implementation,
    eta: 0,
    tally: { ...zero, heads: 0n },
    review: { reviewers: 0n, approvePower: 0n, totalPower: 0n, approvals: 0n },
    implementation: { approvals: 0n, rejections: 0n, approvePower: 0n, rejectPower: 0n },
    rules: { ...ctx.params.rule },
    statusHistory: [],
    execution: undefined,
    failureCode: "",
    rolledBackBy: "",
    cancelledBy: "",
  };
}

/** SUBMIT_PROPOSAL: validates and includes a proposal in `voting`, its deposit in escrow. */
export async function submitProposal(ctx: TxContext, p: Submit): Promise<TxOutcome> {
  checkProposalText(p.title, p.description);
  const minDeposit = ruleOf(ctx.params, "proposal_deposit");
  if (p.deposit < minDeposit)
    throw xaiError(GovErrorCode.DEPOSIT_TOO_LOW, `deposit ${p.deposit} below ${minDeposit}`, {
      minimum: minDeposit.toString(),
    });
  await validateAction(ctx.state, ctx.params, p.action, "submit", ctx.height);
  const balance = (await getAccount(ctx.state, ctx.tx.sender)).balance;
  if (balance < p.deposit)
    throw xaiError(GovErrorCode.INSUFFICIENT_BALANCE, "balance does not cover the deposit", {
      balance: balance.toString(),
    });
  const maxActive = ruleOf(ctx.params, "max_active_proposals_per_account");
  if ((await getActiveCount(ctx.state, ctx.tx.sender)) >= maxActive)
    throw xaiError(GovErrorCode.TOO_MANY_ACTIVE, `already ${maxActive} proposals in voting`);
  const id = proposalIdOf(ctx.tx.id);
  if (await findProposal(ctx.state, id)) throw xaiError(GovErrorCode.ALREADY_EXISTS, `proposal ${id} exists`);
  const proposal = await newProposal(ctx, p, id);
  await holdDeposit(ctx.state, proposal, ctx.height);
  createProposal(ctx.state, proposal);
  enterInitialStatus(ctx.state, proposal, ctx.height);
  await moveStatusCount(ctx.state, proposal.action.kind, undefined, "voting");
  await addActiveCount(ctx.state, proposal.proposer, 1n);
  emit(sinkOf(ctx), "proposal_submitted", {
    proposal_id: id,
    number: String(proposal.number),
    proposer: proposal.proposer,
    kind: p.action.kind,
    deposit: p.deposit.toString(),
    voting_end: String(proposal.votingEnd),
  });
  return { result: "ok", proposalId: id };
}

/** CANCEL_PROPOSAL: the proposer withdraws a proposal in `voting`; the deposit is burned. */
export async function cancelProposal(ctx: TxContext, proposalId: string): Promise<TxOutcome> {
  const p = await loadProposal(ctx.state, proposalId);
  if (p.proposer !== ctx.tx.sender) throw xaiError(GovErrorCode.NOT_PROPOSER, "only the proposer may cancel");
  if (p.status !== "voting")
    throw xaiError(GovErrorCode.NOT_CANCELLABLE, `proposal is ${p.status}`, { status: p.status });
  await burnDeposit(ctx.state, p, ctx.height);
  p.cancelledBy = ctx.tx.sender;
  await setStatus(ctx.state, p, "cancelled", sinkOf(ctx));
  return { result: "ok", proposalId: p.id };
}
