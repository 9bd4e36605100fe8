/**
 * Block production: the block of a slot this node proposes, built on the head from mempool
 * candidates with buildBlock (the same executor that applies blocks, in skip-invalid mode), then
 * signed. Candidates found invalid are dropped from the mempool. The chain commits the block as it
 * commits an imported one (chain.ts `commitOnHead`).
 */
import { type KeyPair, sign } from "../crypto/keys.js";
import type { Logger } from "../logger.js";
import { blockContext, buildBlock, txRootOf } from "../state-transition/applyBlock.js";
import type { BlockResult } from "../state-transition/executeBlock.js";
import {
  assembleBlock,
  type Block,
  type BlockHeader,
  blockSigningMessage,
  encodeHeader,
} from "../types/block.js";
import type { SignGuard } from "./signGuard.js";
import type { ChainView } from "./types.js";

/** What production reads: the head and its state, genesis, rules; and the mempool it drains. */
export type ProduceView = Pick<ChainView, "state" | "genesis" | "rules" | "mempool" | "head">;

/**
 * True if `key` is the proposer of `slot` for the block after the head (the schedule of the set in
 * force at that height in the head's state, SPEC §4.8), the head is older than the slot, and the
 * sign guard allows that height and slot (above the last block this key signed, signGuard.ts).
 */
export function mayPropose(
  c: Pick<ChainView, "proposers" | "head" | "genesis">,
  slot: number,
  key: KeyPair,
  guard: SignGuard,
): boolean {
  const height = c.head.height + 1;
  return (
    slot > c.head.slot &&
    c.proposers.proposerOf(slot, height).address === key.address &&
    guard.allows(key.address, height, slot, c.genesis.chainId)
  );
}

/**
 * Builds and signs the block of `slot` on the head with `key`; logs and drops from the mempool the
 * candidates found invalid. Returns the block and its result, not yet committed.
 */
export async function buildProposal(
  p: ProduceView,
  log: Logger,
  slot: number,
  key: KeyPair,
): Promise<{ block: Block; result: BlockResult }> {
  const head = p.head;
  const ctx = await blockContext(
    p.state,
    { chainId: p.genesis.chainId, height: head.height + 1, slot, proposer: key.address },
    p.genesis.validators,
  );
  const candidates = p.mempool.candidates(Number(ctx.params.param.max_block_txs) * 2);
  const result = await buildBlock(p.state, candidates, ctx, head.stateRoot, p.rules);
  for (const s of result.skipped) {
    log.debug({ txId: s.tx.id, code: s.code }, "dropped invalid pending transaction");
    p.mempool.remove(s.tx.id);
  }
  const header: BlockHeader = {
    chainId: p.genesis.chainId,
    height: ctx.height,
    slot,
    parentHash: head.hash,
    proposer: key.address,
    txRoot: txRootOf(result.txs),
    stateRoot: result.stateRoot,
  };
  const signature = sign(blockSigningMessage(encodeHeader(header)), key.secretKey);
  return {
    block: assembleBlock(
      header,
      signature,
      result.txs.map((t) => t.bytes),
    ),
    result,
  };
}
