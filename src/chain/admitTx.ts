/**
 * Mempool admission: whether a transaction may wait for a block, checked against the head state on
 * top of its sender's pending transactions. The checks, in order: cheap ones first, and nothing
 * that costs a signature check before the checks that need only state (SPEC §3 v2, review A5), so a
 * transaction from an unfunded or stale key is refused without verifying its signature:
 *
 * 1. not already known (in the mempool, or a receipt on chain): TX_DUPLICATE;
 * 2. size (`max_tx_bytes`), then chain id;
 * 3. the nonce window: from the account's nonce up to the next nonce after its pending ones (the
 *    nonce rule of applyTx, `checkNonce`, widened by the pending count);
 * 4. a replacement of a pending nonce pays at least 10% more fee, and fits in the mempool;
 * 5. the fee rule (`checkFee`: `min_tx_fee`, and the balance after the sender's earlier pending
 *    transactions covers it);
 * 6. key and signature (`checkTxStateless`);
 * 7. applyTx on the sender's pending overlay (pendingState.ts): one transaction applied, whatever
 *    the sender has pending;
 * 8. room: the sender's limit, then all-or-nothing eviction of cheaper transactions of others.
 *
 * Codes are those a block would give for the same fault; only their order differs where a
 * transaction has several faults (a block checks the signature first).
 */
import type { Genesis } from "../config/genesis.js";
import { xaiError } from "../errors.js";
import { getAccount } from "../state-transition/accounts.js";
import { blockContext } from "../state-transition/applyBlock.js";
import { applyTx, checkFee, checkNonce, checkTxSize, checkTxStateless } from "../state-transition/applyTx.js";
import type { BlockContext } from "../state-transition/module.js";
import type { StateReader } from "../state-transition/stateStore.js";
import { TxErrorCode } from "../types/errors.js";
import type { Tx } from "../types/tx.js";
import type { ProposerSchedule } from "./headerChecks.js";
import type { Mempool } from "./mempool.js";
import type { PendingStates } from "./pendingState.js";
import type { ChainView } from "./types.js";

/** What admission reads: the head, its state and receipts, the rules; and the mempool it fills. */
export type AdmitView = Pick<ChainView, "db" | "genesis" | "rules" | "mempool" | "head">;

/**
 * The context of the next block on a head, cached per head (every admission between two blocks
 * runs under the same one).
 */
export class NextBlockContext {
  private cached: { head: string; ctx: BlockContext } | undefined;

  constructor(
    private readonly genesis: Genesis,
    private readonly proposers: ProposerSchedule,
  ) {}

  /** The context of the block after `head`, over the head's post-state `state`. */
  async of(
    state: StateReader,
    head: { hashHex: string; height: number; slot: number },
  ): Promise<BlockContext> {
    if (this.cached?.head === head.hashHex) return this.cached.ctx;
    const slot = head.slot + 1;
    const height = head.height + 1;
    const ctx = await blockContext(
      state,
      {
        chainId: this.genesis.chainId,
        height,
        slot,
        proposer: this.proposers.proposerOf(slot, height).address,
      },
      this.genesis.validators,
    );
    this.cached = { head: head.hashHex, ctx };
    return ctx;
  }
}

async function checkUnknown(a: AdmitView, tx: Tx): Promise<void> {
  if (a.mempool.has(tx.id) || (await a.db.getReceipt(tx.id)))
    throw xaiError(TxErrorCode.DUPLICATE, "transaction already known");
}

/** The pending transaction `tx` replaces (same nonce), if any, after the replacement rules. */
function checkReplacement(mempool: Mempool, pending: readonly Tx[], tx: Tx): Tx | undefined {
  const replaced = pending.find((t) => t.body.nonce === tx.body.nonce);
  if (!replaced) return undefined;
  if (tx.body.fee * 10n < replaced.body.fee * 11n)
    throw xaiError(TxErrorCode.REPLACEMENT_UNDERPRICED, "a replacement must pay at least 10% more fee");
  if (mempool.bytes - replaced.bytes.length + tx.bytes.length > mempool.limits.maxBytes)
    throw xaiError(TxErrorCode.MEMPOOL_FULL, "the replacement does not fit in the mempool");
  return replaced;
}

/** Makes room for a new (not replacing) `tx`: the sender's limit, then eviction of others. */
function makeRoom(mempool: Mempool, tx: Tx): void {
  if (mempool.senderFull(tx.sender))
    throw xaiError(TxErrorCode.MEMPOOL_FULL, "too many pending transactions from this sender");
  // All or nothing, and never the sender's own pending ones: `tx` was validated on top of them.
  const victims = mempool.evictionPlan(tx);
  if (!victims) throw xaiError(TxErrorCode.MEMPOOL_FULL, "mempool is full");
  for (const v of victims) mempool.remove(v.id);
}

/** The chain's caches admission runs with: the next block's context and the pending overlays. */
export interface AdmitCaches {
  next: NextBlockContext;
  pending: PendingStates;
}

/**
 * Checks `tx` (see the order above) and adds it to the mempool. Throws an XaiError with the
 * reason; nothing changes then (except pending transactions of the sender that the head made
 * invalid, dropped when its view is rebuilt). Runs on the chain's admission lane.
 */
export async function admitTx(a: AdmitView, caches: AdmitCaches, tx: Tx): Promise<Tx> {
  await checkUnknown(a, tx);
  const ctx = await caches.next.of(a.db.state, a.head);
  // [IGNORE] size first, as applyTx checks it: the cheapest check, and the code a block would give.
  checkTxSize(tx, ctx.params);
  // [REJECT] another chain (checkTxStateless without a verifier checks only the chain id).
  checkTxStateless(tx, a.genesis.chainId, null);
  const view = await caches.pending.of(a, ctx, tx.sender);
  const head = caches.pending.state(a);
  const account = await getAccount(head, tx.sender);
  const pending = a.mempool.pendingOf(tx.sender);
  // [IGNORE] a nonce outside the window of the account and its pending transactions.
  checkNonce(tx.body.nonce, account.nonce, BigInt(pending.length));
  const replaced = checkReplacement(a.mempool, pending, tx);
  const k = Number(tx.body.nonce - account.nonce);
  const state = caches.pending.stateAfter(view, head, k);
  // [IGNORE] a fee below the minimum or not covered: before the signature, so it costs no check.
  checkFee(tx, (await getAccount(state, tx.sender)).balance, ctx.params);
  // [REJECT] a bad key or signature.
  checkTxStateless(tx, a.genesis.chainId, a.rules.verifier);
  const applied = await applyTx(state, tx, ctx, { ...a.rules, verifier: null }, []);
  if (!replaced) makeRoom(a.mempool, tx);
  a.mempool.insert(tx);
  caches.pending.record(view, k, tx, state, applied.overlay);
  return tx;
}

/** After a new head: drops the pending transactions of `included`'s senders that it made stale. */
export async function pruneMempool(a: Pick<AdmitView, "db" | "mempool">, included: Tx[]): Promise<void> {
  const senders = new Set(included.map((t) => t.sender));
  for (const s of senders) a.mempool.dropBelow(s, (await getAccount(a.db.state, s)).nonce);
}
