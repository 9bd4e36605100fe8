/**
 * Structure-aware generators: transactions that decode and are signed, with field values drawn
 * from the domains the node checks (real names, boundary amounts, dev keys and strangers), so the
 * checks after decoding (admission, the modules, block application) are reached.
 */
import fc from "fast-check";
import { DEPOSIT_ESCROW_ADDRESS, TREASURY_ADDRESS } from "../../src/config/addresses.js";
import { registryEntries } from "../../src/config/registry.js";
import { toHex, utf8 } from "../../src/crypto/bytes.js";
import { sha256 } from "../../src/crypto/hash.js";
import { devKeyPair, type KeyPair, keyPairFromSecret } from "../../src/crypto/keys.js";
import type { Payload, ProposalAction } from "../../src/types/tx.js";
import { encodeSignedTx, encodeTxBody, txSigningMessage } from "../../src/types/txCodec.js";
import { fastSigner } from "../bench/fastSign.js";

/** Chain id of every fuzz chain (the test genesis's). */
export const FUZZ_CHAIN_ID = "xai-devnet-test";

/** The keys transactions come from: dev:0 … dev:9 (funded in the test genesis) and two strangers. */
export const KEYS: KeyPair[] = [
  ...Array.from({ length: 10 }, (_, i) => devKeyPair(i)),
  keyPairFromSecret(sha256(utf8("fuzz-stranger-0"))),
  keyPairFromSecret(sha256(utf8("fuzz-stranger-1"))),
];

const signers = new Map<KeyPair, (m: Uint8Array) => Uint8Array>();
/** Signs with node:crypto (noble would dominate the loop); the same signatures as noble's. */
export function fastSign(k: KeyPair, message: Uint8Array): Uint8Array {
  let s = signers.get(k);
  if (!s) {
    s = fastSigner(k.secretKey);
    signers.set(k, s);
  }
  return s(message);
}

const U64_MAX = (1n << 64n) - 1n;

/** Amounts around the boundaries: zero, small, the balances of the test genesis, 2^64 - 1. */
export const amount: fc.Arbitrary<bigint> = fc.oneof(
  fc.bigInt({ min: 1n, max: 100_000n }),
  fc.constantFrom(0n, 1n, 999n, 1_000n, 1_000_000n, 10n ** 12n, 10n ** 14n, U64_MAX, U64_MAX - 1n),
  fc.bigInt({ min: 0n, max: 10_000_000n }),
  fc.bigInt({ min: 0n, max: U64_MAX }),
);

/** Addresses: keys of the fuzz set, module accounts, and strings that are almost addresses. */
export const address: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...KEYS.map((k) => k.address)) },
  { weight: 1, arbitrary: fc.constantFrom(TREASURY_ADDRESS, DEPOSIT_ESCROW_ADDRESS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 50 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...KEYS.map((k) => k.address)), fc.nat(), fc.string({ maxLength: 2 }))
      .map(([a, i, s]) => a.slice(0, i % a.length) + s + a.slice((i % a.length) + s.length)),
  },
);

/** Proposal ids: 64 hex characters (usually unknown), the empty string, garbage. */
export const proposalId: fc.Arbitrary<string> = fc.oneof(
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map(toHex),
  fc.constantFrom("", "0".repeat(64), "f".repeat(65)),
  fc.string({ maxLength: 70 }),
);

const names = (space: "param" | "feature" | "rule") => registryEntries(space).map((e) => e.name);
/** Registry value strings: numbers near bounds, booleans, non-canonical forms. */
const value = fc.oneof(
  fc.bigInt({ min: 0n, max: 100_000n }).map(String),
  fc.constantFrom("0", "1", "true", "false", "01", "-1", "", "18446744073709551616", "1e3", " 1"),
  fc.string({ maxLength: 10 }),
);
const name = (space: "param" | "feature" | "rule") =>
  fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...names(space)) }, fc.string({ maxLength: 20 }));
const text = (max: number) =>
  fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: "grapheme", maxLength: max }), fc.constant(""));

/** Every proposal kind with fields from their domains. */
export const action: fc.Arbitrary<ProposalAction> = fc.oneof(
  fc.record({ kind: fc.constant("protocol_parameter" as const), name: name("param"), value }),
  fc.record({
    kind: fc.constant("feature_activation" as const),
    feature: name("feature"),
    enabled: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant("treasury_allocation" as const),
    recipient: address,
    amount: amount.map(String),
    purpose: text(300),
  }),
  fc
    .record({
      kind: fc.constant("emergency_action" as const),
      action: fc.oneof(
        fc.constantFrom("pause_transfers", "resume_transfers", "cancel_proposal", "cancel_upgrade"),
        fc.string({ maxLength: 12 }),
      ),
      proposalId,
      name: fc.option(fc.string({ minLength: 1, maxLength: 12 }), { nil: undefined }),
    })
    .map(({ name, ...a }) => (name === undefined ? a : { ...a, name })),
  fc.record({ kind: fc.constant("governance_rule" as const), rule: name("rule"), value }),
  fc.record({ kind: fc.constant("rollback" as const), target: proposalId }),
  fc.record({
    kind: fc.constant("software_upgrade" as const),
    name: fc.oneof(fc.constantFrom("v2-test", "v3"), fc.string({ maxLength: 20 })),
    height: fc.bigInt({ min: 0n, max: U64_MAX }),
    info: text(100),
  }),
  fc.record({
    kind: fc.constant("validator_set" as const),
    action: fc.oneof(fc.constantFrom("add", "remove"), fc.string({ maxLength: 6 })),
    address,
    publicKey: fc.oneof(
      fc.constantFrom(...KEYS.map((k) => toHex(k.publicKey))),
      fc.uint8Array({ minLength: 32, maxLength: 32 }).map(toHex),
      fc.string({ maxLength: 66 }),
    ),
    activationHeight: fc.oneof(fc.nat({ max: 100 }).map(String), value),
  }),
);

/** Payloads of every transaction type. */
export function payload(proposalIds: fc.Arbitrary<string> = proposalId): fc.Arbitrary<Payload> {
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({ type: fc.constant("TRANSFER" as const), recipient: address, amount }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        type: fc.constant("SUBMIT_PROPOSAL" as const),
        title: text(250),
        description: text(50),
        deposit: amount,
        action,
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        type: fc.constant("CAST_VOTE" as const),
        proposalId: proposalIds,
        option: fc.constantFrom("yes" as const, "no" as const, "abstain" as const),
      }),
    },
    fc
      .record({
        type: fc.constant("SUBMIT_CODE_REVIEW" as const),
        proposalId: proposalIds,
        approved: fc.boolean(),
        comment: text(50),
        codeHash: fc.option(fc.uint8Array({ minLength: 32, maxLength: 32 }), { nil: undefined }),
      })
      .map(({ codeHash, ...p }) => (codeHash ? { ...p, codeHash } : p)),
    fc.record({
      type: fc.constant("VOTE_IMPLEMENTATION" as const),
      proposalId: proposalIds,
      approved: fc.boolean(),
    }),
    fc.record({ type: fc.constant("EXECUTE_PROPOSAL" as const), proposalId: proposalIds }),
    fc.record({ type: fc.constant("CANCEL_PROPOSAL" as const), proposalId: proposalIds }),
    fc.record({ type: fc.constant("FIAT_UNLOCK_VOTE" as const), support: fc.boolean(), reason: text(50) }),
  );
}

/** What a generated transaction is made of. */
export interface TxRecipe {
  key: number;
  nonce: bigint;
  fee: bigint;
  chainId: string;
  payload: Payload;
  /** Signed by another key of the set (a bad signature), or by its own. */
  signer: number;
}

/** Transaction recipes: mostly the fuzz chain's id, low nonces, the minimum fee and one's own key. */
export function txRecipe(payloads: fc.Arbitrary<Payload> = payload()): fc.Arbitrary<TxRecipe> {
  const key = fc.nat({ max: KEYS.length - 1 });
  return fc
    .record({
      key,
      nonce: fc.oneof(
        { weight: 6, arbitrary: fc.constant(0n) },
        { weight: 3, arbitrary: fc.bigInt({ min: 0n, max: 3n }) },
        { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: U64_MAX }) },
      ),
      fee: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(1_000n, 1_100n, 5_000n) },
        { weight: 1, arbitrary: amount },
      ),
      chainId: fc.oneof({ weight: 9, arbitrary: fc.constant(FUZZ_CHAIN_ID) }, fc.string({ maxLength: 70 })),
      payload: payloads,
      signer: fc.oneof({ weight: 9, arbitrary: fc.constant(-1) }, key),
    })
    .map((r) => ({ ...r, signer: r.signer < 0 ? r.key : r.signer }));
}

/** SignedTx bytes of a recipe; empty bytes if the body cannot be encoded (a lone surrogate). */
export function signRecipe(r: TxRecipe): Uint8Array {
  const k = KEYS[r.key]!;
  let body: Uint8Array;
  try {
    body = encodeTxBody({
      chainId: r.chainId,
      nonce: r.nonce,
      publicKey: k.publicKey,
      fee: r.fee,
      payload: r.payload,
    });
  } catch {
    return new Uint8Array(0);
  }
  return encodeSignedTx(body, fastSign(KEYS[r.signer]!, txSigningMessage(body)));
}

/** Signed transactions as bytes. */
export const signedTx: fc.Arbitrary<Uint8Array> = txRecipe().map(signRecipe);

/**
 * Recipes that usually pass admission (a funded key's transfer of a small amount to a known
 * account, or a fiat-unlock vote, at the minimum fee or a bit more): what reaches replacement,
 * the pending overlays and the mempool's limits.
 */
export const plausibleRecipe: fc.Arbitrary<TxRecipe> = fc
  .record({
    key: fc.nat({ max: 9 }),
    fee: fc.constantFrom(1_000n, 1_100n, 1_210n, 5_000n),
    payload: fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          type: fc.constant("TRANSFER" as const),
          recipient: fc.constantFrom(...KEYS.map((k) => k.address)),
          amount: fc.bigInt({ min: 1n, max: 100_000n }),
        }),
      },
      fc.record({
        type: fc.constant("FIAT_UNLOCK_VOTE" as const),
        support: fc.boolean(),
        reason: fc.constant(""),
      }),
    ),
  })
  .map((r) => ({ ...r, nonce: 0n, chainId: FUZZ_CHAIN_ID, signer: r.key }));
