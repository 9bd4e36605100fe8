/**
 * The proposer schedule of the validator set in state (SPEC §4.8): the head's validator record
 * (the set and its pending changes, src/state-transition/validatorSet.ts), reloaded whenever the
 * head moves. Production asks it who proposes a slot of the next block; the header gate asks it
 * before the block's parent is looked up:
 *
 * - a block on the head (its parent hash is the head's): the slot's proposer in the set in force
 *   at its height, exactly the parent's schedule;
 * - a block off the head (a fork, or a block ahead): its branch may hold another record (one where
 *   a recent change never executed), so the gate accepts the slot's proposer under any of the last
 *   RECENT_RECORDS distinct records this node's head has held since it started, newest first; the
 *   exact check is applyBlock's, against the parent's state, when the branch is applied (reorg,
 *   replay). At startup these records are rebuilt from the undo records of the canonical blocks
 *   above the final height (`loadRecent`), so a restart forgets none that a fork could still build
 *   on. A proposer in the slot under none of them (say one added on a branch this node never
 *   followed) gets null: the chain checks it and its signature against the state after the
 *   block's stored parent before storing anything (branchSchedule.ts), or ignores the block while
 *   its parent is unknown.
 */
import { bytesEqual } from "../crypto/bytes.js";
import type { ChainDb } from "../db/chainDb.js";
import { walkStoredUndo } from "../db/undo.js";
import type { StateReader } from "../state-transition/stateStore.js";
import {
  encodeValidatorRecord,
  loadValidatorRecord,
  proposerInSet,
  setInForce,
  VALIDATORS_KEY,
  type Validator,
  type ValidatorRecord,
  validatorRecordOf,
} from "../state-transition/validatorSet.js";
import type { BlockHeader } from "../types/block.js";
import type { ProposerSchedule } from "./headerChecks.js";

/**
 * The values the validator key held before each canonical block above `downTo` that wrote it, from
 * `from` down (from the blocks' undo records; null: absent, the genesis set).
 */
export async function* validatorKeyUndos(
  db: Pick<ChainDb, "getCanonicalHash" | "getUndoBytes">,
  from: number,
  downTo: number,
): AsyncGenerator<Uint8Array | null> {
  for (let h = from; h > downTo; h--) {
    const hash = await db.getCanonicalHash(h);
    const bytes = hash && db.getUndoBytes(hash);
    if (!bytes) continue;
    // Read in place (undo.ts walkUndo): a block of 20,000 votes has 40,000 entries, one of interest.
    let prior: Uint8Array | null | undefined;
    walkStoredUndo(bytes, h, (k, v) => {
      if (!bytesEqual(k, VALIDATORS_KEY)) return false;
      prior = v && new Uint8Array(v);
      return true;
    });
    if (prior !== undefined) yield prior;
  }
}

/** How many distinct validator records of past heads the gate keeps for blocks off the head. */
export const RECENT_RECORDS = 8;

/** The schedule of the head's validator record. */
export class StateSchedule implements ProposerSchedule {
  private record: ValidatorRecord;
  private headHash: Uint8Array = new Uint8Array(0);
  /** Distinct records of the heads seen since start, oldest first (the last is `record`). */
  private recent: Array<{ record: ValidatorRecord; bytes: Uint8Array }> = [];

  constructor(private readonly genesisSet: readonly Validator[]) {
    this.record = { validators: [...genesisSet], pending: [] };
  }

  /** Reloads the record from the post-state of the head `headHash`. */
  async refresh(state: StateReader, headHash: Uint8Array): Promise<void> {
    this.record = await loadValidatorRecord(state, this.genesisSet);
    this.headHash = headHash;
    const bytes = encodeValidatorRecord(this.record);
    if (!this.recent.some((r) => bytesEqual(r.bytes, bytes))) {
      this.recent.push({ record: this.record, bytes });
      if (this.recent.length > RECENT_RECORDS) this.recent.shift();
    }
  }

  /**
   * Adds the records the canonical chain held within the last `depth` blocks below `headHeight`
   * (the reorg window): the value of the validator key before each block that wrote it, from the
   * block's undo record (absent: the genesis set). Called once at startup, after `refresh`.
   */
  async loadRecent(db: ChainDb, headHeight: number, depth: number): Promise<void> {
    const older: Array<{ record: ValidatorRecord; bytes: Uint8Array }> = [];
    for await (const prior of validatorKeyUndos(db, headHeight, Math.max(0, headHeight - depth))) {
      const record = validatorRecordOf(prior, this.genesisSet);
      const bytes = encodeValidatorRecord(record);
      if (![...older, ...this.recent].some((r) => bytesEqual(r.bytes, bytes))) older.push({ record, bytes });
    }
    this.recent = [...older.reverse(), ...this.recent].slice(-RECENT_RECORDS);
  }

  /** The head's record: the set and its pending changes (the API's view). */
  get current(): ValidatorRecord {
    return this.record;
  }

  /** True if `address` is in the head's set or in one of its pending changes. */
  knows(address: string): boolean {
    const r = this.record;
    return r.validators.some((v) => v.address === address) || r.pending.some((c) => c.address === address);
  }

  /** The set in force at `height`, as the head's state sees it. */
  setAt(height: number): Validator[] {
    return setInForce(this.record, height);
  }

  proposerOf(slot: number, height: number): Validator {
    return proposerInSet(this.setAt(height), slot);
  }

  gateProposer(h: BlockHeader): Validator | null {
    const own = this.proposerOf(h.slot, h.height);
    if (bytesEqual(h.parentHash, this.headHash) || own.address === h.proposer) return own;
    for (let i = this.recent.length - 1; i >= 0; i--) {
      const v = proposerInSet(setInForce(this.recent[i]!.record, h.height), h.slot);
      if (v.address === h.proposer) return v;
    }
    return null;
  }

  memberOf(address: string): Validator | undefined {
    for (let i = this.recent.length - 1; i >= 0; i--) {
      const { record } = this.recent[i]!;
      const v =
        record.validators.find((x) => x.address === address) ??
        record.pending.find((c) => c.action === "add" && c.address === address);
      if (v) return { address: v.address, publicKey: v.publicKey };
    }
    return undefined;
  }
}
