/**
 * Mutation-based inputs: real seeds (encoded transactions, blocks, frames, genesis files) changed
 * by a few random edits, as fast-check arbitraries so that one seed reproduces a run.
 */
import fc from "fast-check";

/** One edit of a byte string (positions are taken modulo the length). */
export type ByteEdit =
  | { op: "flip"; at: number; bit: number }
  | { op: "set"; at: number; value: number }
  | { op: "insert"; at: number; bytes: Uint8Array }
  | { op: "delete"; at: number; len: number }
  | { op: "duplicate"; at: number; len: number; to: number }
  | { op: "truncate"; at: number }
  | { op: "varint"; at: number; value: bigint; replace: number }
  | { op: "splice"; at: number; other: number; from: number };

/** Bytes that often sit on a decoder's boundaries. */
const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x0a, 0x12, 0x08, 0x10, 0x1a, 0x22];

const at = fc.nat({ max: 1 << 20 });
const edit: fc.Arbitrary<ByteEdit> = fc.oneof(
  fc.record({ op: fc.constant("flip" as const), at, bit: fc.nat({ max: 7 }) }),
  fc.record({
    op: fc.constant("set" as const),
    at,
    value: fc.oneof(fc.constantFrom(...INTERESTING), fc.nat({ max: 255 })),
  }),
  fc.record({
    op: fc.constant("insert" as const),
    at,
    bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }),
  }),
  fc.record({ op: fc.constant("delete" as const), at, len: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ op: fc.constant("duplicate" as const), at, len: fc.integer({ min: 1, max: 64 }), to: at }),
  fc.record({ op: fc.constant("truncate" as const), at }),
  fc.record({
    op: fc.constant("varint" as const),
    at,
    value: fc.oneof(fc.bigInt({ min: 0n, max: 300n }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })),
    replace: fc.nat({ max: 10 }),
  }),
  fc.record({ op: fc.constant("splice" as const), at, other: fc.nat(), from: at }),
);

function varint(v: bigint): number[] {
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

/** Applies edits in order; `others` are the seeds a splice takes its tail from. */
export function applyEdits(seed: Uint8Array, edits: ByteEdit[], others: Uint8Array[]): Uint8Array {
  let b = Array.from(seed);
  for (const e of edits) {
    const p = b.length === 0 ? 0 : e.at % (b.length + (e.op === "insert" ? 1 : 0));
    switch (e.op) {
      case "flip":
        if (b.length) b[p] = b[p]! ^ (1 << e.bit);
        break;
      case "set":
        if (b.length) b[p] = e.value;
        break;
      case "insert":
        b.splice(p, 0, ...e.bytes);
        break;
      case "delete":
        b.splice(p, e.len);
        break;
      case "duplicate":
        b.splice(b.length ? e.to % b.length : 0, 0, ...b.slice(p, p + e.len));
        break;
      case "truncate":
        b = b.slice(0, p);
        break;
      case "varint":
        b.splice(p, e.replace, ...varint(e.value));
        break;
      case "splice": {
        const o = others[e.other % Math.max(1, others.length)];
        if (o) b = [...b.slice(0, p), ...o.slice(o.length ? e.from % o.length : 0)];
        break;
      }
    }
  }
  return new Uint8Array(b);
}

/** A seed with one to six edits. */
export function mutatedBytes(seeds: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  if (seeds.length === 0) throw new Error("mutatedBytes needs at least one seed");
  return fc
    .tuple(fc.nat({ max: seeds.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 6 }))
    .map(([i, edits]) => applyEdits(seeds[i]!, edits, seeds));
}

/** JSON values of any shape, biased toward the types and edge values parsers get wrong. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, "", "0", "-1", "1e3"),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.bigInt({ min: 0n, max: 1n << 70n }).map((n) => n.toString()),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 8 })), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.integer(), fc.string({ maxLength: 8 })), {
    maxKeys: 3,
  }),
);

type JsonEdit =
  | { op: "replace"; path: number; value: unknown }
  | { op: "delete"; path: number }
  | { op: "add"; path: number; key: string; value: unknown };

const jsonEdit: fc.Arbitrary<JsonEdit> = fc.oneof(
  fc.record({ op: fc.constant("replace" as const), path: fc.nat(), value: anyJson }),
  fc.record({ op: fc.constant("delete" as const), path: fc.nat() }),
  fc.record({
    op: fc.constant("add" as const),
    path: fc.nat(),
    key: fc.string({ maxLength: 12 }),
    value: anyJson,
  }),
);

/** Every container (object or array) of a JSON value with each of its keys, depth first. */
function slots(v: unknown, out: Array<[Record<string, unknown> | unknown[], string | number]> = []) {
  if (Array.isArray(v))
    for (const [i, x] of v.entries()) {
      out.push([v, i]);
      slots(x, out);
    }
  else if (v && typeof v === "object")
    for (const [k, x] of Object.entries(v)) {
      out.push([v as Record<string, unknown>, k]);
      slots(x, out);
    }
  return out;
}

/** Applies JSON edits to a deep copy of `seed`. */
export function applyJsonEdits(seed: unknown, edits: JsonEdit[]): unknown {
  const root = { v: structuredClone(seed) };
  for (const e of edits) {
    const all = slots(root);
    if (all.length === 0) break; // the whole value was deleted
    const [parent, key] = all[e.path % all.length]!;
    const p = parent as Record<string | number, unknown>;
    if (e.op === "replace") p[key] = e.value;
    else if (e.op === "delete") {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete p[key];
    } else {
      const child = p[key];
      if (Array.isArray(child)) child.push(e.value);
      else if (child && typeof child === "object") (child as Record<string, unknown>)[e.key] = e.value;
      else p[key] = { [e.key]: e.value };
    }
  }
  return root.v;
}

/** A JSON seed with one to four structural edits. */
export function mutatedJson(seeds: unknown[]): fc.Arbitrary<unknown> {
  return fc
    .tuple(fc.nat({ max: seeds.length - 1 }), fc.array(jsonEdit, { minLength: 1, maxLength: 4 }))
    .map(([i, edits]) => applyJsonEdits(seeds[i], edits));
}

/** JSON text: the seeds' text with byte edits (mostly no longer JSON), or structurally edited JSON. */
export function mutatedJsonText(seeds: unknown[]): fc.Arbitrary<string> {
  const texts = seeds.map((s) => new TextEncoder().encode(JSON.stringify(s)));
  return fc.oneof(
    { weight: 3, arbitrary: mutatedJson(seeds).map((v) => JSON.stringify(v) ?? "null") },
    { weight: 1, arbitrary: mutatedBytes(texts).map((b) => new TextDecoder().decode(b)) },
  );
}
