import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

describe("client: wait and keys", () => {
  let server: Server;
  let url: string;
  before(async () => {
    // A node that never includes anything: GET /tx/:id is NOT_FOUND.
    server = createServer((_req, res) => {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "NOT_FOUND", message: "unknown transaction" } }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it("waitForReceipt gives up after the timeout with WAIT_TIMEOUT naming the tx", async () => {
    const { waitForReceipt } = await import("../../../src/client/index.js");
    const id = "ab".repeat(32);
    await assert.rejects(waitForReceipt(url, id, 1, 1), {
      code: "WAIT_TIMEOUT",
      message: `transaction ${id} not included within 1 ms`,
    });
  });

  it("addressFromPublicKey matches the key's address; devKey refuses n outside 0 … 9", async () => {
    const { addressFromPublicKey, devKey, generateKey, publicKeyHex } = await import(
      "../../../src/client/index.js"
    );
    const k = generateKey();
    assert.equal(addressFromPublicKey(k.publicKey), k.address);
    assert.equal(addressFromPublicKey(publicKeyHex(k)), k.address);
    assert.equal(devKey(0).address, devKey(0).address);
    assert.throws(() => devKey(10), { code: "BAD_KEY" });
    assert.throws(() => addressFromPublicKey("zz"), { code: "BAD_KEY" });
  });
});
