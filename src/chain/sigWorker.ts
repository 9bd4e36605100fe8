/**
 * The signature pool's worker (sigPool.ts): verifies packed batches with `verifySignature`, the node's
 * own verifier, so the project's byte rule (signatureRule.ts, SPEC §3 v2) runs in front of
 * libsodium here exactly as on the main thread. A batch holds (signature, message, key) items or
 * whole signed transactions (decoded here, off the main thread; one that does not decode is "not
 * verified"). Replies with one byte per item (1 valid) and, for each valid one, its memo key
 * (verify.ts memoKey, 32 bytes at 32 x index), so the main thread hashes nothing.
 */
import { parentPort } from "node:worker_threads";
import { memoKey, verifySignature } from "../crypto/verify.js";
import { decodeTx, txSigningMessage } from "../types/txCodec.js";
import { type PackedBatch, type SigItem, unpack, unpackTxs } from "./sigBatch.js";

function txItem(bytes: Uint8Array): SigItem | null {
  try {
    const tx = decodeTx(bytes);
    return { signature: tx.signature, message: txSigningMessage(tx.bodyBytes), publicKey: tx.body.publicKey };
  } catch {
    return null;
  }
}

parentPort!.on("message", (m: { id: number; batch: PackedBatch; txs: boolean }) => {
  const items: Array<SigItem | null> = m.txs ? unpackTxs(m.batch).map(txItem) : unpack(m.batch);
  const verdicts = new Uint8Array(items.length);
  const keys = new Uint8Array(items.length * 32);
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    if (it && verifySignature(it.signature, it.message, it.publicKey)) {
      verdicts[i] = 1;
      keys.set(memoKey(it.signature, it.message, it.publicKey), i * 32);
    }
  }
  parentPort!.postMessage({ id: m.id, verdicts, keys }, [verdicts.buffer, keys.buffer]);
});
