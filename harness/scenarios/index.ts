import type { Scenario } from "../scenario.js";
import { forkExecution } from "./forkExecution.js";
import { lifecycle } from "./lifecycle.js";
import { partition } from "./partition.js";
import { pause } from "./pause.js";
import { payloadSwap } from "./payloadSwap.js";
import { restart } from "./restart.js";
import { rogue } from "./rogue.js";
import { rollback } from "./rollback.js";
import { timelock } from "./timelock.js";
import { treasury } from "./treasury.js";
import { underpowered } from "./underpowered.js";
import { upgrade } from "./upgrade.js";
import { validatorHeal } from "./validatorHeal.js";
import { validators } from "./validators.js";

/** Every scenario, in the order `npm run harness` runs them. */
export const SCENARIOS: Scenario[] = [
  lifecycle,
  underpowered,
  timelock,
  pause,
  treasury,
  rollback,
  restart,
  partition,
  forkExecution,
  payloadSwap,
  rogue,
  validators,
  validatorHeal,
  upgrade,
];

/** The CI-sized subset of `npm run harness:quick` (and of the mocha test). */
export const QUICK_SCENARIOS = ["lifecycle", "partition"];
