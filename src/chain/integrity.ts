/**
 * The check of a stored chain at open (issue 11): a node never runs on silently wrong state. Cheap
 * enough for every start (finalityDepth + 1 point reads and one hash over the head's write set):
 *
 * - the head block is stored, decodes, and is the canonical block at its height;
 * - every non-final block (above head − finalityDepth, the ones a reorg may revert) is stored
 *   under its canonical index entry, decodes whole (a damaged transaction section too: LevelDB does
 *   not verify checksums on reads, and the node would serve the block to peers; checked in place,
 *   block.ts `checkBlockBytes`, as decodeBlock would accept it), and has its undo
 *   record (which a reorg needs), whole. Undo records are walked in place: the start of a node
 *   whose last blocks hold 20,000 votes each allocated 200 MiB here (issue 10) when each record
 *   was decoded into copies;
 * - the stored values of the keys the head block wrote (its undo record's keys) give the head's
 *   state root again (stateRoot.ts: a root chains the parent's root with the block's write set),
 *   so a state bucket that lost or garbled one of them is seen;
 * - no repair was left half done (the `repairing` mark of repair.ts).
 *
 * A failure is DB_CORRUPT naming what is wrong (`data.what`, `data.height`) and the repair path
 * (`xai-gov replay --repair`, docs/RUNBOOK.md).
 */
import { bytesEqual, toHex } from "../crypto/bytes.js";
import type { ChainDb } from "../db/chainDb.js";
import { dbCorrupt as corrupt } from "../db/errors.js";
import { walkStoredUndo } from "../db/undo.js";
import { computeStateRoot } from "../state-transition/stateRoot.js";
import { type BlockHead, checkBlockBytes, readBlockHead } from "../types/block.js";

/**
 * Canonical block `height`, or DB_CORRUPT if its index entry or bytes are missing or do not decode
 * (`whole`: the whole block, canonically, by a walk over its framing that accepts exactly what
 * decodeBlock accepts, without copies; else only its header, for the parent whose root is read).
 */
async function canonicalBlock(db: ChainDb, height: number, whole = true): Promise<BlockHead> {
  const hash = await db.getCanonicalHash(height);
  if (!hash) throw corrupt(`canonical index entry of height ${height} is missing`, height);
  const bytes = await db.getBlockBytes(hash);
  if (!bytes) throw corrupt(`block ${height} (${toHex(hash).slice(0, 16)}) is missing`, height);
  let block: BlockHead;
  try {
    block = whole ? checkBlockBytes(bytes) : readBlockHead(bytes);
  } catch {
    throw corrupt(`block ${height} does not decode`, height);
  }
  if (block.header.height !== height || !bytesEqual(block.hash, hash))
    throw corrupt(`block stored as canonical ${height} is another block`, height);
  return block;
}

/**
 * Checks the undo record of canonical block `b` whole, as stored (undo.ts walkUndo, no copies),
 * giving each key to `visitKey`; DB_CORRUPT if it is missing or does not decode.
 */
function checkUndo(db: ChainDb, b: BlockHead, visitKey: (key: Uint8Array) => void = () => {}): void {
  const undo = db.getUndoBytes(b.hash);
  if (!undo) throw corrupt(`undo record of block ${b.header.height} is missing`, b.header.height);
  walkStoredUndo(undo, b.header.height, (k) => {
    visitKey(k);
    return false;
  });
}

/** Checks the stored chain whose head is `headHash` (see the file header); throws DB_CORRUPT. */
export async function checkStoredChain(
  db: ChainDb,
  headHash: Uint8Array,
  finalityDepth: number,
): Promise<void> {
  if ((await db.getMeta("repairing")) !== undefined) throw corrupt("a repair was interrupted");
  const bytes = await db.getBlockBytes(headHash);
  if (!bytes) throw corrupt(`head block ${toHex(headHash).slice(0, 16)} is missing`);
  let height: number;
  try {
    height = readBlockHead(bytes).header.height;
  } catch {
    throw corrupt("head block does not decode");
  }
  const head = await canonicalBlock(db, height);
  if (!bytesEqual(head.hash, headHash)) throw corrupt(`head is not the canonical block ${height}`, height);
  if (height === 0) return;
  for (let h = height - 1; h > Math.max(0, height - finalityDepth); h--)
    checkUndo(db, await canonicalBlock(db, h));
  // The head's record is walked once: checked, and its keys are what the head wrote.
  const writes: Array<[Uint8Array, Uint8Array | null]> = [];
  checkUndo(db, head, (k) => writes.push([k, null]));
  const parent = await canonicalBlock(db, height - 1, false);
  for (const w of writes) w[1] = (await db.state.get(w[0])) ?? null;
  const root = computeStateRoot(parent.header.stateRoot, height, writes);
  if (!bytesEqual(root, head.header.stateRoot))
    throw corrupt(`the stored state does not match the state root of head block ${height}`, height);
}
