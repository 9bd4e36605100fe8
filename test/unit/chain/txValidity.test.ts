import assert from "node:assert/strict";
import protobuf from "protobufjs";
import { TREASURY_ADDRESS } from "../../../src/config/addresses.js";
import type { GenesisFile } from "../../../src/config/genesis.js";
import { devKeyPair, type KeyPair, sign } from "../../../src/crypto/keys.js";
import { getAccount } from "../../../src/state-transition/accounts.js";
import { transferExtraFee } from "../../../src/state-transition/bank.js";
import { BlockErrorCode, TxErrorCode } from "../../../src/types/errors.js";
import { decodeTx, encodeSignedTx, encodeTxBody, txSigningMessage } from "../../../src/types/txCodec.js";
import {
  expectCode,
  makeBlock,
  openTestChain,
  produce,
  signTx,
  snapshot,
  type TestChain,
  testGenesis,
  testKey,
  transferTx,
  validatorKey,
} from "../../utils/testChain.js";

// Transaction validity (SPEC §3): every invalid transaction is refused by the mempool with its exact
// code and leaves head, state and mempool untouched; the same transaction inside a block makes the
// block invalid (BLOCK_INVALID_TX with data.txCode) and the head stays where it was.

const rich = devKeyPair(0);
const bob = devKeyPair(1);
const FEE = 1_000n; // min_tx_fee default
const AMOUNT = 10_001n;
const EXTRA = 25n; // ceil(10_001 * 24 / 10_000) = ceil(24.0024): rounding up is visible
const exact = testKey("exact"); // holds exactly AMOUNT + FEE + EXTRA
const short = testKey("short"); // holds one unit less
const feeOnly = testKey("fee-only"); // holds one unit less than the fee
const WATCHED = [rich.address, bob.address, exact.address, short.address, feeOnly.address, TREASURY_ADDRESS];

function fundedGenesis(edit?: (json: Record<string, unknown>) => void): GenesisFile {
  return testGenesis(1, (json) => {
    const balances = json.balances as Array<{ address: string; amount: string }>;
    balances.push({ address: exact.address, amount: (AMOUNT + FEE + EXTRA).toString() });
    balances.push({ address: short.address, amount: (AMOUNT + FEE + EXTRA - 1n).toString() });
    balances.push({ address: feeOnly.address, amount: (FEE - 1n).toString() });
    edit?.(json);
  });
}

const genesis = fundedGenesis();

const transfer = (key: KeyPair, nonce: bigint, amount = 5n, fee = FEE): Uint8Array =>
  transferTx(key, bob.address, amount, { nonce, fee });

/** A TxBody with an unknown field appended (protobuf accepts it), validly signed over those exact bytes. */
function nonCanonicalTx(key: KeyPair, nonce: bigint): Uint8Array {
  const body = encodeTxBody({
    chainId: "xai-devnet-test",
    nonce,
    publicKey: key.publicKey,
    fee: FEE,
    payload: { type: "TRANSFER", recipient: bob.address, amount: 5n },
  });
  const extra = protobuf.Writer.create()
    .uint32((99 << 3) | 0)
    .uint64(1)
    .finish();
  const bodyBytes = new Uint8Array([...body, ...extra]);
  return encodeSignedTx(bodyBytes, sign(txSigningMessage(bodyBytes), key.secretKey));
}

/** A SUBMIT_PROPOSAL larger than max_tx_bytes (16,384): only proposals carry long strings. */
function oversizeTx(key: KeyPair, nonce: bigint, o: { signer?: KeyPair } = {}): Uint8Array {
  return signTx(
    key,
    {
      type: "SUBMIT_PROPOSAL",
      title: "big",
      description: "x".repeat(20_000),
      deposit: 0n,
      action: { kind: "protocol_parameter", name: "min_tx_fee", value: "2000" },
    },
    { nonce, fee: FEE, ...(o.signer ? { signer: o.signer } : {}) },
  );
}

/** Asserts `bytes` is not pending (by id when it decodes). */
function assertNotPending(t: TestChain, bytes: Uint8Array): void {
  let id: string | undefined;
  try {
    id = decodeTx(bytes).id;
  } catch {
    return; // undecodable: it cannot be pending; the snapshot's mempool size covers it
  }
  assert.equal(t.chain.mempool.has(id), false, "the refused transaction is pending");
}

/** Submits `bytes`, expects `code`, and checks that nothing changed. */
async function refusedByMempool(t: TestChain, bytes: Uint8Array, code: string): Promise<void> {
  const before = await snapshot(t.chain, WATCHED);
  await expectCode(t.chain.submitTx(bytes), code);
  assert.deepEqual(await snapshot(t.chain, WATCHED), before);
  assertNotPending(t, bytes);
}

/** Imports a block holding `txs` on the head, expects BLOCK_INVALID_TX for `txCode`, checks nothing changed. */
async function refusedInBlock(t: TestChain, txs: Uint8Array[], txCode: string, index = txs.length - 1) {
  const before = await snapshot(t.chain, WATCHED);
  const block = await makeBlock(t.chain, { txs });
  const err = await expectCode(t.chain.importBlock(block.bytes), BlockErrorCode.INVALID_TX);
  assert.equal(err.data.txCode, txCode);
  assert.equal(err.data.index, index);
  assert.deepEqual(await snapshot(t.chain, WATCHED), before);
  // Found invalid once, the block is remembered as such.
  await expectCode(t.chain.importBlock(block.bytes), BlockErrorCode.KNOWN_INVALID);
}

interface Case {
  name: string;
  code: TxErrorCode;
  bytes: () => Uint8Array;
}

// rich has nonce 1 when these run (its nonce-0 transfer is on chain).
const cases: Case[] = [
  {
    name: "bad signature (signed by another key)",
    code: TxErrorCode.BAD_SIGNATURE,
    bytes: () => transferTx(rich, bob.address, 5n, { nonce: 1n, signer: bob }),
  },
  {
    name: "wrong chain id",
    code: TxErrorCode.WRONG_CHAIN,
    bytes: () => transferTx(rich, bob.address, 5n, { nonce: 1n, chainId: "xai-devnet-other" }),
  },
  { name: "reused nonce (too low)", code: TxErrorCode.NONCE_TOO_LOW, bytes: () => transfer(rich, 0n, 6n) },
  { name: "nonce gap (too high)", code: TxErrorCode.NONCE_TOO_HIGH, bytes: () => transfer(rich, 2n) },
  {
    name: "amount + fee above the balance",
    code: TxErrorCode.INSUFFICIENT_BALANCE,
    bytes: () => transfer(bob, 0n, 2_000_000n * 100_000_000n),
  },
  {
    name: "one unit short of amount + fee + extra fee",
    code: TxErrorCode.INSUFFICIENT_BALANCE,
    bytes: () => transfer(short, 0n, AMOUNT),
  },
  {
    name: "balance below the fee alone",
    code: TxErrorCode.INSUFFICIENT_BALANCE,
    bytes: () => transfer(feeOnly, 0n, 1n),
  },
  {
    name: "fee one unit below min_tx_fee",
    code: TxErrorCode.FEE_TOO_LOW,
    bytes: () => transfer(rich, 1n, 5n, FEE - 1n),
  },
  {
    name: "oversize (20,000-char proposal description)",
    code: TxErrorCode.TOO_LARGE,
    bytes: () => oversizeTx(rich, 1n),
  },
  {
    name: "oversize with a nonce gap and a bad signature too (size is checked first)",
    code: TxErrorCode.TOO_LARGE,
    bytes: () => oversizeTx(rich, 7n, { signer: bob }),
  },
  {
    name: "non-canonical body encoding",
    code: TxErrorCode.NON_CANONICAL,
    bytes: () => nonCanonicalTx(rich, 1n),
  },
  { name: "zero amount", code: TxErrorCode.ZERO_AMOUNT, bytes: () => transfer(rich, 1n, 0n) },
  {
    name: "recipient in uppercase (SPEC §3: only the lowercase form is an address)",
    code: TxErrorCode.INVALID_RECIPIENT,
    bytes: () => transferTx(rich, bob.address.toUpperCase(), 5n, { nonce: 1n }),
  },
  {
    name: "empty recipient",
    code: TxErrorCode.INVALID_RECIPIENT,
    bytes: () => transferTx(rich, "", 5n, { nonce: 1n }),
  },
];

describe("transaction validity", () => {
  let t: TestChain;
  let first: Uint8Array;

  beforeEach(async () => {
    t = await openTestChain({ genesis });
    first = transfer(rich, 0n);
    await t.chain.submitTx(first);
    await produce(t.chain);
    assert.equal((await getAccount(t.chain.state, rich.address)).nonce, 1n);
  });

  afterEach(async () => {
    await t.cleanup();
  });

  it("computes the transfer extra fee as ceil(amount * bps / 10000)", () => {
    assert.equal(transferExtraFee(AMOUNT, 24n), EXTRA);
    assert.equal(transferExtraFee(10_000n, 24n), 24n);
    assert.equal(transferExtraFee(1n, 24n), 1n);
    assert.equal(transferExtraFee(5n, 0n), 0n);
  });

  for (const c of cases) {
    it(`mempool refuses: ${c.name} → ${c.code}`, async () => {
      await refusedByMempool(t, c.bytes(), c.code);
    });

    it(`block refuses: ${c.name} → BLOCK_INVALID_TX/${c.code}`, async () => {
      await refusedInBlock(t, [c.bytes()], c.code);
    });
  }

  it("block refuses an invalid transaction after a valid one (index 1) and keeps nothing of the valid one", async () => {
    await refusedInBlock(t, [transfer(rich, 1n), transfer(rich, 3n)], TxErrorCode.NONCE_TOO_HIGH, 1);
  });

  it("block refuses the same transaction twice (the second reuses the nonce)", async () => {
    const tx = transfer(rich, 1n);
    await refusedInBlock(t, [tx, tx], TxErrorCode.NONCE_TOO_LOW, 1);
  });

  it("a transaction already on chain is refused as TX_DUPLICATE", async () => {
    await refusedByMempool(t, first, TxErrorCode.DUPLICATE);
  });

  it("a pending transaction submitted again is refused as TX_DUPLICATE and kept once", async () => {
    const tx = transfer(rich, 1n);
    await t.chain.submitTx(tx);
    assert.equal(t.chain.mempool.size, 1);
    const before = await snapshot(t.chain, WATCHED);
    await expectCode(t.chain.submitTx(tx), TxErrorCode.DUPLICATE);
    assert.deepEqual(await snapshot(t.chain, WATCHED), before);
    assert.equal(t.chain.mempool.has(decodeTx(tx).id), true);
    assert.deepEqual(
      t.chain.mempool.pendingOf(rich.address).map((p) => p.body.nonce),
      [1n],
    );
  });

  it("exactly amount + fee + extra fee passes, and the block moves exactly those amounts", async () => {
    const tx = transfer(exact, 0n, AMOUNT);
    const treasury0 = (await getAccount(t.chain.state, TREASURY_ADDRESS)).balance;
    const bob0 = (await getAccount(t.chain.state, bob.address)).balance;
    await t.chain.submitTx(tx);
    assert.equal(t.chain.mempool.has(decodeTx(tx).id), true);
    const block = await produce(t.chain);
    assert.equal(block.txs.length, 1);
    assert.deepEqual(await getAccount(t.chain.state, exact.address), { balance: 0n, nonce: 1n });
    assert.equal((await getAccount(t.chain.state, TREASURY_ADDRESS)).balance, treasury0 + EXTRA);
    assert.equal((await getAccount(t.chain.state, bob.address)).balance, bob0 + AMOUNT);
    assert.equal(t.chain.mempool.size, 0);
    assert.equal((await t.chain.receipt(decodeTx(tx).id))?.result, "ok");
  });

  it("exactly enough balance is also accepted inside an imported block", async () => {
    const block = await makeBlock(t.chain, { txs: [transfer(exact, 0n, AMOUNT)] });
    const r = await t.chain.importBlock(block.bytes);
    assert.equal(r.status, "head");
    assert.equal(t.chain.head.hashHex, block.hashHex);
    assert.deepEqual(await getAccount(t.chain.state, exact.address), { balance: 0n, nonce: 1n });
  });

  it("a fee of exactly min_tx_fee passes", async () => {
    const tx = transfer(rich, 1n, 5n, FEE);
    await t.chain.submitTx(tx);
    assert.equal(t.chain.mempool.has(decodeTx(tx).id), true);
  });

  it("the fee goes to the proposer", async () => {
    const proposer = validatorKey(0).address;
    const before = (await getAccount(t.chain.state, proposer)).balance;
    await t.chain.submitTx(transfer(rich, 1n, 5n, 4_321n));
    await produce(t.chain);
    // fee + block reward (12 XAI at height 2)
    assert.equal((await getAccount(t.chain.state, proposer)).balance, before + 4_321n + 1_200_000_000n);
  });

  it("a pending transaction raises the next expected nonce (gap measured over pending ones)", async () => {
    await t.chain.submitTx(transfer(rich, 1n));
    await t.chain.submitTx(transfer(rich, 2n));
    await refusedByMempool(t, transfer(rich, 4n), TxErrorCode.NONCE_TOO_HIGH);
    await t.chain.submitTx(transfer(rich, 3n));
    assert.deepEqual(
      t.chain.mempool.pendingOf(rich.address).map((p) => p.body.nonce),
      [1n, 2n, 3n],
    );
  });

  it("a pending transaction is validated on top of the sender's earlier pending ones", async () => {
    // exact can pay for one transfer of AMOUNT; a second one on top of it cannot be paid.
    await t.chain.submitTx(transfer(exact, 0n, AMOUNT));
    await refusedByMempool(t, transfer(exact, 1n, 1n), TxErrorCode.INSUFFICIENT_BALANCE);
  });

  describe("replacement", () => {
    it("needs at least 10% more fee: +9.9% is underpriced, +10% replaces and drops later ones", async () => {
      const original = transfer(rich, 1n, 5n, 1_000n);
      const later = transfer(rich, 2n, 5n, 1_000n);
      await t.chain.submitTx(original);
      await t.chain.submitTx(later);
      await refusedByMempool(t, transfer(rich, 1n, 6n, 1_099n), TxErrorCode.REPLACEMENT_UNDERPRICED);
      assert.equal(t.chain.mempool.has(decodeTx(original).id), true);

      const replacement = transfer(rich, 1n, 6n, 1_100n);
      await t.chain.submitTx(replacement);
      assert.equal(t.chain.mempool.has(decodeTx(replacement).id), true);
      assert.equal(t.chain.mempool.has(decodeTx(original).id), false);
      assert.equal(t.chain.mempool.has(decodeTx(later).id), false);
      assert.equal(t.chain.mempool.size, 1);
    });
  });
});

describe("transaction validity: transfers feature off", () => {
  let t: TestChain;
  const offGenesis = fundedGenesis((json) => {
    json.features = { transfers: "false" };
  });

  beforeEach(async () => {
    t = await openTestChain({ genesis: offGenesis });
  });

  afterEach(async () => {
    await t.cleanup();
  });

  it("mempool refuses a TRANSFER → TX_TRANSFERS_DISABLED", async () => {
    await refusedByMempool(t, transfer(rich, 0n), TxErrorCode.TRANSFERS_DISABLED);
  });

  it("block refuses a TRANSFER → BLOCK_INVALID_TX/TX_TRANSFERS_DISABLED", async () => {
    await refusedInBlock(t, [transfer(rich, 0n)], TxErrorCode.TRANSFERS_DISABLED);
  });

  it("blocks without transfers are still produced", async () => {
    const b = await produce(t.chain);
    assert.equal(t.chain.head.hashHex, b.hashHex);
  });
});

describe("transaction validity: mempool full", () => {
  let t: TestChain;
  const [a, b, c, d] = [devKeyPair(1), devKeyPair(2), devKeyPair(3), devKeyPair(4)] as [
    KeyPair,
    KeyPair,
    KeyPair,
    KeyPair,
  ];

  beforeEach(async () => {
    t = await openTestChain({ genesis, mempool: { maxTxs: 2 } });
  });

  afterEach(async () => {
    await t.cleanup();
  });

  /** Each sender's pending queue starts at its account nonce and has no gap. */
  async function assertContiguous(): Promise<void> {
    for (const s of t.chain.mempool.senders()) {
      const next = (await getAccount(t.chain.state, s)).nonce;
      assert.deepEqual(
        t.chain.mempool.pendingOf(s).map((p) => p.body.nonce),
        t.chain.mempool.pendingOf(s).map((_, i) => next + BigInt(i)),
        `pending queue of ${s} has a gap`,
      );
    }
  }

  it("refuses a transaction that does not outbid the cheapest (equal fee too) → TX_MEMPOOL_FULL", async () => {
    const ta = transfer(a, 0n, 5n, 2_000n);
    const tb = transfer(b, 0n, 5n, 3_000n);
    await t.chain.submitTx(ta);
    await t.chain.submitTx(tb);
    await refusedByMempool(t, transfer(c, 0n, 5n, 1_000n), TxErrorCode.MEMPOOL_FULL);
    await refusedByMempool(t, transfer(c, 0n, 5n, 2_000n), TxErrorCode.MEMPOOL_FULL);
    assert.equal(t.chain.mempool.size, 2);
    assert.equal(t.chain.mempool.has(decodeTx(ta).id), true);
    assert.equal(t.chain.mempool.has(decodeTx(tb).id), true);
  });

  it("a higher fee evicts the lowest-fee transaction", async () => {
    const ta = transfer(a, 0n, 5n, 2_000n);
    const tb = transfer(b, 0n, 5n, 3_000n);
    const td = transfer(d, 0n, 5n, 2_001n);
    await t.chain.submitTx(ta);
    await t.chain.submitTx(tb);
    await t.chain.submitTx(td);
    assert.equal(t.chain.mempool.size, 2);
    assert.equal(t.chain.mempool.has(decodeTx(ta).id), false);
    assert.equal(t.chain.mempool.has(decodeTx(tb).id), true);
    assert.equal(t.chain.mempool.has(decodeTx(td).id), true);
    await assertContiguous();
  });

  it("never evicts the sender's own earlier transaction (that would leave a gap)", async () => {
    const a0 = transfer(a, 0n, 5n, 1_000n);
    const b0 = transfer(b, 0n, 5n, 5_000n);
    await t.chain.submitTx(a0);
    await t.chain.submitTx(b0);
    // a's nonce 1 pays more than a's nonce 0, but a0 is what a1 was validated on top of.
    await refusedByMempool(t, transfer(a, 1n, 5n, 3_000n), TxErrorCode.MEMPOOL_FULL);
    assert.equal(t.chain.mempool.has(decodeTx(a0).id), true);
    assert.equal(t.chain.mempool.has(decodeTx(b0).id), true);
    await assertContiguous();
  });

  it("evicts as many cheaper transactions as the byte cap needs, or none at all", async () => {
    const a0 = transfer(a, 0n, 5n, 1_000n);
    const b0 = transfer(b, 0n, 5n, 1_000n);
    const big = transfer(c, 0n, 5_000_000n, 5_000n); // a longer amount varint: a few bytes more
    assert.ok(big.length > a0.length);
    const cap = a0.length + b0.length;
    const fresh = async (bFee: bigint) => {
      await t.cleanup();
      t = await openTestChain({ genesis, mempool: { maxTxs: 100, maxBytes: cap } });
      await t.chain.submitTx(a0);
      await t.chain.submitTx(transfer(b, 0n, 5n, bFee));
    };
    // Both pay less than `big`: evicting one is not enough room, so both go.
    await fresh(1_000n);
    await t.chain.submitTx(big);
    assert.ok(t.chain.mempool.bytes <= cap, `mempool holds ${t.chain.mempool.bytes} bytes > cap ${cap}`);
    assert.deepEqual(t.chain.mempool.senders(), [c.address]);
    // The second would pay more than `big`: nothing is evicted and `big` is refused.
    await fresh(9_000n);
    await refusedByMempool(t, big, TxErrorCode.MEMPOOL_FULL);
    assert.equal(t.chain.mempool.has(decodeTx(a0).id), true);
    assert.equal(t.chain.mempool.size, 2);
  });

  it("a replacement needs no room", async () => {
    await t.chain.submitTx(transfer(a, 0n, 5n, 2_000n));
    await t.chain.submitTx(transfer(b, 0n, 5n, 2_000n));
    const r = transfer(a, 0n, 6n, 2_200n);
    await t.chain.submitTx(r);
    assert.equal(t.chain.mempool.size, 2);
    assert.equal(t.chain.mempool.has(decodeTx(r).id), true);
  });
});
