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

// Codes that say nothing bad about the sender: the message may be valid later, or is a duplicate,
// or this node is too busy. Everything else is an invalid message and penalises the sender.
const IGNORE = new Set([
  "TX_DUPLICATE",
  "TX_NONCE_TOO_HIGH",
  "TX_NONCE_TOO_LOW",
  "TX_MEMPOOL_FULL",
  "TX_REPLACEMENT_UNDERPRICED",
  "NODE_BUSY",
  "BLOCK_KNOWN",
  "BLOCK_UNKNOWN_PARENT",
  "BLOCK_FUTURE_SLOT",
  "BLOCK_REVERTS_FINALIZED",
]);

/** The one place that maps a validation error to accept / ignore / reject. */
export function verdictOf(err: unknown): GossipResult {
  if (err === undefined) return { verdict: "accept", code: "OK" };
  if (!isXaiError(err)) return { verdict: "ignore", code: "INTERNAL" };
  // A nonce already used is a replay of an old transaction: harmless, but not new.
  return { verdict: IGNORE.has(err.code) ? "ignore" : "reject", code: err.code };
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
    return status === "side" ? { verdict: "ignore", code: "BLOCK_SIDE_BRANCH" } : verdictOf(undefined);
  } catch (err) {
    return verdictOf(err);
  }
}
