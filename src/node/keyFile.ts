import { readFileSync, writeFileSync } from "node:fs";
import { fromHex, toHex } from "../crypto/bytes.js";
import { type KeyPair, keyPairFromSecret } from "../crypto/keys.js";
import { xaiError } from "../errors.js";
import { NodeErrorCode } from "./errors.js";

/** Writes a key file (JSON: address, public_key, secret_key), readable by its owner only. */
export function writeKeyFile(path: string, key: KeyPair): void {
  const json = { address: key.address, public_key: toHex(key.publicKey), secret_key: toHex(key.secretKey) };
  writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`, { mode: 0o600, flag: "wx" });
}

/** Reads a plaintext key file written by writeKeyFile; checks that its address matches its key. */
export function readKeyFile(path: string): KeyPair {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    // Not the parser's message: it quotes the start of the file (the secret).
    const why = err instanceof SyntaxError ? "not JSON" : (err as NodeJS.ErrnoException).code;
    throw xaiError(NodeErrorCode.KEY_FILE_INVALID, `cannot read key file ${path}: ${why}`);
  }
  // The CLI's keystores (src/cli/keystore.ts) say so in `format`; a node never asks for a passphrase.
  if (json.format === "xai-gov-keystore")
    throw xaiError(
      NodeErrorCode.KEY_FILE_ENCRYPTED,
      `${path} is an encrypted keystore; a validator key is a plaintext key file (xai-gov keys new --out FILE --unencrypted)`,
    );
  if (typeof json.secret_key !== "string" || !/^[0-9a-f]{64}$/.test(json.secret_key))
    throw xaiError(NodeErrorCode.KEY_FILE_INVALID, `${path}: secret_key must be 64 hex characters`);
  const key = keyPairFromSecret(fromHex(json.secret_key));
  if (json.address !== undefined && json.address !== key.address)
    throw xaiError(NodeErrorCode.KEY_FILE_INVALID, `${path}: address does not match the key`);
  return key;
}
