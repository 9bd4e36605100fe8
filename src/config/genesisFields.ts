/** The field checks of a genesis.json (genesis.ts, genesisBalances.ts): each fails with GENESIS_INVALID. */
import { xaiError } from "../errors.js";
import { GenesisErrorCode, GenesisFault, type GenesisInvalidData } from "./errors.js";
import { isCanonicalDecimal } from "./registry.js";

/** Throws GENESIS_INVALID with `reason` (and where known the registry entry or rule) in its data. */
export function fail(
  reason: GenesisFault,
  message: string,
  at: Omit<GenesisInvalidData, "reason"> = {},
): never {
  throw xaiError(GenesisErrorCode.INVALID, message, { reason, ...at });
}

export function uintField(v: unknown, what: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)
    fail(GenesisFault.BAD_FIELD, `${what} must be a non-negative integer`);
  return v;
}

const U64_LIMIT = 1n << 64n;

export function amountField(v: unknown, what: string): bigint {
  if (typeof v !== "string" || !isCanonicalDecimal(v))
    fail(GenesisFault.BAD_FIELD, `${what} must be a decimal string`);
  const n = BigInt(v);
  if (n >= U64_LIMIT) fail(GenesisFault.BAD_FIELD, `${what} must be below 2^64`);
  return n;
}

export function arrayField(v: unknown, what: string): unknown[] {
  const a = v ?? [];
  if (!Array.isArray(a)) fail(GenesisFault.BAD_FIELD, `${what} must be an array`);
  return a;
}
