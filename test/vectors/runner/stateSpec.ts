/**
 * The parts of a vector that name heights and state: `advance_to` heights ("@label.field+N") and
 * the `expect_state` summary, checked before anything runs (the values are compared by assert.ts
 * when the step runs).
 */
import { type RegistrySpace, registryEntry } from "../../../src/config/registry.js";
import {
  account,
  amount,
  bad,
  boolean,
  isObj,
  type Labels,
  type Obj,
  object,
  string,
  uint,
} from "./checks.js";

/** A height: a number, or "@label.field" with an optional "+N" / "-N". */
export type HeightRef = number | { label: string; field: string; offset: number; text: string };

/** The proposal heights a HeightRef may name. */
export const HEIGHT_FIELDS = [
  "submit_height",
  "snapshot",
  "voting_end",
  "review_end",
  "implementation_end",
  "eta",
  "execution_deadline",
] as const;

/** Checks an `advance_to` value: a height, or "@label.field[+-N]" of a defined label. */
export function heightRef(v: unknown, where: string, labels: Labels): HeightRef {
  if (typeof v === "number") return uint(v, where);
  const s = string(v, where);
  const m = /^@([A-Za-z_][A-Za-z0-9_]*)\.([a-z_]+)(?:([+-])([0-9]+))?$/.exec(s);
  if (!m) bad(where, `must be a height or "@label.field[+-N]", got "${s}"`);
  const [, label, field, sign, n] = m;
  if (!labels.has(label!)) bad(where, `label "${label}" is not defined by an earlier step`);
  if (!(HEIGHT_FIELDS as readonly string[]).includes(field!))
    bad(where, `unknown height field "${field}" (${HEIGHT_FIELDS.join(", ")})`);
  const offset = n === undefined ? 0 : (sign === "-" ? -1 : 1) * Number(n);
  return { label: label!, field: field!, offset, text: s };
}

const STATE_KEYS = [
  "height",
  "proposals",
  "proposal_count",
  "params",
  "features",
  "rules",
  "balances",
  "nonces",
  "supply",
  "history_length",
  "history",
  "timelock",
  "fiat",
  "fiat_rails",
] as const;

/** Checks an expect_state object (the values are compared when the step runs). */
export function stateSpec(v: unknown, where: string, labels: Labels): Obj {
  const o = object(v, where, STATE_KEYS);
  if (Object.keys(o).length === 0) bad(where, "expects nothing");
  const at = (k: string) => `${where}.${k}`;
  if ("height" in o) uint(o.height, at("height"));
  if ("proposal_count" in o) uint(o.proposal_count, at("proposal_count"));
  if ("history_length" in o) uint(o.history_length, at("history_length"));
  if ("fiat_rails" in o) boolean(o.fiat_rails, at("fiat_rails"));
  if ("proposals" in o) {
    const ps = object(o.proposals, at("proposals"), [...labels]);
    for (const [l, p] of Object.entries(ps)) object(p, `${at("proposals")}.${l}`, Object.keys(p as Obj));
  }
  for (const space of ["params", "features", "rules"] as const) {
    if (!(space in o)) continue;
    const reg: RegistrySpace = space === "params" ? "param" : space === "features" ? "feature" : "rule";
    const vals = object(o[space], at(space), Object.keys(o[space] as Obj));
    for (const [name, val] of Object.entries(vals)) {
      if (!registryEntry(reg, name)) bad(`${at(space)}.${name}`, `no ${reg} named "${name}"`);
      if (reg === "feature") boolean(val, `${at(space)}.${name}`);
      else string(val, `${at(space)}.${name}`);
    }
  }
  if ("balances" in o) {
    const b = object(o.balances, at("balances"), Object.keys(o.balances as Obj));
    for (const [name, val] of Object.entries(b)) {
      account(name, `${at("balances")} key`);
      amount(val, `${at("balances")}.${name}`);
    }
  }
  if ("nonces" in o) {
    const n = object(o.nonces, at("nonces"), Object.keys(o.nonces as Obj));
    for (const [name, val] of Object.entries(n)) {
      account(name, `${at("nonces")} key`);
      uint(val, `${at("nonces")}.${name}`);
    }
  }
  if ("supply" in o) {
    const s = object(o.supply, at("supply"), ["total_supply", "minted", "burned", "circulating"]);
    for (const [name, val] of Object.entries(s)) amount(val, `${at("supply")}.${name}`);
  }
  for (const k of ["history", "timelock"] as const)
    if (k in o && !Array.isArray(o[k])) bad(at(k), "must be an array (compared element by element)");
  if ("fiat" in o) object(o.fiat, at("fiat"), Object.keys(o.fiat as Obj));
  checkRefs(o, where, labels);
  return o;
}

/** Every "@label" string inside an expectation must name a defined label. */
export function checkRefs(v: unknown, where: string, labels: Labels): void {
  if (typeof v === "string" && v.startsWith("@") && !labels.has(v.slice(1)))
    bad(where, `label "${v.slice(1)}" is not defined by an earlier step`);
  if (Array.isArray(v)) for (const [i, x] of v.entries()) checkRefs(x, `${where}[${i}]`, labels);
  else if (isObj(v)) for (const [k, x] of Object.entries(v)) checkRefs(x, `${where}.${k}`, labels);
}
