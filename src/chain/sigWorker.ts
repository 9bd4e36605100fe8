/**
 * The signature pool's worker (sigPool.ts): verifies packed batches with `verifySignature`, the node's
 * own verifier, so the project's byte rule (signatureRule.ts, SPEC §3 v2) runs in front of
 * libsodium here exactly as on the main thread (sigBatch.ts verifyItems). A batch holds
 * (signature, message, key) items or whole signed transactions (decoded here, off the main
 * thread; one that does not decode is "not verified"). Replies with one byte per item (1 valid)
 * and, for each valid one, its memo key (verify.ts memoKey, 32 bytes at 32 x index), so the main
 * thread hashes nothing.
 */
import { parentPort } from "node:worker_threads";
import { type PackedBatch, txSigItem, unpack, unpackTxs, verifyItems } from "./sigBatch.js";

parentPort!.on("message", (m: { id: number; batch: PackedBatch; txs: boolean }) => {
  const { verdicts, keys } = verifyItems(m.txs ? unpackTxs(m.batch).map(txSigItem) : unpack(m.batch));
  parentPort!.postMessage({ id: m.id, verdicts, keys }, [
    verdicts.buffer as ArrayBuffer,
    keys.buffer as ArrayBuffer,
  ]);
});
