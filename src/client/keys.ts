/**
 * Keys for the client library: generate one, derive an address, load a plain key file or a dev
 * key. A key never leaves the process that holds it; only signatures are sent to a node.
 * (Encrypted keystores are the CLI's, src/cli/keystore.ts.)
 */
import { fromHex, toHex } from "../crypto/bytes.js";
import { generateKeyPair } from "../crypto/keygen.js";
import { addressOf, devKeyPair, isDevChainId, type KeyPair } from "../crypto/keys.js";
import { xaiError } from "../errors.js";
import { readKeyFile, writeKeyFile } from "../node/keyFile.js";
import { CliErrorCode } from "./errors.js";

export type { KeyPair };

/** A new random ed25519 key pair. */
export function generateKey(): KeyPair {
  return generateKeyPair();
}

/** The address of a public key (raw 32 bytes or 64 hex characters). */
export function addressFromPublicKey(publicKey: Uint8Array | string): string {
  if (typeof publicKey === "string") {
    if (!/^[0-9a-f]{64}$/.test(publicKey))
      throw xaiError(CliErrorCode.BAD_KEY, "a public key is 64 lowercase hex characters");
    return addressOf(fromHex(publicKey));
  }
  return addressOf(publicKey);
}

/** Dev key `n` (0 … 9): its secret is public, so it signs only on a dev chain. */
export function devKey(n: number): KeyPair {
  if (!Number.isInteger(n) || n < 0 || n > 9)
    throw xaiError(CliErrorCode.BAD_KEY, "dev keys are dev:0 … dev:9");
  return devKeyPair(n);
}

/** Reads a plain key file (JSON: address, public_key, secret_key). */
export function loadKeyFile(path: string): KeyPair {
  return readKeyFile(path);
}

/** Writes a plain key file, readable by its owner only; refuses to overwrite. */
export function saveKeyFile(path: string, key: KeyPair): void {
  writeKeyFile(path, key);
}

/** The public key of a key pair as hex. */
export function publicKeyHex(key: KeyPair): string {
  return toHex(key.publicKey);
}

/** Refuses a dev key on a chain that is not a dev chain (its key is public: anyone can sign with it). */
export function checkDevKey(dev: boolean, chainId: string): void {
  if (dev && !isDevChainId(chainId))
    throw xaiError(CliErrorCode.DEV_KEY_REFUSED, `dev keys are refused on chain ${chainId}`);
}
