/**
 * The proposer schedule of the validator set in state (SPEC §4.8): the head's validator record
 * (the set and its pending changes, src/state-transition/validatorSet.ts), reloaded whenever the
 * head moves. It answers the header gate and block production: the proposer of slot s in a block
 * at height h is `set[s mod n]` of the set in force at h as the head's state sees it. For the next
 * block that is exactly the parent's schedule; for a block on another branch the parent's state
 * may differ, and applyBlock checks the proposer against that state when the branch is applied.
 */
import type { StateReader } from "../state-transition/stateStore.js";
import {
  loadValidatorRecord,
  proposerInSet,
  setInForce,
  type Validator,
  type ValidatorRecord,
} from "../state-transition/validatorSet.js";
import type { ProposerSchedule } from "./headerChecks.js";

/** The schedule of the head's validator record. */
export class StateSchedule implements ProposerSchedule {
  private record: ValidatorRecord;

  constructor(private readonly genesisSet: readonly Validator[]) {
    this.record = { validators: [...genesisSet], pending: [] };
  }

  /** Reloads the record from the head's post-state. */
  async refresh(state: StateReader): Promise<void> {
    this.record = await loadValidatorRecord(state, this.genesisSet);
  }

  /** The head's record: the set and its pending changes (the API's view). */
  get current(): ValidatorRecord {
    return this.record;
  }

  /** The set in force at `height`. */
  setAt(height: number): Validator[] {
    return setInForce(this.record, height);
  }

  proposerOf(slot: number, height: number): Validator {
    return proposerInSet(this.setAt(height), slot);
  }
}
