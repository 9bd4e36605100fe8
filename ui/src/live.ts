/**
 * The dashboard's live view of the chain: the server-sent event stream `GET /events` first (one
 * `head` per block, and every governance event), polling `GET /status` as the fallback while the
 * stream is down or absent. Every head or event bumps `version`; pages refetch what they show when
 * it changes. The stream resumes from the last height seen after a reconnect.
 */

export type LiveMode = "connecting" | "stream" | "polling";

export interface LiveState {
  /** Bumped on every head and every governance event. */
  version: number;
  /** The highest head height seen. */
  height: number;
  mode: LiveMode;
  /** The type of the last governance event seen (not `head`), for the status line. */
  lastEvent: string | null;
}

const GOV_EVENTS = [
  "proposal_submitted",
  "vote_cast",
  "review_submitted",
  "implementation_vote",
  "proposal_status",
  "proposal_queued",
  "proposal_executed",
  "execution_failed",
  "proposal_expired",
  "rollback",
  "emergency_action",
  "fiat_unlock_vote",
  "fiat_unlocked",
  "upgrade_scheduled",
  "upgrade_cancelled",
  "upgrade_applied",
  "validator_change",
  // The chain reverted below what was sent: everything shown may have changed.
  "reorg",
];

const POLL_MS = 1000;
/** While polling, how often the stream is tried again. */
const RETRY_STREAM_MS = 10_000;

let state: LiveState = { version: 0, height: 0, mode: "connecting", lastEvent: null };
const listeners = new Set<(s: LiveState) => void>();
let source: EventSource | undefined;
let pollTimer: ReturnType<typeof setInterval> | undefined;
let retryTimer: ReturnType<typeof setTimeout> | undefined;

function set(patch: Partial<LiveState>, bump: boolean): void {
  state = { ...state, ...patch, version: state.version + (bump ? 1 : 0) };
  for (const l of listeners) l(state);
}

function onHead(e: MessageEvent): void {
  try {
    const d = JSON.parse(e.data) as { height?: number };
    set({ height: Math.max(state.height, d.height ?? 0), mode: "stream" }, true);
  } catch {
    set({ mode: "stream" }, true);
  }
}

function startPolling(): void {
  if (pollTimer) return;
  set({ mode: "polling" }, false);
  const poll = async () => {
    try {
      const r = await fetch("/status");
      const s = (await r.json()) as { height: number };
      if (s.height !== state.height) set({ height: s.height }, true);
    } catch {
      // the node is down: keep polling
    }
  };
  void poll();
  pollTimer = setInterval(poll, POLL_MS);
  retryTimer = setTimeout(openStream, RETRY_STREAM_MS);
}

function stopPolling(): void {
  if (pollTimer) clearInterval(pollTimer);
  if (retryTimer) clearTimeout(retryTimer);
  pollTimer = undefined;
  retryTimer = undefined;
}

function openStream(): void {
  if (typeof EventSource === "undefined") {
    startPolling();
    return;
  }
  source?.close();
  // First connection: from the head on (the pages fetch the state themselves); after a drop, from
  // the block after the last head seen, so no event in between is lost.
  const es = new EventSource(state.height > 0 ? `/events?from_height=${state.height + 1}` : "/events");
  source = es;
  es.addEventListener("open", () => {
    stopPolling();
    set({ mode: "stream" }, true);
  });
  es.addEventListener("head", onHead);
  for (const type of GOV_EVENTS)
    es.addEventListener(type, () => set({ lastEvent: type, mode: "stream" }, true));
  es.addEventListener("error", () => {
    // The stream dropped (or this node has none): poll until it is back.
    es.close();
    if (source === es) source = undefined;
    startPolling();
  });
}

let started = false;

/** Starts the live view (once): the head height from /status, then the stream from the next block. */
export function startLive(): void {
  if (started) return;
  started = true;
  fetch("/status")
    .then((r) => r.json() as Promise<{ height: number }>)
    .then((s) => set({ height: s.height }, false))
    .catch(() => undefined)
    .finally(openStream);
}

/** Subscribes to the live state; returns the unsubscribe function. */
export function subscribe(l: (s: LiveState) => void): () => void {
  listeners.add(l);
  l(state);
  return () => listeners.delete(l);
}

export function liveState(): LiveState {
  return state;
}
