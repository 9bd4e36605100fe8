// SPEC §3 (v2): a block header (height > 0) whose proposer is not an address (bech32m xai1…,
// lowercase) does not decode: BLOCK_MALFORMED with data.address_fault, before any signature check.
import assert from "node:assert/strict";
import { devKeyPair } from "../../../src/crypto/keys.js";
import { isXaiError } from "../../../src/errors.js";
import { type BlockHeader, decodeHeader, encodeHeader } from "../../../src/types/block.js";
import { BlockErrorCode } from "../../../src/types/errors.js";
import { BAD_ADDRESSES } from "../../utils/badAddresses.js";

const header = (proposer: string): BlockHeader => ({
  chainId: "xai-devnet-test",
  height: 7,
  slot: 9,
  parentHash: new Uint8Array(32).fill(1),
  proposer,
  txRoot: new Uint8Array(32).fill(2),
  stateRoot: new Uint8Array(32).fill(3),
});

describe("§3 (v2) checksummed addresses: block header proposer", () => {
  it("a header proposed by an address decodes", () => {
    const h = header(devKeyPair(4).address);
    assert.deepEqual(decodeHeader(encodeHeader(h)), h);
  });

  for (const bad of BAD_ADDRESSES)
    it(`${bad.what}: BLOCK_MALFORMED (${bad.fault})`, () => {
      assert.throws(
        () => decodeHeader(encodeHeader(header(bad.value))),
        (err: unknown) => {
          assert.ok(isXaiError(err, BlockErrorCode.MALFORMED), String(err));
          assert.deepEqual(err.data, { address_fault: bad.fault });
          return true;
        },
      );
    });
});
