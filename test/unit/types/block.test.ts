import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fc from "fast-check";
import protobuf from "protobufjs";
import { devKeyPair, sign } from "../../../src/crypto/keys.js";
import { verifySignature } from "../../../src/crypto/verify.js";
import { XaiError } from "../../../src/errors.js";
import {
  assembleBlock,
  BLOCK_SIGN_DOMAIN,
  type BlockHeader,
  blockSigningMessage,
  decodeBlock,
  decodeHeader,
  encodeBlock,
  encodeHeader,
} from "../../../src/types/block.js";
import { pb } from "../../../src/types/proto.js";

const cat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));
const sha256 = (b: Uint8Array): Uint8Array => new Uint8Array(createHash("sha256").update(b).digest());
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const fin = (w: protobuf.Writer): Uint8Array => new Uint8Array(w.finish());
const W = (): protobuf.Writer => protobuf.Writer.create();
const tag = (field: number, wire: number): number => (field << 3) | wire;
const filled = (n: number, v: number): Uint8Array => new Uint8Array(n).fill(v);

const proposer = devKeyPair(4);

function header(over: Partial<BlockHeader> = {}): BlockHeader {
  return {
    chainId: "xai-devnet-test",
    height: 12,
    slot: 15,
    parentHash: filled(32, 0x11),
    proposer: proposer.address,
    txRoot: filled(32, 0x22),
    stateRoot: filled(32, 0x33),
    ...over,
  };
}

function expectCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof XaiError, `expected XaiError, got ${String(err)}`);
    assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${err.message}`);
    return true;
  });
}

/** Header fields written by hand, in canonical form, to build deviations from. */
function headerFields(h: BlockHeader): Uint8Array[] {
  return [
    fin(W().uint32(tag(1, 2)).string(h.chainId)),
    fin(W().uint32(tag(2, 0)).uint64(h.height)),
    fin(W().uint32(tag(3, 0)).uint64(h.slot)),
    fin(W().uint32(tag(4, 2)).bytes(h.parentHash)),
    fin(W().uint32(tag(5, 2)).string(h.proposer)),
    fin(W().uint32(tag(6, 2)).bytes(h.txRoot)),
    fin(W().uint32(tag(7, 2)).bytes(h.stateRoot)),
  ];
}

describe("types/block", () => {
  describe("round trips", () => {
    it("header: decodeHeader(encodeHeader(h)) = h, and the encoding is the hand-built canonical one", () => {
      const h = header();
      const bytes = encodeHeader(h);
      assert.deepEqual(bytes, cat(...headerFields(h)));
      assert.deepEqual(decodeHeader(bytes), h);
    });

    it("header at height 0 (genesis) with an empty proposer and zero heights", () => {
      const h = header({ height: 0, slot: 0, proposer: "", parentHash: new Uint8Array(32) });
      assert.deepEqual(decodeHeader(encodeHeader(h)), h);
    });

    it("header with heights up to Number.MAX_SAFE_INTEGER", () => {
      const h = header({ height: Number.MAX_SAFE_INTEGER, slot: Number.MAX_SAFE_INTEGER });
      assert.deepEqual(decodeHeader(encodeHeader(h)), h);
    });

    it("block: decodeBlock(encodeBlock(...)) gives header, signature, txs and hash = sha256(header bytes)", () => {
      const h = header();
      const headerBytes = encodeHeader(h);
      const signature = sign(blockSigningMessage(headerBytes), proposer.secretKey);
      const txs = [filled(10, 1), filled(200, 2), new Uint8Array(0), filled(3, 4)];
      const bytes = encodeBlock(headerBytes, signature, txs);
      const b = decodeBlock(bytes);
      assert.deepEqual(b.header, h);
      assert.deepEqual(b.headerBytes, headerBytes);
      assert.deepEqual(b.signature, signature);
      assert.deepEqual(b.txs, txs);
      assert.deepEqual(b.bytes, bytes);
      assert.deepEqual(b.hash, sha256(headerBytes));
      assert.equal(b.hashHex, hex(sha256(headerBytes)));
      assert.equal(
        verifySignature(b.signature, blockSigningMessage(b.headerBytes), proposer.publicKey),
        true,
      );
      // assembleBlock builds the same object
      assert.deepEqual(assembleBlock(h, signature, txs), b);
    });

    it("block without transactions", () => {
      const h = header();
      const b = decodeBlock(encodeBlock(encodeHeader(h), filled(64, 9), []));
      assert.deepEqual(b.txs, []);
      assert.deepEqual(b.header, h);
    });

    it("decoded fields are copies: clobbering the input changes nothing", () => {
      const h = header();
      const bytes = encodeBlock(encodeHeader(h), filled(64, 9), [filled(5, 5)]);
      const b = decodeBlock(bytes);
      bytes.fill(0);
      assert.deepEqual(b.header, h);
      assert.deepEqual(b.txs, [filled(5, 5)]);
      assert.deepEqual(b.signature, filled(64, 9));
    });

    it("the signing message is 'xai-gov/block/v1\\0' followed by the header bytes", () => {
      const hb = encodeHeader(header());
      assert.deepEqual(BLOCK_SIGN_DOMAIN, new TextEncoder().encode("xai-gov/block/v1\0"));
      assert.deepEqual(blockSigningMessage(hb), cat(BLOCK_SIGN_DOMAIN, hb));
    });

    it("property: random headers and blocks round trip", () => {
      const b32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
      fc.assert(
        fc.property(
          fc.string({ unit: "grapheme", maxLength: 30 }),
          fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
          fc.nat(),
          b32,
          b32,
          b32,
          fc.array(fc.uint8Array({ maxLength: 50 }), { maxLength: 5 }),
          (chainId, height, slot, parentHash, txRoot, stateRoot, txs) => {
            const h: BlockHeader = {
              chainId,
              height,
              slot,
              parentHash,
              proposer: proposer.address,
              txRoot,
              stateRoot,
            };
            const hb = encodeHeader(h);
            assert.deepEqual(decodeHeader(hb), h);
            const b = decodeBlock(encodeBlock(hb, filled(64, 1), txs));
            assert.deepEqual(b.header, h);
            assert.deepEqual(b.txs, txs);
            assert.equal(b.hashHex, hex(sha256(hb)));
          },
        ),
        { numRuns: 200 },
      );
    });
  });

  describe("BLOCK_NON_CANONICAL", () => {
    const h = header();
    const hb = encodeHeader(h);
    const sig = filled(64, 9);

    it("a trailing unknown field on the header (decodeHeader and decodeBlock)", () => {
      const bad = cat(hb, fin(W().uint32(tag(8, 0)).uint32(1)));
      assert.doesNotThrow(() => pb.BlockHeader.decode(bad));
      expectCode(() => decodeHeader(bad), "BLOCK_NON_CANONICAL");
      expectCode(() => decodeBlock(encodeBlock(bad, sig, [])), "BLOCK_NON_CANONICAL");
    });

    it("a trailing unknown field on the block envelope", () => {
      const good = encodeBlock(hb, sig, [filled(3, 3)]);
      assert.equal(decodeBlock(good).hashHex, hex(sha256(hb)));
      for (const u of [
        fin(W().uint32(tag(4, 2)).bytes(filled(2, 1))),
        fin(W().uint32(tag(9, 0)).uint32(0)),
      ]) {
        const bad = cat(good, u);
        assert.doesNotThrow(() => pb.Block.decode(bad));
        expectCode(() => decodeBlock(bad), "BLOCK_NON_CANONICAL");
      }
    });

    it("header fields out of order, a default written explicitly, a non-minimal varint", () => {
      const f = headerFields(h);
      const variants = [
        cat(f[0]!, f[2]!, f[1]!, f[3]!, f[4]!, f[5]!, f[6]!),
        cat(f[0]!, f[1]!, fin(W().uint32(tag(3, 0)).uint32(0)), f[3]!, f[4]!, f[5]!, f[6]!), // slot would be 0
        cat(f[0]!, new Uint8Array([tag(2, 0), 0x8c, 0x00]), f[2]!, f[3]!, f[4]!, f[5]!, f[6]!), // height 12
      ];
      assert.equal(String(pb.BlockHeader.decode(variants[2]!).toJSON().height), "12");
      for (const v of variants) expectCode(() => decodeHeader(v), "BLOCK_NON_CANONICAL");
    });

    it("block envelope with the signature before the header", () => {
      const bad = cat(fin(W().uint32(tag(2, 2)).bytes(sig)), fin(W().uint32(tag(1, 2)).bytes(hb)));
      expectCode(() => decodeBlock(bad), "BLOCK_NON_CANONICAL");
    });
  });

  describe("BLOCK_MALFORMED", () => {
    it("a 31-byte parent hash", () => {
      const bad = cat(...headerFields(header({ parentHash: filled(31, 0x11) })));
      expectCode(() => decodeHeader(bad), "BLOCK_MALFORMED");
      expectCode(() => decodeBlock(encodeBlock(bad, filled(64, 1), [])), "BLOCK_MALFORMED");
    });

    it("33-byte parent hash, 31-byte tx root, missing state root", () => {
      expectCode(() => decodeHeader(encodeHeader(header({ parentHash: filled(33, 1) }))), "BLOCK_MALFORMED");
      expectCode(() => decodeHeader(encodeHeader(header({ txRoot: filled(31, 1) }))), "BLOCK_MALFORMED");
      expectCode(
        () => decodeHeader(encodeHeader(header({ stateRoot: new Uint8Array(0) }))),
        "BLOCK_MALFORMED",
      );
    });

    it("a proposer that is not an address, above height 0", () => {
      expectCode(() => decodeHeader(encodeHeader(header({ proposer: "XAIZZ" }))), "BLOCK_MALFORMED");
      expectCode(() => decodeHeader(encodeHeader(header({ proposer: "" }))), "BLOCK_MALFORMED");
    });

    it("a height above Number.MAX_SAFE_INTEGER", () => {
      const f = headerFields(header());
      const big = fin(W().uint32(tag(2, 0)).uint64("9007199254740992"));
      expectCode(() => decodeHeader(cat(f[0]!, big, f[2]!, f[3]!, f[4]!, f[5]!, f[6]!)), "BLOCK_MALFORMED");
    });

    it("garbage and truncated bytes", () => {
      expectCode(() => decodeBlock(new Uint8Array([0xff, 0xff, 0xff])), "BLOCK_MALFORMED");
      expectCode(() => decodeHeader(new Uint8Array([0x0f])), "BLOCK_MALFORMED");
      const good = encodeBlock(encodeHeader(header()), filled(64, 1), []);
      expectCode(() => decodeBlock(good.subarray(0, good.length - 1)), "BLOCK_MALFORMED");
    });

    it("an empty block (no header, so no 32-byte hashes)", () => {
      expectCode(() => decodeBlock(new Uint8Array(0)), "BLOCK_MALFORMED");
    });
  });
});
