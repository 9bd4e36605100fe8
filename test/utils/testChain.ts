// Helpers for tests that run a real Chain on a temporary LevelDB database: genesis, keys, signed
// transactions, block production and hand-built (possibly invalid) blocks.

import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Chain, type HeadInfo } from "../../src/chain/chain.js";
import type { MempoolLimits } from "../../src/chain/mempool.js";
import type { SignGuard } from "../../src/chain/signGuard.js";
import type { SignaturePool } from "../../src/chain/sigPool.js";
import {
  createGenesisJson,
  type Genesis,
  type GenesisFile,
  parseGenesis,
  proposerOfSlot,
} from "../../src/config/genesis.js";
import { toHex, utf8 } from "../../src/crypto/bytes.js";
import { merkleRoot, sha256 } from "../../src/crypto/hash.js";
import { type KeyPair, keyPairFromSecret, sign } from "../../src/crypto/keys.js";
import type { Verifier } from "../../src/crypto/verify.js";
import { ChainDb } from "../../src/db/chainDb.js";
import { XaiError } from "../../src/errors.js";
import { createModules } from "../../src/node/modules.js";
import { getAccount } from "../../src/state-transition/accounts.js";
import { blockContext, buildBlock } from "../../src/state-transition/applyBlock.js";
import type { StateModule } from "../../src/state-transition/module.js";
import { StateOverlay, type StateReader } from "../../src/state-transition/stateStore.js";
import {
  assembleBlock,
  type Block,
  type BlockHeader,
  blockSigningMessage,
  encodeBlock,
  encodeHeader,
} from "../../src/types/block.js";
import type { Payload, Tx } from "../../src/types/tx.js";
import { decodeTx, encodeSignedTx, encodeTxBody, txSigningMessage } from "../../src/types/txCodec.js";

/** Chain id of every test genesis. */
export const TEST_CHAIN_ID = "xai-devnet-test";

/** A wall clock so far ahead that no slot a test uses is "in the future". */
export const FAR_FUTURE_MS = 1e15;

/** Validator key `i` of the test genesis: secret = sha256("validator-" + i). */
export function validatorKey(i: number): KeyPair {
  return keyPairFromSecret(sha256(utf8(`validator-${i}`)));
}

/** The first `n` validator keys. */
export function validatorKeys(n: number): KeyPair[] {
  return Array.from({ length: n }, (_, i) => validatorKey(i));
}

/** A deterministic key for anything but a validator (e.g. a freshly funded account). */
export function testKey(name: string): KeyPair {
  return keyPairFromSecret(sha256(utf8(`test-key-${name}`)));
}

/**
 * genesis.json of the "test" preset with `validators` validators (dev accounts funded, genesis time
 * 0). `edit` may change the JSON before it is parsed (features, params, finality_depth, balances).
 */
export function testGenesisJson(
  validators = 1,
  edit?: (json: Record<string, unknown>) => void,
): Record<string, unknown> {
  const json = createGenesisJson({
    chainId: TEST_CHAIN_ID,
    preset: "test",
    dev: true,
    validatorPublicKeys: validatorKeys(validators).map((k) => k.publicKey),
    genesisTimeMs: 0,
  });
  edit?.(json);
  return json;
}

/** Parsed test genesis (see testGenesisJson). */
export function testGenesis(validators = 1, edit?: (json: Record<string, unknown>) => void): GenesisFile {
  return parseGenesis(testGenesisJson(validators, edit));
}

/** Options of openTestChain. */
export interface TestChainOptions {
  /** Genesis to use (share one between chains that must agree); default testGenesis(1). */
  genesis?: GenesisFile;
  /** Wall clock for the future-slot check; default FAR_FUTURE_MS. */
  now?: () => number;
  mempool?: Partial<MempoolLimits>;
  /** Existing database directory (reopen); default a new temp directory. */
  dir?: string;
  /** Signature verifier (default: the chain's caching verifier over verifySignature); tests count calls with it. */
  verifier?: Verifier;
  /** State modules (default: createModules()); tests wrap them to count work. */
  modules?: StateModule[];
  /** Side-block cap (default MAX_SIDE_BLOCKS). */
  maxSideBlocks?: number;
  /** Signature worker pool (ChainOptions.signaturePool; the test closes it). */
  signaturePool?: SignaturePool;
  /** Double-signing guard (ChainOptions.signGuard; default in memory). */
  signGuard?: SignGuard;
}

/** A chain on its own temporary database. */
export interface TestChain {
  chain: Chain;
  db: ChainDb;
  dir: string;
  genesis: GenesisFile;
  /** Closes the database (keeps the directory). */
  close(): Promise<void>;
  /** Closes the database and removes the directory. */
  cleanup(): Promise<void>;
}

/** A new temporary directory. */
export function tempDir(prefix = "xai-test-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Opens a Chain (bank module, as the node runs it) on a temporary or given database directory. */
export async function openTestChain(o: TestChainOptions = {}): Promise<TestChain> {
  const genesis = o.genesis ?? testGenesis(1);
  const dir = o.dir ?? (await tempDir());
  const db = await ChainDb.open(dir);
  const chain = await Chain.open({
    genesis,
    db,
    modules: o.modules ?? createModules(),
    now: o.now ?? (() => FAR_FUTURE_MS),
    ...(o.mempool ? { mempool: o.mempool } : {}),
    ...(o.verifier ? { verifier: o.verifier } : {}),
    ...(o.maxSideBlocks !== undefined ? { maxSideBlocks: o.maxSideBlocks } : {}),
    ...(o.signaturePool ? { signaturePool: o.signaturePool } : {}),
    ...(o.signGuard ? { signGuard: o.signGuard } : {}),
  });
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await chain.idle();
    await db.close();
  };
  return {
    chain,
    db,
    dir,
    genesis,
    close,
    async cleanup() {
      await close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Makes every write of `db`'s LevelDB fail as a full disk does (the fail-stop tests), until the
 * returned undo is called.
 */
export function failWrites(db: ChainDb): () => void {
  type Chained = { write(): Promise<void>; close(): Promise<void> };
  const level = (db as unknown as { db: { batch: (...a: unknown[]) => Chained } }).db;
  const batch = level.batch;
  // A real chained batch whose write fails as LevelDB's does on a full disk (and is closed).
  level.batch = (...a: unknown[]) => {
    const b = batch.apply(level, a);
    b.write = async () => {
      await b.close();
      throw new Error("IO error: 000003.log: No space left on device");
    };
    return b;
  };
  return () => {
    level.batch = batch;
  };
}

/** Options of signTx: nonce required; fee defaults to the min_tx_fee default (1000). */
export interface SignTxOptions {
  nonce: bigint;
  fee?: bigint;
  chainId?: string;
  /** Key that signs (default: the sender's own key; another key gives a bad signature). */
  signer?: KeyPair;
}

/** SignedTx bytes of `payload` from `key`, signed over the exact body bytes. */
export function signTx(key: KeyPair, payload: Payload, o: SignTxOptions): Uint8Array {
  const bodyBytes = encodeTxBody({
    chainId: o.chainId ?? TEST_CHAIN_ID,
    nonce: o.nonce,
    publicKey: key.publicKey,
    fee: o.fee ?? 1_000n,
    payload,
  });
  return encodeSignedTx(bodyBytes, sign(txSigningMessage(bodyBytes), (o.signer ?? key).secretKey));
}

/** A signed TRANSFER of `amount` units to `to`. */
export function transferTx(key: KeyPair, to: string, amount: bigint, o: SignTxOptions): Uint8Array {
  return signTx(key, { type: "TRANSFER", recipient: to, amount }, o);
}

/** The validator key (of the test derivation) whose address proposes `slot`. */
export function proposerKey(genesis: Genesis, slot: number): KeyPair {
  const address = proposerOfSlot(genesis, slot).address;
  const key = validatorKeys(genesis.validators.length).find((k) => k.address === address);
  if (!key) throw new Error(`no test key for validator ${address}`);
  return key;
}

/** Test validator keys by address (validatorKey(0 … 119)), filled on first use. */
const VALIDATOR_KEYS = new Map<string, KeyPair>();

/**
 * The key (of the test derivation) of the proposer of `slot` for the block after the head, by the
 * chain's schedule (the validator set in its head's state, SPEC §4.8).
 */
export function scheduledKey(chain: Chain, slot: number): KeyPair {
  if (VALIDATOR_KEYS.size === 0) for (const k of validatorKeys(120)) VALIDATOR_KEYS.set(k.address, k);
  const address = chain.proposers.proposerOf(slot, chain.head.height + 1).address;
  const key = VALIDATOR_KEYS.get(address);
  if (!key) throw new Error(`no test key for validator ${address}`);
  return key;
}

/** Produces and commits the next block (slot = head.slot + 1 unless given) with the slot's proposer key. */
export async function produce(chain: Chain, slot?: number): Promise<Block> {
  const s = slot ?? chain.head.slot + 1;
  const block = await chain.produceBlock(s, scheduledKey(chain, s));
  if (!block) throw new Error(`no block produced at slot ${s}`);
  return block;
}

/** Produces blocks until the head is at height `h`; returns them. */
export async function runToHeight(chain: Chain, h: number): Promise<Block[]> {
  const out: Block[] = [];
  while (chain.head.height < h) out.push(await produce(chain));
  return out;
}

/** Imports blocks in order (bytes as a peer would send them); returns the statuses. */
export async function importAll(chain: Chain, blocks: Block[]): Promise<string[]> {
  const out: string[] = [];
  for (const b of blocks) out.push((await chain.importBlock(b.bytes)).status);
  return out;
}

/** What a block is built on: a block, or the head info of a chain. */
export type ParentRef = Block | HeadInfo;

function parentOf(p: ParentRef): { hash: Uint8Array; height: number; slot: number; stateRoot: Uint8Array } {
  if ("header" in p) return { hash: p.hash, ...p.header };
  return p;
}

/** Options of makeBlock. */
export interface MakeBlockOptions {
  /** Parent (default: the chain's head). */
  parent?: ParentRef;
  /** Slot (default parent slot + 1). */
  slot?: number;
  /** Key that signs and is named as proposer (default: the slot's proposer). */
  key?: KeyPair;
  /** SignedTx bytes, in block order (any bytes: they are not decoded for the tx root). */
  txs?: Uint8Array[];
  /** Post-state of the parent, for the honest state root (default: the chain's state = head's). */
  state?: StateReader;
  /** Header fields to force after the honest ones are computed (then signed, unless signature is given). */
  header?: Partial<BlockHeader>;
  /** Signature to use instead of the key's signature over the final header. */
  signature?: Uint8Array;
}

/** tx_root of raw SignedTx bytes (leaf = sha256(bytes), as txRootOf computes it). */
export function txRootOfBytes(txs: Uint8Array[]): Uint8Array {
  return merkleRoot(txs.map((b) => sha256(b)));
}

/**
 * Builds a block by hand. The tx root is the honest root of `txs`; the state root is what buildBlock
 * computes over the decodable txs on an overlay of `state` (honest when every tx is valid, within the
 * block limits, and `state` is the parent's post-state). `header`/`signature` then override anything,
 * to build invalid blocks.
 */
export async function makeBlock(chain: Chain, o: MakeBlockOptions = {}): Promise<Block> {
  const parent = parentOf(o.parent ?? chain.head);
  const slot = o.slot ?? parent.slot + 1;
  const key = o.key ?? proposerKey(chain.genesis, slot);
  const txs = o.txs ?? [];
  const decoded: Tx[] = [];
  for (const b of txs) {
    try {
      decoded.push(decodeTx(b));
    } catch {
      // undecodable on purpose; the block is meant to be invalid
    }
  }
  const height = parent.height + 1;
  const pre = new StateOverlay(o.state ?? chain.state);
  const ctx = await blockContext(
    pre,
    { chainId: chain.genesis.chainId, height, slot, proposer: key.address },
    chain.genesis.validators,
  );
  const built = await buildBlock(pre, decoded, ctx, parent.stateRoot, chain.rules);
  const header: BlockHeader = {
    chainId: chain.genesis.chainId,
    height,
    slot,
    parentHash: parent.hash,
    proposer: key.address,
    txRoot: txRootOfBytes(txs),
    stateRoot: built.stateRoot,
    ...o.header,
  };
  const signature = o.signature ?? sign(blockSigningMessage(encodeHeader(header)), key.secretKey);
  return assembleBlock(header, signature, txs);
}

/** Re-encodes a block with the same header and signature but other transactions (a tampered body). */
export function withTxs(block: Block, txs: Uint8Array[]): Uint8Array {
  return encodeBlock(block.headerBytes, block.signature, txs);
}

/** Awaits `p` and asserts it rejects with an XaiError of exactly `code`; returns the error. */
export async function expectCode(p: Promise<unknown>, code: string): Promise<XaiError> {
  let caught: unknown;
  try {
    await p;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught !== undefined, `expected ${code}, but it resolved`);
  assert.ok(caught instanceof XaiError, `expected XaiError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, `expected ${code}, got ${caught.code}: ${caught.message}`);
  return caught;
}

/** sha256 over every state entry of a database, in key order (equal digests = equal state). */
export async function stateDigest(db: ChainDb): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const [k, v] of db.stateEntries()) {
    parts.push(sha256(k), sha256(v));
  }
  return toHex(sha256(...parts));
}

/** Every state entry of a database as [hex key, hex value] pairs, in key order. */
export async function stateDump(db: ChainDb): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  for await (const [k, v] of db.stateEntries()) out.push([toHex(k), toHex(v)]);
  return out;
}

/** What "nothing changed" compares: head, state (whole, and the given accounts) and mempool size. */
export interface ChainSnapshot {
  headHash: string;
  height: number;
  stateRoot: string;
  state: string;
  accounts: Array<{ address: string; balance: bigint; nonce: bigint }>;
  mempoolSize: number;
}

/** A snapshot of a chain for before/after comparisons. */
export async function snapshot(chain: Chain, addresses: string[] = []): Promise<ChainSnapshot> {
  const accounts = [];
  for (const address of addresses) accounts.push({ address, ...(await getAccount(chain.state, address)) });
  return {
    headHash: chain.head.hashHex,
    height: chain.head.height,
    stateRoot: toHex(chain.head.stateRoot),
    state: await stateDigest(chain.db),
    accounts,
    mempoolSize: chain.mempool.size,
  };
}
