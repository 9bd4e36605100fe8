/**
 * The registry kinds: `protocol_parameter`, `feature_activation` and `governance_rule` each set one
 * registry value (SPEC §4.4). Valid when the entry is registered and governable, the value is in
 * its type and bounds, and the registry with it keeps every cross rule; checked at submission and
 * again at execution. The effect writes the value (taking hold from the next block) and records
 * it before and after, which a rollback can restore.
 */
import { registryEntry } from "../../config/registry.js";
import { xaiError } from "../../errors.js";
import { isRegistryInForce } from "../../state-transition/params.js";
import type { ProposalKind } from "../../types/tx.js";
import { GovErrorCode } from "../errors.js";
import {
  type Capability,
  checkCrossRules,
  checkRegistryValue,
  type KindAction,
  type RegistryWrite,
  writeRegistry,
} from "./capability.js";

/** What distinguishes one registry kind from another: its write, view and parse. */
interface RegistryKindSpec<K extends ProposalKind> {
  kind: K;
  payloadHelp: string;
  write(a: KindAction<K>): RegistryWrite;
  toJson: Capability<K>["toJson"];
  fromJson: Capability<K>["fromJson"];
}

/** A kind that sets one registry value. */
function registryKind<K extends ProposalKind>(spec: RegistryKindSpec<K>): Capability<K> {
  return {
    kind: spec.kind,
    emergency: false,
    payloadHelp: spec.payloadHelp,
    async validate(state, _params, action) {
      const w = spec.write(action);
      checkRegistryValue(w.space, w.name, w.raw);
      // An entry a later upgrade adds is not a target until its migration brings it into force.
      if (!(await isRegistryInForce(state, w.space, w.name)))
        throw xaiError(GovErrorCode.UNKNOWN_TARGET, `${w.name} is not in force before its upgrade`, {
          space: w.space,
          name: w.name,
          since: registryEntry(w.space, w.name)?.since ?? "",
        });
      await checkCrossRules(state, [w]);
    },
    async execute(ctx, action) {
      return {
        changes: await writeRegistry(ctx.state, [spec.write(action)], ctx.proposal.number),
        target: "",
      };
    },
    reversible: () => true,
    toJson: spec.toJson,
    fromJson: spec.fromJson,
  };
}

/** protocol_parameter `{name, value}`: sets a chain parameter. */
export const protocolParameter = registryKind({
  kind: "protocol_parameter",
  payloadHelp: '{"name","value"}',
  write: (a) => ({ space: "param", name: a.name, raw: a.value }),
  toJson: (a) => ({ name: a.name, value: a.value }),
  fromJson: (f) => ({ kind: "protocol_parameter", name: f.str("name"), value: f.str("value") }),
});

/** feature_activation `{feature, enabled}`: turns a registered feature on or off. */
export const featureActivation = registryKind({
  kind: "feature_activation",
  payloadHelp: '{"feature","enabled"}',
  write: (a) => ({ space: "feature", name: a.feature, raw: a.enabled ? "true" : "false" }),
  toJson: (a) => ({ feature: a.feature, enabled: a.enabled }),
  fromJson: (f) => {
    const enabled = f.bool("enabled");
    return { kind: "feature_activation", feature: f.str("feature"), enabled };
  },
});

/** governance_rule `{rule, value}`: changes a governance rule, within its bounds. */
export const governanceRule = registryKind({
  kind: "governance_rule",
  payloadHelp: '{"rule","value"}',
  write: (a) => ({ space: "rule", name: a.rule, raw: a.value }),
  toJson: (a) => ({ rule: a.rule, value: a.value }),
  fromJson: (f) => ({ kind: "governance_rule", rule: f.str("rule"), value: f.str("value") }),
});
