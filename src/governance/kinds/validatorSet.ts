/**
 * `validator_set` `{action, address, public_key?, activation_height}` (SPEC §4.8): adds a validator
 * (address and ed25519 public key) or removes one, in force from `activation_height` on. Valid
 * when, at submission and again at execution (each against its own state and height):
 *
 * - the action is `add` or `remove` (a removal carries no key): GOV_INVALID_VALIDATOR_ACTION;
 * - the address is a bech32m xai address: GOV_INVALID_VALIDATOR_ADDRESS (`data.address_fault`);
 * - an added key is 64 lowercase hex digits, passes the signature rule's key check and is the
 *   key of the address: GOV_INVALID_VALIDATOR_KEY;
 * - the activation height is a canonical decimal with height < activation <= height +
 *   MAX_ACTIVATION_LEAD (the minimum lead is one block: a change executed at E is in force from
 *   E + 1 at the earliest, so the block that executes it is still judged by the old set), and
 *   not before the activation of a change already pending: GOV_INVALID_ACTIVATION_HEIGHT;
 * - against the set once every pending change is in force: no duplicate add
 *   (GOV_VALIDATOR_EXISTS), no removal of a non-member (GOV_NOT_A_VALIDATOR) or of the last one
 *   (GOV_LAST_VALIDATOR), at most MAX_VALIDATORS members and MAX_PENDING_CHANGES pending
 *   (GOV_TOO_MANY_VALIDATORS).
 *
 * One proposal changes one validator. The effect appends the change to the pending list of the
 * validator record (src/state-transition/validatorSet.ts), first folding in the changes already in
 * force; it is not reversible by a rollback (a later proposal makes the opposite change).
 */
import { isCanonicalDecimal } from "../../config/registry.js";
import { fromHex } from "../../crypto/bytes.js";
import { addressFault, addressOf } from "../../crypto/keys.js";
import { isAcceptablePublicKey } from "../../crypto/verify.js";
import { xaiError } from "../../errors.js";
import type { BlockParams } from "../../state-transition/params.js";
import type { StateReader } from "../../state-transition/stateStore.js";
import {
  compactAt,
  finalSet,
  loadValidatorRecord,
  MAX_VALIDATORS,
  putValidatorRecord,
  type ValidatorChange,
  type ValidatorRecord,
} from "../../state-transition/validatorSet.js";
import { GovErrorCode } from "../errors.js";
import type { Capability, KindAction } from "./capability.js";

/** Most blocks between a change's block (submission or execution) and its activation. */
export const MAX_ACTIVATION_LEAD = 1_000_000;

/** Most changes pending at once (each needs a whole proposal; this bounds the record). */
export const MAX_PENDING_CHANGES = 16;

type Action = KindAction<"validator_set">;

/** The validator record of `state`; GOV_VALIDATOR_SET_UNKNOWN if no genesis set was given. */
async function recordOf(state: StateReader, params: BlockParams): Promise<ValidatorRecord> {
  if (params.genesisValidators.length === 0)
    throw xaiError(GovErrorCode.VALIDATOR_SET_UNKNOWN, "no genesis validator set was given");
  return loadValidatorRecord(state, params.genesisValidators);
}

/** Checks the payload's own fields (no state); returns the key bytes (empty for a removal). */
function checkFields(a: Action): Uint8Array {
  if (a.action !== "add" && a.action !== "remove")
    throw xaiError(GovErrorCode.INVALID_VALIDATOR_ACTION, `unknown validator action ${a.action}`, {
      action: a.action,
    });
  const fault = addressFault(a.address);
  if (fault)
    throw xaiError(GovErrorCode.INVALID_VALIDATOR_ADDRESS, `address is not an address (${fault})`, {
      address: a.address,
      address_fault: fault,
    });
  if (a.action === "remove") {
    if (a.publicKey !== "")
      throw xaiError(GovErrorCode.INVALID_VALIDATOR_ACTION, "a removal takes no public key");
    return new Uint8Array(0);
  }
  if (!/^[0-9a-f]{64}$/.test(a.publicKey))
    throw xaiError(GovErrorCode.INVALID_VALIDATOR_KEY, "public_key must be 64 lowercase hex digits");
  const pk = fromHex(a.publicKey);
  if (!isAcceptablePublicKey(pk))
    throw xaiError(GovErrorCode.INVALID_VALIDATOR_KEY, "public_key is not an acceptable ed25519 key");
  if (addressOf(pk) !== a.address)
    throw xaiError(GovErrorCode.INVALID_VALIDATOR_KEY, "public_key is not the key of the address", {
      address: a.address,
      key_address: addressOf(pk),
    });
  return pk;
}

/** The activation height, checked against the block height and the pending changes. */
function checkActivation(a: Action, record: ValidatorRecord, height: number): number {
  const bad = (why: string, data: Record<string, unknown> = {}): never => {
    throw xaiError(GovErrorCode.INVALID_ACTIVATION_HEIGHT, why, {
      activation_height: a.activationHeight,
      ...data,
    });
  };
  if (!isCanonicalDecimal(a.activationHeight)) bad("activation_height must be a canonical decimal");
  if (a.activationHeight.length > 16) bad("activation_height is too far ahead");
  const activation = Number(a.activationHeight);
  if (activation <= height) bad(`activation_height must be after block ${height}`, { height });
  if (activation > height + MAX_ACTIVATION_LEAD)
    bad(`activation_height is more than ${MAX_ACTIVATION_LEAD} blocks ahead`, { height });
  const last = record.pending.at(-1);
  if (last && activation < last.activationHeight)
    bad(`activation_height is before the pending change of ${last.proposalId}`, {
      pending_activation_height: last.activationHeight,
    });
  return activation;
}

/** Checks the change against the set once every pending change is in force. */
function checkMembership(a: Action, record: ValidatorRecord): void {
  const set = finalSet(record);
  const member = set.some((v) => v.address === a.address);
  if (a.action === "add") {
    if (member) throw xaiError(GovErrorCode.VALIDATOR_EXISTS, `${a.address} is a validator`);
    if (set.length >= MAX_VALIDATORS)
      throw xaiError(GovErrorCode.TOO_MANY_VALIDATORS, `the set is full (${MAX_VALIDATORS})`, {
        validators: set.length,
      });
  } else {
    if (!member) throw xaiError(GovErrorCode.NOT_A_VALIDATOR, `${a.address} is not a validator`);
    if (set.length === 1) throw xaiError(GovErrorCode.LAST_VALIDATOR, "the last validator stays");
  }
  if (record.pending.length >= MAX_PENDING_CHANGES)
    throw xaiError(GovErrorCode.TOO_MANY_VALIDATORS, `${MAX_PENDING_CHANGES} changes are pending`, {
      pending: record.pending.length,
    });
}

/** validator_set: add or remove one validator from an activation height on. */
export const validatorSet: Capability<"validator_set"> = {
  kind: "validator_set",
  emergency: false,
  payloadHelp: '{"action","address","public_key"?,"activation_height"}',
  async validate(state, params, a, _phase, height) {
    checkFields(a);
    const record = await recordOf(state, params);
    checkActivation(a, record, height);
    checkMembership(a, record);
  },
  async execute(ctx, a) {
    const publicKey = checkFields(a);
    const before = compactAt(await recordOf(ctx.state, ctx.params), ctx.height);
    const change: ValidatorChange = {
      action: a.action as ValidatorChange["action"],
      address: a.address,
      publicKey,
      activationHeight: checkActivation(a, before, ctx.height),
      proposalId: ctx.proposal.id,
    };
    const after: ValidatorRecord = { validators: before.validators, pending: [...before.pending, change] };
    putValidatorRecord(ctx.state, after);
    return {
      changes: [
        {
          space: "validator",
          key: a.address,
          before: "",
          after: `${a.action}@${change.activationHeight}`,
        },
      ],
      target: "",
    };
  },
  reversible: () => false,
  toJson: (a) => ({
    action: a.action,
    address: a.address,
    ...(a.publicKey ? { public_key: a.publicKey } : {}),
    activation_height: a.activationHeight,
  }),
  fromJson: (f) => ({
    kind: "validator_set",
    action: f.str("action"),
    address: f.str("address"),
    publicKey: f.optStr("public_key"),
    activationHeight: f.str("activation_height"),
  }),
};
