/** Reading the node's JSON routes from the pages: the live version refetches what a page shows. */
import { useEffect, useState } from "preact/hooks";
import { type LiveState, liveState, subscribe } from "./live.js";

export type Json = Record<string, unknown>;

/** One entry of GET /governance/params (params, rules) or /governance/features. */
export interface RegistryEntry {
  name: string;
  type: string;
  min: string | null;
  max: string | null;
  default: string;
  value: string;
  description: string;
}

/** GET `path` of this node as JSON; a non-2xx answer throws with its error message. */
export async function getJson<T = Json>(path: string): Promise<T> {
  const r = await fetch(path, { headers: { accept: "application/json" } });
  const body = (await r.json().catch(() => ({}))) as { error?: { code: string; message: string } };
  if (!r.ok) throw new Error(body.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${r.status}`);
  return body as T;
}

/** The live state, re-rendering on every change. */
export function useLive(): LiveState {
  const [s, setS] = useState(liveState());
  useEffect(() => subscribe(setS), []);
  return s;
}

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
}

/** `path` (null: nothing), fetched again on every live version; the last answer stays shown. */
export function useJson<T = Json>(path: string | null): Loaded<T> {
  const { version } = useLive();
  const [out, setOut] = useState<Loaded<T> & { path: string | null }>({
    data: undefined,
    error: undefined,
    path,
  });
  useEffect(() => {
    if (!path) return;
    let stale = false;
    getJson<T>(path).then(
      (data) => !stale && setOut({ data, error: undefined, path }),
      (e: Error) =>
        !stale && setOut((o) => ({ data: o.path === path ? o.data : undefined, error: e.message, path })),
    );
    return () => {
      stale = true;
    };
  }, [path, version]);
  return out.path === path ? out : { data: undefined, error: undefined };
}

/** The current time, re-rendering every second (countdowns). */
export function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return now;
}
