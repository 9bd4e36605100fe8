/** Error codes of the registry and of genesis, and the faults a genesis can have. */

import type { AddressFault } from "../crypto/address.js";

/** Error codes of registry reads and writes. */
export enum RegistryErrorCode {
  /** A registry name from outside (a transaction, a stored change, a test vector) that is not registered. */
  UNKNOWN = "REGISTRY_UNKNOWN",
  /** A stored registry value that does not parse as its entry's type (a bug or a corrupted database). */
  CORRUPT = "REGISTRY_CORRUPT",
}

/** Error codes of genesis files and of the genesis a database was created from. */
export enum GenesisErrorCode {
  /** genesis.json (or `init`'s options) is not a valid genesis; `data.reason` is the GenesisFault. */
  INVALID = "GENESIS_INVALID",
  /** The database was created from another genesis (its stored genesis hash differs). */
  MISMATCH = "GENESIS_MISMATCH",
}

/**
 * Why a genesis is GENESIS_INVALID (`data.reason`): the code stays GENESIS_INVALID for every fault,
 * as clients and docs rely on it, and the reason tells the faults apart.
 */
export enum GenesisFault {
  /** The genesis file is not JSON text at all (a syntax error; `xai-gov start` and `replay` read it). */
  NOT_JSON = "not_json",
  /** The genesis is not a JSON object. */
  NOT_AN_OBJECT = "not_an_object",
  /** chain_id does not match `[a-z0-9][a-z0-9-]{2,63}`. */
  BAD_CHAIN_ID = "bad_chain_id",
  /** A field of the wrong JSON type or out of its domain (integers, decimal amounts, arrays). */
  BAD_FIELD = "bad_field",
  /**
   * A validator's public key or address is malformed (`data.address_fault`), not acceptable, or does
   * not match.
   */
  BAD_VALIDATOR = "bad_validator",
  /** No validator. */
  NO_VALIDATORS = "no_validators",
  /** The same validator listed twice. */
  DUPLICATE_VALIDATOR = "duplicate_validator",
  /** A balance with a malformed address (`data.address_fault` says why). */
  BAD_BALANCE = "bad_balance",
  /** Two balances for the same address. */
  DUPLICATE_BALANCE = "duplicate_balance",
  /** The treasury listed among the balances (it is funded by treasury_balance only). */
  TREASURY_IN_BALANCES = "treasury_in_balances",
  /** Dev accounts funded or made validators on a chain id that is not a dev chain's. */
  DEV_ACCOUNTS = "dev_accounts",
  /** A parameter, feature or rule name that is not registered (`data.space`, `data.name`). */
  UNKNOWN_REGISTRY_NAME = "unknown_registry_name",
  /** A registry value of the wrong type, not canonical or out of its bounds (`data.space`, `data.name`). */
  BAD_REGISTRY_VALUE = "bad_registry_value",
  /** The registry values break a cross-rule invariant (`data.rule`). */
  CROSS_RULE = "cross_rule",
  /** fiat_unlock heights, votes or support out of their domain. */
  BAD_FIAT_UNLOCK = "bad_fiat_unlock",
  /** Balances plus treasury, plus the most block rewards could ever mint (MAX_MINTABLE), exceed 2^64 - 1. */
  SUPPLY_OVERFLOW = "supply_overflow",
  /** block_time_ms outside [100, 600000]. */
  BAD_BLOCK_TIME = "bad_block_time",
  /** finality_depth outside [1, 10000]. */
  BAD_FINALITY_DEPTH = "bad_finality_depth",
}

/**
 * The data of a GENESIS_INVALID error: the fault, and where known the offending registry entry or
 * rule, or why an address is refused.
 */
export type GenesisInvalidData = {
  reason: GenesisFault;
  space?: string;
  name?: string;
  rule?: string;
  address_fault?: AddressFault;
};

declare module "../errors.js" {
  interface ErrorCodes {
    registry: RegistryErrorCode;
    genesis: GenesisErrorCode;
  }
  interface ErrorData {
    [GenesisErrorCode.INVALID]: GenesisInvalidData;
  }
}
