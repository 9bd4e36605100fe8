/**
 * What a proposal kind is (SPEC §4.4): the `Capability` every kind file of this folder exports,
 * and the registry helpers the kinds share. A kind validates its payload at submission and again
 * at execution (against the state of that moment), applies its effect on a scratch overlay and
 * returns every change it made (the data a rollback restores), says whether a rollback may undo
 * it, and renders its payload as JSON and parses it back (the API's view, the CLI's --payload).
 * Only what the kinds list can change; values and bounds come from src/config/registry.ts.
 */
import {
  CROSS_RULES,
  DEPOSIT_SUPPLY_DIVISOR,
  isCanonicalDecimal,
  parseRegistryValue,
  type RegistrySpace,
  registryEntries,
  registryEntry,
} from "../../config/registry.js";
import { xaiError } from "../../errors.js";
import { type BlockParams, getRegistryRaw, putRegistryRaw } from "../../state-transition/params.js";
import type { StateReader, StateWriter } from "../../state-transition/stateStore.js";
import type { ProposalAction, ProposalKind } from "../../types/tx.js";
import { GovErrorCode } from "../errors.js";
import { circulatingSupply } from "../escrow.js";
import type { EventSink } from "../events.js";
import { markRegistryWrite } from "../registryWrites.js";
import type { Change, Json, Proposal } from "../types.js";

/** When a payload is validated: at submission or at execution. */
export type Phase = "submit" | "execute";

/** The action of kind `K`. */
export type KindAction<K extends ProposalKind> = Extract<ProposalAction, { kind: K }>;

/** What an effect runs with: a scratch overlay that is committed only if the whole effect succeeds. */
export interface EffectContext {
  state: StateWriter;
  params: BlockParams;
  height: number;
  proposal: Proposal;
  sink: EventSink;
}

/** What an effect did: every changed value, and the proposal it acted on (rollback, cancel_proposal). */
export interface EffectResult {
  changes: Change[];
  target: string;
}

/** Reads the fields of a kind's JSON payload; a missing or mistyped field raises the caller's error. */
export interface JsonFields {
  /** A required string field. */
  str(name: string): string;
  /** An optional string field ("" when absent or not a string). */
  optStr(name: string): string;
  /** A required boolean field. */
  bool(name: string): boolean;
  /** A required uint64 field, as a canonical decimal string (below 2^64). */
  u64(name: string): bigint;
}

/** A proposal kind: validation, effect, rollback data, JSON view and its inverse. */
export interface Capability<K extends ProposalKind = ProposalKind> {
  readonly kind: K;
  /** Emergency track: `emergency_approval_bps` and `emergency_timelock_blocks`. */
  readonly emergency: boolean;
  /** The --payload fields, as the CLI help shows them (`{"name","value"}`). */
  readonly payloadHelp: string;
  /**
   * Throws a GOV error unless the action is valid at `phase` against `state`, in the block at
   * `height` (the submission's or the execution's).
   */
  validate(
    state: StateReader,
    params: BlockParams,
    action: KindAction<K>,
    phase: Phase,
    height: number,
  ): Promise<void>;
  /** Applies the effect (after `validate(…, "execute")` on the same scratch state). */
  execute(ctx: EffectContext, action: KindAction<K>): Promise<EffectResult>;
  /** True if a rollback may restore what this action's execution changed. */
  reversible(action: KindAction<K>): boolean;
  /** The payload fields in the names of SPEC §6 (without `kind`). */
  toJson(action: KindAction<K>): Json;
  /** The inverse of `toJson`. */
  fromJson(fields: JsonFields): KindAction<K>;
}

/** A registry value to be written: space, name and canonical value. */
export interface RegistryWrite {
  space: RegistrySpace;
  name: string;
  raw: string;
}

function numeric(type: string, raw: string): bigint {
  return type === "bool" ? (raw === "true" ? 1n : 0n) : BigInt(raw);
}

/**
 * Throws GOV_CROSS_RULE_VIOLATION if the registry, with `writes` applied, breaks a cross rule, or
 * if `writes` set a `proposal_deposit` above 0.1 % of the circulating supply of `state` (the one
 * state-dependent rule: checked at submission and at execution, each against its own state).
 */
export async function checkCrossRules(state: StateReader, writes: RegistryWrite[]): Promise<void> {
  const values = new Map<string, bigint>();
  for (const space of ["param", "feature", "rule"] as RegistrySpace[])
    for (const e of registryEntries(space)) {
      if (e.type === "address") continue; // cross rules compare numbers and flags only
      values.set(`${space}:${e.name}`, numeric(e.type, await getRegistryRaw(state, space, e.name)));
    }
  for (const w of writes) {
    const e = registryEntry(w.space, w.name)!;
    if (e.type === "address") continue;
    values.set(`${w.space}:${w.name}`, numeric(e.type, w.raw));
  }
  for (const c of CROSS_RULES)
    if (!c.holds((space, name) => values.get(`${space}:${name}`) ?? 0n))
      throw xaiError(GovErrorCode.CROSS_RULE_VIOLATION, `would break ${c.description}`, { rule: c.id });
  for (const w of writes)
    if (w.space === "rule" && w.name === "proposal_deposit") await checkDepositBound(state, BigInt(w.raw));
}

/**
 * Throws GOV_CROSS_RULE_VIOLATION (rule `deposit_le_supply_share`) unless
 * deposit x DEPOSIT_SUPPLY_DIVISOR <= circulating supply, i.e. the deposit is at most 0.1 % of it
 * (exact: no rounding), so a holder of 0.1 % of the spendable supply can always propose (A4).
 */
export async function checkDepositBound(state: StateReader, deposit: bigint): Promise<void> {
  const supply = await circulatingSupply(state);
  if (deposit * DEPOSIT_SUPPLY_DIVISOR > supply)
    throw xaiError(
      GovErrorCode.CROSS_RULE_VIOLATION,
      `proposal_deposit ${deposit} is above 1/${DEPOSIT_SUPPLY_DIVISOR} of the circulating supply ${supply}`,
      { rule: "deposit_le_supply_share" },
    );
}

/** Throws unless `raw` is a valid value of a registered, governable entry. */
export function checkRegistryValue(space: RegistrySpace, name: string, raw: string): void {
  const e = registryEntry(space, name);
  if (!e) {
    const names = registryEntries(space)
      .filter((x) => x.governable)
      .map((x) => x.name);
    throw xaiError(GovErrorCode.UNKNOWN_TARGET, `no ${space} named ${name}; ${space}s: ${names.join(", ")}`, {
      space,
      name,
    });
  }
  // fiat_rails turns on once, by the on-chain fiat unlock: a proposal could otherwise turn it on
  // early or off after the unlock.
  if (!e.governable)
    throw xaiError(GovErrorCode.NOT_GOVERNABLE, `${name} is not changed by proposals`, { space, name });
  const r = parseRegistryValue(e, raw);
  if (!r.ok) throw xaiError(GovErrorCode.INVALID_VALUE, r.reason, { space, name, value: raw });
}

/**
 * Writes registry values as the effect of proposal number `writer` and returns the changes (value
 * before, after). Each key remembers its last writer, which is what a rollback checks (A6).
 */
export async function writeRegistry(
  state: StateWriter,
  writes: RegistryWrite[],
  writer: number,
): Promise<Change[]> {
  const changes: Change[] = [];
  for (const w of writes) {
    const before = await getRegistryRaw(state, w.space, w.name);
    putRegistryRaw(state, w.space, w.name, w.raw);
    markRegistryWrite(state, w.space, w.name, writer);
    changes.push({ space: w.space, key: w.name, before, after: w.raw });
  }
  return changes;
}

/** Field readers over a kind's JSON payload `o`; `fail` raises the caller's error (e.g. the CLI's). */
export function jsonFields(o: Json, kind: string, fail: (message: string) => never): JsonFields {
  const need = (name: string): unknown => {
    if (!(name in o)) fail(`${kind} payload needs "${name}"`);
    return o[name];
  };
  return {
    str(name) {
      const v = need(name);
      return typeof v === "string" ? v : fail(`"${name}" must be a string (numbers as decimal strings)`);
    },
    optStr(name) {
      const v = o[name];
      return typeof v === "string" ? v : "";
    },
    bool(name) {
      const v = need(name);
      return typeof v === "boolean" ? v : fail(`"${name}" must be true or false`);
    },
    u64(name) {
      const v = need(name);
      if (typeof v !== "string" || !isCanonicalDecimal(v) || BigInt(v) >= 1n << 64n)
        fail(`"${name}" must be a decimal string below 2^64 (no sign, no leading zeros)`);
      return BigInt(v as string);
    },
  };
}
