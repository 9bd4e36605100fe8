/**
 * The chain the chain-level targets run against: a real Chain (the node's modules) on a temporary
 * LevelDB database with the test genesis (dev:0 … dev:9 funded), reopened fresh every `every`
 * inputs so that nonces stay low, and drained into a block now and then so that the mempool keeps
 * room. A rejected input must leave it as it was (`snapshot`).
 */
import { toHex } from "../../src/crypto/bytes.js";
import { openTestChain, produce, type TestChain, testGenesis } from "../../test/utils/testChain.js";
import { FuzzFailure } from "./engine.js";

export class FuzzChain {
  private tc!: TestChain;
  private inputs = 0;

  private constructor(
    private readonly every: number,
    private readonly drainEvery: number,
  ) {}

  /** A chain reopened fresh every `every` inputs and drained every `drainEvery`. */
  static async open(every = 256, drainEvery = 32): Promise<FuzzChain> {
    const c = new FuzzChain(every, drainEvery);
    c.tc = await openTestChain({ genesis: testGenesis(1) });
    return c;
  }

  get chain(): TestChain["chain"] {
    return this.tc.chain;
  }

  /** Head, state root and mempool size: what a rejected input must not change. */
  snapshot(): string {
    const c = this.tc.chain;
    return `${c.head.hashHex} ${toHex(c.head.stateRoot)} ${c.mempool.size}`;
  }

  /** Before each input: a fresh chain or a drained mempool when due. */
  async next(): Promise<void> {
    this.inputs++;
    if (this.inputs % this.every === 0) {
      await this.tc.cleanup();
      this.tc = await openTestChain({ genesis: testGenesis(1) });
    } else if (this.inputs % this.drainEvery === 0 && this.tc.chain.mempool.size > 0)
      await produce(this.tc.chain);
  }

  /**
   * Runs `f` (the input); if it throws, the snapshot must be unchanged (else FuzzFailure), and the
   * error goes on to the oracle.
   */
  async unchangedIfRejected<T>(what: string, f: () => Promise<T>): Promise<T> {
    const before = this.snapshot();
    try {
      return await f();
    } catch (err) {
      const after = this.snapshot();
      if (after !== before)
        throw new FuzzFailure(`a rejected ${what} changed the chain: ${before} -> ${after}`);
      throw err;
    }
  }

  close(): Promise<void> {
    return this.tc.cleanup();
  }
}
