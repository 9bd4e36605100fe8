// The start-up check's in-place block check (issue 10): checkBlockBytes accepts exactly the bytes
// decodeBlock accepts (its strict decode and canonical re-encode), on damaged, reframed and random
// blocks, and gives the same header and hash; a block it refuses is BLOCK_NON_CANONICAL or
// BLOCK_MALFORMED, never a silent pass.
import assert from "node:assert/strict";
import fc from "fast-check";
import { devKeyPair } from "../../../src/crypto/keys.js";
import { isXaiError } from "../../../src/errors.js";
import { assembleBlock, checkBlockBytes, decodeBlock } from "../../../src/types/block.js";
import { BlockErrorCode } from "../../../src/types/errors.js";

const filled = (n: number, v: number): Uint8Array => new Uint8Array(n).fill(v);

function block(txs: Uint8Array[], signature = filled(64, 0x44)) {
  return assembleBlock(
    {
      chainId: "xai-devnet-test",
      height: 7,
      slot: 9,
      parentHash: filled(32, 0x11),
      proposer: devKeyPair(3).address,
      txRoot: filled(32, 0x22),
      stateRoot: filled(32, 0x33),
    },
    signature,
    txs,
  );
}

// Transactions of 0, 1, 127, 128 (a 2-byte length) and 300 bytes.
const base = block([filled(0, 0), filled(1, 5), filled(127, 6), filled(128, 7), filled(300, 8)]);

type Outcome = { ok: true; hash: string; height: number } | { ok: false };

function outcome(fn: () => { hashHex: string; header: { height: number } }): Outcome {
  try {
    const b = fn();
    return { ok: true, hash: b.hashHex, height: b.header.height };
  } catch (err) {
    assert.ok(
      isXaiError(err, BlockErrorCode.NON_CANONICAL) || isXaiError(err, BlockErrorCode.MALFORMED),
      `refused with ${String(err)}`,
    );
    return { ok: false };
  }
}

/** Asserts both checks agree on `bytes`; true if both accepted. */
function same(bytes: Uint8Array): boolean {
  const o = outcome(() => checkBlockBytes(bytes));
  assert.deepEqual(
    o,
    outcome(() => decodeBlock(bytes)),
    Buffer.from(bytes).toString("hex"),
  );
  return o.ok;
}

/** `n` as a varint, minimal, or with `pad` more bytes (continuation bits and a zero last byte). */
const varint = (n: number, pad: number): number[] => {
  const out: number[] = [];
  do {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  } while (n > 0);
  if (pad === 0) out[out.length - 1]! &= 0x7f;
  else out.push(...new Array<number>(pad - 1).fill(0x80), 0x00);
  return out;
};

describe("types/block: the in-place check of block bytes (checkBlockBytes)", () => {
  it("accepts a canonical block, with and without transactions, and gives decodeBlock's header and hash", () => {
    for (const b of [base, block([]), block([filled(5, 1)], new Uint8Array(0))]) {
      const head = checkBlockBytes(b.bytes);
      assert.equal(head.hashHex, b.hashHex);
      assert.deepEqual(head.header, b.header);
      same(b.bytes);
    }
  });

  it("refuses what decodeBlock refuses: the review's damaged section, truncation, an empty field, a padded length", () => {
    const damaged = [
      new Uint8Array([...base.bytes, 0x1a, 0x05, 0x01]), // a tx claiming 5 bytes, 1 present
      base.bytes.subarray(0, base.bytes.length - 1),
      new Uint8Array([...base.bytes, 0x1a]),
      new Uint8Array([...base.bytes, 0x22, 0x00]), // an unknown field 4
      new Uint8Array([...base.bytes, 0x12, 0x01, 0x00]), // a second signature after the txs
      new Uint8Array([0x0a, 0x00, ...base.bytes]), // an empty header written
    ];
    for (const bytes of damaged) {
      assert.throws(
        () => checkBlockBytes(bytes),
        (e: unknown) => isXaiError(e, BlockErrorCode.NON_CANONICAL),
      );
      same(bytes);
    }
    // The first tx's length (0) written in two bytes: 0x80 0x00.
    const h = base.headerBytes.length;
    const at = 1 + varint(h, 0).length + h + 2 + 64; // the header field, then the signature field
    assert.equal(base.bytes[at], 0x1a);
    same(new Uint8Array([...base.bytes.subarray(0, at + 1), 0x80, 0x00, ...base.bytes.subarray(at + 2)]));
  });

  it("property: on every byte changed, inserted or removed, both accept or both refuse (same header)", () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        fc.nat(base.bytes.length - 1),
        fc.integer({ min: 0, max: 255 }),
        fc.constantFrom("set", "insert", "remove", "cut"),
        (i, v, op) => {
          const b = [...base.bytes];
          if (op === "set") b[i] = v;
          else if (op === "insert") b.splice(i, 0, v);
          else if (op === "remove") b.splice(i, 1);
          else b.length = i;
          if (same(new Uint8Array(b))) accepted++;
          else refused++;
        },
      ),
      { numRuns: 3000 },
    );
    // Both sides were exercised (a changed byte inside a transaction still decodes).
    assert.ok(accepted > 100 && refused > 100, `${accepted} accepted, ${refused} refused`);
  });

  it("property: random framings of header, signature and txs (tags, order, padded lengths) agree", () => {
    let accepted = 0;
    const head = [...base.headerBytes];
    const part = fc.record({
      tag: fc.constantFrom(0x0a, 0x12, 0x1a, 0x1a, 0x1a, 0x08, 0x22, 0x0b, 0x1b),
      body: fc.oneof(
        fc.constant(head),
        fc.uint8Array({ maxLength: 140 }).map((a) => [...a]),
      ),
      pad: fc.constantFrom(0, 0, 0, 1, 2),
    });
    fc.assert(
      fc.property(fc.array(part, { maxLength: 6 }), (parts) => {
        const bytes = parts.flatMap((p) => [p.tag, ...varint(p.body.length, p.pad), ...p.body]);
        if (same(new Uint8Array(bytes))) accepted++;
      }),
      { numRuns: 3000 },
    );
    assert.ok(accepted > 10, `${accepted} accepted`);
  });
});
