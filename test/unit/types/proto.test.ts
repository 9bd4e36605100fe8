// uint64 ↔ Long conversions of the wire codecs: exact over the whole range, checked against the
// decimal round trip they replace, and out-of-range values refused.
import assert from "node:assert/strict";
import fc from "fast-check";
import Long from "long";
import { fromLong, protoType, toLong } from "../../../src/types/proto.js";

const MAX = (1n << 64n) - 1n;

describe("types/proto: uint64 conversions", () => {
  it("toLong gives the Long of the decimal round trip, and fromLong inverts it", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX }), (n) => {
        const l = toLong(n);
        assert.ok(l.equals(Long.fromString(n.toString(), true)));
        assert.equal(l.unsigned, true);
        assert.equal(fromLong(l), n);
      }),
      { numRuns: 2000 },
    );
  });

  it("edges: 0, 2^32 - 1, 2^32, 2^53 + 1, 2^63, 2^64 - 1", () => {
    for (const n of [0n, (1n << 32n) - 1n, 1n << 32n, (1n << 53n) + 1n, 1n << 63n, MAX])
      assert.equal(fromLong(toLong(n)), n);
  });

  it("fromLong reads a signed Long's bits as unsigned, a number as itself, absent as 0", () => {
    assert.equal(fromLong(Long.fromString("-1", false)), MAX);
    assert.equal(fromLong(Long.fromBits(0, -2147483648, false)), 1n << 63n);
    assert.equal(fromLong(12345), 12345n);
    assert.equal(fromLong(undefined), 0n);
    assert.equal(fromLong(null), 0n);
    assert.throws(() => fromLong("1"), TypeError);
  });

  it("toLong refuses values outside uint64", () => {
    assert.throws(() => toLong(-1n), RangeError);
    assert.throws(() => toLong(MAX + 1n), RangeError);
  });
});

describe("types/proto: the two kind oneofs", () => {
  it("SubmitProposal.kind and ProposalAction.kind have the same members, numbers and types", () => {
    const members = (type: string) =>
      protoType(type)
        .oneofs.kind!.fieldsArray.map((f) => `${f.id} ${f.name} ${f.type}`)
        .sort();
    const submitted = members("xai.gov.v1.SubmitProposal");
    assert.equal(submitted.length, 8);
    assert.ok(submitted.includes("16 softwareUpgrade SoftwareUpgrade"));
    assert.ok(submitted.includes("17 validatorSet ValidatorSet"));
    assert.deepEqual(members("xai.gov.v1.ProposalAction"), submitted);
  });
});
