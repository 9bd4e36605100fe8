/**
 * The validator's double-signing guard, in the way CometBFT keeps `priv_validator_state.json`: the
 * last block this validator signed (its height, slot, hash and bytes), written to its own file
 * and flushed to the disk after the block is signed and before it is stored or leaves the node.
 * The validator signs a block only above both the height and the slot of that record, so it never
 * signs two different blocks at one height or one slot, across crashes and restarts, even when its
 * database lost blocks. In normal operation this costs nothing: fork choice prefers the longest
 * chain, so the head never falls below a block this validator signed on it.
 *
 * A restart where the database lost exactly that last block (signed, then the write or the node
 * failed) stores the same block again (chain.ts `restoreSigned`) rather than signing another; a
 * restart further behind signs nothing until the chain, synced from peers, passes the record.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { bytesEqual, fromHex, toHex } from "../crypto/bytes.js";
import { isXaiError, XaiError, xaiError } from "../errors.js";
import type { Logger } from "../logger.js";
import { type Block, decodeBlock } from "../types/block.js";
import { BlockErrorCode } from "../types/errors.js";
import { ChainErrorCode } from "./errors.js";
import type { HeadInfo } from "./types.js";

/** The last block a validator signed. */
export interface SignRecord {
  proposer: string;
  height: number;
  slot: number;
  block: Block;
}

/** The guard (see above); `file` null keeps the record in memory only (tests, benchmarks). */
export class SignGuard {
  private constructor(
    private readonly file: string | null,
    private signed: SignRecord | null,
  ) {}

  /** A guard with no file: the record lives as long as the process. */
  static inMemory(): SignGuard {
    return new SignGuard(null, null);
  }

  /** The guard of `file` (absent: nothing signed yet). SIGN_STATE_INVALID if it cannot be read. */
  static load(file: string): SignGuard {
    if (!existsSync(file)) return new SignGuard(file, null);
    try {
      const j = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
      const block = decodeBlock(fromHex(String(j.block)));
      const h = block.header;
      if (j.version !== 1 || j.hash !== block.hashHex || j.height !== h.height || j.slot !== h.slot)
        throw new Error("its fields do not match its block");
      return new SignGuard(file, { proposer: h.proposer, height: h.height, slot: h.slot, block });
    } catch (err) {
      const why = isXaiError(err) ? err.code : (err as Error).message;
      throw xaiError(
        ChainErrorCode.SIGN_STATE_INVALID,
        `the validator's sign state ${file} cannot be read (${why}): the node will not sign blocks without it; see docs/RUNBOOK.md "Sign state"`,
      );
    }
  }

  /** The last block recorded, whoever signed it. */
  get lastSigned(): SignRecord | null {
    return this.signed;
  }

  /** The last block `proposer` signed, if this guard records one. */
  last(proposer: string): SignRecord | null {
    return this.signed?.proposer === proposer ? this.signed : null;
  }

  /** True if `proposer` may sign a block at `height` in `slot`: above its last signed one in both. */
  allows(proposer: string, height: number, slot: number, chainId?: string): boolean {
    const r = this.last(proposer);
    // A block of another chain (a relaunch with a new genesis) never conflicts with this one's.
    if (r !== null && chainId !== undefined && r.block.header.chainId !== chainId) return true;
    return r === null || (height > r.height && slot > r.slot);
  }

  /**
   * Records `block` as the last one its proposer signed, on the disk before this returns (written
   * to a new file, flushed, renamed over the old one, and the directory flushed). Throws
   * SIGN_STATE_WRITE_FAILED; the block must then not be stored or announced.
   */
  record(block: Block): void {
    const h = block.header;
    if (!this.allows(h.proposer, h.height, h.slot, h.chainId))
      throw new XaiError(
        ChainErrorCode.DOUBLE_SIGN,
        `refusing to sign height ${h.height} slot ${h.slot} again`,
      );
    if (this.file) {
      const json = {
        version: 1,
        height: h.height,
        slot: h.slot,
        hash: block.hashHex,
        block: toHex(block.bytes),
      };
      try {
        writeDurably(this.file, `${JSON.stringify(json)}\n`);
      } catch (err) {
        throw xaiError(
          ChainErrorCode.SIGN_STATE_WRITE_FAILED,
          `writing the validator's sign state ${this.file} failed (${(err as Error).message}): the block is not announced and the node stops`,
        );
      }
    }
    this.signed = { proposer: h.proposer, height: h.height, slot: h.slot, block };
  }
}

/** What restoring reads and calls: the chain's head, chain id and block import. */
export interface RestoreTarget {
  readonly head: HeadInfo;
  readonly genesis: { readonly chainId: string };
  importBlock(bytes: Uint8Array): Promise<unknown>;
}

/** True if the last signed block is missing from the chain and would extend its head directly. */
export function signedOnHead(guard: SignGuard, chain: RestoreTarget): boolean {
  const [r, head] = [guard.lastSigned, chain.head];
  return (
    r != null &&
    r.block.header.chainId === chain.genesis.chainId &&
    r.height === head.height + 1 &&
    bytesEqual(r.block.header.parentHash, head.hash)
  );
}

/**
 * At start-up: the database lost the last block this validator signed (signed, recorded, then the
 * write or the node failed), and the head is its parent: stores that same block again rather than
 * letting the validator sign another at its height. Further behind, says that the validator waits.
 * Returns true if the block sits on the head but does not apply yet (its slot has not started: the
 * clock was stepped back), so the caller tries again later (chain.ts, before each production).
 * `quiet` logs nothing unless the block is stored (a retry).
 */
export async function restoreSigned(
  guard: SignGuard,
  chain: RestoreTarget,
  log: Logger,
  quiet = false,
): Promise<boolean> {
  const [r, head] = [guard.lastSigned, chain.head];
  if (!r || r.height <= head.height || r.block.header.chainId !== chain.genesis.chainId) return false;
  const at = { signedHeight: r.height, signedSlot: r.slot, headHeight: head.height };
  let retry = false;
  if (signedOnHead(guard, chain)) {
    try {
      // Through the whole import, header gate included (signature, proposer): the file is not trusted.
      await chain.importBlock(r.block.bytes);
      log.warn(
        { ...at, hash: r.block.hashHex },
        "stored again the block this validator signed before it stopped",
      );
      return false;
    } catch (err) {
      // This node's own failure (a write that failed: fail-stop) is not the block's: open fails.
      if (!isXaiError(err) || !err.code.startsWith("BLOCK_")) throw err;
      retry = err.code === BlockErrorCode.FUTURE_SLOT;
      if (!quiet)
        log.warn(
          { ...at, err: (err as Error).message },
          "the block this validator signed last does not apply",
        );
    }
  }
  if (!quiet)
    log.warn(
      at,
      "this validator signed above its head: it signs no block until its chain passes that height and slot",
    );
  return retry;
}

/** Writes `text` to `file` so that a crash leaves either the old or the new content, never a mix. */
function writeDurably(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, "w", 0o600);
  try {
    // writeSync may write only part of the text (a nearly full disk) without throwing; writeFileSync
    // on a descriptor loops until all of it is written, or throws (ENOSPC).
    writeFileSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const dir = openSync(dirname(file), "r");
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
