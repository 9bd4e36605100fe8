/**
 * The proposer schedule of the validator set in state (SPEC §4.8): the head's validator record
 * (the set and its pending changes, src/state-transition/validatorSet.ts), reloaded whenever the
 * head moves. Production asks it who proposes a slot of the next block; the header gate asks it
 * before the block's parent is looked up:
 *
 * - a block on the head (its parent hash is the head's): the slot's proposer in the set in force
 *   at its height, exactly the parent's schedule, so a wrong proposer is rejected at the gate;
 * - a block off the head (a fork or a block ahead): the parent's state may hold another set (a
 *   branch where a change did not execute), so the gate checks the signature against the key of
 *   the validator the header names, if this node has seen it in any set (genesis, or a record
 *   loaded since it started); unknown names get the head's answer. The exact check is
 *   applyBlock's, against the parent's state, when the branch is applied (reorg, replay).
 */
import { bytesEqual } from "../crypto/bytes.js";
import type { StateReader } from "../state-transition/stateStore.js";
import {
  loadValidatorRecord,
  proposerInSet,
  setInForce,
  type Validator,
  type ValidatorRecord,
} from "../state-transition/validatorSet.js";
import type { BlockHeader } from "../types/block.js";
import type { ProposerSchedule } from "./headerChecks.js";

/** The schedule of the head's validator record. */
export class StateSchedule implements ProposerSchedule {
  private record: ValidatorRecord;
  private headHash: Uint8Array = new Uint8Array(0);
  /** Every validator seen in a set, by address (a key never changes with its address). */
  private readonly known = new Map<string, Validator>();

  constructor(private readonly genesisSet: readonly Validator[]) {
    this.record = { validators: [...genesisSet], pending: [] };
    for (const v of genesisSet) this.known.set(v.address, v);
  }

  /** Reloads the record from the post-state of the head `headHash`. */
  async refresh(state: StateReader, headHash: Uint8Array): Promise<void> {
    this.record = await loadValidatorRecord(state, this.genesisSet);
    this.headHash = headHash;
    for (const v of this.record.validators) this.known.set(v.address, v);
    for (const c of this.record.pending)
      if (c.action === "add") this.known.set(c.address, { address: c.address, publicKey: c.publicKey });
  }

  /** The head's record: the set and its pending changes (the API's view). */
  get current(): ValidatorRecord {
    return this.record;
  }

  /** The set in force at `height`, as the head's state sees it. */
  setAt(height: number): Validator[] {
    return setInForce(this.record, height);
  }

  proposerOf(slot: number, height: number): Validator {
    return proposerInSet(this.setAt(height), slot);
  }

  gateProposer(h: BlockHeader): Validator {
    if (bytesEqual(h.parentHash, this.headHash)) return this.proposerOf(h.slot, h.height);
    return this.known.get(h.proposer) ?? this.proposerOf(h.slot, h.height);
  }
}
