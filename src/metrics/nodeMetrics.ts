import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** A bounded queue or cache as the chain lists it (chain/types.ts `Bound`; metrics sit beside chain/). */
export interface BoundView {
  name: string;
  size: number;
  capacity: number;
}

/** What a new head tells the metrics (chain/types.ts `NewHeadEvent`). */
export interface HeadView {
  durationMs: number;
  result: { txs: readonly unknown[] };
  reverted: readonly unknown[];
}

/** The node's Prometheus metrics (one registry per node, so tests can run several in a process). */
export class NodeMetrics {
  readonly registry = new Registry();
  readonly height = new Gauge({
    name: "xai_chain_height",
    help: "Height of the canonical head",
    registers: [this.registry],
  });
  readonly finalizedHeight = new Gauge({
    name: "xai_chain_finalized_height",
    help: "Highest final height",
    registers: [this.registry],
  });
  readonly blockApplySeconds = new Histogram({
    name: "xai_chain_block_apply_seconds",
    help: "Time to apply (or build) and commit a block",
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly blockTxs = new Counter({
    name: "xai_chain_txs_total",
    help: "Transactions included in canonical blocks",
    registers: [this.registry],
  });
  readonly reorgs = new Counter({
    name: "xai_chain_reorgs_total",
    help: "Reorgs",
    registers: [this.registry],
  });
  readonly mempoolSize = new Gauge({
    name: "xai_chain_mempool_size",
    help: "Pending transactions",
    registers: [this.registry],
  });
  readonly peers = new Gauge({
    name: "xai_chain_peers",
    help: "Connected peers",
    registers: [this.registry],
  });
  readonly gossipResults = new Counter({
    name: "xai_chain_gossip_results_total",
    help: "Gossip validation results by topic, result and code",
    labelNames: ["topic", "result", "code"],
    registers: [this.registry],
  });
  readonly rejectedTxs = new Counter({
    name: "xai_chain_rejected_txs_total",
    help: "Transactions refused at submission, by error code",
    labelNames: ["code"],
    registers: [this.registry],
  });
  readonly rejectedBlocks = new Counter({
    name: "xai_chain_rejected_blocks_total",
    help: "Blocks refused at import, by error code",
    labelNames: ["code"],
    registers: [this.registry],
  });

  readonly validators = new Gauge({
    name: "xai_chain_validators",
    help: "Validators in the set in force at the head (SPEC §4.8)",
    registers: [this.registry],
  });
  readonly reorgDepth = new Histogram({
    name: "xai_chain_reorg_depth",
    help: "Blocks reverted by each reorg",
    buckets: [1, 2, 3, 5, 8, 13, 21, 34, 64],
    registers: [this.registry],
  });
  readonly apiRequests = new Counter({
    name: "xai_api_requests_total",
    help: "HTTP API requests answered, by method, route template and status",
    labelNames: ["method", "route", "status"],
    registers: [this.registry],
  });
  readonly apiSeconds = new Histogram({
    name: "xai_api_request_duration_seconds",
    help: "Time to answer an HTTP API request, by method and route template",
    labelNames: ["method", "route"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly buildInfo = new Gauge({
    name: "xai_build_info",
    help: "Always 1; the labels say which release runs, on which Node.js, for which chain",
    labelNames: ["version", "node", "chain_id"],
    registers: [this.registry],
  });

  /** Counts a new head: its apply time, its transactions, and a reorg's depth. */
  observeHead(e: HeadView): void {
    this.blockApplySeconds.observe(e.durationMs / 1000);
    this.blockTxs.inc(e.result.txs.length);
    if (e.reverted.length === 0) return;
    this.reorgs.inc();
    this.reorgDepth.observe(e.reverted.length);
  }

  /**
   * Process metrics in this registry: prom-client's defaults (CPU, memory, event loop, GC), less
   * the three gauges it names `*_total` (`promtool check metrics` refuses a gauge so named).
   */
  collectProcessMetrics(): void {
    collectDefaultMetrics({ register: this.registry });
    for (const name of ["handles", "requests", "resources"])
      this.registry.removeSingleMetric(`nodejs_active_${name}_total`);
  }

  /** Bounds listed besides the node's (the API's event streams: api/eventStream.ts). */
  private readonly moreBounds = new Set<() => BoundView[]>();

  /** Adds bounds to those `trackBounds` shows; returns the function that removes them. */
  addBounds(fn: () => BoundView[]): () => void {
    this.moreBounds.add(fn);
    return () => this.moreBounds.delete(fn);
  }

  /**
   * Shows every bounded queue and cache `bounds` lists (read at each scrape): its size
   * (`xai_node_bound_size{bound}`) and its cap (`xai_node_bound_capacity{bound}`).
   */
  trackBounds(bounds: () => BoundView[]): void {
    const more = this.moreBounds;
    const all = () => [...bounds(), ...[...more].flatMap((f) => f())];
    const gauge = (name: string, help: string, pick: (b: BoundView) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ["bound"],
        registers: [this.registry],
        collect() {
          for (const b of all()) this.set({ bound: b.name }, pick(b));
        },
      });
    gauge("xai_node_bound_size", "Entries held by each bounded queue and cache of the node", (b) => b.size);
    gauge(
      "xai_node_bound_capacity",
      "The cap of each bounded queue and cache of the node",
      (b) => b.capacity,
    );
  }
}
