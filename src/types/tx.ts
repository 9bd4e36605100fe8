/** Vote options of CAST_VOTE. */
export type VoteOption = "yes" | "no" | "abstain";

/** The proposal kinds of SPEC §4.4. */
export type ProposalKind =
  | "protocol_parameter"
  | "feature_activation"
  | "treasury_allocation"
  | "emergency_action"
  | "governance_rule"
  | "rollback"
  | "software_upgrade"
  | "validator_set";

/** A proposal's kind and its kind payload, as carried by SUBMIT_PROPOSAL. */
export type ProposalAction =
  | { kind: "protocol_parameter"; name: string; value: string }
  | { kind: "feature_activation"; feature: string; enabled: boolean }
  | { kind: "treasury_allocation"; recipient: string; amount: string; purpose: string }
  | { kind: "emergency_action"; action: string; proposalId: string; name?: string }
  | { kind: "governance_rule"; rule: string; value: string }
  | { kind: "rollback"; target: string }
  | { kind: "software_upgrade"; name: string; height: bigint; info: string }
  | {
      kind: "validator_set";
      action: string;
      address: string;
      publicKey: string;
      activationHeight: string;
    };

/** Transaction payloads (SPEC §4.1), discriminated by `type`. */
export type Payload =
  | { type: "TRANSFER"; recipient: string; amount: bigint }
  | { type: "SUBMIT_PROPOSAL"; title: string; description: string; deposit: bigint; action: ProposalAction }
  | { type: "CAST_VOTE"; proposalId: string; option: VoteOption }
  | {
      type: "SUBMIT_CODE_REVIEW";
      proposalId: string;
      approved: boolean;
      comment: string;
      codeHash?: Uint8Array;
    }
  | { type: "VOTE_IMPLEMENTATION"; proposalId: string; approved: boolean }
  | { type: "EXECUTE_PROPOSAL"; proposalId: string }
  | { type: "CANCEL_PROPOSAL"; proposalId: string }
  | { type: "FIAT_UNLOCK_VOTE"; support: boolean; reason: string };

/** Transaction type names. */
export type TxType = Payload["type"];

/** The signed part of a transaction. */
export interface TxBody {
  chainId: string;
  nonce: bigint;
  publicKey: Uint8Array;
  fee: bigint;
  payload: Payload;
}

/** A decoded, canonical transaction with everything derived from its bytes computed once. */
export interface Tx {
  /** SignedTx bytes as received. */
  bytes: Uint8Array;
  /** TxBody bytes as received (what is signed and hashed). */
  bodyBytes: Uint8Array;
  body: TxBody;
  signature: Uint8Array;
  /** hex sha256(body bytes). */
  id: string;
  /** sha256(SignedTx bytes): the leaf of the block's tx root. */
  hash: Uint8Array;
  /** Address of body.publicKey. */
  sender: string;
}
