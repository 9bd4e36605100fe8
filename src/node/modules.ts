import { createGovernanceModule } from "../governance/module.js";
import { knownUpgrades, type UpgradeSet } from "../governance/upgrade/handlers.js";
import { bankModule } from "../state-transition/bank.js";
import type { StateModule } from "../state-transition/module.js";

/** The state modules of the node, in end-of-block order, for a release that knows `upgrades`. */
export function createModules(upgrades: UpgradeSet = knownUpgrades()): StateModule[] {
  return [bankModule, createGovernanceModule(upgrades)];
}
