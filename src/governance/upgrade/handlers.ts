/**
 * Upgrade handlers (SPEC v2 §4.7): the upgrade names a release knows, each with its deterministic
 * migration, run at the start of the plan's height (beginBlock.ts). A release's table is
 * `PRODUCTION_UPGRADES`; the node adds test upgrades only when told to (`XAI_TEST_UPGRADES`, see
 * src/node/upgrades.ts), so that an "old" and a "new" release are one build with two known sets.
 * `PRODUCTION_UPGRADES` never holds a test upgrade (a test checks it). Adding an upgrade: one
 * handler here, the registry entries it adds with `since` = its name (src/config/registry.ts),
 * and its row in docs/MODULE_REGISTRY.md.
 */
import { type RegistrySpace, registryEntries } from "../../config/registry.js";
import { getRegistryRaw, putRegistryRaw } from "../../state-transition/params.js";
import type { StateWriter } from "../../state-transition/stateStore.js";
import { markRegistryWrite } from "../registryWrites.js";
import type { Change } from "../types.js";
import type { UpgradePlan } from "./plan.js";

/** What a migration runs with: the block's overlay (before any transaction) and the plan. */
export interface MigrationContext {
  state: StateWriter;
  height: number;
  plan: UpgradePlan;
}

/** One upgrade a release can apply. */
export interface UpgradeHandler {
  readonly name: string;
  /** Test upgrades are only known when the node is started with them. */
  readonly test: boolean;
  /** What it changes, for operators (docs/MODULE_REGISTRY.md lists the same). */
  readonly description: string;
  /** The migration: deterministic state changes, returned as changed values (the history records them). */
  migrate(ctx: MigrationContext): Promise<Change[]>;
}

/** The upgrades a node knows, by name. */
export type UpgradeSet = ReadonlyMap<string, UpgradeHandler>;

/**
 * Brings into force every registry entry added by upgrade `name` (`since` = name), with its
 * default as initial value, written as the plan's proposal (the last-writer rule of rollbacks).
 */
export async function introduceRegistryEntries(ctx: MigrationContext, name: string): Promise<Change[]> {
  const changes: Change[] = [];
  for (const space of ["param", "feature", "rule"] as RegistrySpace[])
    for (const e of registryEntries(space)) {
      if (e.since !== name) continue;
      const before = await getRegistryRaw(ctx.state, space, e.name);
      putRegistryRaw(ctx.state, space, e.name, e.default);
      markRegistryWrite(ctx.state, space, e.name, ctx.plan.number);
      changes.push({ space, key: e.name, before, after: e.default });
    }
  return changes;
}

/** v2-test: the test upgrade. Adds the chain parameter `min_transfer_amount` (1,000 units). */
export const V2_TEST: UpgradeHandler = {
  name: "v2-test",
  test: true,
  description: "adds the chain parameter min_transfer_amount (initial value 1,000 units), read by the bank",
  migrate: (ctx) => introduceRegistryEntries(ctx, "v2-test"),
};

/** The upgrades of this release. Never a test upgrade. */
export const PRODUCTION_UPGRADES: readonly UpgradeHandler[] = [];

/** Test upgrades, known only when the node is started with them. */
export const TEST_UPGRADES: readonly UpgradeHandler[] = [V2_TEST];

/** The set of `handlers` by name. */
export function upgradeSet(handlers: readonly UpgradeHandler[]): UpgradeSet {
  return new Map(handlers.map((h) => [h.name, h]));
}

/** The test upgrade named `name`, or undefined. */
export function findTestUpgrade(name: string): UpgradeHandler | undefined {
  return TEST_UPGRADES.find((t) => t.name === name);
}

/** The upgrades a node knows: this release's, plus `tests` (from findTestUpgrade) on test chains. */
export function knownUpgrades(tests: readonly UpgradeHandler[] = []): UpgradeSet {
  return upgradeSet([...PRODUCTION_UPGRADES, ...tests]);
}
