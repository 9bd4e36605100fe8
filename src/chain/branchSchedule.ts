/**
 * The validator record of a branch (SPEC §4.8), for a block whose proposer the header gate could
 * not name (stateSchedule.ts `gateProposer` null): one proposed in a slot that, under every record
 * this node's head has held, belongs to someone else. That happens to an honest block when its
 * branch executed a `validator_set` change this node never applied: a node in the minority of a
 * partition, where the majority added a validator that then proposed. Refusing such blocks at the
 * gate would keep the node off the heavier chain for good; storing them unchecked would let any
 * key fill the side-block store. So the chain asks this module for the record in the state after
 * the block's stored parent, and checks the proposer and its signature exactly, as applyBlock
 * will, before anything is stored.
 *
 * - a canonical parent: the head's record with the validator key's undo records of the canonical
 *   blocks above the parent reverted (no block is applied);
 * - a side-branch parent: the canonical state reverted to the branch's common ancestor and the
 *   branch applied up to the parent on one overlay (reorg.ts `findBranch`, `revertTo`,
 *   `applyBranch`); nothing is written. An invalid branch block and the blocks built on it are
 *   marked invalid, as a reorg would (so a header naming one is refused at once next time); a
 *   branch block that needs an upgrade this release does not know leaves the block unjudged
 *   (BLOCK_UNKNOWN_PROPOSER): it is not this node's chain, and is no reason to halt.
 *
 * Every record computed is kept by block hash (a block's post-state never changes), at most
 * MAX_RECORDS (as many as side blocks may be stored; a record is a few hundred bytes for a small
 * set), so a parent asked again costs nothing. The work is bounded: a branch is at most the reorg
 * window long (side blocks are pruned once final), and only a stored block can be a parent, so
 * only blocks that passed the gate or this check (signed in their slot by a validator of some
 * set) ever cause it. A forged header naming a stored parent costs a record look-up and is
 * rejected without its body being decoded.
 */
import { bytesEqual, toHex } from "../crypto/bytes.js";
import { isXaiError, type XaiError, xaiError } from "../errors.js";
import { StateOverlay } from "../state-transition/stateStore.js";
import {
  loadValidatorRecord,
  proposerInSet,
  setInForce,
  VALIDATORS_KEY,
  type Validator,
  type ValidatorRecord,
  validatorRecordOf,
} from "../state-transition/validatorSet.js";
import type { BlockHead } from "../types/block.js";
import { BlockErrorCode } from "../types/errors.js";
import { checkHeader, checkProposer } from "./headerChecks.js";
import { applyBranch, findBranch, type ReorgBookkeeping, type ReorgView, revertTo } from "./reorg.js";
import { MAX_SIDE_BLOCKS } from "./sideBlocks.js";
import { validatorKeyUndos } from "./stateSchedule.js";
import type { ChainView } from "./types.js";
import { isUpgradeNeeded } from "./upgradeHalt.js";

/**
 * Most validator records kept by block hash: more than the blocks a node stores above the final
 * height (side blocks, MAX_SIDE_BLOCKS, and the canonical window), the only ones a record is ever
 * computed for, so a record is evicted only after its block was pruned.
 */
export const MAX_RECORDS = MAX_SIDE_BLOCKS + 1024;

/** What judging a block on its branch reads of the chain. */
export type BranchView = ReorgView & Pick<ChainView, "genesis">;

/** The chain's invalid-block memory, as the judging reads and marks it. */
export interface BranchBookkeeping extends ReorgBookkeeping {
  isInvalid(hashHex: string): boolean;
}

/** The bookkeeping of a chain's side blocks and invalid-block memory (`known`). */
export function bookkeepingOf(
  sideBlocks: ReorgBookkeeping["sideBlocks"],
  known: Pick<BranchBookkeeping, "markInvalid" | "isInvalid">,
): BranchBookkeeping {
  return { sideBlocks, markInvalid: (x) => known.markInvalid(x), isInvalid: (x) => known.isInvalid(x) };
}

/** Validator records of stored blocks' post-states, computed on demand. */
export class BranchRecords {
  private readonly records = new Map<string, ValidatorRecord>();

  constructor(private readonly genesisSet: readonly Validator[]) {}

  /**
   * The exact proposer check of a block the gate let through unjudged (its parent was stored):
   * the cheap checks on the parent's header first (still stored, not final, height and slot
   * following it), then the slot's proposer in the set in force at its height in the state after
   * the parent, and its signature, all before its body is decoded: [REJECT] BLOCK_WRONG_PROPOSER,
   * BLOCK_BAD_SIGNATURE, or BLOCK_KNOWN_INVALID if its branch holds an invalid block. Nothing is
   * remembered for the block itself: its signature was never checked, so anyone could fill the
   * invalid-block memory with such headers; asking again costs a kept record's look-up.
   */
  async judge(r: BranchView, own: BranchBookkeeping, head: BlockHead, nowMs: number): Promise<void> {
    const h = head.header;
    const parentHex = toHex(h.parentHash);
    if (own.isInvalid(parentHex)) throw xaiError(BlockErrorCode.KNOWN_INVALID, "parent known invalid");
    if (r.db.hasBlock(head.hash)) throw xaiError(BlockErrorCode.KNOWN, "block already known");
    const parent = r.db.hasBlock(h.parentHash) ? await r.header(h.parentHash) : undefined;
    if (!parent) throw xaiError(BlockErrorCode.UNKNOWN_PROPOSER, "the parent is no longer stored");
    if (h.height <= r.finalizedHeight)
      throw xaiError(BlockErrorCode.REVERTS_FINALIZED, `height ${h.height} is final`);
    checkHeader(r.genesis, head, parent, nowMs, null);
    const record = await this.after(r, own, h.parentHash, parentHex);
    checkProposer(head, proposerInSet(setInForce(record, h.height), h.slot), r.rules.verifier);
  }

  /** How many records are kept (metrics, tests). */
  get size(): number {
    return this.records.size;
  }

  /**
   * The validator record after the stored block `hash` (its post-state). Throws BLOCK_KNOWN_INVALID
   * if the branch to it holds an invalid block (marked invalid through `own`), or the error of a
   * branch block that needs an upgrade this release does not know.
   */
  async after(
    r: ReorgView,
    own: ReorgBookkeeping,
    hash: Uint8Array,
    hashHex: string,
  ): Promise<ValidatorRecord> {
    const kept = this.records.get(hashHex);
    if (kept) return kept;
    const header = await r.header(hash);
    if (!header) throw xaiError(BlockErrorCode.UNKNOWN_PARENT, "parent block is unknown");
    const canonical = await r.db.getCanonicalHash(header.height);
    if (canonical && bytesEqual(canonical, hash)) {
      const record = await this.canonicalAfter(r, header.height);
      this.keep(hashHex, record);
      return record;
    }
    const tip = await r.blockByHash(hash);
    // Pruned since the gate saw it (it became final): nothing to judge the block on any more.
    if (!tip) throw xaiError(BlockErrorCode.UNKNOWN_PROPOSER, "the parent is no longer stored");
    const branch = await findBranch(r, tip);
    const overlay = new StateOverlay(r.db.state);
    await revertTo(r, overlay, branch[0]!.header.height - 1);
    let record: ValidatorRecord | undefined;
    for (const [i, b] of branch.entries()) {
      try {
        await applyBranch(r, own, overlay, [b]);
      } catch (err) {
        if (!isXaiError(err)) throw err;
        // A branch this release cannot apply (it needs an unknown upgrade) is not invalid, and
        // is not this node's chain: the block cannot be judged here, and the chain does not halt.
        if (isUpgradeNeeded(err))
          throw xaiError(BlockErrorCode.UNKNOWN_PROPOSER, `branch block ${b.header.height} needs an upgrade`);
        // As a reorg does: the failed block and every block built on it are invalid.
        for (const bad of branch.slice(i + 1)) own.markInvalid(bad.hashHex);
        const code = (err as XaiError).code;
        throw xaiError(BlockErrorCode.KNOWN_INVALID, `branch block ${b.header.height} is invalid: ${code}`);
      }
      record = await loadValidatorRecord(overlay, this.genesisSet);
      this.keep(b.hashHex, record);
    }
    return record!;
  }

  /** The record after the canonical block at `height`: the head's, with later changes undone. */
  private async canonicalAfter(r: ReorgView, height: number): Promise<ValidatorRecord> {
    let raw: Uint8Array | null | undefined = await r.db.state.get(VALIDATORS_KEY);
    for await (const prior of validatorKeyUndos(r.db, r.head.height, height)) raw = prior;
    return validatorRecordOf(raw, this.genesisSet);
  }

  private keep(hashHex: string, record: ValidatorRecord): void {
    this.records.delete(hashHex);
    this.records.set(hashHex, record);
    if (this.records.size > MAX_RECORDS) this.records.delete(this.records.keys().next().value!);
  }
}
