/**
 * `tx draft-proposal`: helps write a registry proposal (a parameter, a feature or a rule, SPEC §4.4)
 * or an emergency action, and prints the `tx submit-proposal` command that submits it; it signs nothing. On a TTY without
 * the flags it asks (node:readline), listing the valid names with their bounds from the registry
 * (src/config/registry.ts); with flags (scripts) it asks nothing. A wrong name lists the valid ones.
 */
import { createInterface } from "node:readline";
import {
  parseRegistryValue,
  type RegistryEntry,
  type RegistrySpace,
  registryEntries,
} from "../config/registry.js";
import { xaiError } from "../errors.js";
import { EMERGENCY_ACTIONS } from "../governance/kinds/emergencyAction.js";
import { NodeErrorCode } from "../node/errors.js";

/** The proposal kinds a draft covers, with the registry space and the payload keys of each. */
export const DRAFT_KINDS = {
  protocol_parameter: { space: "param", name: "name", value: "value" },
  feature_activation: { space: "feature", name: "feature", value: "enabled" },
  governance_rule: { space: "rule", name: "rule", value: "value" },
} as const satisfies Record<string, { space: RegistrySpace; name: string; value: string }>;
/** A kind a draft covers: a registry kind, or an emergency action. */
export type DraftKind = keyof typeof DRAFT_KINDS | "emergency_action";
const KINDS: DraftKind[] = [...(Object.keys(DRAFT_KINDS) as DraftKind[]), "emergency_action"];

/** What each emergency action takes as its value (the payload field), or nothing. */
const ACTION_VALUES: Record<string, { field: string; what: string } | undefined> = {
  cancel_proposal: { field: "proposal_id", what: "the target proposal's id (32 hex)" },
  cancel_upgrade: { field: "name", what: "the pending upgrade plan's name" },
};

/** What a draft needs. */
export interface DraftInput {
  kind?: string;
  name?: string;
  value?: string;
  title?: string;
  description?: string;
}

/** A drafted proposal: its payload and the command that submits it. */
export interface Draft {
  kind: DraftKind;
  payload: Record<string, string | boolean>;
  title: string;
  description: string;
  command: string;
}

/** One line per governable entry of a kind: name, type, bounds, default. */
export function choices(kind: DraftKind): string[] {
  if (kind === "emergency_action")
    return EMERGENCY_ACTIONS.map((a) => `${a}  (value: ${ACTION_VALUES[a]?.what ?? "none"})`);
  return entriesOf(kind).map((e) => {
    const bounds = e.type === "bool" ? "true | false" : `${e.min} … ${e.max}`;
    return `${e.name}  (${e.type}: ${bounds}; default ${e.default}) ${e.description}`;
  });
}

function entriesOf(kind: keyof typeof DRAFT_KINDS): RegistryEntry[] {
  return registryEntries(DRAFT_KINDS[kind].space).filter((e) => e.governable);
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Checks a draft against the registry and builds it; errors (BAD_OPTION) list the valid choices. */
export function buildDraft(i: DraftInput): Draft {
  if (i.kind === undefined || !(KINDS as string[]).includes(i.kind))
    throw xaiError(NodeErrorCode.BAD_OPTION, `--kind is one of ${KINDS.join(", ")}`);
  if (i.kind === "emergency_action") return draftOf("emergency_action", actionPayload(i), i);
  const kind = i.kind as keyof typeof DRAFT_KINDS;
  const entries = entriesOf(kind);
  const entry = entries.find((e) => e.name === i.name);
  if (!entry)
    throw xaiError(
      NodeErrorCode.BAD_OPTION,
      `--name for ${kind} is one of ${entries.map((e) => e.name).join(", ")}`,
    );
  const parsed = parseRegistryValue(entry, i.value ?? "");
  if (!parsed.ok) throw xaiError(NodeErrorCode.BAD_OPTION, `--value: ${parsed.reason}`);
  const k = DRAFT_KINDS[kind];
  const payload = {
    [k.name]: entry.name,
    [k.value]: entry.type === "bool" ? parsed.value === true : i.value!,
  };
  return draftOf(kind, payload, i);
}

/** The payload of an emergency action: the action and, for a cancel, its target. */
function actionPayload(i: DraftInput): Record<string, string> {
  if (!(EMERGENCY_ACTIONS as readonly string[]).includes(i.name ?? ""))
    throw xaiError(
      NodeErrorCode.BAD_OPTION,
      `--name for emergency_action is one of ${EMERGENCY_ACTIONS.join(", ")}`,
    );
  const takes = ACTION_VALUES[i.name!];
  if (!takes) return { action: i.name! };
  const ok = takes.field === "proposal_id" ? /^[0-9a-f]{32}$/.test(i.value ?? "") : !!i.value;
  if (!ok) throw xaiError(NodeErrorCode.BAD_OPTION, `--value for ${i.name}: ${takes.what}`);
  return { action: i.name!, [takes.field]: i.value! };
}

function draftOf(kind: DraftKind, payload: Record<string, string | boolean>, i: DraftInput): Draft {
  if (!i.title) throw xaiError(NodeErrorCode.BAD_OPTION, "--title is required");
  const description = i.description ?? "";
  const command = [
    "xai-gov tx submit-proposal --kind",
    kind,
    "--payload",
    quote(JSON.stringify(payload)),
    "--title",
    quote(i.title),
    ...(description ? ["--description", quote(description)] : []),
    "--key KEY --wait",
  ].join(" ");
  return { kind, payload, title: i.title, description, command };
}

/** Asks for what `i` leaves open on `input`, writing the choices to `output`. */
export async function promptDraft(
  i: DraftInput,
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): Promise<Draft> {
  // Lines are read through the interface's iterator, which buffers them: a piped answer that
  // arrives before its question is kept, not lost.
  const rl = createInterface({ input, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (q: string) => {
    output.write(q);
    const next = await lines.next();
    if (next.done) throw xaiError(NodeErrorCode.BAD_OPTION, "the input ended before the draft was complete");
    return String(next.value).trim();
  };
  try {
    const kind = i.kind ?? (await ask(`kind (${KINDS.join(", ")}): `));
    if (!(KINDS as string[]).includes(kind)) return buildDraft({ ...i, kind });
    let name = i.name;
    if (name === undefined) {
      output.write(`${choices(kind as DraftKind).join("\n")}\n`);
      name = await ask("name: ");
    }
    // An emergency pause or resume takes no value.
    const noValue = kind === "emergency_action" && !ACTION_VALUES[name];
    const value = i.value ?? (noValue ? undefined : await ask("value: "));
    const title = i.title ?? (await ask("title: "));
    const description = i.description ?? (await ask("description (optional): "));
    return buildDraft({ kind, name, value, title, description });
  } finally {
    rl.close();
  }
}
