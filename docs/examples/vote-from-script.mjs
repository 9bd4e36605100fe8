// Submit a proposal and vote on it from a script, with the client library `xai-gov/client`.
//
//   npm install && npx tsc -p .          # builds dist/ (the package's exports point there)
//   XAI_NODE=http://127.0.0.1:8545 XAI_CHAIN_ID=xai-devnet-1 node docs/examples/vote-from-script.mjs
//
// It signs with dev key 0 (a dev chain only: its secret is public) unless XAI_KEY_FILE names a
// plain key file (`xai-gov keys new --out FILE`). It prints one JSON line per step.
import { devKey, loadKeyFile, XaiClient } from "xai-gov/client";

const client = new XaiClient({
  node: process.env.XAI_NODE ?? "http://127.0.0.1:8545",
  // The chain the script signs for: a node on another chain is refused before anything is signed.
  chainId: process.env.XAI_CHAIN_ID ?? "xai-devnet-1",
});
const key = process.env.XAI_KEY_FILE ? loadKeyFile(process.env.XAI_KEY_FILE) : devKey(0);

const status = await client.status();
console.log(JSON.stringify({ step: "status", chain_id: status.chain_id, address: key.address }));

// The deposit a proposal must lock: the proposal_deposit rule, from GET /governance/params.
const params = await client.params();
const deposit = BigInt(params.rules.find((r) => r.name === "proposal_deposit").value);

// 1. Submit a proposal to change a parameter, and wait until a block includes it.
const submitted = await client.send(
  key,
  {
    type: "SUBMIT_PROPOSAL",
    title: "Raise the block reward",
    description: "Submitted from docs/examples/vote-from-script.mjs",
    deposit,
    action: { kind: "protocol_parameter", name: "block_reward", value: "2000000000" },
  },
  { wait: true, timeoutMs: 30_000 },
);
const proposalId = submitted.receipt.proposal_id;
console.log(
  JSON.stringify({ step: "proposal", tx_id: submitted.receipt.tx_id, result: submitted.receipt.result, proposal_id: proposalId }),
);

// 2. Vote yes on it, and wait for inclusion.
const voted = await client.send(
  key,
  { type: "CAST_VOTE", proposalId, option: "yes" },
  { wait: true, timeoutMs: 30_000 },
);
console.log(JSON.stringify({ step: "vote", tx_id: voted.receipt.tx_id, result: voted.receipt.result }));

// 3. Read the proposal back: its status and tally.
const proposal = await client.proposal(proposalId);
console.log(JSON.stringify({ step: "tally", status: proposal.status, yes: proposal.tally.yes }));
