import { xaiError } from "../errors.js";
import { CliErrorCode, RemoteError } from "./errors.js";

/** Default node URL of the client and the CLI. */
export const DEFAULT_NODE = "http://127.0.0.1:8545";

async function call(node: string, path: string, init?: RequestInit): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(new URL(path, node), init);
  } catch (err) {
    throw xaiError(CliErrorCode.NODE_UNREACHABLE, `cannot reach ${node}: ${(err as Error).message}`);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    throw xaiError(CliErrorCode.BAD_RESPONSE, `${res.status} ${text.slice(0, 200)}`);
  }
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string; data?: Record<string, unknown> } }).error;
    throw new RemoteError(e?.code ?? `HTTP_${res.status}`, e?.message ?? res.statusText, e?.data ?? {});
  }
  return body;
}

/**
 * GET a JSON route of a node. An error answer comes back as a RemoteError with the node's code; a
 * node that cannot be reached or answers something else than JSON as an XaiError (CLI code).
 */
export function apiGet<T = Record<string, unknown>>(node: string, path: string): Promise<T> {
  return call(node, path) as Promise<T>;
}

/** POST JSON to a node. */
export function apiPost<T = Record<string, unknown>>(node: string, path: string, body: unknown): Promise<T> {
  return call(node, path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  }) as Promise<T>;
}
