import { fromHex, toHex, utf8 } from "../crypto/bytes.js";
import { sha256 } from "../crypto/hash.js";

/**
 * Proposal id (SPEC v2 §4.1, review A1): hex of the first 16 bytes of
 * sha256("xai-proposal" || the 32 bytes of the SUBMIT_PROPOSAL's tx id). Known before inclusion
 * and bound to the proposal's content: the tx id hashes the whole submit body, so a proposer who
 * signs two different proposals with one nonce gets two different ids, and a vote, review or
 * implementation vote cast for one can never count for the other, on any branch.
 */
export function proposalIdOf(submitTxId: string): string {
  return toHex(sha256(utf8("xai-proposal"), fromHex(submitTxId)).subarray(0, 16));
}
