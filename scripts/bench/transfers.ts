import { devKeyPair } from "../../src/crypto/keys.js";
import { type Verifier, verifySignature } from "../../src/crypto/verify.js";
import type { Block } from "../../src/types/block.js";
import { BenchChain, makeTxFactory } from "./benchChain.js";
import { type BenchRow, TWO_CORE_TARGET } from "./report.js";

const BLOCKS = 10;
const TXS_PER_BLOCK = 2000;

/** Transfers applied per second through applyBlock on LevelDB, signature checks on and off. */
export async function benchTransfers(): Promise<BenchRow[]> {
  const chain = new BenchChain((g) => g);
  try {
    await chain.open("make");
    const tx = makeTxFactory(chain.genesis.chainId);
    const devs = Array.from({ length: 10 }, (_, i) => devKeyPair(i));
    const nonces = devs.map(() => 0n);
    const blocks: Block[] = [];
    for (let b = 0; b < BLOCKS; b++) {
      const txs = Array.from({ length: TXS_PER_BLOCK }, (_, i) => {
        const from = i % devs.length;
        const to = devs[(from + 1 + (i % 9)) % 10]!.address;
        return tx(devs[from]!, nonces[from]!++, {
          type: "TRANSFER",
          recipient: to,
          amount: 1000n + BigInt(i),
        });
      });
      blocks.push(await chain.build(txs));
    }
    await chain.close();
    const run = async (name: string, verifier: Verifier | null) => {
      await chain.open(name);
      let ms = 0;
      for (const b of blocks) ms += await chain.apply(b, verifier);
      await chain.close();
      return (BLOCKS * TXS_PER_BLOCK) / (ms / 1000);
    };
    const detail = `${BLOCKS} blocks x ${TXS_PER_BLOCK} transfers, LevelDB`;
    return [
      {
        name: "transfers through applyBlock, signatures on",
        value: await run("on", verifySignature),
        unit: "tx/s",
        detail,
        target: TWO_CORE_TARGET,
      },
      {
        name: "transfers through applyBlock, signatures off",
        value: await run("off", null),
        unit: "tx/s",
        detail,
        target: { op: ">=", value: 50_000 },
      },
    ];
  } finally {
    chain.dispose();
  }
}
