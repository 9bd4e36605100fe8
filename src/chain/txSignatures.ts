/**
 * Transaction signatures on the signature pool (src/chain/sigPool.ts), verified once per node:
 * before a block is applied its transactions' signatures are verified in parallel on the pool and
 * the successes entered into the chain's caching verifier (src/crypto/verify.ts), so applyBlock's
 * synchronous verifier then only hits the memo. A signature the pool refused (or never saw: pool
 * busy, closed, absent) is not in the memo, so applyTx verifies it on the main thread and a bad one
 * fails exactly where and with the code it always did; the pool changes when a signature is
 * verified, never the verdict.
 *
 * Admission (`admit`): a transaction that passes the cheap pre-checks (size, decoding, chain id, not
 * pending, a sender whose balance covers the fee and whose nonce is not stale) is verified on the
 * pool before it enters the chain's admission lane; transactions enter the lane in the order they
 * were submitted. A transaction from an unfunded or stale key is not verified here (review A5):
 * the lane refuses it, before any signature check, with the code it always gave.
 */

import { sha256 } from "../crypto/hash.js";
import { bytesKey } from "../crypto/signatureRule.js";
import { type CachingVerifier, memoKey, type Verifier } from "../crypto/verify.js";
import { XaiError, xaiError } from "../errors.js";
import { getAccount } from "../state-transition/accounts.js";
import { getParam } from "../state-transition/params.js";
import { TxErrorCode } from "../types/errors.js";
import type { Tx } from "../types/tx.js";
import { decodeTx, txSigningMessage } from "../types/txCodec.js";
import { ChainErrorCode } from "./errors.js";
import type { JobQueue } from "./jobQueue.js";
import type { SignaturePool } from "./sigPool.js";
import type { Bound, ChainView } from "./types.js";

/** Absolute cap on encoded transaction size before any decoding (the max_tx_bytes bound). */
export const HARD_MAX_TX_BYTES = 262_144;

/** Most transaction hashes remembered as verified (their signatures are in the memo). */
const VERIFIED_TXS_LIMIT = 200_000;

function isCaching(v: Verifier): v is CachingVerifier {
  return typeof (v as Partial<CachingVerifier>).remember === "function";
}

/** The chain's use of the pool (see above). */
export class TxSignatures {
  private readonly memo: CachingVerifier | null;
  /** The admission that entered (or will enter) the lane last: the next one waits for it. */
  private last: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  /** Hashes of transactions whose signature this node verified (in the memo): not sent again. */
  private readonly verifiedTxs = new Set<string>();
  /** The pool checks under way, by transaction hash: copies of one transaction share one. */
  private readonly checking = new Map<string, Promise<void>>();

  constructor(
    verifier: Verifier,
    private readonly pool: SignaturePool | null,
    private readonly jobs: JobQueue,
    /** Most admissions between `admit` and the lane at once (beyond: NODE_BUSY). */
    private readonly maxWaiting = 10_000,
  ) {
    this.memo = pool && isCaching(verifier) ? verifier : null;
  }

  /**
   * Verifies on the pool the signatures of a block's transactions (SignedTx bytes, decoded on the
   * workers) that this node has not verified yet, and enters the successes into the memo. Never
   * rejects: without a pool, or if it is unavailable, nothing is entered.
   */
  async preverify(txs: readonly Uint8Array[]): Promise<void> {
    const memo = this.memo;
    if (!memo || !this.pool || txs.length === 0) return;
    const todo: Uint8Array[] = [];
    const hashes: string[] = [];
    for (const bytes of txs) {
      const h = bytesKey(sha256(bytes));
      if (!this.verifiedTxs.has(h)) {
        todo.push(bytes);
        hashes.push(h);
      }
    }
    try {
      const keys = await this.pool.verifyTxs(todo);
      keys.forEach((k, i) => {
        if (k) this.entered(memo, k, hashes[i]!);
      });
    } catch {
      // Unavailable (busy, closed, a worker died): the synchronous verifier checks these.
    }
  }

  /** The admissions waiting for the lane and the verified-transaction memory, with their caps. */
  bounds(): Bound[] {
    return [
      { name: "admissions_waiting", size: this.waiting, capacity: this.maxWaiting },
      { name: "verified_txs", size: this.verifiedTxs.size, capacity: VERIFIED_TXS_LIMIT },
      ...(this.memo ? [{ name: "signature_memo", size: this.memo.size, capacity: this.memo.limit }] : []),
    ];
  }

  /** Enters a verified signature (its memo key) and its transaction (hash, as a string). */
  private entered(memo: CachingVerifier, key: Uint8Array, txHash: string): void {
    memo.rememberKey(key);
    if (this.verifiedTxs.size >= VERIFIED_TXS_LIMIT) this.verifiedTxs.clear(); // a miss re-verifies
    this.verifiedTxs.add(txHash);
  }

  /** Verifies decoded transactions on the pool, side by side, and enters the successes (counted). */
  private async verifyDecoded(txs: readonly Tx[]): Promise<number> {
    const memo = this.memo!;
    const items = txs.map((tx) => ({
      signature: tx.signature,
      message: txSigningMessage(tx.bodyBytes),
      publicKey: tx.body.publicKey,
    }));
    let verified = 0;
    try {
      const oks = await this.pool!.verify(items);
      oks.forEach((ok, i) => {
        const it = items[i]!;
        if (!ok) return;
        this.entered(memo, memoKey(it.signature, it.message, it.publicKey), bytesKey(txs[i]!.hash));
        verified++;
      });
    } catch {
      // As above.
    }
    return verified;
  }

  /** The pool check of `tx` (hash key `h`) if it passes the cheap checks, shared while it runs. */
  private checkOnce(
    chain: Pick<ChainView, "genesis" | "mempool" | "state">,
    tx: Tx,
    h: string,
  ): Promise<void> {
    let check = this.checking.get(h);
    if (check === undefined) {
      check = this.worthVerifying(chain, tx)
        .then(async (yes) => {
          if (yes) await this.verifyDecoded([tx]);
        })
        .finally(() => this.checking.delete(h));
      this.checking.set(h, check);
    }
    return check;
  }

  /**
   * Verifies on the pool, side by side, the signatures of transactions that are about to be
   * admitted one after another (the next chunk of a gossip batch, src/network/txBatch.ts): those
   * that pass the cheap pre-checks and are not verified yet. Admit them with `poolChecked` then,
   * so a signature the pool refused is not sent to it again (the lane still checks it, and refuses
   * it with its code). Resolves to the number of `txs` whose signature is verified (now or
   * before); never rejects.
   */
  async preverifyDecoded(
    chain: Pick<ChainView, "genesis" | "mempool" | "state">,
    txs: readonly Tx[],
  ): Promise<number> {
    if (!this.memo || txs.length === 0) return 0;
    const todo: Tx[] = [];
    let before = 0;
    for (const tx of txs)
      if (this.verifiedTxs.has(bytesKey(tx.hash))) before++;
      else if (await this.worthVerifying(chain, tx)) todo.push(tx);
    return before + (todo.length > 0 ? await this.verifyDecoded(todo) : 0);
  }

  /**
   * Decodes `input`, pre-verifies its signature on the pool if it passes the cheap checks (see
   * above), then runs `admit` (the chain's admission) on the queue's admission lane, in
   * submission order.
   */
  admit(
    chain: Pick<ChainView, "genesis" | "mempool" | "state">,
    input: Uint8Array | Tx,
    admit: (tx: Tx) => Promise<Tx>,
    poolChecked = false,
  ): Promise<Tx> {
    const lane = (tx: Tx) => this.jobs.run("admission", () => admit(tx));
    let tx: Tx;
    try {
      if (input instanceof Uint8Array && input.length > HARD_MAX_TX_BYTES)
        throw xaiError(TxErrorCode.TOO_LARGE, `transaction is ${input.length} bytes`);
      tx = input instanceof Uint8Array ? decodeTx(input) : input;
    } catch (err) {
      return Promise.reject(err);
    }
    if (!this.memo) return lane(tx);
    if (this.waiting >= this.maxWaiting)
      return Promise.reject(new XaiError(ChainErrorCode.NODE_BUSY, "admission queue is full"));
    this.waiting++;
    // A transaction the pool has seen (preverifyDecoded) or verified is not sent again, verified or
    // not: the lane's verifier finds it in the memo or checks it itself. It still keeps its turn.
    // Copies of one transaction submitted together (a batch of repeats) wait for one check.
    const h = bytesKey(tx.hash);
    const checked = poolChecked || this.verifiedTxs.has(h) ? Promise.resolve() : this.checkOnce(chain, tx, h);
    const turn = this.last.then(() => checked);
    this.last = turn;
    return turn.then(() => {
      this.waiting--;
      return lane(tx);
    });
  }

  /**
   * The cheap pre-checks (read only; the lane checks everything again), so that nothing the lane
   * refuses before its signature check costs a signature check here (SPEC §3, cheap checks first):
   * chain id, not pending, size within max_tx_bytes, the nonce within what one sender may have
   * pending (maxPerSender), the fee covered. Never rejects.
   */
  private async worthVerifying(
    chain: Pick<ChainView, "genesis" | "mempool" | "state">,
    tx: Tx,
  ): Promise<boolean> {
    if (tx.body.chainId !== chain.genesis.chainId || chain.mempool.has(tx.id)) return false;
    try {
      if (BigInt(tx.bytes.length) > (await getParam(chain.state, "max_tx_bytes"))) return false;
      const account = await getAccount(chain.state, tx.sender);
      // The lane's window is the account's nonce plus its pending count; admissions still on their
      // way to the lane are not counted yet, so the window here is the most a sender may have pending.
      const window = BigInt(chain.mempool.limits.maxPerSender);
      const { nonce } = tx.body;
      return nonce >= account.nonce && nonce <= account.nonce + window && account.balance >= tx.body.fee;
    } catch {
      return false;
    }
  }
}
