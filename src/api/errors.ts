/**
 * Error codes of the HTTP API and the HTTP status of every code that can reach it (SPEC §5). The
 * status table is exhaustive: a new code of any layer up to the API does not compile without one.
 */

import { ChainErrorCode, type ChainLevelErrorCode } from "../chain/errors.js";
import { GenesisErrorCode, RegistryErrorCode } from "../config/errors.js";
import { CryptoErrorCode } from "../crypto/errors.js";
import { DbErrorCode } from "../db/errors.js";
import { type ErrorCode, isXaiError } from "../errors.js";
import { GovErrorCode } from "../governance/errors.js";
import { SyncErrorCode } from "../network/errors.js";
import { ChainInvariantErrorCode } from "../state-transition/invariants.js";
import { BlockErrorCode, TxErrorCode } from "../types/errors.js";

/** Error codes raised by the HTTP API itself. */
export enum ApiErrorCode {
  /** A malformed request: path or query parameter, body schema, or a transaction that is not base64. */
  BAD_REQUEST = "BAD_REQUEST",
  /** No such route, block, transaction or fiat unlock. */
  NOT_FOUND = "NOT_FOUND",
  /** A known path asked with a method it does not answer (the `Allow` header lists those it does). */
  METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED",
  /** A governance route given a transaction of another type. */
  WRONG_TX_TYPE = "WRONG_TX_TYPE",
  /** An admin route asked from an address other than loopback. */
  FORBIDDEN = "FORBIDDEN",
  /** The request body is larger than MAX_BODY_BYTES. */
  BODY_TOO_LARGE = "BODY_TOO_LARGE",
  /** A `POST /txs` with more than MAX_BATCH_TXS transactions. */
  TOO_MANY_TXS = "TOO_MANY_TXS",
  /** The request body is not application/json. */
  UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE",
  /** Anything thrown that is not an XaiError (a bug): its message is not shown. */
  INTERNAL = "INTERNAL",
  /** The URL is not valid: a malformed percent-encoding such as `/tx/%zz` (the router refuses it). */
  BAD_URL = "BAD_URL",
  /** A path parameter longer than the router's limit (100 characters; no id or address is that long). */
  URL_TOO_LONG = "URL_TOO_LONG",
  /** `GET /events` already has its maximum number of streaming clients (EventStreamLimits). */
  EVENT_STREAM_FULL = "EVENT_STREAM_FULL",
  /** Node's HTTP parser refused the request: a bad header, bad framing, or headers too large. */
  MALFORMED_REQUEST = "MALFORMED_REQUEST",
}

declare module "../errors.js" {
  interface ErrorCodes {
    api: ApiErrorCode;
  }
}

/**
 * Every code that can reach an HTTP answer: the codes of the API and of every layer below it. The
 * node's and the CLI's codes (`node/errors.ts`, `cli/errors.ts`) never do (test/unit/errors.test.ts
 * checks that this union plus those two is every registered code).
 */
export type HttpErrorCode = ChainLevelErrorCode | SyncErrorCode | ApiErrorCode;

/**
 * HTTP status of each code (SPEC §5): 409 nonce conflicts, 413 too large, 414 path parameter too
 * long, 415 not JSON, 429 mempool
 * full, 503 busy, 403 admin off loopback, 404 unknown, 500 internal, 400 everything else.
 */
export const HTTP_STATUS: Readonly<Record<HttpErrorCode, number>> = {
  [CryptoErrorCode.BAD_HEX]: 400,
  [CryptoErrorCode.INVALID_ADDRESS]: 400,

  [TxErrorCode.MALFORMED]: 400,
  [TxErrorCode.NON_CANONICAL]: 400,
  [TxErrorCode.TOO_LARGE]: 413,
  [TxErrorCode.BAD_PUBLIC_KEY]: 400,
  [TxErrorCode.BAD_SIGNATURE]: 400,
  [TxErrorCode.WRONG_CHAIN]: 400,
  [TxErrorCode.NONCE_TOO_LOW]: 409,
  [TxErrorCode.NONCE_TOO_HIGH]: 409,
  [TxErrorCode.FEE_TOO_LOW]: 400,
  [TxErrorCode.INSUFFICIENT_BALANCE]: 400,
  [TxErrorCode.TRANSFERS_DISABLED]: 400,
  [TxErrorCode.INVALID_RECIPIENT]: 400,
  [TxErrorCode.ZERO_AMOUNT]: 400,
  [TxErrorCode.BELOW_MIN_TRANSFER]: 400,
  [TxErrorCode.UNSUPPORTED]: 400,
  [TxErrorCode.DUPLICATE]: 409,
  [TxErrorCode.REPLACEMENT_UNDERPRICED]: 409,
  [TxErrorCode.MEMPOOL_FULL]: 429,
  [TxErrorCode.OVERFLOW]: 400,

  [BlockErrorCode.MALFORMED]: 400,
  [BlockErrorCode.NON_CANONICAL]: 400,
  [BlockErrorCode.WRONG_CHAIN]: 400,
  [BlockErrorCode.UNKNOWN_PARENT]: 400,
  [BlockErrorCode.UNKNOWN_PROPOSER]: 400,
  [BlockErrorCode.BAD_HEIGHT]: 400,
  [BlockErrorCode.BAD_SLOT]: 400,
  [BlockErrorCode.FUTURE_SLOT]: 400,
  [BlockErrorCode.WRONG_PROPOSER]: 400,
  [BlockErrorCode.BAD_SIGNATURE]: 400,
  [BlockErrorCode.BAD_TX_ROOT]: 400,
  [BlockErrorCode.BAD_STATE_ROOT]: 400,
  [BlockErrorCode.INVALID_TX]: 400,
  [BlockErrorCode.TOO_MANY_TXS]: 400,
  [BlockErrorCode.TOO_LARGE]: 400,
  [BlockErrorCode.REVERTS_FINALIZED]: 400,
  [BlockErrorCode.KNOWN]: 400,
  [BlockErrorCode.KNOWN_INVALID]: 400,

  [RegistryErrorCode.UNKNOWN]: 400,
  [RegistryErrorCode.CORRUPT]: 400,
  [GenesisErrorCode.INVALID]: 400,
  [GenesisErrorCode.MISMATCH]: 400,

  [GovErrorCode.UNKNOWN_PROPOSAL]: 404,
  [GovErrorCode.VOTING_CLOSED]: 400,
  [GovErrorCode.NO_VOTING_POWER]: 400,
  [GovErrorCode.NOT_IN_REVIEW]: 400,
  [GovErrorCode.SELF_REVIEW]: 400,
  [GovErrorCode.DUPLICATE_REVIEW]: 400,
  [GovErrorCode.BELOW_PARTICIPANT_FLOOR]: 400,
  [GovErrorCode.NOT_IN_IMPLEMENTATION]: 400,
  [GovErrorCode.NOT_ORIGINAL_YES_VOTER]: 400,
  [GovErrorCode.DUPLICATE_IMPLEMENTATION_VOTE]: 400,
  [GovErrorCode.NOT_QUEUED]: 400,
  [GovErrorCode.TIMELOCK_ACTIVE]: 400,
  [GovErrorCode.EXECUTION_WINDOW_PASSED]: 400,
  [GovErrorCode.NOT_PROPOSER]: 400,
  [GovErrorCode.NOT_CANCELLABLE]: 400,
  [GovErrorCode.INVALID_VALUE]: 400,
  [GovErrorCode.NOT_GOVERNABLE]: 400,
  [GovErrorCode.UNKNOWN_TARGET]: 400,
  [GovErrorCode.CROSS_RULE_VIOLATION]: 400,
  [GovErrorCode.DEPOSIT_TOO_LOW]: 400,
  [GovErrorCode.INSUFFICIENT_BALANCE]: 400,
  [GovErrorCode.TOO_MANY_ACTIVE]: 400,
  [GovErrorCode.TITLE_TOO_LONG]: 400,
  [GovErrorCode.DESCRIPTION_TOO_LONG]: 400,
  [GovErrorCode.COMMENT_TOO_LONG]: 400,
  [GovErrorCode.REASON_TOO_LONG]: 400,
  [GovErrorCode.PURPOSE_TOO_LONG]: 400,
  [GovErrorCode.EMPTY_TITLE]: 400,
  [GovErrorCode.INVALID_UTF8]: 400,
  [GovErrorCode.INVALID_RECIPIENT]: 400,
  [GovErrorCode.INVALID_AMOUNT]: 400,
  [GovErrorCode.TREASURY_SHORT]: 400,
  [GovErrorCode.TREASURY_SPENDING_DISABLED]: 400,
  [GovErrorCode.INVALID_ACTION]: 400,
  [GovErrorCode.INVALID_VALIDATOR_ACTION]: 400,
  [GovErrorCode.INVALID_VALIDATOR_ADDRESS]: 400,
  [GovErrorCode.INVALID_VALIDATOR_KEY]: 400,
  [GovErrorCode.INVALID_ACTIVATION_HEIGHT]: 400,
  [GovErrorCode.VALIDATOR_EXISTS]: 400,
  [GovErrorCode.NOT_A_VALIDATOR]: 400,
  [GovErrorCode.LAST_VALIDATOR]: 400,
  [GovErrorCode.TOO_MANY_VALIDATORS]: 400,
  [GovErrorCode.VALIDATOR_SET_UNKNOWN]: 400,
  [GovErrorCode.ROLLBACK_NOT_ALLOWED]: 400,
  [GovErrorCode.ROLLBACK_CONFLICT]: 400,
  [GovErrorCode.FIAT_WINDOW_CLOSED]: 400,
  [GovErrorCode.FIAT_ALREADY_UNLOCKED]: 400,
  [GovErrorCode.ALREADY_EXISTS]: 400,
  [GovErrorCode.INVALID_UPGRADE_NAME]: 400,
  [GovErrorCode.INVALID_UPGRADE_HEIGHT]: 400,
  [GovErrorCode.UPGRADE_HEIGHT_TOO_SOON]: 400,
  [GovErrorCode.INVALID_UPGRADE_INFO]: 400,
  [GovErrorCode.UPGRADE_ALREADY_APPLIED]: 400,
  [GovErrorCode.NO_PENDING_UPGRADE]: 400,
  [GovErrorCode.UPGRADE_NEEDED]: 503, // this node halted for an upgrade it does not know
  [GovErrorCode.INVALID_TRANSITION]: 400,
  [GovErrorCode.CORRUPT]: 400,
  [GovErrorCode.INVARIANT]: 400,
  [ChainInvariantErrorCode.VIOLATED]: 400,

  [DbErrorCode.LOCKED]: 400,
  [DbErrorCode.SCHEMA_MISMATCH]: 400,
  [DbErrorCode.CORRUPT]: 400,
  [DbErrorCode.WRITE_FAILED]: 503, // this node stopped writing (fail-stop) and is shutting down

  [ChainErrorCode.NODE_BUSY]: 503,
  [ChainErrorCode.REPLAY_MISMATCH]: 400,
  [ChainErrorCode.SIGN_STATE_INVALID]: 503,
  [ChainErrorCode.SIGN_STATE_WRITE_FAILED]: 503,
  [ChainErrorCode.DOUBLE_SIGN]: 503,

  [SyncErrorCode.MALFORMED]: 400,
  [SyncErrorCode.NO_STATUS]: 400,

  [ApiErrorCode.BAD_REQUEST]: 400,
  [ApiErrorCode.NOT_FOUND]: 404,
  [ApiErrorCode.METHOD_NOT_ALLOWED]: 405,
  [ApiErrorCode.WRONG_TX_TYPE]: 400,
  [ApiErrorCode.FORBIDDEN]: 403,
  [ApiErrorCode.BODY_TOO_LARGE]: 413,
  [ApiErrorCode.TOO_MANY_TXS]: 413,
  [ApiErrorCode.UNSUPPORTED_MEDIA_TYPE]: 415,
  [ApiErrorCode.INTERNAL]: 500,
  [ApiErrorCode.BAD_URL]: 400,
  [ApiErrorCode.URL_TOO_LONG]: 414,
  [ApiErrorCode.MALFORMED_REQUEST]: 400,
  [ApiErrorCode.EVENT_STREAM_FULL]: 503,
};

/**
 * HTTP status of an error code (SPEC §5). A code the table lacks (one of the node's or the CLI's,
 * which are never raised under a route) answers 400, as any unlisted code always did.
 */
export function httpStatusOf(code: ErrorCode): number {
  return (HTTP_STATUS as Readonly<Partial<Record<ErrorCode, number>>>)[code] ?? 400;
}

/** The error body of every route: {"error": {"code", "message"}}. */
export function errorBody(code: ErrorCode, message: string, data?: Record<string, unknown>) {
  return { error: { code, message, ...(data && Object.keys(data).length > 0 ? { data } : {}) } };
}

/** Maps any thrown value to a status and error body (non-XaiErrors become 500 INTERNAL). */
export function toHttpError(err: unknown): { status: number; body: ReturnType<typeof errorBody> } {
  if (isXaiError(err)) {
    const data = Object.fromEntries(
      Object.entries(err.data).map(([k, v]) => [k, typeof v === "bigint" ? v.toString() : v]),
    );
    return { status: httpStatusOf(err.code), body: errorBody(err.code, err.message, data) };
  }
  return { status: 500, body: errorBody(ApiErrorCode.INTERNAL, "internal error") };
}
