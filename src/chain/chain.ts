/**
 * The chain: the canonical head and the one job queue through which every change to it runs, one at
 * a time (block imports, transaction submissions, block production). Here: the queue, the head, the
 * header cache and block import (`importBlock` → `importDecoded`: chain id, known-invalid, known,
 * parent, header checks, tx root, finality), after which a block extends the head (applyBlock, then
 * `commitOnHead`: one batch), is kept as a side block (sideBlocks.ts), or wins by fork choice and is
 * adopted by a reorg (reorg.ts). Mempool admission is admitTx.ts, block production produceBlock.ts;
 * each takes the `ChainView` members it reads (types.ts). The state transition itself is pure and
 * lives in src/state-transition/ (applyBlock.ts).
 */
import { EventEmitter } from "node:events";
import { GenesisErrorCode } from "../config/errors.js";
import type { Genesis } from "../config/genesis.js";
import { bytesEqual, toHex } from "../crypto/bytes.js";
import type { KeyPair } from "../crypto/keys.js";
import { cachingVerifier, verifyNode } from "../crypto/verify.js";
import type { ChainDb, StoredReceipt } from "../db/chainDb.js";
import { DbErrorCode } from "../db/errors.js";
import { isXaiError, XaiError, xaiError } from "../errors.js";
import { type Logger, silentLogger } from "../logger.js";
import { getAccount } from "../state-transition/accounts.js";
import { applyBlock, txRootOfBytes } from "../state-transition/applyBlock.js";
import type { TxRules } from "../state-transition/applyTx.js";
import type { BlockResult } from "../state-transition/executeBlock.js";
import type { StateReader } from "../state-transition/stateStore.js";
import { type Block, type BlockHeader, decodeBlock } from "../types/block.js";
import { BlockErrorCode, TxErrorCode } from "../types/errors.js";
import type { Tx } from "../types/tx.js";
import { decodeTx } from "../types/txCodec.js";
import { admitTx, NextBlockContext } from "./admitTx.js";
import { putCanonicalBlock, undoOf } from "./blockWrites.js";
import { ChainErrorCode } from "./errors.js";
import { isPreferred } from "./forkChoice.js";
import { writeGenesis } from "./genesisBlock.js";
import { checkHeader } from "./headerChecks.js";
import { DEFAULT_MEMPOOL_LIMITS, Mempool } from "./mempool.js";
import { buildProposal, mayPropose } from "./produceBlock.js";
import { branchResult, reorgTo, returnToMempool } from "./reorg.js";
import { SideBlocks } from "./sideBlocks.js";
import type { ChainOptions, HeadInfo, ImportStatus, NewHeadEvent } from "./types.js";

/** The chain's shapes (declared in types.ts), exported here where importers have always found them. */
export type { ChainOptions, HeadInfo, ImportStatus, NewHeadEvent } from "./types.js";

/** Absolute cap on encoded transaction size before any decoding (the max_tx_bytes bound). */
export const HARD_MAX_TX_BYTES = 262_144;

/**
 * The chain: canonical head, block import with every check, fork choice and reorgs by undo
 * records, block production and the mempool. All mutations run one at a time through a queue.
 */
export class Chain extends EventEmitter {
  readonly genesis: Genesis;
  readonly db: ChainDb;
  readonly rules: TxRules;
  readonly mempool: Mempool;
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly maxQueue: number;
  private readonly headers = new Map<string, BlockHeader>();
  private readonly invalid = new Set<string>();
  private readonly sideBlocks: SideBlocks;
  private readonly nextContext: NextBlockContext;
  private queue: Promise<unknown> = Promise.resolve();
  private queued = 0;
  private _head!: HeadInfo;

  private constructor(opts: ChainOptions) {
    super();
    this.genesis = opts.genesis;
    this.db = opts.db;
    this.rules = { modules: opts.modules, verifier: opts.verifier ?? cachingVerifier(verifyNode) };
    this.mempool = new Mempool({ ...DEFAULT_MEMPOOL_LIMITS, ...opts.mempool });
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? silentLogger;
    this.maxQueue = opts.maxQueue ?? 10_000;
    this.sideBlocks = new SideBlocks(this.genesis.finalityDepth);
    this.nextContext = new NextBlockContext(this.genesis);
  }

  /** Opens a chain on a database: writes genesis into a new one, or resumes from the stored head. */
  static async open(opts: ChainOptions): Promise<Chain> {
    const chain = new Chain(opts);
    await chain.init();
    return chain;
  }

  private async init(): Promise<void> {
    const stored = await this.db.getMeta("genesis");
    if (stored && !bytesEqual(stored, this.genesis.hash))
      throw new XaiError(GenesisErrorCode.MISMATCH, "the database belongs to another genesis");
    const headHash = (await this.db.getHead()) ?? (await writeGenesis(this.db, this.genesis, this.rules));
    const header = await this.header(headHash);
    if (!header) throw new XaiError(DbErrorCode.CORRUPT, "head block is missing");
    this._head = headInfo(headHash, header);
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

  /** Number of jobs waiting for the chain. */
  get queueLength(): number {
    return this.queued;
  }

  /** Side-branch blocks this node stores (not canonical, not yet final). */
  get sideBlockCount(): number {
    return this.sideBlocks.size;
  }

  private run<T>(job: () => Promise<T>): Promise<T> {
    if (this.queued >= this.maxQueue)
      return Promise.reject(new XaiError(ChainErrorCode.NODE_BUSY, "chain queue is full"));
    this.queued++;
    const p = this.queue.then(job).finally(() => {
      this.queued--;
    });
    this.queue = p.catch(() => undefined);
    return p;
  }

  // Bounded: a miss only means an invalid block is checked again.
  private markInvalid(hashHex: string): void {
    if (this.invalid.size >= 10_000) this.invalid.clear();
    this.invalid.add(hashHex);
  }

  /** Header of a stored block (cached). */
  async header(hash: Uint8Array): Promise<BlockHeader | undefined> {
    const key = toHex(hash);
    const hit = this.headers.get(key);
    if (hit) return hit;
    const bytes = await this.db.getBlockBytes(hash);
    if (!bytes) return undefined;
    const h = decodeBlock(bytes).header;
    if (this.headers.size >= 4096) this.headers.clear();
    this.headers.set(key, h);
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

  /** Receipt of a canonical transaction. */
  receipt(txId: string): Promise<StoredReceipt | undefined> {
    return this.db.getReceipt(txId);
  }

  /**
   * Checks a transaction against the current head state (on top of the sender's pending ones) and
   * adds it to the mempool. Throws an XaiError with the reason; nothing is stored then.
   */
  submitTx(input: Uint8Array | Tx): Promise<Tx> {
    if (input instanceof Uint8Array && input.length > HARD_MAX_TX_BYTES)
      return Promise.reject(xaiError(TxErrorCode.TOO_LARGE, `transaction is ${input.length} bytes`));
    return this.run(() =>
      admitTx(this, this.nextContext, input instanceof Uint8Array ? decodeTx(input) : input),
    );
  }

  /** Imports a block from a peer or from sync. Throws an XaiError with a BLOCK_* code if invalid. */
  importBlock(bytes: Uint8Array): Promise<{ status: ImportStatus; block: Block }> {
    return this.run(async () => {
      try {
        const block = decodeBlock(bytes);
        return { status: await this.importDecoded(block), block };
      } catch (err) {
        if (isXaiError(err)) this.emit("blockRejected", err.code);
        throw err;
      }
    });
  }

  private async importDecoded(block: Block): Promise<ImportStatus> {
    const h = block.header;
    if (h.chainId !== this.genesis.chainId)
      throw xaiError(BlockErrorCode.WRONG_CHAIN, `chain id ${h.chainId}`);
    if (this.invalid.has(block.hashHex) || this.invalid.has(toHex(h.parentHash)))
      throw xaiError(BlockErrorCode.KNOWN_INVALID, "block or parent known invalid");
    if (await this.db.getBlockBytes(block.hash)) throw xaiError(BlockErrorCode.KNOWN, "block already known");
    const parent = await this.header(h.parentHash);
    if (!parent)
      throw xaiError(BlockErrorCode.UNKNOWN_PARENT, "parent block is unknown", { height: h.height });
    checkHeader(this.genesis, block, parent, this.now(), this.rules.verifier);
    // The body must match the header before anything is stored or remembered under the block's hash
    // (the hash covers the header only): a tampered copy must not shut the honest block out.
    if (!bytesEqual(txRootOfBytes(block.txs), h.txRoot))
      throw xaiError(BlockErrorCode.BAD_TX_ROOT, "tx_root does not match the transactions");
    if (h.height <= this.finalizedHeight)
      throw xaiError(BlockErrorCode.REVERTS_FINALIZED, `height ${h.height} is final`);
    if (bytesEqual(h.parentHash, this._head.hash)) {
      const started = performance.now();
      let result: BlockResult;
      try {
        result = await applyBlock(this.db.state, block, this._head.stateRoot, this.rules);
      } catch (err) {
        if (isXaiError(err)) this.markInvalid(block.hashHex);
        throw err;
      }
      await this.commitOnHead(block, result, started);
      return "head";
    }
    if (!isPreferred({ height: h.height, slot: h.slot, hash: block.hash }, this._head)) {
      // A side branch: keep it (its header is checked) so that it can win later; bounded, and
      // pruned once final.
      if (this.sideBlocks.hasRoom()) {
        await this.db.batch().putBlock(block.hash, block.bytes).write();
        this.sideBlocks.add(block);
      }
      return "side";
    }
    await this.reorg(block);
    return "reorg";
  }

  /** Writes `block` (applied or built on the head) and its state in one batch and makes it the head. */
  private async commitOnHead(block: Block, result: BlockResult, started: number): Promise<void> {
    const batch = this.db.batch().applyState(result.overlay.changes());
    putCanonicalBlock(batch, block, result, await undoOf(this.db.state, result));
    this.sideBlocks.prune(batch, block.header.height);
    await batch.setHead(block.hash).write();
    this.setHead(block);
    await this.pruneMempool(result.txs);
    this.emitHead({ block, result, reverted: [], durationMs: performance.now() - started });
  }

  private setHead(block: Block): void {
    this.headers.set(block.hashHex, block.header);
    this._head = headInfo(block.hash, block.header);
  }

  private emitHead(event: NewHeadEvent): void {
    this.emit("head", event);
  }

  private async pruneMempool(included: Tx[]): Promise<void> {
    const senders = new Set(included.map((t) => t.sender));
    for (const s of senders) this.mempool.dropBelow(s, (await getAccount(this.db.state, s)).nonce);
  }

  /** Adopts the branch ending in `tip` (reorg.ts), then moves the head and the mempool. */
  private async reorg(tip: Block): Promise<void> {
    const started = performance.now();
    const own = { sideBlocks: this.sideBlocks, markInvalid: (hashHex: string) => this.markInvalid(hashHex) };
    const r = await reorgTo(this, own, tip);
    this.setHead(tip);
    const depth = r.reverted.length;
    const from = r.reverted[0]?.header.height;
    this.log.warn({ from, to: tip.header.height, ancestor: r.ancestorHeight, depth }, "reorg");
    await this.pruneMempool(r.applied.flatMap((a) => a.result.txs));
    // The events of every block of the new branch, so none is lost to logs and metrics.
    const result = branchResult(r.applied);
    this.emitHead({ block: tip, result, reverted: r.reverted, durationMs: performance.now() - started });
    await returnToMempool(this.mempool, r, (tx) => admitTx(this, this.nextContext, tx));
  }

  /**
   * Produces, commits and returns the block of `slot` if `key` is that slot's proposer and the
   * head is older than the slot; otherwise null.
   */
  produceBlock(slot: number, key: KeyPair): Promise<Block | null> {
    return this.run(async () => {
      if (!mayPropose(this, slot, key)) return null;
      const started = performance.now();
      const { block, result } = await buildProposal(this, this.log, slot, key);
      await this.commitOnHead(block, result, started);
      return block;
    });
  }

  /** Waits until every queued job has run. */
  async idle(): Promise<void> {
    while (this.queued > 0) await this.queue;
  }
}

function headInfo(hash: Uint8Array, h: BlockHeader): HeadInfo {
  return { hash, hashHex: toHex(hash), height: h.height, slot: h.slot, stateRoot: h.stateRoot };
}
