// Key generation: the one place that draws randomness for keys. Clients (the CLI, `init`, the
// harness) import it; the consensus core never may (the purity check refuses it there).
import { ed25519 } from "@noble/curves/ed25519.js";
import { generateMnemonic } from "@scure/bip39";
import { wordlist } from "@scure/bip39/wordlists/english.js";
import { type KeyPair, keyPairFromSecret } from "./keys.js";

/** A fresh random key pair. */
export function generateKeyPair(): KeyPair {
  return keyPairFromSecret(ed25519.utils.randomSecretKey());
}

/** A fresh 24-word BIP-39 mnemonic (256 bits of entropy, English wordlist). */
export function generateMnemonicPhrase(): string {
  return generateMnemonic(wordlist, 256);
}
