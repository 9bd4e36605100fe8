import { toHex, u64be, utf8 } from "../crypto/bytes.js";
import { sha256 } from "../crypto/hash.js";

/**
 * Proposal id (SPEC §4.1): hex of the first 16 bytes of
 * sha256("xai-proposal" || chain_id || proposer address || nonce u64be), strings as UTF-8.
 * Known before inclusion; unique because (proposer, nonce) is used once per chain.
 */
export function proposalIdOf(chainId: string, proposer: string, nonce: bigint): string {
  return toHex(sha256(utf8("xai-proposal"), utf8(chainId), utf8(proposer), u64be(nonce)).subarray(0, 16));
}
