/**
 * Upgrade plans in state (SPEC v2 §4.7, in the style of Cosmos `x/upgrade`): the one pending plan
 * (bucket UPGRADE_PLAN) and the applied upgrades by name (bucket UPGRADE_APPLIED), with their
 * codecs (proto/xai/gov/v1/state.proto `UpgradePlan`, `AppliedUpgrade`) and the plan rules shared
 * by submission, execution and the CLI: the name format, the release's sha256 in `info`, the
 * earliest height.
 */
import { utf8 } from "../../crypto/bytes.js";
import type { StateReader } from "../../state-transition/stateStore.js";
import { type Codec, field, int, recordCodec, text } from "../codec.js";
import { collection, item } from "../collection.js";
import { GovBucket } from "../keys.js";

/** The pending upgrade plan: what a software_upgrade proposal's execution stored. */
export interface UpgradePlan {
  name: string;
  /** The height at whose start the migration runs (before any transaction of that block). */
  height: number;
  /** Release notes URL and the release's `sha256:<hex>`. */
  info: string;
  /** The software_upgrade proposal that scheduled it, and its number. */
  proposalId: string;
  number: number;
  /** Height of the execution that stored the plan. */
  scheduledHeight: number;
}

/** An upgrade whose migration has run. */
export interface AppliedUpgrade {
  name: string;
  height: number;
  info: string;
  proposalId: string;
  number: number;
}

const planCodec: Codec<UpgradePlan> = recordCodec("xai.gov.v1.UpgradePlan", {
  name: field("name", text),
  height: field("height", int),
  info: field("info", text),
  proposalId: field("proposalId", text),
  number: field("number", int),
  scheduledHeight: field("scheduledHeight", int),
});

const appliedCodec: Codec<AppliedUpgrade> = recordCodec("xai.gov.v1.AppliedUpgrade", {
  name: field("name", text),
  height: field("height", int),
  info: field("info", text),
  proposalId: field("proposalId", text),
  number: field("number", int),
});

/** The pending plan (bucket UPGRADE_PLAN): at most one. */
export const upgradePlan = item(GovBucket.UPGRADE_PLAN, planCodec);

/** Applied upgrades by name (bucket UPGRADE_APPLIED; key: the name's bytes). */
export const appliedUpgrades = collection(
  GovBucket.UPGRADE_APPLIED,
  (name: string) => utf8(name),
  appliedCodec,
);

/** Every applied upgrade, in height order. */
export async function listAppliedUpgrades(state: StateReader): Promise<AppliedUpgrade[]> {
  const all = (await appliedUpgrades.range(state)).map(([, v]) => v);
  return all.sort((a, b) => a.height - b.height);
}

/** Upgrade names: 1-64 bytes, lowercase ASCII letters, digits, `.`, `-`, `_`; first a letter or digit. */
export const UPGRADE_NAME_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** The release's digest that `info` must carry: `sha256:` and 64 lowercase hex digits. */
export const RELEASE_SHA256_RE = /(?:^|[^0-9a-z])sha256:([0-9a-f]{64})(?![0-9a-f])/;

/** Highest plan height (heights are JavaScript numbers in state). */
export const MAX_UPGRADE_HEIGHT = BigInt(Number.MAX_SAFE_INTEGER);

/** The release's sha256 (hex) named in `info`, or undefined. */
export function releaseSha256(info: string): string | undefined {
  return RELEASE_SHA256_RE.exec(info)?.[1];
}
