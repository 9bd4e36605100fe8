import { generateKeyPair } from "../../src/crypto/keygen.js";
import { sign } from "../../src/crypto/keys.js";
import { verifyNoble, verifyNode, verifySignature } from "../../src/crypto/verify.js";
import { type BenchRow, VERIFY_ROW } from "./report.js";

/** Signature verifications per second of each verifier (single core). */
export function benchSignatures(): BenchRow[] {
  const keys = Array.from({ length: 200 }, () => generateKeyPair());
  const items = Array.from({ length: 3000 }, (_, i) => {
    const k = keys[i % keys.length]!;
    const msg = new Uint8Array(200).fill(i & 0xff);
    return { pk: k.publicKey, msg, sig: sign(msg, k.secretKey) };
  });
  const rate = (fn: (s: Uint8Array, m: Uint8Array, p: Uint8Array) => boolean, n: number): number => {
    for (const it of items.slice(0, 50)) fn(it.sig, it.msg, it.pk); // warm up
    const t = performance.now();
    for (let i = 0; i < n; i++) {
      const it = items[i % items.length]!;
      if (!fn(it.sig, it.msg, it.pk)) throw new Error("valid signature rejected");
    }
    return n / ((performance.now() - t) / 1000);
  };
  return [
    {
      name: VERIFY_ROW,
      value: rate(verifySignature, 5000),
      unit: "verify/s",
      detail: "single core, 200 keys",
    },
    { name: "verify node:crypto (cached keys)", value: rate(verifyNode, 3000), unit: "verify/s" },
    { name: "verify noble (pure JS)", value: rate(verifyNoble, 600), unit: "verify/s" },
  ];
}
