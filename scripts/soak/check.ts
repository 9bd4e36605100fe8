/**
 * What the crash test and the soak check on a killed node's directory: the database has a head
 * whose block, canonical index and undo record are stored; nothing canonical above it; the head is
 * at or above every head the node reported; every height the node reported (its "new head" lines,
 * GET /status, its sign state) has the same block hash in the database; every transaction it
 * reported included still is, at the same height; and (optionally) the whole state rebuilt from
 * the stored blocks has the head's state root.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { replayChain } from "../../src/chain/replay.js";
import { toHex } from "../../src/crypto/bytes.js";
import { verifySignature } from "../../src/crypto/verify.js";
import { ChainDb } from "../../src/db/chainDb.js";
import { loadGenesis } from "../../src/node/genesisFile.js";
import { createModules } from "../../src/node/modules.js";
import { decodeBlock } from "../../src/types/block.js";

/** The hash prefix compared (the "new head" log lines print 16 hex digits). */
const PREFIX = 16;

/**
 * Everything the node reported across all runs: one hash per height (a second, different one is a
 * double signature and throws), the height of each included transaction, the highest head.
 */
export class Ledger {
  readonly hashes = new Map<number, { hash: string; from: string }>();
  readonly included = new Map<string, { height: number; result: string }>();
  reportedHeight = 0;

  /** Records that `from` reported block `hash` at `height`; throws if another hash was reported there. */
  noteHash(height: number, hash: string, from: string): void {
    const h = hash.slice(0, PREFIX);
    const prev = this.hashes.get(height);
    if (prev && prev.hash !== h)
      throw new Error(`two blocks at height ${height}: ${prev.hash} (${prev.from}) and ${h} (${from})`);
    if (!prev) this.hashes.set(height, { hash: h, from });
  }

  /** A head the node reported (status or log line). */
  noteHead(height: number, hash: string, from: string): void {
    this.noteHash(height, hash, from);
    if (height > this.reportedHeight) this.reportedHeight = height;
  }

  /** A transaction the node reported included at `height`; throws if it reported it otherwise before. */
  noteIncluded(id: string, height: number, result: string): void {
    const prev = this.included.get(id);
    if (prev !== undefined && (prev.height !== height || prev.result !== result))
      throw new Error(
        `tx ${id} reported included at ${prev.height} (${prev.result}), then at ${height} (${result})`,
      );
    this.included.set(id, { height, result });
  }
}

/** The validator's DIR/sign_state.json (src/chain/signGuard.ts), if any. */
export function readSignState(dir: string): { height: number; slot: number; hash: string } | null {
  const file = join(dir, "sign_state.json");
  if (!existsSync(file)) return null;
  const j = JSON.parse(readFileSync(file, "utf8")) as { height: number; slot: number; hash: string };
  return { height: j.height, slot: j.slot, hash: j.hash };
}

/** What a check of a stopped node found. */
export interface Checked {
  height: number;
  headHash: string;
  /** Transactions in the blocks (from the replay; null when not replayed). */
  txs: number | null;
  /** The sign state's height (null: none). */
  signedHeight: number | null;
}

/** Rebuilds the whole state from the stored blocks; asserts it matches the stored state and the head. */
async function replayInProcess(dir: string, db: ChainDb, height: number, head: Uint8Array, root: Uint8Array) {
  const scratchDir = join(dir, "check-scratch");
  rmSync(scratchDir, { recursive: true, force: true });
  const scratch = await ChainDb.open(scratchDir);
  try {
    const report = await replayChain({
      genesis: loadGenesis(dir),
      source: db,
      scratch,
      modules: createModules(),
      blockVerifier: verifySignature,
    });
    assert.equal(report.mismatches, 0, `replay: ${report.mismatches} state entries differ`);
    assert.ok(report.stateEntries > 0);
    assert.equal(report.headHeight, height);
    assert.equal(report.headHash, toHex(head));
    assert.equal(report.stateRoot, toHex(root), "rebuilt state root is the head's state root");
    return report.txs;
  } finally {
    await scratch.close();
    rmSync(scratchDir, { recursive: true, force: true });
  }
}

/** Checks the database of the stopped node in `dir` against the ledger (see the top of this file). */
export async function checkStopped(dir: string, ledger: Ledger, o: { replay: boolean }): Promise<Checked> {
  const sign = readSignState(dir);
  if (sign) ledger.noteHash(sign.height, sign.hash, "sign_state.json");
  const db = await ChainDb.open(join(dir, "db"));
  try {
    const head = await db.getHead();
    assert.ok(head, "the database has a head");
    const bytes = await db.getBlockBytes(head);
    assert.ok(bytes, "the head block is stored");
    const header = decodeBlock(bytes).header;
    const canonical = await db.getCanonicalHash(header.height);
    assert.ok(canonical, `a canonical hash at the head height ${header.height}`);
    assert.equal(toHex(canonical), toHex(head), "canonical index at the head height is the head");
    assert.equal(await db.getCanonicalHash(header.height + 1), undefined, "nothing canonical above the head");
    if (header.height > 0) assert.ok(await db.getUndo(head), "the head's undo record is stored with it");
    assert.ok(
      header.height >= ledger.reportedHeight,
      `height ${ledger.reportedHeight} was reported, ${header.height} survived`,
    );
    if (sign)
      assert.ok(
        sign.height <= header.height + 1,
        `the sign state (height ${sign.height}) is at most one block above the stored head ${header.height}`,
      );
    for (const [height, { hash, from }] of ledger.hashes) {
      if (height > header.height) continue; // only the sign state's block may be above (asserted above)
      const c = await db.getCanonicalHash(height);
      assert.ok(c, `no canonical block at height ${height} (reported by ${from})`);
      assert.equal(toHex(c).slice(0, PREFIX), hash, `height ${height}: the block ${from} reported`);
    }
    for (const [id, { height, result }] of ledger.included) {
      const r = await db.getReceipt(id);
      assert.ok(r, `receipt of included tx ${id} lost`);
      assert.equal(r.height, height, `tx ${id}: included at ${height}, now at ${r.height}`);
      assert.equal(r.result, result, `tx ${id}: result`);
    }
    const txs = o.replay ? await replayInProcess(dir, db, header.height, head, header.stateRoot) : null;
    return { height: header.height, headHash: toHex(head), txs, signedHeight: sign?.height ?? null };
  } finally {
    await db.close();
  }
}
