/**
 * Error codes and the one error class of the node. Every code is a member of a string enum declared
 * in the lowest layer that raises it (`types/errors.ts`, `governance/errors.ts`, `config/errors.ts`,
 * … `cli/errors.ts`). Each of those files registers its enum in `ErrorCodes` below by declaration
 * merging, so this file (layer 0) knows every code without importing any layer above it:
 *
 *     declare module "../errors.js" {
 *       interface ErrorCodes {
 *         tx: TxErrorCode;
 *       }
 *     }
 *
 * `xaiError` and `XaiError` take an `ErrorCode`, and a string literal is not assignable to a string
 * enum: raising a bare-string code does not compile. Codes received from another process (the CLI
 * re-raising a node's answer) are not this build's to check: they are a `RemoteError`
 * (`src/cli/errors.ts`), not an XaiError.
 */

/** Every error-code enum, by domain; filled by declaration merging (see the file header). */
// biome-ignore lint/suspicious/noEmptyInterface: the members are added by declaration merging
export interface ErrorCodes {}

/** Any error code of this build: a member of one of the enums registered in `ErrorCodes`. */
export type ErrorCode = ErrorCodes[keyof ErrorCodes];

/**
 * Typed `data` of the codes whose data clients and tests read, by code; the errors files add entries
 * by declaration merging. A code without an entry carries a free-form record.
 */
// biome-ignore lint/suspicious/noEmptyInterface: the members are added by declaration merging
export interface ErrorData {}

/** The `data` of an error with code `C` (a free-form record unless `C` has an `ErrorData` entry). */
export type ErrorDataOf<C extends ErrorCode> = [C] extends [keyof ErrorData]
  ? ErrorData[C] & Record<string, unknown>
  : Record<string, unknown>;

/** The data argument of `xaiError(code, message, …)`: required for codes with typed data. */
export type ErrorDataArg<C extends ErrorCode> = [C] extends [keyof ErrorData]
  ? [data: ErrorDataOf<C>]
  : [data?: Record<string, unknown>];

/** An error that carries a stable, machine-readable code (tests and clients match on the code). */
export class XaiError<C extends ErrorCode = ErrorCode> extends Error {
  readonly data: ErrorDataOf<C>;

  constructor(
    readonly code: C,
    message: string,
    ...[data]: ErrorDataArg<C>
  ) {
    super(message);
    this.name = "XaiError";
    this.data = (data ?? {}) as ErrorDataOf<C>;
  }
}

/** The one error factory of domain code: an XaiError with an enum code and optional data. */
export function xaiError<C extends ErrorCode>(
  code: C,
  message: string,
  ...data: ErrorDataArg<C>
): XaiError<C> {
  return new XaiError(code, message, ...data);
}

/** True if `err` is an XaiError (optionally with the given code). */
export function isXaiError<C extends ErrorCode = ErrorCode>(err: unknown, code?: C): err is XaiError<C> {
  return err instanceof XaiError && (code === undefined || err.code === code);
}
