import type { Command } from "commander";
import { requireAddress } from "../../crypto/keys.js";
import { apiGet, DEFAULT_NODE } from "../client.js";
import { formatAccount, formatValidators } from "../format/views.js";
import { printResult } from "../output.js";

type QueryOpts = { node: string; json?: boolean };

/** Adds a `query` subcommand that prints the JSON of one route. */
export function addQuery(
  query: Command,
  name: string,
  description: string,
  path: (args: string[], opts: Record<string, string | undefined>) => string,
  extra?: (c: Command) => Command,
  human?: (r: never) => string,
): void {
  let c = query.command(name).description(description);
  if (extra) c = extra(c);
  c.option("--node <url>", "node API URL (else $XAI_NODE, else node of the client config)", DEFAULT_NODE)
    .option("--json", "print one JSON object")
    .action(async (...args: unknown[]) => {
      const cmd = args[args.length - 1] as Command;
      const o = cmd.opts() as QueryOpts & Record<string, string | undefined>;
      const positional = args.slice(0, -2) as string[];
      printResult(await apiGet(o.node, path(positional, o)), o.json === true, human);
    });
}

/** Registers the chain queries (`query status|account|tx|block|validators`); governance adds its own. */
export function registerQuery(program: Command): Command {
  const query = program
    .command("query")
    .description("read from a node (readable tables; --json prints the JSON of its HTTP route)");
  addQuery(query, "status", "chain id, height, head, state root, peers", () => "/status");
  addQuery(
    query,
    "account <address>",
    "balance and nonce",
    ([a]) => `/accounts/${encodeURIComponent(requireAddress(a, "address"))}`,
    undefined,
    formatAccount,
  );
  addQuery(query, "tx <id>", "transaction with receipt", ([id]) => `/tx/${encodeURIComponent(id!)}`);
  addQuery(
    query,
    "block <height>",
    "block at a height (or 'latest')",
    ([h]) => `/blocks/${encodeURIComponent(h!)}`,
  );
  addQuery(
    query,
    "validators",
    "validator set in force and pending changes (SPEC §4.8)",
    () => "/validators",
    undefined,
    formatValidators,
  );
  addQuery(
    query,
    "upgrade",
    "pending upgrade plan (blocks left, estimated time), applied upgrades, upgrade_needed",
    () => "/upgrade",
  );
  return query;
}
