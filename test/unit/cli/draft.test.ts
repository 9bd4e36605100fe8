import assert from "node:assert/strict";
import { PassThrough } from "node:stream";

async function load() {
  return import("../../../src/cli/draft.js");
}

describe("cli: tx draft-proposal", () => {
  it("non-interactive: builds the payload and the submit-proposal command", async () => {
    const { buildDraft } = await load();
    const d = buildDraft({
      kind: "protocol_parameter",
      name: "min_tx_fee",
      value: "2000",
      title: "Fee it's",
    });
    assert.deepEqual(d, {
      kind: "protocol_parameter",
      payload: { name: "min_tx_fee", value: "2000" },
      title: "Fee it's",
      description: "",
      command: `xai-gov tx submit-proposal --kind protocol_parameter --payload '{"name":"min_tx_fee","value":"2000"}' --title 'Fee it'\\''s' --key KEY --wait`,
    });
  });

  it("emergency actions: the action names listed, a cancel's target checked, a pause takes no value", async () => {
    const { buildDraft, choices } = await load();
    assert.deepEqual(choices("emergency_action"), [
      "pause_transfers  (value: none)",
      "resume_transfers  (value: none)",
      "cancel_proposal  (value: the target proposal's id (32 hex))",
      "cancel_upgrade  (value: the pending upgrade plan's name)",
    ]);
    const pause = buildDraft({ kind: "emergency_action", name: "pause_transfers", title: "Stop" });
    assert.deepEqual(pause.payload, { action: "pause_transfers" });
    assert.equal(
      pause.command,
      `xai-gov tx submit-proposal --kind emergency_action --payload '{"action":"pause_transfers"}' --title 'Stop' --key KEY --wait`,
    );
    const id = "0123456789abcdef0123456789abcdef";
    const cancel = buildDraft({ kind: "emergency_action", name: "cancel_proposal", value: id, title: "C" });
    assert.deepEqual(cancel.payload, { action: "cancel_proposal", proposal_id: id });
    assert.throws(
      () => buildDraft({ kind: "emergency_action", name: "cancel_proposal", value: "7", title: "C" }),
      {
        code: "BAD_OPTION",
        message: "--value for cancel_proposal: the target proposal's id (32 hex)",
      },
    );
    assert.throws(() => buildDraft({ kind: "emergency_action", name: "self_destruct", title: "X" }), {
      code: "BAD_OPTION",
      message:
        "--name for emergency_action is one of pause_transfers, resume_transfers, cancel_proposal, cancel_upgrade",
    });
  });

  it("errors list the valid kinds and names, and the value's bounds", async () => {
    const { buildDraft, DRAFT_KINDS } = await load();
    const { registryEntries } = await import("../../../src/config/registry.js");
    assert.throws(() => buildDraft({ kind: "bogus" }), {
      code: "BAD_OPTION",
      message: `--kind is one of ${[...Object.keys(DRAFT_KINDS), "emergency_action"].join(", ")}`,
    });
    const names = registryEntries("param")
      .filter((e) => e.governable)
      .map((e) => e.name)
      .join(", ");
    assert.throws(() => buildDraft({ kind: "protocol_parameter", name: "nope", value: "1", title: "T" }), {
      code: "BAD_OPTION",
      message: `--name for protocol_parameter is one of ${names}`,
    });
    assert.throws(
      () => buildDraft({ kind: "protocol_parameter", name: "min_tx_fee", value: "999999999999", title: "T" }),
      { code: "BAD_OPTION" },
    );
  });

  it("the prompt flow: asks each field, lists the names with bounds, builds the draft", async () => {
    const { promptDraft, choices } = await load();
    const output = new PassThrough();
    let shown = "";
    output.on("data", (d) => (shown += d));
    const { registryEntries } = await import("../../../src/config/registry.js");
    const feature = registryEntries("feature").find((e) => e.governable)!.name;
    const input2 = new PassThrough();
    input2.end(`feature_activation\n${feature}\ntrue\nUnlock\n\n`);
    const d = await promptDraft({}, input2, output);
    assert.deepEqual(d.payload, { feature, enabled: true });
    assert.equal(d.title, "Unlock");
    assert.ok(
      shown.startsWith("kind (protocol_parameter, feature_activation, governance_rule, emergency_action): "),
      shown,
    );
    assert.ok(shown.includes(choices("feature_activation").join("\n")), shown);
    assert.ok(shown.includes("name: value: title: description (optional): "), shown);
  });
});
