/** An error that carries a stable, machine-readable code (tests and clients match on the code). */
export class XaiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "XaiError";
  }
}

/** The one error factory of domain code: an XaiError with an enum code and optional data. */
export function xaiError(code: string, message: string, data: Record<string, unknown> = {}): XaiError {
  return new XaiError(code, message, data);
}

/** True if `err` is an XaiError (optionally with the given code). */
export function isXaiError(err: unknown, code?: string): err is XaiError {
  return err instanceof XaiError && (code === undefined || err.code === code);
}
