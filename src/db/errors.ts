/** Error codes of the node's database (src/db). */
export enum DbErrorCode {
  /**
   * The database was written by a release with another schema version (`SCHEMA_VERSION`): its
   * state is encoded differently, so its roots would not match. Remove it and sync the chain again.
   */
  SCHEMA_MISMATCH = "DB_SCHEMA_MISMATCH",
}
