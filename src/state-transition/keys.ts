import { addressBytesShared } from "../crypto/address.js";
import { concatBytes, u64be, utf8 } from "../crypto/bytes.js";

/**
 * State key buckets. The first byte of every state key names its bucket; numbers are never
 * reused. 0x01-0x1f belong to the chain, 0x20-0x3f to the governance module (src/governance/keys.ts).
 * docs/KEY_LAYOUT.md documents each.
 */
export const StateBucket = {
  /** address(20) → balance, nonce, changed, previous, previous_changed (5 × u64be; KEY_LAYOUT.md) */
  ACCOUNT: 0x01,
  /** address(20) || height u64be → balance u64be at the end of that height */
  BALANCE_CHECKPOINT: 0x02,
  /** utf8 name → canonical value string */
  PARAM: 0x03,
  /** utf8 name → "true" | "false" */
  FEATURE: 0x04,
  /** utf8 name → canonical value string */
  RULE: 0x05,
  /** height u64be → circulating supply (all balances but the treasury's) at the end of that height */
  SUPPLY_CHECKPOINT: 0x06,
  /** utf8 name → u64be counter ("total_supply", "minted", "burned") */
  SUPPLY: 0x07,
  /** the one key 0x08 → the validator set and its pending changes (validatorSet.ts; absent = genesis set) */
  VALIDATORS: 0x08,
} as const;

/** bucket || address(20) [|| u64be(height)], written into one array (these keys are built per tx). */
function addressKey(bucket: number, address: string, height?: number): Uint8Array {
  const a = addressBytesShared(address);
  const out = new Uint8Array(1 + a.length + (height === undefined ? 0 : 8));
  out[0] = bucket;
  out.set(a, 1);
  if (height !== undefined) out.set(u64be(height), 1 + a.length);
  return out;
}

/** Key of an account record. */
export function accountKey(address: string): Uint8Array {
  return addressKey(StateBucket.ACCOUNT, address);
}

/** Prefix of an account's balance checkpoints. */
export function checkpointPrefix(address: string): Uint8Array {
  return addressKey(StateBucket.BALANCE_CHECKPOINT, address);
}

/** Key of an account's balance checkpoint at `height`. */
export function checkpointKey(address: string, height: number): Uint8Array {
  return addressKey(StateBucket.BALANCE_CHECKPOINT, address, height);
}

/** Key of a registry value. */
export function registryKey(bucket: number, name: string): Uint8Array {
  return concatBytes(new Uint8Array([bucket]), utf8(name));
}

/** Prefix of the supply checkpoints. */
export const SUPPLY_CHECKPOINT_PREFIX = new Uint8Array([StateBucket.SUPPLY_CHECKPOINT]);

/** Key of the circulating-supply checkpoint at `height`. */
export function supplyCheckpointKey(height: number): Uint8Array {
  return concatBytes(SUPPLY_CHECKPOINT_PREFIX, u64be(height));
}

/** Key of a supply counter. */
export function supplyKey(name: "total_supply" | "minted" | "burned"): Uint8Array {
  return registryKey(StateBucket.SUPPLY, name);
}
