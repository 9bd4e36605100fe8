/**
 * The block pipeline's two entry points over the one executor (executeBlock.ts):
 *
 * - `applyBlock` (import, reorg, replay): tx root, then the block limits, then decoding every
 *   transaction, then executeBlock in strict mode, then the state root against the header's. The
 *   order is part of the contract (tests assert the codes): see the comment on the tx root.
 * - `buildBlock` (production): executeBlock in skip-invalid mode over mempool candidates, filling
 *   the block up to its limits; it returns what applyBlock would compute for the finished block.
 *
 * Header checks that need the parent header or the clock (height, slot, signature) are the chain's
 * (src/chain/headerChecks.ts); the proposer is checked here, against the validator set in force in
 * the pre-state (the parent's state, SPEC §4.8), so import, reorg and replay all check it alike.
 * The genesis state is genesis.ts.
 */
import { bytesEqual, toHex } from "../crypto/bytes.js";
import { merkleRoot, sha256 } from "../crypto/hash.js";
import { xaiError } from "../errors.js";
import type { Block } from "../types/block.js";
import { BlockErrorCode } from "../types/errors.js";
import type { Tx } from "../types/tx.js";
import { decodeHashedTx } from "../types/txCodec.js";
import type { TxRules } from "./applyTx.js";
import { type BlockResult, executeBlock, invalidTx, type Skipped } from "./executeBlock.js";
import type { BlockContext } from "./module.js";
import { loadBlockParams, paramOf } from "./params.js";
import type { StateReader } from "./stateStore.js";
import { loadValidatorRecord, proposerInSet, setInForce, type Validator } from "./validatorSet.js";

/** The context a block is applied under, with the parameters of its pre-state. */
export async function blockContext(
  pre: StateReader,
  h: { chainId: string; height: number; slot: number; proposer: string },
  genesisValidators: readonly Validator[] = [],
): Promise<BlockContext> {
  return {
    chainId: h.chainId,
    height: h.height,
    slot: h.slot,
    proposer: h.proposer,
    params: await loadBlockParams(pre, genesisValidators),
  };
}

/**
 * The proposer of `slot` for a block at `height` on `pre` (its parent's post-state): `set[slot mod
 * n]` of the set in force at `height` (SPEC §3, §4.8).
 */
export async function proposerAt(
  pre: StateReader,
  genesisValidators: readonly Validator[],
  height: number,
  slot: number,
): Promise<Validator> {
  return proposerInSet(setInForce(await loadValidatorRecord(pre, genesisValidators), height), slot);
}

/**
 * [REJECT] BLOCK_WRONG_PROPOSER unless the header's proposer owns its slot in the set in force in
 * `pre` at its height. Skipped when no genesis set was given (unit tests of other rules).
 */
async function checkProposer(pre: StateReader, block: Block, genesisValidators: readonly Validator[]) {
  if (genesisValidators.length === 0) return;
  const h = block.header;
  const expected = await proposerAt(pre, genesisValidators, h.height, h.slot);
  if (h.proposer !== expected.address)
    throw xaiError(BlockErrorCode.WRONG_PROPOSER, `slot ${h.slot} belongs to ${expected.address}`, {
      expected: expected.address,
    });
}

/** tx_root of a list of transactions. */
export function txRootOf(txs: Tx[]): Uint8Array {
  return merkleRoot(txs.map((t) => t.hash));
}

/** tx_root of raw SignedTx bytes (leaf = sha256(bytes), as Tx.hash): needs no decoding. */
export function txRootOfBytes(txs: Uint8Array[]): Uint8Array {
  return merkleRoot(txs.map((b) => sha256(b)));
}

/** A block's transaction hashes and tx root, once computed (blockTxRoot). */
const TX_ROOTS = new WeakMap<Block, { hashes: Uint8Array[]; root: Uint8Array }>();

/**
 * Each transaction's hash, sha256(bytes) (the tx root's leaves and Tx.hash), and the tx root of
 * `block`'s transactions, computed once per Block object: the chain checks the root before it
 * stores a block, applyBlock checks it again and decodes the transactions with these hashes (a
 * block of 20,000 transactions is about 60,000 sha256 calls).
 */
export function blockTxRoot(block: Block): { hashes: Uint8Array[]; root: Uint8Array } {
  let r = TX_ROOTS.get(block);
  if (r === undefined) {
    const hashes = block.txs.map((b) => sha256(b));
    r = { hashes, root: merkleRoot(hashes) };
    TX_ROOTS.set(block, r);
  }
  return r;
}

function checkBlockLimits(ctx: BlockContext, txCount: number, txBytes: number): void {
  const maxTxs = paramOf(ctx.params, "max_block_txs");
  if (BigInt(txCount) > maxTxs)
    throw xaiError(BlockErrorCode.TOO_MANY_TXS, `${txCount} transactions > ${maxTxs}`);
  const maxBytes = paramOf(ctx.params, "max_block_bytes");
  if (BigInt(txBytes) > maxBytes) throw xaiError(BlockErrorCode.TOO_LARGE, `${txBytes} bytes > ${maxBytes}`);
}

function decodeTxs(block: Block, hashes: Uint8Array[]): Tx[] {
  return block.txs.map((bytes, index) => {
    try {
      return decodeHashedTx(bytes, hashes[index]);
    } catch (err) {
      throw invalidTx(err, index);
    }
  });
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
  const { hashes, root } = blockTxRoot(block);
  if (!bytesEqual(root, block.header.txRoot))
    throw xaiError(BlockErrorCode.BAD_TX_ROOT, "tx_root does not match the transactions");
  await checkProposer(pre, block, rules.genesisValidators ?? []);
  const ctx = await blockContext(pre, block.header, rules.genesisValidators);
  checkBlockLimits(
    ctx,
    block.txs.length,
    block.txs.reduce((n, t) => n + t.length, 0),
  );
  const { result } = await executeBlock(pre, ctx, decodeTxs(block, hashes), "strict", parentRoot, rules);
  if (!bytesEqual(result.stateRoot, block.header.stateRoot))
    throw xaiError(BlockErrorCode.BAD_STATE_ROOT, "state_root differs from the computed root", {
      expected: toHex(result.stateRoot),
      got: toHex(block.header.stateRoot),
    });
  return result;
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
  const { result, skipped } = await executeBlock(pre, ctx, candidates, "skip-invalid", parentRoot, rules);
  return { ...result, skipped };
}
