/**
 * Transactions of a vector: the keys each type and proposal kind takes, checked before anything
 * runs, and a TxSpec that builds the payload when its step runs (labels resolve to proposal ids
 * then, and the deposit defaults to the rule in force then).
 */
import { fromHex } from "../../../src/crypto/bytes.js";
import type { Payload, ProposalAction, ProposalKind, TxType, VoteOption } from "../../../src/types/tx.js";
import {
  amount,
  bad,
  boolean,
  devIndex,
  LABEL_RE,
  type Labels,
  object,
  recipient,
  ref,
  string,
  uint,
} from "./checks.js";

const KINDS: readonly ProposalKind[] = [
  "protocol_parameter",
  "feature_activation",
  "treasury_allocation",
  "emergency_action",
  "governance_rule",
  "rollback",
  "software_upgrade",
  "validator_set",
];

const TX_TYPES: readonly TxType[] = [
  "TRANSFER",
  "SUBMIT_PROPOSAL",
  "CAST_VOTE",
  "SUBMIT_CODE_REVIEW",
  "VOTE_IMPLEMENTATION",
  "EXECUTE_PROPOSAL",
  "CANCEL_PROPOSAL",
  "FIAT_UNLOCK_VOTE",
];

/** Runner keys of a tx object (the rest is the payload). */
const TX_META = ["from", "type", "fee", "nonce", "as"] as const;

/** Payload keys per type; SUBMIT_PROPOSAL adds the keys of its kind. */
const PAYLOAD_KEYS: Record<TxType, readonly string[]> = {
  TRANSFER: ["recipient", "amount"],
  SUBMIT_PROPOSAL: ["title", "description", "deposit", "kind"],
  CAST_VOTE: ["proposal_id", "option"],
  SUBMIT_CODE_REVIEW: ["proposal_id", "approved", "comment", "code_hash"],
  VOTE_IMPLEMENTATION: ["proposal_id", "approved"],
  EXECUTE_PROPOSAL: ["proposal_id"],
  CANCEL_PROPOSAL: ["proposal_id"],
  FIAT_UNLOCK_VOTE: ["support", "reason"],
};

const KIND_KEYS: Record<ProposalKind, readonly string[]> = {
  protocol_parameter: ["name", "value"],
  feature_activation: ["feature", "enabled"],
  treasury_allocation: ["recipient", "amount", "purpose"],
  emergency_action: ["action", "proposal_id", "name"],
  governance_rule: ["rule", "value"],
  rollback: ["target"],
  software_upgrade: ["name", "height", "info"],
  validator_set: ["action", "address", "public_key", "activation_height"],
};

const KIND_REQUIRED: Record<ProposalKind, readonly string[]> = {
  protocol_parameter: ["name", "value"],
  feature_activation: ["feature", "enabled"],
  treasury_allocation: ["recipient", "amount"],
  emergency_action: ["action"],
  governance_rule: ["rule", "value"],
  rollback: ["target"],
  software_upgrade: ["name", "height", "info"],
  validator_set: ["action", "address", "activation_height"],
};

/**
 * A checked transaction: the payload is built when the step runs, since labels resolve to ids
 * then and the deposit defaults to the rule in force then. `as` labels a SUBMIT_PROPOSAL.
 */
export interface TxSpec {
  where: string;
  from: number;
  fee?: bigint;
  nonce?: bigint;
  as?: string;
  build(resolve: (ref: string) => string, depositRule: bigint): Payload;
}

/** Checks a transaction object of a step (its type's and kind's keys only) → TxSpec. */
export function txSpec(v: unknown, where: string, labels: Labels): TxSpec {
  const pre = object(
    v,
    where,
    [...TX_META, ...Object.values(PAYLOAD_KEYS).flat(), ...Object.values(KIND_KEYS).flat()],
    ["from", "type"],
  );
  const type = string(pre.type, `${where}.type`) as TxType;
  if (!TX_TYPES.includes(type)) bad(`${where}.type`, `unknown transaction type "${type}"`);
  let allowed = [...TX_META, ...PAYLOAD_KEYS[type]];
  let kind: ProposalKind | undefined;
  if (type === "SUBMIT_PROPOSAL") {
    kind = string(pre.kind, `${where}.kind`) as ProposalKind;
    if (!KINDS.includes(kind)) bad(`${where}.kind`, `unknown kind "${kind}" (${KINDS.join(", ")})`);
    allowed = [...allowed, ...KIND_KEYS[kind]];
  }
  const o = object(v, where, allowed, [
    "from",
    "type",
    ...(type === "SUBMIT_PROPOSAL" ? ["title", ...KIND_REQUIRED[kind!]] : []),
    ...(type === "TRANSFER" ? ["recipient", "amount"] : []),
    ...(type === "CAST_VOTE" ? ["proposal_id", "option"] : []),
    ...(type === "SUBMIT_CODE_REVIEW" ? ["proposal_id", "approved"] : []),
    ...(type === "VOTE_IMPLEMENTATION" ? ["proposal_id", "approved"] : []),
    ...(type === "EXECUTE_PROPOSAL" || type === "CANCEL_PROPOSAL" ? ["proposal_id"] : []),
    ...(type === "FIAT_UNLOCK_VOTE" ? ["support"] : []),
  ]);
  const at = (k: string) => `${where}.${k}`;
  const spec: TxSpec = { where, from: devIndex(o.from, at("from")), build: () => bad(where, "unreachable") };
  if ("fee" in o) spec.fee = amount(o.fee, at("fee"));
  if ("nonce" in o) spec.nonce = BigInt(uint(o.nonce, at("nonce")));
  if ("as" in o) {
    if (type !== "SUBMIT_PROPOSAL") bad(at("as"), "only a SUBMIT_PROPOSAL takes a label");
    const l = string(o.as, at("as"));
    if (!LABEL_RE.test(l)) bad(at("as"), `label must match ${LABEL_RE}, got "${l}"`);
    if (labels.has(l)) bad(at("as"), `label "${l}" is already defined`);
    spec.as = l;
  }
  const optString = (k: string, def = "") => (k in o ? string(o[k], at(k)) : def);
  const pid = (k: string) => ref(o[k], at(k), labels);
  switch (type) {
    case "TRANSFER": {
      const to = recipient(o.recipient, at("recipient"));
      const amt = amount(o.amount, at("amount"));
      spec.build = () => ({ type, recipient: to, amount: amt });
      break;
    }
    case "SUBMIT_PROPOSAL": {
      const title = string(o.title, at("title"));
      const description = optString("description");
      const deposit = "deposit" in o ? amount(o.deposit, at("deposit")) : undefined;
      let act: (resolve: (r: string) => string) => ProposalAction;
      switch (kind!) {
        case "protocol_parameter": {
          const a: ProposalAction = {
            kind: "protocol_parameter",
            name: string(o.name, at("name")),
            value: string(o.value, at("value")),
          };
          act = () => a;
          break;
        }
        case "governance_rule": {
          const a: ProposalAction = {
            kind: "governance_rule",
            rule: string(o.rule, at("rule")),
            value: string(o.value, at("value")),
          };
          act = () => a;
          break;
        }
        case "feature_activation": {
          const a: ProposalAction = {
            kind: "feature_activation",
            feature: string(o.feature, at("feature")),
            enabled: boolean(o.enabled, at("enabled")),
          };
          act = () => a;
          break;
        }
        case "treasury_allocation": {
          // amount stays a raw string: the capability registry, not the runner, judges it.
          const a: ProposalAction = {
            kind: "treasury_allocation",
            recipient: recipient(o.recipient, at("recipient")),
            amount: string(o.amount, at("amount")),
            purpose: optString("purpose"),
          };
          act = () => a;
          break;
        }
        case "emergency_action": {
          const action = string(o.action, at("action"));
          const target = "proposal_id" in o ? pid("proposal_id") : "";
          const name = optString("name");
          act = (resolve) => ({
            kind: "emergency_action",
            action,
            proposalId: target && resolve(target),
            ...(name ? { name } : {}),
          });
          break;
        }
        case "software_upgrade": {
          // height stays a decimal string in the vector; the registry rules judge its value.
          const a: ProposalAction = {
            kind: "software_upgrade",
            name: string(o.name, at("name")),
            height: BigInt(string(o.height, at("height"))),
            info: string(o.info, at("info")),
          };
          act = () => a;
          break;
        }
        case "rollback": {
          const target = pid("target");
          act = (resolve) => ({ kind: "rollback", target: resolve(target) });
          break;
        }
        case "validator_set": {
          // Every field raw (the address may be an account name): the kind, not the runner, judges them.
          const a: ProposalAction = {
            kind: "validator_set",
            action: string(o.action, at("action")),
            address: recipient(o.address, at("address")),
            publicKey: optString("public_key"),
            activationHeight: string(o.activation_height, at("activation_height")),
          };
          act = () => a;
          break;
        }
      }
      spec.build = (resolve, depositRule) => ({
        type,
        title,
        description,
        deposit: deposit ?? depositRule,
        action: act(resolve),
      });
      break;
    }
    case "CAST_VOTE": {
      const id = pid("proposal_id");
      const option = string(o.option, at("option"));
      if (!["yes", "no", "abstain"].includes(option)) bad(at("option"), `must be yes, no or abstain`);
      spec.build = (resolve) => ({ type, proposalId: resolve(id), option: option as VoteOption });
      break;
    }
    case "SUBMIT_CODE_REVIEW": {
      const id = pid("proposal_id");
      const approved = boolean(o.approved, at("approved"));
      const comment = optString("comment");
      let codeHash: Uint8Array | undefined;
      if ("code_hash" in o) {
        const h = string(o.code_hash, at("code_hash"));
        if (!/^[0-9a-f]{64}$/.test(h)) bad(at("code_hash"), "must be 32 bytes of lowercase hex");
        codeHash = fromHex(h);
      }
      spec.build = (resolve) => ({
        type,
        proposalId: resolve(id),
        approved,
        comment,
        ...(codeHash ? { codeHash } : {}),
      });
      break;
    }
    case "VOTE_IMPLEMENTATION": {
      const id = pid("proposal_id");
      const approved = boolean(o.approved, at("approved"));
      spec.build = (resolve) => ({ type, proposalId: resolve(id), approved });
      break;
    }
    case "EXECUTE_PROPOSAL":
    case "CANCEL_PROPOSAL": {
      const id = pid("proposal_id");
      spec.build = (resolve) => ({ type, proposalId: resolve(id) });
      break;
    }
    case "FIAT_UNLOCK_VOTE": {
      const support = boolean(o.support, at("support"));
      const reason = optString("reason");
      spec.build = () => ({ type, support, reason });
      break;
    }
  }
  return spec;
}
