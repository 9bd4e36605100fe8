/**
 * computeStateRoot frames the write set into chunks (stateRoot.ts): its root must be the sha256 of
 * the documented byte layout, written here the plain way, for write sets that cross and exceed
 * the 64 KiB chunk (large values, many small changes, deletions, an empty set).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { computeStateRoot } from "../../../src/state-transition/stateRoot.js";
import type { Change } from "../../../src/state-transition/stateStore.js";

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** The layout of the docs, one update per field. */
function referenceRoot(parent: Uint8Array, height: number, changes: Change[]): string {
  const h = createHash("sha256");
  const heightBytes = Buffer.alloc(8);
  heightBytes.writeBigUInt64BE(BigInt(height));
  h.update("xai-state-root/v1").update(parent).update(heightBytes).update(u32(changes.length));
  for (const [k, v] of changes) {
    h.update(u32(k.length)).update(k);
    if (v === null) h.update(Buffer.from([0]));
    else
      h.update(Buffer.from([1]))
        .update(u32(v.length))
        .update(v);
  }
  return h.digest("hex");
}

const change: fc.Arbitrary<Change> = fc.tuple(
  fc.uint8Array({ minLength: 1, maxLength: 40 }),
  fc.option(
    fc.oneof(
      { weight: 8, arbitrary: fc.uint8Array({ maxLength: 60 }) },
      {
        weight: 1,
        arbitrary: fc.integer({ min: 60_000, max: 200_000 }).map((n) => new Uint8Array(n).fill(n % 251)),
      },
    ),
    { nil: null },
  ),
);

describe("state-transition/stateRoot", () => {
  it("equals the documented layout hashed field by field, across chunk boundaries", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.nat({ max: 2 ** 40 }),
        fc.array(change, { maxLength: 3000 }),
        (parent, height, changes) => {
          assert.equal(
            Buffer.from(computeStateRoot(parent, height, changes)).toString("hex"),
            referenceRoot(parent, height, changes),
          );
        },
      ),
      { numRuns: 60, seed: 20261202 },
    );
  });
});
