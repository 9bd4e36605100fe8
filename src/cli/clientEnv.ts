/**
 * The client's environment and config file for `--node` and `--json` (SPEC §6; review: "no env
 * var for the node URL"). Precedence for each: flag > environment > config file > default.
 *
 * - node: `--node URL` > `$XAI_NODE` > `node` of the client config > http://127.0.0.1:8545
 * - output: `--json` > `output` of the client config (`json` | `text`) > text
 * - chain id: `--chain-id` > `$XAI_CHAIN_ID` > `chain_id` of the client config (pin.ts)
 */
import type { Command } from "commander";
import { DEFAULT_NODE } from "../client/http.js";
import { xaiError } from "../errors.js";
import { NodeErrorCode } from "../node/errors.js";
import { type ClientConfig, loadClientConfig } from "./pin.js";

/** The node URL when `--node` is not given. */
export function defaultNode(config: ClientConfig = loadClientConfig()): string {
  const env = process.env.XAI_NODE;
  if (env) {
    if (!URL.canParse(env))
      throw xaiError(NodeErrorCode.BAD_OPTION, `XAI_NODE ${JSON.stringify(env)} is not a URL`);
    return env;
  }
  return config.node ?? DEFAULT_NODE;
}

/**
 * Before each command runs: a `--node` left at its default takes XAI_NODE or the config's node; a
 * `--json` not given takes the config's `output`. The config file is read only by commands that
 * have one of those options.
 */
export function applyClientEnv(program: Command): void {
  program.hook("preAction", (_root, cmd) => {
    const names = cmd.options.map((o) => o.attributeName());
    const hasNode = names.includes("node") && cmd.getOptionValueSource("node") === "default";
    const hasJson = names.includes("json") && cmd.getOptionValueSource("json") === undefined;
    if (!hasNode && !hasJson) return;
    const config = loadClientConfig();
    if (hasNode) cmd.setOptionValueWithSource("node", defaultNode(config), "env");
    if (hasJson && config.output === "json") cmd.setOptionValueWithSource("json", true, "config");
  });
}
