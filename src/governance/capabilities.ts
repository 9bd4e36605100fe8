/**
 * The capability registry (SPEC §4.4): what each proposal kind may change, how its payload is
 * validated (at submission and again at execution, against the state of that moment) and what its
 * effect writes. Only what is listed here can change; values and bounds come from
 * src/config/registry.ts.
 */

import { DEPOSIT_ESCROW_ADDRESS, TREASURY_ADDRESS } from "../config/addresses.js";
import {
  CROSS_RULES,
  isCanonicalDecimal,
  parseRegistryValue,
  type RegistrySpace,
  registryEntries,
  registryEntry,
} from "../config/registry.js";
import { isAddress } from "../crypto/keys.js";
import { xaiError } from "../errors.js";
import { addBalance, getAccount } from "../state-transition/accounts.js";
import { type BlockParams, featureOf, getRegistryRaw, putRegistryRaw } from "../state-transition/params.js";
import type { StateReader, StateWriter } from "../state-transition/stateStore.js";
import type { ProposalAction, ProposalKind } from "../types/tx.js";
import { GovErrorCode } from "./errors.js";
import { type EventSink, emit } from "./events.js";
import { isTerminal } from "./lifecycle.js";
import type { Change, Proposal } from "./records.js";
import { lastRegistryWrite, markRegistryWrite } from "./registryWrites.js";
import { setStatus } from "./status.js";
import { loadProposal } from "./store.js";
import { TEXT_LIMITS } from "./text.js";

/** When a payload is validated: at submission or at execution. */
export type Phase = "submit" | "execute";

/** What an effect runs with: a scratch overlay that is committed only if the whole effect succeeds. */
export interface EffectContext {
  state: StateWriter;
  params: BlockParams;
  height: number;
  proposal: Proposal;
  sink: EventSink;
}

/** What an effect did: every changed value, and the proposal it acted on (rollback, cancel_queued). */
export interface EffectResult {
  changes: Change[];
  target: string;
}

/** A proposal kind's validation and effect. */
export interface Capability {
  validate(state: StateReader, params: BlockParams, action: ProposalAction, phase: Phase): Promise<void>;
  execute(ctx: EffectContext): Promise<EffectResult>;
}

/** A registry value to be written: space, name and canonical value. */
interface RegistryWrite {
  space: RegistrySpace;
  name: string;
  raw: string;
}

/** Throws GOV_CROSS_RULE_VIOLATION if the registry, with `writes` applied, breaks a cross rule. */
export async function checkCrossRules(state: StateReader, writes: RegistryWrite[]): Promise<void> {
  const values = new Map<string, bigint>();
  for (const space of ["param", "feature", "rule"] as RegistrySpace[])
    for (const e of registryEntries(space)) {
      if (e.type === "address") continue; // cross rules compare numbers and flags only
      const raw = await getRegistryRaw(state, space, e.name);
      values.set(`${space}:${e.name}`, e.type === "bool" ? (raw === "true" ? 1n : 0n) : BigInt(raw));
    }
  for (const w of writes) {
    const e = registryEntry(w.space, w.name)!;
    if (e.type === "address") continue;
    values.set(`${w.space}:${w.name}`, e.type === "bool" ? (w.raw === "true" ? 1n : 0n) : BigInt(w.raw));
  }
  for (const c of CROSS_RULES)
    if (!c.holds((space, name) => values.get(`${space}:${name}`) ?? 0n))
      throw xaiError(GovErrorCode.CROSS_RULE_VIOLATION, `would break ${c.description}`, { rule: c.id });
}

/** Throws unless `raw` is a valid value of a registered entry. */
function checkRegistryValue(space: RegistrySpace, name: string, raw: string): void {
  const e = registryEntry(space, name);
  if (!e) throw xaiError(GovErrorCode.UNKNOWN_TARGET, `no ${space} named ${name}`, { space, name });
  // fiat_rails turns on once, by the on-chain fiat unlock: a proposal could otherwise turn it on
  // early or off after the unlock.
  if (!e.governable)
    throw xaiError(GovErrorCode.NOT_GOVERNABLE, `${name} is not changed by proposals`, { space, name });
  const r = parseRegistryValue(e, raw);
  if (!r.ok) throw xaiError(GovErrorCode.INVALID_VALUE, r.reason, { space, name, value: raw });
}

/** Writes registry values at `height` and returns the changes (value before, after). */
async function writeRegistry(state: StateWriter, writes: RegistryWrite[], height: number): Promise<Change[]> {
  const changes: Change[] = [];
  for (const w of writes) {
    const before = await getRegistryRaw(state, w.space, w.name);
    putRegistryRaw(state, w.space, w.name, w.raw);
    markRegistryWrite(state, w.space, w.name, height);
    changes.push({ space: w.space, key: w.name, before, after: w.raw });
  }
  return changes;
}

/** The registry write of a protocol_parameter, governance_rule or feature_activation action. */
function registryWriteOf(a: ProposalAction): RegistryWrite {
  switch (a.kind) {
    case "protocol_parameter":
      return { space: "param", name: a.name, raw: a.value };
    case "governance_rule":
      return { space: "rule", name: a.rule, raw: a.value };
    case "feature_activation":
      return { space: "feature", name: a.feature, raw: a.enabled ? "true" : "false" };
    default:
      throw xaiError(GovErrorCode.INVALID_ACTION, `${a.kind} is not a registry change`);
  }
}

/** protocol_parameter, governance_rule, feature_activation: one registry value. */
const registryChange: Capability = {
  async validate(state, _params, action) {
    const w = registryWriteOf(action);
    checkRegistryValue(w.space, w.name, w.raw);
    await checkCrossRules(state, [w]);
  },
  async execute(ctx) {
    return {
      changes: await writeRegistry(ctx.state, [registryWriteOf(ctx.proposal.action)], ctx.height),
      target: "",
    };
  },
};

const U64_LIMIT = 1n << 64n;

function treasuryAction(a: ProposalAction): Extract<ProposalAction, { kind: "treasury_allocation" }> {
  if (a.kind !== "treasury_allocation")
    throw xaiError(GovErrorCode.INVALID_ACTION, "not a treasury allocation");
  return a;
}

/** treasury_allocation: moves `amount` from the treasury to `recipient`. */
const treasuryAllocation: Capability = {
  async validate(state, params, action, phase) {
    const a = treasuryAction(action);
    if (!isAddress(a.recipient) || a.recipient === TREASURY_ADDRESS || a.recipient === DEPOSIT_ESCROW_ADDRESS)
      throw xaiError(GovErrorCode.INVALID_RECIPIENT, "recipient must be an ordinary address", {
        recipient: a.recipient,
      });
    if (!isCanonicalDecimal(a.amount) || BigInt(a.amount) === 0n || BigInt(a.amount) >= U64_LIMIT)
      throw xaiError(GovErrorCode.INVALID_AMOUNT, "amount must be a canonical decimal in (0, 2^64)", {
        amount: a.amount,
      });
    if (a.purpose.length > TEXT_LIMITS.purpose)
      throw xaiError(GovErrorCode.PURPOSE_TOO_LONG, `purpose longer than ${TEXT_LIMITS.purpose}`);
    if (phase === "execute" && !featureOf(params, "treasury_spending"))
      throw xaiError(GovErrorCode.TREASURY_SPENDING_DISABLED, "treasury_spending is off");
    const treasury = (await getAccount(state, TREASURY_ADDRESS)).balance;
    if (treasury < BigInt(a.amount))
      throw xaiError(GovErrorCode.TREASURY_SHORT, "treasury does not hold the amount", {
        treasury: treasury.toString(),
        amount: a.amount,
      });
  },
  async execute(ctx) {
    const a = treasuryAction(ctx.proposal.action);
    const amount = BigInt(a.amount);
    const changes: Change[] = [];
    for (const [address, delta] of [
      [TREASURY_ADDRESS, -amount],
      [a.recipient, amount],
    ] as const) {
      const before = (await getAccount(ctx.state, address)).balance;
      await addBalance(ctx.state, address, delta, ctx.height);
      changes.push({
        space: "balance",
        key: address,
        before: before.toString(),
        after: (before + delta).toString(),
      });
    }
    return { changes, target: "" };
  },
};

/** Emergency actions and the value each writes. */
const EMERGENCY_ACTIONS = ["pause_transfers", "resume_transfers", "cancel_queued"] as const;

function emergencyAction(a: ProposalAction): Extract<ProposalAction, { kind: "emergency_action" }> {
  if (a.kind !== "emergency_action") throw xaiError(GovErrorCode.INVALID_ACTION, "not an emergency action");
  return a;
}

/** emergency_action: pause or resume transfers, or cancel a queued proposal. */
const emergency: Capability = {
  async validate(state, _params, action, phase) {
    const a = emergencyAction(action);
    if (!(EMERGENCY_ACTIONS as readonly string[]).includes(a.action))
      throw xaiError(GovErrorCode.INVALID_ACTION, `unknown emergency action ${a.action}`, {
        action: a.action,
      });
    if (a.action !== "cancel_queued") {
      if (a.proposalId !== "")
        throw xaiError(GovErrorCode.INVALID_ACTION, `${a.action} takes no proposal id`);
      return;
    }
    const target = await loadProposal(state, a.proposalId);
    if (phase === "submit" && (isTerminal(target.status) || target.status === "executed"))
      throw xaiError(GovErrorCode.NOT_CANCELLABLE, `proposal ${target.id} is ${target.status}`, {
        status: target.status,
      });
    if (phase === "execute" && target.status !== "queued")
      throw xaiError(GovErrorCode.NOT_QUEUED, `proposal ${target.id} is ${target.status}`, {
        status: target.status,
      });
  },
  async execute(ctx) {
    const a = emergencyAction(ctx.proposal.action);
    emit(ctx.sink, "emergency_action", {
      proposal_id: ctx.proposal.id,
      action: a.action,
      target: a.proposalId,
    });
    if (a.action !== "cancel_queued") {
      const raw = a.action === "pause_transfers" ? "false" : "true";
      return {
        changes: await writeRegistry(ctx.state, [{ space: "feature", name: "transfers", raw }], ctx.height),
        target: "",
      };
    }
    const target = await loadProposal(ctx.state, a.proposalId);
    target.cancelledBy = ctx.proposal.id;
    await setStatus(ctx.state, target, "cancelled", ctx.sink);
    return {
      changes: [{ space: "status", key: target.id, before: "queued", after: "cancelled" }],
      target: target.id,
    };
  },
};

/** Kinds whose execution a rollback may undo. */
export const ROLLBACK_KINDS: readonly ProposalKind[] = [
  "protocol_parameter",
  "feature_activation",
  "governance_rule",
  "emergency_action",
];

function rollbackTargetId(a: ProposalAction): string {
  if (a.kind !== "rollback") throw xaiError(GovErrorCode.INVALID_ACTION, "not a rollback");
  return a.target;
}

/** The registry writes that restore a target's recorded before-values. */
function restoreWrites(target: Proposal): RegistryWrite[] {
  return (target.execution?.changes ?? []).map((c) => ({
    space: c.space as RegistrySpace,
    name: c.key,
    raw: c.before,
  }));
}

/** rollback: restores the before-values of an executed, reversible proposal. */
const rollback: Capability = {
  async validate(state, _params, action, phase) {
    const target = await loadProposal(state, rollbackTargetId(action));
    if (target.status !== "executed")
      throw xaiError(
        GovErrorCode.ROLLBACK_NOT_ALLOWED,
        `proposal ${target.id} is ${target.status}, not executed`,
        {
          status: target.status,
        },
      );
    const a = target.action;
    if (!ROLLBACK_KINDS.includes(a.kind) || (a.kind === "emergency_action" && a.action === "cancel_queued"))
      throw xaiError(GovErrorCode.ROLLBACK_NOT_ALLOWED, `a ${a.kind} cannot be rolled back`, {
        kind: a.kind,
      });
    if (phase === "submit") return;
    const executedAt = target.execution?.height ?? 0;
    for (const c of target.execution?.changes ?? []) {
      const now = await getRegistryRaw(state, c.space as RegistrySpace, c.key);
      // Changed since: a different value now, or any later write (A → B → A included).
      const written = await lastRegistryWrite(state, c.space, c.key);
      if (now !== c.after || written > executedAt)
        throw xaiError(
          GovErrorCode.ROLLBACK_CONFLICT,
          `${c.space} ${c.key} changed since the target's execution`,
          {
            space: c.space,
            key: c.key,
            now,
            last_write_height: written,
          },
        );
    }
    await checkCrossRules(state, restoreWrites(target));
  },
  async execute(ctx) {
    const target = await loadProposal(ctx.state, rollbackTargetId(ctx.proposal.action));
    const changes = await writeRegistry(ctx.state, restoreWrites(target), ctx.height);
    target.rolledBackBy = ctx.proposal.id;
    await setStatus(ctx.state, target, "rolled_back", ctx.sink);
    emit(ctx.sink, "rollback", {
      proposal_id: ctx.proposal.id,
      target: target.id,
      changes: String(changes.length),
    });
    return { changes, target: target.id };
  },
};

/** The registry: one capability per proposal kind. */
export const CAPABILITIES: Readonly<Record<ProposalKind, Capability>> = {
  protocol_parameter: registryChange,
  feature_activation: registryChange,
  governance_rule: registryChange,
  treasury_allocation: treasuryAllocation,
  emergency_action: emergency,
  rollback,
};

/** Validates a proposal's action at `phase`; throws a GOV error. */
export function validateAction(
  state: StateReader,
  params: BlockParams,
  action: ProposalAction,
  phase: Phase,
): Promise<void> {
  return CAPABILITIES[action.kind].validate(state, params, action, phase);
}
