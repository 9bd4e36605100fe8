// Malformed addresses for the input-path tests (SPEC §3 v2): each one is one mistake away from a
// real account, with the AddressFault every path must report for it. They are written out, not
// derived with the code under test; test/unit/crypto/address.test.ts checks them against an
// independent bech32m implementation.
import { AddressFault } from "../../src/crypto/address.js";

/** A malformed address and the fault it must be refused with. */
export interface BadAddress {
  /** What is wrong with it (used in test titles). */
  what: string;
  value: string;
  fault: AddressFault;
}

/** dev:2's address (devKeyPair(2)), the account the variants below are near. */
export const DEV2_ADDRESS = "xai1sen9gmpk340smrh6segzx25ng8fuvulndcdj9c";

/** The 20 bytes of DEV2_ADDRESS in hex. */
export const DEV2_HEX = "8666546c368d5f0d8efa8650232a9341d3c673f3";

/** Variants of DEV2_ADDRESS that every input path must refuse, with their exact faults. */
export const BAD_ADDRESSES: readonly BadAddress[] = [
  // One character of the data changed ("s" → "q" at position 4): only the checksum can tell.
  {
    what: "one wrong checksum character",
    value: "xai1qen9gmpk340smrh6segzx25ng8fuvulndcdj9c",
    fault: AddressFault.CHECKSUM,
  },
  // Two neighbouring characters swapped ("en" → "ne").
  {
    what: "two characters swapped",
    value: "xai1sne9gmpk340smrh6segzx25ng8fuvulndcdj9c",
    fault: AddressFault.CHECKSUM,
  },
  // The last checksum character changed ("c" → "q").
  {
    what: "a wrong last character",
    value: "xai1sen9gmpk340smrh6segzx25ng8fuvulndcdj9q",
    fault: AddressFault.CHECKSUM,
  },
  // The same 20 bytes under Cosmos's prefix, with a valid bech32m checksum for it.
  {
    what: "another chain's prefix (cosmos1…)",
    value: "cosmos1sen9gmpk340smrh6segzx25ng8fuvulnndmg5d",
    fault: AddressFault.PREFIX,
  },
  // The same 20 bytes under a prefix one letter short, with a valid checksum for it.
  {
    what: "a prefix one letter short (xa1…)",
    value: "xa1sen9gmpk340smrh6segzx25ng8fuvulnv90vfu",
    fault: AddressFault.PREFIX,
  },
  // The version-1 form of the same account: "XAI" + 40 lowercase hex.
  { what: "the old XAI + hex form", value: `XAI${DEV2_HEX}`, fault: AddressFault.PREFIX },
  // The same account, all uppercase: bech32 reads it, but it is not the canonical form.
  { what: "uppercase", value: "XAI1SEN9GMPK340SMRH6SEGZX25NG8FUVULNDCDJ9C", fault: AddressFault.CASE },
  // Mixed case.
  { what: "mixed case", value: "xai1Sen9gmpk340smrh6segzx25ng8fuvulndcdj9c", fault: AddressFault.CASE },
  // The first 19 bytes, with a valid checksum: too short by one byte.
  {
    what: "19 bytes (valid checksum)",
    value: "xai1sen9gmpk340smrh6segzx25ng8fuvucj67l3p",
    fault: AddressFault.LENGTH,
  },
  // The 20 bytes and a zero byte, with a valid checksum: one byte too long.
  {
    what: "21 bytes (valid checksum)",
    value: "xai1sen9gmpk340smrh6segzx25ng8fuvulnqqzrhq5m",
    fault: AddressFault.LENGTH,
  },
  // One character dropped.
  {
    what: "one character missing",
    value: "xai1sen9gmpk340smrh6segzx25ng8fuvulndcdj9",
    fault: AddressFault.LENGTH,
  },
  // "b" is not in the bech32 alphabet.
  {
    what: "a character outside the alphabet",
    value: "xai1ben9gmpk340smrh6segzx25ng8fuvulndcdj9c",
    fault: AddressFault.CHARSET,
  },
  { what: "the empty string", value: "", fault: AddressFault.PREFIX },
];
