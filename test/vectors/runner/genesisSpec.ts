/**
 * The `genesis` of a vector: overrides of the test genesis of test/utils/govChain.ts (funding,
 * treasury, registry values, fiat unlock window), with every registry name checked.
 */
import { type RegistrySpace, registryEntry } from "../../../src/config/registry.js";
import type { GovChainOptions } from "../../utils/govChain.js";
import { amount, bad, devIndex, type Obj, object, string, uint } from "./checks.js";

/** Checks a vector's `genesis` object (absent: the test genesis as is) → GovChain options. */
export function genesisSpec(v: unknown, where: string): GovChainOptions {
  const o = object(v ?? {}, where, [
    "balances",
    "treasury",
    "params",
    "features",
    "governance_rules",
    "fiat_unlock",
  ]);
  const at = (k: string) => `${where}.${k}`;
  const g: GovChainOptions = {};
  if ("balances" in o) {
    const b = object(o.balances, at("balances"), Object.keys(o.balances as Obj));
    const list: bigint[] = [];
    for (const [name, val] of Object.entries(b))
      list[devIndex(name, `${at("balances")} key`)] = amount(val, `${at("balances")}.${name}`);
    if (list.length === 0) bad(at("balances"), "funds nobody");
    g.balances = Array.from(list, (x) => x ?? 0n);
  }
  if ("treasury" in o) g.treasury = amount(o.treasury, at("treasury"));
  const registry = (k: string, space: RegistrySpace, bools: boolean) => {
    const r = object(o[k], at(k), Object.keys(o[k] as Obj));
    const out: Record<string, string> = {};
    for (const [name, val] of Object.entries(r)) {
      if (!registryEntry(space, name)) bad(`${at(k)}.${name}`, `no ${space} named "${name}"`);
      out[name] = bools && typeof val === "boolean" ? String(val) : string(val, `${at(k)}.${name}`);
    }
    return out;
  };
  if ("params" in o) g.params = registry("params", "param", false);
  if ("features" in o) g.features = registry("features", "feature", true);
  if ("governance_rules" in o) g.rules = registry("governance_rules", "rule", false);
  if ("fiat_unlock" in o) {
    const f = object(o.fiat_unlock, at("fiat_unlock"), [
      "start_height",
      "auto_unlock_height",
      "min_votes",
      "support_bps",
      "quorum_bps",
    ]);
    g.fiat = {
      start_height: "start_height" in f ? uint(f.start_height, at("fiat_unlock.start_height")) : 10,
      auto_unlock_height:
        "auto_unlock_height" in f
          ? uint(f.auto_unlock_height, at("fiat_unlock.auto_unlock_height"))
          : 1_000_000,
      min_votes: "min_votes" in f ? uint(f.min_votes, at("fiat_unlock.min_votes")) : 5,
      support_bps: "support_bps" in f ? uint(f.support_bps, at("fiat_unlock.support_bps")) : 6600,
      quorum_bps: "quorum_bps" in f ? uint(f.quorum_bps, at("fiat_unlock.quorum_bps")) : 2000,
    };
  }
  return g;
}
