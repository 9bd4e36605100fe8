import { TREASURY_ADDRESS } from "../config/addresses.js";
import { readU64be, u64be } from "../crypto/bytes.js";
import { xaiError } from "../errors.js";
import { TxErrorCode } from "../types/errors.js";
import {
  accountKey,
  checkpointKey,
  checkpointPrefix,
  SUPPLY_CHECKPOINT_PREFIX,
  supplyCheckpointKey,
  supplyKey,
} from "./keys.js";
import {
  findLast,
  moveRecord,
  type RecordCodec,
  readRecord,
  type StateReader,
  type StateWriter,
} from "./stateStore.js";

/** An account: balance in base units and the next nonce. */
export interface Account {
  balance: bigint;
  nonce: bigint;
}

/**
 * The stored account record: the account, plus where its balance history ends, so that most
 * snapshot lookups are a point read: `changed` is the last height whose block changed the balance,
 * and `previous` the balance at the end of `previousChanged`, the change before that.
 */
interface AccountRecord extends Account {
  changed: number;
  previous: bigint;
  previousChanged: number;
}

const U64_MAX = (1n << 64n) - 1n;

function encodeAccount(a: AccountRecord): Uint8Array {
  const out = new Uint8Array(40);
  out.set(u64be(a.balance), 0);
  out.set(u64be(a.nonce), 8);
  out.set(u64be(a.changed), 16);
  out.set(u64be(a.previous), 24);
  out.set(u64be(a.previousChanged), 32);
  return out;
}

function decodeRecord(v: Uint8Array): AccountRecord {
  return {
    balance: readU64be(v, 0),
    nonce: readU64be(v, 8),
    changed: Number(readU64be(v, 16)),
    previous: readU64be(v, 24),
    previousChanged: Number(readU64be(v, 32)),
  };
}

/**
 * Account records are record cells in a block's overlays (stateStore.ts): the proposer's account,
 * credited with every fee of the block, is encoded once at its end rather than once per transaction.
 */
const accountCodec: RecordCodec<AccountRecord> = {
  encode: encodeAccount,
  decode: decodeRecord,
  clone: (r) => ({ ...r }),
};

function getRecord(state: StateReader, address: string): Promise<AccountRecord | undefined> {
  return readRecord(state, accountKey(address), accountCodec);
}

/** Decodes a stored account record (a value of the ACCOUNT bucket) into the account. */
export function decodeAccount(v: Uint8Array): Account {
  const r = decodeRecord(v);
  return { balance: r.balance, nonce: r.nonce };
}

/** Reads an account (zero balance and nonce if it has never been written). */
export async function getAccount(state: StateReader, address: string): Promise<Account> {
  const r = await getRecord(state, address);
  return r ? { balance: r.balance, nonce: r.nonce } : { balance: 0n, nonce: 0n };
}

/**
 * Writes an account at `height`. A balance change also writes the balance checkpoint of this
 * height, so "balance at the end of height H" is a single seek (governance snapshots), and
 * usually not even that (see balanceAt).
 */
export async function putAccount(
  state: StateWriter,
  address: string,
  a: Account,
  height: number,
): Promise<void> {
  if (a.balance < 0n || a.balance > U64_MAX) throw xaiError(TxErrorCode.OVERFLOW, "balance out of range");
  const before = await getRecord(state, address);
  let record: AccountRecord;
  if (!before) record = { ...a, changed: height, previous: 0n, previousChanged: 0 };
  else if (before.balance === a.balance || before.changed === height) record = { ...before, ...a };
  else record = { ...a, changed: height, previous: before.balance, previousChanged: before.changed };
  // `record` is a fresh object made for this write: given away, not copied.
  moveRecord(state, accountKey(address), record, accountCodec);
  if (!before || before.balance !== a.balance) state.put(checkpointKey(address, height), u64be(a.balance));
}

/** Adds `amount` (may be negative) to a balance; refuses to go below zero. */
export async function addBalance(
  state: StateWriter,
  address: string,
  amount: bigint,
  height: number,
): Promise<void> {
  const a = await getAccount(state, address);
  const balance = a.balance + amount;
  if (balance < 0n) throw xaiError(TxErrorCode.INSUFFICIENT_BALANCE, `balance of ${address} too low`);
  await putAccount(state, address, { ...a, balance }, height);
}

/**
 * Balance of `address` at the end of `height`: a point read of the account when its last two
 * balance changes bracket the height (the usual case: a voter pays the vote's fee now, after the
 * snapshot), else one seek over its checkpoints.
 */
export async function balanceAt(state: StateReader, address: string, height: number): Promise<bigint> {
  const r = await getRecord(state, address);
  if (!r) return 0n;
  if (r.changed <= height) return r.balance;
  // `previous` held from previousChanged until the block before `changed` (for an account created
  // at `changed`: 0 from genesis on).
  if (r.previousChanged <= height) return r.previous;
  const e = await findLast(state, checkpointPrefix(address), checkpointKey(address, height));
  return e ? readU64be(e[1]) : 0n;
}

/** Reads a supply counter. */
export async function getSupplyCounter(
  state: StateReader,
  name: "total_supply" | "minted" | "burned",
): Promise<bigint> {
  const v = await state.get(supplyKey(name));
  return v ? readU64be(v) : 0n;
}

/** Adds to a supply counter. */
export async function addSupplyCounter(
  state: StateWriter,
  name: "total_supply" | "minted" | "burned",
  amount: bigint,
): Promise<void> {
  const v = (await getSupplyCounter(state, name)) + amount;
  if (v < 0n || v > U64_MAX) throw xaiError(TxErrorCode.OVERFLOW, `${name} out of range`);
  state.put(supplyKey(name), u64be(v));
}

/** Mints `amount` to `address` (block reward). */
export async function mint(
  state: StateWriter,
  address: string,
  amount: bigint,
  height: number,
): Promise<void> {
  if (amount === 0n) return;
  await addBalance(state, address, amount, height);
  await addSupplyCounter(state, "total_supply", amount);
  await addSupplyCounter(state, "minted", amount);
}

/** Records `amount` as burned (it has already left a balance). */
export async function burn(state: StateWriter, amount: bigint): Promise<void> {
  if (amount === 0n) return;
  await addSupplyCounter(state, "total_supply", -amount);
  await addSupplyCounter(state, "burned", amount);
}

/** Writes the circulating-supply checkpoint (total supply minus the treasury) for `height`. */
export async function checkpointSupply(state: StateWriter, height: number): Promise<void> {
  const total = await getSupplyCounter(state, "total_supply");
  const treasury = (await getAccount(state, TREASURY_ADDRESS)).balance;
  state.put(supplyCheckpointKey(height), u64be(total - treasury));
}

/** Circulating supply at the end of `height` (the snapshot supply of governance). */
export async function circulatingSupplyAt(state: StateReader, height: number): Promise<bigint> {
  const e = await findLast(state, SUPPLY_CHECKPOINT_PREFIX, supplyCheckpointKey(height));
  return e ? readU64be(e[1]) : 0n;
}
