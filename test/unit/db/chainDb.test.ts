import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { utf8 } from "../../../src/crypto/bytes.js";
import { ChainDb } from "../../../src/db/chainDb.js";
import { DbErrorCode } from "../../../src/db/errors.js";
import { expectCode } from "../../utils/testChain.js";

describe("db/chainDb open", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "xai-chaindb-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses a database of another schema version with DB_SCHEMA_MISMATCH, and lets it go", async () => {
    const db = await ChainDb.open(dir);
    const expected = new TextDecoder().decode(await db.getMeta("schema"));
    await db.batch().setMeta("schema", utf8("0")).write();
    await db.close();
    const err = await expectCode(ChainDb.open(dir), DbErrorCode.SCHEMA_MISMATCH);
    assert.deepEqual(err.data, { found: "0", expected });
    // Closed again on refusal: a second open gets the same answer, not DB_LOCKED.
    await expectCode(ChainDb.open(dir), DbErrorCode.SCHEMA_MISMATCH);
  });

  it("refuses a database another handle has open with DB_LOCKED", async () => {
    const db = await ChainDb.open(dir);
    try {
      await expectCode(ChainDb.open(dir), DbErrorCode.LOCKED);
    } finally {
      await db.close();
    }
  });
});
