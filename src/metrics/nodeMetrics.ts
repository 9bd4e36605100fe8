import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Bound } from "../chain/types.js";

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

  /**
   * Shows every bounded queue and cache `bounds` lists (read at each scrape): its size
   * (`xai_node_bound_size{bound}`) and its cap (`xai_node_bound_capacity{bound}`).
   */
  trackBounds(bounds: () => Bound[]): void {
    const gauge = (name: string, help: string, pick: (b: Bound) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ["bound"],
        registers: [this.registry],
        collect() {
          for (const b of bounds()) this.set({ bound: b.name }, pick(b));
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
