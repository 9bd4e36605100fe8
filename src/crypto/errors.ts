/** Error codes of the byte helpers and key handling. */
export enum CryptoErrorCode {
  /** A hex string of odd length or with a non-hex character. */
  BAD_HEX = "BAD_HEX",
  /**
   * Not an address (SPEC §3: bech32m `xai1…`, lowercase), where an API route or a CLI option takes
   * one; `data.address_fault` is the AddressFault, `data.field` the input.
   */
  INVALID_ADDRESS = "INVALID_ADDRESS",
}

/**
 * Error codes of key derivation (mnemonics, SLIP-0010). Only clients raise them (no node path
 * derives keys), so they are not chain-level codes and have no HTTP status or gossip verdict.
 */
export enum KeyDerivationErrorCode {
  /** SLIP-0010: a seed not 16 to 64 bytes, or a path step that is not a hardened index. */
  BAD_DERIVATION = "BAD_DERIVATION",
  /** Not a BIP-39 mnemonic of the English wordlist (unknown word, wrong length or checksum). */
  BAD_MNEMONIC = "BAD_MNEMONIC",
}

declare module "../errors.js" {
  interface ErrorCodes {
    crypto: CryptoErrorCode;
    keyDerivation: KeyDerivationErrorCode;
  }
}
