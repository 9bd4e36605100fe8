/** Error codes of the node process: its files, keys and options. */
export enum NodeErrorCode {
  /** A command-line option (or `init`/`start` option) out of its domain. */
  BAD_OPTION = "BAD_OPTION",
  /** `init` on a directory that already holds a genesis. */
  ALREADY_INITIALIZED = "ALREADY_INITIALIZED",
  /** No genesis.json in the node's directory (run `xai-gov init` first). */
  NO_GENESIS = "NO_GENESIS",
  /** A key file that cannot be read, has a malformed secret key, or an address that does not match it. */
  KEY_FILE_INVALID = "KEY_FILE_INVALID",
  /** A plaintext key file was expected (a node's validator key) but the file is an encrypted keystore. */
  KEY_FILE_ENCRYPTED = "KEY_FILE_ENCRYPTED",
  /**
   * The database has applied an upgrade this release does not know (a downgrade, or a node started
   * without the release that applied it; `data.name`, `data.height`) (SPEC v2 §4.7).
   */
  UNKNOWN_APPLIED_UPGRADE = "UNKNOWN_APPLIED_UPGRADE",
  /**
   * `start` could not open a listener it was asked for (`data.flag` `--api` or `--p2p`,
   * `data.address`, `data.cause` EADDRINUSE …): the node opened nothing else, released its
   * database and ports, and exits with LISTEN_FAILED_EXIT_CODE (listeners.ts).
   */
  LISTEN_FAILED = "NODE_LISTEN_FAILED",
}

declare module "../errors.js" {
  interface ErrorCodes {
    node: NodeErrorCode;
  }
}

/** Exit code of `xai-gov start` when a listener could not be opened (NODE_LISTEN_FAILED). */
export const LISTEN_FAILED_EXIT_CODE = 8;

/** Exit code of `xai-gov start` when the database is corrupt (DB_CORRUPT), at start or on a reorg. */
export const DB_CORRUPT_EXIT_CODE = 7;
