import { toHex } from "../crypto/bytes.js";
import type { Block } from "./block.js";
import type { Payload, ProposalAction, Tx } from "./tx.js";

/** JSON view of a proposal action (snake_case, as the CLI's --payload takes it). */
export function actionJson(a: ProposalAction): Record<string, unknown> {
  switch (a.kind) {
    case "protocol_parameter":
      return { kind: a.kind, name: a.name, value: a.value };
    case "feature_activation":
      return { kind: a.kind, feature: a.feature, enabled: a.enabled };
    case "treasury_allocation":
      return { kind: a.kind, recipient: a.recipient, amount: a.amount, purpose: a.purpose };
    case "emergency_action":
      return { kind: a.kind, action: a.action, ...(a.proposalId ? { proposal_id: a.proposalId } : {}) };
    case "governance_rule":
      return { kind: a.kind, rule: a.rule, value: a.value };
    case "rollback":
      return { kind: a.kind, target: a.target };
  }
}

/** JSON view of a payload. Amounts are decimal strings. */
export function payloadJson(p: Payload): Record<string, unknown> {
  switch (p.type) {
    case "TRANSFER":
      return { recipient: p.recipient, amount: p.amount.toString() };
    case "SUBMIT_PROPOSAL":
      return {
        title: p.title,
        description: p.description,
        deposit: p.deposit.toString(),
        ...actionJson(p.action),
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
export function txJson(tx: Tx): Record<string, unknown> {
  return {
    tx_id: tx.id,
    type: tx.body.payload.type,
    sender: tx.sender,
    chain_id: tx.body.chainId,
    nonce: tx.body.nonce.toString(),
    fee: tx.body.fee.toString(),
    public_key: toHex(tx.body.publicKey),
    payload: payloadJson(tx.body.payload),
  };
}

/** JSON view of a block header (and the transaction ids, or full transactions). */
export function blockJson(block: Block, txs: Tx[]): Record<string, unknown> {
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
    txs: txs.map(txJson),
  };
}
