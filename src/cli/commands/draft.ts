import type { Command } from "commander";
import { buildDraft, type DraftInput, promptDraft } from "../draft.js";
import { printResult } from "../output.js";

/** Registers `tx draft-proposal` (asks on a TTY when flags are missing; prints the submit command). */
export function registerDraft(tx: Command): void {
  tx.command("draft-proposal")
    .description(
      "draft a parameter, feature, rule or emergency-action proposal: lists the valid names with their bounds, prints the tx submit-proposal command (signs nothing)",
    )
    .option("--kind <kind>", "protocol_parameter | feature_activation | governance_rule | emergency_action")
    .option("--name <name>", "the parameter, feature, rule or emergency action")
    .option("--value <value>", "the new value (decimal string, or true | false for a feature)")
    .option("--title <text>", "title")
    .option("--description <text>", "description")
    .option("--json", "print one JSON object: kind, payload, title, description, command")
    .action(async (o: DraftInput & { json?: boolean }) => {
      const complete = o.kind && o.name && o.value && o.title;
      const draft =
        complete || !process.stdin.isTTY
          ? buildDraft(o)
          : await promptDraft(o, process.stdin, process.stderr);
      printResult(draft, o.json === true, (d: typeof draft) => d.command);
    });
}
