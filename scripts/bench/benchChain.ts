import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGenesisJson, type GenesisFile, parseGenesis } from "../../src/config/genesis.js";
import { u64be, utf8 } from "../../src/crypto/bytes.js";
import { sha256 } from "../../src/crypto/hash.js";
import { devKeyPair, type KeyPair, keyPairFromSecret } from "../../src/crypto/keys.js";
import type { Verifier } from "../../src/crypto/verify.js";
import { ChainDb } from "../../src/db/chainDb.js";
import { proposalIdOf } from "../../src/governance/proposalId.js";
import { createModules } from "../../src/node/modules.js";
import { applyBlock, blockContext, buildBlock, txRootOf } from "../../src/state-transition/applyBlock.js";
import { genesisState } from "../../src/state-transition/genesis.js";
import type { Change } from "../../src/state-transition/stateStore.js";
import { assembleBlock, type Block } from "../../src/types/block.js";
import type { Payload, Tx } from "../../src/types/tx.js";
import { decodeTx, encodeSignedTx, encodeTxBody, txSigningMessage } from "../../src/types/txCodec.js";
import { fastSigner } from "./fastSign.js";

/** A single-validator benchmark chain on a scratch LevelDB: blocks are built once, then applied. */
export class BenchChain {
  readonly validator: KeyPair = keyPairFromSecret(sha256(utf8("bench-validator")));
  readonly genesis: GenesisFile;
  private readonly dir = mkdtempSync(join(tmpdir(), "xai-bench-"));
  private db!: ChainDb;
  private root: Uint8Array = new Uint8Array(32);
  private parentHash: Uint8Array = new Uint8Array(32);
  private genesisChanges: Change[] = [];
  private genesisRoot: Uint8Array = new Uint8Array(32);
  height = 0;

  constructor(genesisJson: (base: Record<string, unknown>) => Record<string, unknown>) {
    const base = createGenesisJson({
      chainId: "xai-devnet-bench",
      preset: "dev",
      dev: true,
      validatorPublicKeys: [this.validator.publicKey],
      genesisTimeMs: 0,
    });
    this.genesis = parseGenesis(genesisJson(base));
  }

  /** Opens a fresh database named `name` at genesis. */
  async open(name: string): Promise<void> {
    if (this.genesisChanges.length === 0) {
      const g = await genesisState(this.genesis, { modules: createModules(), verifier: null });
      this.genesisChanges = g.overlay.changes();
      this.genesisRoot = g.stateRoot;
    }
    this.db = await ChainDb.open(join(this.dir, name));
    await this.db.batch().applyState(this.genesisChanges).write();
    this.root = this.genesisRoot;
    this.parentHash = this.genesis.hash;
    this.height = 0;
  }

  /** Builds (without signature checks) and commits the next block; all of `txs` must be valid. */
  async build(txs: Tx[]): Promise<Block> {
    const h = this.height + 1;
    const header0 = { chainId: this.genesis.chainId, height: h, slot: h, proposer: this.validator.address };
    const ctx = await blockContext(this.db.state, header0);
    const res = await buildBlock(this.db.state, txs, ctx, this.root, {
      modules: createModules(),
      verifier: null,
    });
    if (res.txs.length !== txs.length)
      throw new Error(`only ${res.txs.length} of ${txs.length} fit: ${res.skipped[0]?.code ?? "limits"}`);
    const header = {
      ...header0,
      parentHash: this.parentHash,
      txRoot: txRootOf(res.txs),
      stateRoot: res.stateRoot,
    };
    const block = assembleBlock(
      header,
      new Uint8Array(64),
      res.txs.map((t) => t.bytes),
    );
    await this.db.batch().applyState(res.overlay.changes()).write();
    this.root = res.stateRoot;
    this.parentHash = block.hash;
    this.height = h;
    return block;
  }

  /** Applies a built block through applyBlock and commits it; returns milliseconds of applyBlock. */
  async apply(block: Block, verifier: Verifier | null): Promise<number> {
    const t = performance.now();
    const res = await applyBlock(this.db.state, block, this.root, { modules: createModules(), verifier });
    const ms = performance.now() - t;
    await this.db.batch().applyState(res.overlay.changes()).write();
    this.root = res.stateRoot;
    this.height = block.header.height;
    return ms;
  }

  /** Closes the current database. */
  close(): Promise<void> {
    return this.db.close();
  }

  /** Removes the scratch directory. */
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Signs transactions quickly for benchmark set-up (node:crypto; same signatures as noble). */
export function makeTxFactory(chainId: string) {
  const signers = new Map<string, (m: Uint8Array) => Uint8Array>();
  return (key: KeyPair, nonce: bigint, payload: Payload): Tx => {
    let s = signers.get(key.address);
    if (!s) {
      s = fastSigner(key.secretKey);
      signers.set(key.address, s);
    }
    const body = encodeTxBody({ chainId, nonce, publicKey: key.publicKey, fee: 1000n, payload });
    return decodeTx(encodeSignedTx(body, s(txSigningMessage(body))));
  };
}

/** Bench voter `i`'s key (the same voters in every benchmark and profile script). */
export function benchVoter(i: number): KeyPair {
  return keyPairFromSecret(sha256(utf8("bench-voter"), u64be(i)));
}

/** A BenchChain genesis edit: `voters` funded on top of the base balances, and `more` fields. */
export function withVoters(voters: readonly KeyPair[], more: Record<string, unknown> = {}) {
  return (g: Record<string, unknown>): Record<string, unknown> => ({
    ...g,
    balances: [
      ...(g.balances as Array<{ address: string; amount: string }>),
      ...voters.map((k) => ({ address: k.address, amount: "100000000" })),
    ],
    ...more,
  });
}

/** The proposal the vote benchmarks vote on: dev:0's first transaction, and the proposal's id. */
export function benchProposal(tx: ReturnType<typeof makeTxFactory>): { submit: Tx; proposalId: string } {
  const submit = tx(devKeyPair(0), 0n, {
    type: "SUBMIT_PROPOSAL",
    title: "bench",
    description: "",
    deposit: 1_000_000_000n,
    action: { kind: "protocol_parameter", name: "min_tx_fee", value: "2000" },
  });
  return { submit, proposalId: proposalIdOf(submit.id) };
}
