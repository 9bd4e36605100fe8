import assert from "node:assert/strict";
import { createServer } from "node:net";
import { DbErrorCode, dbCorrupt } from "../../../src/db/errors.js";
import { isXaiError } from "../../../src/errors.js";
import { DB_CORRUPT_EXIT_CODE, LISTEN_FAILED_EXIT_CODE, NodeErrorCode } from "../../../src/node/errors.js";
import { readyLine, startExitCode, withPort } from "../../../src/node/launch.js";
import { openListener } from "../../../src/node/listeners.js";

// Issue 11: the error a listener that cannot be opened raises, the exit codes of `start`, and the
// ready line a launcher reads the bound addresses from.

describe("node: listeners and launch", () => {
  it("a taken port → NODE_LISTEN_FAILED naming the option, the address and EADDRINUSE", async () => {
    const held = createServer();
    await new Promise<void>((r) => held.listen(0, "127.0.0.1", () => r()));
    const port = (held.address() as { port: number }).port;
    try {
      const second = createServer();
      const err = await openListener(
        "--api",
        `127.0.0.1:${port}`,
        () =>
          new Promise((ok, fail) => {
            second.once("error", fail);
            second.listen(port, "127.0.0.1", () => ok(second));
          }),
      ).then(
        () => assert.fail("listened on a taken port"),
        (e: unknown) => e,
      );
      assert.ok(isXaiError(err, NodeErrorCode.LISTEN_FAILED));
      assert.equal(err.code, "NODE_LISTEN_FAILED");
      assert.deepEqual(err.data, { flag: "--api", address: `127.0.0.1:${port}`, cause: "EADDRINUSE" });
      assert.equal(
        err.message,
        `cannot listen on --api 127.0.0.1:${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port}`,
      );
    } finally {
      await new Promise((r) => held.close(r));
    }
  });

  it("libp2p's long error text is cut to the line that names the cause", async () => {
    const text =
      "Some configured addresses failed to be listened on, you may need to remove one\n\n" +
      "  /ip4/127.0.0.1/tcp/9545: Error: listen EADDRINUSE: address already in use 127.0.0.1:9545\n" +
      "      at Server.setupListenHandle [as _listen2] (node:net:1908:16)";
    const err = await openListener("--p2p", "/ip4/127.0.0.1/tcp/9545", () =>
      Promise.reject(new Error(text)),
    ).catch((e: unknown) => e);
    assert.ok(isXaiError(err, NodeErrorCode.LISTEN_FAILED));
    assert.equal(
      err.message,
      "cannot listen on --p2p /ip4/127.0.0.1/tcp/9545: listen EADDRINUSE: address already in use 127.0.0.1:9545",
    );
    assert.equal(err.data.cause, "EADDRINUSE");
  });

  it("start's exit codes: 8 for NODE_LISTEN_FAILED, 7 for DB_CORRUPT, 1 for anything else", async () => {
    const listen = await openListener("--p2p", "x", () => Promise.reject(new Error("boom"))).catch(
      (e: unknown) => e,
    );
    assert.equal(startExitCode(listen), LISTEN_FAILED_EXIT_CODE);
    assert.equal(LISTEN_FAILED_EXIT_CODE, 8);
    const corrupt = dbCorrupt("undo record of block 4 is missing", 4);
    assert.equal(corrupt.code, DbErrorCode.CORRUPT);
    assert.deepEqual(corrupt.data, {
      what: "undo record of block 4 is missing",
      height: 4,
      repair: "xai-gov replay --repair",
    });
    assert.equal(startExitCode(corrupt), DB_CORRUPT_EXIT_CODE);
    assert.equal(DB_CORRUPT_EXIT_CODE, 7);
    assert.equal(startExitCode(new Error("other")), 1);
  });

  it("readyLine reads the ready line only; withPort swaps a multiaddr's port", () => {
    const line = JSON.stringify({
      msg: "node listening",
      api: "http://127.0.0.1:4100",
      p2p: ["/ip4/127.0.0.1/tcp/4101/p2p/12D3x"],
    });
    assert.deepEqual(readyLine(line), {
      api: "http://127.0.0.1:4100",
      p2p: ["/ip4/127.0.0.1/tcp/4101/p2p/12D3x"],
    });
    assert.equal(readyLine('{"level":30,"msg":"node started","api":"http://127.0.0.1:4100"}'), undefined);
    assert.equal(readyLine('{"msg":"node listening"'), undefined);
    assert.equal(readyLine("node listening"), undefined);
    assert.equal(withPort("/ip4/127.0.0.1/tcp/9545", 0), "/ip4/127.0.0.1/tcp/0");
  });
});
