import type { GenesisErrorCode, RegistryErrorCode } from "../config/errors.js";
import type { CryptoErrorCode } from "../crypto/errors.js";
import type { DbErrorCode } from "../db/errors.js";
import type { GovErrorCode } from "../governance/errors.js";
import type { ChainInvariantErrorCode } from "../state-transition/invariants.js";
import type { BlockErrorCode, TxErrorCode } from "../types/errors.js";

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

/**
 * Every code the chain and the layers below it can raise: what a transaction submission or a block
 * import can fail with, and so what the gossip verdict tables (network/) and the HTTP status table
 * (api/) must each decide.
 */
export type ChainLevelErrorCode =
  | CryptoErrorCode
  | TxErrorCode
  | BlockErrorCode
  | RegistryErrorCode
  | GenesisErrorCode
  | GovErrorCode
  | ChainInvariantErrorCode
  | DbErrorCode
  | ChainErrorCode;
