/**
 * The format of a vector file (test/vectors/README.md): parseVector checks the whole file (keys,
 * types, labels, names) before its first block and returns the steps to play, so a malformed vector
 * fails loudly with VectorFormatError and the path of the bad value.
 */
import { basename } from "node:path";
import type { GovChainOptions } from "../../utils/govChain.js";
import {
  bad,
  boolean,
  type Expect,
  expectation,
  isObj,
  type Labels,
  MAX_ADVANCE,
  type Obj,
  object,
  string,
  uint,
} from "./checks.js";
import { genesisSpec } from "./genesisSpec.js";
import { type HeightRef, heightRef, stateSpec } from "./stateSpec.js";
import { type TxSpec, txSpec } from "./txSpec.js";

/** One transaction of a `block` step and what it must do. */
export interface BlockEntry {
  tx: TxSpec;
  expect: Expect;
}

/** A checked step, with the path of its JSON value for messages. */
export type Step =
  | { where: string; op: "tx"; tx: TxSpec; expect: Expect; dryRun: boolean }
  | { where: string; op: "block"; entries: BlockEntry[] }
  | { where: string; op: "advance_to"; to: HeightRef }
  | { where: string; op: "advance"; n: number }
  | { where: string; op: "expect_state"; expected: Obj };

/** A checked vector. */
export interface Vector {
  file: string;
  name: string;
  description: string;
  genesis: GovChainOptions;
  steps: Step[];
}

/** Parses and checks a vector file's text; throws VectorFormatError (or SyntaxError) if malformed. */
export function parseVector(text: string, file: string): Vector {
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
