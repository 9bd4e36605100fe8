import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fc from "fast-check";
import protobuf from "protobufjs";
import { addressFromBytes, addressOf, devKeyPair, sign } from "../../../src/crypto/keys.js";
import { verifySignature } from "../../../src/crypto/verify.js";
import { XaiError } from "../../../src/errors.js";
import { pb } from "../../../src/types/proto.js";
import type { Payload, ProposalAction, TxBody } from "../../../src/types/tx.js";
import {
  decodeTx,
  encodeSignedTx,
  encodeTxBody,
  TX_SIGN_DOMAIN,
  txSigningMessage,
} from "../../../src/types/txCodec.js";

const MAX_U64 = 2n ** 64n - 1n;
const CHAIN = "xai-devnet-test";
const kp = devKeyPair(0);
const PID = "0123456789abcdef0123456789abcdef";

const cat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));
const sha256hex = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");
const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);

/** Copy of a Writer's output (finish() may return a view into a shared pool). */
function fin(w: protobuf.Writer): Uint8Array {
  return new Uint8Array(w.finish());
}
const W = (): protobuf.Writer => protobuf.Writer.create();
const tag = (field: number, wire: number): number => (field << 3) | wire;

function body(payload: Payload, over: Partial<TxBody> = {}): TxBody {
  return { chainId: CHAIN, nonce: 7n, publicKey: kp.publicKey, fee: 1_000n, payload, ...over };
}

/** Signs body bytes for real (decode does not verify, but the tests show validly signed junk is refused). */
function signedTx(bodyBytes: Uint8Array): Uint8Array {
  return encodeSignedTx(bodyBytes, sign(txSigningMessage(bodyBytes), kp.secretKey));
}

function expectCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof XaiError, `expected XaiError, got ${String(err)}`);
    assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${err.message}`);
    return true;
  });
}

/** Proves protobufjs alone accepts the bytes, so the rejection under test is the codec's own check. */
function protobufAccepts(t: protobuf.Type, b: Uint8Array): void {
  assert.doesNotThrow(() => t.decode(b));
}

// Hand-built fields of a TxBody, each as its canonical bytes.
const F = {
  chainId: (s = CHAIN) => fin(W().uint32(tag(1, 2)).string(s)),
  nonce: (n: number) => fin(W().uint32(tag(2, 0)).uint64(n)),
  publicKey: (pk: Uint8Array = kp.publicKey) => fin(W().uint32(tag(3, 2)).bytes(pk)),
  fee: (n: number) => fin(W().uint32(tag(4, 0)).uint64(n)),
  castVote: (proposalId: string, option: number) =>
    fin(
      W()
        .uint32(tag(12, 2))
        .fork()
        .uint32(tag(1, 2))
        .string(proposalId)
        .uint32(tag(2, 0))
        .int32(option)
        .ldelim(),
    ),
  castVoteNoOption: (proposalId: string) =>
    fin(W().uint32(tag(12, 2)).fork().uint32(tag(1, 2)).string(proposalId).ldelim()),
  execute: (proposalId: string) =>
    fin(W().uint32(tag(15, 2)).fork().uint32(tag(1, 2)).string(proposalId).ldelim()),
  codeReview: (proposalId: string, codeHash: Uint8Array) =>
    fin(
      W()
        .uint32(tag(13, 2))
        .fork()
        .uint32(tag(1, 2))
        .string(proposalId)
        .uint32(tag(2, 0))
        .bool(true)
        .uint32(tag(4, 2))
        .bytes(codeHash)
        .ldelim(),
    ),
};

/** The canonical body the hand-built variants deviate from: CAST_VOTE yes, nonce 1, fee 1000. */
const voteBody = body({ type: "CAST_VOTE", proposalId: PID, option: "yes" }, { nonce: 1n });
const voteBodyBytes = encodeTxBody(voteBody);

const ACTIONS: ProposalAction[] = [
  { kind: "protocol_parameter", name: "min_tx_fee", value: "2000" },
  { kind: "feature_activation", feature: "fee_burn", enabled: true },
  { kind: "feature_activation", feature: "transfers", enabled: false },
  { kind: "treasury_allocation", recipient: kp.address, amount: "123456789", purpose: "grants — ünïcödé 😀" },
  { kind: "emergency_action", action: "pause_transfers", proposalId: "" },
  { kind: "emergency_action", action: "cancel_proposal", proposalId: PID },
  { kind: "governance_rule", rule: "quorum_bps", value: "2500" },
  { kind: "rollback", target: PID },
  { kind: "software_upgrade", name: "v2", height: 1_234_567n, info: `sha256:${"ab".repeat(32)}` },
  { kind: "software_upgrade", name: "", height: 0n, info: "" },
  { kind: "emergency_action", action: "cancel_upgrade", proposalId: "", name: "v2" },
];

const PAYLOADS: Array<{ label: string; payload: Payload }> = [
  { label: "TRANSFER", payload: { type: "TRANSFER", recipient: devKeyPair(1).address, amount: 5n } },
  {
    label: "TRANSFER max amount",
    payload: { type: "TRANSFER", recipient: devKeyPair(1).address, amount: MAX_U64 },
  },
  {
    label: "TRANSFER zero amount",
    payload: { type: "TRANSFER", recipient: devKeyPair(2).address, amount: 0n },
  },
  ...ACTIONS.map((action) => ({
    label: `SUBMIT_PROPOSAL ${action.kind}`,
    payload: {
      type: "SUBMIT_PROPOSAL" as const,
      title: "Raise the fee",
      description: "A longer description\nwith lines.",
      deposit: 1_000_000_000n,
      action,
    },
  })),
  {
    label: "SUBMIT_PROPOSAL empty strings, zero deposit",
    payload: {
      type: "SUBMIT_PROPOSAL",
      title: "",
      description: "",
      deposit: 0n,
      action: { kind: "feature_activation", feature: "", enabled: false },
    },
  },
  { label: "CAST_VOTE yes", payload: { type: "CAST_VOTE", proposalId: PID, option: "yes" } },
  { label: "CAST_VOTE no", payload: { type: "CAST_VOTE", proposalId: PID, option: "no" } },
  { label: "CAST_VOTE abstain", payload: { type: "CAST_VOTE", proposalId: PID, option: "abstain" } },
  {
    label: "SUBMIT_CODE_REVIEW with code hash",
    payload: {
      type: "SUBMIT_CODE_REVIEW",
      proposalId: PID,
      approved: true,
      comment: "lgtm",
      codeHash: new Uint8Array(32).fill(0xab),
    },
  },
  {
    label: "SUBMIT_CODE_REVIEW without code hash",
    payload: { type: "SUBMIT_CODE_REVIEW", proposalId: PID, approved: false, comment: "" },
  },
  {
    label: "VOTE_IMPLEMENTATION yes",
    payload: { type: "VOTE_IMPLEMENTATION", proposalId: PID, approved: true },
  },
  {
    label: "VOTE_IMPLEMENTATION no",
    payload: { type: "VOTE_IMPLEMENTATION", proposalId: PID, approved: false },
  },
  { label: "EXECUTE_PROPOSAL", payload: { type: "EXECUTE_PROPOSAL", proposalId: PID } },
  { label: "EXECUTE_PROPOSAL empty id", payload: { type: "EXECUTE_PROPOSAL", proposalId: "" } },
  { label: "CANCEL_PROPOSAL", payload: { type: "CANCEL_PROPOSAL", proposalId: PID } },
  { label: "FIAT_UNLOCK_VOTE support", payload: { type: "FIAT_UNLOCK_VOTE", support: true, reason: "go" } },
  {
    label: "FIAT_UNLOCK_VOTE oppose, no reason",
    payload: { type: "FIAT_UNLOCK_VOTE", support: false, reason: "" },
  },
];

describe("types/txCodec", () => {
  describe("round trips", () => {
    for (const { label, payload } of PAYLOADS) {
      it(`${label}: decode(encode(body)) gives the body back, id, hash and sender from the bytes`, () => {
        const b = body(payload);
        const bodyBytes = encodeTxBody(b);
        const sig = sign(txSigningMessage(bodyBytes), kp.secretKey);
        const txBytes = encodeSignedTx(bodyBytes, sig);
        const tx = decodeTx(txBytes);
        assert.deepEqual(tx.body, b);
        assert.equal(tx.body.payload.type, payload.type);
        assert.deepEqual(tx.bodyBytes, bodyBytes);
        assert.deepEqual(tx.bytes, txBytes);
        assert.deepEqual(tx.signature, sig);
        assert.equal(tx.id, sha256hex(bodyBytes));
        assert.match(tx.id, /^[0-9a-f]{64}$/);
        assert.equal(tx.hash.length, 32);
        assert.equal(Buffer.from(tx.hash).toString("hex"), sha256hex(txBytes));
        assert.equal(tx.sender, addressOf(kp.publicKey));
        assert.equal(tx.sender, kp.address);
        // re-encoding the decoded body is byte-identical, and the signature verifies over domain || body
        assert.deepEqual(encodeTxBody(tx.body), bodyBytes);
        assert.equal(verifySignature(tx.signature, txSigningMessage(tx.bodyBytes), tx.body.publicKey), true);
      });
    }

    it("every payload type of src/types/tx.ts is covered", () => {
      const types = new Set(PAYLOADS.map((p) => p.payload.type));
      assert.deepEqual([...types].sort(), [
        "CANCEL_PROPOSAL",
        "CAST_VOTE",
        "EXECUTE_PROPOSAL",
        "FIAT_UNLOCK_VOTE",
        "SUBMIT_CODE_REVIEW",
        "SUBMIT_PROPOSAL",
        "TRANSFER",
        "VOTE_IMPLEMENTATION",
      ]);
      const kinds = new Set(ACTIONS.map((a) => a.kind));
      assert.equal(kinds.size, 7);
    });

    it("nonce and fee at 0 and at 2^64 - 1 survive the round trip", () => {
      for (const n of [0n, 1n, 127n, 128n, 2n ** 53n + 1n, 2n ** 63n, MAX_U64]) {
        const b = body({ type: "CANCEL_PROPOSAL", proposalId: PID }, { nonce: n, fee: MAX_U64 - n });
        const tx = decodeTx(signedTx(encodeTxBody(b)));
        assert.equal(tx.body.nonce, n);
        assert.equal(tx.body.fee, MAX_U64 - n);
      }
    });

    it("encodeTxBody refuses uint64 values out of range (2^64, -1)", () => {
      const p: Payload = { type: "CANCEL_PROPOSAL", proposalId: PID };
      assert.throws(() => encodeTxBody(body(p, { nonce: 2n ** 64n })), RangeError);
      assert.throws(() => encodeTxBody(body(p, { fee: -1n })), RangeError);
      assert.throws(
        () => encodeTxBody(body({ type: "TRANSFER", recipient: "", amount: 2n ** 64n })),
        RangeError,
      );
    });

    it("the hand-built reference fields reproduce encodeTxBody exactly", () => {
      assert.deepEqual(
        voteBodyBytes,
        cat(F.chainId(), F.nonce(1), F.publicKey(), F.fee(1000), F.castVote(PID, 1)),
      );
    });

    it("the signing message is the domain tag 'xai-gov/tx/v1\\0' followed by the body bytes", () => {
      assert.deepEqual(TX_SIGN_DOMAIN, new TextEncoder().encode("xai-gov/tx/v1\0"));
      assert.deepEqual(txSigningMessage(voteBodyBytes), cat(TX_SIGN_DOMAIN, voteBodyBytes));
    });

    it("the SignedTx encoding is body (field 1) then signature (field 2)", () => {
      const sig = new Uint8Array(64).fill(5);
      assert.deepEqual(
        encodeSignedTx(voteBodyBytes, sig),
        cat(fin(W().uint32(tag(1, 2)).bytes(voteBodyBytes)), fin(W().uint32(tag(2, 2)).bytes(sig))),
      );
    });

    it("decoded byte fields are copies, not views into the input", () => {
      const txBytes = signedTx(voteBodyBytes);
      const tx = decodeTx(txBytes);
      txBytes.fill(0);
      assert.deepEqual(tx.bodyBytes, voteBodyBytes);
      assert.deepEqual(tx.body.publicKey, kp.publicKey);
      assert.equal(tx.id, sha256hex(voteBodyBytes));
    });

    it("decodes input that is a view into a larger buffer", () => {
      const txBytes = signedTx(voteBodyBytes);
      const big = cat(bytes(1, 2, 3), txBytes, bytes(4));
      const tx = decodeTx(big.subarray(3, 3 + txBytes.length));
      assert.deepEqual(tx.body, voteBody);
      assert.deepEqual(tx.bytes, txBytes);
    });

    it("property: random bodies round trip and re-encode byte-identically", () => {
      const u64 = fc.bigInt({ min: 0n, max: MAX_U64 });
      const str = fc.string({ unit: "grapheme", maxLength: 40 });
      const pid = fc.string({ unit: "grapheme-ascii", maxLength: 40 });
      const action: fc.Arbitrary<ProposalAction> = fc.oneof(
        fc.record(
          { kind: fc.constant("protocol_parameter" as const), name: str, value: str },
          { noNullPrototype: true },
        ),
        fc.record(
          { kind: fc.constant("feature_activation" as const), feature: str, enabled: fc.boolean() },
          { noNullPrototype: true },
        ),
        fc.record(
          { kind: fc.constant("treasury_allocation" as const), recipient: str, amount: str, purpose: str },
          { noNullPrototype: true },
        ),
        fc.record(
          { kind: fc.constant("emergency_action" as const), action: str, proposalId: pid },
          { noNullPrototype: true },
        ),
        fc.record(
          { kind: fc.constant("governance_rule" as const), rule: str, value: str },
          { noNullPrototype: true },
        ),
        fc.record({ kind: fc.constant("rollback" as const), target: pid }, { noNullPrototype: true }),
        fc.record(
          {
            kind: fc.constant("software_upgrade" as const),
            name: str,
            height: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
            info: str,
          },
          { noNullPrototype: true },
        ),
      );
      const payload: fc.Arbitrary<Payload> = fc.oneof(
        fc.record(
          // Decoding refuses a recipient that is not an address (SPEC §3; test/unit/chain/addressInputs.test.ts).
          {
            type: fc.constant("TRANSFER" as const),
            recipient: fc.uint8Array({ minLength: 20, maxLength: 20 }).map(addressFromBytes),
            amount: u64,
          },
          { noNullPrototype: true },
        ),
        fc.record(
          {
            type: fc.constant("SUBMIT_PROPOSAL" as const),
            title: str,
            description: str,
            deposit: u64,
            action,
          },
          { noNullPrototype: true },
        ),
        fc.record(
          {
            type: fc.constant("CAST_VOTE" as const),
            proposalId: pid,
            option: fc.constantFrom("yes" as const, "no" as const, "abstain" as const),
          },
          { noNullPrototype: true },
        ),
        fc.record(
          {
            type: fc.constant("SUBMIT_CODE_REVIEW" as const),
            proposalId: pid,
            approved: fc.boolean(),
            comment: str,
            codeHash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
          },
          { requiredKeys: ["type", "proposalId", "approved", "comment"], noNullPrototype: true },
        ),
        fc.record(
          { type: fc.constant("VOTE_IMPLEMENTATION" as const), proposalId: pid, approved: fc.boolean() },
          { noNullPrototype: true },
        ),
        fc.record(
          { type: fc.constant("EXECUTE_PROPOSAL" as const), proposalId: pid },
          { noNullPrototype: true },
        ),
        fc.record(
          { type: fc.constant("CANCEL_PROPOSAL" as const), proposalId: pid },
          { noNullPrototype: true },
        ),
        fc.record(
          { type: fc.constant("FIAT_UNLOCK_VOTE" as const), support: fc.boolean(), reason: str },
          { noNullPrototype: true },
        ),
      );
      fc.assert(
        fc.property(
          str,
          u64,
          u64,
          payload,
          fc.uint8Array({ minLength: 64, maxLength: 64 }),
          (chainId, n, f, p, sig) => {
            const b: TxBody = { chainId, nonce: n, publicKey: kp.publicKey, fee: f, payload: p };
            const bodyBytes = encodeTxBody(b);
            const tx = decodeTx(encodeSignedTx(bodyBytes, sig));
            assert.deepEqual(tx.body, b);
            assert.deepEqual(encodeTxBody(tx.body), bodyBytes);
            assert.equal(tx.id, sha256hex(bodyBytes));
            assert.deepEqual(tx.signature, sig);
          },
        ),
        { numRuns: 300 },
      );
    });
  });

  describe("TX_NON_CANONICAL", () => {
    it("(a) an unknown field appended to the body, even when validly signed over those bytes", () => {
      const bad = cat(voteBodyBytes, fin(W().uint32(tag(99, 0)).uint32(1)));
      protobufAccepts(pb.TxBody, bad);
      const txBytes = signedTx(bad);
      const sig = txBytes.subarray(txBytes.length - 64);
      assert.equal(verifySignature(sig, txSigningMessage(bad), kp.publicKey), true);
      expectCode(() => decodeTx(txBytes), "TX_NON_CANONICAL");
    });

    it("(a') unknown body fields of every wire type, appended or in the middle", () => {
      const unknowns = [
        fin(W().uint32(tag(5, 0)).uint32(0)),
        fin(W().uint32(tag(5, 1)).fixed64(1)),
        fin(
          W()
            .uint32(tag(5, 2))
            .bytes(bytes(1, 2, 3)),
        ),
        fin(W().uint32(tag(5, 5)).fixed32(1)),
        fin(W().uint32(tag(1000, 2)).string("")),
      ];
      for (const u of unknowns) {
        for (const b of [
          cat(voteBodyBytes, u),
          cat(F.chainId(), F.nonce(1), F.publicKey(), F.fee(1000), u, F.castVote(PID, 1)),
        ]) {
          protobufAccepts(pb.TxBody, b);
          expectCode(() => decodeTx(signedTx(b)), "TX_NON_CANONICAL");
        }
      }
    });

    it("(a'') an unknown field inside the payload message", () => {
      const inner = fin(
        W()
          .uint32(tag(12, 2))
          .fork()
          .uint32(tag(1, 2))
          .string(PID)
          .uint32(tag(2, 0))
          .int32(1)
          .uint32(tag(7, 0))
          .uint32(3)
          .ldelim(),
      );
      const b = cat(F.chainId(), F.nonce(1), F.publicKey(), F.fee(1000), inner);
      protobufAccepts(pb.TxBody, b);
      expectCode(() => decodeTx(signedTx(b)), "TX_NON_CANONICAL");
    });

    it("(b) nonce 1 written as the non-minimal varint 0x81 0x00", () => {
      const b = cat(
        F.chainId(),
        bytes(tag(2, 0), 0x81, 0x00),
        F.publicKey(),
        F.fee(1000),
        F.castVote(PID, 1),
      );
      assert.equal(String(pb.TxBody.decode(b).toJSON().nonce), "1", "protobufjs reads it as nonce 1");
      expectCode(() => decodeTx(signedTx(b)), "TX_NON_CANONICAL");
    });

    it("(b') other non-minimal varints: fee, a tag, a length prefix", () => {
      const variants = [
        // fee 1000 = 0xe8 0x07, padded to 0xe8 0x87 0x00
        cat(F.chainId(), F.nonce(1), F.publicKey(), bytes(tag(4, 0), 0xe8, 0x87, 0x00), F.castVote(PID, 1)),
        // nonce tag 0x10 written as 0x90 0x00
        cat(F.chainId(), bytes(0x90, 0x00, 0x01), F.publicKey(), F.fee(1000), F.castVote(PID, 1)),
        // chain id length 15 written as 0x8f 0x00
        cat(
          bytes(tag(1, 2), 0x8f, 0x00),
          new TextEncoder().encode(CHAIN),
          F.nonce(1),
          F.publicKey(),
          F.fee(1000),
          F.castVote(PID, 1),
        ),
      ];
      assert.equal(CHAIN.length, 15);
      for (const b of variants) {
        protobufAccepts(pb.TxBody, b);
        expectCode(() => decodeTx(signedTx(b)), "TX_NON_CANONICAL");
      }
    });

    it("(c) fee = 0 written explicitly as tag + 0", () => {
      const canonical = encodeTxBody({ ...voteBody, fee: 0n });
      assert.deepEqual(canonical, cat(F.chainId(), F.nonce(1), F.publicKey(), F.castVote(PID, 1)));
      assert.equal(decodeTx(signedTx(canonical)).body.fee, 0n);
      const b = cat(F.chainId(), F.nonce(1), F.publicKey(), bytes(tag(4, 0), 0x00), F.castVote(PID, 1));
      protobufAccepts(pb.TxBody, b);
      expectCode(() => decodeTx(signedTx(b)), "TX_NON_CANONICAL");
    });

    it("(c') other defaults written explicitly: nonce 0, empty chain id, empty code hash, false bool", () => {
      const variants = [
        cat(F.chainId(), bytes(tag(2, 0), 0x00), F.publicKey(), F.fee(1000), F.castVote(PID, 1)),
        cat(bytes(tag(1, 2), 0x00), F.nonce(1), F.publicKey(), F.fee(1000), F.castVote(PID, 1)),
        cat(F.chainId(), F.nonce(1), F.publicKey(), F.fee(1000), F.codeReview(PID, new Uint8Array(0))),
        cat(
          F.chainId(),
          F.nonce(1),
          F.publicKey(),
          F.fee(1000),
          fin(
            W()
              .uint32(tag(14, 2))
              .fork()
              .uint32(tag(1, 2))
              .string(PID)
              .uint32(tag(2, 0))
              .bool(false)
              .ldelim(),
          ),
        ),
      ];
      for (const b of variants) {
        protobufAccepts(pb.TxBody, b);
        expectCode(() => decodeTx(signedTx(b)), "TX_NON_CANONICAL");
      }
    });

    it("fields out of order, or a field repeated", () => {
      const variants = [
        cat(F.chainId(), F.publicKey(), F.nonce(1), F.fee(1000), F.castVote(PID, 1)),
        cat(F.castVote(PID, 1), F.chainId(), F.nonce(1), F.publicKey(), F.fee(1000)),
        cat(F.chainId(), F.nonce(5), F.nonce(1), F.publicKey(), F.fee(1000), F.castVote(PID, 1)),
        cat(F.chainId(), F.nonce(1), F.publicKey(), F.fee(1000), F.castVote("other", 2), F.castVote(PID, 1)),
      ];
      for (const b of variants) {
        protobufAccepts(pb.TxBody, b);
        expectCode(() => decodeTx(signedTx(b)), "TX_NON_CANONICAL");
      }
    });

    it("(d) an unknown field in the SignedTx envelope", () => {
      const good = signedTx(voteBodyBytes);
      for (const u of [
        fin(W().uint32(tag(3, 2)).bytes(bytes(1, 2))),
        fin(W().uint32(tag(15, 0)).uint32(0)),
      ]) {
        const bad = cat(good, u);
        protobufAccepts(pb.SignedTx, bad);
        expectCode(() => decodeTx(bad), "TX_NON_CANONICAL");
      }
    });

    it("(d') SignedTx with signature before body, or the body field twice", () => {
      const sig = sign(txSigningMessage(voteBodyBytes), kp.secretKey);
      const bodyField = fin(W().uint32(tag(1, 2)).bytes(voteBodyBytes));
      const sigField = fin(W().uint32(tag(2, 2)).bytes(sig));
      assert.deepEqual(cat(bodyField, sigField), encodeSignedTx(voteBodyBytes, sig));
      assert.equal(decodeTx(cat(bodyField, sigField)).id, sha256hex(voteBodyBytes));
      expectCode(() => decodeTx(cat(sigField, bodyField)), "TX_NON_CANONICAL");
      const otherBody = fin(
        W()
          .uint32(tag(1, 2))
          .bytes(encodeTxBody({ ...voteBody, nonce: 2n })),
      );
      expectCode(() => decodeTx(cat(otherBody, bodyField, sigField)), "TX_NON_CANONICAL");
    });

    it("(e) two payload fields of the oneof both present (either order)", () => {
      for (const b of [
        cat(F.chainId(), F.nonce(1), F.publicKey(), F.fee(1000), F.castVote(PID, 1), F.execute(PID)),
        cat(F.chainId(), F.nonce(1), F.publicKey(), F.fee(1000), F.execute(PID), F.castVote(PID, 1)),
      ]) {
        protobufAccepts(pb.TxBody, b);
        expectCode(() => decodeTx(signedTx(b)), "TX_NON_CANONICAL");
      }
    });
  });

  describe("TX_MALFORMED", () => {
    const wrap = (b: Uint8Array, sig: Uint8Array = new Uint8Array(64).fill(1)) => encodeSignedTx(b, sig);

    it("garbage bytes", () => {
      expectCode(() => decodeTx(bytes(0xff, 0xff, 0xff)), "TX_MALFORMED");
      expectCode(() => decodeTx(bytes(0x0f)), "TX_MALFORMED"); // wire type 7
      expectCode(() => decodeTx(bytes(0x0a, 0x05, 0x01)), "TX_MALFORMED"); // length past the end
    });

    it("a truncated transaction", () => {
      const good = signedTx(voteBodyBytes);
      expectCode(() => decodeTx(good.subarray(0, good.length - 1)), "TX_MALFORMED");
    });

    it("empty input (no body, so no payload)", () => {
      expectCode(() => decodeTx(new Uint8Array(0)), "TX_MALFORMED");
    });

    it("a canonical envelope around body bytes that do not decode", () => {
      expectCode(() => decodeTx(wrap(bytes(0xff, 0xff))), "TX_MALFORMED");
    });

    it("body bytes with invalid UTF-8 in a string field", () => {
      const b = cat(
        bytes(tag(1, 2), 2, 0xc3, 0x28),
        F.nonce(1),
        F.publicKey(),
        F.fee(1000),
        F.castVote(PID, 1),
      );
      expectCode(() => decodeTx(wrap(b)), "TX_MALFORMED");
    });

    it("a body without a payload", () => {
      const b = cat(F.chainId(), F.nonce(1), F.publicKey(), F.fee(1000));
      assert.deepEqual(b, noPayloadBody());
      expectCode(() => decodeTx(wrap(b)), "TX_MALFORMED");
    });

    it("a proposal without a kind", () => {
      const sp = fin(W().uint32(tag(11, 2)).fork().uint32(tag(1, 2)).string("title").ldelim());
      expectCode(
        () => decodeTx(wrap(cat(F.chainId(), F.nonce(1), F.publicKey(), F.fee(1000), sp))),
        "TX_MALFORMED",
      );
    });

    it("vote option 0 (absent), 4, 9 and -1", () => {
      const prefix = cat(F.chainId(), F.nonce(1), F.publicKey(), F.fee(1000));
      expectCode(() => decodeTx(wrap(cat(prefix, F.castVoteNoOption(PID)))), "TX_MALFORMED");
      for (const option of [4, 9, -1]) {
        const b = cat(prefix, F.castVote(PID, option));
        protobufAccepts(pb.TxBody, b);
        expectCode(() => decodeTx(wrap(b)), "TX_MALFORMED");
      }
      // control: the same construction with option 1..3 decodes
      for (const [n, option] of [
        [1, "yes"],
        [2, "no"],
        [3, "abstain"],
      ] as const) {
        const tx = decodeTx(wrap(cat(prefix, F.castVote(PID, n))));
        assert.deepEqual(tx.body.payload, { type: "CAST_VOTE", proposalId: PID, option });
      }
    });

    it("signature of 63, 65 or 0 bytes", () => {
      for (const n of [63, 65])
        expectCode(() => decodeTx(wrap(voteBodyBytes, new Uint8Array(n).fill(1))), "TX_MALFORMED");
      expectCode(() => decodeTx(encodeSignedTx(voteBodyBytes, new Uint8Array(0))), "TX_MALFORMED");
      assert.equal(decodeTx(wrap(voteBodyBytes, new Uint8Array(64).fill(1))).signature.length, 64);
    });

    it("code hash of 5, 31 or 33 bytes (32 accepted)", () => {
      const prefix = cat(F.chainId(), F.nonce(1), F.publicKey(), F.fee(1000));
      for (const n of [1, 5, 31, 33, 64])
        expectCode(
          () => decodeTx(wrap(cat(prefix, F.codeReview(PID, new Uint8Array(n).fill(7))))),
          "TX_MALFORMED",
        );
      const tx = decodeTx(wrap(cat(prefix, F.codeReview(PID, new Uint8Array(32).fill(7)))));
      assert.deepEqual(tx.body.payload, {
        type: "SUBMIT_CODE_REVIEW",
        proposalId: PID,
        approved: true,
        comment: "",
        codeHash: new Uint8Array(32).fill(7),
      });
    });
  });

  describe("TX_BAD_PUBLIC_KEY", () => {
    for (const n of [0, 31, 33, 64]) {
      it(`a ${n}-byte public key`, () => {
        const b = encodeTxBody({ ...voteBody, publicKey: new Uint8Array(n).fill(9) });
        expectCode(() => decodeTx(encodeSignedTx(b, new Uint8Array(64).fill(1))), "TX_BAD_PUBLIC_KEY");
      });
    }

    it("a 32-byte public key that is not an acceptable point still decodes (checked at signature time)", () => {
      const identity = new Uint8Array(32);
      identity[0] = 1;
      const tx = decodeTx(
        encodeSignedTx(encodeTxBody({ ...voteBody, publicKey: identity }), new Uint8Array(64)),
      );
      assert.equal(tx.sender, addressOf(identity));
    });
  });
});

/** The canonical body of `voteBody` without its payload, built by protobufjs from a plain object. */
function noPayloadBody(): Uint8Array {
  return new Uint8Array(
    pb.TxBody.encode({
      chainId: CHAIN,
      nonce: 1,
      publicKey: kp.publicKey,
      fee: 1000,
    }).finish(),
  );
}
