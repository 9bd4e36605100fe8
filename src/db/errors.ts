/** Error codes of the chain database. */
export enum DbErrorCode {
  /** Another process has the database open (is the node running?). */
  LOCKED = "DB_LOCKED",
  /**
   * The database was written by a release with another schema version (`SCHEMA_VERSION`): its
   * state is encoded differently, so its roots would not match. Remove it and sync the chain again.
   */
  SCHEMA_MISMATCH = "DB_SCHEMA_MISMATCH",
  /** The database lacks a record it must hold (the head block), a bug or a corrupted database. */
  CORRUPT = "DB_CORRUPT",
  /**
   * A write failed (e.g. the disk is full): the node stops at once (fail-stop), so its head never
   * runs ahead of what is stored; restart it once the cause is fixed (`data.cause`).
   */
  WRITE_FAILED = "DB_WRITE_FAILED",
}

/** The data of a DB_SCHEMA_MISMATCH error: the schema version found and the one this node writes. */
export type SchemaMismatchData = { found: string; expected: string };

declare module "../errors.js" {
  interface ErrorCodes {
    db: DbErrorCode;
  }
  interface ErrorData {
    [DbErrorCode.SCHEMA_MISMATCH]: SchemaMismatchData;
    [DbErrorCode.WRITE_FAILED]: { cause: string };
  }
}
