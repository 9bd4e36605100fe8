// Well-known addresses: accounts for which no key exists, so that only the chain's own rules move
// their funds. A module that owns one declares it in `StateModule.moduleAccounts`.
import { toHex, utf8 } from "../crypto/bytes.js";
import { sha256 } from "../crypto/hash.js";

/** The treasury's address: no key exists for it; only governance moves its funds. */
export const TREASURY_ADDRESS = `XAI${toHex(sha256(utf8("xai-treasury")).subarray(0, 20))}`;

/** The governance deposit escrow: "XAI" + hex(sha256("xai-gov-deposits")[0:20]); no key exists. */
export const DEPOSIT_ESCROW_ADDRESS = `XAI${toHex(sha256(utf8("xai-gov-deposits")).subarray(0, 20))}`;
