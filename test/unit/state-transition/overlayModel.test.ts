/**
 * StateOverlay against a model (fast-check): stacks of overlays over a base, random writes, record
 * writes, deletions, point reads, range reads (prefix, gt, lt, lte, reverse, limit), commits and
 * drops. Every read, and the bottom overlay's `changes()`, must equal what a plain sorted map of
 * the same history gives. Guards the overlay's lazily built key order (stateStore.ts).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type Entry,
  moveRecord,
  type RangeOptions,
  ReadCache,
  type RecordCodec,
  readRecord,
  StateOverlay,
  type StateReader,
} from "../../../src/state-transition/stateStore.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const unhex = (h: string) => new Uint8Array(Buffer.from(h, "hex"));

/** A sorted-array reader with the database reader's range semantics. */
function arrayState(entries: Map<string, Uint8Array>): StateReader {
  const sorted = () => [...entries.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    async get(key) {
      return entries.get(hex(key));
    },
    async range(prefix, opts = {}) {
      return modelRange(new Map(sorted()), prefix, opts);
    },
  };
}

function modelRange(m: Map<string, Uint8Array | null>, prefix: Uint8Array, opts: RangeOptions): Entry[] {
  const p = hex(prefix);
  let keys = [...m.keys()].filter((k) => k.startsWith(p) && m.get(k) !== null);
  if (opts.gt) keys = keys.filter((k) => Buffer.compare(unhex(k), opts.gt!) > 0);
  if (opts.lte) keys = keys.filter((k) => Buffer.compare(unhex(k), opts.lte!) <= 0);
  if (opts.lt) keys = keys.filter((k) => Buffer.compare(unhex(k), opts.lt!) < 0);
  keys.sort((a, b) => Buffer.compare(unhex(a), unhex(b)));
  if (opts.reverse) keys.reverse();
  if (opts.limit !== undefined) keys = keys.slice(0, opts.limit);
  return keys.map((k) => [unhex(k), m.get(k)!]);
}

/** A record: a number, encoded as one byte (cloned as a fresh object). */
const codec: RecordCodec<{ n: number }> = {
  encode: (v) => new Uint8Array([v.n]),
  decode: (b) => ({ n: b[0]! }),
  clone: (v) => ({ n: v.n }),
};

// Short keys (the empty key too) over a small alphabet with both ends of the byte range, so that
// prefixes, bounds, the prefix end and overwrites collide often.
const ALPHABET = [0x00, 0x01, 0x80, 0xff];
const keyArb = fc.uint8Array({ minLength: 0, maxLength: 3 }).map((a) => a.map((x) => ALPHABET[x % 4]!));
const valueArb = fc.uint8Array({ minLength: 1, maxLength: 2 });
const opArb = fc.oneof(
  fc.record({ op: fc.constant("put" as const), key: keyArb, value: valueArb }),
  fc.record({ op: fc.constant("record" as const), key: keyArb, n: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant("del" as const), key: keyArb }),
  fc.record({ op: fc.constant("get" as const), key: keyArb }),
  fc.record({ op: fc.constant("read" as const), key: keyArb }),
  fc.record({ op: fc.constant("move" as const), key: keyArb, n: fc.integer({ min: 0, max: 255 }) }),
  fc.record({
    op: fc.constant("range" as const),
    prefix: fc.uint8Array({ maxLength: 2 }).map((a) => a.map((x) => ALPHABET[x % 4]!)),
    gt: fc.option(keyArb, { nil: undefined }),
    lt: fc.option(keyArb, { nil: undefined }),
    lte: fc.option(keyArb, { nil: undefined }),
    reverse: fc.boolean(),
    limit: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
  }),
  fc.record({ op: fc.constant("push" as const) }),
  fc.record({ op: fc.constant("commit" as const) }),
  fc.record({ op: fc.constant("drop" as const) }),
);

describe("state-transition/stateStore: overlays against a model", () => {
  it("reads, ranges and changes equal a sorted map's, through pushes, commits and drops", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(keyArb, valueArb), { maxLength: 12 }),
        fc.array(opArb, { maxLength: 60 }),
        async (baseEntries, ops) => {
          const base = new Map(baseEntries.map(([k, v]) => [hex(k), v]));
          const stack = [new StateOverlay(new ReadCache(arrayState(base)))];
          const layers: Array<Map<string, Uint8Array | null>> = [new Map()];
          const visible = () => {
            const m = new Map<string, Uint8Array | null>(base);
            for (const l of layers) for (const [k, v] of l) m.set(k, v);
            return m;
          };
          for (const o of ops) {
            const top = stack[stack.length - 1]!;
            const layer = layers[layers.length - 1]!;
            if (o.op === "put") {
              top.put(o.key, o.value);
              layer.set(hex(o.key), o.value);
            } else if (o.op === "record") {
              top.putRecord(o.key, { n: o.n }, codec);
              layer.set(hex(o.key), new Uint8Array([o.n]));
            } else if (o.op === "move") {
              moveRecord(top, o.key, { n: o.n }, codec);
              layer.set(hex(o.key), new Uint8Array([o.n]));
            } else if (o.op === "read") {
              // A record read is the reader's own copy: spoiling it must change nothing stored.
              const want = visible().get(hex(o.key)) ?? undefined;
              const got = await readRecord(top, o.key, codec);
              assert.deepEqual(got, want ? codec.decode(want) : undefined);
              if (got) got.n = 1000;
            } else if (o.op === "del") {
              top.del(o.key);
              layer.set(hex(o.key), null);
            } else if (o.op === "get") {
              const want = visible().get(hex(o.key)) ?? undefined;
              assert.deepEqual(await top.get(o.key), want === null ? undefined : want);
            } else if (o.op === "range") {
              const opts: RangeOptions = { reverse: o.reverse };
              if (o.gt) opts.gt = o.gt;
              if (o.lt) opts.lt = o.lt;
              if (o.lte) opts.lte = o.lte;
              if (o.limit !== undefined) opts.limit = o.limit;
              const got = (await top.range(o.prefix, opts)).map(([k, v]) => [hex(k), hex(v)]);
              const want = modelRange(visible(), o.prefix, opts).map(([k, v]) => [hex(k), hex(v)]);
              assert.deepEqual(got, want);
            } else if (o.op === "push") {
              stack.push(new StateOverlay(top));
              layers.push(new Map());
            } else if (stack.length > 1) {
              stack.pop();
              const l = layers.pop()!;
              if (o.op === "commit") {
                top.commitTo(stack[stack.length - 1]!);
                for (const [k, v] of l) layers[layers.length - 1]!.set(k, v);
              }
            }
          }
          while (stack.length > 1) {
            stack.pop()!.commitTo(stack[stack.length - 1]!);
            const l = layers.pop()!;
            for (const [k, v] of l) layers[layers.length - 1]!.set(k, v);
          }
          const changes = stack[0]!.changes().map(([k, v]) => [hex(k), v === null ? null : hex(v)]);
          const want = [...layers[0]!.entries()]
            .sort(([a], [b]) => Buffer.compare(unhex(a), unhex(b)))
            .map(([k, v]) => [k, v === null ? null : hex(v)]);
          assert.deepEqual(changes, want);
        },
      ),
      { numRuns: 400, seed: 20261202 },
    );
  });
});
