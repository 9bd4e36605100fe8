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
