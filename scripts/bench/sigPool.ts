import { generateKeyPairSync, sign as nodeSign } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Chain } from "../../src/chain/chain.js";
import { replayChain } from "../../src/chain/replay.js";
import { SignaturePool } from "../../src/chain/sigPool.js";
import { devKeyPair, sign } from "../../src/crypto/keys.js";
import { type Verifier, verifyNode, verifySignature } from "../../src/crypto/verify.js";
import { ChainDb } from "../../src/db/chainDb.js";
import { createModules } from "../../src/node/modules.js";
import { assembleBlock, type Block, blockSigningMessage, encodeHeader } from "../../src/types/block.js";
import type { Tx } from "../../src/types/tx.js";
import { BenchChain, benchProposal, benchVoter, makeTxFactory, withVoters } from "./benchChain.js";
import { type BenchRow, TWO_CORE_TARGET } from "./report.js";

// Issue 10: signatures on both cores. Blocks are built once (BenchChain), signed by the validator,
// then imported through `Chain.importBlock` (gate, checks, applyBlock, commit: the whole import) by a
// chain with a 2-worker signature pool, all blocks handed to it at once as sync or gossip would; then
// `replay` (replayChain) of that database with the pool. Each figure counts the whole wall time.

const PER_BLOCK = 2_000;

/**
 * The blocks linked to `genesisHash` (the chain's block 0; BenchChain links to the genesis hash)
 * and each signed by the validator (BenchChain leaves the signature zero). The state roots stand:
 * no state depends on the parent hash.
 */
function linked(chain: BenchChain, blocks: Block[], genesisHash: Uint8Array): Block[] {
  let parentHash = genesisHash;
  return blocks.map((b) => {
    const header = { ...b.header, parentHash };
    const sig = sign(blockSigningMessage(encodeHeader(header)), chain.validator.secretKey);
    const out = assembleBlock(header, sig, b.txs);
    parentHash = out.hash;
    return out;
  });
}

/** Imports `blocks` into a new chain with the pool; then replays it. Rates over `measured` txs. */
async function importAndReplay(
  chain: BenchChain,
  built: Block[],
  measuredFrom: number,
  workers: number,
): Promise<{ importRate: number; replayRate: number; replayTxs: number }> {
  const dir = await mkdtemp(join(tmpdir(), "xai-bench-pool-"));
  const scratchDir = await mkdtemp(join(tmpdir(), "xai-bench-pool-scratch-"));
  const pool = workers > 0 ? new SignaturePool({ size: workers }) : undefined;
  try {
    const db = await ChainDb.open(dir);
    const c = await Chain.open({
      genesis: chain.genesis,
      db,
      modules: createModules(),
      now: () => 1e15,
      ...(pool ? { signaturePool: pool } : {}),
    });
    const blocks = linked(chain, built, c.head.hash);
    for (const b of blocks.slice(0, measuredFrom)) await c.importBlock(b.bytes);
    const measured = blocks.slice(measuredFrom);
    const txs = measured.reduce((n, b) => n + b.txs.length, 0);
    const t0 = performance.now();
    await Promise.all(measured.map((b) => c.importBlock(b.bytes)));
    const importRate = txs / ((performance.now() - t0) / 1000);
    await c.idle();
    await db.close();
    const source = await ChainDb.open(dir);
    const scratch = await ChainDb.open(scratchDir);
    try {
      const report = await replayChain({
        genesis: chain.genesis,
        source,
        scratch,
        modules: createModules(),
        blockVerifier: verifySignature,
        ...(pool ? { pool } : {}),
        clock: () => performance.now(),
      });
      if (report.mismatches !== 0) throw new Error("replay mismatch");
      return { importRate, replayRate: report.txs / (report.ms / 1000), replayTxs: report.txs };
    } finally {
      await scratch.close();
      await source.close();
    }
  } finally {
    await pool?.close();
    await rm(dir, { recursive: true, force: true });
    await rm(scratchDir, { recursive: true, force: true });
  }
}

async function voteBlocks(n: number): Promise<{ chain: BenchChain; blocks: Block[] }> {
  const voters = Array.from({ length: n }, (_, i) => benchVoter(i));
  const chain = new BenchChain(withVoters(voters));
  await chain.open("make");
  const tx = makeTxFactory(chain.genesis.chainId);
  const { submit, proposalId } = benchProposal(tx);
  const blocks = [await chain.build([submit])];
  for (let i = 0; i < n; i += PER_BLOCK) {
    const txs: Tx[] = voters
      .slice(i, i + PER_BLOCK)
      .map((k, j) => tx(k, 0n, { type: "CAST_VOTE", proposalId, option: (i + j) % 4 === 3 ? "no" : "yes" }));
    blocks.push(await chain.build(txs));
  }
  await chain.close();
  return { chain, blocks };
}

async function transferBlocks(count: number): Promise<{ chain: BenchChain; blocks: Block[] }> {
  const chain = new BenchChain((g) => g);
  await chain.open("make");
  const tx = makeTxFactory(chain.genesis.chainId);
  const devs = Array.from({ length: 10 }, (_, i) => devKeyPair(i));
  const nonces = devs.map(() => 0n);
  const blocks: Block[] = [];
  for (let b = 0; b < count; b++) {
    const txs = Array.from({ length: PER_BLOCK }, (_, i) => {
      const from = i % devs.length;
      return tx(devs[from]!, nonces[from]!++, {
        type: "TRANSFER",
        recipient: devs[(from + 1 + (i % 9)) % 10]!.address,
        amount: 1000n + BigInt(i),
      });
    });
    blocks.push(await chain.build(txs));
  }
  await chain.close();
  return { chain, blocks };
}

/**
 * `n` signatures, each by its own new key. The keys come out of generateKeyPairSync as DER
 * buffers: `KeyObject.export({ format: "jwk" })` right after generating keys deadlocked Node 20
 * here once (a GC inside the export ran a key-generation job's destructor, which waits for the
 * mutex the export holds).
 */
function freshItems(n: number, tag: number) {
  return Array.from({ length: n }, (_, i) => {
    const { publicKey, privateKey } = generateKeyPairSync("ed25519", {
      publicKeyEncoding: { type: "spki", format: "der" },
      privateKeyEncoding: { type: "pkcs8", format: "der" },
    });
    const message = new Uint8Array(200).fill((i + tag) & 0xff);
    const signature = nodeSign(null, message, { key: privateKey, format: "der", type: "pkcs8" });
    return {
      signature: new Uint8Array(signature),
      message,
      publicKey: new Uint8Array(publicKey.subarray(12)),
    };
  });
}

/** Verify rates with a new key per signature (the per-key setup), one core and on the pool. */
async function perKeyRows(workers: number): Promise<BenchRow[]> {
  const single = (verifier: Verifier, tag: number) => {
    const one = freshItems(3000, tag);
    for (const it of freshItems(50, tag + 1)) verifier(it.signature, it.message, it.publicKey); // warm up
    const t0 = performance.now();
    for (const it of one) if (!verifier(it.signature, it.message, it.publicKey)) throw new Error("rejected");
    return one.length / ((performance.now() - t0) / 1000);
  };
  const rows: BenchRow[] = [
    {
      name: "verify libsodium, a new key each",
      value: single(verifySignature, 4),
      unit: "verify/s",
      detail: "single core; no per-key set-up",
    },
    {
      name: "verify node:crypto, a new key each",
      value: single(verifyNode, 0),
      unit: "verify/s",
      detail: "single core; the KeyObject import paid per signature",
    },
  ];
  if (workers === 0) return rows;
  const pool = new SignaturePool({ size: workers });
  try {
    await pool.verify(freshItems(200, 1)); // start the workers
    const items = freshItems(10_000, 2);
    let t = performance.now();
    const verdicts = await pool.verify(items);
    const fresh = items.length / ((performance.now() - t) / 1000);
    if (verdicts.some((v) => !v)) throw new Error("rejected");
    t = performance.now();
    await pool.verify(items); // the same signatures again (the workers keep no memo)
    const cached = items.length / ((performance.now() - t) / 1000);
    rows.push(
      {
        name: `verify on the ${workers}-worker pool, a new key each`,
        value: fresh,
        unit: "verify/s",
        detail: "10,000 signatures in one call",
        target: TWO_CORE_TARGET,
      },
      {
        name: `verify on the ${workers}-worker pool, the same signatures again`,
        value: cached,
        unit: "verify/s",
        // No target: libsodium keeps nothing per key, so this row only repeats the one above.
        detail: "the same 10,000 again",
      },
    );
  } finally {
    await pool.close();
  }
  return rows;
}

/** The import and replay rows (the pool's size from XAI_BENCH_WORKERS, default 2; 0 runs without it). */
export async function benchSigPool(): Promise<BenchRow[]> {
  const workers = Number(process.env.XAI_BENCH_WORKERS ?? 2);
  const how = workers > 0 ? `${workers}-worker pool` : "no pool";
  const rows: BenchRow[] = await perKeyRows(workers);
  const votes = await voteBlocks(10_000);
  try {
    const r = await importAndReplay(votes.chain, votes.blocks, 1, workers);
    const detail = `10,000 distinct voters, 5 blocks of ${PER_BLOCK}, ${how}, LevelDB`;
    rows.push(
      {
        name: "votes through block import, signatures on",
        value: r.importRate,
        unit: "votes/s",
        detail,
        target: TWO_CORE_TARGET,
      },
      {
        name: "replay with signature checks (votes)",
        value: r.replayRate,
        unit: "tx/s",
        detail: `${r.replayTxs} txs, whole replay incl. state comparison, ${how}`,
        target: TWO_CORE_TARGET,
      },
    );
  } finally {
    votes.chain.dispose();
  }
  const transfers = await transferBlocks(10);
  try {
    const r = await importAndReplay(transfers.chain, transfers.blocks, 0, workers);
    rows.push(
      {
        name: "transfers through block import, signatures on",
        value: r.importRate,
        unit: "tx/s",
        detail: `10 blocks of ${PER_BLOCK} from 10 senders, ${how}, LevelDB`,
        target: TWO_CORE_TARGET,
      },
      {
        name: "replay with signature checks (transfers)",
        value: r.replayRate,
        unit: "tx/s",
        detail: `${r.replayTxs} txs, whole replay incl. state comparison, ${how}`,
        target: TWO_CORE_TARGET,
      },
    );
  } finally {
    transfers.chain.dispose();
  }
  return rows;
}
