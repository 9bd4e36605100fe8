/**
 * How the harness sizes a cluster by its number of validators (docs/HARNESS.md, "Cluster size";
 * docs/SCALING.md). Up to SMALL_CLUSTER nodes everything is the node's default. Above it, on a
 * machine of a few cores, N processes share the cores: the settings below cut what each node
 * spends for nothing, and the harness gives blocks, governance periods and waits more time. None
 * of them changes how the chain applies a rule (the block time and the periods are genesis values
 * the harness chooses, as any network does) or an assertion of a scenario: a scenario waits
 * longer for the same outcome.
 */

import { type Preset, presetRules, type RuleValues } from "../src/config/genesis.js";

/** Clusters up to this size run with the node's defaults. */
export const SMALL_CLUSTER = 5;

/** Block time and wait budgets of a cluster. */
export interface ClusterTiming {
  /** The genesis block time. */
  blockTimeMs: number;
  /** Every harness wait (`waitFor`) may take this many times its budget. */
  waitScale: number;
  /** How long the cluster may take to start, peer and agree. */
  startTimeoutMs: number;
  /** The `test` preset's governance periods (all counted in blocks) are this many times longer. */
  periodScale: number;
}

/** The timing of a cluster of `nodes` validators. */
export function clusterTiming(nodes: number): ClusterTiming {
  if (nodes <= SMALL_CLUSTER)
    return { blockTimeMs: 1000, waitScale: 1, startTimeoutMs: 60_000, periodScale: 1 };
  // A slot must hold the proposer's block, its gossip to every node and their apply while all
  // processes share the cores: 2 s from 6 nodes on. The waits are counted in blocks by the
  // scenarios' logic, so they scale with the block time, and with the nodes' start and polling.
  // A step that waits for all 16 starved nodes took 2 to 4 blocks: a 5-block voting or review
  // period (2 for emergencies) ran out between a proposal's inclusion and the votes (docs/HARNESS.md).
  return { blockTimeMs: 2000, waitScale: 3, startTimeoutMs: 60_000 + 10_000 * nodes, periodScale: 3 };
}

/**
 * The governance rules a cluster's genesis sets: the preset's, then a scenario's own (`extra`,
 * periods it needs longer), all scaled by the timing's periodScale. Every rule the `test` preset
 * sets is a count of blocks, and so must a scenario's be.
 */
export function clusterRules(preset: Preset, timing: ClusterTiming, extra: RuleValues = {}): RuleValues {
  const rules = { ...(preset === "test" ? presetRules(preset) : {}), ...extra };
  for (const [name, v] of Object.entries(rules) as Array<[keyof RuleValues, string]>)
    rules[name] = String(Number(v) * timing.periodScale);
  return rules;
}

/**
 * Options of `xai-gov start` for every node of a cluster of `nodes`: above SMALL_CLUSTER no
 * signature worker threads (`--workers 0`): two per node would be 32 threads and isolates at 16
 * nodes, for a few transactions a second that the main thread verifies in 0.2 ms each.
 */
export function nodeArgs(nodes: number): string[] {
  return nodes > SMALL_CLUSTER ? ["--workers", "0"] : [];
}

/** Options of node itself for every node of a cluster (V8 heap settings), before the script. */
export function nodeFlags(nodes: number): string[] {
  return nodes > SMALL_CLUSTER ? [] : [];
}
