/** Error codes of the CLI, and the error it re-raises for a node's error answer. */

/** Error codes raised by the CLI itself. */
export enum CliErrorCode {
  /** `--payload` is not a JSON object with the fields of its kind. */
  BAD_PAYLOAD = "BAD_PAYLOAD",
  /** `--key` names no key (dev keys are dev:0 … dev:9). */
  BAD_KEY = "BAD_KEY",
  /** A dev key used against a node whose chain is not a dev chain. */
  DEV_KEY_REFUSED = "DEV_KEY_REFUSED",
  /** `keys new --out` names a file that exists. */
  KEY_FILE_EXISTS = "KEY_FILE_EXISTS",
  /** The node's URL does not answer. */
  NODE_UNREACHABLE = "NODE_UNREACHABLE",
  /** The node answered with a body that is not JSON. */
  BAD_RESPONSE = "BAD_RESPONSE",
  /** `--wait`: the transaction was not included in time. */
  WAIT_TIMEOUT = "WAIT_TIMEOUT",
  /** A signing command without a pinned chain id: neither `--chain-id` nor the client config has one. */
  CHAIN_ID_REQUIRED = "CHAIN_ID_REQUIRED",
  /** The node (or the body to sign, or the transaction to broadcast) is on another chain than the pinned one. */
  CHAIN_ID_MISMATCH = "CHAIN_ID_MISMATCH",
  /** The fee to sign (the node's min_tx_fee, or `--fee`) is above `--max-fee` (or the config's max_fee). */
  FEE_ABOVE_MAX = "FEE_ABOVE_MAX",
  /** `tx submit-proposal` without `--deposit`: the node's proposal_deposit is above `--max-deposit`. */
  DEPOSIT_ABOVE_MAX = "DEPOSIT_ABOVE_MAX",
  /** `--timeout` is not a whole number of milliseconds from 1 to 3,600,000. */
  BAD_TIMEOUT = "BAD_TIMEOUT",
  /** `--wait`: the transaction was included, but its receipt's result is not `ok` (the receipt is printed). */
  RECEIPT_FAILED = "RECEIPT_FAILED",
  /** The client config file (XAI_GOV_CLIENT_CONFIG, or ~/.xai-gov/client.json) cannot be read or is malformed. */
  BAD_CLIENT_CONFIG = "BAD_CLIENT_CONFIG",
  /** `tx sign`: the body's public key is not the one of `--key`. */
  KEY_MISMATCH = "KEY_MISMATCH",
  /** An encrypted key file's passphrase is wrong (nothing was written). */
  KEY_PASSPHRASE_WRONG = "KEY_PASSPHRASE_WRONG",
  /** A keystore's ciphertext, tag or header was changed: authentication failed with the right passphrase. */
  KEYSTORE_TAMPERED = "KEYSTORE_TAMPERED",
  /** A keystore's scrypt parameters are below the minimum (n 2^14, r 8): it is refused. */
  KEYSTORE_WEAK_KDF = "KEYSTORE_WEAK_KDF",
  /** A file claims to be a keystore but is malformed (fields, sizes, version, address). */
  KEYSTORE_INVALID = "KEYSTORE_INVALID",
  /** No passphrase: not on a terminal and neither --passphrase-file nor XAI_PASSPHRASE given. */
  PASSPHRASE_REQUIRED = "PASSPHRASE_REQUIRED",
  /** A new passphrase is too short (under 8 characters) or its confirmation differs. */
  BAD_PASSPHRASE = "BAD_PASSPHRASE",
  /** `--key NAME`: no such key in the keyring (and no file of that name). */
  KEY_NOT_FOUND = "KEY_NOT_FOUND",
  /** `--key NAME`: both a keyring key and a file of that name exist (give ./NAME for the file). */
  KEY_AMBIGUOUS = "KEY_AMBIGUOUS",
  /** A keyring name that is not 1 to 64 letters, digits, `_` or `-` (starting with a letter or digit). */
  BAD_KEY_NAME = "BAD_KEY_NAME",
  /** `keys delete` not on a terminal without --yes, or the confirmation was not given. */
  CONFIRMATION_REQUIRED = "CONFIRMATION_REQUIRED",
  /** `keys export` of an unencrypted key, or of the raw secret, without --unsafe-raw. */
  UNSAFE_EXPORT = "UNSAFE_EXPORT",
  /** The keyring directory is owned by another user (who could replace its keys). */
  KEYRING_UNSAFE = "KEYRING_UNSAFE",
}

declare module "../errors.js" {
  interface ErrorCodes {
    cli: CliErrorCode;
  }
}

/**
 * An error a node answered with, re-raised by the client (`client.ts`). Its code is the node's, as
 * a string: a node of another release may send a code this build has no enum member for, and an
 * error answer without a code becomes `HTTP_<status>`. It is not an XaiError, so no policy table of
 * this build ever sees a code it does not know; the CLI prints both alike, as `CODE: message`.
 */
export class RemoteError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "RemoteError";
  }
}

/** True if `err` is a RemoteError (optionally with the given code). */
export function isRemoteError(err: unknown, code?: string): err is RemoteError {
  return err instanceof RemoteError && (code === undefined || err.code === code);
}
