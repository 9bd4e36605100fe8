// Checksummed addresses (SPEC §3 v2): bech32m with the prefix "xai", lowercase only. The expected
// strings come from an independent bech32m implementation below (a port of the BIP 350 reference
// code), not from @scure/base, which the code under test uses.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { DEPOSIT_ESCROW_ADDRESS, moduleAddress, TREASURY_ADDRESS } from "../../../src/config/addresses.js";
import {
  ADDRESS_LENGTH,
  AddressFault,
  addressBytes,
  addressFault,
  addressFromBytes,
  isAddress,
  parseAddress,
  requireAddress,
} from "../../../src/crypto/address.js";
import { CryptoErrorCode } from "../../../src/crypto/errors.js";
import { addressOf, devKeyPair } from "../../../src/crypto/keys.js";
import { isXaiError } from "../../../src/errors.js";
import { BAD_ADDRESSES, DEV2_ADDRESS, DEV2_HEX } from "../../utils/badAddresses.js";

const CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const BECH32M_CONST = 0x2bc830a3;
const BECH32_CONST = 1;

function polymod(values: number[]): number {
  const G = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const b = chk >>> 25;
    chk = (((chk & 0x1ffffff) << 5) ^ v) >>> 0;
    for (let i = 0; i < 5; i++) if ((b >>> i) & 1) chk = (chk ^ G[i]!) >>> 0;
  }
  return chk;
}

const hrpExpand = (hrp: string): number[] => [
  ...[...hrp].map((c) => c.charCodeAt(0) >> 5),
  0,
  ...[...hrp].map((c) => c.charCodeAt(0) & 31),
];

function toWords(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push((acc >> bits) & 31);
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out.push((acc << (5 - bits)) & 31);
  return out;
}

/** Reference encoder (BIP 173/350): hrp "1" data checksum, with the given final constant. */
function refEncode(hrp: string, bytes: Uint8Array, constant = BECH32M_CONST): string {
  const data = toWords(bytes);
  const pm = (polymod([...hrpExpand(hrp), ...data, 0, 0, 0, 0, 0, 0]) ^ constant) >>> 0;
  const sum = Array.from({ length: 6 }, (_, i) => (pm >>> (5 * (5 - i))) & 31);
  return `${hrp}1${[...data, ...sum].map((d) => CHARSET[d]).join("")}`;
}

function refVerify(s: string): boolean {
  const pos = s.lastIndexOf("1");
  const data = [...s.slice(pos + 1)].map((c) => CHARSET.indexOf(c));
  return !data.includes(-1) && polymod([...hrpExpand(s.slice(0, pos)), ...data]) === BECH32M_CONST;
}

const account20 = fc.uint8Array({ minLength: 20, maxLength: 20 });

function assertInvalidAddress(fn: () => unknown, fault: AddressFault, field: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(isXaiError(err, CryptoErrorCode.INVALID_ADDRESS), String(err));
    assert.deepEqual(err.data, { address_fault: fault, field });
    return true;
  });
}

describe("§3 (v2) checksummed addresses: crypto/address", () => {
  it("the reference bech32m of this test accepts BIP 350's valid vectors and refuses a bech32 one", () => {
    for (const v of [
      "a1lqfn3a",
      "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
      "split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
      "?1v759aa",
    ])
      assert.equal(refVerify(v), true, v);
    assert.equal(refVerify("a12uel5l"), false, "a BIP 173 (bech32, not bech32m) vector");
  });

  it("addressOf is the reference bech32m of sha256(public key)[0:20] with prefix xai, 42 characters", () => {
    assert.equal(addressOf(new Uint8Array(32)), "xai1ve584t0cv27hwmy0cx9ca8uwyqyfw9y943prxl");
    assert.equal(devKeyPair(2).address, DEV2_ADDRESS);
    assert.equal(Buffer.from(addressBytes(DEV2_ADDRESS)).toString("hex"), DEV2_HEX);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (pk) => {
        const bytes = new Uint8Array(createHash("sha256").update(pk).digest().subarray(0, 20));
        const a = addressOf(pk);
        assert.equal(a, refEncode("xai", bytes));
        assert.equal(a.length, ADDRESS_LENGTH);
        assert.deepEqual(parseAddress(a), { ok: true, bytes });
      }),
      { numRuns: 300 },
    );
  });

  it("the treasury and the deposit escrow are the reference bech32m of sha256(tag)[0:20]", () => {
    const of = (tag: string) => refEncode("xai", createHash("sha256").update(tag).digest().subarray(0, 20));
    assert.equal(TREASURY_ADDRESS, "xai19hp9qnecwm7rvwzvath4kuhjskdyyh2rsv02jw");
    assert.equal(DEPOSIT_ESCROW_ADDRESS, "xai19aee2wtvwu8wrjv93gh7qtlycs0rwrrvhjqft5");
    assert.equal(TREASURY_ADDRESS, of("xai-treasury"));
    assert.equal(DEPOSIT_ESCROW_ADDRESS, of("xai-gov-deposits"));
    assert.equal(moduleAddress("xai-treasury"), TREASURY_ADDRESS);
  });

  it("addressFromBytes and addressBytes are inverse; addressFromBytes refuses anything but 20 bytes", () => {
    fc.assert(
      fc.property(account20, (b) => {
        const a = addressFromBytes(b);
        assert.deepEqual(addressBytes(a), b);
        assert.equal(addressFromBytes(addressBytes(a)), a);
      }),
      { numRuns: 200 },
    );
    for (const n of [0, 19, 21, 32])
      assertInvalidAddress(() => addressFromBytes(new Uint8Array(n)), AddressFault.LENGTH, "bytes");
  });

  it("answers never depend on what was parsed before: bytes are copies, and past the cache's size", () => {
    const a = addressBytes(DEV2_ADDRESS);
    a.fill(0);
    const p = parseAddress(DEV2_ADDRESS);
    assert.ok(p.ok);
    p.bytes.fill(7);
    assert.equal(Buffer.from(addressBytes(DEV2_ADDRESS)).toString("hex"), DEV2_HEX);
    const accounts = Array.from({ length: 10_000 }, (_, i) =>
      createHash("sha256").update(`account ${i}`).digest().subarray(0, 20),
    );
    const strings = accounts.map((b) => addressFromBytes(new Uint8Array(b)));
    for (const [i, s] of strings.entries()) {
      assert.deepEqual(addressBytes(s), new Uint8Array(accounts[i]!));
      assert.equal(addressFault(s.toUpperCase()), AddressFault.CASE);
    }
    assert.equal(strings[0], refEncode("xai", accounts[0]!));
  });

  describe("refuses each malformed address with its exact fault", () => {
    for (const bad of BAD_ADDRESSES)
      it(`${bad.what}: ${JSON.stringify(bad.value)} → ${bad.fault}`, () => {
        const r = parseAddress(bad.value);
        assert.equal(r.ok, false);
        assert.equal(!r.ok && r.fault, bad.fault);
        assert.equal(addressFault(bad.value), bad.fault);
        assert.equal(isAddress(bad.value), false);
        assertInvalidAddress(() => requireAddress(bad.value, "--to"), bad.fault, "--to");
        assertInvalidAddress(() => addressBytes(bad.value), bad.fault, "address");
      });
  });

  it("the variants of badAddresses.ts are what they say (checked with the reference bech32m)", () => {
    const v = (what: string) => BAD_ADDRESSES.find((b) => b.what.startsWith(what))!.value;
    const dev2 = addressBytes(DEV2_ADDRESS);
    assert.equal(v("another chain"), refEncode("cosmos", dev2));
    assert.equal(v("a prefix one letter short"), refEncode("xa", dev2));
    assert.equal(v("19 bytes"), refEncode("xai", dev2.subarray(0, 19)));
    assert.equal(v("21 bytes"), refEncode("xai", new Uint8Array([...dev2, 0])));
    assert.equal(v("uppercase"), DEV2_ADDRESS.toUpperCase());
    for (const what of ["one wrong checksum", "two characters swapped", "a wrong last"]) {
      assert.equal(v(what).length, DEV2_ADDRESS.length);
      assert.equal(refVerify(v(what)), false, what);
    }
  });

  it("refuses a non-string (format) and non-ASCII look-alikes (charset), never folding Unicode case", () => {
    for (const x of [undefined, null, 42, 42n, {}, []]) assert.equal(addressFault(x), AddressFault.FORMAT);
    // KELVIN SIGN lowercases to "k", a bech32 letter: refused before any case folding.
    const kelvin = DEV2_ADDRESS.toUpperCase().replace("K", "\u212a");
    assert.notEqual(kelvin, DEV2_ADDRESS.toUpperCase());
    assert.equal(kelvin.toLowerCase(), DEV2_ADDRESS);
    assert.equal(addressFault(kelvin), AddressFault.CHARSET);
    assert.equal(addressFault(`${DEV2_ADDRESS} `), AddressFault.CHARSET);
    assert.equal(addressFault(` ${DEV2_ADDRESS}`), AddressFault.CHARSET);
    assert.equal(addressFault(DEV2_ADDRESS.replace("s", "\u0455")), AddressFault.CHARSET); // Cyrillic dze
  });

  it("the same data under the bech32 (BIP 173) checksum is refused: checksum", () => {
    const bech32 = refEncode("xai", addressBytes(DEV2_ADDRESS), BECH32_CONST);
    assert.equal(bech32.slice(0, 36), DEV2_ADDRESS.slice(0, 36));
    assert.equal(addressFault(bech32), AddressFault.CHECKSUM);
  });

  it("every single-character substitution and every adjacent swap of an address is refused", () => {
    fc.assert(
      fc.property(account20, fc.nat(), (b, n) => {
        const a = addressFromBytes(b);
        const i = 4 + (n % (a.length - 4));
        for (const c of CHARSET)
          if (c !== a[i])
            assert.equal(addressFault(a.slice(0, i) + c + a.slice(i + 1)), AddressFault.CHECKSUM);
        for (let j = 4; j < a.length - 1; j++)
          if (a[j] !== a[j + 1])
            assert.equal(
              addressFault(a.slice(0, j) + a[j + 1] + a[j] + a.slice(j + 2)),
              AddressFault.CHECKSUM,
              `swap at ${j}`,
            );
      }),
      { numRuns: 100 },
    );
  });
});
