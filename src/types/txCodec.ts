import { bytesEqual, concatBytes, toHex, utf8 } from "../crypto/bytes.js";
import { sha256 } from "../crypto/hash.js";
import { addressFault, addressOf } from "../crypto/keys.js";
import { xaiError } from "../errors.js";
import { TxErrorCode } from "./errors.js";
import { type DecodeFailure, decodeMessage, encodeMessage, fromLong, pb, toLong } from "./proto.js";
import type { Payload, ProposalAction, Tx, TxBody, VoteOption } from "./tx.js";

/** Domain tag prefixed to the body bytes before signing. */
export const TX_SIGN_DOMAIN = utf8("xai-gov/tx/v1\0");

const OPTIONS: Record<number, VoteOption> = { 1: "yes", 2: "no", 3: "abstain" };
const OPTION_NUMBERS: Record<VoteOption, number> = { yes: 1, no: 2, abstain: 3 };

type Obj = Record<string, unknown>;

/**
 * The kind member of a `kind` oneof (tx.proto `SubmitProposal.kind`, `ProposalAction.kind`): the
 * one action codec, shared by the transaction wire format and the governance state records.
 */
export function actionToProto(a: ProposalAction): Obj {
  switch (a.kind) {
    case "protocol_parameter":
      return { protocolParameter: { name: a.name, value: a.value } };
    case "feature_activation":
      return { featureActivation: { feature: a.feature, enabled: a.enabled } };
    case "treasury_allocation":
      return { treasuryAllocation: { recipient: a.recipient, amount: a.amount, purpose: a.purpose } };
    case "emergency_action":
      return { emergencyAction: { action: a.action, proposalId: a.proposalId, name: a.name ?? "" } };
    case "governance_rule":
      return { governanceRule: { rule: a.rule, value: a.value } };
    case "rollback":
      return { rollback: { target: a.target } };
    case "software_upgrade":
      return { softwareUpgrade: { name: a.name, height: toLong(a.height), info: a.info } };
    case "validator_set": {
      const { action, address, publicKey, activationHeight } = a;
      return { validatorSet: { action, address, publicKey, activationHeight } };
    }
  }
}

function payloadToProto(p: Payload): Obj {
  switch (p.type) {
    case "TRANSFER":
      return { transfer: { recipient: p.recipient, amount: toLong(p.amount) } };
    case "SUBMIT_PROPOSAL":
      return {
        submitProposal: {
          title: p.title,
          description: p.description,
          deposit: toLong(p.deposit),
          ...actionToProto(p.action),
        },
      };
    case "CAST_VOTE":
      return { castVote: { proposalId: p.proposalId, option: OPTION_NUMBERS[p.option] } };
    case "SUBMIT_CODE_REVIEW":
      return {
        submitCodeReview: {
          proposalId: p.proposalId,
          approved: p.approved,
          comment: p.comment,
          codeHash: p.codeHash ?? new Uint8Array(0),
        },
      };
    case "VOTE_IMPLEMENTATION":
      return { voteImplementation: { proposalId: p.proposalId, approved: p.approved } };
    case "EXECUTE_PROPOSAL":
      return { executeProposal: { proposalId: p.proposalId } };
    case "CANCEL_PROPOSAL":
      return { cancelProposal: { proposalId: p.proposalId } };
    case "FIAT_UNLOCK_VOTE":
      return { fiatUnlockVote: { support: p.support, reason: p.reason } };
  }
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/**
 * The action held by a decoded message with a `kind` oneof (decoded with `oneofs: true`), or
 * undefined if no member is set; callers raise their own error code for that.
 */
export function actionFromProto(sp: Obj | null | undefined): ProposalAction | undefined {
  if (!sp) return undefined;
  const o = (k: string): Obj => sp[k] as Obj;
  switch (sp.kind) {
    case "protocolParameter":
      return {
        kind: "protocol_parameter",
        name: str(o("protocolParameter").name),
        value: str(o("protocolParameter").value),
      };
    case "featureActivation":
      return {
        kind: "feature_activation",
        feature: str(o("featureActivation").feature),
        enabled: o("featureActivation").enabled === true,
      };
    case "treasuryAllocation": {
      const t = o("treasuryAllocation");
      return {
        kind: "treasury_allocation",
        recipient: str(t.recipient),
        amount: str(t.amount),
        purpose: str(t.purpose),
      };
    }
    case "emergencyAction": {
      const e = o("emergencyAction");
      const name = str(e.name);
      // `name` (cancel_upgrade only) is absent from the action when empty, as on the wire.
      return {
        kind: "emergency_action",
        action: str(e.action),
        proposalId: str(e.proposalId),
        ...(name ? { name } : {}),
      };
    }
    case "governanceRule":
      return {
        kind: "governance_rule",
        rule: str(o("governanceRule").rule),
        value: str(o("governanceRule").value),
      };
    case "rollback":
      return { kind: "rollback", target: str(o("rollback").target) };
    case "softwareUpgrade": {
      const u = o("softwareUpgrade");
      return { kind: "software_upgrade", name: str(u.name), height: fromLong(u.height), info: str(u.info) };
    }
    case "validatorSet": {
      const v = o("validatorSet");
      return {
        kind: "validator_set",
        action: str(v.action),
        address: str(v.address),
        publicKey: str(v.publicKey),
        activationHeight: str(v.activationHeight),
      };
    }
    default:
      return undefined;
  }
}

function submittedAction(sp: Obj): ProposalAction {
  const a = actionFromProto(sp);
  if (!a) throw xaiError(TxErrorCode.MALFORMED, "proposal has no kind");
  return a;
}

/**
 * A TRANSFER's recipient, refused at decoding unless it is an address (SPEC §3): no state can make
 * a malformed one valid, so it costs no signature check. TX_INVALID_RECIPIENT, `data.address_fault`.
 */
function transferRecipient(v: unknown): string {
  const recipient = str(v);
  const fault = addressFault(recipient);
  if (fault)
    throw xaiError(TxErrorCode.INVALID_RECIPIENT, `recipient is not an address (${fault})`, {
      address_fault: fault,
    });
  return recipient;
}

function payloadFromProto(body: Obj): Payload {
  const p = body[body.payload as string] as Obj | undefined;
  if (!p) throw xaiError(TxErrorCode.MALFORMED, "transaction has no payload");
  switch (body.payload) {
    case "transfer":
      return { type: "TRANSFER", recipient: transferRecipient(p.recipient), amount: fromLong(p.amount) };
    case "submitProposal":
      return {
        type: "SUBMIT_PROPOSAL",
        title: str(p.title),
        description: str(p.description),
        deposit: fromLong(p.deposit),
        action: submittedAction(p),
      };
    case "castVote": {
      const option = OPTIONS[p.option as number];
      if (!option) throw xaiError(TxErrorCode.MALFORMED, "vote option must be yes, no or abstain");
      return { type: "CAST_VOTE", proposalId: str(p.proposalId), option };
    }
    case "submitCodeReview": {
      const codeHash = p.codeHash as Uint8Array | undefined;
      if (codeHash && codeHash.length !== 0 && codeHash.length !== 32)
        throw xaiError(TxErrorCode.MALFORMED, "code hash must be 32 bytes");
      return {
        type: "SUBMIT_CODE_REVIEW",
        proposalId: str(p.proposalId),
        approved: p.approved === true,
        comment: str(p.comment),
        ...(codeHash && codeHash.length === 32 ? { codeHash: new Uint8Array(codeHash) } : {}),
      };
    }
    case "voteImplementation":
      return { type: "VOTE_IMPLEMENTATION", proposalId: str(p.proposalId), approved: p.approved === true };
    case "executeProposal":
      return { type: "EXECUTE_PROPOSAL", proposalId: str(p.proposalId) };
    case "cancelProposal":
      return { type: "CANCEL_PROPOSAL", proposalId: str(p.proposalId) };
    case "fiatUnlockVote":
      return { type: "FIAT_UNLOCK_VOTE", support: p.support === true, reason: str(p.reason) };
    default:
      throw xaiError(TxErrorCode.MALFORMED, "unknown payload");
  }
}

const LONE_SURROGATE = /\p{Surrogate}/u;

function checkStrings(o: unknown): void {
  if (typeof o === "string") {
    if (LONE_SURROGATE.test(o)) throw xaiError(TxErrorCode.MALFORMED, "strings must be valid Unicode");
  } else if (o && typeof o === "object" && !(o instanceof Uint8Array))
    for (const v of Object.values(o)) checkStrings(v);
}

/** Canonical encoding of a transaction body (refuses strings that cannot be UTF-8 encoded). */
export function encodeTxBody(body: TxBody): Uint8Array {
  checkStrings(body.payload);
  checkStrings(body.chainId);
  return encodeMessage(pb.TxBody, {
    chainId: body.chainId,
    nonce: toLong(body.nonce),
    publicKey: body.publicKey,
    fee: toLong(body.fee),
    ...payloadToProto(body.payload),
  });
}

/** Encodes a SignedTx from body bytes and signature. */
export function encodeSignedTx(bodyBytes: Uint8Array, signature: Uint8Array): Uint8Array {
  return encodeMessage(pb.SignedTx, { body: bodyBytes, signature });
}

/** The message an account signs: domain tag || body bytes. */
export function txSigningMessage(bodyBytes: Uint8Array): Uint8Array {
  return concatBytes(TX_SIGN_DOMAIN, bodyBytes);
}

const malformed = {
  onError: (f: DecodeFailure) => xaiError(TxErrorCode.MALFORMED, `${f.type} does not decode: ${f.detail}`),
};

/**
 * Decodes SignedTx bytes, rejecting any input whose canonical re-encoding differs, and derives
 * id, hash and sender from the bytes as received. Does not verify the signature.
 */
export function decodeTx(bytes: Uint8Array): Tx {
  return decodeHashedTx(bytes, undefined);
}

/**
 * decodeTx where `hash` is sha256(bytes) computed by the caller already (a block's tx root hashes
 * every transaction before they are decoded), or undefined.
 */
export function decodeHashedTx(bytes: Uint8Array, hash: Uint8Array | undefined): Tx {
  const signed = decodeMessage(pb.SignedTx, bytes, malformed);
  const bodyBytes = new Uint8Array((signed.body as Uint8Array | undefined) ?? new Uint8Array(0));
  const signature = new Uint8Array((signed.signature as Uint8Array | undefined) ?? new Uint8Array(0));
  if (!bytesEqual(encodeSignedTx(bodyBytes, signature), bytes))
    throw xaiError(TxErrorCode.NON_CANONICAL, "SignedTx is not canonically encoded");
  const raw = decodeMessage(pb.TxBody, bodyBytes, malformed);
  const publicKey = new Uint8Array((raw.publicKey as Uint8Array | undefined) ?? new Uint8Array(0));
  const body: TxBody = {
    chainId: str(raw.chainId),
    nonce: fromLong(raw.nonce),
    publicKey,
    fee: fromLong(raw.fee),
    payload: payloadFromProto(raw),
  };
  if (!bytesEqual(encodeTxBody(body), bodyBytes))
    throw xaiError(TxErrorCode.NON_CANONICAL, "TxBody is not canonically encoded");
  if (signature.length !== 64) throw xaiError(TxErrorCode.MALFORMED, "signature must be 64 bytes");
  if (publicKey.length !== 32) throw xaiError(TxErrorCode.BAD_PUBLIC_KEY, "public key must be 32 bytes");
  return {
    bytes: new Uint8Array(bytes),
    bodyBytes,
    body,
    signature,
    id: toHex(sha256(bodyBytes)),
    hash: hash ?? sha256(bytes),
    sender: addressOf(publicKey),
  };
}
