/**
 * What the client pins so that the node it talks to never chooses what it signs (SPEC §6 v2,
 * review B3): the chain id, and a ceiling on the fee. Both come from the command line or from the
 * client config file; neither ever comes from the node. The node's answers are only checked
 * against them: a node on another chain id is refused, and a fee above the ceiling is refused,
 * before anything is signed.
 *
 * Client config: a JSON file `{"node", "chain_id", "max_fee", "output"}` (all optional), at
 * `$XAI_CONFIG` (or the older `$XAI_GOV_CLIENT_CONFIG`), else `~/.xai-gov/client.json` if it
 * exists. Precedence, for each value: flag > environment (`XAI_NODE`, `XAI_CHAIN_ID`) > config
 * file > default (clientEnv.ts applies it to `--node` and `--json`).
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { checkChainId, checkFee, DEFAULT_MAX_FEE } from "../client/tx.js";
import { xaiError } from "../errors.js";
import { NodeErrorCode } from "../node/errors.js";
import { CliErrorCode } from "./errors.js";

/**
 * Default ceiling on the fee the client signs: 100,000 units (0.001 XAI), 100 times the default
 * `min_tx_fee` (1,000). It leaves room for governance raising the minimum fee and for a fee bump
 * that replaces a pending transaction, and caps what a hostile node can take per transaction at a
 * thousandth of one XAI, instead of up to 1 XAI (the top of min_tx_fee's bounds) or the whole
 * balance (any `min_tx_fee` it reports). A chain with a higher minimum needs `--max-fee` or
 * `max_fee` in the client config.
 */
export { checkChainId, checkFee, DEFAULT_MAX_FEE };

/**
 * Default ceiling on a deposit the client takes from the node (`tx submit-proposal` without
 * `--deposit`): 10,000,000,000 units (100 XAI), 10 times the dev preset's proposal_deposit. An
 * explicit `--deposit` is the user's own choice and is not capped.
 */
export const DEFAULT_MAX_DEPOSIT = 10_000_000_000n;

/** Default `--wait` timeout and its upper bound, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 60_000;
export const MAX_TIMEOUT_MS = 3_600_000;

const UINT_RE = /^(0|[1-9][0-9]{0,19})$/;
/** The chain id form a genesis accepts (config/genesis.ts). */
const CHAIN_ID_RE = /^[a-z0-9][a-z0-9-]{2,63}$/;

/** The client config file. */
export interface ClientConfig {
  node?: string;
  chain_id?: string;
  max_fee?: string;
  /** `json`: every command prints JSON as with `--json`; `text` (default): readable output. */
  output?: "json" | "text";
}

const CONFIG_FIELDS = ["node", "chain_id", "max_fee", "output"];

/** Where the client config is read from: `$XAI_CONFIG` (or `$XAI_GOV_CLIENT_CONFIG`), else `~/.xai-gov/client.json`. */
export function clientConfigPath(): { path: string; explicit: boolean } {
  const env = process.env.XAI_CONFIG || process.env.XAI_GOV_CLIENT_CONFIG;
  if (env) return { path: env, explicit: true };
  return { path: join(homedir(), ".xai-gov", "client.json"), explicit: false };
}

/** Reads the client config; the default path may be absent (no config), an explicit one may not. */
export function loadClientConfig(): ClientConfig {
  const { path, explicit } = clientConfigPath();
  if (!explicit && !existsSync(path)) return {};
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw xaiError(CliErrorCode.BAD_CLIENT_CONFIG, `cannot read ${path}: ${(err as Error).message}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json))
    throw xaiError(CliErrorCode.BAD_CLIENT_CONFIG, `${path} must hold a JSON object`);
  const o = json as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!CONFIG_FIELDS.includes(k))
      throw xaiError(
        CliErrorCode.BAD_CLIENT_CONFIG,
        `${path}: unknown field ${k} (${CONFIG_FIELDS.join(", ")})`,
      );
  if (o.node !== undefined && (typeof o.node !== "string" || !URL.canParse(o.node)))
    throw xaiError(CliErrorCode.BAD_CLIENT_CONFIG, `${path}: node must be a URL`);
  if (o.output !== undefined && o.output !== "json" && o.output !== "text")
    throw xaiError(CliErrorCode.BAD_CLIENT_CONFIG, `${path}: output is "json" or "text"`);
  if (o.chain_id !== undefined && (typeof o.chain_id !== "string" || !CHAIN_ID_RE.test(o.chain_id)))
    throw xaiError(CliErrorCode.BAD_CLIENT_CONFIG, `${path}: chain_id must be a chain id string`);
  if (o.max_fee !== undefined && (typeof o.max_fee !== "string" || !UINT_RE.test(o.max_fee)))
    throw xaiError(CliErrorCode.BAD_CLIENT_CONFIG, `${path}: max_fee must be a decimal string of base units`);
  return o as ClientConfig;
}

/** Options that pin the client. */
export interface PinOptions {
  chainId?: string;
  maxFee?: string;
}

/** What the client will sign for: the pinned chain id and the fee ceiling. */
export interface Pin {
  chainId: string;
  maxFee: bigint;
}

function parseUint(s: string, what: string, code: CliErrorCode | NodeErrorCode): bigint {
  if (!UINT_RE.test(s) || BigInt(s) >= 2n ** 64n)
    throw xaiError(code, `${what} must be an integer number of base units`);
  return BigInt(s);
}

/** The fee ceiling: `--max-fee`, else the config's max_fee, else DEFAULT_MAX_FEE. */
export function resolveMaxFee(o: PinOptions, config: ClientConfig = loadClientConfig()): bigint {
  if (o.maxFee !== undefined) return parseUint(o.maxFee, "--max-fee", NodeErrorCode.BAD_OPTION);
  if (config.max_fee !== undefined)
    return parseUint(config.max_fee, "max_fee", CliErrorCode.BAD_CLIENT_CONFIG);
  return DEFAULT_MAX_FEE;
}

/** The pinned chain id (`--chain-id`, else `$XAI_CHAIN_ID`, else the config's) and the fee ceiling; refuses when unpinned. */
export function resolvePin(o: PinOptions): Pin {
  const config = loadClientConfig();
  const chainId = o.chainId ?? (process.env.XAI_CHAIN_ID || undefined) ?? config.chain_id;
  if (chainId === undefined)
    throw xaiError(
      CliErrorCode.CHAIN_ID_REQUIRED,
      `pin the chain: give --chain-id ID, set XAI_CHAIN_ID or set chain_id in ${clientConfigPath().path}`,
    );
  if (!CHAIN_ID_RE.test(chainId))
    throw xaiError(NodeErrorCode.BAD_OPTION, `--chain-id ${JSON.stringify(chainId)} is not a chain id`);
  return { chainId, maxFee: resolveMaxFee(o, config) };
}

/** `--timeout`: a whole number of milliseconds, 1 … MAX_TIMEOUT_MS. */
export function parseTimeout(s: string | undefined): number {
  if (s === undefined) return DEFAULT_TIMEOUT_MS;
  const n = /^[1-9][0-9]{0,9}$/.test(s) ? Number(s) : Number.NaN;
  if (!(n >= 1 && n <= MAX_TIMEOUT_MS))
    throw xaiError(
      CliErrorCode.BAD_TIMEOUT,
      `--timeout must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`,
    );
  return n;
}
