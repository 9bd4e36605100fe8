import assert from "node:assert/strict";
import protobuf from "protobufjs";
import { toHex, utf8 } from "../../../src/crypto/bytes.js";
import { sha256 } from "../../../src/crypto/hash.js";
import { devKeyPair, sign } from "../../../src/crypto/keys.js";
import { getAccount } from "../../../src/state-transition/accounts.js";
import {
  assembleBlock,
  type Block,
  blockSigningMessage,
  encodeBlock,
  encodeHeader,
} from "../../../src/types/block.js";
import { BlockErrorCode, TxErrorCode } from "../../../src/types/errors.js";
import {
  expectCode,
  importAll,
  makeBlock,
  openTestChain,
  produce,
  signTx,
  snapshot,
  stateDigest,
  type TestChain,
  testGenesis,
  transferTx,
  validatorKey,
  withTxs,
} from "../../utils/testChain.js";

// Block validity (SPEC §3): every invalid block is refused with its exact code and the head, the
// height, the state root and the whole state are unchanged afterwards.

const alice = devKeyPair(0);
const bob = devKeyPair(1);
const v0 = validatorKey(0);
const v1 = validatorKey(1);
const genesis = testGenesis(2);

const pay = (nonce: bigint, amount = 7n) => transferTx(alice, bob.address, amount, { nonce });

/** Imports `bytes`, expects `code`, and checks that head and state are unchanged. */
async function refused(t: TestChain, bytes: Uint8Array, code: string) {
  const before = await snapshot(t.chain, [alice.address, bob.address, v0.address, v1.address]);
  const err = await expectCode(t.chain.importBlock(bytes), code);
  assert.deepEqual(await snapshot(t.chain, [alice.address, bob.address, v0.address, v1.address]), before);
  return err;
}

/** Appends an unknown varint field (number 99) to a message: protobuf accepts it, re-encoding drops it. */
function withUnknownField(bytes: Uint8Array): Uint8Array {
  return new Uint8Array([
    ...bytes,
    ...protobuf.Writer.create()
      .uint32((99 << 3) | 0)
      .uint64(1)
      .finish(),
  ]);
}

describe("block validity", () => {
  let t: TestChain;

  beforeEach(async () => {
    t = await openTestChain({ genesis });
    await t.chain.submitTx(pay(0n));
    await produce(t.chain); // height 1, slot 1 (v1)
    await produce(t.chain); // height 2, slot 2 (v0)
    assert.equal(t.chain.head.height, 2);
    assert.equal(t.chain.head.slot, 2);
  });

  afterEach(async () => {
    await t.cleanup();
  });

  it("accepts an honest block built by hand (the helper's baseline)", async () => {
    const block = await makeBlock(t.chain, { txs: [pay(1n)] });
    assert.equal((await t.chain.importBlock(block.bytes)).status, "head");
    assert.equal(t.chain.head.hashHex, block.hashHex);
    assert.equal(t.chain.head.height, 3);
  });

  it("wrong proposer (the other validator signs slot 3) → BLOCK_WRONG_PROPOSER", async () => {
    assert.equal(genesis.validators[3 % 2]!.address, v1.address);
    await refused(t, (await makeBlock(t.chain, { key: v0 })).bytes, BlockErrorCode.WRONG_PROPOSER);
  });

  it("a non-validator as proposer → BLOCK_WRONG_PROPOSER", async () => {
    await refused(t, (await makeBlock(t.chain, { key: devKeyPair(5) })).bytes, BlockErrorCode.WRONG_PROPOSER);
  });

  it("bad signature → BLOCK_BAD_SIGNATURE, and the honest block (same hash) is still accepted", async () => {
    const honest = await makeBlock(t.chain, { txs: [pay(1n)] });
    const forged = assembleBlock(
      honest.header,
      sign(blockSigningMessage(honest.headerBytes), v0.secretKey),
      honest.txs,
    );
    assert.equal(forged.hashHex, honest.hashHex);
    await refused(t, forged.bytes, BlockErrorCode.BAD_SIGNATURE);
    // signature over the header without the domain tag
    const untagged = assembleBlock(honest.header, sign(honest.headerBytes, v1.secretKey), honest.txs);
    await refused(t, untagged.bytes, BlockErrorCode.BAD_SIGNATURE);
    // an empty signature
    await refused(
      t,
      assembleBlock(honest.header, new Uint8Array(0), honest.txs).bytes,
      BlockErrorCode.BAD_SIGNATURE,
    );
    assert.equal((await t.chain.importBlock(honest.bytes)).status, "head");
  });

  it("slot equal to the parent's → BLOCK_BAD_SLOT", async () => {
    await refused(t, (await makeBlock(t.chain, { slot: 2 })).bytes, BlockErrorCode.BAD_SLOT);
  });

  it("slot before the parent's → BLOCK_BAD_SLOT", async () => {
    await refused(t, (await makeBlock(t.chain, { slot: 1 })).bytes, BlockErrorCode.BAD_SLOT);
  });

  it("unknown parent → BLOCK_UNKNOWN_PARENT", async () => {
    const block = await makeBlock(t.chain, { header: { parentHash: sha256(utf8("nobody's block")) } });
    const err = await refused(t, block.bytes, BlockErrorCode.UNKNOWN_PARENT);
    assert.equal(err.data.height, 3);
  });

  it("height skipping one → BLOCK_BAD_HEIGHT", async () => {
    await refused(t, (await makeBlock(t.chain, { header: { height: 4 } })).bytes, BlockErrorCode.BAD_HEIGHT);
  });

  it("height equal to the parent's → BLOCK_BAD_HEIGHT", async () => {
    await refused(t, (await makeBlock(t.chain, { header: { height: 2 } })).bytes, BlockErrorCode.BAD_HEIGHT);
  });

  it("bad tx root → BLOCK_BAD_TX_ROOT", async () => {
    const block = await makeBlock(t.chain, { txs: [pay(1n)], header: { txRoot: sha256(utf8("x")) } });
    await refused(t, block.bytes, BlockErrorCode.BAD_TX_ROOT);
  });

  it("bad state root → BLOCK_BAD_STATE_ROOT, data carries both roots", async () => {
    const honest = await makeBlock(t.chain, { txs: [pay(1n)] });
    const wrong = sha256(utf8("wrong root"));
    const block = await makeBlock(t.chain, { txs: [pay(1n)], header: { stateRoot: wrong } });
    const err = await refused(t, block.bytes, BlockErrorCode.BAD_STATE_ROOT);
    assert.equal(err.data.expected, toHex(honest.header.stateRoot));
    assert.equal(err.data.got, toHex(wrong));
    await expectCode(t.chain.importBlock(block.bytes), BlockErrorCode.KNOWN_INVALID);
  });

  it("wrong chain id → BLOCK_WRONG_CHAIN", async () => {
    const block = await makeBlock(t.chain, { header: { chainId: "xai-devnet-other" } });
    await refused(t, block.bytes, BlockErrorCode.WRONG_CHAIN);
  });

  it("non-canonical Block bytes (unknown field) → BLOCK_NON_CANONICAL", async () => {
    const block = await makeBlock(t.chain, { txs: [pay(1n)] });
    await refused(t, withUnknownField(block.bytes), BlockErrorCode.NON_CANONICAL);
  });

  it("non-canonical Block bytes (fields out of order) → BLOCK_NON_CANONICAL", async () => {
    const block = await makeBlock(t.chain);
    const w = protobuf.Writer.create();
    w.uint32((2 << 3) | 2).bytes(block.signature);
    w.uint32((1 << 3) | 2).bytes(block.headerBytes);
    await refused(t, new Uint8Array(w.finish()), BlockErrorCode.NON_CANONICAL);
  });

  it("non-canonical header bytes, validly signed → BLOCK_NON_CANONICAL", async () => {
    const block = await makeBlock(t.chain);
    const headerBytes = withUnknownField(encodeHeader(block.header));
    const signature = sign(blockSigningMessage(headerBytes), v1.secretKey);
    await refused(t, encodeBlock(headerBytes, signature, []), BlockErrorCode.NON_CANONICAL);
  });

  it("bytes that are no block → BLOCK_MALFORMED", async () => {
    await refused(t, new Uint8Array([0xff, 0xff, 0xff]), BlockErrorCode.MALFORMED);
  });

  it("an invalid transaction → BLOCK_INVALID_TX (txCode, index); the block and its children are known invalid", async () => {
    const badSig = transferTx(alice, bob.address, 7n, { nonce: 1n, signer: bob });
    const block = await makeBlock(t.chain, { txs: [badSig] });
    const err = await refused(t, block.bytes, BlockErrorCode.INVALID_TX);
    assert.equal(err.data.txCode, TxErrorCode.BAD_SIGNATURE);
    assert.equal(err.data.index, 0);
    await refused(t, block.bytes, BlockErrorCode.KNOWN_INVALID);
    const child = await makeBlock(t.chain, { parent: block });
    await refused(t, child.bytes, BlockErrorCode.KNOWN_INVALID);
  });

  it("already known (the head, and the genesis block) → BLOCK_KNOWN", async () => {
    const head = (await t.chain.blockAt(2))!;
    await refused(t, head.bytes, BlockErrorCode.KNOWN);
    const genesisBlock = (await t.chain.blockAt(0))!;
    await refused(t, genesisBlock.bytes, BlockErrorCode.KNOWN);
  });

  it("a tampered body (header and signature of an honest block, other txs) → BLOCK_BAD_TX_ROOT; the honest block is still accepted", async () => {
    const honest = await makeBlock(t.chain, { txs: [pay(1n)] });
    await refused(t, withTxs(honest, [pay(1n, 8n)]), BlockErrorCode.BAD_TX_ROOT);
    await refused(t, withTxs(honest, []), BlockErrorCode.BAD_TX_ROOT);
    const bogus = Array.from({ length: 2_001 }, () => pay(1n)); // over max_block_txs (2,000)
    await refused(t, withTxs(honest, bogus), BlockErrorCode.BAD_TX_ROOT);
    await refused(t, withTxs(honest, [new Uint8Array([1, 2, 3])]), BlockErrorCode.BAD_TX_ROOT);
    assert.equal((await t.chain.importBlock(honest.bytes)).status, "head");
    assert.equal(t.chain.head.hashHex, honest.hashHex);
  });

  describe("from another node", () => {
    let other: TestChain;

    beforeEach(async () => {
      other = await openTestChain({ genesis });
      await importAll(other.chain, [(await t.chain.blockAt(1))!, (await t.chain.blockAt(2))!]);
      assert.equal(other.chain.head.hashHex, t.chain.head.hashHex);
    });

    afterEach(async () => {
      await other.cleanup();
    });

    it("a valid block produced by another node is accepted with the same state root and state", async () => {
      await other.chain.submitTx(pay(1n, 1234n));
      const block = await produce(other.chain);
      assert.equal(block.txs.length, 1);
      const r = await t.chain.importBlock(block.bytes);
      assert.equal(r.status, "head");
      assert.equal(t.chain.head.hashHex, other.chain.head.hashHex);
      assert.deepEqual(t.chain.head.stateRoot, other.chain.head.stateRoot);
      assert.equal(await stateDigest(t.db), await stateDigest(other.db));
      assert.deepEqual(
        await getAccount(t.chain.state, bob.address),
        await getAccount(other.chain.state, bob.address),
      );
    });

    it("a side block with a tampered body → BLOCK_BAD_TX_ROOT, and the honest one can still win later", async () => {
      // `other` stays at height 1 on a fork: its block 2 is at slot 3 (t's block 2 is at slot 2).
      const o = await openTestChain({ genesis });
      try {
        await importAll(o.chain, [(await t.chain.blockAt(1))!]);
        await o.chain.submitTx(pay(1n, 99n));
        const side = await produce(o.chain, 3);
        const child = await produce(o.chain);
        assert.equal(side.header.height, 2);
        await refused(t, withTxs(side, [pay(1n, 98n)]), BlockErrorCode.BAD_TX_ROOT);
        assert.equal((await t.chain.importBlock(side.bytes)).status, "side");
        assert.equal((await t.chain.importBlock(child.bytes)).status, "reorg");
        assert.equal(t.chain.head.hashHex, o.chain.head.hashHex);
        assert.equal(await stateDigest(t.db), await stateDigest(o.db));
      } finally {
        await o.cleanup();
      }
    });
  });
});

describe("block validity: future slot", () => {
  let t: TestChain;
  let nowMs = 0;

  beforeEach(async () => {
    t = await openTestChain({ genesis, now: () => nowMs });
  });

  afterEach(async () => {
    await t.cleanup();
  });

  it("a slot starting later than now + max disparity → BLOCK_FUTURE_SLOT; accepted once the clock gets there", async () => {
    // block_time 1000 ms (test preset), disparity min(500, 1000/2) = 500 ms: slot 11 starts at 11,000.
    assert.equal(genesis.blockTimeMs, 1000);
    const block: Block = await makeBlock(t.chain, { slot: 11 });
    nowMs = 10_499;
    await refused(t, block.bytes, BlockErrorCode.FUTURE_SLOT);
    nowMs = 10_500;
    assert.equal((await t.chain.importBlock(block.bytes)).status, "head");
    assert.equal(t.chain.head.slot, 11);
  });
});

describe("block validity: block limits", () => {
  const limited = testGenesis(1, (json) => {
    json.params = { max_block_txs: "10", max_block_bytes: "10000", max_tx_bytes: "4096" };
  });
  let t: TestChain;

  beforeEach(async () => {
    t = await openTestChain({ genesis: limited });
  });

  afterEach(async () => {
    await t.cleanup();
  });

  it("11 transactions with max_block_txs 10 → BLOCK_TOO_MANY_TXS; 10 are accepted", async () => {
    const txs = Array.from({ length: 11 }, (_, i) => pay(BigInt(i)));
    await refused(t, (await makeBlock(t.chain, { txs })).bytes, BlockErrorCode.TOO_MANY_TXS);
    const ten = await makeBlock(t.chain, { txs: txs.slice(0, 10) });
    assert.equal((await t.chain.importBlock(ten.bytes)).status, "head");
    assert.equal((await getAccount(t.chain.state, alice.address)).nonce, 10n);
  });

  it("transactions over max_block_bytes 10,000 → BLOCK_TOO_LARGE", async () => {
    // Transfers cannot be padded; proposals carry long strings: 3 x ~3,600 bytes, each under max_tx_bytes.
    const txs = [0, 1, 2].map((i) =>
      signTx(
        devKeyPair(i),
        {
          type: "SUBMIT_PROPOSAL",
          title: "t",
          description: "d".repeat(3_500),
          deposit: 0n,
          action: { kind: "protocol_parameter", name: "min_tx_fee", value: "2000" },
        },
        { nonce: 0n },
      ),
    );
    for (const tx of txs) assert.ok(tx.length < 4_096);
    assert.ok(txs.reduce((n, tx) => n + tx.length, 0) > 10_000);
    await refused(t, (await makeBlock(t.chain, { txs })).bytes, BlockErrorCode.TOO_LARGE);
  });
});
