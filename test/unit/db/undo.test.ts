// Undo records read in place (issue 10): walkUndo visits what decodeUndo decodes, as views of the
// stored bytes, stops when told, and refuses bytes that are not a whole record; the start-up check
// (integrity.ts) reads every non-final block's record with it and calls a damaged one DB_CORRUPT.
import assert from "node:assert/strict";
import { checkStoredChain } from "../../../src/chain/integrity.js";
import { bucketKey, DbBucket } from "../../../src/db/buckets.js";
import { DbErrorCode } from "../../../src/db/errors.js";
import { decodeUndo, encodeUndo, walkUndo } from "../../../src/db/undo.js";
import { isXaiError } from "../../../src/errors.js";
import { openTestChain, runToHeight } from "../../utils/testChain.js";

const record: Array<[Uint8Array, Uint8Array | null]> = [
  [new Uint8Array([1, 2]), new Uint8Array([9, 9, 9])],
  [new Uint8Array([3]), null],
  [new Uint8Array([4, 5, 6]), new Uint8Array(0)],
];

describe("db: undo records read in place", () => {
  it("visits every entry decodeUndo decodes, as views of the bytes, and returns the count", () => {
    const bytes = encodeUndo(record);
    const seen: Array<[Uint8Array, Uint8Array | null]> = [];
    const n = walkUndo(bytes, (k, v) => {
      assert.equal(k.buffer, bytes.buffer);
      if (v) assert.equal(v.buffer, bytes.buffer);
      seen.push([new Uint8Array(k), v && new Uint8Array(v)]);
      return false;
    });
    assert.equal(n, 3);
    assert.deepEqual(seen, decodeUndo(bytes));
    assert.deepEqual(seen, record);
  });

  it("stops at the entry the visitor returns true for", () => {
    const keys: number[] = [];
    const n = walkUndo(encodeUndo(record), (k) => {
      keys.push(k[0]!);
      return k[0] === 3;
    });
    assert.equal(n, 2);
    assert.deepEqual(keys, [1, 3]);
  });

  it("refuses truncated bytes, trailing bytes and a bad presence byte", () => {
    const bytes = encodeUndo(record);
    assert.throws(() => walkUndo(bytes.subarray(0, bytes.length - 1)), /truncated/);
    assert.throws(() => walkUndo(new Uint8Array([0, 0])), /truncated/);
    assert.throws(() => walkUndo(new Uint8Array([...bytes, 0])), /trailing/);
    const bad = new Uint8Array(bytes);
    bad[4 + 4 + 2] = 7; // the first entry's presence byte
    assert.throws(() => walkUndo(bad), /presence/);
    assert.equal(walkUndo(encodeUndo([])), 0);
    // decodeUndo reads through walkUndo: the same refusals, copies of the same entries.
    assert.throws(() => decodeUndo(bytes.subarray(0, bytes.length - 1)), /truncated/);
    assert.throws(() => decodeUndo(bad), /presence/);
    const copies = decodeUndo(bytes);
    assert.notEqual(copies[0]![0].buffer, bytes.buffer);
    assert.deepEqual(copies, record);
  });

  it("the start-up check calls a non-final block with a damaged transaction section DB_CORRUPT (review)", async () => {
    const t = await openTestChain();
    try {
      await runToHeight(t.chain, 4);
      await t.chain.idle();
      const hash = (await t.db.getCanonicalHash(2))!;
      const bytes = (await t.db.getBlockBytes(hash))!;
      const level = (t.db as unknown as { db: { put(k: Uint8Array, v: Uint8Array): Promise<void> } }).db;
      // A transactions field (3, length-delimited) that claims 5 bytes with 1 present: the header
      // and signature still read.
      await level.put(bucketKey(DbBucket.BLOCK, hash), new Uint8Array([...bytes, 0x1a, 0x05, 0x01]));
      await assert.rejects(
        checkStoredChain(t.db, (await t.db.getHead())!, t.genesis.finalityDepth),
        (err: unknown) =>
          isXaiError(err, DbErrorCode.CORRUPT) &&
          err.message.includes("block 2 does not decode") &&
          (err.data as { height?: number }).height === 2,
      );
    } finally {
      await t.cleanup();
    }
  });

  it("the start-up check calls a truncated undo record of a non-final block DB_CORRUPT, naming its height", async () => {
    const t = await openTestChain();
    try {
      await runToHeight(t.chain, 4);
      await t.chain.idle();
      const hash = (await t.db.getCanonicalHash(2))!;
      const undo = t.db.getUndoBytes(hash)!;
      await checkStoredChain(t.db, (await t.db.getHead())!, t.genesis.finalityDepth);
      const level = (t.db as unknown as { db: { put(k: Uint8Array, v: Uint8Array): Promise<void> } }).db;
      await level.put(bucketKey(DbBucket.UNDO, hash), undo.subarray(0, undo.length - 1));
      await assert.rejects(
        checkStoredChain(t.db, (await t.db.getHead())!, t.genesis.finalityDepth),
        (err: unknown) =>
          isXaiError(err, DbErrorCode.CORRUPT) &&
          err.message.includes("undo record of block 2 does not decode") &&
          (err.data as { height?: number }).height === 2,
      );
    } finally {
      await t.cleanup();
    }
  });
});
