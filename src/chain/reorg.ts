/**
 * Reorgs: switching the canonical chain to a heavier branch whose tip is `tip`, in four steps that
 * each take what they need explicitly:
 *
 * 1. `findBranch`: walk back from the tip to the canonical chain (refusing a branch that would
 *    revert a final block, or whose blocks are not stored);
 * 2. `revertTo`: undo the canonical blocks above the common ancestor with their undo records;
 * 3. `applyBranch`: applyBlock each branch block, all on the same overlay (the first invalid one
 *    marks it and its descendants invalid, and nothing changes);
 * 4. `writeReorg`: everything in one batch (state, receipts, undo records, canonical index, head).
 *
 * Then the chain moves its head, and `returnToMempool` gives the reverted transactions that the
 * new branch did not include back to the mempool.
 */
import { bytesEqual } from "../crypto/bytes.js";
import { dbCorrupt as corrupt } from "../db/errors.js";
import { type UndoRecord, walkStoredUndo } from "../db/undo.js";
import { isXaiError, xaiError } from "../errors.js";
import { applyBlock } from "../state-transition/applyBlock.js";
import type { BlockResult } from "../state-transition/executeBlock.js";
import { StateOverlay } from "../state-transition/stateStore.js";
import type { Block } from "../types/block.js";
import { BlockErrorCode } from "../types/errors.js";
import type { Tx } from "../types/tx.js";
import { decodeTx } from "../types/txCodec.js";
import { putCanonicalBlock, undoOf } from "./blockWrites.js";
import type { Mempool } from "./mempool.js";
import type { SideBlocks } from "./sideBlocks.js";
import type { ChainView } from "./types.js";
import { isUpgradeNeeded } from "./upgradeHalt.js";

/** What a reorg reads: the head, stored blocks and undo records, the rules. */
export type ReorgView = Pick<
  ChainView,
  "db" | "rules" | "head" | "finalizedHeight" | "header" | "blockByHash"
>;

/** The chain's own bookkeeping a reorg changes. */
export interface ReorgBookkeeping {
  sideBlocks: SideBlocks;
  /** Remembers a block found invalid (so it is refused at once next time). */
  markInvalid(hashHex: string): void;
}

/** A block of the new branch, applied (its result, and its undo record over its pre-state). */
export interface AppliedBlock {
  block: Block;
  result: BlockResult;
  undo: UndoRecord;
}

/** What a reorg did (already written). */
export interface Reorg {
  ancestorHeight: number;
  /** The blocks reverted, from the old head down. */
  reverted: Block[];
  /** Their transactions, oldest first (decoded once). */
  revertedTxs: Tx[];
  /** The branch, oldest first. */
  applied: AppliedBlock[];
}

function revertsFinal(finalizedHeight: number): never {
  throw xaiError(BlockErrorCode.REVERTS_FINALIZED, `reorg below final height ${finalizedHeight}`);
}

/** The branch from the first block after the common ancestor with the canonical chain to `tip`. */
export async function findBranch(r: ReorgView, tip: Block): Promise<Block[]> {
  const branch: Block[] = [tip];
  for (let cur = tip.header; ; ) {
    const canonical = await r.db.getCanonicalHash(cur.height - 1);
    if (canonical && bytesEqual(canonical, cur.parentHash)) break;
    // A parent at a final height that is not canonical: the branch would revert a final block
    // (and such side blocks are pruned, so it may not even be stored any more).
    if (cur.height - 1 <= r.finalizedHeight) revertsFinal(r.finalizedHeight);
    const parent = await r.blockByHash(cur.parentHash);
    if (!parent)
      throw xaiError(BlockErrorCode.UNKNOWN_PARENT, "branch block missing", { height: cur.height - 1 });
    branch.unshift(parent);
    cur = parent.header;
  }
  if (branch[0]!.header.height - 1 < r.finalizedHeight) revertsFinal(r.finalizedHeight);
  return branch;
}

/** Reverts the canonical blocks above `ancestorHeight` on `overlay`; returns them, head first. */
export async function revertTo(
  r: ReorgView,
  overlay: StateOverlay,
  ancestorHeight: number,
): Promise<Block[]> {
  const reverted: Block[] = [];
  for (let height = r.head.height; height > ancestorHeight; height--) {
    const hash = (await r.db.getCanonicalHash(height))!;
    // Without its undo record a block cannot be reverted: DB_CORRUPT, and the node stops (node.ts).
    const undo = r.db.getUndoBytes(hash);
    if (!undo) throw corrupt(`undo record of block ${height} is missing (needed by a reorg)`, height);
    // A damaged record throws part way: the reorg fails before its overlay is committed. The values
    // are views of the bytes LevelDB returned for this read alone (stateReader.ts readSync).
    walkStoredUndo(
      undo,
      height,
      (k, v) => {
        if (v === null) overlay.del(k);
        else overlay.put(k, v);
        return false;
      },
      " (needed by a reorg)",
    );
    reverted.push((await r.blockByHash(hash))!);
  }
  return reverted;
}

/** Applies `branch` in order on `overlay` (the ancestor's state); an invalid block stops it. */
export async function applyBranch(
  r: ReorgView,
  own: ReorgBookkeeping,
  overlay: StateOverlay,
  branch: Block[],
): Promise<AppliedBlock[]> {
  let parentRoot = (await r.header(branch[0]!.header.parentHash))!.stateRoot;
  const applied: AppliedBlock[] = [];
  for (const [i, b] of branch.entries()) {
    let result: BlockResult;
    try {
      result = await applyBlock(overlay, b, parentRoot, r.rules);
    } catch (err) {
      // A block needing an unknown upgrade is not invalid: a release that knows it applies it.
      if (isXaiError(err) && !isUpgradeNeeded(err))
        for (const bad of branch.slice(i)) own.markInvalid(bad.hashHex);
      throw err;
    }
    applied.push({ block: b, result, undo: await undoOf(overlay, result) });
    result.overlay.commitTo(overlay);
    parentRoot = result.stateRoot;
  }
  return applied;
}

/** Writes the reorg to `tip` in one batch, and moves blocks between canonical and side. */
async function writeReorg(
  r: ReorgView,
  own: ReorgBookkeeping,
  overlay: StateOverlay,
  tip: Block,
  reorg: Reorg,
): Promise<void> {
  const batch = r.db.batch().applyState(overlay.changes());
  // The reverted receipts go first: a transaction the new branch includes again gets its new one.
  for (const tx of reorg.revertedTxs) batch.delReceipt(tx.id);
  for (const b of reorg.reverted) {
    batch.delUndo(b.hash).putEvents(b.header.height, []);
    if (b.header.height > tip.header.height) batch.delCanonical(b.header.height);
  }
  for (const { block, result, undo } of reorg.applied) putCanonicalBlock(batch, block, result, undo);
  for (const { block } of reorg.applied) own.sideBlocks.delete(batch, block);
  for (const b of reorg.reverted) own.sideBlocks.add(batch, b);
  own.sideBlocks.prune(batch, tip.header.height);
  await batch.setHead(tip.hash).write();
}

/**
 * Switches the canonical chain to the branch ending in `tip`: reverts the head back to the common
 * ancestor with undo records and applies the branch, all on one overlay, then writes everything in
 * one batch. If any branch block is invalid nothing changes. The caller then moves its head.
 */
export async function reorgTo(r: ReorgView, own: ReorgBookkeeping, tip: Block): Promise<Reorg> {
  const branch = await findBranch(r, tip);
  const ancestorHeight = branch[0]!.header.height - 1;
  const overlay = new StateOverlay(r.db.state);
  const reverted = await revertTo(r, overlay, ancestorHeight);
  const applied = await applyBranch(r, own, overlay, branch);
  // Reverted transactions, oldest first, decoded once: their receipts go, and those the new
  // branch did not include return to the mempool.
  const revertedTxs = [...reverted].reverse().flatMap((b) => b.txs.map((bytes) => decodeTx(bytes)));
  const reorg = { ancestorHeight, reverted, revertedTxs, applied };
  await writeReorg(r, own, overlay, tip, reorg);
  return reorg;
}

/** The result the new head reports: the last block's, with the txs, receipts and events of all. */
export function branchResult(applied: AppliedBlock[]): BlockResult {
  return {
    ...applied[applied.length - 1]!.result,
    txs: applied.flatMap((a) => a.result.txs),
    receipts: applied.flatMap((a) => a.result.receipts),
    events: applied.flatMap((a) => a.result.events),
  };
}

/**
 * Returns the reverted transactions that the new branch did not include to the mempool, ahead of
 * their senders' pending ones (which have higher nonces): those are taken out and admitted again
 * after them, so each sender's queue stays in nonce order without gaps. A transaction that is no
 * longer valid is dropped.
 */
export async function returnToMempool(
  mempool: Mempool,
  reorg: Reorg,
  admit: (tx: Tx) => Promise<unknown>,
): Promise<void> {
  const included = new Set(reorg.applied.flatMap((a) => a.result.txs.map((t) => t.id)));
  const back = reorg.revertedTxs.filter((tx) => !included.has(tx.id));
  const later: Tx[] = [];
  for (const sender of new Set(back.map((tx) => tx.sender))) {
    const first = mempool.pendingOf(sender)[0];
    if (first) later.push(...mempool.remove(first.id));
  }
  for (const tx of [...back, ...later]) await admit(tx).catch(() => undefined);
}
