// The error codes and their policy tables. The compiler already refuses a bare-string code and a
// code without an HTTP status or gossip verdict; these tests check the same at runtime, that the
// code strings are unique, and that the tables give every code the status and verdict it had
// before they existed (the old switch and sets are written out here as the reference).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  ApiErrorCode,
  HTTP_STATUS,
  type HttpErrorCode,
  httpStatusOf,
  toHttpError,
} from "../../src/api/errors.js";
import { ChainErrorCode } from "../../src/chain/errors.js";
import { CliErrorCode, isRemoteError, RemoteError } from "../../src/cli/errors.js";
import { printError } from "../../src/cli/output.js";
import { GenesisErrorCode, RegistryErrorCode } from "../../src/config/errors.js";
import { CryptoErrorCode, KeyDerivationErrorCode } from "../../src/crypto/errors.js";
import { DbErrorCode } from "../../src/db/errors.js";
import { type ErrorCode, isXaiError, XaiError, xaiError } from "../../src/errors.js";
import { GovErrorCode } from "../../src/governance/errors.js";
import { SyncErrorCode } from "../../src/network/errors.js";
import {
  BLOCK_VERDICT,
  type GossipErrorCode,
  TX_VERDICT,
  verdictOf,
} from "../../src/network/gossipValidation.js";
import { NodeErrorCode } from "../../src/node/errors.js";
import { ChainInvariantErrorCode } from "../../src/state-transition/invariants.js";
import { BlockErrorCode, TxErrorCode } from "../../src/types/errors.js";

/** Every code enum, by the layer that declares it. */
const ENUMS = {
  CryptoErrorCode,
  KeyDerivationErrorCode,
  TxErrorCode,
  BlockErrorCode,
  RegistryErrorCode,
  GenesisErrorCode,
  GovErrorCode,
  ChainInvariantErrorCode,
  DbErrorCode,
  ChainErrorCode,
  SyncErrorCode,
  ApiErrorCode,
  NodeErrorCode,
  CliErrorCode,
} as const;

type Enums = typeof ENUMS;
type Listed = { [K in keyof Enums]: Enums[K][keyof Enums[K]] }[keyof Enums];

// Compile-time checks: `true` only compiles if the two sets of codes are equal.
type Same<A, B> = [Exclude<A, B>, Exclude<B, A>] extends [never, never] ? true : false;
/** ENUMS above lists every enum registered in ErrorCodes (so the runtime checks below see them all). */
const listsEveryEnum: Same<Listed, ErrorCode> = true;
/** Every code but the node's, the CLI's and key derivation's (clients only) can reach HTTP and has a status. */
const httpCoversAllButProcess: Same<
  HttpErrorCode,
  Exclude<ErrorCode, NodeErrorCode | CliErrorCode | KeyDerivationErrorCode>
> = true;
/** Gossip verdicts cover every code of the chain and below (all HTTP codes but sync's and the API's). */
const gossipCoversChain: Same<GossipErrorCode, Exclude<HttpErrorCode, SyncErrorCode | ApiErrorCode>> = true;

const codesOf = (e: Record<string, string>): ErrorCode[] => Object.values(e) as ErrorCode[];
const ALL: ErrorCode[] = Object.values(ENUMS).flatMap(codesOf);
const PROCESS = new Set<ErrorCode>([
  ...codesOf(NodeErrorCode),
  ...codesOf(CliErrorCode),
  ...codesOf(KeyDerivationErrorCode),
]);
const HTTP: ErrorCode[] = ALL.filter((c) => !PROCESS.has(c));
const GOSSIP: ErrorCode[] = HTTP.filter(
  (c) => !codesOf(SyncErrorCode).includes(c) && !codesOf(ApiErrorCode).includes(c),
);

/** httpStatusOf as it was before the table (the switch of src/api/errors.ts). */
function oldStatus(code: string): number {
  switch (code) {
    case "TX_NONCE_TOO_LOW":
    case "TX_NONCE_TOO_HIGH":
    case "TX_DUPLICATE":
    case "TX_REPLACEMENT_UNDERPRICED":
      return 409;
    case "TX_TOO_LARGE":
    case "BODY_TOO_LARGE":
    case "TOO_MANY_TXS": // issue 10: added with its status (POST /txs over MAX_BATCH_TXS)
      return 413;
    case "UNSUPPORTED_MEDIA_TYPE":
      return 415;
    case "URL_TOO_LONG": // B1: added with its status (Fastify's own answer was 414 too)
      return 414;
    case "TX_MEMPOOL_FULL":
      return 429;
    case "NODE_BUSY":
    case "GOV_UPGRADE_NEEDED": // v2 §4.7: added with its status (the node halted for an upgrade)
    case "DB_WRITE_FAILED": // issue 11: added with their status (the node stopped: fail-stop)
    case "SIGN_STATE_INVALID":
    case "SIGN_STATE_WRITE_FAILED":
    case "DOUBLE_SIGN":
    case "EVENT_STREAM_FULL": // issue 13: added with its status (GET /events at its client cap)
      return 503;
    case "FORBIDDEN":
      return 403;
    case "METHOD_NOT_ALLOWED": // issue 12: added with its status
      return 405;
    case "NOT_FOUND":
    case "GOV_UNKNOWN_PROPOSAL":
      return 404;
    default:
      return code === "INTERNAL" ? 500 : 400;
  }
}

/** The gossip sets as they were before the tables (src/network/gossipValidation.ts). */
const OLD_TX_REJECT = new Set([
  "TX_MALFORMED",
  "TX_NON_CANONICAL",
  "TX_BAD_PUBLIC_KEY",
  "TX_BAD_SIGNATURE",
  "TX_WRONG_CHAIN",
  "TX_UNSUPPORTED",
  "TX_ZERO_AMOUNT",
  "TX_INVALID_RECIPIENT",
  "GOV_INVALID_VALUE",
  "GOV_UNKNOWN_TARGET",
  "GOV_NOT_GOVERNABLE",
  "GOV_INVALID_ACTION",
  "GOV_INVALID_RECIPIENT",
  "GOV_INVALID_AMOUNT",
  "GOV_EMPTY_TITLE",
  "GOV_INVALID_UTF8", // v2: a message fault, judged alike by every node
  "GOV_TITLE_TOO_LONG",
  "GOV_DESCRIPTION_TOO_LONG",
  "GOV_COMMENT_TOO_LONG",
  "GOV_REASON_TOO_LONG",
  "GOV_PURPOSE_TOO_LONG",
  // v2 §4.7: faults of the plan's own bytes, judged alike by every node
  "GOV_INVALID_UPGRADE_NAME",
  "GOV_INVALID_UPGRADE_HEIGHT",
  "GOV_INVALID_UPGRADE_INFO",
  // v2 validator_set: the payload's own fields, judged alike by every node
  "GOV_INVALID_VALIDATOR_ACTION",
  "GOV_INVALID_VALIDATOR_ADDRESS",
  "GOV_INVALID_VALIDATOR_KEY",
]);
const OLD_BLOCK_IGNORE = new Set([
  "BLOCK_KNOWN",
  "BLOCK_UNKNOWN_PARENT",
  "BLOCK_FUTURE_SLOT",
  "BLOCK_REVERTS_FINALIZED",
  "NODE_BUSY",
  "GOV_UPGRADE_NEEDED", // v2 §4.7: this release cannot judge the block; nothing bad about the sender
  "BLOCK_UNKNOWN_PROPOSER", // v2 §4.8: may be honest on a branch this node has not seen
  // issue 11: this node's own storage failed (fail-stop); the sender did nothing wrong
  "DB_WRITE_FAILED",
  "SIGN_STATE_INVALID",
  "SIGN_STATE_WRITE_FAILED",
  "DOUBLE_SIGN",
]);

describe("errors", () => {
  it("the compile-time completeness checks hold", () => {
    assert.ok(listsEveryEnum && httpCoversAllButProcess && gossipCoversChain);
  });

  it("code strings are unique across every enum, and upper snake case", () => {
    const seen = new Map<string, string>();
    for (const [name, e] of Object.entries(ENUMS))
      for (const code of Object.values(e)) {
        assert.match(code, /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/, `${name}: ${code}`);
        assert.ok(!seen.has(code), `${code} is in both ${seen.get(code)} and ${name}`);
        seen.set(code, name);
      }
    assert.equal(seen.size, ALL.length);
  });

  it("every code below the node has an HTTP status, the same as before the table", () => {
    const statuses = new Set([400, 403, 404, 405, 409, 413, 414, 415, 429, 500, 503]);
    for (const code of HTTP) {
      const status = (HTTP_STATUS as Record<string, number | undefined>)[code];
      assert.ok(status !== undefined && statuses.has(status), `${code} has status ${status}`);
      assert.equal(httpStatusOf(code), oldStatus(code), code);
    }
    assert.equal(Object.keys(HTTP_STATUS).length, HTTP.length, "no status for an unknown code");
    // The node's and the CLI's codes never answer a route: no entry, the old default 400.
    for (const code of PROCESS) {
      assert.ok(!(code in HTTP_STATUS), code);
      assert.equal(httpStatusOf(code), 400, code);
    }
    assert.ok(!("NOT_READY" in HTTP_STATUS), "NOT_READY was never raised and is gone");
  });

  it("docs/API.md lists every code that has another status than 400, and the API's own codes, with their status", () => {
    const doc = readFileSync(new URL("../../docs/API.md", import.meta.url), "utf8");
    const listed = new Map<string, number>();
    for (const m of doc.matchAll(/^\| (\d{3}) \|[^|]*\|([^\n]*)\|$/gm))
      for (const c of m[2]!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) listed.set(c[1]!, Number(m[1]));
    for (const [code, status] of listed)
      assert.equal(httpStatusOf(code as ErrorCode), status, `${code} is listed under ${status}`);
    for (const code of HTTP) {
      const status = httpStatusOf(code);
      if (status !== 400 || codesOf(ApiErrorCode).includes(code))
        assert.equal(listed.get(code), status, `${code} (${status}) is in the table`);
    }
  });

  it("toHttpError keeps the code and data, and hides anything that is not an XaiError as 500 INTERNAL", () => {
    assert.deepEqual(toHttpError(xaiError(ChainErrorCode.NODE_BUSY, "busy", { queued: 3n })), {
      status: 503,
      body: { error: { code: "NODE_BUSY", message: "busy", data: { queued: "3" } } },
    });
    assert.deepEqual(toHttpError(xaiError(ApiErrorCode.FORBIDDEN, "loopback only")), {
      status: 403,
      body: { error: { code: "FORBIDDEN", message: "loopback only" } },
    });
    assert.deepEqual(toHttpError(new Error("secret")), {
      status: 500,
      body: { error: { code: "INTERNAL", message: "internal error" } },
    });
  });

  it("every code of the chain and below has a verdict on both topics, the same as before the tables", () => {
    for (const code of GOSSIP) {
      const tx = (TX_VERDICT as Record<string, string | undefined>)[code];
      const block = (BLOCK_VERDICT as Record<string, string | undefined>)[code];
      assert.ok(tx === "reject" || tx === "ignore", `tx ${code}: ${tx}`);
      assert.ok(block === "reject" || block === "ignore", `block ${code}: ${block}`);
      const err = new XaiError(code, "m");
      assert.equal(verdictOf(err, "tx").verdict, OLD_TX_REJECT.has(code) ? "reject" : "ignore", `tx ${code}`);
      assert.equal(
        verdictOf(err, "block").verdict,
        OLD_BLOCK_IGNORE.has(code) ? "ignore" : "reject",
        `block ${code}`,
      );
      assert.equal(verdictOf(err, "tx").code, code);
    }
    assert.equal(Object.keys(TX_VERDICT).length, GOSSIP.length);
    assert.equal(Object.keys(BLOCK_VERDICT).length, GOSSIP.length);
    // Codes the chain never raises keep the topic's old default.
    for (const code of ALL.filter((c) => !GOSSIP.includes(c))) {
      assert.equal(verdictOf(new XaiError(code, "m"), "tx").verdict, "ignore", code);
      assert.equal(verdictOf(new XaiError(code, "m"), "block").verdict, "reject", code);
    }
    assert.deepEqual(verdictOf(new Error("boom"), "block"), { verdict: "ignore", code: "INTERNAL" });
  });

  it("isXaiError narrows by code", () => {
    const err: unknown = xaiError(TxErrorCode.DUPLICATE, "again");
    assert.ok(isXaiError(err));
    assert.ok(isXaiError(err, TxErrorCode.DUPLICATE));
    assert.ok(!isXaiError(err, TxErrorCode.MALFORMED));
    assert.ok(!isXaiError(new Error("x")));
  });

  it("a bare-string code does not compile (and a node's code is a RemoteError, not an XaiError)", () => {
    const raise = () => {
      // @ts-expect-error a string literal is not an ErrorCode
      xaiError("BAD_OPTION", "m");
      // @ts-expect-error nor for the constructor
      new XaiError("NOT_A_CODE", "m");
      // @ts-expect-error a code with typed data needs its data (GENESIS_INVALID: the reason)
      xaiError(GenesisErrorCode.INVALID, "m");
    };
    assert.equal(typeof raise, "function"); // never called: the check is the compile
    const remote = new RemoteError("HTTP_502", "Bad Gateway");
    assert.ok(isRemoteError(remote, "HTTP_502"));
    assert.ok(!isXaiError(remote));
    assert.ok(!isRemoteError(xaiError(CliErrorCode.BAD_KEY, "m")));
  });

  it("the CLI prints an XaiError and a node's RemoteError alike, as CODE: message, and exits non-zero", () => {
    const written: string[] = [];
    const write = process.stderr.write;
    const exitCode = process.exitCode;
    process.stderr.write = ((s: string) => written.push(s) > 0) as typeof process.stderr.write;
    try {
      printError(xaiError(NodeErrorCode.BAD_OPTION, "--nodes is 1 to 16"));
      printError(new RemoteError("GOV_VOTING_CLOSED", "proposal is not in voting"));
      printError(new RemoteError("HTTP_502", "Bad Gateway"));
      printError(new Error("boom"));
      assert.equal(process.exitCode, 1);
    } finally {
      process.stderr.write = write;
      process.exitCode = exitCode;
    }
    assert.deepEqual(written, [
      "BAD_OPTION: --nodes is 1 to 16\n",
      "GOV_VOTING_CLOSED: proposal is not in voting\n",
      "HTTP_502: Bad Gateway\n",
      "ERROR: boom\n",
    ]);
  });
});
