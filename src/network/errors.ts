/** Error codes of block sync. */
export enum SyncErrorCode {
  /** A sync message does not decode, is not canonical, or holds a number out of range. */
  MALFORMED = "SYNC_MALFORMED",
  /** A peer answered a status request with no status. */
  NO_STATUS = "SYNC_NO_STATUS",
}

declare module "../errors.js" {
  interface ErrorCodes {
    sync: SyncErrorCode;
  }
}
