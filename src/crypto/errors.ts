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

declare module "../errors.js" {
  interface ErrorCodes {
    crypto: CryptoErrorCode;
  }
}
