import type { Genesis } from "../config/genesis.js";
import type { Tx, TxType } from "../types/tx.js";
import type { BlockParams } from "./params.js";
import type { StateOverlay, StateWriter } from "./stateStore.js";

/** What a block is applied under: its position and proposer. */
export interface BlockContext {
  chainId: string;
  height: number;
  slot: number;
  proposer: string;
  /** Parameters, features and rules as of the start of the block (what behaviour follows). */
  params: BlockParams;
}

/** An event emitted by a module while applying a block (logged and counted by the node). */
export interface ChainEvent {
  type: string;
  height: number;
  txId?: string;
  attributes: Record<string, string>;
}

/** Outcome of a valid transaction, kept in its receipt. */
export interface TxOutcome {
  /** "ok", or "failed" when the transaction is valid but its effect failed (an execution). */
  result: "ok" | "failed";
  errorCode?: string;
  proposalId?: string;
}

/** Everything a module sees while applying one transaction. */
export interface TxContext extends BlockContext {
  tx: Tx;
  /** The chain's modules (the bank refuses transfers to any module's accounts). */
  modules: readonly StateModule[];
  /** Overlay of this transaction; dropped whole if the transaction turns out invalid. */
  state: StateOverlay;
  events: ChainEvent[];
}

/** Everything a module sees at the end of a block. */
export interface EndBlockContext extends BlockContext {
  state: StateOverlay;
  events: ChainEvent[];
}

/**
 * A state module (the bank, the governance module). Modules are pure: they read and write state
 * only through the overlay they are given, and their writes are part of the block's write set,
 * so they are covered by the state root and reverted by undo records like any other state.
 */
export interface StateModule {
  readonly name: string;
  /** Payload types this module handles. */
  readonly txTypes: readonly TxType[];
  /**
   * Module accounts: balances that only this module moves and whose totals it checks (the
   * governance escrow holds exactly the deposits of proposals in voting), so plain transfers may
   * not credit them.
   */
  readonly moduleAccounts: readonly string[];
  /** Validates a transaction against state and applies it; throws an XaiError if it is invalid. */
  applyTx(ctx: TxContext): Promise<TxOutcome>;
  /**
   * Start-of-block work, in module order, before the block's first transaction (the governance
   * module runs a due upgrade's migration). Returns true if it changed the registry, so the
   * block's parameters are read again. Throwing stops the block: nothing of it is applied.
   */
  beginBlock?(ctx: EndBlockContext): Promise<boolean>;
  /** End-of-block work, in module order. */
  endBlock?(ctx: EndBlockContext): Promise<void>;
  /** Writes the module's genesis state. */
  initGenesis?(state: StateWriter, genesis: Genesis): Promise<void>;
}
