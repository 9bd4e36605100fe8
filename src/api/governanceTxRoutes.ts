/**
 * The write route of each governance transaction type (SPEC §5): the API registers one POST route
 * per entry, each refusing transactions of another type, and the CLI posts each transaction to the
 * same route. One table for both, with no runtime imports, so the CLI loads nothing of the server.
 */
import type { TxType } from "../types/tx.js";

/** The transaction types with a governance write route (TRANSFER goes to `POST /tx`). */
export type GovTxType = Exclude<TxType, "TRANSFER">;

/** The route of each governance transaction type. */
export const GOV_TX_ROUTES: Readonly<Record<GovTxType, string>> = {
  SUBMIT_PROPOSAL: "/governance/proposals/submit",
  CAST_VOTE: "/governance/vote",
  SUBMIT_CODE_REVIEW: "/governance/review",
  VOTE_IMPLEMENTATION: "/governance/implementation-vote",
  EXECUTE_PROPOSAL: "/governance/execute",
  CANCEL_PROPOSAL: "/governance/cancel",
  FIAT_UNLOCK_VOTE: "/governance/fiat-unlock/vote",
};
