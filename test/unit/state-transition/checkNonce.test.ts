// The one nonce rule shared by block application (applyTx) and mempool admission (admitTx, with
// the sender's pending count): codes, messages and `data.expected` as clients see them.
import assert from "node:assert/strict";
import { isXaiError } from "../../../src/errors.js";
import { checkNonce } from "../../../src/state-transition/applyTx.js";
import { TxErrorCode } from "../../../src/types/errors.js";

function codeOf(f: () => void): { code: string; message: string; expected: unknown } | undefined {
  try {
    f();
    return undefined;
  } catch (err) {
    assert.ok(isXaiError(err));
    return { code: err.code, message: err.message, expected: err.data.expected };
  }
}

describe("checkNonce", () => {
  it("block application: only the account's next nonce", () => {
    assert.equal(
      codeOf(() => checkNonce(4n, 4n)),
      undefined,
    );
    assert.deepEqual(
      codeOf(() => checkNonce(3n, 4n)),
      { code: TxErrorCode.NONCE_TOO_LOW, message: "nonce 3 already used; next is 4", expected: "4" },
    );
    assert.deepEqual(
      codeOf(() => checkNonce(5n, 4n)),
      { code: TxErrorCode.NONCE_TOO_HIGH, message: "nonce 5 leaves a gap; next is 4", expected: "4" },
    );
  });

  it("admission: from the account's nonce up to the next free one after the pending ones", () => {
    for (const n of [4n, 5n, 6n])
      assert.equal(
        codeOf(() => checkNonce(n, 4n, 2n)),
        undefined,
      );
    assert.deepEqual(
      codeOf(() => checkNonce(3n, 4n, 2n)),
      { code: TxErrorCode.NONCE_TOO_LOW, message: "nonce 3 already used; next is 4", expected: "4" },
    );
    assert.deepEqual(
      codeOf(() => checkNonce(7n, 4n, 2n)),
      { code: TxErrorCode.NONCE_TOO_HIGH, message: "nonce 7 leaves a gap; next is 6", expected: "6" },
    );
  });
});
