/**
 * Review U1: consensus strings judged byte by byte (SPEC v2 §2). v1 used `title.trim()` and
 * `.length`, which follow the engine's Unicode tables and count UTF-16 code units: U+180E was
 * whitespace before Unicode 6.3, so nodes on different engines could split on GOV_EMPTY_TITLE.
 */
import assert from "node:assert/strict";
import { devKeyPair, sign } from "../../../src/crypto/keys.js";
import { isXaiError } from "../../../src/errors.js";
import { GovErrorCode as E } from "../../../src/governance/errors.js";
import { checkProposalText } from "../../../src/governance/proposals.js";
import { checkText, isBlank, trimAscii, utf8ByteLength } from "../../../src/governance/text.js";
import { TxErrorCode } from "../../../src/types/errors.js";
import { decodeTx, encodeSignedTx, encodeTxBody, txSigningMessage } from "../../../src/types/txCodec.js";
import { action, GovChain, key, tx } from "../../utils/govChain.js";
import { checkInvariants, track } from "../../utils/govFlow.js";

const PARAM = action.param("max_block_txs", "500");
const ASCII_WS = " \t\n\v\f\r";
/** Characters String.prototype.trim treats as whitespace (Unicode tables) but ASCII does not. */
const UNICODE_SPACES = ["\u00a0", "\u3000", "\u2003", "\ufeff"];

function code(f: () => void): string | undefined {
  try {
    f();
    return undefined;
  } catch (err) {
    if (!isXaiError(err)) throw err;
    return err.code;
  }
}

describe("U1: consensus strings judged byte by byte", () => {
  afterEach(checkInvariants);

  it("blank means ASCII whitespace only: U+180E, U+00A0, U+3000 are text, unlike String.prototype.trim", () => {
    assert.equal(isBlank(""), true);
    assert.equal(isBlank(ASCII_WS), true);
    for (const ch of ["\u180e", ...UNICODE_SPACES]) {
      assert.equal(isBlank(ch), false, `U+${ch.charCodeAt(0).toString(16)}`);
      assert.equal(isBlank(`${ASCII_WS}${ch}${ASCII_WS}`), false);
      assert.equal(trimAscii(` ${ch}\t`), ch);
    }
    // The v1 rule disagrees on these, which is the point: it follows the engine's tables.
    assert.equal("\u00a0\u3000".trim(), "");
    assert.equal(trimAscii("\u00a0\u3000"), "\u00a0\u3000");
  });

  it("lengths are UTF-8 bytes; a lone surrogate is not valid UTF-8", () => {
    assert.equal(utf8ByteLength(""), 0);
    assert.equal(utf8ByteLength("abc"), 3);
    assert.equal(utf8ByteLength("é"), 2);
    assert.equal(utf8ByteLength("\u180e"), 3);
    assert.equal(utf8ByteLength("\u3000"), 3);
    assert.equal(utf8ByteLength("\u07ff\u0800"), 5);
    assert.equal(utf8ByteLength("😀"), 4);
    assert.equal(utf8ByteLength("\ud800"), undefined);
    assert.equal(utf8ByteLength("a\udc00"), undefined);
    assert.equal(utf8ByteLength("\ud83d\ud83d"), undefined);
    assert.equal(
      code(() => checkText("\ud800", "comment", E.COMMENT_TOO_LONG)),
      E.INVALID_UTF8,
    );
    assert.equal(
      code(() => checkProposalText("ok", "x\udfff")),
      E.INVALID_UTF8,
    );
    assert.equal(
      code(() => checkProposalText("\ud800", "")),
      E.INVALID_UTF8,
    );
  });

  it("titles on chain: U+180E / U+00A0 / U+3000 alone are valid titles, ASCII whitespace alone is empty", async () => {
    const c = track(await GovChain.create());
    const check = async (title: string) => (await c.check(key(0), tx.propose(PARAM, { title }))).code;
    for (const ch of ["\u180e", "\u00a0", "\u3000"]) assert.equal(await check(ch), undefined);
    assert.equal(await check(ASCII_WS), E.EMPTY_TITLE);
    assert.equal(await check(""), E.EMPTY_TITLE);
    // 140 bytes of a 3-byte character is 46 of them + 2 bytes.
    assert.equal(await check(`${"\u3000".repeat(46)}ab`), undefined);
    assert.equal(await check(`${"\u3000".repeat(46)}abc`), E.TITLE_TOO_LONG);
    // Nothing was kept by any check.
    assert.equal(c.height, 0);
    assert.equal(c.pending.length, 0);
  });

  it("description, comment, reason and purpose limits are in bytes (10,000 / 2,000 / 500 / 500)", async () => {
    const c = track(await GovChain.create());
    const propose = async (o: { description?: string }) => (await c.check(key(0), tx.propose(PARAM, o))).code;
    assert.equal(await propose({ description: "é".repeat(5_000) }), undefined);
    assert.equal(await propose({ description: `${"é".repeat(5_000)}x` }), E.DESCRIPTION_TOO_LONG);
    const purpose = async (p: string) =>
      (await c.check(key(0), tx.propose(action.treasury(key(7).address, "1", p)))).code;
    assert.equal(await purpose("é".repeat(250)), undefined);
    assert.equal(await purpose(`${"é".repeat(250)}x`), E.PURPOSE_TOO_LONG);
    assert.equal(await purpose("😀".repeat(126)), E.PURPOSE_TOO_LONG, "252 code units, 504 bytes");
    assert.equal(
      code(() => checkText("é".repeat(1_000), "comment", E.COMMENT_TOO_LONG)),
      undefined,
    );
    assert.equal(
      code(() => checkText(`${"é".repeat(1_000)}x`, "comment", E.COMMENT_TOO_LONG)),
      E.COMMENT_TOO_LONG,
    );
    assert.equal(
      code(() => checkText("\u3000".repeat(166), "reason", E.REASON_TOO_LONG)),
      undefined,
    );
    assert.equal(
      code(() => checkText("\u3000".repeat(167), "reason", E.REASON_TOO_LONG)),
      E.REASON_TOO_LONG,
    );
  });

  it("invalid UTF-8 bytes never decode into a transaction (TX_MALFORMED before governance)", () => {
    const k = devKeyPair(0);
    const hexOf = (title: string) =>
      Buffer.from(
        encodeTxBody({
          chainId: "xai-devnet-test",
          nonce: 0n,
          publicKey: k.publicKey,
          fee: 0n,
          payload: { type: "SUBMIT_PROPOSAL", title, description: "", deposit: 1n, action: PARAM },
        }),
      ).toString("hex");
    // Same-length substitutions inside the title bytes: overlong, lone continuation bytes,
    // 0xFF, an encoded surrogate (CESU-8) and an overlong 3-byte form.
    const cases: Array<[string, string, string]> = [
      ["AB\u00e9CD", "c3a9", "c0af"],
      ["AB\u00e9CD", "c3a9", "8080"],
      ["AB\u00e9CD", "c3a9", "fffe"],
      ["AB\u4e00CD", "e4b880", "eda080"],
      ["AB\u4e00CD", "e4b880", "e08080"],
    ];
    for (const [title, from, to] of cases) {
      const good = hexOf(title);
      assert.ok(good.includes(`4142${from}4344`));
      const body = new Uint8Array(Buffer.from(good.replace(`4142${from}4344`, `4142${to}4344`), "hex"));
      const signed = encodeSignedTx(body, sign(txSigningMessage(body), k.secretKey));
      assert.equal(
        code(() => decodeTx(signed)),
        TxErrorCode.MALFORMED,
        to,
      );
    }
  });
});
