import type { GenesisErrorCode, RegistryErrorCode } from "../config/errors.js";
import type { CryptoErrorCode } from "../crypto/errors.js";
import { DbErrorCode } from "../db/errors.js";
import type { GovErrorCode } from "../governance/errors.js";
import type { ChainInvariantErrorCode } from "../state-transition/invariants.js";
import type { BlockErrorCode, TxErrorCode } from "../types/errors.js";

/** Error codes of the chain: its job queue and replay. */
export enum ChainErrorCode {
  /** The chain's job queue is full; try again later. */
  NODE_BUSY = "NODE_BUSY",
  /** Replay rebuilt a different state or root than the stored one (`data` says where). */
  REPLAY_MISMATCH = "REPLAY_MISMATCH",
  /** The validator's sign state file (DIR/sign_state.json, signGuard.ts) cannot be read: no start. */
  SIGN_STATE_INVALID = "SIGN_STATE_INVALID",
  /** Writing the sign state failed: the block just signed is not stored or announced; the node stops. */
  SIGN_STATE_WRITE_FAILED = "SIGN_STATE_WRITE_FAILED",
  /** A signature at or below the last signed height or slot was asked for (a bug if ever seen). */
  DOUBLE_SIGN = "DOUBLE_SIGN",
}

/**
 * Codes of this node's own storage or signing failure (fail-stop): never the fault of the peer
 * whose block or transaction was being handled (no penalty, no spent budget; sync.ts, gossip).
 */
export const OWN_FAILURES: ReadonlySet<ChainLevelErrorCode> = new Set<ChainLevelErrorCode>([
  DbErrorCode.WRITE_FAILED,
  ChainErrorCode.SIGN_STATE_INVALID,
  ChainErrorCode.SIGN_STATE_WRITE_FAILED,
  ChainErrorCode.DOUBLE_SIGN,
]);

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
