/**
 * Batches of signatures as one transferable buffer, for the signature pool (sigPool.ts). An item's
 * bytes are copied out of whatever buffer they view (a transaction's signature is often a view into
 * a whole block; posting the view would copy the block once per item). And the verification of a
 * batch itself, the same on a worker (sigWorker.ts) and on the pool's caller (a small batch).
 */
import { memoKey, verifySignature } from "../crypto/verify.js";
import { decodeTx, txSigningMessage } from "../types/txCodec.js";

/** One signature to verify: (signature, message, public key), the Verifier's arguments. */
export interface SigItem {
  signature: Uint8Array;
  message: Uint8Array;
  publicKey: Uint8Array;
}

/** Items packed: `bytes` holds each item's signature, key and message in turn; `lens` their lengths. */
export interface PackedBatch {
  bytes: Uint8Array;
  lens: Uint32Array;
}

/** Packs `items` into one buffer (see PackedBatch). */
export function pack(items: readonly SigItem[]): PackedBatch {
  let total = 0;
  for (const it of items) total += it.signature.length + it.publicKey.length + it.message.length;
  const bytes = new Uint8Array(total);
  const lens = new Uint32Array(items.length * 3);
  let o = 0;
  items.forEach((it, i) => {
    for (const [j, part] of [it.signature, it.publicKey, it.message].entries()) {
      bytes.set(part, o);
      o += part.length;
      lens[i * 3 + j] = part.length;
    }
  });
  return { bytes, lens };
}

/** The items of a packed batch (views into its buffer). */
export function unpack(b: PackedBatch): SigItem[] {
  const out: SigItem[] = [];
  let o = 0;
  const next = (n: number) => {
    o += n;
    return b.bytes.subarray(o - n, o);
  };
  for (let i = 0; i < b.lens.length; i += 3) {
    const signature = next(b.lens[i]!);
    const publicKey = next(b.lens[i + 1]!);
    out.push({ signature, publicKey, message: next(b.lens[i + 2]!) });
  }
  return out;
}

/** Whole signed transactions packed (one length each). */
export function packTxs(txs: readonly Uint8Array[]): PackedBatch {
  const bytes = new Uint8Array(txs.reduce((n, t) => n + t.length, 0));
  const lens = new Uint32Array(txs.length);
  let o = 0;
  txs.forEach((t, i) => {
    bytes.set(t, o);
    o += t.length;
    lens[i] = t.length;
  });
  return { bytes, lens };
}

/** The transactions of a batch packed by packTxs (views into its buffer). */
export function unpackTxs(b: PackedBatch): Uint8Array[] {
  const out: Uint8Array[] = [];
  let o = 0;
  for (const n of b.lens) {
    out.push(b.bytes.subarray(o, o + n));
    o += n;
  }
  return out;
}

/** The signature item of a signed transaction's bytes, or null if they do not decode. */
export function txSigItem(bytes: Uint8Array): SigItem | null {
  try {
    const tx = decodeTx(bytes);
    return { signature: tx.signature, message: txSigningMessage(tx.bodyBytes), publicKey: tx.body.publicKey };
  } catch {
    return null;
  }
}

/**
 * Verifies `items` with `verifySignature` (the byte rule in front of libsodium): one byte per item
 * (1: valid; a null item is not verified) and, for each valid one, its memo key (verify.ts memoKey)
 * at 32 x its index.
 */
export function verifyItems(items: ReadonlyArray<SigItem | null>): {
  verdicts: Uint8Array;
  keys: Uint8Array;
} {
  const verdicts = new Uint8Array(items.length);
  const keys = new Uint8Array(items.length * 32);
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (it && verifySignature(it.signature, it.message, it.publicKey)) {
      verdicts[i] = 1;
      keys.set(memoKey(it.signature, it.message, it.publicKey), i * 32);
    }
  }
  return { verdicts, keys };
}
