/**
 * The upgrades this node's release knows (SPEC v2 §4.7): the production set, plus test upgrades
 * named in `XAI_TEST_UPGRADES` (comma-separated, e.g. `v2-test`) or the start option
 * `testUpgrades`, so that tests and the harness run an "old" and a "new" release from one build.
 * A production node sets neither, and knows no test upgrade.
 */
import { xaiError } from "../errors.js";
import {
  findTestUpgrade,
  knownUpgrades,
  TEST_UPGRADES,
  type UpgradeSet,
} from "../governance/upgrade/handlers.js";
import { listAppliedUpgrades } from "../governance/upgrade/plan.js";
import type { StateReader } from "../state-transition/stateStore.js";
import { NodeErrorCode } from "./errors.js";

/** Environment variable naming the test upgrades a node knows. */
export const TEST_UPGRADES_ENV = "XAI_TEST_UPGRADES";

/** Exit code of `xai-gov start` when the node halted for an upgrade its release does not know. */
export const UPGRADE_NEEDED_EXIT_CODE = 3;

/** The test upgrade names of a comma-separated list ("" or undefined: none). */
export function parseTestUpgrades(list: string | undefined): string[] {
  return (list ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** The known set of a node started with `testNames`; BAD_OPTION for a name that is no test upgrade. */
export function nodeUpgrades(testNames: readonly string[]): UpgradeSet {
  return knownUpgrades(
    testNames.map((n) => {
      const h = findTestUpgrade(n);
      if (!h)
        throw xaiError(NodeErrorCode.BAD_OPTION, `no test upgrade named ${n}`, {
          known: TEST_UPGRADES.map((t) => t.name),
        });
      return h;
    }),
  );
}

/**
 * Refuses a database that applied an upgrade `known` lacks (UNKNOWN_APPLIED_UPGRADE): a release
 * older than the chain would apply later blocks under rules the chain has left behind.
 */
export async function checkAppliedUpgrades(state: StateReader, known: UpgradeSet): Promise<void> {
  for (const u of await listAppliedUpgrades(state))
    if (!known.has(u.name))
      throw xaiError(
        NodeErrorCode.UNKNOWN_APPLIED_UPGRADE,
        `this database applied upgrade ${u.name} at height ${u.height}, which this release does not know: run a release that knows it`,
        { name: u.name, height: u.height },
      );
}
