/**
 * Offline signing (SPEC §6): `tx <command> --generate-only` prints an unsigned body, `tx sign`
 * signs it on a machine that holds the key and need not reach any node, `tx broadcast` submits the
 * signed transaction later. The rules of B3 hold here too: `tx sign` signs only a body for the
 * pinned chain id, with a fee at most `--max-fee`, for its own key; `tx broadcast` refuses a node
 * on another chain than the transaction's (and than the pin, if one is set).
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { toHex } from "../../crypto/bytes.js";
import { xaiError } from "../../errors.js";
import { NodeErrorCode } from "../../node/errors.js";
import { decodeTx } from "../../types/txCodec.js";
import { apiGet, DEFAULT_NODE } from "../client.js";
import { CliErrorCode } from "../errors.js";
import type { KeyOptions } from "../keySource.js";
import { printResult } from "../output.js";
import { checkChainId, checkFee, loadClientConfig, parseTimeout, resolvePin } from "../pin.js";
import { checkDevKey, decodeBody, resolveKey, signBody, signedFields, submitAndWait } from "../signer.js";
import { addKeyOptions } from "./keyOptions.js";
import { addPinOptions, addWaitOptions, printOutcome } from "./txOptions.js";

/**
 * The base64 bytes of `--VALUE` or of `--VALUE-file` (a file holding the base64, or the JSON that
 * --generate-only / tx sign printed, whose `field` is taken).
 */
function base64Input(value: unknown, file: unknown, name: string, field: string): Uint8Array {
  if ((value === undefined) === (file === undefined))
    throw xaiError(NodeErrorCode.BAD_OPTION, `give exactly one of --${name} and --${name}-file`);
  let text = typeof value === "string" ? value : "";
  if (typeof file === "string") {
    try {
      text = readFileSync(file, "utf8").trim();
    } catch (err) {
      throw xaiError(NodeErrorCode.BAD_OPTION, `cannot read ${file}: ${(err as Error).message}`);
    }
    if (text.startsWith("{")) {
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        throw xaiError(NodeErrorCode.BAD_OPTION, `${file} is not JSON`);
      }
      text = typeof json[field] === "string" ? (json[field] as string) : "";
    }
  }
  if (text === "" || !/^[A-Za-z0-9+/]*={0,2}$/.test(text))
    throw xaiError(NodeErrorCode.BAD_OPTION, `--${name} must be base64`);
  return new Uint8Array(Buffer.from(text, "base64"));
}

type SignOpts = KeyOptions & {
  body?: string;
  bodyFile?: string;
  key: string;
  chainId?: string;
  maxFee?: string;
  json?: boolean;
};
type BroadcastOpts = {
  tx?: string;
  txFile?: string;
  node: string;
  chainId?: string;
  wait?: boolean;
  timeout?: string;
  json?: boolean;
};

/** Registers `tx sign` and `tx broadcast`. */
export function registerOffline(tx: Command): void {
  addPinOptions(
    addKeyOptions(tx.command("sign"))
      .description("sign an unsigned body from --generate-only (offline: contacts no node)")
      .option("--body <base64>", "the unsigned body")
      .option("--body-file <file>", "a file with the body, or the JSON --generate-only printed")
      .requiredOption("--key <name|file|dev:N>", "signing key: a keyring name, a key file or dev:0 … dev:9"),
  )
    .option("--json", "print one JSON object")
    .action(async (o: SignOpts) => {
      const pin = resolvePin(o);
      const { key, dev } = await resolveKey(o.key, o);
      const bodyBytes = base64Input(o.body, o.bodyFile, "body", "body");
      const { body, id } = decodeBody(bodyBytes);
      checkChainId(pin.chainId, body.chainId, "the body");
      checkFee(body.fee, pin.maxFee, "the body's fee");
      checkDevKey(dev, body.chainId);
      if (toHex(body.publicKey) !== toHex(key.publicKey))
        throw xaiError(
          CliErrorCode.KEY_MISMATCH,
          `the body is for public key ${toHex(body.publicKey)}, not --key's`,
        );
      const signed = signBody(bodyBytes, key);
      printResult(
        {
          tx: Buffer.from(signed).toString("base64"),
          tx_id: id,
          type: body.payload.type,
          ...signedFields(body),
        },
        o.json === true,
      );
    });

  addWaitOptions(
    tx
      .command("broadcast")
      .description("submit a transaction signed with `tx sign` (POST /tx)")
      .option("--tx <base64>", "the signed transaction")
      .option("--tx-file <file>", "a file with it, or the JSON `tx sign` printed")
      .option("--node <url>", "node API URL", DEFAULT_NODE)
      .option(
        "--chain-id <id>",
        "refuse a transaction for another chain (default: the client config's, if any)",
      ),
  )
    .option("--json", "print one JSON object")
    .action(async (o: BroadcastOpts) => {
      const timeoutMs = parseTimeout(o.timeout);
      const bytes = base64Input(o.tx, o.txFile, "tx", "tx");
      const signed = decodeTx(bytes);
      const pinned = o.chainId ?? loadClientConfig().chain_id;
      if (pinned !== undefined) checkChainId(pinned, signed.body.chainId, "the transaction");
      const status = await apiGet<{ chain_id?: unknown }>(o.node, "/status");
      checkChainId(signed.body.chainId, status.chain_id, `the node ${o.node}`);
      printOutcome(
        await submitAndWait(
          o.node,
          bytes,
          "/tx",
          { wait: o.wait, timeoutMs },
          { fee: signed.body.fee.toString() },
        ),
        o.json === true,
      );
    });
}
