import type { Chain } from "../chain/chain.js";
import { isXaiError } from "../errors.js";

/** What gossipsub is told about a message. */
export type GossipVerdict = "accept" | "ignore" | "reject";

/** Outcome of validating one gossip message. */
export interface GossipResult {
  verdict: GossipVerdict;
  /** "OK" or the error code. */
  code: string;
}

// A transaction is rejected (and its sender penalised) only for faults of the message itself,
// which every node judges alike whatever its head: encoding, key, signature, chain, and payload
// fields that no state can make valid. Everything else depends on the receiver's view of the chain
// (nonce, balance, a proposal's stage, a parameter just changed by governance) and an honest peer a
// block ahead or behind may relay it: ignore.
const TX_REJECT = new Set([
  "TX_MALFORMED",
  "TX_NON_CANONICAL",
  "TX_BAD_PUBLIC_KEY",
  "TX_BAD_SIGNATURE",
  "TX_WRONG_CHAIN",
  "TX_UNSUPPORTED",
  "TX_ZERO_AMOUNT",
  "TX_INVALID_RECIPIENT",
  "GOV_INVALID_VALUE",
  "GOV_UNKNOWN_TARGET",
  "GOV_NOT_GOVERNABLE",
  "GOV_INVALID_ACTION",
  "GOV_INVALID_RECIPIENT",
  "GOV_INVALID_AMOUNT",
  "GOV_EMPTY_TITLE",
  "GOV_TITLE_TOO_LONG",
  "GOV_DESCRIPTION_TOO_LONG",
  "GOV_COMMENT_TOO_LONG",
  "GOV_REASON_TOO_LONG",
  "GOV_PURPOSE_TOO_LONG",
]);

// A block is judged against its parent, the same on every node, so an invalid block is rejected;
// these say nothing bad about the sender.
const BLOCK_IGNORE = new Set([
  "BLOCK_KNOWN",
  "BLOCK_UNKNOWN_PARENT",
  "BLOCK_FUTURE_SLOT",
  "BLOCK_REVERTS_FINALIZED",
  "NODE_BUSY",
]);

/** The one place that maps a validation error to accept / ignore / reject. */
export function verdictOf(err: unknown, topic: "tx" | "block" = "tx"): GossipResult {
  if (err === undefined) return { verdict: "accept", code: "OK" };
  if (!isXaiError(err)) return { verdict: "ignore", code: "INTERNAL" };
  const reject = topic === "tx" ? TX_REJECT.has(err.code) : !BLOCK_IGNORE.has(err.code);
  return { verdict: reject ? "reject" : "ignore", code: err.code };
}

/** Validates a gossiped transaction with the mempool's rules (it enters the mempool if valid). */
export async function validateGossipTx(chain: Chain, data: Uint8Array): Promise<GossipResult> {
  try {
    await chain.submitTx(data);
    return verdictOf(undefined);
  } catch (err) {
    return verdictOf(err);
  }
}

/**
 * Validates a gossiped block with the import rules (it is imported if valid). A block that only
 * extends a side branch is stored with its header checked but its state not yet executed, so it
 * is not relayed (ignore): peers fetch such branches by sync when they become the heavier chain.
 */
export async function validateGossipBlock(chain: Chain, data: Uint8Array): Promise<GossipResult> {
  try {
    const { status } = await chain.importBlock(data);
    return status === "side"
      ? { verdict: "ignore", code: "BLOCK_SIDE_BRANCH" }
      : verdictOf(undefined, "block");
  } catch (err) {
    return verdictOf(err, "block");
  }
}
