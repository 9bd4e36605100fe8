import type { GenesisFile } from "../config/genesis.js";
import { bytesEqual, toHex } from "../crypto/bytes.js";
import { cachingVerifier, type Verifier, verifySignature } from "../crypto/verify.js";
import type { ChainDb } from "../db/chainDb.js";
import { XaiError } from "../errors.js";
import { applyBlock, proposerAt } from "../state-transition/applyBlock.js";
import type { TxRules } from "../state-transition/applyTx.js";
import type { BlockResult } from "../state-transition/executeBlock.js";
import { genesisState } from "../state-transition/genesis.js";
import { assertChainInvariants } from "../state-transition/invariants.js";
import type { StateModule } from "../state-transition/module.js";
import type { StateReader } from "../state-transition/stateStore.js";
import { type Block, type BlockHeader, decodeBlock } from "../types/block.js";
import { ChainErrorCode } from "./errors.js";
import { checkHeader } from "./headerChecks.js";
import { JobQueue } from "./jobQueue.js";
import type { SignaturePool } from "./sigPool.js";
import { TxSignatures } from "./txSignatures.js";

/** Blocks read and their signatures verified on the pool ahead of the one being applied. */
const AHEAD = 3;

/** What a replay found. */
export interface ReplayReport {
  blocks: number;
  txs: number;
  headHeight: number;
  headHash: string;
  stateRoot: string;
  /** State entries compared between the rebuilt and the stored state. */
  stateEntries: number;
  /** Keys whose rebuilt value differs from the stored one (0 when all is well). */
  mismatches: number;
  /** Whether every block's proposer signature was checked ("skipped" without a block verifier). */
  blockSignatures: "verified" | "skipped";
  /** Whether every transaction's signature was checked ("skipped" with `--skip-signatures`). */
  txSignatures: "verified" | "skipped";
  ms: number;
}

/** Options of a replay. */
export interface ReplayOptions {
  genesis: GenesisFile;
  /** The node's database (read only here). */
  source: ChainDb;
  /** An empty database the state is rebuilt into. */
  scratch: ChainDb;
  modules: readonly StateModule[];
  /** Verifier for block proposer signatures (null: skip). */
  blockVerifier: Verifier | null;
  /**
   * Verifier for transaction signatures (SPEC §4.6 v2): by default the node's own, so a database
   * from a dishonest source whose blocks are validator-signed but carry forged transactions fails;
   * null skips them (`xai-gov replay --skip-signatures`, for speed on a database one trusts).
   */
  txVerifier?: Verifier | null;
  /**
   * Worker threads that verify the transaction signatures of the next blocks while one is applied
   * (txSignatures.ts; with the default txVerifier only): the verdicts are verifySignature's, and a
   * signature the pool refused is verified again on the main thread, so a forged one fails as it
   * does without the pool. The caller closes it.
   */
  pool?: SignaturePool;
  /** After each block: its height, the head's height, transactions replayed so far. */
  onProgress?: (height: number, total: number, txs: number) => void;
  /**
   * Runs after the rebuild over the rebuilt state (the governance invariants), after the chain
   * invariants (assertChainInvariants), which every replay checks.
   */
  check?: (state: StateReader) => Promise<void>;
  /** Replay canonical blocks 1 … toHeight only (default: up to the stored head; repair.ts). */
  toHeight?: number;
  /** Called with each block's result before it is written into `scratch` (its pre-state). */
  onApplied?: (block: Block, result: BlockResult, pre: StateReader) => Promise<void>;
  /** Wall-clock reader for the report's duration (the replay itself never reads the clock). */
  clock?: () => number;
}

function fail(message: string, data: Record<string, unknown> = {}): never {
  throw new XaiError(ChainErrorCode.REPLAY_MISMATCH, message, data);
}

/**
 * Rebuilds all state from the stored canonical blocks into `scratch`, verifying each block's
 * header, tx root, every transaction (its signature too, unless `txVerifier` is null) and state
 * root with the same applyBlock the node runs, then compares the rebuilt state with the stored
 * state entry by entry. The chain invariants and then `check` run over the rebuilt state before
 * the comparison. A block that fails any check stops the replay with REPLAY_MISMATCH, its height
 * and the code of the failed check (`data.cause`).
 */
export async function replayChain(o: ReplayOptions): Promise<ReplayReport> {
  const clock = o.clock ?? (() => 0);
  const started = clock();
  const txVerifier = o.txVerifier === undefined ? verifySignature : o.txVerifier;
  const usePool = o.pool !== undefined && o.txVerifier === undefined;
  const verifier = usePool ? cachingVerifier(verifySignature) : txVerifier;
  const sigs = new TxSignatures(verifier ?? verifySignature, usePool ? o.pool! : null, new JobQueue(1));
  const rules = { modules: o.modules, verifier, genesisValidators: o.genesis.validators };
  const stored = await o.source.getHead();
  if (!stored && o.toHeight === undefined) fail("the database has no head");
  const total = o.toHeight ?? decodeBlock((await o.source.getBlockBytes(stored!))!).header.height;
  const headHash = o.toHeight === undefined ? stored! : await blockHashOf(o.source, total);
  const g = await genesisState(o.genesis, rules);
  const stored0 = await o.source.getCanonicalHash(0);
  const block0 = decodeBlock((await o.source.getBlockBytes(stored0!))!);
  if (!bytesEqual(block0.header.stateRoot, g.stateRoot)) fail("genesis state root differs");
  await o.scratch.batch().applyState(g.overlay.changes()).write();
  let parent: BlockHeader = block0.header;
  let txs = 0;
  const ahead = new Map<number, Promise<Loaded>>();
  for (let height = 1; height <= total; height++) {
    for (let h = height; h <= Math.min(total, height + AHEAD); h++)
      if (!ahead.has(h)) ahead.set(h, loadBlock(o.source, sigs, h));
    const { hash, block, error } = await ahead.get(height)!;
    ahead.delete(height);
    if (error) throw error;
    if (!hash || !block) fail(`canonical block ${height} is missing`);
    if (!bytesEqual(block.hash, hash)) fail(`block ${height} is stored under another block's hash`);
    if (!bytesEqual(block.header.parentHash, await blockHashOf(o.source, height - 1)))
      fail(`block ${height} does not link to its parent`);
    const result = await checkedApply(o, rules, block, parent, height);
    await o.onApplied?.(block, result, o.scratch.state);
    await o.scratch.batch().applyState(result.overlay.changes()).write();
    txs += block.txs.length;
    parent = block.header;
    o.onProgress?.(height, total, txs);
  }
  await assertChainInvariants(o.scratch.state);
  if (o.check) await o.check(o.scratch.state);
  const { entries, mismatches } = await compareState(o.source, o.scratch);
  return {
    blocks: total,
    txs,
    headHeight: total,
    headHash: toHex(headHash),
    stateRoot: toHex(parent.stateRoot),
    stateEntries: entries,
    mismatches,
    blockSignatures: o.blockVerifier ? "verified" : "skipped",
    txSignatures: txVerifier ? "verified" : "skipped",
    ms: clock() - started,
  };
}

/** A canonical block read ahead: its hash, the block, or what decoding it threw. */
interface Loaded {
  hash?: Uint8Array;
  block?: Block;
  error?: unknown;
}

/** Reads and decodes canonical block `height`, then verifies its signatures on the pool. Never rejects. */
async function loadBlock(db: ChainDb, sigs: TxSignatures, height: number): Promise<Loaded> {
  try {
    const hash = await db.getCanonicalHash(height);
    const bytes = hash && (await db.getBlockBytes(hash));
    if (!hash || !bytes) return {};
    const block = decodeBlock(bytes);
    await sigs.preverify(block.txs);
    return { hash, block };
  } catch (error) {
    return { error };
  }
}

/** The header checks and applyBlock of one stored block; a failure names the block and its cause. */
async function checkedApply(
  o: ReplayOptions,
  rules: TxRules,
  block: Block,
  parent: BlockHeader,
  height: number,
): Promise<BlockResult> {
  try {
    const h = block.header;
    const expected = await proposerAt(o.scratch.state, o.genesis.validators, h.height, h.slot);
    checkHeader(o.genesis, block, parent, null, { expected, verifier: o.blockVerifier });
    return await applyBlock(o.scratch.state, block, parent.stateRoot, rules);
  } catch (err) {
    if (!(err instanceof XaiError)) throw err;
    fail(`block ${height} is invalid: ${err.code}: ${err.message}`, { height, cause: err.code, ...err.data });
  }
}

async function blockHashOf(db: ChainDb, height: number): Promise<Uint8Array> {
  return (await db.getCanonicalHash(height)) ?? new Uint8Array(0);
}

async function compareState(a: ChainDb, b: ChainDb): Promise<{ entries: number; mismatches: number }> {
  const ia = a.stateEntries();
  const ib = b.stateEntries();
  let x = await ia.next();
  let y = await ib.next();
  let entries = 0;
  let mismatches = 0;
  while (!x.done || !y.done) {
    entries++;
    if (x.done || y.done) {
      mismatches++;
      if (x.done) y = await ib.next();
      else x = await ia.next();
      continue;
    }
    const c = Buffer.compare(x.value[0], y.value[0]);
    if (c === 0) {
      if (!bytesEqual(x.value[1], y.value[1])) mismatches++;
      x = await ia.next();
      y = await ib.next();
    } else {
      mismatches++;
      if (c < 0) x = await ia.next();
      else y = await ib.next();
    }
  }
  return { entries, mismatches };
}
