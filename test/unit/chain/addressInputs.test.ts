// SPEC §3 (v2): a TRANSFER whose recipient is not an address (bech32m xai1…, lowercase) is refused
// at decoding, before any signature or state check, with TX_INVALID_RECIPIENT and the reason in
// data.address_fault; the mempool and a block holding it refuse it and nothing changes.
import assert from "node:assert/strict";
import fc from "fast-check";
import { AddressFault, addressFault, addressFromBytes } from "../../../src/crypto/address.js";
import { devKeyPair } from "../../../src/crypto/keys.js";
import { getAccount } from "../../../src/state-transition/accounts.js";
import { BlockErrorCode, TxErrorCode } from "../../../src/types/errors.js";
import { decodeTx } from "../../../src/types/txCodec.js";
import { BAD_ADDRESSES, DEV2_ADDRESS } from "../../utils/badAddresses.js";
import {
  expectCode,
  makeBlock,
  openTestChain,
  produce,
  snapshot,
  type TestChain,
  transferTx,
} from "../../utils/testChain.js";

const rich = devKeyPair(0);
const bob = devKeyPair(1);
const WATCHED = [rich.address, bob.address, DEV2_ADDRESS];

function decodeFault(bytes: Uint8Array): { code: string; data: Record<string, unknown> } {
  try {
    decodeTx(bytes);
  } catch (err) {
    const e = err as { code: string; data: Record<string, unknown> };
    return { code: e.code, data: e.data };
  }
  return assert.fail("the transaction decoded");
}

describe("§3 (v2) checksummed addresses: TRANSFER recipient (decoding, mempool, block)", () => {
  let t: TestChain;

  beforeEach(async () => {
    t = await openTestChain();
  });

  afterEach(async () => {
    await t.cleanup();
  });

  it("a transfer to the canonical address is valid and moves the amount", async () => {
    const before = (await getAccount(t.chain.state, DEV2_ADDRESS)).balance;
    await t.chain.submitTx(transferTx(rich, DEV2_ADDRESS, 7n, { nonce: 0n }));
    await produce(t.chain);
    assert.equal((await getAccount(t.chain.state, DEV2_ADDRESS)).balance, before + 7n);
  });

  for (const bad of BAD_ADDRESSES) {
    it(`${bad.what}: decoding refuses it as TX_INVALID_RECIPIENT (${bad.fault}), even badly signed`, () => {
      assert.deepEqual(decodeFault(transferTx(rich, bad.value, 7n, { nonce: 0n })), {
        code: TxErrorCode.INVALID_RECIPIENT,
        data: { address_fault: bad.fault },
      });
      // The recipient is judged before the signature: a forged transaction costs no verification.
      assert.deepEqual(decodeFault(transferTx(rich, bad.value, 7n, { nonce: 0n, signer: bob })), {
        code: TxErrorCode.INVALID_RECIPIENT,
        data: { address_fault: bad.fault },
      });
    });

    it(`${bad.what}: the mempool and a block refuse it, nothing changes`, async () => {
      const bytes = transferTx(rich, bad.value, 7n, { nonce: 0n });
      const before = await snapshot(t.chain, WATCHED);
      const err = await expectCode(t.chain.submitTx(bytes), TxErrorCode.INVALID_RECIPIENT);
      assert.deepEqual(err.data, { address_fault: bad.fault });
      assert.deepEqual(await snapshot(t.chain, WATCHED), before);
      const block = await makeBlock(t.chain, { txs: [bytes] });
      const blockErr = await expectCode(t.chain.importBlock(block.bytes), BlockErrorCode.INVALID_TX);
      assert.equal(blockErr.data.txCode, TxErrorCode.INVALID_RECIPIENT);
      assert.equal(blockErr.data.index, 0);
      assert.deepEqual(await snapshot(t.chain, WATCHED), before);
    });
  }

  it("property: decoding accepts a recipient exactly when it is an address (random strings and near-misses)", () => {
    const near = fc
      .tuple(
        fc.uint8Array({ minLength: 20, maxLength: 20 }),
        fc.nat(41),
        fc.constantFrom(..."qpzry9x8gf2tvdw0s3jn54khce6mua7lQXb1 "),
      )
      .map(([b, i, c]) => {
        const a = addressFromBytes(b);
        return a.slice(0, i) + c + a.slice(i + 1);
      });
    fc.assert(
      fc.property(
        fc.oneof(near, fc.string({ maxLength: 50 }), fc.string({ unit: "binary", maxLength: 50 })),
        (r) => {
          const fault = addressFault(r);
          const bytes = transferTx(rich, r, 1n, { nonce: 0n });
          if (fault === undefined) assert.equal(decodeTx(bytes).body.payload.type, "TRANSFER");
          else
            assert.deepEqual(decodeFault(bytes), {
              code: TxErrorCode.INVALID_RECIPIENT,
              data: { address_fault: fault },
            });
        },
      ),
      { numRuns: 500 },
    );
  });

  it("the uppercase form of an account is not that account: refused, and the account gets nothing", async () => {
    const before = await snapshot(t.chain, WATCHED);
    const err = await expectCode(
      t.chain.submitTx(transferTx(rich, DEV2_ADDRESS.toUpperCase(), 7n, { nonce: 0n })),
      TxErrorCode.INVALID_RECIPIENT,
    );
    assert.equal(err.data.address_fault, AddressFault.CASE);
    assert.deepEqual(await snapshot(t.chain, WATCHED), before);
  });
});
