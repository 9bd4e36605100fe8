import type { Cluster, ClusterOptions } from "./cluster.js";

/** What a scenario gets: its own fresh cluster and a way to record what it checked. */
export interface ScenarioContext {
  cluster: Cluster;
  /** True under --quick (scenarios may skip optional steps). */
  quick: boolean;
  /** Records a check that passed (printed and kept in the report). */
  check(description: string): void;
  /** Records a fact for the report (ids, heights, counts). */
  note(key: string, value: unknown): void;
  /** Progress message. */
  log(msg: string): void;
}

/** A harness scenario. */
export interface Scenario {
  /** Short name used by --only. */
  name: string;
  /** One line: what it proves. */
  title: string;
  /** Fewest nodes it needs (default 3). */
  minNodes?: number;
  /** Validators of its cluster whatever `--nodes` says (a scenario whose forks need an exact split). */
  nodes?: number;
  /** Cluster options of this scenario (default: the `test` preset, 1 s blocks; `rules`: windows it needs longer). */
  cluster?: Pick<ClusterOptions, "preset" | "blockTimeMs" | "rules">;
  run(ctx: ScenarioContext): Promise<void>;
}
