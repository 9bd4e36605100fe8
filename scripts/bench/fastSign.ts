import { createPrivateKey, sign } from "node:crypto";

const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/**
 * An ed25519 signer on node:crypto for benchmark set-up (signing many transactions with noble would
 * dominate set-up time). Produces the same signatures as noble: ed25519 signing is deterministic.
 */
export function fastSigner(secretKey: Uint8Array): (message: Uint8Array) => Uint8Array {
  const key = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, secretKey]),
    format: "der",
    type: "pkcs8",
  });
  return (message) => new Uint8Array(sign(null, message, key));
}
