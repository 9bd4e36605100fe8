/**
 * `--proposal ID|NUMBER`: a transaction names a proposal by its id (SPEC §4.1: the id is bound to
 * the submitted content). A number is resolved to the id by asking the node; the CLI says on
 * stderr what the node answered (id and title), since that is the node's word: pass the id to pin
 * exactly what is signed.
 */
import { xaiError } from "../errors.js";
import { NodeErrorCode } from "../node/errors.js";
import type { Payload } from "../types/tx.js";
import { apiGet } from "./client.js";
import { CliErrorCode } from "./errors.js";

const ID_RE = /^[0-9a-f]{32}$/;
const NUMBER_RE = /^[1-9][0-9]{0,15}$/;

/** `payload` with a proposal number in `proposalId` replaced by the id the node gives for it. */
export async function resolveProposalRef(node: string, payload: Payload): Promise<Payload> {
  if (!("proposalId" in payload) || typeof payload.proposalId !== "string") return payload;
  const ref = payload.proposalId;
  if (ID_RE.test(ref)) return payload;
  if (!NUMBER_RE.test(ref))
    throw xaiError(
      NodeErrorCode.BAD_OPTION,
      `--proposal is a proposal id (32 hex characters) or its number, not ${ref}`,
    );
  const p = await apiGet<{ id?: unknown; number?: unknown; title?: unknown }>(
    node,
    `/governance/proposals/${ref}`,
  );
  if (typeof p.id !== "string" || !ID_RE.test(p.id) || p.number !== Number(ref))
    throw xaiError(CliErrorCode.BAD_RESPONSE, `the node's answer for proposal ${ref} is not that proposal`);
  process.stderr.write(
    `proposal ${ref} is ${p.id} ("${String(p.title)}"), as ${node} reports it; pass the id to pin it\n`,
  );
  return { ...payload, proposalId: p.id };
}
