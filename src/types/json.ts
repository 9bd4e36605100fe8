/**
 * JSON views of transactions and blocks (snake_case, amounts as decimal strings). A proposal's
 * action is rendered by the governance module's one action view, which sits above this layer:
 * the caller passes it in (`ActionView`, the API passes governance/kinds `actionJson`).
 */
import { toHex } from "../crypto/bytes.js";
import type { Block } from "./block.js";
import type { Payload, ProposalAction, Tx } from "./tx.js";

/** Renders a proposal action's payload fields (without `kind`). */
export type ActionView = (a: ProposalAction) => Record<string, unknown>;

/** JSON view of a payload. Amounts are decimal strings. */
export function payloadJson(p: Payload, actionView: ActionView): Record<string, unknown> {
  switch (p.type) {
    case "TRANSFER":
      return { recipient: p.recipient, amount: p.amount.toString() };
    case "SUBMIT_PROPOSAL":
      return {
        title: p.title,
        description: p.description,
        deposit: p.deposit.toString(),
        kind: p.action.kind,
        ...actionView(p.action),
      };
    case "CAST_VOTE":
      return { proposal_id: p.proposalId, option: p.option };
    case "SUBMIT_CODE_REVIEW":
      return {
        proposal_id: p.proposalId,
        approved: p.approved,
        comment: p.comment,
        ...(p.codeHash ? { code_hash: toHex(p.codeHash) } : {}),
      };
    case "VOTE_IMPLEMENTATION":
      return { proposal_id: p.proposalId, approved: p.approved };
    case "EXECUTE_PROPOSAL":
    case "CANCEL_PROPOSAL":
      return { proposal_id: p.proposalId };
    case "FIAT_UNLOCK_VOTE":
      return { support: p.support, reason: p.reason };
  }
}

/** JSON view of a transaction. */
export function txJson(tx: Tx, actionView: ActionView): Record<string, unknown> {
  return {
    tx_id: tx.id,
    type: tx.body.payload.type,
    sender: tx.sender,
    chain_id: tx.body.chainId,
    nonce: tx.body.nonce.toString(),
    fee: tx.body.fee.toString(),
    public_key: toHex(tx.body.publicKey),
    payload: payloadJson(tx.body.payload, actionView),
  };
}

/** JSON view of a block header (and the transaction ids, or full transactions). */
export function blockJson(block: Block, txs: Tx[], actionView: ActionView): Record<string, unknown> {
  const h = block.header;
  return {
    hash: block.hashHex,
    height: h.height,
    slot: h.slot,
    parent_hash: toHex(h.parentHash),
    proposer: h.proposer,
    tx_root: toHex(h.txRoot),
    state_root: toHex(h.stateRoot),
    signature: toHex(block.signature),
    tx_count: txs.length,
    txs: txs.map((tx) => txJson(tx, actionView)),
  };
}
