import { ed25519 } from "@noble/curves/ed25519.js";
import { toHex, utf8 } from "./bytes.js";
import { sha256 } from "./hash.js";

/** An ed25519 key pair held by a client (the node holds only its own validator key). */
export interface KeyPair {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
  address: string;
}

/** Address format: "XAI" + 40 lowercase hex characters. */
export const ADDRESS_RE = /^XAI[0-9a-f]{40}$/;

/** Address of a public key: "XAI" + hex of the first 20 bytes of sha256(public key). */
export function addressOf(publicKey: Uint8Array): string {
  return `XAI${toHex(sha256(publicKey).subarray(0, 20))}`;
}

/** True if `s` is a well-formed address. */
export function isAddress(s: string): boolean {
  return ADDRESS_RE.test(s);
}

/** The 20 address bytes of a well-formed address (used in storage keys). */
export function addressBytes(address: string): Uint8Array {
  return new Uint8Array(Buffer.from(address.slice(3), "hex"));
}

/** Address from its 20 bytes. */
export function addressFromBytes(b: Uint8Array): string {
  return `XAI${toHex(b)}`;
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
