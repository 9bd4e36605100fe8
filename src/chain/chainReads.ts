/**
 * The read side of the chain (chain.ts extends it): the head, the final height, the state, and
 * stored blocks and receipts. The head is moved only by the chain's jobs.
 */
import { EventEmitter } from "node:events";
import type { Genesis } from "../config/genesis.js";
import type { ChainDb, StoredReceipt } from "../db/chainDb.js";
import type { StateReader } from "../state-transition/stateStore.js";
import type { Block, BlockHeader } from "../types/block.js";
import { BlockCache } from "./blockCache.js";
import type { HeadInfo } from "./types.js";

/** What every reader of the chain sees (see above). */
export class ChainReads extends EventEmitter {
  protected readonly known: BlockCache;
  protected _head!: HeadInfo;

  constructor(
    readonly genesis: Genesis,
    readonly db: ChainDb,
  ) {
    super();
    this.known = new BlockCache(db);
  }

  /** The canonical tip. */
  get head(): HeadInfo {
    return this._head;
  }

  /** Highest final height: blocks at or below it are never reverted. */
  get finalizedHeight(): number {
    return Math.max(0, this._head.height - this.genesis.finalityDepth);
  }

  /** The canonical state (the database). */
  get state(): StateReader {
    return this.db.state;
  }

  /** Header of a stored block (cached). */
  header(hash: Uint8Array): Promise<BlockHeader | undefined> {
    return this.known.header(hash);
  }

  /** A stored block by hash. */
  blockByHash(hash: Uint8Array): Promise<Block | undefined> {
    return this.known.blockByHash(hash);
  }

  /** The canonical block at `height`. */
  blockAt(height: number): Promise<Block | undefined> {
    return this.known.blockAt(height);
  }

  /** Receipt of a canonical transaction. */
  receipt(txId: string): Promise<StoredReceipt | undefined> {
    return this.db.getReceipt(txId);
  }
}
