/**
 * Keys from BIP-39 mnemonics: mnemonic → BIP-39 seed (no BIP-39 passphrase) → SLIP-0010 ed25519 at
 * XAI_DERIVATION_PATH. Deterministic: a mnemonic always restores the same key. Generating a
 * mnemonic draws randomness and lives in keygen.ts.
 */
import { mnemonicToSeedSync, validateMnemonic } from "@scure/bip39";
import { wordlist } from "@scure/bip39/wordlists/english.js";
import { xaiError } from "../errors.js";
import { KeyDerivationErrorCode } from "./errors.js";
import { type KeyPair, keyPairFromSecret } from "./keys.js";
import { slip10Derive } from "./slip10.js";

/**
 * The coin type of the path: 5783881 = 0x584149, the ASCII bytes of "XAI" (as Wanchain's 5718350 is
 * "WAN"). Not registered in SLIP-0044; unassigned in the registry copy checked (docs/SECURITY.md).
 */
export const XAI_COIN_TYPE = 5783881;

/** The derivation path of the account key: BIP-44 levels, all hardened (SLIP-0010 ed25519). */
export const XAI_DERIVATION_PATH = `m/44'/${XAI_COIN_TYPE}'/0'/0'/0'`;

/** The words of a mnemonic as typed: lower case, single spaces, no surrounding blanks. */
export function normalizeMnemonic(text: string): string {
  return text.normalize("NFKD").trim().toLowerCase().split(/\s+/).join(" ");
}

/** Checks a mnemonic (English wordlist, 12 to 24 words, checksum); returns it normalized. */
export function checkMnemonic(text: string): string {
  const m = normalizeMnemonic(text);
  if (!validateMnemonic(m, wordlist))
    throw xaiError(
      KeyDerivationErrorCode.BAD_MNEMONIC,
      `not a BIP-39 English mnemonic (${m === "" ? 0 : m.split(" ").length} words; a word is unknown or the checksum is wrong)`,
    );
  return m;
}

/** The key pair of a mnemonic at `path` (default XAI_DERIVATION_PATH). */
export function keyPairFromMnemonic(text: string, path = XAI_DERIVATION_PATH): KeyPair {
  const seed = mnemonicToSeedSync(checkMnemonic(text));
  return keyPairFromSecret(slip10Derive(seed, path).key);
}
