#!/bin/sh
# The A4 liveness property test (SPEC §4.4 "Liveness"), longer than in `npm test`:
# LIVENESS_RUNS random sequences of in-bounds executions (default 200, about 3 s each on one core),
# LIVENESS_SEED=<seed> replays the failure fast-check printed. Extra arguments go to mocha.
set -e
cd "$(dirname "$0")/.."
LIVENESS_RUNS="${LIVENESS_RUNS:-200}" exec npx mocha test/unit/governance/liveness.test.ts "$@"
