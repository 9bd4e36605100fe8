import { type Genesis, proposerOfSlot } from "../config/genesis.js";
import type { Verifier } from "../crypto/verify.js";
import { xaiError } from "../errors.js";
import type { Validator } from "../state-transition/validatorSet.js";
import { type BlockHead, type BlockHeader, blockSigningMessage, readBlockHead } from "../types/block.js";
import { BlockErrorCode } from "../types/errors.js";
import { maxClockDisparityMs, slotStartMs } from "./slots.js";

/** What the proposer checks read of a block: its header, as signed, and the signature. */
type SignedHeader = Pick<BlockHead, "header" | "headerBytes" | "signature">;

/**
 * Checks of a block header against its parent and the clock: chain id, height, slot after the
 * parent's and not in the future; with `signer` (replay), also that the proposer is the slot's
 * proposer `signer.expected` (from the parent's state) and, with a verifier, its signature.
 * `nowMs` null skips the clock check (replay of stored blocks). Import leaves `signer` null: the
 * gate checked the signature, and applyBlock checks the proposer against the parent's state.
 */
export function checkHeader(
  genesis: Genesis,
  block: SignedHeader,
  parent: BlockHeader,
  nowMs: number | null,
  signer: { expected: Validator; verifier: Verifier | null } | null,
): void {
  const h = block.header;
  if (h.chainId !== genesis.chainId) throw xaiError(BlockErrorCode.WRONG_CHAIN, `chain id ${h.chainId}`);
  if (h.height !== parent.height + 1)
    throw xaiError(BlockErrorCode.BAD_HEIGHT, `height ${h.height} after parent ${parent.height}`);
  if (h.slot <= parent.slot)
    throw xaiError(BlockErrorCode.BAD_SLOT, `slot ${h.slot} not after ${parent.slot}`);
  if (nowMs !== null && slotStartMs(genesis, h.slot) > nowMs + maxClockDisparityMs(genesis))
    throw xaiError(BlockErrorCode.FUTURE_SLOT, `slot ${h.slot} has not started`);
  if (signer) checkProposer(block, signer.expected, signer.verifier);
}

/**
 * Who proposes each slot: `set[slot mod n]` of the validator set in force at the block's height
 * (SPEC §3, §4.8). The header gate asks it before the block's parent is looked up, so it answers
 * from the set it knows (the chain's: the head's state, with its pending changes); the exact
 * check against the parent's state is applyBlock's.
 */
export interface ProposerSchedule {
  /** The validator that proposes `slot` in a block at `height`. */
  proposerOf(slot: number, height: number): Validator;
  /**
   * The validator whose key the gate checks `header`'s signature against, if not the slot's
   * `proposerOf` (the state's schedule: for a block off the head, the slot's proposer under a
   * recent validator record of the head, stateSchedule.ts). Null: the header's proposer owns the
   * slot under none of the records this node knows, and the block is not on the head, so only the
   * state of its own branch can say (the chain resolves it after its parent is looked up,
   * branchSchedule.ts).
   */
  gateProposer?(header: BlockHeader): Validator | null;
  /** The validator `address` in any set the schedule knows (its key), if any. */
  memberOf?(address: string): Validator | undefined;
}

/** The schedule of the genesis validator set (tests; a chain without validator changes). */
export function genesisSchedule(genesis: Genesis): ProposerSchedule {
  return { proposerOf: (slot) => proposerOfSlot(genesis, slot) };
}

/**
 * What the gate found: the slot's proposer and its signature checked; or the slot left to the
 * block's branch, with the proposer's signature checked ("signed": a validator of a set this node
 * knows) or not checkable ("unsigned": an address in no set this node knows).
 */
export type GateVerdict = "checked" | "signed" | "unsigned";

/**
 * The header gate (SPEC §3, "Cheap checks come first"): on a block's header and signature alone,
 * before its body is decoded or its parent looked up, its chain id, that its proposer is the
 * slot's, and the proposer's signature. Needs no stored block, so a forged block is rejected
 * (BLOCK_WRONG_PROPOSER, BLOCK_BAD_SIGNATURE) whatever parent it names, and costs one signature
 * check. `verifier` null skips the signature (replay of trusted stores).
 *
 * When the schedule cannot name the slot's proposer from the records it knows (`gateProposer`
 * null: a block off the head whose proposer may own the slot on its own branch, say after an add
 * this node never applied), the proposer and its signature are checked against the state of the
 * block's branch before anything is stored (chain.ts `checkProposerOnBranch`); the gate checks
 * the signature already if the proposer is a validator of a set it knows ("signed").
 */
export function checkHeadSignature(
  genesis: Genesis,
  schedule: ProposerSchedule,
  head: BlockHead,
  verifier: Verifier | null,
): GateVerdict {
  const h = head.header;
  // [REJECT] a block of another chain.
  if (h.chainId !== genesis.chainId) throw xaiError(BlockErrorCode.WRONG_CHAIN, `chain id ${h.chainId}`);
  const gate = schedule.gateProposer ? schedule.gateProposer(h) : schedule.proposerOf(h.slot, h.height);
  if (gate !== null) {
    checkProposer(head, gate, verifier);
    return "checked";
  }
  // The slot is judged later, on the block's branch; but an address whose key this node knows
  // signs with that key only (the address is the key's hash): [REJECT] a bad signature now.
  const member = schedule.memberOf?.(h.proposer);
  if (!member) return "unsigned";
  checkSignature(head, member, verifier);
  return "signed";
}

/** [REJECT] a block whose proposer is not `expected`, or not signed by its key. */
export function checkProposer(head: SignedHeader, expected: Validator, verifier: Verifier | null): void {
  const h = head.header;
  // [REJECT] a block whose proposer does not own its slot.
  if (h.proposer !== expected.address)
    throw xaiError(BlockErrorCode.WRONG_PROPOSER, `slot ${h.slot} belongs to ${expected.address}`);
  checkSignature(head, expected, verifier);
}

/** [REJECT] a block not signed by `signer`'s key. */
function checkSignature(head: SignedHeader, signer: Validator, verifier: Verifier | null): void {
  if (verifier && !verifier(head.signature, blockSigningMessage(head.headerBytes), signer.publicKey))
    throw xaiError(BlockErrorCode.BAD_SIGNATURE, "proposer signature does not verify");
}

/** What the gate asks of the chain: blocks it found invalid, and blocks it stores. */
export interface SeenBlocks {
  isInvalid(hashHex: string): boolean;
  hasBlock(hash: Uint8Array): boolean;
}

/**
 * The whole gate a block's bytes pass before the chain's queue: its header and signature read
 * without its body (`readBlockHead`), a block found invalid before ([REJECT] BLOCK_KNOWN_INVALID)
 * or already stored ([IGNORE] BLOCK_KNOWN; the genesis block has no signature), then
 * `checkHeadSignature`. A block whose slot the gate cannot judge passes only if its parent is
 * stored, `resolved` false; otherwise it is ignored: BLOCK_UNKNOWN_PARENT if a known validator
 * signed it, else BLOCK_UNKNOWN_PROPOSER (a forged header naming a made-up parent costs no body
 * decoding, no queue place and no sync). Throws an XaiError.
 */
export function gateBlockHead(
  genesis: Genesis,
  schedule: ProposerSchedule,
  seen: SeenBlocks,
  bytes: Uint8Array,
  verifier: Verifier | null,
): { head: BlockHead; resolved: boolean } {
  const head = readBlockHead(bytes);
  if (seen.isInvalid(head.hashHex)) throw xaiError(BlockErrorCode.KNOWN_INVALID, "block known invalid");
  if (seen.hasBlock(head.hash)) throw xaiError(BlockErrorCode.KNOWN, "block already known");
  const verdict = checkHeadSignature(genesis, schedule, head, verifier);
  if (verdict === "checked") return { head, resolved: true };
  const h = head.header;
  if (seen.hasBlock(h.parentHash)) return { head, resolved: false };
  // [IGNORE] either way; a block signed by a known validator may start a sync (as any block
  // with an unknown parent), an unsigned one not.
  if (verdict === "signed")
    throw xaiError(BlockErrorCode.UNKNOWN_PARENT, "parent block is unknown", { height: h.height - 1 });
  throw xaiError(
    BlockErrorCode.UNKNOWN_PROPOSER,
    `slot ${h.slot}: proposer in no known validator set, parent unknown`,
    { height: h.height - 1 },
  );
}
