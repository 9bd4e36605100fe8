import { EventEmitter } from "node:events";
import { GenesisErrorCode } from "../config/errors.js";
import { type Genesis, proposerOfSlot } from "../config/genesis.js";
import { bytesEqual, toHex } from "../crypto/bytes.js";
import { type KeyPair, sign } from "../crypto/keys.js";
import { cachingVerifier, type Verifier, verifyNode } from "../crypto/verify.js";
import type { ChainDb, DbBatch, StoredReceipt } from "../db/chainDb.js";
import { DbErrorCode } from "../db/errors.js";
import type { UndoRecord } from "../db/undo.js";
import { isXaiError, XaiError, xaiError } from "../errors.js";
import { type Logger, silentLogger } from "../logger.js";
import { getAccount } from "../state-transition/accounts.js";
import {
  applyBlock,
  type BlockResult,
  blockContext,
  buildBlock,
  genesisState,
  txRootOf,
  txRootOfBytes,
} from "../state-transition/applyBlock.js";
import { applyTx, checkTxStateless, type TxRules } from "../state-transition/applyTx.js";
import type { BlockContext, StateModule } from "../state-transition/module.js";
import { paramOf } from "../state-transition/params.js";
import { StateOverlay, type StateReader } from "../state-transition/stateStore.js";
import {
  assembleBlock,
  type Block,
  type BlockHeader,
  blockSigningMessage,
  decodeBlock,
  encodeHeader,
} from "../types/block.js";
import { BlockErrorCode, TxErrorCode } from "../types/errors.js";
import type { Tx } from "../types/tx.js";
import { decodeTx } from "../types/txCodec.js";
import { ChainErrorCode } from "./errors.js";
import { isPreferred } from "./forkChoice.js";
import { genesisBlock } from "./genesisBlock.js";
import { checkHeader } from "./headerChecks.js";
import { DEFAULT_MEMPOOL_LIMITS, Mempool, type MempoolLimits } from "./mempool.js";

/** Options of a chain. */
export interface ChainOptions {
  genesis: Genesis;
  db: ChainDb;
  modules: readonly StateModule[];
  /** Signature verifier of the block path (default: node:crypto). */
  verifier?: Verifier;
  /** Wall clock in ms, for the future-slot check (injected by tests). */
  now?: () => number;
  mempool?: Partial<MempoolLimits>;
  log?: Logger;
  /** Most jobs (imports, submissions, productions) waiting for the chain at once. */
  maxQueue?: number;
}

/** The canonical tip. */
export interface HeadInfo {
  hash: Uint8Array;
  hashHex: string;
  height: number;
  slot: number;
  stateRoot: Uint8Array;
}

/** What importing a block did. */
export type ImportStatus = "head" | "reorg" | "side";

/** Emitted on every new head (a block on top, or the tip of a reorg). */
export interface NewHeadEvent {
  block: Block;
  result: BlockResult;
  /** Blocks reverted by a reorg before this head was reached (empty for a plain extension). */
  reverted: Block[];
  /** Wall time spent applying (or building) and committing, for metrics. */
  durationMs: number;
}

/** Most side-branch blocks stored at once (each is at most max_block_bytes). */
const MAX_SIDE_BLOCKS = 4096;

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
  private readonly sideBlocks = new Map<string, { hash: Uint8Array; height: number }>();
  private queue: Promise<unknown> = Promise.resolve();
  private queued = 0;
  private _head!: HeadInfo;
  private nextContext: { head: string; ctx: BlockContext } | undefined;

  private constructor(opts: ChainOptions) {
    super();
    this.genesis = opts.genesis;
    this.db = opts.db;
    this.rules = { modules: opts.modules, verifier: opts.verifier ?? cachingVerifier(verifyNode) };
    this.mempool = new Mempool({ ...DEFAULT_MEMPOOL_LIMITS, ...opts.mempool });
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? silentLogger;
    this.maxQueue = opts.maxQueue ?? 10_000;
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
    let headHash = await this.db.getHead();
    if (!headHash) {
      const { overlay, stateRoot } = await genesisState(this.genesis, this.rules);
      const block = genesisBlock(this.genesis, stateRoot);
      await this.db
        .batch()
        .putBlock(block.hash, block.bytes)
        .setCanonical(0, block.hash)
        .applyState(overlay.changes())
        .setMeta("genesis", this.genesis.hash)
        .setHead(block.hash)
        .write();
      headHash = block.hash;
    }
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

  // ---- transactions -------------------------------------------------------------------------

  /**
   * Checks a transaction against the current head state (on top of the sender's pending ones) and
   * adds it to the mempool. Throws an XaiError with the reason; nothing is stored then.
   */
  submitTx(input: Uint8Array | Tx): Promise<Tx> {
    if (input instanceof Uint8Array && input.length > HARD_MAX_TX_BYTES)
      return Promise.reject(xaiError(TxErrorCode.TOO_LARGE, `transaction is ${input.length} bytes`));
    return this.run(() => this.admit(input instanceof Uint8Array ? decodeTx(input) : input));
  }

  /** Context of the next block on the head (what mempool checks run under), cached per head. */
  private async nextBlockContext(): Promise<BlockContext> {
    if (this.nextContext?.head === this._head.hashHex) return this.nextContext.ctx;
    const slot = this._head.slot + 1;
    const ctx = await blockContext(this.db.state, {
      chainId: this.genesis.chainId,
      height: this._head.height + 1,
      slot,
      proposer: proposerOfSlot(this.genesis, slot).address,
    });
    this.nextContext = { head: this._head.hashHex, ctx };
    return ctx;
  }

  private async admit(tx: Tx): Promise<Tx> {
    if (this.mempool.has(tx.id) || (await this.db.getReceipt(tx.id)))
      throw xaiError(TxErrorCode.DUPLICATE, "transaction already known");
    const ctx = await this.nextBlockContext();
    // Size first, as applyTx checks it: the cheapest check, and the code a block would give.
    const maxTxBytes = paramOf(ctx.params, "max_tx_bytes");
    if (BigInt(tx.bytes.length) > maxTxBytes)
      throw xaiError(TxErrorCode.TOO_LARGE, `transaction is ${tx.bytes.length} bytes, limit ${maxTxBytes}`);
    checkTxStateless(tx, this.genesis.chainId, this.rules.verifier);
    const account = await getAccount(this.db.state, tx.sender);
    const pending = this.mempool.pendingOf(tx.sender);
    const expected = account.nonce + BigInt(pending.length);
    if (tx.body.nonce < account.nonce)
      throw xaiError(
        TxErrorCode.NONCE_TOO_LOW,
        `nonce ${tx.body.nonce} already used; next is ${account.nonce}`,
        {
          expected: account.nonce.toString(),
        },
      );
    if (tx.body.nonce > expected)
      throw xaiError(TxErrorCode.NONCE_TOO_HIGH, `nonce ${tx.body.nonce} leaves a gap; next is ${expected}`, {
        expected: expected.toString(),
      });
    const replaced = pending.find((t) => t.body.nonce === tx.body.nonce);
    if (replaced && tx.body.fee * 10n < replaced.body.fee * 11n)
      throw xaiError(TxErrorCode.REPLACEMENT_UNDERPRICED, "a replacement must pay at least 10% more fee");
    if (
      replaced &&
      this.mempool.bytes - replaced.bytes.length + tx.bytes.length > this.mempool.limits.maxBytes
    )
      throw xaiError(TxErrorCode.MEMPOOL_FULL, "the replacement does not fit in the mempool");
    // Validate on top of the sender's earlier pending transactions, exactly as a block would.
    let state: StateReader = this.db.state;
    for (const t of pending) {
      if (t.body.nonce >= tx.body.nonce) break;
      state = (await applyTx(state, t, ctx, { ...this.rules, verifier: null }, [])).overlay;
    }
    await applyTx(state, tx, ctx, this.rules, []);
    if (!replaced) {
      if (this.mempool.senderFull(tx.sender))
        throw xaiError(TxErrorCode.MEMPOOL_FULL, "too many pending transactions from this sender");
      // All or nothing, and never the sender's own pending ones: `tx` was validated on top of them.
      const victims = this.mempool.evictionPlan(tx);
      if (!victims) throw xaiError(TxErrorCode.MEMPOOL_FULL, "mempool is full");
      for (const v of victims) this.mempool.remove(v.id);
    }
    this.mempool.insert(tx);
    return tx;
  }

  // ---- blocks -------------------------------------------------------------------------------

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
      // pruned once final (sync fetches a side block again if it is ever needed).
      if (this.sideBlocks.size < MAX_SIDE_BLOCKS) {
        await this.db.batch().putBlock(block.hash, block.bytes).write();
        this.sideBlocks.set(block.hashHex, { hash: block.hash, height: h.height });
      }
      return "side";
    }
    await this.reorgTo(block);
    return "reorg";
  }

  private async undoOf(pre: StateReader, result: BlockResult): Promise<UndoRecord> {
    const undo: UndoRecord = [];
    for (const [k] of result.overlay.changes()) undo.push([k, (await pre.get(k)) ?? null]);
    return undo;
  }

  private receiptsOf(block: Block, result: BlockResult): StoredReceipt[] {
    return result.receipts.map((r) => ({ ...r, blockHash: block.hashHex }));
  }

  private async commitOnHead(block: Block, result: BlockResult, started: number): Promise<void> {
    const batch = this.db
      .batch()
      .putBlock(block.hash, block.bytes)
      .setCanonical(block.header.height, block.hash)
      .putUndo(block.hash, await this.undoOf(this.db.state, result))
      .applyState(result.overlay.changes());
    for (const r of this.receiptsOf(block, result)) batch.putReceipt(r);
    this.pruneSideBlocks(batch, block.header.height);
    await batch.setHead(block.hash).write();
    this.setHead(block);
    await this.pruneMempool(result.txs);
    this.emit("head", {
      block,
      result,
      reverted: [],
      durationMs: performance.now() - started,
    } satisfies NewHeadEvent);
  }

  private setHead(block: Block): void {
    this.headers.set(block.hashHex, block.header);
    this._head = headInfo(block.hash, block.header);
  }

  /**
   * Adds to `batch` the deletion of stored side-branch blocks that a head at `headHeight` makes
   * final (at or below its final height): they can never win any more.
   */
  private pruneSideBlocks(batch: DbBatch, headHeight: number): void {
    const final = Math.max(0, headHeight - this.genesis.finalityDepth);
    for (const [key, b] of this.sideBlocks)
      if (b.height <= final) {
        batch.delBlock(b.hash);
        this.sideBlocks.delete(key);
      }
  }

  /** Side-branch blocks this node stores (not canonical, not yet final). */
  get sideBlockCount(): number {
    return this.sideBlocks.size;
  }

  private async pruneMempool(included: Tx[]): Promise<void> {
    const senders = new Set(included.map((t) => t.sender));
    for (const s of senders) this.mempool.dropBelow(s, (await getAccount(this.db.state, s)).nonce);
  }

  /**
   * Switches the canonical chain to the branch ending in `tip`: reverts the head back to the
   * common ancestor with undo records and applies the branch, all on one overlay, then writes
   * everything in one batch. If any branch block is invalid nothing changes.
   */
  private async reorgTo(tip: Block): Promise<void> {
    const started = performance.now();
    const branch: Block[] = [tip];
    for (let cur = tip.header; ; ) {
      const canonical = await this.db.getCanonicalHash(cur.height - 1);
      if (canonical && bytesEqual(canonical, cur.parentHash)) break;
      // A parent at a final height that is not canonical: the branch would revert a final block
      // (and such side blocks are pruned, so it may not even be stored any more).
      if (cur.height - 1 <= this.finalizedHeight)
        throw xaiError(BlockErrorCode.REVERTS_FINALIZED, `reorg below final height ${this.finalizedHeight}`);
      const parent = await this.blockByHash(cur.parentHash);
      if (!parent)
        throw xaiError(BlockErrorCode.UNKNOWN_PARENT, "branch block missing", { height: cur.height - 1 });
      branch.unshift(parent);
      cur = parent.header;
    }
    const ancestorHeight = branch[0]!.header.height - 1;
    if (ancestorHeight < this.finalizedHeight)
      throw xaiError(BlockErrorCode.REVERTS_FINALIZED, `reorg below final height ${this.finalizedHeight}`);
    const overlay = new StateOverlay(this.db.state);
    const reverted: Block[] = [];
    for (let height = this._head.height; height > ancestorHeight; height--) {
      const hash = (await this.db.getCanonicalHash(height))!;
      for (const [k, v] of (await this.db.getUndo(hash)) ?? []) {
        if (v === null) overlay.del(k);
        else overlay.put(k, v);
      }
      reverted.push((await this.blockByHash(hash))!);
    }
    let parentRoot = (await this.header(branch[0]!.header.parentHash))!.stateRoot;
    const applied: Array<{ block: Block; result: BlockResult; undo: UndoRecord }> = [];
    for (const [i, b] of branch.entries()) {
      let result: BlockResult;
      try {
        result = await applyBlock(overlay, b, parentRoot, this.rules);
      } catch (err) {
        if (isXaiError(err)) for (const bad of branch.slice(i)) this.markInvalid(bad.hashHex);
        throw err;
      }
      applied.push({ block: b, result, undo: await this.undoOf(overlay, result) });
      result.overlay.commitTo(overlay);
      parentRoot = result.stateRoot;
    }
    const batch = this.db.batch().applyState(overlay.changes());
    // Reverted transactions, oldest first, decoded once: their receipts go, and those the new
    // branch did not include return to the mempool below.
    const revertedTxs = [...reverted].reverse().flatMap((b) => b.txs.map((bytes) => decodeTx(bytes)));
    for (const tx of revertedTxs) batch.delReceipt(tx.id);
    for (const b of reverted) {
      batch.delUndo(b.hash);
      if (b.header.height > tip.header.height) batch.delCanonical(b.header.height);
    }
    for (const { block, result, undo } of applied) {
      batch
        .putBlock(block.hash, block.bytes)
        .setCanonical(block.header.height, block.hash)
        .putUndo(block.hash, undo);
      for (const r of this.receiptsOf(block, result)) batch.putReceipt(r);
    }
    for (const { block } of applied) this.sideBlocks.delete(block.hashHex);
    for (const b of reverted) this.sideBlocks.set(b.hashHex, { hash: b.hash, height: b.header.height });
    this.pruneSideBlocks(batch, tip.header.height);
    await batch.setHead(tip.hash).write();
    this.setHead(tip);
    this.log.warn(
      {
        from: reverted[0]?.header.height,
        to: tip.header.height,
        ancestor: ancestorHeight,
        depth: reverted.length,
      },
      "reorg",
    );
    const last = applied[applied.length - 1]!;
    await this.pruneMempool(applied.flatMap((a) => a.result.txs));
    this.emit("head", {
      block: tip,
      // The events of every block of the new branch, so none is lost to logs and metrics.
      result: {
        ...last.result,
        txs: applied.flatMap((a) => a.result.txs),
        receipts: applied.flatMap((a) => a.result.receipts),
        events: applied.flatMap((a) => a.result.events),
      },
      reverted,
      durationMs: performance.now() - started,
    } satisfies NewHeadEvent);
    // Return reverted transactions that the new branch did not include to the mempool, ahead of
    // their senders' pending ones (which have higher nonces): those are taken out and admitted again
    // after them, so each sender's queue stays in nonce order without gaps.
    const included = new Set(applied.flatMap((a) => a.result.txs.map((t) => t.id)));
    const back = revertedTxs.filter((tx) => !included.has(tx.id));
    const later: Tx[] = [];
    for (const sender of new Set(back.map((tx) => tx.sender))) {
      const first = this.mempool.pendingOf(sender)[0];
      if (first) later.push(...this.mempool.remove(first.id));
    }
    for (const tx of [...back, ...later]) await this.admit(tx).catch(() => undefined);
  }

  /**
   * Produces, commits and returns the block of `slot` if `key` is that slot's proposer and the
   * head is older than the slot; otherwise null.
   */
  produceBlock(slot: number, key: KeyPair): Promise<Block | null> {
    return this.run(async () => {
      if (slot <= this._head.slot || proposerOfSlot(this.genesis, slot).address !== key.address) return null;
      const started = performance.now();
      const ctx = await blockContext(this.db.state, {
        chainId: this.genesis.chainId,
        height: this._head.height + 1,
        slot,
        proposer: key.address,
      });
      const candidates = this.mempool.candidates(Number(ctx.params.param.max_block_txs) * 2);
      const result = await buildBlock(this.db.state, candidates, ctx, this._head.stateRoot, this.rules);
      for (const s of result.skipped) {
        this.log.debug({ txId: s.tx.id, code: s.code }, "dropped invalid pending transaction");
        this.mempool.remove(s.tx.id);
      }
      const header: BlockHeader = {
        chainId: this.genesis.chainId,
        height: ctx.height,
        slot,
        parentHash: this._head.hash,
        proposer: key.address,
        txRoot: txRootOf(result.txs),
        stateRoot: result.stateRoot,
      };
      const signature = sign(blockSigningMessage(encodeHeader(header)), key.secretKey);
      const block = assembleBlock(
        header,
        signature,
        result.txs.map((t) => t.bytes),
      );
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
