#!/usr/bin/env bash
# End-to-end test of the web viewer in real headless browsers. Installs Debian's chromium,
# chromium-driver and firefox-esr and PyPI's selenium and marionette_driver (in a venv) when
# missing (scripts/browser-deps.sh), builds gotrace, runs scripts/e2e/viewer_e2e.py on fixture
# traces of several Go versions in Chromium (the timeline, then every analysis page), then
# scripts/e2e/firefox_smoke.py in Firefox (timeline, a slice, every page). Screenshots of every
# step go to $GOTRACE_E2E_ARTIFACTS (default .build/e2e-artifacts; not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
ART="${GOTRACE_E2E_ARTIFACTS:-$PWD/.build/e2e-artifacts}"

PY="$(bash scripts/browser-deps.sh)"
swift build --product gotrace
BIN="$(swift build --show-bin-path)/gotrace"
rm -rf "$ART"
# Keep selenium from looking for drivers online.
export SE_OFFLINE=true
"$PY" scripts/e2e/viewer_e2e.py "$BIN" "$ART" \
  Fixtures/traces/chains-go1.27.3.trace \
  Fixtures/traces/gc-go1.24.11.trace \
  Fixtures/traces/annotations-go1.22.10.trace \
  Fixtures/traces/cpuprofile-go1.25.5.trace \
  Fixtures/traces/net-go1.21.13.trace \
  Fixtures/traces/sync-go1.19.trace \
  Fixtures/traces/timers-go1.27.3-truncated.trace \
  pages:Fixtures/traces/annotations-go1.27.3.trace \
  pages:Fixtures/traces/gc-go1.21.13.trace \
  pages:Fixtures/traces/cpuprofile-go1.25.5.trace \
  pages:Fixtures/traces/sync-go1.19.trace \
  pages:Fixtures/traces/annotations-go1.22.10.trace
"$PY" scripts/e2e/firefox_smoke.py "$BIN" "$ART" \
  Fixtures/traces/gc-go1.27.3.trace \
  Fixtures/traces/annotations-go1.19.trace \
  Fixtures/traces/cpuprofile-go1.22.10.trace
