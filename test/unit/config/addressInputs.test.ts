// SPEC §3 (v2): genesis refuses a balance or a validator whose address is not an address (bech32m
// xai1…, lowercase) with GENESIS_INVALID, its reason, and data.address_fault; balances have one
// order whatever order the file lists them in.
import assert from "node:assert/strict";
import { GenesisErrorCode, GenesisFault } from "../../../src/config/errors.js";
import { createGenesisJson, parseGenesis } from "../../../src/config/genesis.js";
import { AddressFault, addressBytes } from "../../../src/crypto/address.js";
import { toHex } from "../../../src/crypto/bytes.js";
import { devKeyPair } from "../../../src/crypto/keys.js";
import { isXaiError } from "../../../src/errors.js";
import { BAD_ADDRESSES, DEV2_ADDRESS } from "../../utils/badAddresses.js";

// biome-ignore lint/suspicious/noExplicitAny: genesis JSON edited freely by the tests
type Json = any;

function json(): Json {
  return createGenesisJson({
    chainId: "xai-devnet-addr",
    preset: "test",
    dev: true,
    validatorPublicKeys: [devKeyPair(50).publicKey],
    genesisTimeMs: 0,
  }) as Json;
}

function refused(j: Json, data: Record<string, unknown>): void {
  assert.throws(
    () => parseGenesis(j),
    (err: unknown) => {
      assert.ok(isXaiError(err, GenesisErrorCode.INVALID), String(err));
      assert.deepEqual(err.data, data);
      return true;
    },
  );
}

describe("§3 (v2) checksummed addresses: genesis", () => {
  it("the dev genesis lists bech32m addresses, and parses", () => {
    const j = json();
    assert.ok(j.balances.some((b: Json) => b.address === DEV2_ADDRESS));
    assert.equal(j.validators[0].address, devKeyPair(50).address);
    assert.match(j.validators[0].address, /^xai1[02-9ac-hj-np-z]{38}$/);
    parseGenesis(j);
  });

  for (const bad of BAD_ADDRESSES) {
    it(`balance ${bad.what}: GENESIS_INVALID bad_balance (${bad.fault})`, () => {
      const j = json();
      const i = j.balances.findIndex((b: Json) => b.address === DEV2_ADDRESS);
      j.balances[i].address = bad.value;
      refused(j, { reason: GenesisFault.BAD_BALANCE, address_fault: bad.fault });
    });

    it(`validator ${bad.what}: GENESIS_INVALID bad_validator (${bad.fault})`, () => {
      const j = json();
      j.validators[0].address = bad.value;
      refused(j, { reason: GenesisFault.BAD_VALIDATOR, address_fault: bad.fault });
    });
  }

  it("a balance address that is not a string: bad_balance (format)", () => {
    const j = json();
    j.balances[0].address = 42;
    refused(j, { reason: GenesisFault.BAD_BALANCE, address_fault: AddressFault.FORMAT });
  });

  it("a validator's well-formed address of another key: bad_validator without an address fault", () => {
    const j = json();
    j.validators[0].address = DEV2_ADDRESS;
    refused(j, { reason: GenesisFault.BAD_VALIDATOR });
  });

  it("balances come out in account order (by address bytes) whatever the file's order, with one hash", () => {
    const j = json();
    const a = parseGenesis(j);
    const reversed = json();
    reversed.balances.reverse();
    const b = parseGenesis(reversed);
    assert.deepEqual(
      b.balances.map((x) => x.address),
      a.balances.map((x) => x.address),
    );
    assert.equal(toHex(b.hash), toHex(a.hash));
    // The order of the bytes (hex sorts as bytes), which is not the order of the bech32 strings.
    const hexes = a.balances.map((x) => toHex(addressBytes(x.address)));
    assert.deepEqual(hexes, [...hexes].sort());
    assert.equal(new Set(hexes).size, hexes.length);
    const strings = a.balances.map((x) => x.address);
    assert.notDeepEqual(strings, [...strings].sort(), "the dev accounts' strings are not in byte order");
  });
});
