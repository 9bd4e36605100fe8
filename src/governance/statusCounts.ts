/**
 * Proposals by status and kind, kept as counters in governance state (SPEC v2 §4.6, review C1): the
 * `xai_governance_proposals` gauge reads these few entries instead of decoding every proposal ever
 * submitted. They live in bucket COUNTER under the names `proposals/<status>/<kind>` (a key is
 * deleted at 0), are moved by `setStatus` as a proposal changes status, and so are state: covered
 * by the state root and rebuilt identically by replay.
 */
import { utf8 } from "../crypto/bytes.js";
import { xaiError } from "../errors.js";
import type { StateReader, StateWriter } from "../state-transition/stateStore.js";
import type { ProposalKind } from "../types/tx.js";
import { collection, u64Number } from "./collection.js";
import { GovErrorCode } from "./errors.js";
import { GovBucket } from "./keys.js";
import type { ProposalStatus } from "./lifecycle.js";

const PREFIX = "proposals/";
const dec = new TextDecoder();

/** The per-(status, kind) counters, in bucket COUNTER beside the named counters of store.ts. */
const statusCounters = collection(
  GovBucket.COUNTER,
  ([status, kind]: readonly [ProposalStatus, ProposalKind]) => utf8(`${PREFIX}${status}/${kind}`),
  u64Number,
);

async function add(state: StateWriter, status: ProposalStatus, kind: ProposalKind, delta: number) {
  const n = ((await statusCounters.get(state, [status, kind])) ?? 0) + delta;
  if (n < 0) throw xaiError(GovErrorCode.INVARIANT, `proposal count of ${status}/${kind} below zero`);
  if (n === 0) statusCounters.del(state, [status, kind]);
  else statusCounters.put(state, [status, kind], n);
}

/** Moves one proposal of `kind` from status `from` (undefined: a new proposal) to `to`. */
export async function moveStatusCount(
  state: StateWriter,
  kind: ProposalKind,
  from: ProposalStatus | undefined,
  to: ProposalStatus,
): Promise<void> {
  if (from !== undefined) await add(state, from, kind, -1);
  await add(state, to, kind, 1);
}

/** Every non-zero count, in key order (status, then kind): one range over at most statuses x kinds keys. */
export async function statusCounts(
  state: StateReader,
): Promise<Array<{ status: ProposalStatus; kind: ProposalKind; count: number }>> {
  const out: Array<{ status: ProposalStatus; kind: ProposalKind; count: number }> = [];
  for (const [key, count] of await statusCounters.range(state, utf8(PREFIX))) {
    const [status, kind] = dec.decode(key.subarray(1 + PREFIX.length)).split("/") as [
      ProposalStatus,
      ProposalKind,
    ];
    out.push({ status, kind, count });
  }
  return out;
}
