// The one JSON view of a proposal action and its inverse (governance/kinds): every kind round
// trips, the transaction view and the proposal view render the same fields, the CLI's errors.
import assert from "node:assert/strict";
import { CliErrorCode } from "../../../src/cli/errors.js";
import { XaiError } from "../../../src/errors.js";
import {
  actionFromJson,
  actionJson,
  CAPABILITIES,
  isProposalKind,
  PROPOSAL_KINDS,
} from "../../../src/governance/kinds/index.js";
import { payloadJson } from "../../../src/types/json.js";
import type { ProposalAction, ProposalKind } from "../../../src/types/tx.js";
import { action, key } from "../../utils/govChain.js";

const PID = "0123456789abcdef0123456789abcdef";

const SAMPLES: ProposalAction[] = [
  action.param("min_tx_fee", "2000"),
  action.feature("fee_burn", true),
  action.treasury(key(3).address, "500000000000", "audit"),
  action.treasury(key(3).address, "1", ""),
  action.emergency("pause_transfers"),
  action.emergency("cancel_proposal", PID),
  action.rule("timelock_blocks", "100"),
  action.rollback(PID),
  action.upgrade("v2.1", 123_456_789_012n),
  action.cancelUpgrade("v2.1"),
  action.validator("add", key(7).address, "ab".repeat(32), 100),
  action.validator("remove", key(7).address, "", 100),
];

function fail(message: string): never {
  throw new XaiError(CliErrorCode.BAD_PAYLOAD, message);
}

function refusal(kind: ProposalKind, fields: Record<string, unknown>): string {
  try {
    actionFromJson(kind, fields, fail);
  } catch (err) {
    assert.ok(err instanceof XaiError && err.code === CliErrorCode.BAD_PAYLOAD);
    return err.message;
  }
  assert.fail(`${kind} ${JSON.stringify(fields)} was accepted`);
}

describe("governance: the action view and its inverse", () => {
  it("every kind of src/types/tx.ts has a capability, in the CLI's order", () => {
    assert.deepEqual(PROPOSAL_KINDS, [
      "protocol_parameter",
      "feature_activation",
      "treasury_allocation",
      "emergency_action",
      "governance_rule",
      "rollback",
      "software_upgrade",
      "validator_set",
    ]);
    for (const k of PROPOSAL_KINDS) assert.equal(CAPABILITIES[k].kind, k);
    assert.ok(isProposalKind("rollback") && !isProposalKind("bogus") && !isProposalKind("toString"));
  });

  it("actionFromJson inverts actionJson for every kind (also through JSON text)", () => {
    for (const a of SAMPLES) {
      assert.deepEqual(actionFromJson(a.kind, actionJson(a), fail), a);
      assert.deepEqual(actionFromJson(a.kind, JSON.parse(JSON.stringify(actionJson(a))), fail), a);
    }
  });

  it("the view is the payload fields of SPEC §6: no kind, no empty proposal_id", () => {
    assert.deepEqual(actionJson(action.param("min_tx_fee", "2000")), { name: "min_tx_fee", value: "2000" });
    assert.deepEqual(actionJson(action.emergency("pause_transfers")), { action: "pause_transfers" });
    // validator_set: a removal has no public_key; the activation height is a decimal string.
    assert.deepEqual(actionJson(action.validator("remove", key(7).address, "", 100)), {
      action: "remove",
      address: key(7).address,
      activation_height: "100",
    });
    assert.deepEqual(actionJson(action.emergency("cancel_proposal", PID)), {
      action: "cancel_proposal",
      proposal_id: PID,
    });
    // v2 §4.7: the plan's height as a decimal string; cancel_upgrade names the plan, no proposal id.
    const info = `sha256:${"ab".repeat(32)}`;
    assert.deepEqual(actionJson(action.upgrade("v2", 1_000, info)), { name: "v2", height: "1000", info });
    assert.deepEqual(actionJson(action.cancelUpgrade("v2")), { action: "cancel_upgrade", name: "v2" });
  });

  it("software_upgrade from JSON: the three fields required, the height a decimal string below 2^64", () => {
    const info = `sha256:${"ab".repeat(32)}`;
    assert.equal(
      refusal("software_upgrade", { name: "v2", info }),
      'software_upgrade payload needs "height"',
    );
    const message = '"height" must be a decimal string below 2^64 (no sign, no leading zeros)';
    for (const bad of [5, "1e3", "-1", "01", "1.5", "", "18446744073709551616"])
      assert.equal(refusal("software_upgrade", { name: "v2", height: bad, info }), message, String(bad));
    const max = actionFromJson(
      "software_upgrade",
      { name: "v2", height: "18446744073709551615", info },
      fail,
    );
    assert.equal(max.height, (1n << 64n) - 1n); // encodable; the chain refuses it (GOV_INVALID_UPGRADE_HEIGHT)
  });

  it("a SUBMIT_PROPOSAL transaction renders its action with the same view, plus kind", () => {
    for (const a of SAMPLES) {
      const j = payloadJson(
        { type: "SUBMIT_PROPOSAL", title: "t", description: "d", deposit: 5n, action: a },
        actionJson,
      );
      assert.deepEqual(j, { title: "t", description: "d", deposit: "5", kind: a.kind, ...actionJson(a) });
    }
  });

  it("a missing or mistyped field is the caller's error, with the CLI's messages", () => {
    assert.equal(refusal("protocol_parameter", { value: "1" }), 'protocol_parameter payload needs "name"');
    assert.equal(
      refusal("governance_rule", { rule: "x", value: 5 }),
      '"value" must be a string (numbers as decimal strings)',
    );
    assert.equal(
      refusal("feature_activation", { feature: "fee_burn" }),
      'feature_activation payload needs "enabled"',
    );
    assert.equal(
      refusal("feature_activation", { feature: "x", enabled: "yes" }),
      '"enabled" must be true or false',
    );
    assert.equal(refusal("rollback", {}), 'rollback payload needs "target"');
    // Optional fields default to "" (the chain decides whether that is valid).
    assert.deepEqual(actionFromJson("emergency_action", { action: "resume_transfers" }, fail), {
      kind: "emergency_action",
      action: "resume_transfers",
      proposalId: "",
    });
  });
});
