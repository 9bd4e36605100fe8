/**
 * The proof-of-authority validator set in state (SPEC §4.8): the set in force, and the changes
 * that `validator_set` proposals scheduled, each with its activation height. One state key
 * (`StateBucket.VALIDATORS`) holds both; it is absent until the first change executes, and while
 * it is absent the set is genesis's. So the genesis state (and its root) is unchanged by this
 * feature, and a database created before it opens and replays as before.
 *
 * The set in force at block height h is the stored set with every pending change of activation
 * height <= h applied in execution order (activation heights never decrease along the list:
 * the kind refuses a change that would activate before one executed earlier). The proposer of
 * slot s at height h is `set[s mod n]` of that set, so the schedule of a block comes from its
 * parent's state. Pure: strings and integers, no unordered iteration.
 */
import { fromHex, toHex, utf8 } from "../crypto/bytes.js";
import { StateBucket } from "./keys.js";
import type { StateReader, StateWriter } from "./stateStore.js";

/** A validator: its address and the ed25519 public key that signs its blocks. */
export interface Validator {
  address: string;
  publicKey: Uint8Array;
}

/** A scheduled change of the set, in force from `activationHeight` on. */
export interface ValidatorChange {
  action: "add" | "remove";
  address: string;
  /** The key of an added validator (empty for a removal). */
  publicKey: Uint8Array;
  activationHeight: number;
  /** The proposal that made the change. */
  proposalId: string;
}

/** The validator set of a state: the set (as of its last compaction) and the pending changes. */
export interface ValidatorRecord {
  validators: Validator[];
  pending: ValidatorChange[];
}

/** Most validators a set may hold (SPEC §4.8). */
export const MAX_VALIDATORS = 100;

/** Key of the validator record. */
export const VALIDATORS_KEY = new Uint8Array([StateBucket.VALIDATORS]);

const dec = new TextDecoder();

/**
 * The validator record of `state`; the genesis set with nothing pending while no change has ever
 * executed (the key is absent).
 */
export async function loadValidatorRecord(
  state: StateReader,
  genesisSet: readonly Validator[],
): Promise<ValidatorRecord> {
  return validatorRecordOf(await state.get(VALIDATORS_KEY), genesisSet);
}

/** The record stored as `raw` under VALIDATORS_KEY; absent (undefined or null): the genesis set. */
export function validatorRecordOf(
  raw: Uint8Array | null | undefined,
  genesisSet: readonly Validator[],
): ValidatorRecord {
  if (!raw) return { validators: genesisSet.map((v) => ({ ...v })), pending: [] };
  return decodeValidatorRecord(raw);
}

/** Writes the validator record (its canonical encoding). */
export function putValidatorRecord(state: StateWriter, record: ValidatorRecord): void {
  state.put(VALIDATORS_KEY, encodeValidatorRecord(record));
}

/**
 * Canonical bytes of a record: JSON with fixed member order, hex keys, decimal heights. Every
 * value is a string or a safe integer, so the bytes depend only on the record.
 */
export function encodeValidatorRecord(r: ValidatorRecord): Uint8Array {
  return utf8(
    JSON.stringify({
      validators: r.validators.map((v) => [v.address, toHex(v.publicKey)]),
      pending: r.pending.map((c) => [
        c.action,
        c.address,
        toHex(c.publicKey),
        c.activationHeight,
        c.proposalId,
      ]),
    }),
  );
}

/** The inverse of `encodeValidatorRecord`. */
export function decodeValidatorRecord(bytes: Uint8Array): ValidatorRecord {
  const o = JSON.parse(dec.decode(bytes)) as {
    validators: Array<[string, string]>;
    pending: Array<["add" | "remove", string, string, number, string]>;
  };
  return {
    validators: o.validators.map(([address, pk]) => ({ address, publicKey: fromHex(pk) })),
    pending: o.pending.map(([action, address, pk, activationHeight, proposalId]) => ({
      action,
      address,
      publicKey: fromHex(pk),
      activationHeight,
      proposalId,
    })),
  };
}

/** `set` with `change` applied: an add appends, a removal takes the member out in place. */
export function applyChange(set: readonly Validator[], change: ValidatorChange): Validator[] {
  if (change.action === "add") return [...set, { address: change.address, publicKey: change.publicKey }];
  return set.filter((v) => v.address !== change.address);
}

/** The set in force at block height `height`: the pending changes activated by then applied. */
export function setInForce(record: ValidatorRecord, height: number): Validator[] {
  let set: Validator[] = record.validators;
  for (const c of record.pending) if (c.activationHeight <= height) set = applyChange(set, c);
  return set;
}

/** The set once every pending change is in force. */
export function finalSet(record: ValidatorRecord): Validator[] {
  return record.pending.reduce<Validator[]>((set, c) => applyChange(set, c), record.validators);
}

/**
 * `record` with the changes in force at `height` folded into its set (what an execution at
 * `height` stores, so the pending list holds only changes still to come).
 */
export function compactAt(record: ValidatorRecord, height: number): ValidatorRecord {
  return {
    validators: setInForce(record, height),
    pending: record.pending.filter((c) => c.activationHeight > height),
  };
}

/** The proposer of `slot` in `set`: `set[slot mod n]`. */
export function proposerInSet(set: readonly Validator[], slot: number): Validator {
  return set[slot % set.length]!;
}
