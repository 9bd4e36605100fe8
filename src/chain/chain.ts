import { bytesEqual, toHex } from "../crypto/bytes.js";
import type { KeyPair } from "../crypto/keys.js";
import { cachingVerifier, verifySignature } from "../crypto/verify.js";
import { isXaiError, type XaiError, xaiError } from "../errors.js";
import { type Logger, silentLogger } from "../logger.js";
import { applyBlock, blockTxRoot } from "../state-transition/applyBlock.js";
import type { TxRules } from "../state-transition/applyTx.js";
import type { BlockResult } from "../state-transition/executeBlock.js";
import { type Block, type BlockHead, decodeBlock } from "../types/block.js";
import { BlockErrorCode } from "../types/errors.js";
import type { Tx } from "../types/tx.js";
import { type AdmitCaches, admitTx, NextBlockContext, pruneMempool } from "./admitTx.js";
import { putCanonicalBlock, undoOf } from "./blockWrites.js";
import { type BranchBookkeeping, BranchRecords, bookkeepingOf, MAX_RECORDS } from "./branchSchedule.js";
import { ChainReads } from "./chainReads.js";
import { isPreferred } from "./forkChoice.js";
import { chainGenesis, openGenesis } from "./genesisBlock.js";
import { checkHeader, gateBlockHead, type ProposerSchedule } from "./headerChecks.js";
import { checkStoredChain } from "./integrity.js";
import { JobQueue } from "./jobQueue.js";
import { DEFAULT_MEMPOOL_LIMITS, Mempool } from "./mempool.js";
import { PendingStates } from "./pendingState.js";
import { buildProposal, mayPropose } from "./produceBlock.js";
import { branchResult, reorgTo, returnToMempool } from "./reorg.js";
import { SideBlocks } from "./sideBlocks.js";
import { restoreSigned, SignGuard, signedOnHead } from "./signGuard.js";
import { StateSchedule } from "./stateSchedule.js";
import { TxSignatures } from "./txSignatures.js";
import { type Bound, type ChainOptions, headInfo, type ImportStatus, type NewHeadEvent } from "./types.js";
import { isUpgradeNeeded, UpgradeHalt } from "./upgradeHalt.js";

export { HARD_MAX_TX_BYTES } from "./txSignatures.js";
/** The chain's shapes (declared in types.ts), exported here where importers have always found them. */
export type { ChainOptions, HeadInfo, ImportStatus, NewHeadEvent } from "./types.js";

/** The chain (see above): every mutation runs through the job queue, blocks ahead of admission. */
export class Chain extends ChainReads {
  readonly rules: TxRules;
  readonly mempool: Mempool;
  private readonly now: () => number;
  private readonly log: Logger;
  /** Who proposes each slot, for the gate and production (ChainOptions.proposers, or `validators`). */
  readonly proposers: ProposerSchedule;
  /** The validator set of the head's state and its schedule (SPEC §4.8), reloaded as the head moves. */
  readonly validators: StateSchedule;
  /** Validator records of branches the gate could not judge (branchSchedule.ts). */
  private readonly branches: BranchRecords;
  private readonly sideBlocks: SideBlocks;
  /** What reorgs and branch judging mark and read: side blocks, the invalid-block memory. */
  private readonly bookkeeping: BranchBookkeeping;
  private readonly caches: AdmitCaches;
  private readonly jobs: JobQueue;
  /** Transaction signatures on the pool (a gossip batch's are checked side by side first). */
  readonly sigs: TxSignatures;
  readonly halt: UpgradeHalt;
  private readonly signGuard: SignGuard;
  private restorePending = false; // the last signed block's slot had not started at open

  private constructor(opts: ChainOptions) {
    super(chainGenesis(opts.genesis), opts.db);
    const verifier = opts.verifier ?? cachingVerifier(verifySignature);
    this.rules = { modules: opts.modules, verifier, genesisValidators: opts.genesis.validators };
    this.mempool = new Mempool({ ...DEFAULT_MEMPOOL_LIMITS, ...opts.mempool });
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? silentLogger;
    this.jobs = new JobQueue(opts.maxQueue ?? 10_000);
    this.sigs = new TxSignatures(verifier, opts.signaturePool ?? null, this.jobs, opts.maxQueue);
    this.validators = new StateSchedule(opts.genesis.validators);
    this.proposers = opts.proposers ?? this.validators;
    this.branches = new BranchRecords(opts.genesis.validators);
    this.sideBlocks = new SideBlocks(this.genesis.finalityDepth, opts.maxSideBlocks);
    this.caches = { next: new NextBlockContext(this.genesis, this.proposers), pending: new PendingStates() };
    this.halt = new UpgradeHalt(this.log, (plan) => this.emit("upgradeNeeded", plan));
    this.bookkeeping = bookkeepingOf(this.sideBlocks, this.known);
    this.signGuard = opts.signGuard ?? SignGuard.inMemory();
    this.db.onWriteFailure((err) => this.failStop(err));
  }

  /** A storage failure stops the chain for good (fail-stop): no job runs again; the owner is told. */
  private failStop(err: XaiError): void {
    this.jobs.stop(err);
    this.emit("fatal", err);
  }

  /** Opens a chain on a database: writes genesis into a new one, or resumes from the stored head. */
  static async open(opts: ChainOptions): Promise<Chain> {
    const chain = new Chain(opts);
    await chain.init(opts.genesis, opts.genesisFileSha256);
    return chain;
  }

  private async init(file: ChainOptions["genesis"], fileSha256: Uint8Array | undefined): Promise<void> {
    const headHash = await openGenesis(this.db, file, fileSha256, this.rules);
    await checkStoredChain(this.db, headHash, this.genesis.finalityDepth);
    const header = (await this.header(headHash))!;
    this._head = headInfo(headHash, header);
    await Promise.all([this.validators.refresh(this.db.state, headHash), this.sideBlocks.load(this.db)]);
    await this.validators.loadRecent(this.db, header.height, this.genesis.finalityDepth);
    this.restorePending = await restoreSigned(this.signGuard, this, this.log);
    if (this.db.writeFailure) throw this.db.writeFailure;
  }

  /** Number of jobs waiting for the chain. */
  get queueLength(): number {
    return this.jobs.length;
  }

  /** Every bounded queue and cache of the chain with its cap (the node's metrics show them). */
  bounds(): Bound[] {
    return [
      ...this.jobs.bounds(),
      ...this.mempool.bounds(),
      ...this.caches.pending.bounds(this.mempool.limits.maxTxs),
      { name: "side_blocks", size: this.sideBlocks.size, capacity: this.sideBlocks.capacity },
      { name: "branch_records", size: this.branches.size, capacity: MAX_RECORDS },
      ...this.known.bounds(),
      ...this.sigs.bounds(),
    ];
  }

  /** Side-branch blocks this node stores (not canonical, not yet final). */
  get sideBlockCount(): number {
    return this.sideBlocks.size;
  }

  /**
   * Checks a transaction against the current head state (on top of the sender's pending ones) and
   * adds it to the mempool. Throws an XaiError with the reason; nothing is stored then.
   */
  submitTx(input: Uint8Array | Tx, o: { poolChecked?: boolean } = {}): Promise<Tx> {
    return this.sigs.admit(this, input, (tx) => admitTx(this, this.caches, tx), o.poolChecked);
  }

  /**
   * Imports a block from a peer or from sync. Throws an XaiError with a BLOCK_* code if invalid.
   * The header gate and the body's decoding run before the queue: a forged block never takes a
   * place in it, and never reaches the body decoding or the parent lookup.
   */
  importBlock(bytes: Uint8Array): Promise<{ status: ImportStatus; block: Block }> {
    let head: BlockHead;
    let block: Block | undefined;
    try {
      const gate = gateBlockHead(this.genesis, this.proposers, this.known, bytes, this.rules.verifier);
      head = gate.head;
      // A block the gate could not judge has its body decoded only once its proposer checks out.
      if (gate.resolved) block = decodeBlock(bytes);
    } catch (err) {
      return Promise.reject(this.rejected(err));
    }
    const preverified = block && this.sigs.preverify(block.txs);
    return this.jobs.run("block", async () => {
      try {
        await preverified;
        if (!block) {
          // The exact proposer check of a block the gate let through unjudged (branchSchedule.ts).
          this.halt.check();
          await this.branches.judge(this, this.bookkeeping, head, this.now());
          block = decodeBlock(bytes);
          await this.sigs.preverify(block.txs);
        }
        return { status: await this.importDecoded(block), block };
      } catch (err) {
        throw this.rejected(err);
      }
    });
  }

  private rejected(err: unknown): unknown {
    if (isXaiError(err)) this.emit("blockRejected", err.code);
    return this.halt.note(err);
  }

  private async importDecoded(block: Block): Promise<ImportStatus> {
    const h = block.header;
    this.halt.check();
    if (this.known.isInvalid(block.hashHex) || this.known.isInvalid(toHex(h.parentHash)))
      throw xaiError(BlockErrorCode.KNOWN_INVALID, "block or parent known invalid");
    if (this.db.hasBlock(block.hash)) throw xaiError(BlockErrorCode.KNOWN, "block already known");
    const parent = await this.header(h.parentHash);
    if (!parent)
      throw xaiError(BlockErrorCode.UNKNOWN_PARENT, "parent block is unknown", { height: h.height });
    // The signature was checked by the header gate (importBlock).
    checkHeader(this.genesis, block, parent, this.now(), null);
    // The body must match the header before anything is stored or remembered under the block's hash
    // (the hash covers the header only): a tampered copy must not shut the honest block out.
    if (!bytesEqual(blockTxRoot(block).root, h.txRoot))
      throw xaiError(BlockErrorCode.BAD_TX_ROOT, "tx_root does not match the transactions");
    if (h.height <= this.finalizedHeight)
      throw xaiError(BlockErrorCode.REVERTS_FINALIZED, `height ${h.height} is final`);
    if (bytesEqual(h.parentHash, this._head.hash)) {
      const started = performance.now();
      let result: BlockResult;
      try {
        result = await applyBlock(this.db.state, block, this._head.stateRoot, this.rules);
      } catch (err) {
        if (isXaiError(err) && !isUpgradeNeeded(err)) this.known.markInvalid(block.hashHex);
        throw err;
      }
      await this.commitOnHead(block, result, started);
      return "head";
    }
    if (!isPreferred({ height: h.height, slot: h.slot, hash: block.hash }, this._head)) {
      // A side branch: keep it (its header is checked) so that it can win later; bounded, and
      // pruned once final.
      await this.sideBlocks.store(this.db, block);
      return "side";
    }
    await this.reorg(block);
    return "reorg";
  }

  /**
   * Writes `block` (applied or built on the head) and its state in one batch and makes it the head;
   * `sync` (a block this node signed, before it is announced): once the log is on the disk.
   */
  private async commitOnHead(
    block: Block,
    result: BlockResult,
    started: number,
    sync = false,
  ): Promise<void> {
    const batch = this.db.batch().applyState(result.overlay.changes());
    putCanonicalBlock(batch, block, result, await undoOf(this.db.state, result));
    this.sideBlocks.prune(batch, block.header.height);
    await batch.setHead(block.hash).write({ sync });
    await this.setHead(block);
    await pruneMempool(this, result.txs);
    this.emit("head", { block, result, reverted: [], durationMs: performance.now() - started });
  }

  private async setHead(block: Block): Promise<void> {
    this.known.remember(block.hashHex, block.header);
    this._head = headInfo(block.hash, block.header);
    await this.validators.refresh(this.db.state, block.hash);
  }

  /** Adopts the branch ending in `tip` (reorg.ts), then moves the head and the mempool. */
  private async reorg(tip: Block): Promise<void> {
    const started = performance.now();
    const r = await reorgTo(this, this.bookkeeping, tip);
    await this.setHead(tip);
    const [from, depth] = [r.reverted[0]?.header.height, r.reverted.length];
    this.log.warn({ from, to: tip.header.height, ancestor: r.ancestorHeight, depth }, "reorg");
    // The transactions and events of every block of the new branch, so none is lost to logs and metrics.
    const result = branchResult(r.applied);
    await pruneMempool(this, result.txs);
    const durationMs = performance.now() - started;
    this.emit("head", { block: tip, result, reverted: r.reverted, durationMs } satisfies NewHeadEvent);
    await returnToMempool(this.mempool, r, (tx) => admitTx(this, this.caches, tx));
  }

  /**
   * Produces, commits and returns the block of `slot` if `key` is its proposer, the head is older
   * and the sign guard allows it (signGuard.ts; first stores a signed block the open could not); else
   * null. The block is recorded by the guard, then stored durably, before it is returned (announced).
   */
  async produceBlock(slot: number, key: KeyPair): Promise<Block | null> {
    if (this.restorePending)
      this.restorePending =
        signedOnHead(this.signGuard, this) && (await restoreSigned(this.signGuard, this, this.log, true));
    return this.jobs.run("block", async () => {
      this.halt.check();
      if (!mayPropose(this, slot, key, this.signGuard)) return null;
      const started = performance.now();
      const { block, result } = await buildProposal(this, this.log, slot, key).catch(this.halt.rethrow);
      try {
        this.signGuard.record(block);
      } catch (err) {
        this.failStop(err as XaiError);
        throw err;
      }
      await this.commitOnHead(block, result, started, true);
      return block;
    });
  }

  /** Waits until every queued job has run. */
  idle(): Promise<void> {
    return this.jobs.idle();
  }
}
