import { ed25519 } from "@noble/curves/ed25519.js";
import { addressFromBytes } from "./address.js";
import { utf8 } from "./bytes.js";
import { sha256 } from "./hash.js";

/** An ed25519 key pair held by a client (the node holds only its own validator key). */
export interface KeyPair {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
  address: string;
}

// Addresses live in address.ts; re-exported here, where key handling has always offered them.
export {
  ADDRESS_BYTES,
  ADDRESS_HRP,
  ADDRESS_LENGTH,
  AddressFault,
  addressBytes,
  addressFault,
  addressFromBytes,
  compareAddresses,
  isAddress,
  type ParsedAddress,
  parseAddress,
  requireAddress,
} from "./address.js";

/** Address of a public key: bech32m "xai1…" of the first 20 bytes of sha256(public key). */
export function addressOf(publicKey: Uint8Array): string {
  return addressFromBytes(sha256(publicKey).subarray(0, 20));
}

/** Key pair from a 32-byte secret key. */
export function keyPairFromSecret(secretKey: Uint8Array): KeyPair {
  const publicKey = ed25519.getPublicKey(secretKey);
  return { secretKey, publicKey, address: addressOf(publicKey) };
}

/** Public seed of the well-known dev accounts `dev:0` … `dev:9`; never use them outside dev chains. */
export const DEV_KEY_SEED = "xai-devnet-public-dev-seed";

/** Key pair of dev account N, derived from the public dev seed. */
export function devKeyPair(n: number): KeyPair {
  return keyPairFromSecret(sha256(utf8(`${DEV_KEY_SEED}:${n}`)));
}

/** Chain ids on which dev keys and the dev genesis are allowed. */
export function isDevChainId(chainId: string): boolean {
  return chainId.startsWith("xai-devnet");
}

/** ed25519 signature of `message`. */
export function sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return ed25519.sign(message, secretKey);
}
