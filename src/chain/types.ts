/**
 * The chain's public shapes: its options, the head, what an import did, the new-head event, and
 * `ChainView`, the public side of the Chain that the modules it calls (admission, reorg,
 * production) read. Apart from chain.ts so that those modules need not import the Chain (no
 * cycle); chain.ts re-exports the shapes it always exported.
 */
import type { Genesis, GenesisFile } from "../config/genesis.js";
import { toHex } from "../crypto/bytes.js";
import type { Verifier } from "../crypto/verify.js";
import type { ChainDb } from "../db/chainDb.js";
import type { Logger } from "../logger.js";
import type { TxRules } from "../state-transition/applyTx.js";
import type { BlockResult } from "../state-transition/executeBlock.js";
import type { StateModule } from "../state-transition/module.js";
import type { StateReader } from "../state-transition/stateStore.js";
import type { Block, BlockHeader } from "../types/block.js";
import type { ProposerSchedule } from "./headerChecks.js";
import type { Mempool, MempoolLimits } from "./mempool.js";
import type { SignGuard } from "./signGuard.js";
import type { SignaturePool } from "./sigPool.js";

/** Options of a chain. */
export interface ChainOptions {
  /**
   * The genesis, parsed whole (GenesisFile) or, for a database that has already checked the same
   * genesis.json bytes, without its balances (node/genesisFile.ts loadStartGenesis). A new
   * database needs the balances for its genesis state.
   */
  genesis: GenesisFile | Genesis;
  /**
   * sha256 of the genesis.json bytes a whole `genesis` was parsed from: stored (GENESIS_FILE_META)
   * once the genesis hash has been checked against the database's or written into a new one.
   */
  genesisFileSha256?: Uint8Array;
  db: ChainDb;
  modules: readonly StateModule[];
  /** Signature verifier of the block path (default: verifySignature, libsodium, behind a memo: cachingVerifier). */
  verifier?: Verifier;
  /**
   * Worker threads that verify transaction signatures before a block is applied and before
   * admission (txSignatures.ts); used with the default verifier only. The owner closes it.
   */
  signaturePool?: SignaturePool;
  /** Wall clock in ms, for the future-slot check (injected by tests). */
  now?: () => number;
  mempool?: Partial<MempoolLimits>;
  log?: Logger;
  /** Most jobs waiting in each lane of the chain's queue (blocks; admissions) at once. */
  maxQueue?: number;
  /** Most side-branch blocks stored at once (default MAX_SIDE_BLOCKS; tests lower it). */
  maxSideBlocks?: number;
  /** Who proposes each slot, for the header gate (default: the genesis validator set). */
  proposers?: ProposerSchedule;
  /** The validator's double-signing guard (signGuard.ts; default: in memory, for tests). */
  signGuard?: SignGuard;
}

/** A bounded queue or cache, as the node's metrics show it (`xai_node_bound_size{bound}`). */
export interface Bound {
  name: string;
  size: number;
  capacity: number;
}

/** The canonical tip. */
export interface HeadInfo {
  hash: Uint8Array;
  hashHex: string;
  height: number;
  slot: number;
  stateRoot: Uint8Array;
}

/** The head info of the block `hash` with header `h`. */
export function headInfo(hash: Uint8Array, h: BlockHeader): HeadInfo {
  return { hash, hashHex: toHex(hash), height: h.height, slot: h.slot, stateRoot: h.stateRoot };
}

/** What importing a block did. */
export type ImportStatus = "head" | "reorg" | "side";

/** Emitted on every new head (a block on top, or the tip of a reorg). */
export interface NewHeadEvent {
  block: Block;
  result: BlockResult;
  /** Blocks reverted by a reorg before this head was reached (empty for a plain extension). */
  reverted: Block[];
  /** Wall time spent applying (or building) and committing, for metrics. */
  durationMs: number;
}

/**
 * What the chain's modules read from it (the Chain implements it): each takes a `Pick` of the
 * members it needs, so its signature says what it depends on.
 */
export interface ChainView {
  readonly genesis: Genesis;
  readonly db: ChainDb;
  readonly rules: TxRules;
  readonly mempool: Mempool;
  /** The canonical tip. */
  readonly head: HeadInfo;
  /** Highest final height. */
  readonly finalizedHeight: number;
  /** The head's post-state. */
  readonly state: StateReader;
  /** Who proposes each slot (the validator set in the head's state, SPEC §4.8). */
  readonly proposers: ProposerSchedule;
  /** Header of a stored block (cached). */
  header(hash: Uint8Array): Promise<BlockHeader | undefined>;
  /** A stored block by hash. */
  blockByHash(hash: Uint8Array): Promise<Block | undefined>;
}
