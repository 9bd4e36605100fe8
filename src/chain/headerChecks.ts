import { type Genesis, proposerOfSlot } from "../config/genesis.js";
import type { Verifier } from "../crypto/verify.js";
import { xaiError } from "../errors.js";
import { type Block, type BlockHeader, blockSigningMessage } from "../types/block.js";
import { BlockErrorCode } from "../types/errors.js";
import { maxClockDisparityMs, slotStartMs } from "./slots.js";

/**
 * Checks of a block header against its parent and the clock: chain id, height, slot after the
 * parent's and not in the future, proposer of that slot, proposer's signature. `nowMs` null skips
 * the clock check (replay of stored blocks); `verifier` null skips the signature.
 */
export function checkHeader(
  genesis: Genesis,
  block: Block,
  parent: BlockHeader,
  nowMs: number | null,
  verifier: Verifier | null,
): void {
  const h = block.header;
  if (h.chainId !== genesis.chainId) throw xaiError(BlockErrorCode.WRONG_CHAIN, `chain id ${h.chainId}`);
  if (h.height !== parent.height + 1)
    throw xaiError(BlockErrorCode.BAD_HEIGHT, `height ${h.height} after parent ${parent.height}`);
  if (h.slot <= parent.slot)
    throw xaiError(BlockErrorCode.BAD_SLOT, `slot ${h.slot} not after ${parent.slot}`);
  if (nowMs !== null && slotStartMs(genesis, h.slot) > nowMs + maxClockDisparityMs(genesis))
    throw xaiError(BlockErrorCode.FUTURE_SLOT, `slot ${h.slot} has not started`);
  const expected = proposerOfSlot(genesis, h.slot);
  if (h.proposer !== expected.address)
    throw xaiError(BlockErrorCode.WRONG_PROPOSER, `slot ${h.slot} belongs to ${expected.address}`);
  if (verifier && !verifier(block.signature, blockSigningMessage(block.headerBytes), expected.publicKey))
    throw xaiError(BlockErrorCode.BAD_SIGNATURE, "proposer signature does not verify");
}
