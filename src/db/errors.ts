import { type XaiError, xaiError } from "../errors.js";

/** Error codes of the chain database. */
export enum DbErrorCode {
  /** Another process has the database open (is the node running?). */
  LOCKED = "DB_LOCKED",
  /**
   * The database was written by a release with another schema version (`SCHEMA_VERSION`): its
   * state is encoded differently, so its roots would not match. Remove it and sync the chain again.
   */
  SCHEMA_MISMATCH = "DB_SCHEMA_MISMATCH",
  /**
   * The database lacks a record it must hold or holds one that fails its checks (LevelDB's, or the
   * node's at open: src/chain/integrity.ts): `data.what`, `data.height`, `data.repair`.
   */
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

/** What a DB_CORRUPT error tells to do (docs/RUNBOOK.md, "A corrupt database"). */
export const REPAIR_HINT =
  "stop the node and run `xai-gov replay --repair --dir DIR` (it rebuilds the state, undo records and receipts from the stored blocks), or remove DIR/db and sync from peers; see docs/RUNBOOK.md";

/** The DB_CORRUPT error for `what` (at `height`), with the repair path in its message and data. */
export function dbCorrupt(what: string, height?: number): XaiError {
  return xaiError(DbErrorCode.CORRUPT, `database is corrupt: ${what}: ${REPAIR_HINT}`, {
    what,
    ...(height === undefined ? {} : { height }),
    repair: "xai-gov replay --repair",
  });
}
