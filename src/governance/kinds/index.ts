/**
 * The proposal kinds (SPEC §4.4), one file each: the `CAPABILITIES` table and what the rest of the
 * node asks of a proposal's action through it. Validation and effect (proposals.ts, execution.ts),
 * the emergency track (tally.ts, voting.ts, the stage lengths of proposals.ts), the one JSON view of an action (`actionJson`, used by
 * the API's proposal and transaction views and so by the CLI's queries) and its inverse
 * (`actionFromJson`, the CLI's --payload). Adding a kind: its messages in proto/xai/gov/v1/tx.proto,
 * its codec in src/types/tx.ts and txCodec.ts, one file here and one row below.
 */
import type { RuleName } from "../../config/registry.js";
import type { BlockParams } from "../../state-transition/params.js";
import type { StateReader } from "../../state-transition/stateStore.js";
import type { ProposalAction, ProposalKind } from "../../types/tx.js";
import type { Json } from "../types.js";
import {
  type Capability,
  type EffectContext,
  type EffectResult,
  jsonFields,
  type KindAction,
  type Phase,
} from "./capability.js";
import { emergencyAction } from "./emergencyAction.js";
import { featureActivation, governanceRule, protocolParameter } from "./registryChange.js";
import { rollbackKind } from "./rollback.js";
import { softwareUpgrade } from "./softwareUpgrade.js";
import { treasuryAllocation } from "./treasuryAllocation.js";
import { validatorSet } from "./validatorSet.js";

/** What execution.ts runs an effect with and gets back, and the validation phases. */
export type { EffectContext, EffectResult, Phase } from "./capability.js";

/** One capability per proposal kind, in the order the CLI lists them. */
export const CAPABILITIES: { readonly [K in ProposalKind]: Capability<K> } = {
  protocol_parameter: protocolParameter,
  feature_activation: featureActivation,
  treasury_allocation: treasuryAllocation,
  emergency_action: emergencyAction,
  governance_rule: governanceRule,
  rollback: rollbackKind((kind) => capabilityOf(kind)),
  software_upgrade: softwareUpgrade,
  validator_set: validatorSet,
};

/** The capability of `kind`, typed for any action. */
function capabilityOf(kind: ProposalKind): Capability {
  return CAPABILITIES[kind] as Capability;
}

/** Every proposal kind. */
export const PROPOSAL_KINDS = Object.keys(CAPABILITIES) as readonly ProposalKind[];

/** True if `kind` names a proposal kind. */
export function isProposalKind(kind: string): kind is ProposalKind {
  return Object.hasOwn(CAPABILITIES, kind);
}

/** Validates a proposal's action at `phase` in the block at `height`; throws a GOV error. */
export function validateAction(
  state: StateReader,
  params: BlockParams,
  action: ProposalAction,
  phase: Phase,
  height: number,
): Promise<void> {
  return capabilityOf(action.kind).validate(state, params, action, phase, height);
}

/** Applies the effect of `ctx.proposal`'s action (after `validateAction(…, "execute")`). */
export function executeAction(ctx: EffectContext): Promise<EffectResult> {
  return capabilityOf(ctx.proposal.action.kind).execute(ctx, ctx.proposal.action);
}

/** True if the action is on the emergency track (emergency approval and timelock). */
export function isEmergency(action: ProposalAction): boolean {
  return capabilityOf(action.kind).emergency;
}

/** The lengths in blocks of a proposal's three stages. */
export interface StagePeriods {
  voting: number;
  review: number;
  implementation: number;
}

/**
 * The stage lengths of a proposal with `action` under `rule` (its rules snapshot): an emergency
 * proposal spends `emergency_period_blocks` in each stage instead of the regular periods (U5).
 */
export function stagePeriods(action: ProposalAction, rule: (name: RuleName) => bigint): StagePeriods {
  if (isEmergency(action)) {
    const n = Number(rule("emergency_period_blocks"));
    return { voting: n, review: n, implementation: n };
  }
  return {
    voting: Number(rule("voting_period_blocks")),
    review: Number(rule("review_period_blocks")),
    implementation: Number(rule("implementation_period_blocks")),
  };
}

/** The JSON view of an action: its kind's payload fields in the names of SPEC §6, without `kind`. */
export function actionJson(action: ProposalAction): Json {
  return capabilityOf(action.kind).toJson(action);
}

/**
 * The inverse of `actionJson`: the action of `kind` from its payload fields. `fail` raises the
 * caller's error for a missing or mistyped field.
 */
export function actionFromJson<K extends ProposalKind>(
  kind: K,
  fields: Json,
  fail: (message: string) => never,
): KindAction<K> {
  return CAPABILITIES[kind].fromJson(jsonFields(fields, kind, fail)) as KindAction<K>;
}

/** The --payload help of every kind, in `PROPOSAL_KINDS` order. */
export function payloadHelp(): string {
  return PROPOSAL_KINDS.map((k) => CAPABILITIES[k].payloadHelp).join(" | ");
}
