/**
 * The chain's bounded in-memory knowledge about blocks: headers of stored blocks (so fork choice
 * and import need not re-read and decode them) and the hashes of blocks found invalid (refused at
 * once next time). Both are bounded by clearing when full: a miss only costs a read or a re-check.
 */
import { toHex } from "../crypto/bytes.js";
import type { ChainDb } from "../db/chainDb.js";
import { type Block, type BlockHeader, decodeBlock } from "../types/block.js";
import type { SeenBlocks } from "./headerChecks.js";
import type { Bound } from "./types.js";

const MAX_HEADERS = 4096;
const MAX_INVALID = 10_000;

/** Header cache and known-invalid set, and the reads of stored blocks. */
export class BlockCache implements SeenBlocks {
  private readonly headers = new Map<string, BlockHeader>();
  private readonly invalid = new Set<string>();

  constructor(private readonly db: ChainDb) {}

  /** Header of a stored block (cached). */
  async header(hash: Uint8Array): Promise<BlockHeader | undefined> {
    const key = toHex(hash);
    const hit = this.headers.get(key);
    if (hit) return hit;
    const bytes = await this.db.getBlockBytes(hash);
    if (!bytes) return undefined;
    const h = decodeBlock(bytes).header;
    this.remember(key, h);
    return h;
  }

  /** A stored block by hash. */
  async blockByHash(hash: Uint8Array): Promise<Block | undefined> {
    const bytes = await this.db.getBlockBytes(hash);
    return bytes ? decodeBlock(bytes) : undefined;
  }

  /** The canonical block at `height`. */
  async blockAt(height: number): Promise<Block | undefined> {
    const hash = await this.db.getCanonicalHash(height);
    return hash ? this.blockByHash(hash) : undefined;
  }

  /** True if a block with this hash is stored. */
  hasBlock(hash: Uint8Array): boolean {
    return this.db.hasBlock(hash);
  }

  /** Caches the header of a block just stored. */
  remember(hashHex: string, header: BlockHeader): void {
    if (this.headers.size >= MAX_HEADERS) this.headers.clear();
    this.headers.set(hashHex, header);
  }

  /** Remembers a block found invalid. */
  markInvalid(hashHex: string): void {
    if (this.invalid.size >= MAX_INVALID) this.invalid.clear();
    this.invalid.add(hashHex);
  }

  /** True if the block was found invalid. */
  isInvalid(hashHex: string): boolean {
    return this.invalid.has(hashHex);
  }

  /** The header cache and the invalid-block memory, with their caps (metrics). */
  bounds(): Bound[] {
    return [
      { name: "block_headers", size: this.headers.size, capacity: MAX_HEADERS },
      { name: "invalid_blocks", size: this.invalid.size, capacity: MAX_INVALID },
    ];
  }
}
