/**
 * Test vectors as data: every test/vectors/*.json (format: test/vectors/README.md) is one scenario
 * that this single runner plays on the in-memory GovChain (every block through the real
 * buildBlock, then applyBlock of the same block), asserting exact error codes and state summaries,
 * then the governance invariants. A malformed vector fails loudly: the whole file is checked
 * (keys, types, labels, names) before its first block.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEPOSIT_ESCROW_ADDRESS, TREASURY_ADDRESS } from "../src/config/addresses.js";
import { type RegistrySpace, registryEntry } from "../src/config/registry.js";
import { fromHex, toHex } from "../src/crypto/bytes.js";
import { sign } from "../src/crypto/keys.js";
import { assertGovernanceInvariants } from "../src/governance/invariants.js";
import { proposalIdOf } from "../src/governance/proposalId.js";
import { fiatUnlockStatus, getProposal, history, timelock } from "../src/governance/queries.js";
import { expiryHeight } from "../src/governance/status.js";
import { findProposal, getCounter } from "../src/governance/store.js";
import { circulatingSupplyAt, getAccount, getSupplyCounter } from "../src/state-transition/accounts.js";
import { buildBlock } from "../src/state-transition/applyBlock.js";
import { applyTx } from "../src/state-transition/applyTx.js";
import type { TxOutcome } from "../src/state-transition/module.js";
import { getRegistryRaw } from "../src/state-transition/params.js";
import { StateOverlay } from "../src/state-transition/stateStore.js";
import type { Payload, ProposalAction, ProposalKind, Tx, TxType, VoteOption } from "../src/types/tx.js";
import { decodeTx, encodeSignedTx, encodeTxBody, txSigningMessage } from "../src/types/txCodec.js";
import { CHAIN_ID, GovChain, type GovChainOptions, key, RULES } from "./utils/govChain.js";

const VECTOR_DIR = join(dirname(fileURLToPath(import.meta.url)), "vectors");

/** The dev key that proposes every block of a GovChain (it collects the fees). */
const VALIDATOR_KEY = 50;
/** Most blocks one advance step may produce (keeps the runner fast; a typo like 10000 fails loudly). */
const MAX_ADVANCE = 500;

// ---------------------------------------------------------------------------------------------
// The format, checked before anything runs.

/** A vector that does not follow test/vectors/README.md. */
class VectorFormatError extends Error {
  override name = "VectorFormatError";
}

function bad(where: string, message: string): never {
  throw new VectorFormatError(`${where}: ${message}`);
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Asserts `v` is an object with only `allowed` keys and every `required` key. */
function object(
  v: unknown,
  where: string,
  allowed: readonly string[],
  required: readonly string[] = [],
): Obj {
  if (!isObj(v)) bad(where, `must be an object, got ${JSON.stringify(v)}`);
  for (const k of Object.keys(v))
    if (!allowed.includes(k)) bad(where, `unknown key "${k}" (allowed: ${allowed.join(", ")})`);
  for (const k of required) if (!(k in v)) bad(where, `missing "${k}"`);
  return v;
}

function string(v: unknown, where: string): string {
  if (typeof v !== "string") bad(where, `must be a string, got ${JSON.stringify(v)}`);
  return v;
}

function boolean(v: unknown, where: string): boolean {
  if (typeof v !== "boolean") bad(where, `must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

function uint(v: unknown, where: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)
    bad(where, `must be a non-negative integer, got ${JSON.stringify(v)}`);
  return v;
}

const U64_LIMIT = 1n << 64n;

/** A decimal string of base units (canonical, below 2^64): what a JSON amount is. */
function amount(v: unknown, where: string): bigint {
  const s = string(v, where);
  if (!/^(0|[1-9][0-9]*)$/.test(s)) bad(where, `must be a canonical decimal string, got "${s}"`);
  const n = BigInt(s);
  if (n >= U64_LIMIT) bad(where, `must be below 2^64, got ${s}`);
  return n;
}

const LABEL_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CODE_RE = /^[A-Z][A-Z0-9_]*$/;
const DEV_RE = /^dev:(0|[1-9][0-9]?)$/;

/** `dev:N` → N. */
function devIndex(v: unknown, where: string): number {
  const s = string(v, where);
  const m = DEV_RE.exec(s);
  if (!m) bad(where, `must be "dev:N" (0 <= N <= 99), got "${s}"`);
  const n = Number(m[1]);
  if (n === VALIDATOR_KEY) bad(where, `dev:${VALIDATOR_KEY} is the block proposer; use "validator"`);
  return n;
}

/** Account names: dev:N, treasury, escrow (deposits), validator (collects fees). */
function accountAddress(name: string): string | undefined {
  if (name === "treasury") return TREASURY_ADDRESS;
  if (name === "escrow") return DEPOSIT_ESCROW_ADDRESS;
  if (name === "validator") return key(VALIDATOR_KEY).address;
  const m = DEV_RE.exec(name);
  return m ? key(Number(m[1])).address : undefined;
}

function account(v: unknown, where: string): string {
  const s = string(v, where);
  const a = accountAddress(s);
  if (a === undefined) bad(where, `unknown account "${s}" (dev:N, treasury, escrow, validator)`);
  return a;
}

/** Labels known so far while checking a vector (a reference must follow its definition). */
type Labels = Set<string>;

/** A proposal-id field: "@label" (resolved when the step runs) or a literal id, kept as given. */
function ref(v: unknown, where: string, labels: Labels): string {
  const s = string(v, where);
  if (s.startsWith("@")) {
    const l = s.slice(1);
    if (!labels.has(l)) bad(where, `label "${l}" is not defined by an earlier step ("as")`);
  }
  return s;
}

/** A recipient field: an account name, else the literal string (so bad addresses can be tested). */
function recipient(v: unknown, where: string): string {
  const s = string(v, where);
  return accountAddress(s) ?? s;
}

type Expect = { kind: "ok" } | { kind: "failed"; code: string } | { kind: "invalid"; code: string };

function expectation(v: unknown, where: string): Expect {
  const s = string(v, where);
  if (s === "ok") return { kind: "ok" };
  if (s.startsWith("failed:") && CODE_RE.test(s.slice(7))) return { kind: "failed", code: s.slice(7) };
  if (CODE_RE.test(s) && s !== "OK") return { kind: "invalid", code: s };
  bad(where, `must be "ok", "failed:<CODE>" or an error code, got "${s}"`);
}

const KINDS: readonly ProposalKind[] = [
  "protocol_parameter",
  "feature_activation",
  "treasury_allocation",
  "emergency_action",
  "governance_rule",
  "rollback",
];

const TX_TYPES: readonly TxType[] = [
  "TRANSFER",
  "SUBMIT_PROPOSAL",
  "CAST_VOTE",
  "SUBMIT_CODE_REVIEW",
  "VOTE_IMPLEMENTATION",
  "EXECUTE_PROPOSAL",
  "CANCEL_PROPOSAL",
  "FIAT_UNLOCK_VOTE",
];

/** Runner keys of a tx object (the rest is the payload). */
const TX_META = ["from", "type", "fee", "nonce", "as"] as const;

/** Payload keys per type; SUBMIT_PROPOSAL adds the keys of its kind. */
const PAYLOAD_KEYS: Record<TxType, readonly string[]> = {
  TRANSFER: ["recipient", "amount"],
  SUBMIT_PROPOSAL: ["title", "description", "deposit", "kind"],
  CAST_VOTE: ["proposal_id", "option"],
  SUBMIT_CODE_REVIEW: ["proposal_id", "approved", "comment", "code_hash"],
  VOTE_IMPLEMENTATION: ["proposal_id", "approved"],
  EXECUTE_PROPOSAL: ["proposal_id"],
  CANCEL_PROPOSAL: ["proposal_id"],
  FIAT_UNLOCK_VOTE: ["support", "reason"],
};

const KIND_KEYS: Record<ProposalKind, readonly string[]> = {
  protocol_parameter: ["name", "value"],
  feature_activation: ["feature", "enabled"],
  treasury_allocation: ["recipient", "amount", "purpose"],
  emergency_action: ["action", "proposal_id"],
  governance_rule: ["rule", "value"],
  rollback: ["target"],
};

const KIND_REQUIRED: Record<ProposalKind, readonly string[]> = {
  protocol_parameter: ["name", "value"],
  feature_activation: ["feature", "enabled"],
  treasury_allocation: ["recipient", "amount"],
  emergency_action: ["action"],
  governance_rule: ["rule", "value"],
  rollback: ["target"],
};

/**
 * A checked transaction: the payload is built when the step runs, since labels resolve to ids
 * then and the deposit defaults to the rule in force then. `as` labels a SUBMIT_PROPOSAL.
 */
interface TxSpec {
  where: string;
  from: number;
  fee?: bigint;
  nonce?: bigint;
  as?: string;
  build(resolve: (ref: string) => string, depositRule: bigint): Payload;
}

function txSpec(v: unknown, where: string, labels: Labels): TxSpec {
  const pre = object(
    v,
    where,
    [...TX_META, ...Object.values(PAYLOAD_KEYS).flat(), ...Object.values(KIND_KEYS).flat()],
    ["from", "type"],
  );
  const type = string(pre.type, `${where}.type`) as TxType;
  if (!TX_TYPES.includes(type)) bad(`${where}.type`, `unknown transaction type "${type}"`);
  let allowed = [...TX_META, ...PAYLOAD_KEYS[type]];
  let kind: ProposalKind | undefined;
  if (type === "SUBMIT_PROPOSAL") {
    kind = string(pre.kind, `${where}.kind`) as ProposalKind;
    if (!KINDS.includes(kind)) bad(`${where}.kind`, `unknown kind "${kind}" (${KINDS.join(", ")})`);
    allowed = [...allowed, ...KIND_KEYS[kind]];
  }
  const o = object(v, where, allowed, [
    "from",
    "type",
    ...(type === "SUBMIT_PROPOSAL" ? ["title", ...KIND_REQUIRED[kind!]] : []),
    ...(type === "TRANSFER" ? ["recipient", "amount"] : []),
    ...(type === "CAST_VOTE" ? ["proposal_id", "option"] : []),
    ...(type === "SUBMIT_CODE_REVIEW" ? ["proposal_id", "approved"] : []),
    ...(type === "VOTE_IMPLEMENTATION" ? ["proposal_id", "approved"] : []),
    ...(type === "EXECUTE_PROPOSAL" || type === "CANCEL_PROPOSAL" ? ["proposal_id"] : []),
    ...(type === "FIAT_UNLOCK_VOTE" ? ["support"] : []),
  ]);
  const at = (k: string) => `${where}.${k}`;
  const spec: TxSpec = { where, from: devIndex(o.from, at("from")), build: () => bad(where, "unreachable") };
  if ("fee" in o) spec.fee = amount(o.fee, at("fee"));
  if ("nonce" in o) spec.nonce = BigInt(uint(o.nonce, at("nonce")));
  if ("as" in o) {
    if (type !== "SUBMIT_PROPOSAL") bad(at("as"), "only a SUBMIT_PROPOSAL takes a label");
    const l = string(o.as, at("as"));
    if (!LABEL_RE.test(l)) bad(at("as"), `label must match ${LABEL_RE}, got "${l}"`);
    if (labels.has(l)) bad(at("as"), `label "${l}" is already defined`);
    spec.as = l;
  }
  const optString = (k: string, def = "") => (k in o ? string(o[k], at(k)) : def);
  const pid = (k: string) => ref(o[k], at(k), labels);
  switch (type) {
    case "TRANSFER": {
      const to = recipient(o.recipient, at("recipient"));
      const amt = amount(o.amount, at("amount"));
      spec.build = () => ({ type, recipient: to, amount: amt });
      break;
    }
    case "SUBMIT_PROPOSAL": {
      const title = string(o.title, at("title"));
      const description = optString("description");
      const deposit = "deposit" in o ? amount(o.deposit, at("deposit")) : undefined;
      let act: (resolve: (r: string) => string) => ProposalAction;
      switch (kind!) {
        case "protocol_parameter": {
          const a: ProposalAction = {
            kind: "protocol_parameter",
            name: string(o.name, at("name")),
            value: string(o.value, at("value")),
          };
          act = () => a;
          break;
        }
        case "governance_rule": {
          const a: ProposalAction = {
            kind: "governance_rule",
            rule: string(o.rule, at("rule")),
            value: string(o.value, at("value")),
          };
          act = () => a;
          break;
        }
        case "feature_activation": {
          const a: ProposalAction = {
            kind: "feature_activation",
            feature: string(o.feature, at("feature")),
            enabled: boolean(o.enabled, at("enabled")),
          };
          act = () => a;
          break;
        }
        case "treasury_allocation": {
          // amount stays a raw string: the capability registry, not the runner, judges it.
          const a: ProposalAction = {
            kind: "treasury_allocation",
            recipient: recipient(o.recipient, at("recipient")),
            amount: string(o.amount, at("amount")),
            purpose: optString("purpose"),
          };
          act = () => a;
          break;
        }
        case "emergency_action": {
          const action = string(o.action, at("action"));
          const target = "proposal_id" in o ? pid("proposal_id") : "";
          act = (resolve) => ({ kind: "emergency_action", action, proposalId: target && resolve(target) });
          break;
        }
        case "rollback": {
          const target = pid("target");
          act = (resolve) => ({ kind: "rollback", target: resolve(target) });
          break;
        }
      }
      spec.build = (resolve, depositRule) => ({
        type,
        title,
        description,
        deposit: deposit ?? depositRule,
        action: act(resolve),
      });
      break;
    }
    case "CAST_VOTE": {
      const id = pid("proposal_id");
      const option = string(o.option, at("option"));
      if (!["yes", "no", "abstain"].includes(option)) bad(at("option"), `must be yes, no or abstain`);
      spec.build = (resolve) => ({ type, proposalId: resolve(id), option: option as VoteOption });
      break;
    }
    case "SUBMIT_CODE_REVIEW": {
      const id = pid("proposal_id");
      const approved = boolean(o.approved, at("approved"));
      const comment = optString("comment");
      let codeHash: Uint8Array | undefined;
      if ("code_hash" in o) {
        const h = string(o.code_hash, at("code_hash"));
        if (!/^[0-9a-f]{64}$/.test(h)) bad(at("code_hash"), "must be 32 bytes of lowercase hex");
        codeHash = fromHex(h);
      }
      spec.build = (resolve) => ({
        type,
        proposalId: resolve(id),
        approved,
        comment,
        ...(codeHash ? { codeHash } : {}),
      });
      break;
    }
    case "VOTE_IMPLEMENTATION": {
      const id = pid("proposal_id");
      const approved = boolean(o.approved, at("approved"));
      spec.build = (resolve) => ({ type, proposalId: resolve(id), approved });
      break;
    }
    case "EXECUTE_PROPOSAL":
    case "CANCEL_PROPOSAL": {
      const id = pid("proposal_id");
      spec.build = (resolve) => ({ type, proposalId: resolve(id) });
      break;
    }
    case "FIAT_UNLOCK_VOTE": {
      const support = boolean(o.support, at("support"));
      const reason = optString("reason");
      spec.build = () => ({ type, support, reason });
      break;
    }
  }
  return spec;
}

/** A height: a number, or "@label.field" with an optional "+N" / "-N". */
type HeightRef = number | { label: string; field: string; offset: number; text: string };

const HEIGHT_FIELDS = [
  "submit_height",
  "snapshot",
  "voting_end",
  "review_end",
  "implementation_end",
  "eta",
  "execution_deadline",
] as const;

function heightRef(v: unknown, where: string, labels: Labels): HeightRef {
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
function stateSpec(v: unknown, where: string, labels: Labels): Obj {
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
function checkRefs(v: unknown, where: string, labels: Labels): void {
  if (typeof v === "string" && v.startsWith("@") && !labels.has(v.slice(1)))
    bad(where, `label "${v.slice(1)}" is not defined by an earlier step`);
  if (Array.isArray(v)) for (const [i, x] of v.entries()) checkRefs(x, `${where}[${i}]`, labels);
  else if (isObj(v)) for (const [k, x] of Object.entries(v)) checkRefs(x, `${where}.${k}`, labels);
}

interface BlockEntry {
  tx: TxSpec;
  expect: Expect;
}

type Step =
  | { where: string; op: "tx"; tx: TxSpec; expect: Expect; dryRun: boolean }
  | { where: string; op: "block"; entries: BlockEntry[] }
  | { where: string; op: "advance_to"; to: HeightRef }
  | { where: string; op: "advance"; n: number }
  | { where: string; op: "expect_state"; expected: Obj };

/** A checked vector. */
interface Vector {
  file: string;
  name: string;
  description: string;
  genesis: GovChainOptions;
  steps: Step[];
}

function genesisSpec(v: unknown, where: string): GovChainOptions {
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
    ]);
    g.fiat = {
      start_height: "start_height" in f ? uint(f.start_height, at("fiat_unlock.start_height")) : 10,
      auto_unlock_height:
        "auto_unlock_height" in f
          ? uint(f.auto_unlock_height, at("fiat_unlock.auto_unlock_height"))
          : 1_000_000,
      min_votes: "min_votes" in f ? uint(f.min_votes, at("fiat_unlock.min_votes")) : 5,
      support_bps: "support_bps" in f ? uint(f.support_bps, at("fiat_unlock.support_bps")) : 6600,
    };
  }
  return g;
}

/** Parses and checks a vector file's text; throws VectorFormatError (or SyntaxError) if malformed. */
function parseVector(text: string, file: string): Vector {
  const json: unknown = JSON.parse(text);
  const o = object(json, file, ["name", "description", "genesis", "steps"], ["name", "description", "steps"]);
  const name = string(o.name, `${file}.name`);
  if (`${name}.json` !== basename(file))
    bad(`${file}.name`, `must be the file name without .json, got "${name}"`);
  const description = string(o.description, `${file}.description`);
  if (description.trim().length === 0) bad(`${file}.description`, "is empty");
  const genesis = genesisSpec(o.genesis, `${file}.genesis`);
  if (!Array.isArray(o.steps) || o.steps.length === 0) bad(`${file}.steps`, "must be a non-empty array");
  const labels: Labels = new Set();
  const define = (t: TxSpec) => {
    if (t.as === undefined) return;
    if (labels.has(t.as)) bad(t.where, `label "${t.as}" is already defined`);
    labels.add(t.as);
  };
  let anyExpectation = false;
  const steps: Step[] = o.steps.map((raw, i): Step => {
    const where = `${file}.steps[${i}]`;
    if (!isObj(raw)) bad(where, "must be an object");
    const op = ["tx", "block", "advance_to", "advance", "expect_state"].filter((k) => k in raw);
    if (op.length !== 1) bad(where, `must have exactly one of tx, block, advance_to, advance, expect_state`);
    switch (op[0]) {
      case "tx": {
        const s = object(raw, where, ["tx", "expect", "dry_run", "comment"], ["tx", "expect"]);
        const t = txSpec(s.tx, `${where}.tx`, labels);
        const expect = expectation(s.expect, `${where}.expect`);
        const dryRun = "dry_run" in s ? boolean(s.dry_run, `${where}.dry_run`) : false;
        if (t.as !== undefined && (expect.kind === "invalid" || dryRun))
          bad(`${where}.tx.as`, "a label needs a submission that is included (expect ok, no dry_run)");
        if (dryRun && expect.kind === "invalid") bad(`${where}.dry_run`, "only for a valid transaction");
        define(t);
        anyExpectation = true;
        return { where, op: "tx", tx: t, expect, dryRun };
      }
      case "block": {
        const s = object(raw, where, ["block", "comment"]);
        if (!Array.isArray(s.block)) bad(`${where}.block`, "must be an array of transactions");
        const entries = s.block.map((e, j): BlockEntry => {
          const w = `${where}.block[${j}]`;
          if (isObj(e) && "tx" in e) {
            const x = object(e, w, ["tx", "expect"], ["tx", "expect"]);
            const t = txSpec(x.tx, `${w}.tx`, labels);
            return { tx: t, expect: expectation(x.expect, `${w}.expect`) };
          }
          return { tx: txSpec(e, w, labels), expect: { kind: "ok" } };
        });
        // A skipped entry keeps its nonce unused: a later entry of the same sender would have a gap.
        entries.forEach((e, j) => {
          if (e.expect.kind !== "invalid") return;
          if (e.tx.as !== undefined) bad(e.tx.where, "a skipped submission cannot define a label");
          if (entries.slice(j + 1).some((l) => l.tx.from === e.tx.from && l.tx.nonce === undefined))
            bad(e.tx.where, "an entry expected to be skipped must be its sender's last in the block");
        });
        for (const e of entries) define(e.tx);
        anyExpectation = true;
        return { where, op: "block", entries };
      }
      case "advance_to": {
        const s = object(raw, where, ["advance_to", "comment"]);
        return { where, op: "advance_to", to: heightRef(s.advance_to, `${where}.advance_to`, labels) };
      }
      case "advance": {
        const s = object(raw, where, ["advance", "comment"]);
        const n = uint(s.advance, `${where}.advance`);
        if (n === 0 || n > MAX_ADVANCE) bad(`${where}.advance`, `must be 1..${MAX_ADVANCE}`);
        return { where, op: "advance", n };
      }
      default: {
        const s = object(raw, where, ["expect_state", "comment"]);
        anyExpectation = true;
        return {
          where,
          op: "expect_state",
          expected: stateSpec(s.expect_state, `${where}.expect_state`, labels),
        };
      }
    }
  });
  if (!anyExpectation) bad(`${file}.steps`, "asserts nothing");
  if (steps[steps.length - 1]!.op !== "expect_state")
    bad(`${file}.steps`, "must end with an expect_state (the summary the scenario leads to)");
  return { file, name, description, genesis, steps };
}

// ---------------------------------------------------------------------------------------------
// Running a vector.

class Run {
  readonly labels = new Map<string, string>();
  private constructor(readonly c: GovChain) {}

  static async start(v: Vector): Promise<Run> {
    return new Run(await GovChain.create(v.genesis));
  }

  resolve = (r: string): string => {
    if (!r.startsWith("@")) return r;
    const id = this.labels.get(r.slice(1));
    if (id === undefined)
      throw new VectorFormatError(`label "${r.slice(1)}" is not bound (submission not included)`);
    return id;
  };

  /** Signs a vector transaction as the next block would see it. */
  async makeTx(t: TxSpec): Promise<Tx> {
    const k = key(t.from);
    const ctx = await this.c.nextContext();
    const payload = t.build(this.resolve, ctx.params.rule.proposal_deposit!);
    const bodyBytes = encodeTxBody({
      chainId: CHAIN_ID,
      nonce: t.nonce ?? (await this.c.nextNonce(k)),
      publicKey: k.publicKey,
      fee: t.fee ?? ctx.params.param.min_tx_fee!,
      payload,
    });
    return decodeTx(encodeSignedTx(bodyBytes, sign(txSigningMessage(bodyBytes), k.secretKey)));
  }

  /** Asserts a valid transaction's outcome and binds its label. */
  checkOutcome(t: TxSpec, tx: Tx, outcome: TxOutcome | undefined, expect: Expect, where: string): void {
    assert.ok(outcome, `${where}: transaction was not included`);
    if (expect.kind === "ok")
      assert.equal(
        outcome.result,
        "ok",
        `${where}: expected ok, got ${outcome.result} ${outcome.errorCode ?? ""}`.trim(),
      );
    else {
      assert.equal(
        outcome.result,
        "failed",
        `${where}: expected failed:${expect.code}, got ${outcome.result}`,
      );
      assert.equal(
        outcome.errorCode,
        (expect as { code: string }).code,
        `${where}: error code of the failed effect`,
      );
    }
    if (tx.body.payload.type === "SUBMIT_PROPOSAL") {
      const id = proposalIdOf(CHAIN_ID, tx.sender, tx.body.nonce);
      assert.equal(outcome.proposalId, id, `${where}: proposal id = proposalIdOf(chain, sender, nonce)`);
      if (t.as !== undefined) this.labels.set(t.as, id);
    }
  }

  /**
   * An invalid transaction: a block builder skips it with `code` and its block has the root of an
   * empty block; a block that holds it is rejected with BLOCK_INVALID_TX (txCode = `code`).
   */
  async expectInvalid(tx: Tx, code: string, where: string): Promise<void> {
    const ctx = await this.c.nextContext();
    const withIt = await buildBlock(this.c.state, [tx], ctx, this.c.stateRoot, RULES);
    assert.deepEqual(
      withIt.skipped.map((s) => s.code),
      [code],
      `${where}: expected the transaction to be rejected with ${code}`,
    );
    const without = await buildBlock(this.c.state, [], ctx, this.c.stateRoot, RULES);
    assert.equal(
      toHex(withIt.stateRoot),
      toHex(without.stateRoot),
      `${where}: a rejected tx changes the root`,
    );
    const imported = await this.c.importBlockWith([tx]);
    assert.equal(
      imported.code,
      "BLOCK_INVALID_TX",
      `${where}: a block holding the transaction must be invalid`,
    );
    assert.equal(imported.data?.txCode, code, `${where}: the block's invalid-tx code`);
  }

  async step(s: Step): Promise<void> {
    const c = this.c;
    switch (s.op) {
      case "tx": {
        const tx = await this.makeTx(s.tx);
        const root = c.rootHex;
        const height = c.height;
        if (s.expect.kind === "invalid") await this.expectInvalid(tx, s.expect.code, s.where);
        else if (s.dryRun) {
          const r = await applyTx(new StateOverlay(c.state), tx, await c.nextContext(), RULES, []).catch(
            (err: unknown) => {
              assert.fail(`${s.where}: expected a valid transaction, got ${(err as Error).message}`);
            },
          );
          this.checkOutcome(s.tx, tx, r.outcome, s.expect, s.where);
        } else {
          c.pending.push(tx);
          const b = await c.nextBlock();
          assert.deepEqual(
            b.skipped.map((x) => x.code),
            [],
            `${s.where}: expected ${s.expect.kind === "ok" ? "ok" : `failed:${s.expect.code}`}`,
          );
          this.checkOutcome(
            s.tx,
            tx,
            b.receipts.find((r) => r.txId === tx.id),
            s.expect,
            s.where,
          );
          return;
        }
        assert.equal(c.rootHex, root, `${s.where}: state root changed`);
        assert.equal(c.height, height, `${s.where}: height changed`);
        return;
      }
      case "block": {
        const txs: Tx[] = [];
        for (const e of s.entries) {
          const tx = await this.makeTx(e.tx);
          txs.push(tx);
          c.pending.push(tx);
        }
        const b = await c.nextBlock();
        const skipped = new Map(b.skipped.map((x) => [x.tx.id, x.code]));
        s.entries.forEach((e, j) => {
          const tx = txs[j]!;
          const w = e.tx.where;
          if (e.expect.kind === "invalid")
            assert.equal(
              skipped.get(tx.id),
              e.expect.code,
              `${w}: expected to be skipped with ${e.expect.code}`,
            );
          else {
            assert.equal(skipped.get(tx.id), undefined, `${w}: skipped with ${skipped.get(tx.id)}`);
            this.checkOutcome(
              e.tx,
              tx,
              b.receipts.find((r) => r.txId === tx.id),
              e.expect,
              w,
            );
          }
        });
        return;
      }
      case "advance": {
        await c.runToHeight(c.height + s.n);
        return;
      }
      case "advance_to": {
        const to = await this.height(s.to, s.where);
        if (to < c.height)
          throw new VectorFormatError(`${s.where}: advance_to ${to} is below the height ${c.height}`);
        if (to - c.height > MAX_ADVANCE)
          throw new VectorFormatError(
            `${s.where}: advance_to ${to} is more than ${MAX_ADVANCE} blocks ahead`,
          );
        await c.runToHeight(to);
        return;
      }
      case "expect_state": {
        await this.expectState(s.expected, s.where);
        await assertGovernanceInvariants(c.state);
        return;
      }
    }
  }

  async height(h: HeightRef, where: string): Promise<number> {
    if (typeof h === "number") return h;
    const p = await findProposal(this.c.state, this.resolve(`@${h.label}`));
    assert.ok(p, `${where}: proposal ${h.label} exists`);
    const base: Record<(typeof HEIGHT_FIELDS)[number], number> = {
      submit_height: p.submitHeight,
      snapshot: p.snapshotHeight,
      voting_end: p.votingEnd,
      review_end: p.reviewEnd,
      implementation_end: p.implementationEnd,
      eta: p.eta,
      execution_deadline: p.eta === 0 ? 0 : expiryHeight(p),
    };
    const b = base[h.field as (typeof HEIGHT_FIELDS)[number]];
    if ((h.field === "eta" || h.field === "execution_deadline") && b === 0)
      throw new VectorFormatError(`${where}: ${h.text}: proposal ${h.label} was never queued`);
    return b + h.offset;
  }

  /** Compares `expected` with the state summary. */
  async expectState(e: Obj, where: string): Promise<void> {
    const c = this.c;
    const at = (k: string) => `${where}.${k}`;
    const reg = async (k: "params" | "features" | "rules", space: RegistrySpace) => {
      if (!(k in e)) return;
      for (const [name, val] of Object.entries(e[k] as Obj)) {
        const raw = await getRegistryRaw(c.state, space, name);
        assert.equal(raw, space === "feature" ? String(val) : val, `${at(k)}.${name}`);
      }
    };
    if ("height" in e) assert.equal(c.height, e.height, at("height"));
    if ("proposal_count" in e)
      assert.equal(await getCounter(c.state, "proposal_number"), e.proposal_count, at("proposal_count"));
    if ("proposals" in e)
      for (const [label, exp] of Object.entries(e.proposals as Obj)) {
        const id = this.resolve(`@${label}`);
        const p = await getProposal(c.state, id);
        assert.ok(p, `${at("proposals")}.${label}: proposal ${id} exists`);
        this.match(p, exp, `${at("proposals")}.${label}`);
      }
    await reg("params", "param");
    await reg("features", "feature");
    await reg("rules", "rule");
    if ("fiat_rails" in e)
      assert.equal(
        await getRegistryRaw(c.state, "feature", "fiat_rails"),
        String(e.fiat_rails),
        at("fiat_rails"),
      );
    if ("balances" in e)
      for (const [name, val] of Object.entries(e.balances as Obj)) {
        const b = (await getAccount(c.state, accountAddress(name)!)).balance;
        assert.equal(b.toString(), val, `${at("balances")}.${name}`);
      }
    if ("nonces" in e)
      for (const [name, val] of Object.entries(e.nonces as Obj)) {
        const n = (await getAccount(c.state, accountAddress(name)!)).nonce;
        assert.equal(Number(n), val, `${at("nonces")}.${name}`);
      }
    if ("supply" in e)
      for (const [name, val] of Object.entries(e.supply as Obj)) {
        const v =
          name === "circulating"
            ? await circulatingSupplyAt(c.state, c.height)
            : await getSupplyCounter(c.state, name as "total_supply" | "minted" | "burned");
        assert.equal(v.toString(), val, `${at("supply")}.${name}`);
      }
    if ("history_length" in e || "history" in e) {
      const entries: Obj[] = [];
      let cursor: number | undefined;
      for (;;) {
        const page = await history(c.state, { limit: 100, ...(cursor !== undefined ? { cursor } : {}) });
        entries.push(...page.entries);
        if (page.next_cursor === null) break;
        cursor = page.next_cursor;
      }
      entries.reverse();
      assert.equal(entries.length, await getCounter(c.state, "history_seq"), `${where}: history counter`);
      if ("history_length" in e) assert.equal(entries.length, e.history_length, at("history_length"));
      if ("history" in e) this.match(entries, e.history, at("history"));
    }
    if ("timelock" in e) this.match(await timelock(c.state), e.timelock, at("timelock"));
    if ("fiat" in e) {
      const f = await fiatUnlockStatus(c.state);
      assert.ok(f, `${at("fiat")}: fiat state exists`);
      this.match(f, e.fiat, at("fiat"));
    }
  }

  /**
   * Partial match: every key of an expected object must exist in the actual one and match; arrays
   * match element by element with the same length; "@label" strings stand for the label's id;
   * anything else must be deep-equal (same JSON type: amounts are strings, heights numbers).
   */
  match(actual: unknown, expected: unknown, where: string): void {
    if (typeof expected === "string" && expected.startsWith("@")) expected = this.resolve(expected);
    if (Array.isArray(expected)) {
      assert.ok(Array.isArray(actual), `${where}: expected an array, got ${JSON.stringify(actual)}`);
      assert.equal(actual.length, expected.length, `${where}: length`);
      for (const [i, x] of expected.entries()) this.match(actual[i], x, `${where}[${i}]`);
    } else if (isObj(expected)) {
      assert.ok(isObj(actual), `${where}: expected an object, got ${JSON.stringify(actual)}`);
      for (const [k, x] of Object.entries(expected)) {
        if (!(k in actual))
          throw new VectorFormatError(`${where}: no field "${k}" (has: ${Object.keys(actual).join(", ")})`);
        this.match(actual[k], x, `${where}.${k}`);
      }
    } else assert.deepEqual(actual, expected, where);
  }
}

/** Runs a checked vector; throws on the first mismatch. */
async function runVector(v: Vector): Promise<void> {
  const r = await Run.start(v);
  for (const s of v.steps) await r.step(s);
  await assertGovernanceInvariants(r.c.state);
}

// ---------------------------------------------------------------------------------------------

function vectorFiles(): string[] {
  return readdirSync(VECTOR_DIR)
    .filter((f) => f.endsWith(".json"))
    .sort();
}

describe("test vectors (test/vectors/*.json)", () => {
  const files = vectorFiles();

  it("the directory holds the vectors and nothing unexpected", () => {
    assert.ok(files.length >= 20, `only ${files.length} vectors`);
    const other = readdirSync(VECTOR_DIR).filter((f) => !f.endsWith(".json") && f !== "README.md");
    assert.deepEqual(other, [], "files that are neither vectors nor the README (a typo in an extension?)");
  });

  for (const f of files)
    it(f.replace(/\.json$/, ""), async () => {
      const path = join(VECTOR_DIR, f);
      await runVector(parseVector(readFileSync(path, "utf8"), path));
    });

  describe("the runner fails loudly", () => {
    const base = {
      name: "inline",
      description: "inline vector",
      steps: [{ expect_state: { height: 0 } }],
    };
    const parse = (v: unknown) => parseVector(JSON.stringify(v), "/x/inline.json");
    const malformed: Array<[string, unknown]> = [
      ["unknown top-level key", { ...base, extra: 1 }],
      ["name differs from the file", { ...base, name: "other" }],
      ["no steps", { ...base, steps: [] }],
      ["unknown step kind", { ...base, steps: [{ wait: 3 }, ...base.steps] }],
      ["two step kinds", { ...base, steps: [{ advance: 1, advance_to: 2 }, ...base.steps] }],
      [
        "unknown tx type",
        { ...base, steps: [{ tx: { from: "dev:1", type: "MINT" }, expect: "ok" }, ...base.steps] },
      ],
      [
        "unknown payload field",
        {
          ...base,
          steps: [
            {
              tx: { from: "dev:1", type: "TRANSFER", recipient: "dev:2", amount: "1", memo: "x" },
              expect: "ok",
            },
            ...base.steps,
          ],
        },
      ],
      [
        "amount as a number",
        {
          ...base,
          steps: [
            { tx: { from: "dev:1", type: "TRANSFER", recipient: "dev:2", amount: 1 }, expect: "ok" },
            ...base.steps,
          ],
        },
      ],
      [
        "bad sender",
        {
          ...base,
          steps: [
            { tx: { from: "alice", type: "TRANSFER", recipient: "dev:2", amount: "1" }, expect: "ok" },
            ...base.steps,
          ],
        },
      ],
      [
        "lowercase expectation",
        {
          ...base,
          steps: [
            {
              tx: { from: "dev:1", type: "TRANSFER", recipient: "dev:2", amount: "1" },
              expect: "tx_zero_amount",
            },
            ...base.steps,
          ],
        },
      ],
      [
        "undefined label",
        {
          ...base,
          steps: [
            { tx: { from: "dev:1", type: "CAST_VOTE", proposal_id: "@p1", option: "yes" }, expect: "ok" },
            ...base.steps,
          ],
        },
      ],
      ["unknown state key", { ...base, steps: [{ expect_state: { heigth: 0 } }] }],
      ["unknown param in a summary", { ...base, steps: [{ expect_state: { params: { gas: "1" } } }] }],
      ["unknown rule in genesis", { ...base, genesis: { governance_rules: { quorum: "1" } } }],
      ["unknown account", { ...base, steps: [{ expect_state: { balances: { bob: "1" } } }] }],
      ["does not end with expect_state", { ...base, steps: [{ advance: 1 }] }],
    ];
    for (const [what, v] of malformed)
      it(`rejects a vector with ${what}`, () => {
        assert.throws(() => parse(v), VectorFormatError);
      });

    it("rejects text that is not JSON", () => {
      assert.throws(() => parseVector("{", "/x/inline.json"), SyntaxError);
    });

    const failing: Array<[string, unknown[]]> = [
      [
        "an expected ok that is rejected",
        [{ tx: { from: "dev:1", type: "TRANSFER", recipient: "dev:2", amount: "0" }, expect: "ok" }],
      ],
      [
        "an expected error code that is accepted",
        [
          {
            tx: { from: "dev:1", type: "TRANSFER", recipient: "dev:2", amount: "1" },
            expect: "TX_ZERO_AMOUNT",
          },
        ],
      ],
      [
        "the wrong error code",
        [
          {
            tx: { from: "dev:1", type: "TRANSFER", recipient: "dev:2", amount: "0" },
            expect: "TX_INVALID_RECIPIENT",
          },
        ],
      ],
      ["a wrong balance", [{ expect_state: { balances: { "dev:1": "1" } } }]],
      ["advance_to backwards", [{ advance: 2 }, { advance_to: 1 }]],
    ];
    for (const [what, steps] of failing)
      it(`fails on ${what}`, async () => {
        const v = parse({ ...base, steps: [...steps, ...base.steps] });
        await assert.rejects(runVector(v));
      });
  });
});
