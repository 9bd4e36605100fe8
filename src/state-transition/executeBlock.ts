/**
 * The block executor: the one loop that runs a block's transactions, shared by block application
 * and block building (applyBlock.ts). Each transaction goes through applyTx on its own overlay over
 * the block's, which keeps it only if it is valid; then come the receipts and events, the
 * end-of-block work (modules in order, block reward, supply checkpoint) and the state root.
 *
 * Two modes, so the two paths cannot drift apart: "strict" (application: the first invalid
 * transaction fails the block with BLOCK_INVALID_TX) and "skip-invalid" (building: an invalid
 * candidate is left out and reported, and the block is filled up to max_block_txs and
 * max_block_bytes). Pure: the changes stay in the returned overlay; the caller writes them.
 */

import { rewardAt } from "../config/supply.js";
import { type ErrorCode, isXaiError, type XaiError, xaiError } from "../errors.js";
import { BlockErrorCode } from "../types/errors.js";
import type { Tx } from "../types/tx.js";
import { checkpointSupply, mint } from "./accounts.js";
import { applyTx, type TxRules } from "./applyTx.js";
import type { BlockContext, ChainEvent, TxOutcome } from "./module.js";
import { loadBlockParams, paramOf } from "./params.js";
import { computeStateRoot } from "./stateRoot.js";
import { ReadCache, StateOverlay, type StateReader } from "./stateStore.js";

/** What a valid transaction left behind: its outcome at its position in the block. */
export interface Receipt extends TxOutcome {
  txId: string;
  height: number;
  index: number;
}

/** The result of applying a block: its state changes (not yet written), root, receipts, events. */
export interface BlockResult {
  overlay: StateOverlay;
  stateRoot: Uint8Array;
  txs: Tx[];
  receipts: Receipt[];
  events: ChainEvent[];
}

/** A candidate a block builder left out, and why. */
export interface Skipped {
  tx: Tx;
  code: ErrorCode;
}

/**
 * How executeBlock treats the transactions: "strict" (every one must be valid; the block limits
 * were checked before) or "skip-invalid" (invalid ones are skipped, and the block is filled up to
 * its limits).
 */
export type ExecuteMode = "strict" | "skip-invalid";

/**
 * Start of block: each module's beginBlock in module order (a due upgrade's migration). If one
 * changed the registry, the context carries the parameters read again, so a migration's values
 * hold from the block's first transaction (SPEC v2 §4.7).
 */
export async function beginBlock(
  overlay: StateOverlay,
  ctx: BlockContext,
  rules: TxRules,
  events: ChainEvent[],
): Promise<BlockContext> {
  let changed = false;
  for (const m of rules.modules)
    if (m.beginBlock && (await m.beginBlock({ ...ctx, state: overlay, events }))) changed = true;
  return changed ? { ...ctx, params: await loadBlockParams(overlay, ctx.params.genesisValidators) } : ctx;
}

/** End of block: modules in their order, then the block reward, then the supply checkpoint. */
export async function endBlock(
  overlay: StateOverlay,
  ctx: BlockContext,
  rules: TxRules,
  events: ChainEvent[],
): Promise<void> {
  for (const m of rules.modules) if (m.endBlock) await m.endBlock({ ...ctx, state: overlay, events });
  const reward = rewardAt(
    paramOf(ctx.params, "block_reward"),
    paramOf(ctx.params, "halving_interval"),
    ctx.height,
  );
  await mint(overlay, ctx.proposer, reward, ctx.height);
  await checkpointSupply(overlay, ctx.height);
}

/**
 * BLOCK_INVALID_TX for the transaction at `index` that failed with `err` (data: index, txId,
 * txCode); rethrows `err` itself if it is not an XaiError (a bug, not an invalid block).
 */
export function invalidTx(err: unknown, index: number, txId?: string): XaiError {
  if (!isXaiError(err)) throw err;
  return xaiError(BlockErrorCode.INVALID_TX, `transaction ${index} is invalid: ${err.message}`, {
    index,
    txId,
    txCode: err.code,
  });
}

/**
 * Room left in a block being built. A sender with a transaction left out for room has its later
 * ones wait too (they would fail on the nonce, and must not be reported as invalid).
 */
class BlockRoom {
  private readonly maxTxs: number;
  private readonly maxBytes: number;
  private readonly deferred = new Set<string>();
  private bytes = 0;

  constructor(ctx: BlockContext) {
    this.maxTxs = Number(paramOf(ctx.params, "max_block_txs"));
    this.maxBytes = Number(paramOf(ctx.params, "max_block_bytes"));
  }

  /** "full": stop filling; "wait": leave `tx` out; "fits": try it. */
  check(tx: Tx, included: number): "full" | "wait" | "fits" {
    if (included >= this.maxTxs) return "full";
    if (this.deferred.has(tx.sender)) return "wait";
    if (this.bytes + tx.bytes.length > this.maxBytes) {
      this.deferred.add(tx.sender);
      return "wait";
    }
    return "fits";
  }

  add(tx: Tx): void {
    this.bytes += tx.bytes.length;
  }
}

/**
 * Executes the start of the block, then `txs` in order on an overlay of `pre` under `ctx` (see
 * ExecuteMode), then the end of the block, and computes the state root over `parentRoot`. Receipts are numbered by position among
 * the included transactions. Throws BLOCK_INVALID_TX in strict mode.
 */
export async function executeBlock(
  pre: StateReader,
  ctx: BlockContext,
  txs: readonly Tx[],
  mode: ExecuteMode,
  parentRoot: Uint8Array,
  rules: TxRules,
): Promise<{ result: BlockResult; skipped: Skipped[] }> {
  // The block limits are those of the pre-state, as applyBlock checks them before decoding.
  const room = mode === "skip-invalid" ? new BlockRoom(ctx) : undefined;
  // Every read of the block below its overlay goes through one ReadCache (stateStore.ts).
  const overlay = new StateOverlay(new ReadCache(pre));
  const included: Tx[] = [];
  const receipts: Receipt[] = [];
  const events: ChainEvent[] = [];
  const skipped: Skipped[] = [];
  ctx = await beginBlock(overlay, ctx, rules, events);
  for (const tx of txs) {
    const fit = room?.check(tx, included.length) ?? "fits";
    if (fit === "full") break;
    if (fit === "wait") continue;
    try {
      // applyTx adds the transaction's events to `events` only if it is valid.
      const r = await applyTx(overlay, tx, ctx, rules, events);
      r.overlay.commitTo(overlay);
      receipts.push({ txId: tx.id, height: ctx.height, index: included.length, ...r.outcome });
      included.push(tx);
      room?.add(tx);
    } catch (err) {
      if (mode === "strict") throw invalidTx(err, included.length, tx.id);
      if (!isXaiError(err)) throw err;
      skipped.push({ tx, code: err.code });
    }
  }
  await endBlock(overlay, ctx, rules, events);
  const stateRoot = computeStateRoot(parentRoot, ctx.height, overlay.changes());
  return { result: { overlay, stateRoot, txs: included, receipts, events }, skipped };
}
