/**
 * User-space TCP proxies for the chaos harness: one per ordered link i→j (node i dials it, it
 * forwards to node j). A TCP stream cannot lose or reorder bytes, so what a proxy models is what
 * TCP makes of a bad network: latency and jitter per chunk (order kept within a connection), a
 * lost segment as a retransmission stall (a chunk held back by an RTO with probability `loss`),
 * connection resets, and cut links (existing sockets destroyed, new ones refused at once).
 * Reordering happens across connections and peers, each link having its own delays.
 */
import { createServer, connect as netConnect, type Server, type Socket } from "node:net";
import { FAULT_LEVELS, type LinkFaults } from "./schedule.js";

/** A host and port. */
export interface Endpoint {
  host: string;
  port: number;
}

/** Counters of a link. */
export interface LinkStats {
  accepted: number;
  refused: number;
  chunks: number;
  bytes: number;
  stalls: number;
  resets: number;
  cutSockets: number;
}

// Past this many bytes waiting in one direction, the source is paused until the queue drains.
const HIGH_WATER = 4 * 1024 * 1024;

/** The proxy of one ordered link. */
export class LinkProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private faults: LinkFaults = FAULT_LEVELS.calm!;
  private cut = false;
  readonly stats: LinkStats = {
    accepted: 0,
    refused: 0,
    chunks: 0,
    bytes: 0,
    stalls: 0,
    resets: 0,
    cutSockets: 0,
  };

  constructor(
    readonly name: string,
    private readonly listenAt: Endpoint,
    /** Where the link goes; a function is read at each connection (a node's port, known once it runs). */
    private readonly target: Endpoint | (() => Endpoint),
    private readonly rand: () => number,
  ) {}

  /** Listens (port 0: one the OS picks) and returns the address node i dials. */
  async start(): Promise<Endpoint> {
    const server = createServer((s) => this.accept(s));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: this.listenAt.host, port: this.listenAt.port, exclusive: true }, () => resolve());
    });
    const a = server.address();
    return { host: this.listenAt.host, port: typeof a === "object" && a ? a.port : this.listenAt.port };
  }

  /** The faults applied from now on (to every open connection too). */
  setFaults(f: LinkFaults): void {
    this.faults = f;
  }

  /** Cuts the link (every socket destroyed, new ones refused) or restores it. */
  setCut(cut: boolean): void {
    this.cut = cut;
    if (!cut) return;
    for (const s of this.sockets) {
      this.stats.cutSockets++;
      s.resetAndDestroy();
    }
    this.sockets.clear();
  }

  get isCut(): boolean {
    return this.cut;
  }

  private accept(client: Socket): void {
    if (this.cut) {
      this.stats.refused++;
      client.resetAndDestroy();
      return;
    }
    this.stats.accepted++;
    const to = typeof this.target === "function" ? this.target() : this.target;
    const upstream = netConnect({ host: to.host, port: to.port });
    const close = () => {
      this.sockets.delete(client);
      this.sockets.delete(upstream);
      if (!client.destroyed) client.destroy();
      if (!upstream.destroyed) upstream.destroy();
    };
    for (const s of [client, upstream]) {
      s.setNoDelay(true);
      this.sockets.add(s);
      s.on("error", close);
      s.on("close", close);
    }
    this.pump(client, upstream, close);
    this.pump(upstream, client, close);
  }

  // Forwards src → dst, each chunk at now + latency + jitter (+ a stall), never before the chunk
  // ahead of it: one FIFO and one timer per direction.
  private pump(src: Socket, dst: Socket, close: () => void): void {
    const queue: Array<{ at: number; chunk: Buffer }> = [];
    let queued = 0;
    let last = 0;
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      timer = undefined;
      const now = Date.now();
      while (queue.length > 0 && queue[0]!.at <= now) {
        const { chunk } = queue.shift()!;
        queued -= chunk.length;
        if (!dst.destroyed) dst.write(chunk);
      }
      if (queued < HIGH_WATER && src.isPaused()) src.resume();
      if (queue.length > 0) timer = setTimeout(flush, queue[0]!.at - now);
    };
    src.on("data", (chunk: Buffer) => {
      const f = this.faults;
      this.stats.chunks++;
      this.stats.bytes += chunk.length;
      if (f.reset > 0 && this.rand() < f.reset) {
        this.stats.resets++;
        close();
        return;
      }
      let at = Date.now() + f.latencyMs + Math.floor(this.rand() * f.jitterMs);
      if (f.loss > 0 && this.rand() < f.loss) {
        this.stats.stalls++;
        at += f.stallMs;
      }
      at = Math.max(at, last);
      last = at;
      queue.push({ at, chunk });
      queued += chunk.length;
      if (queued >= HIGH_WATER) src.pause();
      if (timer === undefined) timer = setTimeout(flush, Math.max(0, queue[0]!.at - Date.now()));
    });
    src.on("close", () => {
      if (timer) clearTimeout(timer);
    });
  }

  /** Closes the listener and every socket. */
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** Every link of a network of `n` nodes: `link(i, j)` is the one node i dials to reach node j. */
export class ProxyMesh {
  constructor(
    readonly n: number,
    private readonly links: Map<string, LinkProxy>,
  ) {}

  link(i: number, j: number): LinkProxy {
    return this.links.get(`${i}>${j}`)!;
  }

  /** Every link, in the order i→j by i then j. */
  all(): LinkProxy[] {
    return [...this.links.values()];
  }

  /** The same faults on every link. */
  setFaults(f: LinkFaults): void {
    for (const l of this.links.values()) l.setFaults(f);
  }

  /** Cuts every link between two groups (both directions); restores every other link. */
  partition(groups: number[][]): void {
    const groupOf = new Map(groups.flatMap((g, k) => g.map((i) => [i, k] as const)));
    for (let i = 0; i < this.n; i++)
      for (let j = 0; j < this.n; j++) if (i !== j) this.link(i, j).setCut(groupOf.get(i) !== groupOf.get(j));
  }

  /** Restores every link. */
  heal(): void {
    for (const l of this.links.values()) l.setCut(false);
  }

  /** Sum of every link's counters. */
  totals(): LinkStats {
    const t: LinkStats = {
      accepted: 0,
      refused: 0,
      chunks: 0,
      bytes: 0,
      stalls: 0,
      resets: 0,
      cutSockets: 0,
    };
    for (const l of this.links.values())
      for (const k of Object.keys(t) as Array<keyof LinkStats>) t[k] += l.stats[k];
    return t;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.links.values()].map((l) => l.stop()));
  }
}
