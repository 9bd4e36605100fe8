/**
 * The clients of `GET /events` (eventRoutes.ts): each has a cursor, the next canonical height it
 * is owed. A client pumps blocks from the cursor up to the head, reading the EVENTS bucket and the
 * block `pageBlocks` at a time (history streams in pages), so replay and live delivery are one
 * path: no gap, no duplicate. A reorg below the cursor sends a `reorg` message and moves the cursor
 * back to the block after the common ancestor. A client whose unsent bytes pass `maxBufferedBytes`
 * is dropped, never waited for: the chain is never slowed and memory stays bounded.
 */
import type { Chain, NewHeadEvent } from "../chain/chain.js";
import { slotStartMs } from "../chain/slots.js";
import type { Bound } from "../chain/types.js";
import type { StoredEvent } from "../db/chainDb.js";

/** The bounds of the event stream (docs/API.md `GET /events`). */
export interface EventStreamLimits {
  /** Most clients streaming at once; one more gets 503 EVENT_STREAM_FULL. */
  maxClients: number;
  /** Most bytes written to a client and not yet taken by its socket; over it the client is dropped. */
  maxBufferedBytes: number;
  /** Most blocks one pump step reads before it yields. */
  pageBlocks: number;
  /** Interval of the `: keep-alive` comment lines. */
  keepAliveMs: number;
  /** Most new heads a client may stay blocked (its socket full, not draining) before it is dropped. */
  maxStalledHeads: number;
}

export const DEFAULT_EVENT_LIMITS: EventStreamLimits = {
  maxClients: 32,
  maxBufferedBytes: 1 << 20,
  pageBlocks: 64,
  keepAliveMs: 15_000,
  maxStalledHeads: 64,
};

/** Where a client's messages go: the raw HTTP response (or a test's stand-in). */
export interface EventSink {
  write(chunk: string): boolean;
  readonly writableLength: number;
  destroy(): void;
  once(event: "drain" | "close", fn: () => void): unknown;
  off(event: "drain" | "close", fn: () => void): unknown;
}

/** Where a stream starts: `height`, skipping that block's messages with index ≤ `afterIndex`. */
export interface StreamStart {
  height: number;
  afterIndex: number;
}

/** One SSE message: `id`, `event` and one line of JSON data. */
export function sseMessage(id: string, type: string, data: Record<string, unknown>): string {
  return `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A streaming client (see the file header). */
export class EventClient {
  private cursor: number;
  private afterIndex: number;
  private reorgAncestor: number | undefined;
  private pumping = false;
  private full = false;
  /** Ends the wait for `drain` (the client ended meanwhile). */
  private wake: (() => void) | undefined;
  /** Set while the pump waits for the socket to drain: the heads seen meanwhile. */
  private stalled: number | undefined;
  private dirty = true;
  closed = false;
  /** Why the client ended: "dropped" (too slow), "closed" (it left or the node stopped). */
  endReason: "dropped" | "closed" | undefined;

  constructor(
    private readonly chain: Chain,
    private readonly sink: EventSink,
    private readonly limits: EventStreamLimits,
    start: StreamStart,
    private readonly onEnd: (c: EventClient) => void,
  ) {
    this.cursor = start.height;
    this.afterIndex = start.afterIndex;
  }

  /** The chain moved its head: note a reorg below the cursor, then pump. */
  onHead(e: NewHeadEvent): void {
    if (e.reverted.length > 0) {
      const ancestor = Math.min(...e.reverted.map((b) => b.header.height)) - 1;
      this.reorgAncestor = Math.min(this.reorgAncestor ?? ancestor, ancestor);
    }
    if (this.stalled !== undefined && ++this.stalled > this.limits.maxStalledHeads) this.end("dropped");
    this.kick();
  }

  /** Starts (or re-runs) the pump. */
  kick(): void {
    this.dirty = true;
    if (!this.pumping) void this.pump();
  }

  /** Bytes written and not yet taken by the socket. */
  get buffered(): number {
    return this.sink.writableLength;
  }

  /** Writes a chunk; drops the client if its unsent bytes pass the cap. */
  send(chunk: string): void {
    if (this.closed) return;
    // false: the socket's buffer is full; the pump waits for its `drain` before the next page.
    this.full = !this.sink.write(chunk);
    if (this.sink.writableLength > this.limits.maxBufferedBytes) this.end("dropped");
  }

  /** Ends the stream (idempotent). */
  end(reason: "dropped" | "closed"): void {
    if (this.closed) return;
    this.closed = true;
    this.endReason = reason;
    this.sink.destroy();
    this.wake?.();
    this.onEnd(this);
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.dirty && !this.closed) {
        this.dirty = false;
        while (!this.closed) {
          this.applyReorg();
          if (this.cursor > this.chain.head.height) break;
          await this.page();
          // A page at a time: other clients and the chain get their turn; the next page waits
          // until the socket took this one (history is read as fast as the client reads).
          if (this.full) await this.drained();
          else await new Promise((r) => setImmediate(r));
        }
      }
    } catch {
      this.end("closed");
    } finally {
      this.pumping = false;
    }
  }

  private drained(): Promise<void> {
    this.stalled = 0;
    return new Promise<void>((resolve) => {
      const done = () => {
        this.sink.off("drain", done);
        this.sink.off("close", done);
        this.stalled = undefined;
        this.wake = undefined;
        resolve();
      };
      this.wake = done;
      this.sink.once("drain", done);
      this.sink.once("close", done);
    });
  }

  private applyReorg(): void {
    const a = this.reorgAncestor;
    if (a === undefined) return;
    this.reorgAncestor = undefined;
    if (this.cursor - 1 <= a) return;
    this.send(sseMessage(`${a}:reorg`, "reorg", { type: "reorg", height: a, common_height: a }));
    this.cursor = a + 1;
    this.afterIndex = -1;
  }

  private async page(): Promise<void> {
    const last = Math.min(this.chain.head.height, this.cursor + this.limits.pageBlocks - 1);
    for (let h = this.cursor; h <= last && !this.closed && this.reorgAncestor === undefined; h++) {
      const block = await this.chain.blockAt(h);
      if (!block) return;
      const events = await this.chain.db.getEvents(h);
      let out = "";
      events.forEach((e, i) => {
        if (i > this.afterIndex) out += sseMessage(`${h}:${i}`, e.type, eventData(h, e));
      });
      if (events.length > this.afterIndex) {
        const head = {
          type: "head",
          height: h,
          hash: block.hashHex,
          slot: block.header.slot,
          time_ms: slotStartMs(this.chain.genesis, block.header.slot),
          event_count: events.length,
        };
        out += sseMessage(`${h}:${events.length}`, "head", head);
      }
      if (out) this.send(out);
      this.cursor = h + 1;
      this.afterIndex = -1;
    }
  }
}

/** The `data` of a governance event message. */
export function eventData(height: number, e: StoredEvent): Record<string, unknown> {
  return { type: e.type, height, tx_id: e.tx_id ?? null, attributes: e.attributes };
}

/** Every streaming client of one API: admission under the cap, head fan-out, keep-alive, shutdown. */
export class EventHub {
  private readonly clients = new Set<EventClient>();
  private timer: NodeJS.Timeout | undefined;
  private readonly listener = (e: NewHeadEvent) => {
    for (const c of this.clients) c.onHead(e);
  };
  /** Clients dropped for not draining (a counter for tests and metrics). */
  dropped = 0;

  constructor(
    private readonly chain: Chain,
    readonly limits: EventStreamLimits,
  ) {}

  get size(): number {
    return this.clients.size;
  }

  /** Adds a client, or returns undefined when the hub is full. */
  open(sink: EventSink, start: StreamStart): EventClient | undefined {
    if (this.clients.size >= this.limits.maxClients) return undefined;
    if (this.clients.size === 0) {
      this.chain.on("head", this.listener);
      this.timer = setInterval(() => {
        for (const c of this.clients) c.send(": keep-alive\n\n");
      }, this.limits.keepAliveMs);
      this.timer.unref();
    }
    const client = new EventClient(this.chain, sink, this.limits, start, (c) => this.remove(c));
    this.clients.add(client);
    client.kick();
    return client;
  }

  /**
   * The hub's bounds (`xai_node_bound_size{bound}`): streaming clients, and the most unsent bytes of
   * any one client.
   */
  bounds(): Bound[] {
    let most = 0;
    for (const c of this.clients) most = Math.max(most, c.buffered);
    return [
      { name: "event_stream_clients", size: this.clients.size, capacity: this.limits.maxClients },
      { name: "event_stream_client_bytes", size: most, capacity: this.limits.maxBufferedBytes },
    ];
  }

  /** Ends every stream (the server is closing). */
  closeAll(): void {
    for (const c of [...this.clients]) c.end("closed");
  }

  private remove(c: EventClient): void {
    if (!this.clients.delete(c)) return;
    if (c.endReason === "dropped") this.dropped++;
    if (this.clients.size === 0) {
      this.chain.off("head", this.listener);
      clearInterval(this.timer);
    }
  }
}
