import assert from "node:assert/strict";
import {
  EMPTY_STATE,
  type Entry,
  moveRecord,
  ReadCache,
  type RecordCodec,
  RecordReadCache,
  readRecord,
  StateOverlay,
  type StateReader,
  writeRecord,
} from "../../../src/state-transition/stateStore.js";

const k = (...b: number[]) => new Uint8Array(b);

/** A base state over fixed entries that counts its point reads. */
function countingBase(entries: Entry[]): StateReader & { gets: number } {
  const base = {
    gets: 0,
    async get(key: Uint8Array) {
      base.gets++;
      return entries.find(([ek]) => Buffer.compare(ek, key) === 0)?.[1];
    },
    async range() {
      return entries;
    },
  };
  return base;
}

interface Rec {
  n: bigint;
  tags: string[];
}

/** A record codec that counts its encodes and decodes. */
function countingCodec(): RecordCodec<Rec> & { encodes: number; decodes: number } {
  const c = {
    encodes: 0,
    decodes: 0,
    encode(v: Rec) {
      c.encodes++;
      return new Uint8Array(Buffer.from(JSON.stringify({ n: v.n.toString(), tags: v.tags })));
    },
    decode(b: Uint8Array) {
      c.decodes++;
      const o = JSON.parse(Buffer.from(b).toString()) as { n: string; tags: string[] };
      return { n: BigInt(o.n), tags: o.tags };
    },
    clone: (v: Rec) => ({ n: v.n, tags: [...v.tags] }),
  };
  return c;
}

describe("state-transition/stateStore", () => {
  it("ReadCache reads each key of its base once, absences included; ranges pass through", async () => {
    const base = countingBase([[k(1, 2), k(9)]]);
    const cache = new ReadCache(base);
    assert.deepEqual(await cache.get(k(1, 2)), k(9));
    assert.deepEqual(await cache.get(k(1, 2)), k(9));
    assert.equal(await cache.get(k(3)), undefined);
    assert.equal(await cache.get(k(3)), undefined);
    assert.equal(base.gets, 2);
    assert.deepEqual(await cache.range(k(1)), [[k(1, 2), k(9)]]);
    // Through a block overlay and a transaction overlay above it: still one base read per key.
    const tx = new StateOverlay(new StateOverlay(cache));
    assert.deepEqual(await tx.get(k(1, 2)), k(9));
    assert.equal(base.gets, 2);
  });

  it("RecordReadCache decodes a record once, and every reader (direct or through overlays) gets its own copy", async () => {
    const codec = countingCodec();
    const other = countingCodec();
    const base = countingBase([[k(4), codec.encode({ n: 3n, tags: ["x"] })]]);
    const cache = new RecordReadCache(base);
    const first = await readRecord(cache, k(4), codec);
    first!.tags.push("first reader's own");
    first!.n = 100n;
    const viaOverlay = await readRecord(new StateOverlay(new StateOverlay(cache)), k(4), codec);
    assert.deepEqual(viaOverlay, { n: 3n, tags: ["x"] });
    viaOverlay!.tags.push("second reader's own");
    assert.deepEqual(await readRecord(cache, k(4), codec), { n: 3n, tags: ["x"] });
    assert.equal(codec.decodes, 1);
    assert.equal(base.gets, 1);
    // Another codec decodes the bytes itself; an absent key stays absent (and is read once).
    assert.deepEqual(await readRecord(cache, k(4), other), { n: 3n, tags: ["x"] });
    assert.equal(other.decodes, 1);
    assert.equal(await readRecord(cache, k(7), codec), undefined);
    assert.equal(await readRecord(new StateOverlay(cache), k(7), codec), undefined);
    assert.equal(base.gets, 2);
    assert.equal(cache.size, 2);
    // At its limit it forgets everything in place (so whoever holds it holds a bounded cache).
    const small = new RecordReadCache(countingBase([[k(4), codec.encode({ n: 3n, tags: ["x"] })]]), 2);
    await readRecord(small, k(4), codec);
    await small.get(k(5));
    assert.equal(small.size, 2);
    await small.get(k(6));
    assert.equal(small.size, 1);
    const decodes = codec.decodes;
    assert.deepEqual(await readRecord(small, k(4), codec), { n: 3n, tags: ["x"] });
    assert.equal(codec.decodes, decodes + 1, "the record was forgotten with its bytes");
    // The plain ReadCache decodes on every read (a block reads most keys once: no clone on top).
    const plain = new ReadCache(countingBase([[k(4), codec.encode({ n: 3n, tags: ["x"] })]]));
    await readRecord(plain, k(4), codec);
    await readRecord(new StateOverlay(plain), k(4), codec);
    assert.equal(codec.decodes, decodes + 3);
  });

  it("a record written to an overlay is encoded once, when its bytes are asked for", async () => {
    const codec = countingCodec();
    const block = new StateOverlay(EMPTY_STATE);
    for (let i = 1n; i <= 3n; i++) {
      const tx = new StateOverlay(block);
      const r = (await readRecord(tx, k(5), codec)) ?? { n: 0n, tags: [] };
      writeRecord(tx, k(5), { n: r.n + i, tags: [...r.tags, `t${i}`] }, codec);
      tx.commitTo(block);
    }
    assert.equal(codec.encodes, 0);
    assert.equal(codec.decodes, 0);
    const expected = { n: 6n, tags: ["t1", "t2", "t3"] };
    assert.deepEqual(block.changes(), [[k(5), codec.encode(expected)]]);
    assert.equal(codec.encodes, 2); // one for changes(), one for the expected bytes above
    block.changes();
    assert.deepEqual(await block.get(k(5)), codec.encode(expected));
    assert.equal(codec.encodes, 3); // the cell's bytes were kept
    assert.deepEqual(await readRecord(block, k(5), codec), expected);
    assert.equal(codec.decodes, 0);
  });

  it("a record cell is cloned on write and on read: mutating either copy changes nothing stored", async () => {
    const codec = countingCodec();
    const block = new StateOverlay(EMPTY_STATE);
    const written = { n: 1n, tags: ["a"] };
    writeRecord(block, k(5), written, codec);
    written.tags.push("after-write");
    const read = await readRecord(block, k(5), codec);
    read!.tags.push("after-read");
    // A dropped transaction overlay leaves the block's record as it was.
    const tx = new StateOverlay(block);
    const r = await readRecord(tx, k(5), codec);
    r!.n = 99n;
    writeRecord(tx, k(5), r!, codec);
    assert.deepEqual(await readRecord(block, k(5), codec), { n: 1n, tags: ["a"] });
  });

  it("a moved record is kept as given (no clone), and readers still get their own copies", async () => {
    let clones = 0;
    const base = countingCodec();
    const codec: RecordCodec<Rec> = {
      ...base,
      clone: (v) => {
        clones++;
        return base.clone(v);
      },
    };
    const block = new StateOverlay(EMPTY_STATE);
    const tx = new StateOverlay(block);
    const given = { n: 7n, tags: ["v"] };
    moveRecord(tx, k(9), given, codec);
    assert.equal(clones, 0);
    tx.commitTo(block);
    const read = await readRecord(block, k(9), codec);
    assert.equal(clones, 1);
    assert.notEqual(read, given);
    read!.tags.push("reader's own");
    assert.deepEqual(await readRecord(block, k(9), codec), { n: 7n, tags: ["v"] });
    assert.deepEqual(block.changes(), [[k(9), base.encode({ n: 7n, tags: ["v"] })]]);
    // Not an overlay: encoded at once, as writeRecord.
    const puts: Entry[] = [];
    moveRecord({ ...EMPTY_STATE, put: (key, v) => puts.push([key, v]), del: () => {} }, k(6), given, codec);
    assert.deepEqual(puts, [[k(6), base.encode(given)]]);
  });

  it("bytes written over a record, and a record read with another codec, are decoded from bytes", async () => {
    const codec = countingCodec();
    const other = countingCodec();
    const block = new StateOverlay(EMPTY_STATE);
    writeRecord(block, k(5), { n: 2n, tags: [] }, codec);
    assert.deepEqual(await readRecord(block, k(5), other), { n: 2n, tags: [] });
    assert.equal(other.decodes, 1);
    block.put(k(5), codec.encode({ n: 3n, tags: ["x"] }));
    assert.deepEqual(await readRecord(block, k(5), codec), { n: 3n, tags: ["x"] });
    block.del(k(5));
    assert.equal(await readRecord(block, k(5), codec), undefined);
    // Not an overlay: the record is encoded at once.
    const puts: Entry[] = [];
    writeRecord(
      { ...EMPTY_STATE, put: (key, v) => puts.push([key, v]), del: () => {} },
      k(6),
      { n: 4n, tags: [] },
      codec,
    );
    assert.deepEqual(puts, [[k(6), codec.encode({ n: 4n, tags: [] })]]);
  });
});
