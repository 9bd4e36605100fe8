// A stand-in for the signature pool (src/chain/sigPool.ts) that verifies for real (verifySignature) on
// the main thread, a few milliseconds later, and records what it was asked: the size of each call
// and the most calls in flight at once.
import type { SigItem } from "../../src/chain/sigBatch.js";
import type { SignaturePool } from "../../src/chain/sigPool.js";
import { verifySignature } from "../../src/crypto/verify.js";

export interface PoolRecord {
  /** Items of each `verify` call, in order. */
  calls: number[];
  maxInFlight: number;
}

export function recordingPool(): { pool: SignaturePool; seen: PoolRecord } {
  let inFlight = 0;
  const seen: PoolRecord = { calls: [], maxInFlight: 0 };
  const pool = {
    async verify(items: readonly SigItem[]): Promise<boolean[]> {
      seen.calls.push(items.length);
      seen.maxInFlight = Math.max(seen.maxInFlight, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return items.map((it) => verifySignature(it.signature, it.message, it.publicKey));
    },
    async verifyTxs(): Promise<never[]> {
      return [];
    },
  };
  return { pool: pool as unknown as SignaturePool, seen };
}
