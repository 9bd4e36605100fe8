/**
 * The building blocks of the vector format (test/vectors/README.md): the error a malformed vector
 * raises, checks of JSON values (objects with known keys, strings, amounts, heights), account names,
 * labels and expectations. Every check names the path of the bad value.
 */
import { DEPOSIT_ESCROW_ADDRESS, TREASURY_ADDRESS } from "../../../src/config/addresses.js";
import { key } from "../../utils/govChain.js";

/** The dev key that proposes every block of a GovChain (it collects the fees). */
export const VALIDATOR_KEY = 50;
/** Most blocks one advance step may produce (keeps the runner fast; a typo like 10000 fails loudly). */
export const MAX_ADVANCE = 500;

/** A vector that does not follow test/vectors/README.md. */
export class VectorFormatError extends Error {
  override name = "VectorFormatError";
}

/** Throws a VectorFormatError naming the path `where` of the bad value. */
export function bad(where: string, message: string): never {
  throw new VectorFormatError(`${where}: ${message}`);
}

/** A JSON object. */
export type Obj = Record<string, unknown>;

/** True for a JSON object (not null, not an array). */
export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Asserts `v` is an object with only `allowed` keys and every `required` key. */
export function object(
  v: unknown,
  where: string,
  allowed: readonly string[],
  required: readonly string[] = [],
): Obj {
  if (!isObj(v)) bad(where, `must be an object, got ${JSON.stringify(v)}`);
  for (const k of Object.keys(v))
    if (!allowed.includes(k)) bad(where, `unknown key "${k}" (allowed: ${allowed.join(", ")})`);
  for (const k of required) if (!(k in v)) bad(where, `missing "${k}"`);
  return v;
}

/** Asserts `v` is a string. */
export function string(v: unknown, where: string): string {
  if (typeof v !== "string") bad(where, `must be a string, got ${JSON.stringify(v)}`);
  return v;
}

/** Asserts `v` is true or false. */
export function boolean(v: unknown, where: string): boolean {
  if (typeof v !== "boolean") bad(where, `must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

/** Asserts `v` is a non-negative safe integer. */
export function uint(v: unknown, where: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)
    bad(where, `must be a non-negative integer, got ${JSON.stringify(v)}`);
  return v;
}

const U64_LIMIT = 1n << 64n;

/** A decimal string of base units (canonical, below 2^64): what a JSON amount is. */
export function amount(v: unknown, where: string): bigint {
  const s = string(v, where);
  if (!/^(0|[1-9][0-9]*)$/.test(s)) bad(where, `must be a canonical decimal string, got "${s}"`);
  const n = BigInt(s);
  if (n >= U64_LIMIT) bad(where, `must be below 2^64, got ${s}`);
  return n;
}

/** What a label (`as`) looks like. */
export const LABEL_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CODE_RE = /^[A-Z][A-Z0-9_]*$/;
const DEV_RE = /^dev:(0|[1-9][0-9]?)$/;

/** `dev:N` → N. */
export function devIndex(v: unknown, where: string): number {
  const s = string(v, where);
  const m = DEV_RE.exec(s);
  if (!m) bad(where, `must be "dev:N" (0 <= N <= 99), got "${s}"`);
  const n = Number(m[1]);
  if (n === VALIDATOR_KEY) bad(where, `dev:${VALIDATOR_KEY} is the block proposer; use "validator"`);
  return n;
}

/** Account names: dev:N, treasury, escrow (deposits), validator (collects fees). */
export function accountAddress(name: string): string | undefined {
  if (name === "treasury") return TREASURY_ADDRESS;
  if (name === "escrow") return DEPOSIT_ESCROW_ADDRESS;
  if (name === "validator") return key(VALIDATOR_KEY).address;
  const m = DEV_RE.exec(name);
  return m ? key(Number(m[1])).address : undefined;
}

/** An account name (see accountAddress) → its address. */
export function account(v: unknown, where: string): string {
  const s = string(v, where);
  const a = accountAddress(s);
  if (a === undefined) bad(where, `unknown account "${s}" (dev:N, treasury, escrow, validator)`);
  return a;
}

/** Labels known so far while checking a vector (a reference must follow its definition). */
export type Labels = Set<string>;

/** A proposal-id field: "@label" (resolved when the step runs) or a literal id, kept as given. */
export function ref(v: unknown, where: string, labels: Labels): string {
  const s = string(v, where);
  if (s.startsWith("@")) {
    const l = s.slice(1);
    if (!labels.has(l)) bad(where, `label "${l}" is not defined by an earlier step ("as")`);
  }
  return s;
}

/** A recipient field: an account name, else the literal string (so bad addresses can be tested). */
export function recipient(v: unknown, where: string): string {
  const s = string(v, where);
  return accountAddress(s) ?? s;
}

/** What a transaction must do: be included ok, be included with a failed effect, or be invalid. */
export type Expect = { kind: "ok" } | { kind: "failed"; code: string } | { kind: "invalid"; code: string };

/** "ok", "failed:<CODE>" or an error code (an invalid transaction) → Expect. */
export function expectation(v: unknown, where: string): Expect {
  const s = string(v, where);
  if (s === "ok") return { kind: "ok" };
  if (s.startsWith("failed:") && CODE_RE.test(s.slice(7))) return { kind: "failed", code: s.slice(7) };
  if (CODE_RE.test(s) && s !== "OK") return { kind: "invalid", code: s };
  bad(where, `must be "ok", "failed:<CODE>" or an error code, got "${s}"`);
}
