/**
 * `xai-gov replay --repair` (issue 11; docs/RUNBOOK.md, "A corrupt database"): brings back a
 * database that failed the checks at open (integrity.ts, or LevelDB's own), from its stored blocks
 * alone, checking everything as a replay does:
 *
 * 1. LevelDB's own repair of the files runs first (the CLI: `ChainDb.repair`);
 * 2. the longest prefix of canonical blocks that are stored, decode and link (`usableHeight`) is
 *    kept: a block lost to the damage and every canonical block after it are dropped (bytes, index
 *    entry, undo record), so the node fetches them again from its peers;
 * 3. that prefix is replayed into the scratch database (replay.ts: every root and signature
 *    verified), which also collects every block's receipts and the non-final blocks' undo records;
 * 4. only then, under the `repairing` mark (integrity.ts refuses a database that has it, so a
 *    repair cut short is seen): the stored state and receipts are replaced by the rebuilt ones, the
 *    undo records written, the head moved to the prefix's last block, and the mark removed.
 */
import { bytesEqual, u64be } from "../crypto/bytes.js";
import { DbBucket } from "../db/buckets.js";
import type { ChainDb, StoredReceipt } from "../db/chainDb.js";
import { decodeBlock } from "../types/block.js";
import { storedEvents, undoOf } from "./blockWrites.js";
import { type ReplayOptions, type ReplayReport, replayChain } from "./replay.js";

/** What a repair did, besides the replay's report. */
export interface RepairReport extends ReplayReport {
  repaired: {
    /** Height of the head before (null: no readable head). */
    fromHeight: number | null;
    /** Canonical blocks dropped above the usable prefix. */
    droppedBlocks: number;
    receipts: number;
    undoRecords: number;
  };
}

/** Entries per write batch while a bucket is copied. */
const CHUNK = 10_000;

/** Height of the last block of the longest prefix of canonical blocks that are stored and link. */
export async function usableHeight(db: ChainDb): Promise<number> {
  let parent: Uint8Array | undefined = await db.getCanonicalHash(0).catch(() => undefined);
  let height = 0;
  try {
    for (;;) {
      const hash = await db.getCanonicalHash(height + 1);
      const bytes = hash && (await db.getBlockBytes(hash));
      if (!hash || !bytes || !parent) break;
      const b = decodeBlock(bytes);
      if (
        b.header.height !== height + 1 ||
        !bytesEqual(b.hash, hash) ||
        !bytesEqual(b.header.parentHash, parent)
      )
        break;
      parent = hash;
      height++;
    }
  } catch {
    // A record that cannot be read or decoded ends the prefix.
  }
  return height;
}

async function headHeight(db: ChainDb): Promise<number | null> {
  try {
    const head = await db.getHead();
    const bytes = head && (await db.getBlockBytes(head));
    return bytes ? decodeBlock(bytes).header.height : null;
  } catch {
    return null;
  }
}

/** Repairs `o.source` from its own blocks (see the file header); `o.scratch` must be empty. */
export async function repairChain(o: ReplayOptions): Promise<RepairReport> {
  const { source, scratch } = o;
  const fromHeight = await headHeight(source);
  const height = await usableHeight(source);
  const keepUndoAbove = height - o.genesis.finalityDepth;
  let receipts = 0;
  let undoRecords = 0;
  const report = await replayChain({
    ...o,
    toHeight: height,
    onApplied: async (block, result, pre) => {
      const b = scratch.batch();
      for (const r of result.receipts)
        b.putReceipt({ ...r, blockHash: block.hashHex } satisfies StoredReceipt);
      b.putEvents(block.header.height, storedEvents(result));
      receipts += result.receipts.length;
      if (block.header.height > keepUndoAbove) {
        b.putUndo(block.hash, await undoOf(pre, result));
        undoRecords++;
      }
      await b.write();
    },
  });
  await source
    .batch()
    .setMeta("repairing", new Uint8Array([1]))
    .write();
  const dropped = source.batch();
  for await (const [k, hash] of source.bucketEntries(DbBucket.CANONICAL))
    if (Buffer.compare(k, u64be(height)) > 0) dropped.delBlock(hash).delUndo(hash);
  await dropped.write();
  const droppedBlocks = dropped.length / 2;
  await source.clearBucket(DbBucket.CANONICAL, u64be(height + 1));
  await source.clearBucket(DbBucket.STATE);
  await source.clearBucket(DbBucket.TX_INDEX);
  await source.clearBucket(DbBucket.EVENTS);
  for (const bucket of [DbBucket.STATE, DbBucket.TX_INDEX, DbBucket.UNDO, DbBucket.EVENTS])
    await copyBucket(scratch, source, bucket);
  const head = (await source.getCanonicalHash(height))!;
  await source.batch().setHead(head).delMeta("damaged").delMeta("repairing").write();
  return { ...report, repaired: { fromHeight, droppedBlocks, receipts, undoRecords } };
}

async function copyBucket(from: ChainDb, to: ChainDb, bucket: number): Promise<void> {
  let batch = to.batch();
  for await (const [k, v] of from.bucketEntries(bucket)) {
    batch.putEntry(bucket, k, v);
    if (batch.length >= CHUNK) {
      await batch.write();
      batch = to.batch();
    }
  }
  await batch.write();
}
