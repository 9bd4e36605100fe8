/**
 * Side-branch blocks this node stores: blocks whose header checked out but that are not (or no
 * longer) canonical. They are kept so that their branch can win later (a reorg applies them), at
 * most MAX_SIDE_BLOCKS at once, and deleted in the batch of the head that makes them final: they
 * can never win any more (sync fetches a side block again if it is ever needed).
 *
 * The index is persisted (SIDE_BLOCK bucket, docs/KEY_LAYOUT.md) in the same batch that stores,
 * adopts or prunes a block, and loaded when the chain opens: a restart forgets no side block, so
 * every one is still pruned once final and still counts against the cap (SPEC §3 v2; review C3).
 *
 * Besides the global cap, at most MAX_SIDE_BLOCKS_PER_SLOT are kept per slot. Only a slot's
 * proposer can sign a block for it, so an equivocating validator can fill its own slots, never
 * anyone else's: the side blocks of an honest competing branch always have room, and one
 * validator can no longer fill the global cap and keep a node off a heavier branch (review of v2).
 */
import { bytesEqual, toHex, utf8 } from "../crypto/bytes.js";
import type { ChainDb, DbBatch } from "../db/chainDb.js";
import { type Block, readBlockHead } from "../types/block.js";

/** META entry that says the side-block index is complete (written by the one-time indexing). */
const INDEXED = "side_index";

async function indexOnce(db: ChainDb): Promise<void> {
  const batch = db.batch();
  for await (const [hash, bytes] of db.blockEntries()) {
    const { header } = readBlockHead(bytes);
    const canonical = await db.getCanonicalHash(header.height);
    if (!canonical || !bytesEqual(canonical, hash)) batch.putSideBlock(header.height, hash);
  }
  await batch.setMeta(INDEXED, utf8("1")).write();
}

/** Most side-branch blocks stored at once (each is at most max_block_bytes). */
export const MAX_SIDE_BLOCKS = 4096;

/** Most side-branch blocks stored for one slot (an honest slot has one block; two leaves room). */
export const MAX_SIDE_BLOCKS_PER_SLOT = 2;

/** The stored side-branch blocks, by hash hex. */
export class SideBlocks {
  private readonly blocks = new Map<string, { hash: Uint8Array; height: number; slot: number }>();
  private readonly perSlot = new Map<number, number>();

  constructor(
    private readonly finalityDepth: number,
    private readonly max: number = MAX_SIDE_BLOCKS,
  ) {}

  /**
   * Loads the persisted index (at startup). A database written before the index existed (no
   * `side_index` META entry) is indexed once first: every stored block that is not canonical at
   * its height is a side block.
   */
  async load(db: ChainDb): Promise<void> {
    if (!(await db.getMeta(INDEXED))) await indexOnce(db);
    for (const { height, hash } of await db.sideBlockIndex()) {
      const bytes = await db.getBlockBytes(hash);
      const slot = bytes ? readBlockHead(bytes).header.slot : -1;
      this.remember(toHex(hash), { hash, height, slot });
    }
  }

  private remember(key: string, b: { hash: Uint8Array; height: number; slot: number }): void {
    this.blocks.set(key, b);
    this.perSlot.set(b.slot, (this.perSlot.get(b.slot) ?? 0) + 1);
  }

  private forget(key: string): boolean {
    const b = this.blocks.get(key);
    if (!b) return false;
    this.blocks.delete(key);
    const n = (this.perSlot.get(b.slot) ?? 1) - 1;
    if (n > 0) this.perSlot.set(b.slot, n);
    else this.perSlot.delete(b.slot);
    return true;
  }

  /** Number of side blocks stored. */
  get size(): number {
    return this.blocks.size;
  }

  /** Most side blocks stored at once. */
  get capacity(): number {
    return this.max;
  }

  /** True if `block` may be stored: the global cap and the cap of its slot. */
  hasRoom(block: Block): boolean {
    return (
      this.blocks.size < this.max && (this.perSlot.get(block.header.slot) ?? 0) < MAX_SIDE_BLOCKS_PER_SLOT
    );
  }

  /** Remembers `block` as a stored side block and indexes it in `batch` (the caller stores its bytes). */
  /** Stores `block` as a side block if there is room (its own batch). */
  async store(db: ChainDb, block: Block): Promise<void> {
    if (!this.hasRoom(block)) return;
    const batch = db.batch().putBlock(block.hash, block.bytes);
    this.add(batch, block);
    await batch.write();
  }

  add(batch: DbBatch, block: Block): void {
    batch.putSideBlock(block.header.height, block.hash);
    this.remember(block.hashHex, { hash: block.hash, height: block.header.height, slot: block.header.slot });
  }

  /** Forgets a block that became canonical (its bytes stay), in memory and in `batch`. */
  delete(batch: DbBatch, block: Block): void {
    if (!this.forget(block.hashHex)) return;
    batch.delSideBlock(block.header.height, block.hash);
  }

  /**
   * Adds to `batch` the deletion of the side blocks that a head at `headHeight` makes final (at or
   * below its final height), bytes and index entry, and forgets them.
   */
  prune(batch: DbBatch, headHeight: number): void {
    const final = Math.max(0, headHeight - this.finalityDepth);
    for (const [key, b] of this.blocks)
      if (b.height <= final) {
        batch.delBlock(b.hash).delSideBlock(b.height, b.hash);
        this.forget(key);
      }
  }
}
