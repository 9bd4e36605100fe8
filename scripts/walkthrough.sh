#!/usr/bin/env bash
# The README's governance walk-through, driven only through the CLI against a running dev node:
# a protocol_parameter change of block_reward from submission to execution, then a rollback.
# Usage: scripts/walkthrough.sh [NODE_URL [CHAIN_ID]]   (start the node first: npm start)
# Every transaction is pinned to CHAIN_ID (default xai-devnet-1, the dev chain of `npm start`).
set -euo pipefail
NODE=${1:-http://127.0.0.1:8545}
CHAIN_ID=${2:-xai-devnet-1}
CLI="node $(dirname "$0")/../bin/xai-gov.js"
tx() { $CLI tx "$@" --chain-id "$CHAIN_ID"; }
q() { $CLI query "$@" --node "$NODE" --json; }
field() { node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s)$1))"; }
status_of() { q proposal "$1" | field .status; }
wait_status() { # proposal, wanted status
  until [ "$(status_of "$1")" = "$2" ]; do sleep 1; done
  echo "  proposal $1 is $2 at height $(q status | field .height)"
}
run_lifecycle() { # kind, payload, title → executes the proposal, prints its id on fd 3
  local pid
  pid=$(tx submit-proposal --kind "$1" --payload "$2" --title "$3" --key dev:0 --node "$NODE" --wait --json | field .proposal_id)
  echo "submitted $1 proposal $pid"
  for n in 0 1 2 3 4; do tx vote --proposal "$pid" --option yes --key dev:$n --node "$NODE" --json >/dev/null; done
  echo "  5 yes votes sent"
  wait_status "$pid" code_review
  for n in 5 6; do tx review --proposal "$pid" --approve --comment "reviewed" --key dev:$n --node "$NODE" --json >/dev/null; done
  wait_status "$pid" implementation_vote
  for n in 0 1 2; do tx implementation-vote --proposal "$pid" --approve --key dev:$n --node "$NODE" --json >/dev/null; done
  wait_status "$pid" queued
  local eta
  eta=$(q proposal "$pid" | field .eta)
  echo "  eta $eta"
  until [ "$(q status | field .height)" -ge "$((eta - 1))" ]; do sleep 1; done
  tx execute --proposal "$pid" --key dev:9 --node "$NODE" --wait --json
  wait_status "$pid" executed
  LAST=$pid
}
reward() { q params | field ".params.find(p=>p.name==='block_reward').value"; }

echo "block_reward now: $(reward)"
run_lifecycle protocol_parameter '{"name":"block_reward","value":"2000000000"}' "Raise the block reward to 20 XAI"
CHANGE=$LAST
echo "block_reward after execution: $(reward)"
run_lifecycle rollback "{\"target\":\"$CHANGE\"}" "Roll back the block reward change"
echo "block_reward after rollback: $(reward)"
echo "status of the change: $(status_of "$CHANGE")"
q history | field ".entries.slice(0,2).map(e=>e.event+' '+e.proposal_id)"
