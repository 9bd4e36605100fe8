/** Error codes of the chain: its job queue and replay. */
export enum ChainErrorCode {
  /** The chain's job queue is full; try again later. */
  NODE_BUSY = "NODE_BUSY",
  /** Replay rebuilt a different state or root than the stored one (`data` says where). */
  REPLAY_MISMATCH = "REPLAY_MISMATCH",
}

declare module "../errors.js" {
  interface ErrorCodes {
    chain: ChainErrorCode;
  }
}
