import { type Verifier, verifySignature } from "../../src/crypto/verify.js";
import type { Block } from "../../src/types/block.js";
import type { Tx } from "../../src/types/tx.js";
import { BenchChain, benchProposal, benchVoter, makeTxFactory, withVoters } from "./benchChain.js";
import { type BenchRow, TWO_CORE_TARGET } from "./report.js";

const VOTES_PER_BLOCK = 20_000;

/**
 * Votes applied per second through applyBlock on one proposal with N distinct voters (each funded
 * at genesis, so each has snapshot power), signature checks on and off; and the cost of the block
 * that ends the voting period (the tally is incremental, so it should cost what an empty block does).
 */
async function benchVoters(n: number): Promise<BenchRow[]> {
  const voters = Array.from({ length: n }, (_, i) => benchVoter(i));
  const chain = new BenchChain(
    withVoters(voters, { params: { max_block_txs: String(VOTES_PER_BLOCK), max_block_bytes: "10000000" } }),
  );
  try {
    await chain.open("make");
    const tx = makeTxFactory(chain.genesis.chainId);
    const { submit, proposalId } = benchProposal(tx);
    const setup = [await chain.build([submit])];
    const voteBlocks: Block[] = [];
    for (let i = 0; i < n; i += VOTES_PER_BLOCK) {
      const txs: Tx[] = voters
        .slice(i, i + VOTES_PER_BLOCK)
        .map((k, j) =>
          tx(k, 0n, { type: "CAST_VOTE", proposalId, option: (i + j) % 4 === 3 ? "no" : "yes" }),
        );
      voteBlocks.push(await chain.build(txs));
    }
    const votingEnd = 1 + Number(chain.genesis.values.rule.voting_period_blocks);
    const empty: Block[] = [];
    while (chain.height < votingEnd) empty.push(await chain.build([]));
    await chain.close();

    const run = async (name: string, verifier: Verifier | null) => {
      await chain.open(name);
      for (const b of setup) await chain.apply(b, null);
      let ms = 0;
      for (const b of voteBlocks) ms += await chain.apply(b, verifier);
      const emptyMs: number[] = [];
      for (const b of empty) emptyMs.push(await chain.apply(b, null));
      await chain.close();
      const endMs = emptyMs[emptyMs.length - 1]!;
      const others = emptyMs.slice(0, -1);
      return {
        rate: n / (ms / 1000),
        endMs,
        emptyMs: others.reduce((a, b) => a + b, 0) / Math.max(1, others.length),
      };
    };
    const on = await run("on", verifySignature);
    const off = await run("off", null);
    const detail = `${n.toLocaleString("en-US")} voters, blocks of ${Math.min(n, VOTES_PER_BLOCK)}`;
    return [
      {
        name: `votes through applyBlock, ${n} voters, signatures on`,
        value: on.rate,
        unit: "votes/s",
        detail,
        target: TWO_CORE_TARGET,
      },
      {
        name: `votes through applyBlock, ${n} voters, signatures off`,
        value: off.rate,
        unit: "votes/s",
        detail,
        ...(n >= 10_000 ? { target: { op: ">=" as const, value: 50_000 } } : {}),
      },
      {
        name: `end-of-voting block, ${n} voters`,
        value: off.endMs * 1000,
        unit: "µs",
        detail: `an empty block without a period end: ${Math.round(off.emptyMs * 1000)} µs`,
        target: { op: "<=", value: 1.5 * off.emptyMs * 1000, label: "1.5 x an empty block" },
      },
    ];
  } finally {
    chain.dispose();
  }
}

/** The vote benchmarks for 1,000, 10,000 and 100,000 voters. */
export async function benchVotes(sizes = [1_000, 10_000, 100_000]): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const n of sizes) rows.push(...(await benchVoters(n)));
  const off = (n: number) =>
    rows.find((r) => r.name === `votes through applyBlock, ${n} voters, signatures off`);
  const [small, large, mid] = [off(sizes[0]!), off(sizes[sizes.length - 1]!), off(10_000)];
  if (small && large && small !== large)
    rows.push({
      name: `per-vote cost, ${sizes[sizes.length - 1]} voters over ${sizes[0]} voters`,
      value: small.value / large.value,
      unit: "x",
      detail: "signatures off; 1 = flat",
      target: { op: "<=", value: 1.3 },
    });
  // The Python original's published behaviour: about 420 votes/s at 10,000 voters on 2 cores,
  // slowing as 1/N. Our figure at each size over what it would do there.
  for (const r of [mid, large])
    if (r) {
      const n = Number(/, (\d+) voters/.exec(r.name)![1]);
      const python = (420 * 10_000) / n;
      rows.push({
        name: `votes at ${n} voters over the Python original's`,
        value: r.value / python,
        unit: "x",
        detail: `its ${Math.round(python)} votes/s (420 at 10,000 voters, as 1/N)`,
      });
    }
  return rows;
}
