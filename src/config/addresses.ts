// Well-known addresses: accounts for which no key exists, so that only the chain's own rules move
// their funds. A module that owns one declares it in `StateModule.moduleAccounts`. Each is the
// bech32m address (SPEC §3) of the first 20 bytes of sha256 of a fixed tag, as no public key hashes
// to it that anyone knows.
import { addressFromBytes } from "../crypto/address.js";
import { utf8 } from "../crypto/bytes.js";
import { sha256 } from "../crypto/hash.js";

/** The address of a keyless module account: bech32m of sha256(tag)[0:20]. */
export function moduleAddress(tag: string): string {
  return addressFromBytes(sha256(utf8(tag)).subarray(0, 20));
}

/** The treasury's address, of sha256("xai-treasury")[0:20]: no key exists; only governance moves its funds. */
export const TREASURY_ADDRESS = moduleAddress("xai-treasury");

/** The governance deposit escrow, of sha256("xai-gov-deposits")[0:20]; no key exists. */
export const DEPOSIT_ESCROW_ADDRESS = moduleAddress("xai-gov-deposits");
