import { TREASURY_ADDRESS } from "../config/addresses.js";
import type { Genesis } from "../config/genesis.js";
import type { RegistrySpace } from "../config/registry.js";
import { bytesEqual, toHex } from "../crypto/bytes.js";
import { merkleRoot, sha256 } from "../crypto/hash.js";
import { isXaiError, xaiError } from "../errors.js";
import type { Block } from "../types/block.js";
import { BlockErrorCode } from "../types/errors.js";
import type { Tx } from "../types/tx.js";
import { decodeTx } from "../types/txCodec.js";
import { addBalance, addSupplyCounter, checkpointSupply, mint, putAccount } from "./accounts.js";
import { applyTx, type TxRules } from "./applyTx.js";
import type { BlockContext, ChainEvent, TxOutcome } from "./module.js";
import { loadBlockParams, paramOf, putRegistryRaw } from "./params.js";
import { computeStateRoot, ZERO_ROOT } from "./stateRoot.js";
import { EMPTY_STATE, StateOverlay, type StateReader } from "./stateStore.js";

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

/** Block reward at `height`: block_reward halved every halving_interval blocks. */
export function rewardAt(blockReward: bigint, halvingInterval: bigint, height: number): bigint {
  const halvings = BigInt(height) / halvingInterval;
  return halvings >= 64n ? 0n : blockReward >> halvings;
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

/** The context a block is applied under, with the parameters of its pre-state. */
export async function blockContext(
  pre: StateReader,
  h: { chainId: string; height: number; slot: number; proposer: string },
): Promise<BlockContext> {
  return {
    chainId: h.chainId,
    height: h.height,
    slot: h.slot,
    proposer: h.proposer,
    params: await loadBlockParams(pre),
  };
}

/** tx_root of a list of transactions. */
export function txRootOf(txs: Tx[]): Uint8Array {
  return merkleRoot(txs.map((t) => t.hash));
}

/** tx_root of raw SignedTx bytes (leaf = sha256(bytes), as Tx.hash): needs no decoding. */
export function txRootOfBytes(txs: Uint8Array[]): Uint8Array {
  return merkleRoot(txs.map((b) => sha256(b)));
}

function checkBlockLimits(ctx: BlockContext, txCount: number, txBytes: number): void {
  const maxTxs = paramOf(ctx.params, "max_block_txs");
  if (BigInt(txCount) > maxTxs)
    throw xaiError(BlockErrorCode.TOO_MANY_TXS, `${txCount} transactions > ${maxTxs}`);
  const maxBytes = paramOf(ctx.params, "max_block_bytes");
  if (BigInt(txBytes) > maxBytes) throw xaiError(BlockErrorCode.TOO_LARGE, `${txBytes} bytes > ${maxBytes}`);
}

/**
 * Applies a block's transactions and end-of-block work to `pre` and checks its tx root and state
 * root. Pure: returns the changes in an overlay; the caller writes them. Header checks that need
 * the parent or the clock (height, slot, proposer, signature) are the chain's (src/chain/).
 */
export async function applyBlock(
  pre: StateReader,
  block: Block,
  parentRoot: Uint8Array,
  rules: TxRules,
): Promise<BlockResult> {
  // The tx root first: every later failure is then one of the block the header (and its hash)
  // commits to, so a node may remember that hash as invalid. A body that does not match its header
  // says nothing about the honest block with the same hash.
  if (!bytesEqual(txRootOfBytes(block.txs), block.header.txRoot))
    throw xaiError(BlockErrorCode.BAD_TX_ROOT, "tx_root does not match the transactions");
  const ctx = await blockContext(pre, block.header);
  checkBlockLimits(
    ctx,
    block.txs.length,
    block.txs.reduce((n, t) => n + t.length, 0),
  );
  const txs = block.txs.map((bytes, index) => {
    try {
      return decodeTx(bytes);
    } catch (err) {
      throw invalidTx(err, index);
    }
  });
  const overlay = new StateOverlay(pre);
  const events: ChainEvent[] = [];
  const receipts: Receipt[] = [];
  for (const [index, tx] of txs.entries()) {
    try {
      const r = await applyTx(overlay, tx, ctx, rules, events);
      r.overlay.commitTo(overlay);
      receipts.push({ txId: tx.id, height: ctx.height, index, ...r.outcome });
    } catch (err) {
      throw invalidTx(err, index, tx.id);
    }
  }
  await endBlock(overlay, ctx, rules, events);
  const stateRoot = computeStateRoot(parentRoot, ctx.height, overlay.changes());
  if (!bytesEqual(stateRoot, block.header.stateRoot))
    throw xaiError(BlockErrorCode.BAD_STATE_ROOT, "state_root differs from the computed root", {
      expected: toHex(stateRoot),
      got: toHex(block.header.stateRoot),
    });
  return { overlay, stateRoot, txs, receipts, events };
}

function invalidTx(err: unknown, index: number, txId?: string) {
  if (!isXaiError(err)) throw err;
  return xaiError(BlockErrorCode.INVALID_TX, `transaction ${index} is invalid: ${err.message}`, {
    index,
    txId,
    txCode: err.code,
  });
}

/** A candidate a block builder left out, and why. */
export interface Skipped {
  tx: Tx;
  code: string;
}

/**
 * Builds the body of a new block from candidate transactions in the given order: each valid one is
 * applied; invalid ones are skipped (and reported, so the mempool can drop them). Stops at the
 * block limits. Returns the same result applyBlock would compute for the finished block.
 */
export async function buildBlock(
  pre: StateReader,
  candidates: Tx[],
  ctx: BlockContext,
  parentRoot: Uint8Array,
  rules: TxRules,
): Promise<BlockResult & { skipped: Skipped[] }> {
  const maxTxs = Number(paramOf(ctx.params, "max_block_txs"));
  const maxBytes = Number(paramOf(ctx.params, "max_block_bytes"));
  const overlay = new StateOverlay(pre);
  const events: ChainEvent[] = [];
  const receipts: Receipt[] = [];
  const included: Tx[] = [];
  const skipped: Skipped[] = [];
  // Senders with a transaction left out for room: their later ones wait too (they would fail on
  // the nonce, and must not be reported as invalid).
  const deferred = new Set<string>();
  let bytes = 0;
  for (const tx of candidates) {
    if (included.length >= maxTxs) break;
    if (deferred.has(tx.sender)) continue;
    if (bytes + tx.bytes.length > maxBytes) {
      deferred.add(tx.sender);
      continue;
    }
    const txEvents: ChainEvent[] = [];
    try {
      const r = await applyTx(overlay, tx, ctx, rules, txEvents);
      r.overlay.commitTo(overlay);
      receipts.push({ txId: tx.id, height: ctx.height, index: included.length, ...r.outcome });
      events.push(...txEvents);
      included.push(tx);
      bytes += tx.bytes.length;
    } catch (err) {
      if (!isXaiError(err)) throw err;
      skipped.push({ tx, code: err.code });
    }
  }
  await endBlock(overlay, ctx, rules, events);
  const stateRoot = computeStateRoot(parentRoot, ctx.height, overlay.changes());
  return { overlay, stateRoot, txs: included, receipts, events, skipped };
}

/** Genesis state: balances, treasury, supply, registry values, then each module's genesis. */
export async function genesisState(
  genesis: Genesis,
  rules: TxRules,
): Promise<{ overlay: StateOverlay; stateRoot: Uint8Array }> {
  const overlay = new StateOverlay(EMPTY_STATE);
  let total = genesis.treasuryBalance;
  for (const b of genesis.balances) {
    await putAccount(overlay, b.address, { balance: b.amount, nonce: 0n }, 0);
    total += b.amount;
  }
  await addBalance(overlay, TREASURY_ADDRESS, genesis.treasuryBalance, 0);
  await addSupplyCounter(overlay, "total_supply", total);
  for (const space of ["param", "feature", "rule"] as RegistrySpace[])
    for (const [name, raw] of Object.entries(genesis.values[space]))
      putRegistryRaw(overlay, space, name, raw);
  for (const m of rules.modules) if (m.initGenesis) await m.initGenesis(overlay, genesis);
  await checkpointSupply(overlay, 0);
  return { overlay, stateRoot: computeStateRoot(ZERO_ROOT, 0, overlay.changes()) };
}
