// Account addresses (SPEC §3, v2): the first 20 bytes of sha256(public key), written as bech32m
// (BIP 350) with the human-readable part "xai": "xai1" + 32 data characters + a 6-character
// checksum, 42 characters in all. Only the lowercase form is an address: bech32 also reads an
// all-uppercase string, but consensus inputs take one string per account, so that equal accounts
// are equal strings (sets, maps, sorting and JSON compare strings).
//
// parseAddress says why a string is refused (an AddressFault); every input path raises its own code
// (TX_INVALID_RECIPIENT, GOV_INVALID_RECIPIENT, GENESIS_INVALID, INVALID_ADDRESS) with that fault
// as `data.address_fault`.
import { bech32m } from "@scure/base";
import { xaiError } from "../errors.js";
import { CryptoErrorCode } from "./errors.js";

/** The human-readable part of every address. */
export const ADDRESS_HRP = "xai";

/** Bytes of an account (a prefix of sha256 of its public key). */
export const ADDRESS_BYTES = 20;

/** Characters of an address: "xai1", 32 data characters (20 bytes) and 6 checksum characters. */
export const ADDRESS_LENGTH = 42;

/** Why a string is not an address (`data.address_fault` of the error that refuses it). */
export enum AddressFault {
  /** Not a string (a JSON number, null, …). */
  FORMAT = "format",
  /** Does not start with `xai1` (another chain's prefix, the old `XAI…hex` form, no separator). */
  PREFIX = "prefix",
  /** Not all lowercase: uppercase and mixed case are refused (one account, one string). */
  CASE = "case",
  /** A character outside the bech32 alphabet (`1`, `b`, `i`, `o`, non-ASCII, …) after `xai1`. */
  CHARSET = "charset",
  /** Not 42 characters: the data is not 20 bytes. */
  LENGTH = "length",
  /** The bech32m checksum does not match (a mistyped or swapped character). */
  CHECKSUM = "checksum",
}

/** An address parsed to its bytes, or the reason it is refused. */
export type ParsedAddress =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; fault: AddressFault; message: string };

const PREFIX = `${ADDRESS_HRP}1`;
const PRINTABLE_ASCII = /^[\x21-\x7e]*$/;
const BECH32_DATA = /^[qpzry9x8gf2tvdw0s3jn54khce6mua7l]*$/;

// Storage keys take an address's bytes on every account read, and decoding derives every sender
// and parses every recipient: the valid addresses seen last are kept with their bytes (a bounded
// map, emptied when full). It holds only valid addresses, each with the bytes a parse would give,
// so no answer depends on what else it holds.
// Big enough for the senders of a full block (decodeTx derives them all before the block runs; at
// 8,192 a 10,000-vote block had parsed most of them again).
const BYTES_CACHE = new Map<string, Uint8Array>();
const BYTES_CACHE_MAX = 32_768;

function remember(address: string, bytes: Uint8Array): void {
  if (BYTES_CACHE.size >= BYTES_CACHE_MAX) BYTES_CACHE.clear();
  BYTES_CACHE.set(address, bytes);
}

function refused(fault: AddressFault, message: string): ParsedAddress {
  return { ok: false, fault, message };
}

/**
 * Parses an address to its 20 bytes, or says why it is refused. The checks, in order: a string;
 * printable ASCII (so the case folding below is ASCII folding, not the engine's Unicode tables);
 * the `xai1` prefix (in any case, so that `XAI1…` is a case fault, not a prefix fault); lowercase;
 * the bech32 alphabet; the length; the bech32m checksum.
 */
export function parseAddress(s: unknown): ParsedAddress {
  if (typeof s !== "string") return refused(AddressFault.FORMAT, "an address is a string");
  const hit = BYTES_CACHE.get(s);
  if (hit) return { ok: true, bytes: hit.slice() };
  if (!PRINTABLE_ASCII.test(s))
    return refused(AddressFault.CHARSET, "an address is printable ASCII (bech32m, xai1…)");
  const lower = s.toLowerCase();
  if (!lower.startsWith(PREFIX)) return refused(AddressFault.PREFIX, `an address starts with ${PREFIX}`);
  if (s !== lower) return refused(AddressFault.CASE, "an address is written in lowercase");
  if (!BECH32_DATA.test(s.slice(PREFIX.length)))
    return refused(AddressFault.CHARSET, "an address has a character outside the bech32 alphabet");
  if (s.length !== ADDRESS_LENGTH)
    return refused(AddressFault.LENGTH, `an address is ${ADDRESS_LENGTH} characters (20 bytes)`);
  const decoded = bech32m.decodeUnsafe(s, ADDRESS_LENGTH);
  if (!decoded) return refused(AddressFault.CHECKSUM, "the address checksum does not match");
  // 32 five-bit words are exactly 160 bits: no padding, so every checksummed string is 20 bytes.
  const bytes = bech32m.fromWords(decoded.words);
  remember(s, bytes);
  return { ok: true, bytes: bytes.slice() };
}

/** Why `s` is not an address, or undefined if it is one. */
export function addressFault(s: unknown): AddressFault | undefined {
  const r = parseAddress(s);
  return r.ok ? undefined : r.fault;
}

/** True if `s` is an address in its canonical (lowercase, checksummed) form. */
export function isAddress(s: unknown): s is string {
  return parseAddress(s).ok;
}

/**
 * `s` if it is an address; else throws INVALID_ADDRESS with `data.address_fault` (and `data.field`,
 * the input it came from). For the API and the CLI; consensus paths raise their own codes.
 */
export function requireAddress(s: unknown, field = "address"): string {
  const r = parseAddress(s);
  if (!r.ok)
    throw xaiError(CryptoErrorCode.INVALID_ADDRESS, `${field} is not an address (${r.fault}): ${r.message}`, {
      address_fault: r.fault,
      field,
    });
  return s as string;
}

/**
 * addressBytes without the copy, for the storage-key builders of the state path (which copy the
 * bytes into the key they build): the array is shared with the cache and later calls, so read it
 * and never write to it.
 */
export function addressBytesShared(address: string): Uint8Array {
  return BYTES_CACHE.get(address) ?? addressBytes(address);
}

/** The 20 bytes of an address (storage keys); throws INVALID_ADDRESS for anything else. */
export function addressBytes(address: string): Uint8Array {
  const r = parseAddress(address);
  if (!r.ok)
    throw xaiError(CryptoErrorCode.INVALID_ADDRESS, r.message, { address_fault: r.fault, field: "address" });
  return r.bytes;
}

/**
 * The order of accounts: by their 20 bytes, which is the order of every state key that holds an
 * account (votes, reviews, balances) and so of every list read from them. It is not the order of
 * the strings (bech32 letters are not in the order of their values). Throws for a non-address.
 */
export function compareAddresses(a: string, b: string): number {
  const x = addressBytes(a);
  const y = addressBytes(b);
  for (let i = 0; i < ADDRESS_BYTES; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}

/** The address of 20 account bytes. */
export function addressFromBytes(b: Uint8Array): string {
  if (b.length !== ADDRESS_BYTES)
    throw xaiError(CryptoErrorCode.INVALID_ADDRESS, `an account is ${ADDRESS_BYTES} bytes, not ${b.length}`, {
      address_fault: AddressFault.LENGTH,
      field: "bytes",
    });
  const s = bech32m.encode(ADDRESS_HRP, bech32m.toWords(b));
  remember(s, b.slice());
  return s;
}
