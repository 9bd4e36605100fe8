import { isXaiError } from "../errors.js";

/** HTTP status of an error code (SPEC §5): 400 invalid, 404 unknown, 409 nonce, 413, 415, 429, 503. */
export function httpStatusOf(code: string): number {
  switch (code) {
    case "TX_NONCE_TOO_LOW":
    case "TX_NONCE_TOO_HIGH":
    case "TX_DUPLICATE":
    case "TX_REPLACEMENT_UNDERPRICED":
      return 409;
    case "TX_TOO_LARGE":
    case "BODY_TOO_LARGE":
      return 413;
    case "UNSUPPORTED_MEDIA_TYPE":
      return 415;
    case "TX_MEMPOOL_FULL":
      return 429;
    case "NODE_BUSY":
    case "NOT_READY":
      return 503;
    case "FORBIDDEN":
      return 403;
    case "NOT_FOUND":
    case "GOV_UNKNOWN_PROPOSAL":
      return 404;
    default:
      return code === "INTERNAL" ? 500 : 400;
  }
}

/** The error body of every route: {"error": {"code", "message"}}. */
export function errorBody(code: string, message: string, data?: Record<string, unknown>) {
  return { error: { code, message, ...(data && Object.keys(data).length > 0 ? { data } : {}) } };
}

/** Maps any thrown value to a status and error body (non-XaiErrors become 500 INTERNAL). */
export function toHttpError(err: unknown): { status: number; body: ReturnType<typeof errorBody> } {
  if (isXaiError(err)) {
    const data = Object.fromEntries(
      Object.entries(err.data).map(([k, v]) => [k, typeof v === "bigint" ? v.toString() : v]),
    );
    return { status: httpStatusOf(err.code), body: errorBody(err.code, err.message, data) };
  }
  return { status: 500, body: errorBody("INTERNAL", "internal error") };
}
