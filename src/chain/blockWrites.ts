/**
 * What adopting a block writes besides its state changes: its bytes, the canonical index entry,
 * its undo record (each changed key's value before the block, so a reorg can revert it) and its
 * receipts and its chain events (EVENTS bucket). Shared by a plain extension of the head (chain.ts) and a reorg (reorg.ts), which
 * write them into the batch of the new head.
 */
import type { DbBatch, StoredEvent, StoredReceipt } from "../db/chainDb.js";
import type { UndoRecord } from "../db/undo.js";
import type { BlockResult } from "../state-transition/executeBlock.js";
import type { StateReader } from "../state-transition/stateStore.js";
import type { Block } from "../types/block.js";

/** The undo record of `result` over its pre-state `pre`: each changed key's old value (null: absent). */
export async function undoOf(pre: StateReader, result: BlockResult): Promise<UndoRecord> {
  const undo: UndoRecord = [];
  for (const [k] of result.overlay.changes()) undo.push([k, (await pre.get(k)) ?? null]);
  return undo;
}

/** Adds to `batch` a canonical block: its bytes, canonical index entry, undo record and receipts. */
export function putCanonicalBlock(batch: DbBatch, block: Block, result: BlockResult, undo: UndoRecord): void {
  batch
    .putBlock(block.hash, block.bytes)
    .setCanonical(block.header.height, block.hash)
    .putUndo(block.hash, undo);
  for (const r of result.receipts)
    batch.putReceipt({ ...r, blockHash: block.hashHex } satisfies StoredReceipt);
  batch.putEvents(block.header.height, storedEvents(result));
}

/** The events of a block result as the EVENTS bucket keeps them (index data for `GET /events`). */
export function storedEvents(result: Pick<BlockResult, "events">): StoredEvent[] {
  return result.events.map((e) => ({
    type: e.type,
    ...(e.txId !== undefined ? { tx_id: e.txId } : {}),
    attributes: e.attributes,
  }));
}
