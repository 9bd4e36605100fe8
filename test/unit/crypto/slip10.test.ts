// SLIP-0010 ed25519 derivation against the spec's "Test vector 1 for ed25519", and the mnemonic
// path of the CLI (a fixed mnemonic always gives the same key and address).
import assert from "node:assert/strict";
import { ed25519 } from "@noble/curves/ed25519.js";
import { mnemonicToSeedSync } from "@scure/bip39";
import { fromHex, toHex } from "../../../src/crypto/bytes.js";
import { KeyDerivationErrorCode } from "../../../src/crypto/errors.js";
import { keyPairFromMnemonic, XAI_DERIVATION_PATH } from "../../../src/crypto/mnemonic.js";
import { slip10Derive } from "../../../src/crypto/slip10.js";
import { isXaiError } from "../../../src/errors.js";

// https://github.com/satoshilabs/slips/blob/master/slip-0010.md#test-vector-1-for-ed25519
// (public keys there carry a 0x00 prefix byte, dropped here).
const SEED = fromHex("000102030405060708090a0b0c0d0e0f");
const VECTOR_1: Array<[string, string, string, string]> = [
  [
    "m",
    "90046a93de5380a72b5e45010748567d5ea02bbf6522f979e05c0d8d8ca9fffb",
    "2b4be7f19ee27bbf30c667b642d5f4aa69fd169872f8fc3059c08ebae2eb19e7",
    "a4b2856bfec510abab89753fac1ac0e1112364e7d250545963f135f2a33188ed",
  ],
  [
    "m/0'",
    "8b59aa11380b624e81507a27fedda59fea6d0b779a778918a2fd3590e16e9c69",
    "68e0fe46dfb67e368c75379acec591dad19df3cde26e63b93a8e704f1dade7a3",
    "8c8a13df77a28f3445213a0f432fde644acaa215fc72dcdf300d5efaa85d350c",
  ],
  [
    "m/0'/1'",
    "a320425f77d1b5c2505a6b1b27382b37368ee640e3557c315416801243552f14",
    "b1d0bad404bf35da785a64ca1ac54b2617211d2777696fbffaf208f746ae84f2",
    "1932a5270f335bed617d5b935c80aedb1a35bd9fc1e31acafd5372c30f5c1187",
  ],
  [
    "m/0'/1'/2'",
    "2e69929e00b5ab250f49c3fb1c12f252de4fed2c1db88387094a0f8c4c9ccd6c",
    "92a5b23c0b8a99e37d07df3fb9966917f5d06e02ddbd909c7e184371463e9fc9",
    "ae98736566d30ed0e9d2f4486a64bc95740d89c7db33f52121f8ea8f76ff0fc1",
  ],
  [
    "m/0'/1'/2'/2'",
    "8f6d87f93d750e0efccda017d662a1b31a266e4a6f5993b15f5c1f07f74dd5cc",
    "30d1dc7e5fc04c31219ab25a27ae00b50f6fd66622f6e9c913253d6511d1e662",
    "8abae2d66361c879b900d204ad2cc4984fa2aa344dd7ddc46007329ac76c429c",
  ],
  [
    "m/0'/1'/2'/2'/1000000000'",
    "68789923a0cac2cd5a29172a475fe9e0fb14cd6adb5ad98a3fa70333e7afa230",
    "8f94d394a8e8fd6b1bc2f3f49f5c47e385281d5c17e65324b0f62483e37e8793",
    "3c24da049451555d51a7014a37337aa4e12d41e485abccfa46b47dfb2af54b7a",
  ],
];

/** The BIP-39 test mnemonic of 24 words (entropy 0…0). */
const MNEMONIC = `${"abandon ".repeat(23)}art`;

describe("SLIP-0010 ed25519", () => {
  for (const [path, chainCode, privateKey, publicKey] of VECTOR_1)
    it(`test vector 1, chain ${path}`, () => {
      const node = slip10Derive(SEED, path);
      assert.equal(toHex(node.chainCode), chainCode);
      assert.equal(toHex(node.key), privateKey);
      assert.equal(toHex(ed25519.getPublicKey(node.key)), publicKey);
    });

  it("refuses non-hardened steps, bad paths and seeds out of 16 to 64 bytes", () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return isXaiError(err) ? err.code : "other";
      }
      return "none";
    };
    for (const p of ["m/0", "m/0'/1", "0'/1'", "m/2147483648'", "m/01'", "m/x'"])
      assert.equal(
        code(() => slip10Derive(SEED, p)),
        KeyDerivationErrorCode.BAD_DERIVATION,
        p,
      );
    assert.equal(
      code(() => slip10Derive(new Uint8Array(15), "m")),
      KeyDerivationErrorCode.BAD_DERIVATION,
    );
    assert.equal(
      code(() => slip10Derive(new Uint8Array(65), "m")),
      KeyDerivationErrorCode.BAD_DERIVATION,
    );
  });
});

describe("mnemonic keys", () => {
  it("the path is m/44'/5783881'/0'/0'/0' (coin type: the ASCII of XAI)", () => {
    assert.equal(XAI_DERIVATION_PATH, "m/44'/5783881'/0'/0'/0'");
    assert.equal(5783881, 0x584149);
  });

  it("a fixed mnemonic gives the same key every time, whatever its spacing and case", () => {
    const a = keyPairFromMnemonic(MNEMONIC);
    const b = keyPairFromMnemonic(`  ${MNEMONIC.toUpperCase().replaceAll(" ", "\n  ")}\n`);
    assert.equal(toHex(a.publicKey), "0025fdd01b3aca596901eee0a3a144037e046748238396a251dd4cbc59cafbf4");
    assert.equal(a.address, "xai1dafw8rq5uuqv7wxjlqqwdj2kzp7hg9hvx3t9ar");
    assert.deepEqual(b, a);
  });

  it("the BIP-39 seed is the standard one (BIP-39 vector: this mnemonic with passphrase TREZOR)", () => {
    assert.equal(
      toHex(mnemonicToSeedSync(MNEMONIC, "TREZOR")),
      "bda85446c68413707090a52022edd26a1c9462295029f2e60cd7c4f2bbd3097170af7a4d73245cafa9c3cca8d561a7c3de6f5d4a10be8ed2a5e608d68f92fcc8",
    );
  });

  it("refuses a wrong checksum, an unknown word and a wrong length (BAD_MNEMONIC)", () => {
    for (const m of [`${"abandon ".repeat(23)}abandon`, `${"abandon ".repeat(23)}artt`, "abandon art", ""])
      assert.throws(
        () => keyPairFromMnemonic(m),
        (e: unknown) => isXaiError(e, KeyDerivationErrorCode.BAD_MNEMONIC),
      );
  });
});
