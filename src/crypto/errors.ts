/** Error codes of the byte helpers and key handling. */
export enum CryptoErrorCode {
  /** A hex string of odd length or with a non-hex character. */
  BAD_HEX = "BAD_HEX",
}

declare module "../errors.js" {
  interface ErrorCodes {
    crypto: CryptoErrorCode;
  }
}
