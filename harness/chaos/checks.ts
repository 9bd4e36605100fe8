/**
 * The end-of-run checks of a chaos run, on the healed and converged network: the governance
 * outcome of each planned proposal is the one its counted votes decide, on every node, and the
 * executed changes are in every node's registry; afterwards (nodes stopped) `xai-gov replay`
 * verifies every node's database, with the chain and governance invariants.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Cluster } from "../cluster.js";
import { type ProposalJson, proposal, registryValue } from "../gov.js";
import { dev } from "../txs.js";
import { VOTERS } from "./govDriver.js";
import type { PlannedProposal } from "./schedule.js";

/** The check of one proposal. */
export interface OutcomeCheck {
  number: number;
  id: string;
  planned: PlannedProposal;
  /** Options of dev:1..4 counted on the final chain (null: no vote counted). */
  counted: Array<"yes" | "no" | "abstain" | null>;
  /** What the counted votes decide: all four (40 %) meet the quorum; 3-4 yes of 4 pass. */
  decided: "executed" | "rejected";
  /** Status per node. */
  statuses: string[];
  ok: boolean;
  problems: string[];
}

/**
 * The oracle, independent of the node's tally: dev:1..4 hold 10 % of the voting supply each and the
 * quorum is 33.4 %, so fewer than four counted votes miss it; with four, 3 or 4 yes pass (75 % or
 * more) and 0 or 1 yes fail the approval.
 */
export function decide(counted: Array<string | null>): "executed" | "rejected" {
  if (counted.some((o) => o === null)) return "rejected";
  return counted.filter((o) => o === "yes").length >= 3 ? "executed" : "rejected";
}

/** Checks every planned proposal on every running node (the network has converged). */
export async function checkOutcomes(
  c: Cluster,
  plans: PlannedProposal[],
  ids: string[],
): Promise<OutcomeCheck[]> {
  const out: OutcomeCheck[] = [];
  const lastValue = new Map<string, string>();
  for (const [k, planned] of plans.entries()) {
    const id = ids[k]!;
    const problems: string[] = [];
    const views: ProposalJson[] = await Promise.all(c.alive.map((i) => proposal(c, i, id)));
    const votes = await c.get<{ votes: Array<{ voter: string; option: string }> }>(
      c.alive[0]!,
      `/governance/proposals/${id}/votes?limit=100`,
    );
    const byVoter = new Map(votes.votes.map((v) => [v.voter, v.option]));
    const counted = VOTERS.map(
      (n) => (byVoter.get(dev(n).address) ?? null) as OutcomeCheck["counted"][number],
    );
    const decided = decide(counted);
    const statuses = views.map((p) => p.status);
    statuses.forEach((s, x) => {
      if (s !== decided) problems.push(`node ${c.alive[x]} reports ${s}, the votes decide ${decided}`);
    });
    if (counted.join() !== planned.votes.join())
      problems.push(`counted votes ${counted.join(",")} differ from the planned ${planned.votes.join(",")}`);
    if (decided === "executed") {
      for (const [x, p] of views.entries()) {
        const ch = p.execution?.changes.map((e) => [e.key, e.after]) ?? [];
        if (JSON.stringify(ch) !== JSON.stringify([[planned.name, planned.value]]))
          problems.push(`node ${c.alive[x]}: execution changes ${JSON.stringify(ch)}`);
      }
      lastValue.set(planned.name, planned.value);
    }
    out.push({ number: k, id, planned, counted, decided, statuses, ok: problems.length === 0, problems });
  }
  // The registry holds the value of the last executed change of each parameter, on every node.
  for (const [name, value] of lastValue)
    for (const i of c.alive) {
      const v = await registryValue(c, i, "param", name);
      if (v !== value) out[out.length - 1]!.problems.push(`node ${i}: ${name} is ${v}, expected ${value}`);
    }
  for (const o of out) o.ok = o.problems.length === 0;
  return out;
}

const CLI = fileURLToPath(new URL("../../../bin/xai-gov.js", import.meta.url));

/** `xai-gov replay --json` on a stopped node's directory: ok, and the report or the error. */
export function replay(dir: string): Promise<{ ok: boolean; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, "replay", "--dir", dir, "--json", "--workers", "0"],
      { maxBuffer: 16 << 20 },
      (err, stdout, stderr) => resolve({ ok: !err, out: (stdout || stderr).trim().slice(-2000) }),
    );
  });
}
