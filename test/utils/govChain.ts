/**
 * An in-memory chain for governance tests: the real pure state transition (buildBlock, then
 * applyBlock of the same block to check that both paths agree on the root), dev keys, a test
 * genesis with short periods, no block reward and no fees unless asked.
 */
import { createGenesisJson, type GenesisFile, parseGenesis } from "../../src/config/genesis.js";
import { bytesEqual, toHex } from "../../src/crypto/bytes.js";
import { devKeyPair, type KeyPair, sign } from "../../src/crypto/keys.js";
import { verifySignature } from "../../src/crypto/verify.js";
import { isXaiError } from "../../src/errors.js";
import { createGovernanceModule, governanceModule } from "../../src/governance/module.js";
import { proposalIdOf } from "../../src/governance/proposalId.js";
import type { UpgradeSet } from "../../src/governance/upgrade/handlers.js";
import { getAccount } from "../../src/state-transition/accounts.js";
import {
  applyBlock,
  blockContext,
  buildBlock,
  proposerAt,
  txRootOf,
  txRootOfBytes,
} from "../../src/state-transition/applyBlock.js";
import { applyTx, type TxRules } from "../../src/state-transition/applyTx.js";
import { bankModule } from "../../src/state-transition/bank.js";
import type { BlockResult, Receipt, Skipped } from "../../src/state-transition/executeBlock.js";
import { genesisState } from "../../src/state-transition/genesis.js";
import type { BlockContext, ChainEvent, TxOutcome } from "../../src/state-transition/module.js";
import { EMPTY_STATE, StateOverlay } from "../../src/state-transition/stateStore.js";
import { assembleBlock, type BlockHeader, blockSigningMessage, encodeHeader } from "../../src/types/block.js";
import type { Payload, ProposalAction, Tx, VoteOption } from "../../src/types/tx.js";
import { decodeTx, encodeSignedTx, encodeTxBody, txSigningMessage } from "../../src/types/txCodec.js";

/** The rules every test chain runs with. */
export const RULES: TxRules = { modules: [bankModule, governanceModule], verifier: verifySignature };

/** Chain id of test chains. */
export const CHAIN_ID = "xai-devnet-test";

/** Test genesis options. */
export interface GovChainOptions {
  /** Balances of dev:0 … dev:N-1 in base units (default: 10 accounts of 1,000,000 XAI). */
  balances?: bigint[];
  treasury?: bigint;
  params?: Record<string, string>;
  features?: Record<string, string | boolean>;
  rules?: Record<string, string>;
  fiat?: {
    start_height: number;
    auto_unlock_height: number;
    min_votes: number;
    support_bps: number;
    /** Default 2,000 (SPEC v2 §4.5). */
    quorum_bps?: number;
  };
  /** Also apply every block through applyBlock and compare roots (default true). */
  verifyBlocks?: boolean;
  /** The upgrades the chain's release knows (default: the production set, SPEC v2 §4.7). */
  upgrades?: UpgradeSet;
}

/** The rules of a release that knows `upgrades`. */
export function rulesFor(upgrades: UpgradeSet): TxRules {
  return { modules: [bankModule, createGovernanceModule(upgrades)], verifier: verifySignature };
}

/** What a block did. */
export interface BlockOutcome {
  height: number;
  receipts: BlockResult["receipts"];
  skipped: Skipped[];
  events: ChainEvent[];
}

const VALIDATOR = devKeyPair(50);

/** Keys that may sign a GovChain's blocks: its genesis validator, and dev keys a test adds by governance. */
const SIGNERS = new Map<string, KeyPair>([[VALIDATOR.address, VALIDATOR]]);

/** The key of validator `address` (dev:50, or a dev key 0 … 99 added by a validator_set proposal). */
function signerOf(address: string): KeyPair {
  for (let n = 0; !SIGNERS.has(address) && n < 100; n++) SIGNERS.set(devKeyPair(n).address, devKeyPair(n));
  const k = SIGNERS.get(address);
  if (!k) throw new Error(`no key for validator ${address}`);
  return k;
}

/** Dev key N. */
export function key(n: number): KeyPair {
  return devKeyPair(n);
}

/** Builds a test genesis. */
export function testGenesis(o: GovChainOptions = {}): GenesisFile {
  const json = createGenesisJson({
    chainId: CHAIN_ID,
    preset: "test",
    dev: true,
    validatorPublicKeys: [VALIDATOR.publicKey],
    genesisTimeMs: 0,
  });
  if (o.balances)
    json.balances = o.balances.map((amount, i) => ({ address: key(i).address, amount: amount.toString() }));
  if (o.treasury !== undefined) json.treasury_balance = o.treasury.toString();
  json.params = { block_reward: "0", min_tx_fee: "0", ...o.params };
  json.features = { ...o.features };
  json.governance_rules = { ...(json.governance_rules as Record<string, string>), ...o.rules };
  if (o.fiat) json.fiat_unlock = o.fiat;
  return parseGenesis(json);
}

/** An in-memory chain. */
export class GovChain {
  pending: Tx[] = [];

  private constructor(
    readonly genesis: GenesisFile,
    /** Every block's writes, committed (a fork reads through its parent). */
    readonly state: StateOverlay,
    public height: number,
    public stateRoot: Uint8Array,
    private readonly verifyBlocks: boolean,
    /** The rules of this chain's release (its known upgrades). */
    private readonly release: TxRules = RULES,
  ) {}

  /** A chain at its genesis. */
  static async create(o: GovChainOptions = {}): Promise<GovChain> {
    const genesis = testGenesis(o);
    const rules = o.upgrades ? rulesFor(o.upgrades) : RULES;
    const g = await genesisState(genesis, rules);
    return new GovChain(genesis, g.overlay, 0, g.stateRoot, o.verifyBlocks ?? true, rules);
  }

  /**
   * An independent copy (neither chain's later blocks affect the other), run by a release that
   * knows `upgrades` if given (the same database opened by another release).
   */
  fork(upgrades?: UpgradeSet): GovChain {
    // Every chain's state is one overlay over the empty state holding all of it, so this copies it whole.
    const copy = new StateOverlay(EMPTY_STATE);
    this.state.commitTo(copy);
    const rules = upgrades ? rulesFor(upgrades) : this.release;
    const c = new GovChain(this.genesis, copy, this.height, this.stateRoot, this.verifyBlocks, rules);
    c.pending = [...this.pending];
    return c;
  }

  /** Hex of the current state root. */
  get rootHex(): string {
    return toHex(this.stateRoot);
  }

  /** Next nonce of a key, counting its pending transactions. */
  async nextNonce(k: KeyPair): Promise<bigint> {
    const n = (await getAccount(this.state, k.address)).nonce;
    return n + BigInt(this.pending.filter((t) => t.sender === k.address).length);
  }

  /** A signed transaction (decoded from its bytes, as a node would see it). */
  async tx(k: KeyPair, payload: Payload, fee = 0n): Promise<Tx> {
    const bodyBytes = encodeTxBody({
      chainId: CHAIN_ID,
      nonce: await this.nextNonce(k),
      publicKey: k.publicKey,
      fee,
      payload,
    });
    return decodeTx(encodeSignedTx(bodyBytes, sign(txSigningMessage(bodyBytes), k.secretKey)));
  }

  /** Queues a transaction for the next block and returns it. */
  async submit(k: KeyPair, payload: Payload, fee = 0n): Promise<Tx> {
    const t = await this.tx(k, payload, fee);
    this.pending.push(t);
    return t;
  }

  /**
   * The rules of this chain's release (its known upgrades), with its genesis validator set (the
   * proposer check of applyBlock).
   */
  get rules(): TxRules {
    return { ...this.release, genesisValidators: this.genesis.validators };
  }

  /** Context of the next block (slot = height; its proposer from the validator set in state). */
  async nextContext(): Promise<BlockContext> {
    const h = this.height + 1;
    const g = this.genesis.validators;
    const proposer = (await proposerAt(this.state, g, h, h)).address;
    return blockContext(this.state, { chainId: CHAIN_ID, height: h, slot: h, proposer }, g);
  }

  /**
   * Applies `payload` by `k` as the next block would, without keeping anything: the outcome, or
   * the XaiError code if it is invalid.
   */
  async check(
    k: KeyPair,
    payload: Payload,
    fee = 0n,
  ): Promise<{ code?: string; message?: string; outcome?: TxOutcome }> {
    const t = await this.tx(k, payload, fee);
    const scratch = new StateOverlay(this.state);
    for (const p of this.pending)
      (await applyTx(scratch, p, await this.nextContext(), this.rules, [])).overlay.commitTo(scratch);
    try {
      const r = await applyTx(scratch, t, await this.nextContext(), this.rules, []);
      return { outcome: r.outcome };
    } catch (err) {
      if (!isXaiError(err)) throw err;
      return { code: err.code, message: err.message };
    }
  }

  /** Produces the next block from the pending transactions and commits it. */
  async nextBlock(): Promise<BlockOutcome> {
    const ctx = await this.nextContext();
    const built = await buildBlock(this.state, this.pending, ctx, this.stateRoot, this.rules);
    this.pending = [];
    if (this.verifyBlocks) {
      const header: BlockHeader = {
        chainId: CHAIN_ID,
        height: ctx.height,
        slot: ctx.slot,
        parentHash: new Uint8Array(32),
        proposer: ctx.proposer,
        txRoot: new Uint8Array(32),
        stateRoot: built.stateRoot,
      };
      header.txRoot = txRootOf(built.txs);
      const sig = sign(blockSigningMessage(encodeHeader(header)), signerOf(ctx.proposer).secretKey);
      const block = assembleBlock(
        header,
        sig,
        built.txs.map((t) => t.bytes),
      );
      const applied = await applyBlock(this.state, block, this.stateRoot, this.rules);
      if (!bytesEqual(applied.stateRoot, built.stateRoot))
        throw new Error("applyBlock and buildBlock disagree");
    }
    built.overlay.commitTo(this.state);
    this.height = ctx.height;
    this.stateRoot = built.stateRoot;
    return { height: ctx.height, receipts: built.receipts, skipped: built.skipped, events: built.events };
  }

  /**
   * Applies a block holding exactly `txs` through applyBlock (as an importing node would), without
   * keeping anything; returns the XaiError code it was rejected with, or undefined.
   */
  async importBlockWith(
    txs: Array<Tx | Uint8Array>,
  ): Promise<{ code?: string; data?: Record<string, unknown> }> {
    // Raw bytes stand for a transaction that does not even decode (a node could never build it).
    const bytes = txs.map((t) => (t instanceof Uint8Array ? t : t.bytes));
    const ctx = await this.nextContext();
    const header: BlockHeader = {
      chainId: CHAIN_ID,
      height: ctx.height,
      slot: ctx.slot,
      parentHash: new Uint8Array(32),
      proposer: ctx.proposer,
      txRoot: txRootOfBytes(bytes),
      stateRoot: new Uint8Array(32),
    };
    const sig = sign(blockSigningMessage(encodeHeader(header)), signerOf(ctx.proposer).secretKey);
    try {
      await applyBlock(this.state, assembleBlock(header, sig, bytes), this.stateRoot, this.rules);
      return {};
    } catch (err) {
      if (!isXaiError(err)) throw err;
      return { code: err.code, data: err.data };
    }
  }

  /** Produces empty blocks (plus whatever is pending in the first) until `height` is applied. */
  async runToHeight(height: number): Promise<BlockOutcome[]> {
    const out: BlockOutcome[] = [];
    while (this.height < height) out.push(await this.nextBlock());
    return out;
  }

  /** Sends one transaction in its own block; throws unless it was included. */
  async send(k: KeyPair, payload: Payload): Promise<{ tx: Tx; outcome: Receipt; block: BlockOutcome }> {
    const tx = await this.submit(k, payload);
    const block = await this.nextBlock();
    const r = block.receipts.find((x) => x.txId === tx.id);
    if (!r) throw new Error(`transaction not included: ${block.skipped.map((s) => s.code).join(", ")}`);
    return { tx, outcome: r, block };
  }

  /** Queues a SUBMIT_PROPOSAL for the next block; returns its id (bound to the tx id, SPEC §4.1) and the tx. */
  async submitProposal(k: KeyPair, payload: Payload): Promise<{ id: string; tx: Tx }> {
    const t = await this.submit(k, payload);
    return { id: proposalIdOf(t.id), tx: t };
  }
}

/** Payload builders. */
export const tx = {
  propose(
    action: ProposalAction,
    o: { title?: string; description?: string; deposit?: bigint } = {},
  ): Payload {
    return {
      type: "SUBMIT_PROPOSAL",
      title: o.title ?? "a proposal",
      description: o.description ?? "",
      deposit: o.deposit ?? 10n * 100_000_000n,
      action,
    };
  },
  vote(proposalId: string, option: VoteOption): Payload {
    return { type: "CAST_VOTE", proposalId, option };
  },
  review(proposalId: string, approved: boolean, comment = ""): Payload {
    return { type: "SUBMIT_CODE_REVIEW", proposalId, approved, comment };
  },
  implement(proposalId: string, approved = true): Payload {
    return { type: "VOTE_IMPLEMENTATION", proposalId, approved };
  },
  execute(proposalId: string): Payload {
    return { type: "EXECUTE_PROPOSAL", proposalId };
  },
  cancel(proposalId: string): Payload {
    return { type: "CANCEL_PROPOSAL", proposalId };
  },
  fiat(support: boolean, reason = ""): Payload {
    return { type: "FIAT_UNLOCK_VOTE", support, reason };
  },
  transfer(recipient: string, amount: bigint): Payload {
    return { type: "TRANSFER", recipient, amount };
  },
};

/** Kind payload builders. */
export const action = {
  param(name: string, value: string): ProposalAction {
    return { kind: "protocol_parameter", name, value };
  },
  rule(rule: string, value: string): ProposalAction {
    return { kind: "governance_rule", rule, value };
  },
  feature(feature: string, enabled: boolean): ProposalAction {
    return { kind: "feature_activation", feature, enabled };
  },
  treasury(recipient: string, amount: string, purpose = "grant"): ProposalAction {
    return { kind: "treasury_allocation", recipient, amount, purpose };
  },
  emergency(act: string, proposalId = ""): ProposalAction {
    return { kind: "emergency_action", action: act, proposalId };
  },
  rollback(target: string): ProposalAction {
    return { kind: "rollback", target };
  },
  upgrade(
    name: string,
    height: number | bigint,
    info = `https://example.org/${name} sha256:${"ab".repeat(32)}`,
  ): ProposalAction {
    return { kind: "software_upgrade", name, height: BigInt(height), info };
  },
  cancelUpgrade(name: string): ProposalAction {
    return { kind: "emergency_action", action: "cancel_upgrade", proposalId: "", name };
  },
  /** validator_set: `add` (with the key's hex) or `remove` (publicKey "") from `activationHeight`. */
  validator(
    act: string,
    address: string,
    publicKey: string,
    activationHeight: number | string,
  ): ProposalAction {
    return {
      kind: "validator_set",
      action: act,
      address,
      publicKey,
      activationHeight: `${activationHeight}`,
    };
  },
};
