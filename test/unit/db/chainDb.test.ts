// The database schema version: a new database records SCHEMA_VERSION; a database of another
// version (schema 1: proposal actions as the flat ActionRecord) is refused with DB_SCHEMA_MISMATCH.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { utf8 } from "../../../src/crypto/bytes.js";
import { SCHEMA_VERSION } from "../../../src/db/buckets.js";
import { ChainDb } from "../../../src/db/chainDb.js";
import { DbErrorCode } from "../../../src/db/errors.js";
import { isXaiError } from "../../../src/errors.js";

describe("db: schema version", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "xai-schema-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("a new database records the current schema version and opens again", async () => {
    assert.equal(SCHEMA_VERSION, "2");
    const db = await ChainDb.open(dir);
    assert.equal(new TextDecoder().decode(await db.getMeta("schema")), SCHEMA_VERSION);
    await db.close();
    await (await ChainDb.open(dir)).close();
  });

  it("refuses a database another handle has open with DB_LOCKED", async () => {
    const db = await ChainDb.open(dir);
    try {
      await assert.rejects(ChainDb.open(dir), (err: unknown) => isXaiError(err, DbErrorCode.LOCKED));
    } finally {
      await db.close();
    }
  });

  for (const old of ["1", "0", "3"])
    it(`a database of schema ${old} is refused with DB_SCHEMA_MISMATCH (and left closed)`, async () => {
      const db = await ChainDb.open(dir);
      await db.batch().setMeta("schema", utf8(old)).write();
      await db.close();
      await assert.rejects(ChainDb.open(dir), (err: unknown) => {
        assert.ok(isXaiError(err, DbErrorCode.SCHEMA_MISMATCH), String(err));
        assert.deepEqual(err.data, { found: old, expected: SCHEMA_VERSION });
        return true;
      });
      // Refusing released the lock: the directory can be opened (and refused) again.
      await assert.rejects(ChainDb.open(dir), (err: unknown) => isXaiError(err, DbErrorCode.SCHEMA_MISMATCH));
    });
});
