/**
 * Transaction batches on gossip (issue 10): several signed transactions in one message on the
 * batch topic (`/xai/<chain_id>/txs/1`), so a node relays what it admitted in one message per short
 * window instead of one per transaction.
 *
 * Wire format: the protobuf encoding of `message TxBatch { repeated bytes txs = 1; }`, decoded
 * strictly by hand (tag 0x0a, a minimal varint length, the bytes; nothing else): anything else is
 * GOSSIP_BATCH_MALFORMED. Caps, checked before any transaction is looked at: at most
 * MAX_BATCH_GOSSIP_BYTES in all, MAX_BATCH_GOSSIP_TXS transactions, each at most HARD_MAX_TX_BYTES
 * (GOSSIP_BATCH_TOO_LARGE). All are constants, the same on every node, so a message over them is
 * the sender's fault.
 *
 * Verdicts (validateGossipTxBatch): each transaction goes through `chain.submitTx` in order, and
 * has its own verdict by the transaction column of VERDICTS. The message is
 * - rejected (sender penalised once) if it breaks the framing or a cap, or if one of its
 *   transactions is rejected: an honest node batches only what it admitted, which never has a
 *   fault of the message itself. Validation stops at the first rejected transaction (the rest are
 *   GOSSIP_BATCH_ABANDONED, ignore). Signatures are checked on the pool side by side, a chunk at a
 *   time, before the chunk's transactions are admitted one by one; a chunk holds one more
 *   transaction needing a check than the message's signatures the pool verified before it, so a
 *   forged one costs at most that many checks (one by one, a batch left the pool one signature at
 *   a time; sized by position, a prefix of known transactions, which cost nothing, bought a
 *   chunk of 128 checks);
 * - accepted (gossipsub relays it) only if every transaction was accepted;
 * - otherwise ignored (not relayed): stale transactions (nonce, duplicate, balance) are normal for
 *   an honest peer a block apart, and cost it nothing but its ignore budget, one per ignored
 *   transaction as on the single topic, except TX_DUPLICATE (batches of different nodes overlap).
 *   What this node admitted from it is relayed in this node's own batch (TxBatcher).
 */
import { type Chain, HARD_MAX_TX_BYTES } from "../chain/chain.js";
import type { Bound } from "../chain/types.js";
import { TxErrorCode } from "../types/errors.js";
import type { Tx } from "../types/tx.js";
import { decodeTx } from "../types/txCodec.js";
import { NetworkOutcome, type PeerFaultCode } from "./errors.js";
import { followUpOf, type GossipResult, validateGossipTx } from "./gossipValidation.js";

/** Most transactions in one batch message. */
export const MAX_BATCH_GOSSIP_TXS = 256;

/** Largest batch message (a few transactions of the hard cap, or hundreds of votes). */
export const MAX_BATCH_GOSSIP_BYTES = 1024 * 1024;

/** Encodes a batch (the caller keeps within the caps). */
export function encodeTxBatch(txs: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const t of txs) n += 1 + varintLength(t.length) + t.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const t of txs) {
    out[o++] = 0x0a;
    let len = t.length;
    while (len >= 0x80) {
      out[o++] = (len & 0x7f) | 0x80;
      len >>>= 7;
    }
    out[o++] = len;
    out.set(t, o);
    o += t.length;
  }
  return out;
}

function varintLength(n: number): number {
  let l = 1;
  while (n >= 0x80) {
    n >>>= 7;
    l++;
  }
  return l;
}

/** What decodeTxBatch found: the transactions, or the fault of the message. */
export type DecodedBatch = { txs: Uint8Array[] } | { fault: PeerFaultCode };

/** Decodes a batch strictly, within the caps (see the module comment). */
export function decodeTxBatch(data: Uint8Array): DecodedBatch {
  if (data.length > MAX_BATCH_GOSSIP_BYTES) return { fault: NetworkOutcome.BATCH_TOO_LARGE };
  const txs: Uint8Array[] = [];
  let o = 0;
  while (o < data.length) {
    if (data[o++] !== 0x0a) return { fault: NetworkOutcome.BATCH_MALFORMED };
    let len = 0;
    let shift = 0;
    for (;;) {
      if (o >= data.length || shift > 21) return { fault: NetworkOutcome.BATCH_MALFORMED };
      const b = data[o++]!;
      len += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) {
        // Minimal varints only (a trailing zero byte would re-encode differently).
        if (b === 0 && shift > 7) return { fault: NetworkOutcome.BATCH_MALFORMED };
        break;
      }
    }
    if (len > HARD_MAX_TX_BYTES) return { fault: NetworkOutcome.BATCH_TOO_LARGE };
    if (o + len > data.length) return { fault: NetworkOutcome.BATCH_MALFORMED };
    if (txs.length >= MAX_BATCH_GOSSIP_TXS) return { fault: NetworkOutcome.BATCH_TOO_LARGE };
    txs.push(data.subarray(o, o + len));
    o += len;
  }
  return { txs };
}

/** Outcome of one batch message: the message's verdict and each transaction's, in order. */
export interface BatchResult {
  result: GossipResult;
  txs: GossipResult[];
  /** The transactions this node admitted from it (to relay when the message is not). */
  admitted: Uint8Array[];
}

/** Ids of transactions this node knows (admitted or found duplicate), bounded, oldest dropped first. */
export class KnownTxIds {
  private readonly ids = new Set<string>();
  constructor(private readonly max = 65_536) {}
  has(id: string): boolean {
    return this.ids.has(id);
  }
  add(id: string): void {
    if (this.ids.has(id)) return;
    if (this.ids.size >= this.max) this.ids.delete(this.ids.values().next().value!);
    this.ids.add(id);
  }
}

/** The batch validations of each chain, one after another, and the ids each knows (see below). */
const running = new WeakMap<Chain, Promise<unknown>>();
const knownOf = new WeakMap<Chain, KnownTxIds>();

/**
 * Validates a batch message (see the module comment); admitted transactions enter the mempool.
 * Batches are validated one after another, never interleaved: one sender's nonces often span
 * consecutive batches, and interleaved admission would see a later nonce before an earlier one
 * (TX_NONCE_TOO_HIGH: lost here, and charged to an honest relayer). A transaction whose id the
 * node knows (its mempool, or `known`) is TX_DUPLICATE at once, without the admission lane.
 */
export function validateGossipTxBatch(
  chain: Chain,
  data: Uint8Array,
  known?: KnownTxIds,
): Promise<BatchResult> {
  if (!known) {
    known = knownOf.get(chain) ?? new KnownTxIds();
    knownOf.set(chain, known);
  }
  const ids = known;
  const run = (running.get(chain) ?? Promise.resolve()).then(() => validateBatch(chain, data, ids));
  running.set(
    chain,
    run.catch(() => undefined),
  );
  return run;
}

async function validateBatch(chain: Chain, data: Uint8Array, known: KnownTxIds): Promise<BatchResult> {
  const decoded = decodeTxBatch(data);
  if ("fault" in decoded)
    return { result: { verdict: "reject", code: decoded.fault }, txs: [], admitted: [] };
  // An empty batch is nobody's traffic: an honest batcher never sends one.
  if (decoded.txs.length === 0)
    return { result: { verdict: "reject", code: NetworkOutcome.BATCH_MALFORMED }, txs: [], admitted: [] };
  const txs: GossipResult[] = [];
  const admitted: Uint8Array[] = [];
  let rejected: GossipResult | undefined;
  let firstOther: GossipResult | undefined;
  // Decoded once, chunk by chunk: for the id here, and handed to admission as they are (bytes that
  // do not decode go as bytes, for admission's own code).
  const decodedTxs: Array<Tx | undefined> = [];
  const isKnown = (tx: Tx | undefined) => tx !== undefined && (chain.mempool.has(tx.id) || known.has(tx.id));
  for (let i = 0, verified = 0; i < decoded.txs.length; i++) {
    if (rejected) {
      txs.push({ verdict: "ignore", code: NetworkOutcome.BATCH_ABANDONED });
      continue;
    }
    if (i === decodedTxs.length) {
      // The next chunk's signatures side by side on the pool: one more than the message's
      // signatures the pool has verified so far (1, 2, 4, ... for an honest batch). Known
      // transactions ride along uncounted: they cost no check, so they buy no larger chunk.
      const chunk: Tx[] = [];
      for (let j = i; j < decoded.txs.length && chunk.length <= verified; j++) {
        const t = decodeOrUndefined(decoded.txs[j]!);
        decodedTxs.push(t);
        if (t !== undefined && !isKnown(t)) chunk.push(t);
      }
      verified += await chain.sigs.preverifyDecoded(chain, chunk);
    }
    const bytes = decoded.txs[i]!;
    const tx = decodedTxs[i];
    const id = tx?.id;
    const r: GossipResult = isKnown(tx)
      ? { verdict: "ignore", code: TxErrorCode.DUPLICATE }
      : await validateGossipTx(chain, tx ?? bytes, { poolChecked: tx !== undefined });
    txs.push(r);
    if (id !== undefined && (r.verdict === "accept" || r.code === TxErrorCode.DUPLICATE)) known.add(id);
    if (r.verdict === "accept") admitted.push(bytes);
    else if (r.verdict === "reject") rejected = r;
    else firstOther ??= r;
  }
  const result: GossipResult = rejected ?? firstOther ?? { verdict: "accept", code: NetworkOutcome.OK };
  return { result, txs, admitted };
}

/** Ignored transactions of a batch per unit of the sender's ignore budget. */
export const IGNORED_PER_UNIT = 8;
/** Duplicate transactions of a batch per unit (batches of different nodes overlap). */
export const DUPLICATES_PER_UNIT = 32;

/**
 * What follows a batch's verdicts: penalise the sender once, and how much of its budget to
 * spend: a unit per IGNORED_PER_UNIT ignored transactions and per DUPLICATES_PER_UNIT duplicates,
 * rounded up. Per transaction, as on the single topic, would cost an honest relayer its whole
 * budget for one batch that arrived before the batch it follows (another peer's copy, late); a
 * flood of junk or of known transactions still spends it (a full batch of junk: 32 units).
 */
export function batchFollowUp(b: BatchResult): { penalise: boolean; spend: number } {
  let [ignored, duplicates] = [0, 0];
  for (const r of b.txs)
    if (r.code === TxErrorCode.DUPLICATE) duplicates++;
    else if (r.code !== NetworkOutcome.BATCH_ABANDONED && followUpOf("tx", r).spendBudget) ignored++;
  const spend = Math.ceil(ignored / IGNORED_PER_UNIT) + Math.ceil(duplicates / DUPLICATES_PER_UNIT);
  return { penalise: b.result.verdict === "reject", spend };
}

/** A SignedTx's bytes decoded, or undefined if they do not decode (admission gives the code). */
function decodeOrUndefined(bytes: Uint8Array): Tx | undefined {
  try {
    return decodeTx(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Collects the transactions this node admitted and publishes them as batches. After a quiet
 * `windowMs` the first transaction goes out at the end of the current event-loop turn (with what
 * else was admitted in it: no added latency); after that, one message per `windowMs` at most, and
 * sooner when MAX_BATCH_GOSSIP_TXS or MAX_BATCH_GOSSIP_BYTES would be passed.
 */
export class TxBatcher {
  private buf: Uint8Array[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private last = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly publish: (batch: Uint8Array) => void,
    private readonly windowMs = 2,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Queues one admitted transaction for the next batch. */
  add(tx: Uint8Array): void {
    const size = tx.length + 1 + varintLength(tx.length);
    if (this.buf.length >= MAX_BATCH_GOSSIP_TXS || this.bytes + size > MAX_BATCH_GOSSIP_BYTES) this.flush();
    this.buf.push(tx);
    this.bytes += size;
    if (this.timer) return;
    const since = this.now() - this.last;
    this.timer =
      since >= this.windowMs
        ? setImmediate(() => this.flush())
        : setTimeout(() => this.flush(), this.windowMs - since);
  }

  /** Transactions queued for the next batch, and the most one batch holds (bounds metrics). */
  bound(): Bound {
    return { name: "gossip_tx_batch", size: this.buf.length, capacity: MAX_BATCH_GOSSIP_TXS };
  }

  /** Publishes what is queued now. */
  flush(): void {
    this.cancel();
    if (this.buf.length === 0) return;
    const batch = encodeTxBatch(this.buf);
    this.buf = [];
    this.bytes = 0;
    this.last = this.now();
    this.publish(batch);
  }

  private cancel(): void {
    if (this.timer) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
    }
    this.timer = undefined;
  }

  /** Publishes what is queued and stops (on the node's stop: admitted transactions still go out). */
  stop(): void {
    this.flush();
  }
}
