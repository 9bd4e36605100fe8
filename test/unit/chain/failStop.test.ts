// Storage faults and double signing (issue: a validator whose disk filled went on announcing blocks
// it never stored, then signed different blocks at the same heights after a restart). A failed
// write stops the chain for good (fail-stop: DB_WRITE_FAILED, the head unchanged, no job runs
// again); the sign guard (signGuard.ts) records each signed block before it is stored, so a
// restart stores that same block again, and a validator whose database lost blocks signs none at
// or below its last signed height or slot.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { ChainErrorCode } from "../../../src/chain/errors.js";
import { JobQueue } from "../../../src/chain/jobQueue.js";
import { SignGuard } from "../../../src/chain/signGuard.js";
import { toHex } from "../../../src/crypto/bytes.js";
import { DbErrorCode } from "../../../src/db/errors.js";
import { XaiError } from "../../../src/errors.js";
import { decodeBlock } from "../../../src/types/block.js";
import {
  expectCode,
  failWrites,
  importAll,
  makeBlock,
  openTestChain,
  produce,
  runToHeight,
  scheduledKey,
  stateDigest,
  type TestChain,
  tempDir,
  testKey,
  transferTx,
  validatorKey,
} from "../../utils/testChain.js";

describe("fail-stop on a failed write, and the sign guard", () => {
  const open: TestChain[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const t of open.splice(0)) await t.cleanup();
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  it("a failed block write stops the chain: DB_WRITE_FAILED, head unchanged, no job runs again", async () => {
    const t = await openTestChain();
    open.push(t);
    await runToHeight(t.chain, 2);
    const before = { head: t.chain.head.hashHex, digest: await stateDigest(t.db) };
    const fatal: string[] = [];
    const heads: number[] = [];
    t.chain.on("fatal", (e: XaiError) => fatal.push(e.code));
    t.chain.on("head", (e: { block: { header: { height: number } } }) => heads.push(e.block.header.height));
    const restore = failWrites(t.db);
    const err = await expectCode(t.chain.produceBlock(3, scheduledKey(t.chain, 3)), DbErrorCode.WRITE_FAILED);
    assert.match(err.message, /No space left on device/);
    assert.deepEqual(fatal, [DbErrorCode.WRITE_FAILED]);
    assert.equal(t.chain.head.hashHex, before.head);
    // The disk has room again, but the chain stays stopped: LevelDB's log may be torn after the
    // failed write, so nothing is written again before a restart.
    restore();
    await expectCode(t.chain.produceBlock(4, scheduledKey(t.chain, 4)), DbErrorCode.WRITE_FAILED);
    const other = await openTestChain({ genesis: t.genesis });
    open.push(other);
    const [b3] = await runToHeight(other.chain, 3).then((bs) => bs.slice(2));
    const b1 = await other.chain.blockAt(1);
    assert.ok(b3 && b1);
    await expectCode(t.chain.importBlock(b3.bytes), DbErrorCode.WRITE_FAILED);
    const tx = transferTx(validatorKey(0), testKey("x").address, 5n, { nonce: 0n });
    await expectCode(t.chain.submitTx(tx), DbErrorCode.WRITE_FAILED);
    assert.equal(t.chain.mempool.size, 0);
    assert.deepEqual(fatal, [DbErrorCode.WRITE_FAILED]);
    assert.deepEqual(heads, []);
    assert.equal(t.db.writeFailure?.code, DbErrorCode.WRITE_FAILED);
    // Reopened, the database holds exactly what the chain reported.
    await t.close();
    const again = await openTestChain({ genesis: t.genesis, dir: t.dir });
    open.push(again);
    assert.equal(again.chain.head.hashHex, before.head);
    assert.equal(await stateDigest(again.db), before.digest);
  });

  it("a block signed but not stored is stored again at restart, never replaced by another", async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const file = join(dir, "sign_state.json");
    const t = await openTestChain({ signGuard: SignGuard.load(file) });
    open.push(t);
    await runToHeight(t.chain, 1);
    failWrites(t.db);
    await expectCode(t.chain.produceBlock(2, scheduledKey(t.chain, 2)), DbErrorCode.WRITE_FAILED);
    assert.equal(t.chain.head.height, 1);
    const signed = JSON.parse(readFileSync(file, "utf8")) as { height: number; slot: number; hash: string };
    assert.deepEqual([signed.height, signed.slot], [2, 2]);
    await t.close();
    const again = await openTestChain({ genesis: t.genesis, dir: t.dir, signGuard: SignGuard.load(file) });
    open.push(again);
    assert.equal(again.chain.head.height, 2);
    assert.equal(again.chain.head.hashHex, signed.hash);
    const b3 = await produce(again.chain, 3);
    assert.equal(b3.header.height, 3);
    assert.equal((JSON.parse(readFileSync(file, "utf8")) as { hash: string }).hash, b3.hashHex);
  });

  it("a validator whose database lost blocks signs none at or below its last signed height or slot", async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const file = join(dir, "sign_state.json");
    const first = await openTestChain({ signGuard: SignGuard.load(file) });
    open.push(first);
    const lost = await runToHeight(first.chain, 3);
    // A new database (everything lost) with the same sign state.
    const t = await openTestChain({ genesis: first.genesis, signGuard: SignGuard.load(file) });
    open.push(t);
    const key = validatorKey(0);
    for (const slot of [1, 2, 3]) assert.equal(await t.chain.produceBlock(slot, key), null);
    // Slot 4 is above the last signed slot, but height 1 is not above the last signed height.
    assert.equal(await t.chain.produceBlock(4, key), null);
    assert.equal(t.chain.head.height, 0);
    // The lost blocks come back from a peer; then the validator signs above them.
    assert.deepEqual(await importAll(t.chain, lost), ["head", "head", "head"]);
    const b = await t.chain.produceBlock(5, key);
    assert.equal(b?.header.height, 4);
  });

  it("the guard refuses a height or slot not above its record, and reads back what it wrote", async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const file = join(dir, "sign_state.json");
    const t = await openTestChain();
    open.push(t);
    const [b1, b2] = await runToHeight(t.chain, 2);
    assert.ok(b1 && b2);
    const g = SignGuard.load(file);
    const who = b2.header.proposer;
    assert.equal(g.allows(who, 1, 1), true);
    g.record(b2);
    assert.deepEqual(
      [g.allows(who, 2, 9), g.allows(who, 3, 2), g.allows(who, 3, 3), g.allows(testKey("x").address, 1, 1)],
      [false, false, true, true],
    );
    await expectCode(
      Promise.resolve().then(() => g.record(b1)),
      ChainErrorCode.DOUBLE_SIGN,
    );
    const back = SignGuard.load(file).last(who);
    assert.deepEqual([back?.height, back?.slot, back?.block.hashHex], [2, 2, b2.hashHex]);
  });

  it("an unreadable or inconsistent sign state is SIGN_STATE_INVALID", async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const file = join(dir, "sign_state.json");
    const t = await openTestChain();
    open.push(t);
    const [b1] = await runToHeight(t.chain, 1);
    assert.ok(b1);
    const good = { version: 1, height: 1, slot: 1, hash: b1.hashHex, block: toHex(b1.bytes) };
    const bad: unknown[] = [
      "{not json",
      { ...good, height: 2 },
      { ...good, slot: 7 },
      { ...good, hash: "00".repeat(32) },
      { ...good, version: 2 },
      { ...good, block: "zz" },
      { ...good, block: toHex(b1.bytes.subarray(1)) },
    ];
    for (const content of bad) {
      writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
      assert.throws(
        () => SignGuard.load(file),
        (e: unknown) => e instanceof XaiError && e.code === ChainErrorCode.SIGN_STATE_INVALID,
      );
    }
    writeFileSync(file, JSON.stringify(good));
    assert.equal(SignGuard.load(file).lastSigned?.block.hashHex, decodeBlock(b1.bytes).hashHex);
  });

  it("a failed sign-state write stops the chain before the block is stored", async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const file = join(dir, "missing-dir", "sign_state.json");
    const t = await openTestChain({ signGuard: SignGuard.load(file) });
    open.push(t);
    const fatal: string[] = [];
    t.chain.on("fatal", (e: XaiError) => fatal.push(e.code));
    await expectCode(
      t.chain.produceBlock(1, scheduledKey(t.chain, 1)),
      ChainErrorCode.SIGN_STATE_WRITE_FAILED,
    );
    assert.deepEqual(fatal, [ChainErrorCode.SIGN_STATE_WRITE_FAILED]);
    assert.equal(t.chain.head.height, 0);
    assert.equal(await t.db.getCanonicalHash(1), undefined);
    const b1 = await makeBlock(t.chain, { slot: 1 });
    await expectCode(t.chain.importBlock(b1.bytes), ChainErrorCode.SIGN_STATE_WRITE_FAILED);
  });

  it("a stopped job queue rejects the jobs waiting and every later one with the failure", async () => {
    const q = new JobQueue(10);
    const ran: number[] = [];
    let release!: () => void;
    const first = q.run("block", () => new Promise<void>((r) => (release = r)).then(() => ran.push(1)));
    const waiting = q.run("admission", async () => ran.push(2));
    await new Promise(setImmediate); // the first job is running now
    const failure = new Error("disk full");
    q.stop(failure);
    release();
    await first;
    await assert.rejects(waiting, (e) => e === failure);
    await assert.rejects(
      q.run("block", async () => ran.push(3)),
      (e) => e === failure,
    );
    assert.deepEqual(ran, [1]);
    await q.idle();
  });
});
