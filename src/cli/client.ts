import { XaiError } from "../errors.js";

/** Default node URL of the CLI. */
export const DEFAULT_NODE = "http://127.0.0.1:8545";

async function call(node: string, path: string, init?: RequestInit): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(new URL(path, node), init);
  } catch (err) {
    throw new XaiError("NODE_UNREACHABLE", `cannot reach ${node}: ${(err as Error).message}`);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    throw new XaiError("BAD_RESPONSE", `${res.status} ${text.slice(0, 200)}`);
  }
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string; data?: Record<string, unknown> } }).error;
    throw new XaiError(e?.code ?? `HTTP_${res.status}`, e?.message ?? res.statusText, e?.data ?? {});
  }
  return body;
}

/** GET a JSON route of a node. Errors come back as XaiError with the node's code. */
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
