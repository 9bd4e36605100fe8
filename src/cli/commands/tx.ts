import type { Command } from "commander";
import { requireAddress } from "../../crypto/keys.js";
import { xaiError } from "../../errors.js";
import { NodeErrorCode } from "../../node/errors.js";
import type { Payload } from "../../types/tx.js";
import { DEFAULT_NODE } from "../client.js";
import { resolveProposalRef } from "../proposalRef.js";
import { sendTx, type TxOptions } from "../signer.js";
import { addKeyOptions } from "./keyOptions.js";
import { registerOffline } from "./offline.js";
import { addPinOptions, addWaitOptions, printOutcome } from "./txOptions.js";

const UINT_RE = /^(0|[1-9][0-9]*)$/;

/** Parses an integer amount of base units. */
export function parseUnits(s: string, what: string): bigint {
  if (!UINT_RE.test(s))
    throw xaiError(NodeErrorCode.BAD_OPTION, `${what} must be an integer number of base units`);
  return BigInt(s);
}

/** Adds a `tx` subcommand with the options every transaction takes. */
export function addTx(
  tx: Command,
  name: string,
  description: string,
  build: (o: Record<string, unknown>) => Payload,
  extra: (c: Command) => Command,
  route = "/tx",
  complete?: (o: TxOptions, payload: Payload) => Promise<Payload>,
): void {
  const c = extra(tx.command(name).description(description))
    .option(
      "--key <name|file|dev:N>",
      "signing key: a keyring name, a key file or dev:0 … dev:9 (stays on this machine; required unless --generate-only)",
    )
    .option("--node <url>", "node API URL", DEFAULT_NODE)
    .option("--fee <units>", "fee in base units (default: the chain's min_tx_fee, at most --max-fee)")
    .option("--nonce <n>", "nonce (default: the account's next nonce)")
    .option("--generate-only", "print the unsigned body (base64) instead of signing; sign it with `tx sign`")
    .option("--public-key <hex>", "with --generate-only: build for this public key instead of --key's");
  addWaitOptions(addPinOptions(addKeyOptions(c)))
    .option("--json", "print one JSON object")
    .action(async (o: TxOptions & { json?: boolean } & Record<string, unknown>) => {
      const payload = await resolveProposalRef(o.node, build(o));
      printOutcome(await sendTx(o, complete ? await complete(o, payload) : payload, route), o.json === true);
    });
}

/** Registers `tx transfer` and the offline `tx sign` / `tx broadcast`; governance adds its own. */
export function registerTx(program: Command): Command {
  const tx = program.command("tx").description("sign a transaction locally and submit it to a node");
  addTx(
    tx,
    "transfer",
    "send base units to an address",
    (o) => ({
      type: "TRANSFER",
      recipient: requireAddress(String(o.to), "--to"),
      amount: parseUnits(String(o.amount), "--amount"),
    }),
    (c) =>
      c
        .requiredOption("--to <address>", "recipient")
        .requiredOption("--amount <units>", "amount in base units"),
  );
  registerOffline(tx);
  return tx;
}
