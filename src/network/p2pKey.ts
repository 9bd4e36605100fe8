import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from "@libp2p/crypto/keys";
import type { PrivateKey } from "@libp2p/interface";

// @libp2p/crypto is typed against a second copy of @libp2p/interface in the tree; the objects
// are the same at run time, so the key is handed to libp2p as its own PrivateKey type.

/** Loads the node's libp2p identity from `path`, creating it (mode 0600) on first start. */
export async function loadOrCreateP2PKey(path: string): Promise<PrivateKey> {
  if (existsSync(path))
    return privateKeyFromProtobuf(new Uint8Array(readFileSync(path))) as unknown as PrivateKey;
  const key = await generateKeyPair("Ed25519");
  writeFileSync(path, privateKeyToProtobuf(key), { mode: 0o600 });
  return key as unknown as PrivateKey;
}
