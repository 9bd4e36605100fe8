// End-to-end checks of the HTTP API (SPEC §5) against a node started in-process.
//
// The node runs with block production off and the test produces each block itself (`mine`), so
// that "a rejected transaction stores nothing" can be checked exactly: with no block in between,
// the state root and the mempool must be byte-for-byte the same before and after a rejection.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import type { KeyPair } from "../../src/crypto/keys.js";
import type { Logger } from "../../src/logger.js";
import type { XaiNode } from "../../src/node/node.js";
import type { Payload } from "../../src/types/tx.js";
import { BAD_ADDRESSES } from "../utils/badAddresses.js";

// The sources are loaded with dynamic import(), i.e. as native ES modules exactly as `node dist/...`
// runs them. Under mocha + tsx a static import loads them as CommonJS, and then
// src/state-transition/stateStore.ts breaks (`btree.default` is undefined: "BTree is not a
// constructor"), so nothing that builds state can run that way.
async function loadSrc() {
  const [server, chain, slots, init, start, client, keys, keyFile, node, paths, txCodec, batch] =
    await Promise.all([
      import("../../src/api/server.js"),
      import("../../src/chain/chain.js"),
      import("../../src/chain/slots.js"),
      import("../../src/node/initChain.js"),
      import("../../src/cli/commands/start.js"),
      import("../../src/cli/client.js"),
      import("../../src/crypto/keys.js"),
      import("../../src/node/keyFile.js"),
      import("../../src/node/node.js"),
      import("../../src/node/paths.js"),
      import("../../src/types/txCodec.js"),
      import("../../src/api/batchRoutes.js"),
    ]);
  return {
    ...server,
    ...chain,
    ...slots,
    ...init,
    ...start,
    ...client,
    ...keys,
    ...keyFile,
    ...node,
    ...paths,
    ...txCodec,
    ...batch,
  };
}
let src: Awaited<ReturnType<typeof loadSrc>>;
const devKeyPair = (n: number) => src.devKeyPair(n);

const silent: Logger = { info() {}, warn() {}, debug() {} };
const CHAIN_ID = "xai-devnet-1";
const MIN_FEE = 1_000n;
const DEV_BALANCE = "100000000000000";
/** Registry default of transaction_fee_bps: a transfer also pays ceil(amount x 24 / 10,000) to the treasury. */
const TRANSFER_FEE_BPS = 24n;
/** What a transfer of `amount` at the minimum fee costs its sender. */
const cost = (amount: bigint) => amount + (amount * TRANSFER_FEE_BPS + 9_999n) / 10_000n + MIN_FEE;

interface TxOpts {
  key?: KeyPair;
  nonce?: bigint;
  fee?: bigint;
  chainId?: string;
  payload?: Payload;
  /** Corrupt the signature after signing. */
  badSignature?: boolean;
}

/** A signed SignedTx (bytes) built in-process, as a wallet would. */
function signedTx(o: TxOpts = {}): Uint8Array {
  const key = o.key ?? devKeyPair(0);
  const { encodeTxBody, encodeSignedTx, txSigningMessage, sign } = src;
  const body = encodeTxBody({
    chainId: o.chainId ?? CHAIN_ID,
    nonce: o.nonce ?? 0n,
    publicKey: key.publicKey,
    fee: o.fee ?? MIN_FEE,
    payload: o.payload ?? { type: "TRANSFER", recipient: devKeyPair(9).address, amount: 5n },
  });
  const sig = sign(txSigningMessage(body), key.secretKey);
  if (o.badSignature) sig[0]! ^= 0xff;
  return encodeSignedTx(body, sig);
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

describe("e2e: HTTP API", function () {
  this.timeout(60_000);
  let dir: string;
  let node: XaiNode;
  let validatorKey: KeyPair;
  let base: string;

  /** Produces the next block now (the node itself does not produce in this suite). */
  async function mine(): Promise<number> {
    const g = node.chain.genesis;
    const slot = Math.max(src.slotAt(g, Date.now()), node.chain.head.slot + 1);
    const block = await node.chain.produceBlock(slot, validatorKey);
    assert.ok(block, "block produced");
    return block.header.height;
  }

  async function req(
    path: string,
    init?: RequestInit,
  ): Promise<{ status: number; body: Record<string, unknown>; type: string }> {
    const res = await fetch(`${base}${path}`, init);
    const text = await res.text();
    const type = res.headers.get("content-type") ?? "";
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text);
    } catch {
      body = { text };
    }
    return { status: res.status, body, type };
  }

  const get = (path: string) => req(path);
  const postJson = (path: string, body: unknown) =>
    req(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const postTx = (bytes: Uint8Array) => postJson("/tx", { tx: b64(bytes) });

  /** Asserts the SPEC error shape {"error": {"code", "message"}} with exact status and code. */
  function assertError(r: { status: number; body: Record<string, unknown> }, status: number, code: string) {
    assert.deepEqual(Object.keys(r.body), ["error"], `body ${JSON.stringify(r.body)}`);
    const e = r.body.error as Record<string, unknown>;
    assert.equal(e.code, code, `body ${JSON.stringify(r.body)}`);
    assert.equal(r.status, status, `body ${JSON.stringify(r.body)}`);
    assert.equal(typeof e.message, "string");
    assert.ok((e.message as string).length > 0, "non-empty message");
    for (const k of Object.keys(e))
      assert.ok(["code", "message", "data"].includes(k), `unexpected error field ${k}`);
  }

  /** A snapshot of everything a rejected submission must leave alone. */
  async function snapshot() {
    const s = (await get("/status")).body;
    const a = (await get(`/accounts/${devKeyPair(0).address}`)).body;
    return {
      height: s.height,
      state_root: s.state_root,
      head_hash: s.head_hash,
      mempool_size: s.mempool_size,
      mempool: node.chain.mempool.size,
      pending_ids: node.chain.mempool.pendingOf(devKeyPair(0).address).map((t) => t.id),
      account: a,
    };
  }

  /** Sends a request that must be refused with `status`/`code` and must change nothing. */
  async function expectRejected(
    send: () => Promise<{ status: number; body: Record<string, unknown> }>,
    status: number,
    code: string,
  ) {
    const before = await snapshot();
    const r = await send();
    assertError(r, status, code);
    assert.deepEqual(await snapshot(), before, `${code}: state or mempool changed`);
  }

  before(async () => {
    src = await loadSrc();
    dir = mkdtempSync(join(tmpdir(), "xai-e2e-api-"));
    src.initChain({ dir, dev: true, preset: "test", blockTimeMs: "200" }, Date.now());
    validatorKey = src.readKeyFile(src.nodePaths(dir).validatorKey);
    node = await src.XaiNode.start({ dir, apiHost: "127.0.0.1", apiPort: 0, produce: false, log: silent });
    base = node.apiAddress;
  });

  after(async () => {
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("listens on 127.0.0.1 (port 0 picks a free port); the CLI defaults to 127.0.0.1:8545", () => {
    assert.match(base, /^http:\/\/127\.0\.0\.1:[1-9][0-9]*$/);
    const program = new Command("xai-gov");
    src.registerStart(program);
    const start = program.commands.find((c) => c.name() === "start")!;
    const api = start.options.find((o) => o.long === "--api")!;
    assert.equal(api.defaultValue, "127.0.0.1:8545");
    assert.deepEqual(src.parseHostPort("127.0.0.1:8545"), { host: "127.0.0.1", port: 8545 });
    assert.equal(src.DEFAULT_NODE, "http://127.0.0.1:8545");
  });

  it("GET /health", async () => {
    const r = await get("/health");
    assert.equal(r.status, 200);
    assert.equal(r.body.status, "ok");
    assert.equal(r.body.height, node.chain.head.height);
  });

  it("GET /status has chain id, height, head hash, state root, finalized height, peers, syncing", async () => {
    await mine();
    const r = await get("/status");
    assert.equal(r.status, 200);
    assert.match(r.type, /^application\/json/);
    const s = r.body;
    assert.equal(s.chain_id, CHAIN_ID);
    assert.equal(s.height, node.chain.head.height);
    assert.ok((s.height as number) >= 1);
    assert.equal(s.head_hash, node.chain.head.hashHex);
    assert.match(s.head_hash as string, /^[0-9a-f]{64}$/);
    assert.equal(s.state_root, Buffer.from(node.chain.head.stateRoot).toString("hex"));
    assert.match(s.state_root as string, /^[0-9a-f]{64}$/);
    assert.equal(s.finalized_height, 0); // finality depth 64, far above the head
    assert.equal(s.peers, 0);
    assert.equal(s.syncing, false);
    assert.equal(s.min_tx_fee, "1000");
    assert.equal(s.block_time_ms, 200);
    assert.equal(s.mempool_size, 0);
  });

  it("GET /blocks/0 and /blocks/latest", async () => {
    const g = await get("/blocks/0");
    assert.equal(g.status, 200);
    assert.equal(g.body.height, 0);
    assert.equal(g.body.tx_count, 0);
    assert.deepEqual(g.body.txs, []);
    assert.match(g.body.hash as string, /^[0-9a-f]{64}$/);

    const latest = await get("/blocks/latest");
    assert.equal(latest.status, 200);
    const status = (await get("/status")).body;
    assert.equal(latest.body.height, status.height);
    assert.equal(latest.body.hash, status.head_hash);
    assert.equal(latest.body.state_root, status.state_root);
    assert.equal(latest.body.proposer, validatorKey.address);

    const one = await get("/blocks/1");
    assert.equal(one.status, 200);
    assert.equal(one.body.height, 1);
    assert.equal(one.body.parent_hash, g.body.hash);
  });

  it("GET /blocks with a bad height is 400, an unknown height 404", async () => {
    assertError(await get("/blocks/abc"), 400, "BAD_REQUEST");
    assertError(await get("/blocks/-1"), 400, "BAD_REQUEST");
    assertError(await get("/blocks/01"), 400, "BAD_REQUEST");
    assertError(await get("/blocks/99999"), 404, "NOT_FOUND");
  });

  it("§3 (v2) GET /accounts: a malformed address is 400 INVALID_ADDRESS with its fault, for each kind", async () => {
    for (const bad of BAD_ADDRESSES.filter((b) => b.value !== "")) {
      const r = await get(`/accounts/${encodeURIComponent(bad.value)}`);
      assertError(r, 400, "INVALID_ADDRESS");
      assert.deepEqual((r.body.error as Record<string, unknown>).data, {
        address_fault: bad.fault,
        field: "address",
      });
    }
    assertError(await get("/accounts/XAIbad"), 400, "INVALID_ADDRESS");
  });

  it("GET /accounts: bad address 400, dev:0 funded, unknown address empty", async () => {
    assertError(await get("/accounts/XAIbad"), 400, "INVALID_ADDRESS");
    assertError(await get(`/accounts/${devKeyPair(0).address.toUpperCase()}`), 400, "INVALID_ADDRESS");
    const a = await get(`/accounts/${devKeyPair(0).address}`);
    assert.equal(a.status, 200);
    assert.deepEqual(a.body, {
      address: devKeyPair(0).address,
      balance: DEV_BALANCE,
      nonce: "0",
      next_nonce: "0",
      pending_txs: 0,
    });
    const empty = await get(`/accounts/${src.addressFromBytes(new Uint8Array(20))}`);
    assert.equal(empty.status, 200);
    assert.equal(empty.body.balance, "0");
    assert.equal(empty.body.nonce, "0");
  });

  it("GET /tx with a bad id is 400, an unknown id 404", async () => {
    assertError(await get("/tx/xyz"), 400, "BAD_REQUEST");
    assertError(await get(`/tx/${"ab".repeat(32)}`), 404, "NOT_FOUND");
  });

  let firstTx: Uint8Array;
  let firstId: string;

  it("POST /tx accepts a valid transfer (202) and it is included with receipt ok", async () => {
    const recipient = devKeyPair(9).address;
    const before9 = (await get(`/accounts/${recipient}`)).body.balance as string;
    firstTx = signedTx({ nonce: 0n, payload: { type: "TRANSFER", recipient, amount: 5n } });
    const r = await postTx(firstTx);
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.match(r.body.tx_id as string, /^[0-9a-f]{64}$/);
    assert.equal(r.body.type, "TRANSFER");
    assert.equal(r.body.status, "pending");
    firstId = r.body.tx_id as string;

    const pending = await get(`/tx/${firstId}`);
    assert.equal(pending.status, 200);
    assert.equal(pending.body.status, "pending");
    assert.equal(pending.body.receipt, null);
    assert.equal((await get("/status")).body.mempool_size, 1);
    const acct = (await get(`/accounts/${devKeyPair(0).address}`)).body;
    assert.equal(acct.nonce, "0");
    assert.equal(acct.next_nonce, "1");
    assert.equal(acct.pending_txs, 1);

    const height = await mine();
    let included: Record<string, unknown> | undefined;
    for (let i = 0; i < 50 && !included; i++) {
      const t = await get(`/tx/${firstId}`);
      if (t.body.status === "included") included = t.body;
      else await new Promise((res) => setTimeout(res, 100));
    }
    assert.ok(included, "transaction included");
    assert.equal(included.tx_id, firstId);
    assert.equal(included.sender, devKeyPair(0).address);
    assert.equal(included.nonce, "0");
    assert.equal(included.fee, "1000");
    assert.deepEqual(included.payload, { recipient, amount: "5" });
    const receipt = included.receipt as Record<string, unknown>;
    assert.equal(receipt.tx_id, firstId);
    assert.equal(receipt.height, height);
    assert.equal(receipt.index, 0);
    assert.equal(receipt.result, "ok");
    assert.equal(receipt.error_code, null);
    assert.equal(receipt.proposal_id, null);
    const block = (await get(`/blocks/${height}`)).body;
    assert.equal(receipt.block_hash, block.hash);
    assert.equal(block.tx_count, 1);
    assert.equal((block.txs as Array<{ tx_id: string }>)[0]!.tx_id, firstId);

    const sender = (await get(`/accounts/${devKeyPair(0).address}`)).body;
    assert.equal(sender.nonce, "1");
    // 5 units sent, 1 unit (5 x 24 bp, rounded up) to the treasury; the fee went to the proposer.
    assert.equal(sender.balance, (BigInt(DEV_BALANCE) - cost(5n)).toString());
    assert.equal(cost(5n), 1_006n);
    assert.equal((await get(`/accounts/${recipient}`)).body.balance, (BigInt(before9) + 5n).toString());
    assert.equal((await get("/status")).body.mempool_size, 0);
  });

  describe("rejections change nothing", () => {
    let pendingTx: Uint8Array;

    before(async () => {
      // Keep one transaction pending so that "mempool unchanged" is not trivially an empty mempool.
      pendingTx = signedTx({
        nonce: 1n,
        payload: { type: "TRANSFER", recipient: devKeyPair(8).address, amount: 7n },
      });
      const r = await postTx(pendingTx);
      assert.equal(r.status, 202, JSON.stringify(r.body));
      assert.equal(node.chain.mempool.size, 1);
    });

    it("§3 (v2) a transfer to a malformed address → 400 TX_INVALID_RECIPIENT with its fault", async () => {
      for (const bad of BAD_ADDRESSES) {
        const tx = signedTx({ nonce: 2n, payload: { type: "TRANSFER", recipient: bad.value, amount: 5n } });
        const before = await snapshot();
        const r = await postTx(tx);
        assertError(r, 400, "TX_INVALID_RECIPIENT");
        assert.deepEqual((r.body.error as Record<string, unknown>).data, { address_fault: bad.fault });
        assert.deepEqual(await snapshot(), before, `${bad.what}: state or mempool changed`);
      }
    });

    it("non-JSON content type → 415 UNSUPPORTED_MEDIA_TYPE", async () => {
      const body = JSON.stringify({ tx: b64(signedTx({ nonce: 2n })) });
      for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/octet-stream"]) {
        await expectRejected(
          () => req("/tx", { method: "POST", headers: { "content-type": type }, body }),
          415,
          "UNSUPPORTED_MEDIA_TYPE",
        );
      }
    });

    it("body over MAX_BODY_BYTES → 413", async () => {
      const body = JSON.stringify({ tx: "A".repeat(src.MAX_BODY_BYTES + 16) });
      await expectRejected(
        () => req("/tx", { method: "POST", headers: { "content-type": "application/json" }, body }),
        413,
        "BODY_TOO_LARGE",
      );
    });

    it("bad JSON → 400 BAD_REQUEST", async () => {
      await expectRejected(
        () =>
          req("/tx", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: '{"tx": "AAAA"',
          }),
        400,
        "BAD_REQUEST",
      );
    });

    it("missing or mistyped tx field → 400 BAD_REQUEST", async () => {
      await expectRejected(() => postJson("/tx", {}), 400, "BAD_REQUEST");
      await expectRejected(
        () => postJson("/tx", { transaction: b64(signedTx({ nonce: 2n })) }),
        400,
        "BAD_REQUEST",
      );
      await expectRejected(() => postJson("/tx", { tx: { a: 1 } }), 400, "BAD_REQUEST");
      await expectRejected(() => postJson("/tx", { tx: null }), 400, "BAD_REQUEST");
      await expectRejected(() => postJson("/tx", { tx: "" }), 400, "BAD_REQUEST");
      await expectRejected(() => postJson("/tx", [b64(signedTx({ nonce: 2n }))]), 400, "BAD_REQUEST");
    });

    it("tx not base64 → 400 BAD_REQUEST", async () => {
      await expectRejected(() => postJson("/tx", { tx: "not base64!!" }), 400, "BAD_REQUEST");
      await expectRejected(() => postJson("/tx", { tx: "%%%%" }), 400, "BAD_REQUEST");
    });

    it("base64 that is not a transaction → 400 TX_MALFORMED", async () => {
      await expectRejected(
        () => postJson("/tx", { tx: b64(new Uint8Array([0xff, 0xff, 0xff])) }),
        400,
        "TX_MALFORMED",
      );
    });

    it("bad signature → 400 TX_BAD_SIGNATURE", async () => {
      await expectRejected(
        () => postTx(signedTx({ nonce: 2n, badSignature: true })),
        400,
        "TX_BAD_SIGNATURE",
      );
    });

    it("wrong chain id → 400 TX_WRONG_CHAIN", async () => {
      await expectRejected(
        () => postTx(signedTx({ nonce: 2n, chainId: "xai-devnet-2" })),
        400,
        "TX_WRONG_CHAIN",
      );
    });

    it("fee below min_tx_fee → 400 TX_FEE_TOO_LOW", async () => {
      await expectRejected(() => postTx(signedTx({ nonce: 2n, fee: MIN_FEE - 1n })), 400, "TX_FEE_TOO_LOW");
    });

    it("insufficient balance → 400 TX_INSUFFICIENT_BALANCE", async () => {
      const poor = devKeyPair(0);
      await expectRejected(
        () =>
          postTx(
            signedTx({
              key: poor,
              nonce: 2n,
              payload: { type: "TRANSFER", recipient: devKeyPair(9).address, amount: BigInt(DEV_BALANCE) },
            }),
          ),
        400,
        "TX_INSUFFICIENT_BALANCE",
      );
    });

    it("reused nonce → 409 TX_NONCE_TOO_LOW", async () => {
      // Nonce 0 was used by the included transfer; a different transaction with it is refused.
      const reuse = signedTx({
        nonce: 0n,
        payload: { type: "TRANSFER", recipient: devKeyPair(7).address, amount: 1n },
      });
      await expectRejected(() => postTx(reuse), 409, "TX_NONCE_TOO_LOW");
      const r = await postTx(reuse);
      assert.deepEqual((r.body.error as Record<string, unknown>).data, { expected: "1" });
    });

    it("nonce gap → 409 TX_NONCE_TOO_HIGH", async () => {
      await expectRejected(() => postTx(signedTx({ nonce: 5n })), 409, "TX_NONCE_TOO_HIGH");
    });

    it("duplicate (pending or included) → 409 TX_DUPLICATE", async () => {
      await expectRejected(() => postTx(pendingTx), 409, "TX_DUPLICATE");
      await expectRejected(() => postTx(firstTx), 409, "TX_DUPLICATE");
    });

    it("oversize tx → 413 TX_TOO_LARGE (above max_tx_bytes, and above the hard cap)", async () => {
      // A correctly signed proposal above max_tx_bytes (16384 by default). (A transfer cannot be
      // that large: only its recipient could be long, and decoding refuses one that is no address.)
      const big = signedTx({
        nonce: 2n,
        payload: {
          type: "SUBMIT_PROPOSAL",
          title: "big",
          description: "x".repeat(20_000),
          deposit: 0n,
          action: { kind: "protocol_parameter", name: "min_tx_fee", value: "2000" },
        },
      });
      assert.ok(big.length > 16_384 && big.length < src.HARD_MAX_TX_BYTES);
      await expectRejected(() => postTx(big), 413, "TX_TOO_LARGE");
      // Above the absolute cap: refused before decoding.
      const huge = new Uint8Array(src.HARD_MAX_TX_BYTES + 1).fill(7);
      assert.ok(JSON.stringify({ tx: b64(huge) }).length < src.MAX_BODY_BYTES);
      await expectRejected(() => postTx(huge), 413, "TX_TOO_LARGE");
    });

    it("unknown route → 404 NOT_FOUND; a known path with another method → 405 METHOD_NOT_ALLOWED", async () => {
      await expectRejected(() => get("/nope"), 404, "NOT_FOUND");
      await expectRejected(() => postJson("/nope", {}), 404, "NOT_FOUND");
      await expectRejected(() => req("/tx", { method: "DELETE" }), 405, "METHOD_NOT_ALLOWED");
    });

    it("the pending transaction is still there and is included by the next block", async () => {
      assert.equal(node.chain.mempool.size, 1);
      await mine();
      const a = (await get(`/accounts/${devKeyPair(0).address}`)).body;
      assert.equal(a.nonce, "2");
      assert.equal(a.balance, (BigInt(DEV_BALANCE) - cost(5n) - cost(7n)).toString());
      assert.equal(node.chain.mempool.size, 0);
    });
  });

  // Declared after the rejections (mocha runs a suite's own tests before its nested suites).
  describe("metrics", () => {
    it("GET /metrics is Prometheus text with xai_chain_height", async () => {
      const res = await fetch(`${base}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
      const text = await res.text();
      const m = /^xai_chain_height (\d+)$/m.exec(text);
      assert.ok(m, "xai_chain_height sample");
      assert.equal(Number(m[1]), node.chain.head.height);
      assert.match(text, /^# TYPE xai_chain_height gauge$/m);
      assert.match(text, /^xai_chain_rejected_txs_total\{code="TX_BAD_SIGNATURE"\} [1-9]/m);
    });
  });

  describe("POST /txs (issue 10)", () => {
    const k3 = () => devKeyPair(3);
    const k4 = () => devKeyPair(4);
    const to = () => ({ type: "TRANSFER" as const, recipient: devKeyPair(9).address, amount: 5n });
    const idOf = (bytes: Uint8Array) => src.decodeTx(bytes).id;

    it("one result per transaction in order; each bad one has its code and stores nothing", async () => {
      const rootBefore = (await get("/status")).body.state_root;
      const mempoolBefore = node.chain.mempool.size;
      const ok0 = signedTx({ key: k3(), nonce: 0n, payload: to() });
      const ok1 = signedTx({ key: k3(), nonce: 1n, payload: to() });
      const ok4 = signedTx({ key: k4(), nonce: 0n, payload: to() });
      const txs = [
        b64(ok0),
        "not base64!!",
        b64(ok0), // the same bytes again
        b64(signedTx({ key: k3(), nonce: 1n, payload: to(), badSignature: true })),
        b64(ok1), // follows ok0 of the same batch
        b64(signedTx({ key: k3(), nonce: 5n, payload: to() })),
        b64(signedTx({ key: k4(), nonce: 0n, payload: to(), chainId: "other-chain" })),
        b64(new Uint8Array([0xff, 0xff, 0xff])),
        "",
        b64(new Uint8Array(src.HARD_MAX_TX_BYTES + 1)),
        b64(ok4),
      ];
      const r = await postJson("/txs", { txs });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const results = r.body.results as Array<Record<string, unknown>>;
      const codes = results.map((x) =>
        "error" in x ? (x.error as { code: string }).code : `ok:${String(x.tx_id)}`,
      );
      assert.deepEqual(codes, [
        `ok:${idOf(ok0)}`,
        "BAD_REQUEST",
        "TX_DUPLICATE",
        "TX_BAD_SIGNATURE",
        `ok:${idOf(ok1)}`,
        "TX_NONCE_TOO_HIGH",
        "TX_WRONG_CHAIN",
        "TX_MALFORMED",
        "TX_MALFORMED",
        "TX_TOO_LARGE",
        `ok:${idOf(ok4)}`,
      ]);
      assert.deepEqual(results[0], { tx_id: idOf(ok0), type: "TRANSFER", status: "pending" });
      for (const x of results)
        if ("error" in x) {
          assert.deepEqual(Object.keys(x), ["error"]);
          assert.equal(typeof (x.error as { message: unknown }).message, "string");
        }
      // Only the three valid ones entered the mempool; the state did not move.
      assert.equal(node.chain.mempool.size, mempoolBefore + 3);
      assert.deepEqual(
        node.chain.mempool.pendingOf(k3().address).map((t) => t.id),
        [idOf(ok0), idOf(ok1)],
      );
      assert.deepEqual(
        node.chain.mempool.pendingOf(k4().address).map((t) => t.id),
        [idOf(ok4)],
      );
      assert.equal((await get("/status")).body.state_root, rootBefore);
      await mine();
      assert.equal((await get(`/accounts/${k3().address}`)).body.nonce, "2");
      assert.equal((await get(`/accounts/${k4().address}`)).body.nonce, "1");
    });

    it("more than MAX_BATCH_TXS → 413 TOO_MANY_TXS, nothing admitted", async () => {
      const first = b64(signedTx({ key: k3(), nonce: 2n, payload: to() }));
      const txs = [first, ...Array.from({ length: src.MAX_BATCH_TXS }, () => "AAAA")];
      await expectRejected(() => postJson("/txs", { txs }), 413, "TOO_MANY_TXS");
      assert.equal(node.chain.mempool.pendingOf(k3().address).length, 0);
    });

    it("a body over MAX_BATCH_BODY_BYTES → 413 BODY_TOO_LARGE; a bad shape → 400 BAD_REQUEST", async () => {
      const body = JSON.stringify({ txs: ["A".repeat(src.MAX_BATCH_BODY_BYTES + 16)] });
      await expectRejected(
        () => req("/txs", { method: "POST", headers: { "content-type": "application/json" }, body }),
        413,
        "BODY_TOO_LARGE",
      );
      await expectRejected(() => postJson("/txs", {}), 400, "BAD_REQUEST");
      await expectRejected(() => postJson("/txs", { txs: [{ a: 1 }] }), 400, "BAD_REQUEST");
    });

    it("an empty list → 200 with no results", async () => {
      const r = await postJson("/txs", { txs: [] });
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, { results: [] });
    });
  });
});
