// validator_set (SPEC v2 §4.8) on the pure state transition: every bad payload refused with its
// code at submission (and the block builder leaves it out, nothing changed), the bounds, the
// re-validation at execution against the state of that moment, the pending change and its
// activation height, the proposer rotation of the set in force, and the record's encoding.
import assert from "node:assert/strict";
import { createGenesisJson, parseGenesis } from "../../../src/config/genesis.js";
import { toHex } from "../../../src/crypto/bytes.js";
import { addressOf, devKeyPair } from "../../../src/crypto/keys.js";
import type { XaiError } from "../../../src/errors.js";
import { GovErrorCode } from "../../../src/governance/errors.js";
import { validateAction } from "../../../src/governance/kinds/index.js";
import { MAX_ACTIVATION_LEAD, MAX_PENDING_CHANGES } from "../../../src/governance/kinds/validatorSet.js";
import { createModules } from "../../../src/node/modules.js";
import { getAccount } from "../../../src/state-transition/accounts.js";
import { proposerAt } from "../../../src/state-transition/applyBlock.js";
import { genesisState } from "../../../src/state-transition/genesis.js";
import {
  compactAt,
  decodeValidatorRecord,
  encodeValidatorRecord,
  finalSet,
  loadValidatorRecord,
  MAX_VALIDATORS,
  putValidatorRecord,
  setInForce,
  VALIDATORS_KEY,
  type Validator,
  type ValidatorChange,
  type ValidatorRecord,
} from "../../../src/state-transition/validatorSet.js";
import type { ProposalAction } from "../../../src/types/tx.js";
import { BAD_ADDRESSES } from "../../utils/badAddresses.js";
import { action, GovChain, key, tx } from "../../utils/govChain.js";
import {
  castVotes,
  checkInvariants,
  executeAtEta,
  expectStatus,
  passAndExecute,
  proposal,
  propose,
  track,
  YES4,
} from "../../utils/govFlow.js";

const GENESIS_VALIDATOR = devKeyPair(50);
const V7 = devKeyPair(7);
const V20 = devKeyPair(20);
const hex = (k: { publicKey: Uint8Array }) => toHex(k.publicKey);
const add = (k: { address: string; publicKey: Uint8Array }, at: number | string) =>
  action.validator("add", k.address, hex(k), at);
const remove = (address: string, at: number | string) => action.validator("remove", address, "", at);

/** The validator record of `c` (the genesis set while none is stored). */
const recordOf = (c: GovChain) => loadValidatorRecord(c.state, c.genesis.validators);
const addresses = (set: readonly Validator[]) => set.map((v) => v.address);

/**
 * Asserts `a` is refused at submission with `code`: by the check of the next block, and by the
 * block builder, which leaves it out (the proposer's nonce and balance, and the validator record,
 * unchanged).
 */
async function refused(c: GovChain, a: ProposalAction, code: string): Promise<void> {
  assert.equal((await c.check(key(0), tx.propose(a))).code, code);
  const before = await getAccount(c.state, key(0).address);
  const stored = await c.state.get(VALIDATORS_KEY);
  await c.submit(key(0), tx.propose(a));
  const b = await c.nextBlock();
  assert.deepEqual(
    b.skipped.map((s) => s.code),
    [code],
  );
  assert.deepEqual(await getAccount(c.state, key(0).address), before);
  assert.deepEqual(await c.state.get(VALIDATORS_KEY), stored);
}

/** Submits both actions and takes them together to `queued` (dev:1-4 yes, dev:4-5 review). */
async function twoToQueued(c: GovChain, a1: ProposalAction, a2: ProposalAction): Promise<[string, string]> {
  const id1 = await propose(c, 0, a1);
  const id2 = await propose(c, 1, a2);
  await castVotes(c, id1, YES4);
  await castVotes(c, id2, YES4);
  await c.runToHeight((await proposal(c, id2)).votingEnd);
  for (const id of [id1, id2]) for (const n of [4, 5]) await c.submit(key(n), tx.review(id, true));
  await c.nextBlock();
  await c.runToHeight((await proposal(c, id2)).reviewEnd);
  for (const id of [id1, id2]) for (const n of [1, 2]) await c.submit(key(n), tx.implement(id, true));
  assert.deepEqual(
    (await c.nextBlock()).skipped.map((s) => s.code),
    [],
  );
  await expectStatus(c, id1, "queued");
  await expectStatus(c, id2, "queued");
  return [id1, id2];
}

describe("validator_set (SPEC v2 §4.8)", function () {
  this.timeout(60_000);
  afterEach(checkInvariants);

  describe("bad payloads are refused at submission with their code, nothing changed", () => {
    it("an action other than add or remove, and a removal carrying a key → GOV_INVALID_VALIDATOR_ACTION", async () => {
      const c = track(await GovChain.create());
      await refused(
        c,
        action.validator("replace", V7.address, hex(V7), 100),
        GovErrorCode.INVALID_VALIDATOR_ACTION,
      );
      await refused(c, action.validator("", V7.address, hex(V7), 100), GovErrorCode.INVALID_VALIDATOR_ACTION);
      await refused(
        c,
        action.validator("remove", GENESIS_VALIDATOR.address, hex(GENESIS_VALIDATOR), 100),
        GovErrorCode.INVALID_VALIDATOR_ACTION,
      );
    });

    it("an address that is not a bech32m xai address → GOV_INVALID_VALIDATOR_ADDRESS with its fault", async () => {
      const c = track(await GovChain.create());
      for (const bad of BAD_ADDRESSES) {
        const r = await c.check(key(0), tx.propose(action.validator("remove", bad.value, "", 100)));
        assert.equal(r.code, GovErrorCode.INVALID_VALIDATOR_ADDRESS, bad.what);
        const ctx = await c.nextContext();
        const a = action.validator("remove", bad.value, "", 100);
        await assert.rejects(validateAction(c.state, ctx.params, a, "submit", ctx.height), (e: XaiError) => {
          assert.deepEqual(
            [e.code, e.data?.address_fault],
            [GovErrorCode.INVALID_VALIDATOR_ADDRESS, bad.fault],
          );
          return true;
        });
      }
      await refused(
        c,
        action.validator("add", BAD_ADDRESSES[0]!.value, hex(V7), 100),
        GovErrorCode.INVALID_VALIDATOR_ADDRESS,
      );
    });

    it("a key that is not 64 lowercase hex digits, not acceptable, or not the address's → GOV_INVALID_VALIDATOR_KEY", async () => {
      const c = track(await GovChain.create());
      const bad = GovErrorCode.INVALID_VALIDATOR_KEY;
      await refused(c, action.validator("add", V7.address, "", 100), bad);
      await refused(c, action.validator("add", V7.address, hex(V7).slice(2), 100), bad);
      await refused(c, action.validator("add", V7.address, `${hex(V7)}00`, 100), bad);
      await refused(c, action.validator("add", V7.address, hex(V7).toUpperCase(), 100), bad);
      await refused(c, action.validator("add", V7.address, hex(V20), 100), bad);
      // The identity point (small order): its address matches, the signature rule refuses the key.
      const identity = `01${"00".repeat(31)}`;
      const identityAddress = addressOf(Uint8Array.from(Buffer.from(identity, "hex")));
      await refused(c, action.validator("add", identityAddress, identity, 100), bad);
    });

    it("an activation height that is not a canonical decimal, not after the block, or too far ahead → GOV_INVALID_ACTIVATION_HEIGHT", async () => {
      const c = track(await GovChain.create());
      const bad = GovErrorCode.INVALID_ACTIVATION_HEIGHT;
      for (const at of ["", "abc", "012", "-5", "1.5", " 9", "99999999999999999"])
        await refused(c, add(V7, at), bad);
      // The next block is at height h: h is refused, h + 1 is the first accepted.
      const h = c.height + 1;
      await refused(c, add(V7, h), bad);
      assert.equal((await c.check(key(0), tx.propose(add(V7, c.height + 2)))).outcome?.result, "ok");
      const far = c.height + 1 + MAX_ACTIVATION_LEAD;
      assert.equal((await c.check(key(0), tx.propose(add(V7, far)))).outcome?.result, "ok");
      await refused(c, add(V7, c.height + 2 + MAX_ACTIVATION_LEAD), bad);
    });

    it("a duplicate add, a removal of a non-member or of the last validator → their codes", async () => {
      const c = track(await GovChain.create());
      await refused(c, add(GENESIS_VALIDATOR, 100), GovErrorCode.VALIDATOR_EXISTS);
      await refused(c, remove(V7.address, 100), GovErrorCode.NOT_A_VALIDATOR);
      await refused(c, remove(GENESIS_VALIDATOR.address, 100), GovErrorCode.LAST_VALIDATOR);
    });
  });

  describe("bounds against the set once every pending change is in force", () => {
    const keys = Array.from({ length: MAX_VALIDATORS }, (_, i) => devKeyPair(1000 + i));
    const members = (n: number): Validator[] =>
      keys.slice(0, n).map((k) => ({ address: k.address, publicKey: k.publicKey }));
    const pendingAdd = (k: { address: string; publicKey: Uint8Array }, at: number): ValidatorChange => ({
      action: "add",
      address: k.address,
      publicKey: k.publicKey,
      activationHeight: at,
      proposalId: "p",
    });

    it("at most 100: an add to 99 is valid, to 100 → GOV_TOO_MANY_VALIDATORS (a pending add counts)", async () => {
      const c = track(await GovChain.create());
      const c99 = c.fork();
      putValidatorRecord(c99.state, { validators: members(99), pending: [] });
      assert.equal((await c99.check(key(0), tx.propose(add(V7, 100)))).outcome?.result, "ok");
      const c100 = c.fork();
      putValidatorRecord(c100.state, { validators: members(100), pending: [] });
      assert.equal(
        (await c100.check(key(0), tx.propose(add(V7, 100)))).code,
        GovErrorCode.TOO_MANY_VALIDATORS,
      );
      const pending = c.fork();
      putValidatorRecord(pending.state, { validators: members(99), pending: [pendingAdd(V20, 50)] });
      assert.equal(
        (await pending.check(key(0), tx.propose(add(V7, 100)))).code,
        GovErrorCode.TOO_MANY_VALIDATORS,
      );
      // A pending removal of the last but one leaves one: removing that one too is the last.
      const two = c.fork();
      putValidatorRecord(two.state, {
        validators: members(2),
        pending: [{ ...pendingAdd(keys[0]!, 50), action: "remove", publicKey: new Uint8Array(0) }],
      });
      assert.equal(
        (await two.check(key(0), tx.propose(remove(keys[1]!.address, 60)))).code,
        GovErrorCode.LAST_VALIDATOR,
      );
      assert.equal(
        (await two.check(key(0), tx.propose(remove(keys[0]!.address, 60)))).code,
        GovErrorCode.NOT_A_VALIDATOR,
      );
    });

    it(`at most ${MAX_PENDING_CHANGES} pending changes, and none activating before one already pending`, async () => {
      const c = track(await GovChain.create());
      const full = c.fork();
      const pending = keys.slice(0, MAX_PENDING_CHANGES).map((k) => pendingAdd(k, 50));
      putValidatorRecord(full.state, { validators: members(0).concat(c.genesis.validators), pending });
      assert.equal(
        (await full.check(key(0), tx.propose(add(V7, 60)))).code,
        GovErrorCode.TOO_MANY_VALIDATORS,
      );
      const one = c.fork();
      putValidatorRecord(one.state, {
        validators: [...c.genesis.validators],
        pending: [pendingAdd(V20, 50)],
      });
      assert.equal(
        (await one.check(key(0), tx.propose(add(V7, 49)))).code,
        GovErrorCode.INVALID_ACTIVATION_HEIGHT,
      );
      assert.equal((await one.check(key(0), tx.propose(add(V7, 50)))).outcome?.result, "ok");
      assert.equal((await one.check(key(0), tx.propose(add(V20, 60)))).code, GovErrorCode.VALIDATOR_EXISTS);
    });
  });

  describe("execution", () => {
    it("an add is pending until its activation height, then in force: the rotation takes the new member in its slots", async () => {
      const c = track(await GovChain.create());
      const at = 40;
      const id = await passAndExecute(c, add(V7, at));
      assert.ok(c.height < at, `executed at ${c.height}, before the activation height`);
      // Not reversible: a later proposal makes the opposite change.
      assert.equal(
        (await c.check(key(0), tx.propose(action.rollback(id)))).code,
        GovErrorCode.ROLLBACK_NOT_ALLOWED,
      );
      const r = await recordOf(c);
      assert.deepEqual(addresses(r.validators), [GENESIS_VALIDATOR.address]);
      assert.deepEqual(
        r.pending.map((p) => [p.action, p.address, toHex(p.publicKey), p.activationHeight, p.proposalId]),
        [["add", V7.address, hex(V7), at, id]],
      );
      // Before the activation height only the genesis validator proposes; from it, slot mod 2.
      for (const h of [at - 2, at - 1])
        assert.equal(
          (await proposerAt(c.state, c.genesis.validators, h, h)).address,
          GENESIS_VALIDATOR.address,
        );
      assert.equal(
        (await proposerAt(c.state, c.genesis.validators, at, at)).address,
        GENESIS_VALIDATOR.address,
      ); // 40 mod 2 = 0
      assert.equal((await proposerAt(c.state, c.genesis.validators, at, at + 1)).address, V7.address);
      // The chain goes through the activation height: its blocks are signed and checked by the scheduled proposer.
      await c.runToHeight(at + 3);
      assert.equal(
        (await c.nextContext()).proposer,
        (at + 4) % 2 === 0 ? GENESIS_VALIDATOR.address : V7.address,
      );
      assert.deepEqual(addresses(setInForce(await recordOf(c), c.height)), [
        GENESIS_VALIDATOR.address,
        V7.address,
      ]);
    });

    it("re-validated at execution: a duplicate add and the removal of the last one fail there, the record unchanged", async () => {
      const c = track(await GovChain.create());
      const [id1, id2] = await twoToQueued(c, add(V7, 200), add(V7, 210));
      assert.equal((await executeAtEta(c, id1)).result, "ok");
      const afterFirst = await c.state.get(VALIDATORS_KEY);
      const second = await executeAtEta(c, id2);
      assert.deepEqual([second.result, second.errorCode], ["failed", GovErrorCode.VALIDATOR_EXISTS]);
      await expectStatus(c, id2, "failed");
      assert.deepEqual(await c.state.get(VALIDATORS_KEY), afterFirst);

      const [id3, id4] = await twoToQueued(
        c,
        remove(GENESIS_VALIDATOR.address, 300),
        remove(V7.address, 300),
      );
      assert.equal((await executeAtEta(c, id3)).result, "ok");
      const afterThird = await c.state.get(VALIDATORS_KEY);
      const fourth = await executeAtEta(c, id4);
      assert.deepEqual([fourth.result, fourth.errorCode], ["failed", GovErrorCode.LAST_VALIDATOR]);
      assert.deepEqual(await c.state.get(VALIDATORS_KEY), afterThird);
      assert.deepEqual(addresses(finalSet(await recordOf(c))), [V7.address]);
    });

    it("an activation height reached before the execution fails it (GOV_INVALID_ACTIVATION_HEIGHT), nothing stored", async () => {
      const c = track(await GovChain.create());
      const id = await propose(c, 0, add(V7, c.height + 5));
      await castVotes(c, id, YES4);
      await c.runToHeight((await proposal(c, id)).votingEnd);
      for (const n of [4, 5]) await c.submit(key(n), tx.review(id, true));
      await c.nextBlock();
      await c.runToHeight((await proposal(c, id)).reviewEnd);
      for (const n of [1, 2]) await c.submit(key(n), tx.implement(id, true));
      await c.nextBlock();
      const out = await executeAtEta(c, id);
      assert.deepEqual([out.result, out.errorCode], ["failed", GovErrorCode.INVALID_ACTIVATION_HEIGHT]);
      assert.equal(await c.state.get(VALIDATORS_KEY), undefined);
    });
  });

  describe("the record", () => {
    const a = { address: V7.address, publicKey: V7.publicKey };
    const b = { address: V20.address, publicKey: V20.publicKey };
    const change = (action: "add" | "remove", v: Validator, at: number): ValidatorChange => ({
      action,
      address: v.address,
      publicKey: action === "add" ? v.publicKey : new Uint8Array(0),
      activationHeight: at,
      proposalId: `p${at}`,
    });
    const record: ValidatorRecord = {
      validators: [a],
      pending: [change("add", b, 10), change("remove", a, 20)],
    };

    it("the set in force at a height applies the changes activated by then, in order; compaction keeps it", () => {
      assert.deepEqual(addresses(setInForce(record, 9)), [a.address]);
      assert.deepEqual(addresses(setInForce(record, 10)), [a.address, b.address]);
      assert.deepEqual(addresses(setInForce(record, 19)), [a.address, b.address]);
      assert.deepEqual(addresses(setInForce(record, 20)), [b.address]);
      const compacted = compactAt(record, 10);
      assert.deepEqual(addresses(compacted.validators), [a.address, b.address]);
      assert.equal(compacted.pending.length, 1);
      for (const h of [10, 15, 19, 20, 30])
        assert.deepEqual(addresses(setInForce(compacted, h)), addresses(setInForce(record, h)));
    });

    it("encodes canonically and decodes back", () => {
      const bytes = encodeValidatorRecord(record);
      assert.equal(
        new TextDecoder().decode(bytes),
        JSON.stringify({
          validators: [[a.address, hex(V7)]],
          pending: [
            ["add", b.address, hex(V20), 10, "p10"],
            ["remove", a.address, "", 20, "p20"],
          ],
        }),
      );
      assert.deepEqual(decodeValidatorRecord(bytes), record);
    });

    it("absent from the genesis state: the set is genesis's, and the genesis state root is the one before §4.8", async () => {
      const c = track(await GovChain.create());
      assert.equal(await c.state.get(VALIDATORS_KEY), undefined);
      assert.deepEqual(await recordOf(c), { validators: c.genesis.validators, pending: [] });
      // Computed by the release before the validator set moved into state, for this genesis.
      const g = parseGenesis(
        createGenesisJson({
          chainId: "xai-devnet-test",
          preset: "test",
          dev: true,
          validatorPublicKeys: [devKeyPair(50).publicKey, devKeyPair(51).publicKey],
          genesisTimeMs: 0,
        }),
      );
      const { stateRoot } = await genesisState(g, { modules: createModules(), verifier: null });
      assert.equal(toHex(stateRoot), "03355d523f9de1b2246cda0855f8cbbf51773cd861b70795f638dffa3022ee41");
    });
  });
});
