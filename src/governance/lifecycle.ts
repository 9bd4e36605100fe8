/**
 * The proposal lifecycle (SPEC §4.3) as an explicit state machine. No status ever goes back:
 * every change goes through `canTransition`, and the table only moves forward.
 *
 * Heights (H = inclusion height of SUBMIT_PROPOSAL; all periods from the proposal's own rules
 * snapshot taken at inclusion; an emergency proposal uses emergency_period_blocks for each of the
 * voting, review and implementation periods):
 * - snapshot S = H - 1: powers are balances at the end of S, supply is circulating supply at S;
 * - voting_end = H + voting_period_blocks; CAST_VOTE valid at H <= height <= voting_end; the
 *   vote is evaluated at the END of block voting_end;
 * - review_end = voting_end + review_period_blocks; reviews valid at voting_end < height <=
 *   review_end; evaluated at the end of block review_end;
 * - implementation_end = review_end + implementation_period_blocks; implementation votes valid at
 *   review_end < height <= implementation_end; reaching the requirement queues the proposal in that
 *   transaction; still in implementation_vote at the end of block implementation_end → rejected;
 * - eta = queueing height + timelock_blocks (emergency_action: emergency_timelock_blocks);
 *   EXECUTE_PROPOSAL valid at eta <= height <= eta + execution_grace_blocks; still queued at the
 *   end of block eta + execution_grace_blocks → expired.
 */

/** Proposal statuses. */
export type ProposalStatus =
  | "voting"
  | "code_review"
  | "implementation_vote"
  | "queued"
  | "executed"
  | "rejected"
  | "cancelled"
  | "failed"
  | "expired"
  | "rolled_back";

/** Every status, in lifecycle order. */
export const PROPOSAL_STATUSES: readonly ProposalStatus[] = [
  "voting",
  "code_review",
  "implementation_vote",
  "queued",
  "executed",
  "rejected",
  "cancelled",
  "failed",
  "expired",
  "rolled_back",
];

/**
 * Allowed transitions. `voting → cancelled` is the proposer's CANCEL_PROPOSAL or an executed
 * emergency `cancel_proposal`, which also cancels from `code_review`, `implementation_vote` and
 * `queued`; `executed → rolled_back` an executed rollback. Statuses without an entry are terminal.
 */
const TRANSITIONS: Readonly<Record<ProposalStatus, readonly ProposalStatus[]>> = {
  voting: ["code_review", "rejected", "cancelled"],
  code_review: ["implementation_vote", "rejected", "cancelled"],
  implementation_vote: ["queued", "rejected", "cancelled"],
  queued: ["executed", "failed", "expired", "cancelled"],
  executed: ["rolled_back"],
  rejected: [],
  cancelled: [],
  failed: [],
  expired: [],
  rolled_back: [],
};

/** True if the state machine allows `from → to`. */
export function canTransition(from: ProposalStatus, to: ProposalStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** True if no transition leaves `status`. */
export function isTerminal(status: ProposalStatus): boolean {
  return TRANSITIONS[status].length === 0;
}

/** True if `s` names a status. */
export function isProposalStatus(s: string): s is ProposalStatus {
  return (PROPOSAL_STATUSES as readonly string[]).includes(s);
}
