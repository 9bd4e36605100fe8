/**
 * The halt for an upgrade (SPEC v2 §4.7). When a block at a plan's height cannot be applied because
 * this release does not know the upgrade (GOV_UPGRADE_NEEDED, from the governance module's start of
 * block, in block production, import, sync and reorg alike), the chain notes it once: a clear log
 * line and an `upgradeNeeded` event (the node then stops with its exit code and shows it at
 * `/status`). From then on the chain refuses to produce or import anything: the block is never
 * marked invalid (a release that knows the upgrade applies it), and no state is written for it.
 */
import { isXaiError, type XaiError, xaiError } from "../errors.js";
import { GovErrorCode } from "../governance/errors.js";
import type { UpgradeNeeded } from "../governance/upgrade/beginBlock.js";
import type { Logger } from "../logger.js";

/** True if `err` says the block needs an upgrade this release does not know. */
export function isUpgradeNeeded(err: unknown): err is XaiError {
  return isXaiError(err) && err.code === GovErrorCode.UPGRADE_NEEDED;
}

/** Whether, and for which plan, the chain has halted. */
export class UpgradeHalt {
  private plan: UpgradeNeeded | undefined;

  constructor(
    private readonly log: Logger,
    private readonly onHalt: (plan: UpgradeNeeded) => void,
  ) {}

  /** The plan the chain halted for, or undefined while it runs. */
  get needed(): UpgradeNeeded | undefined {
    return this.plan;
  }

  /** Notes `err` if it is GOV_UPGRADE_NEEDED (the first time: log and event); returns `err`. */
  note(err: unknown): unknown {
    if (!isUpgradeNeeded(err) || this.plan) return err;
    const plan = err.data as UpgradeNeeded;
    this.plan = { name: plan.name, height: plan.height, info: plan.info };
    this.log.warn(
      { upgrade: this.plan },
      `UPGRADE NEEDED: upgrade "${plan.name}" at height ${plan.height}; this release does not know it. ` +
        `Halting before block ${plan.height}: install the release (${plan.info}) and restart.`,
    );
    this.onHalt(this.plan);
    return err;
  }

  /** Notes `err` (as `note`) and throws it: a promise's `.catch`. */
  readonly rethrow = (err: unknown): never => {
    throw this.note(err);
  };

  /** Throws GOV_UPGRADE_NEEDED once halted: nothing more is produced or imported. */
  check(): void {
    if (this.plan)
      throw xaiError(
        GovErrorCode.UPGRADE_NEEDED,
        `halted for upgrade ${this.plan.name} at ${this.plan.height}`,
        {
          ...this.plan,
        },
      );
  }
}
