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
}

/** The data of a DB_SCHEMA_MISMATCH error: the schema version found and the one this node writes. */
export type SchemaMismatchData = { found: string; expected: string };

declare module "../errors.js" {
  interface ErrorCodes {
    db: DbErrorCode;
  }
  interface ErrorData {
    [DbErrorCode.SCHEMA_MISMATCH]: SchemaMismatchData;
  }
}
