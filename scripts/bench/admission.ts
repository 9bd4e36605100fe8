import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Chain } from "../../src/chain/chain.js";
import { createGenesisJson, parseGenesis } from "../../src/config/genesis.js";
import { utf8 } from "../../src/crypto/bytes.js";
import { sha256 } from "../../src/crypto/hash.js";
import { devKeyPair, keyPairFromSecret } from "../../src/crypto/keys.js";
import { ChainDb } from "../../src/db/chainDb.js";
import { createModules } from "../../src/node/modules.js";
import { makeTxFactory } from "./benchChain.js";
import type { BenchRow } from "./report.js";

const SENDERS = 8;
const DEPTH = 256;

/**
 * Mempool admission (`Chain.submitTx`, signatures on) of one more transaction from a sender that
 * has 1 or 256 pending (SPEC §3: the cost must not depend on the depth; review A5). Each sender's
 * transactions are admitted in nonce order; the figure is the mean time of the admissions at the
 * 8 depths ending at that one (1 to 8, 249 to 256) over the measured senders, 64 admissions a
 * row (one admission a sender was too few: one garbage collection in 8 read as a 5x cost), after
 * one more sender warms up.
 */
const WINDOW = 8;
export async function benchAdmission(): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), "xai-bench-admission-"));
  const genesis = parseGenesis(
    createGenesisJson({
      chainId: "xai-devnet-bench",
      preset: "dev",
      dev: true,
      validatorPublicKeys: [keyPairFromSecret(sha256(utf8("bench-validator"))).publicKey],
      genesisTimeMs: 0,
    }),
  );
  const db = await ChainDb.open(dir);
  try {
    const chain = await Chain.open({
      genesis,
      db,
      modules: createModules(),
      mempool: { maxPerSender: DEPTH + 1 },
    });
    const tx = makeTxFactory(genesis.chainId);
    const sink = devKeyPair(9).address;
    const at = new Map<number, number>([
      [1, 0],
      [DEPTH, 0],
    ]);
    const row = (n: number) => (n >= 1 && n <= WINDOW ? 1 : n > DEPTH - WINDOW && n <= DEPTH ? DEPTH : 0);
    // Sender 8 warms the code up (untimed); senders 0-7 are measured.
    for (const s of [8, ...Array.from({ length: SENDERS }, (_, i) => i)]) {
      const key = devKeyPair(s);
      for (let n = 0; n <= DEPTH; n++) {
        const t = tx(key, BigInt(n), { type: "TRANSFER", recipient: sink, amount: 1n + BigInt(n) });
        const started = performance.now();
        await chain.submitTx(t.bytes);
        const ms = performance.now() - started;
        if (s !== 8 && row(n) !== 0) at.set(row(n), at.get(row(n))! + ms);
      }
    }
    const depths = (d: number) => (d === 1 ? `1-${WINDOW}` : `${DEPTH - WINDOW + 1}-${DEPTH}`);
    const detail = (d: number) => `${SENDERS} senders x depths ${depths(d)}, mean, signatures on, LevelDB`;
    return [1, DEPTH].map((depth) => ({
      name: `admission at sender depth ${depth}`,
      value: at.get(depth)! / (SENDERS * WINDOW),
      unit: "ms",
      detail: detail(depth),
    }));
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}
