import { governanceModule } from "../governance/module.js";
import { bankModule } from "../state-transition/bank.js";
import type { StateModule } from "../state-transition/module.js";

/** The state modules of the node, in end-of-block order. */
export function createModules(): StateModule[] {
  return [bankModule, governanceModule];
}
