/**
 * Targets on a real Chain (fuzzChain.ts): transaction decode and admission (`submitTx`), block
 * decode and import (`importBlock`), and gossip transaction batches (`validateGossipTxBatch`).
 */
import fc from "fast-check";
import { bytesEqual } from "../../../src/crypto/bytes.js";
import { encodeTxBatch, KnownTxIds, validateGossipTxBatch } from "../../../src/network/txBatch.js";
import { getAccount } from "../../../src/state-transition/accounts.js";
import { txRootOfBytes } from "../../../src/state-transition/applyBlock.js";
import { type Block, blockSigningMessage, encodeBlock, encodeHeader } from "../../../src/types/block.js";
import { decodeTx, encodeSignedTx, encodeTxBody } from "../../../src/types/txCodec.js";
import { openTestChain, produce, testGenesis, validatorKey } from "../../../test/utils/testChain.js";
import { fastSign, KEYS, plausibleRecipe, signedTx, signRecipe, type TxRecipe, txRecipe } from "../arbs.js";
import { binVector, FuzzFailure, type FuzzTarget, jsonVector } from "../engine.js";
import { FuzzChain } from "../fuzzChain.js";
import { mutatedBytes } from "../mutate.js";

/** Real transactions: one of each type from funded keys at nonce 0 (sampled once, seed 1). */
function txSeeds(n = 40): Uint8Array[] {
  return fc
    .sample(txRecipe(), { seed: 1, numRuns: n })
    .map((r) => signRecipe({ ...r, nonce: 0n, key: r.key % 10, signer: r.key % 10 }))
    .filter((b) => b.length > 0);
}

/** Decoding is a fixed point: a transaction that decodes is its own canonical encoding. */
function checkCanonical(bytes: Uint8Array): void {
  let tx: ReturnType<typeof decodeTx>;
  try {
    tx = decodeTx(bytes);
  } catch {
    return;
  }
  if (!bytesEqual(encodeSignedTx(encodeTxBody(tx.body), tx.signature), bytes))
    throw new FuzzFailure("decodeTx accepted bytes that are not their canonical encoding");
}

/**
 * A transaction input: bytes, or a recipe signed at run time with its nonce `offset` from the
 * sender's next one (so that generated transactions stay admissible as the chain moves on).
 */
export type TxInput = { bytes: Uint8Array } | { recipe: TxRecipe; offset: number };

/** A recipe signed with its nonce `offset` (plus `ahead`) from its sender's next one on the fuzz chain. */
async function signAtNext(fz: FuzzChain, recipe: TxRecipe, offset: number, ahead = 0): Promise<Uint8Array> {
  const sender = KEYS[recipe.key]!.address;
  const pending = fz.chain.mempool.pendingOf(sender).length + ahead;
  const nonce = (await getAccount(fz.chain.state, sender)).nonce + BigInt(pending + offset);
  return signRecipe({ ...recipe, nonce: nonce < 0n ? 0n : nonce });
}

const anyRecipe = fc.oneof(txRecipe(), plausibleRecipe);
const nonceOffset = fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, fc.integer({ min: -2, max: 2 }));

/** Transaction decode and admission. */
export const txTarget: FuzzTarget<TxInput> = {
  name: "tx",
  ext: "json",
  save: (i) => jsonVector.save(i),
  load: (b) => jsonVector.load<TxInput>(b),
  async setup() {
    const fz = await FuzzChain.open();
    return {
      arbitrary: fc.oneof(
        mutatedBytes(txSeeds()).map((bytes) => ({ bytes })),
        fc.record({ recipe: anyRecipe, offset: nonceOffset }),
      ),
      async run(input) {
        await fz.next();
        const bytes = "bytes" in input ? input.bytes : await signAtNext(fz, input.recipe, input.offset);
        checkCanonical(bytes);
        await fz.unchangedIfRejected("transaction", () => fz.chain.submitTx(bytes));
        return {};
      },
      close: () => fz.close(),
    };
  },
};

/** `n` blocks of another chain of the same genesis, `slotStep` slots apart, with transactions in them. */
async function blockSeeds(seed: number, n: number, slotStep: number): Promise<Block[]> {
  const src = await openTestChain({ genesis: testGenesis(1) });
  const out: Block[] = [];
  try {
    const recipes = fc.sample(anyRecipe, { seed, numRuns: 10 * n });
    for (let h = 0; h < n; h++) {
      for (const [i, r] of recipes.slice(h * 10, h * 10 + 10).entries()) {
        const key = i % 10;
        const nonce = (await getAccount(src.chain.state, KEYS[key]!.address)).nonce;
        await src.chain
          .submitTx(signRecipe({ ...r, key, signer: key, nonce, chainId: src.genesis.chainId, fee: 1_000n }))
          .catch(() => undefined);
      }
      out.push(await produce(src.chain, src.chain.head.slot + slotStep));
    }
  } finally {
    await src.cleanup();
  }
  return out;
}

/** A hand-made block: a header of chosen fields, signed by the validator (or not), any transactions. */
function madeBlock(seeds: Block[]): fc.Arbitrary<Uint8Array> {
  const genesisParent = seeds[0]!.header.parentHash;
  const v = validatorKey(0);
  // Mostly on a known parent (genesis, or a seed block) at the next height: the checks after the header's.
  const bases = [
    { hash: genesisParent, height: 0, slot: 0 },
    ...seeds.map((b) => ({ hash: b.hash, ...b.header })),
  ];
  const base = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, fc.nat({ max: bases.length - 1 }));
  return fc
    .record({
      base,
      height: fc.oneof({ weight: 8, arbitrary: fc.constant(-1) }, fc.nat({ max: 2 ** 40 })),
      slot: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 4 }) }, fc.nat({ max: 2 ** 40 })),
      parent: fc.oneof(
        { weight: 8, arbitrary: fc.constant(undefined) },
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
      ),
      stateRoot: fc.oneof(
        fc.constantFrom(...seeds.map((b) => b.header.stateRoot)),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
      ),
      txs: fc.array(fc.oneof(signedTx, mutatedBytes(seeds.flatMap((b) => b.txs).slice(0, 20))), {
        maxLength: 4,
      }),
      honestRoot: fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, fc.constant(false)),
      signer: fc.oneof({ weight: 8, arbitrary: fc.constant(-1) }, fc.nat({ max: KEYS.length - 1 })),
      chainId: fc.oneof(
        { weight: 9, arbitrary: fc.constant(seeds[0]!.header.chainId) },
        fc.string({ maxLength: 8 }),
      ),
    })
    .map((r) => {
      const key = r.signer < 0 ? v : KEYS[r.signer]!;
      const b = bases[r.base]!;
      const header = {
        chainId: r.chainId,
        height: r.height < 0 ? b.height + 1 : r.height,
        slot: b.slot + r.slot,
        parentHash: r.parent ?? b.hash,
        proposer: key.address,
        txRoot: r.honestRoot ? txRootOfBytes(r.txs) : new Uint8Array(32).fill(1),
        stateRoot: r.stateRoot,
      };
      const headerBytes = encodeHeader(header);
      return encodeBlock(headerBytes, fastSign(key, blockSigningMessage(headerBytes)), r.txs);
    });
}

/** Block decode and import. */
export const blockTarget: FuzzTarget<Uint8Array> = {
  name: "block",
  ext: "bin",
  ...binVector,
  async setup() {
    // Two branches from genesis (slots 1, 2, 3, 4 and 2, 4, … 10): importing both is fork choice and reorgs.
    const seeds = [...(await blockSeeds(2, 4, 1)), ...(await blockSeeds(3, 5, 2))];
    const fz = await FuzzChain.open(128);
    return {
      arbitrary: fc.oneof(
        { weight: 3, arbitrary: mutatedBytes(seeds.map((b) => b.bytes)) },
        { weight: 2, arbitrary: madeBlock(seeds) },
        { weight: 1, arbitrary: fc.constantFrom(...seeds.map((b) => b.bytes)) },
      ),
      async run(bytes) {
        await fz.next();
        const { status } = await fz.unchangedIfRejected("block", () => fz.chain.importBlock(bytes));
        return { inner: [status] };
      },
      close: () => fz.close(),
    };
  },
};

/** A batch input: bytes, or recipes signed at run time one after another (see TxInput). */
export type TxBatchInput = { bytes: Uint8Array } | { recipes: Array<{ recipe: TxRecipe; offset: number }> };

/** Gossip transaction batches: the verdicts, and the mempool grows by what was admitted only. */
export const txBatchTarget: FuzzTarget<TxBatchInput> = {
  name: "txbatch",
  ext: "json",
  save: (i) => jsonVector.save(i),
  load: (b) => jsonVector.load<TxBatchInput>(b),
  async setup() {
    const txs = txSeeds();
    const seeds = [0, 1, 2, 3].map((i) => encodeTxBatch(txs.slice(i * 5, i * 5 + 1 + i)));
    const fz = await FuzzChain.open();
    const recipes = fc.array(fc.record({ recipe: anyRecipe, offset: nonceOffset }), {
      minLength: 1,
      maxLength: 6,
    });
    return {
      arbitrary: fc.oneof(
        mutatedBytes(seeds).map((bytes) => ({ bytes })),
        fc
          .array(fc.oneof(signedTx, mutatedBytes(txs)), { minLength: 1, maxLength: 6 })
          .map((t) => ({ bytes: encodeTxBatch(t) })),
        recipes.map((r) => ({ recipes: r })),
      ),
      async run(input) {
        await fz.next();
        let bytes: Uint8Array;
        if ("bytes" in input) bytes = input.bytes;
        else {
          const signed: Uint8Array[] = [];
          const ahead = new Map<number, number>();
          for (const { recipe, offset } of input.recipes) {
            signed.push(await signAtNext(fz, recipe, offset, ahead.get(recipe.key) ?? 0));
            ahead.set(recipe.key, (ahead.get(recipe.key) ?? 0) + 1);
          }
          bytes = encodeTxBatch(signed);
        }
        const before = fz.chain.mempool.size;
        const r = await validateGossipTxBatch(fz.chain, bytes, new KnownTxIds());
        const grown = fz.chain.mempool.size - before;
        // A replacement (same nonce, 10 % more fee) admits without growing; nothing else shrinks it.
        if (grown > r.admitted.length || (r.admitted.length === 0 && grown !== 0))
          throw new FuzzFailure(`the mempool grew by ${grown}, ${r.admitted.length} admitted`);
        if (r.result.verdict === "accept" && r.admitted.length !== r.txs.length)
          throw new FuzzFailure("an accepted batch with transactions not admitted");
        return r.result.verdict === "accept" ? {} : { code: r.result.code };
      },
      close: () => fz.close(),
    };
  },
};
