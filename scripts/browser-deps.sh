#!/usr/bin/env bash
# Installs what the browser tests and the viewer benchmark need, when missing: Debian's chromium,
# chromium-driver and firefox-esr, and PyPI's selenium and marionette_driver (Firefox is driven
# over Marionette directly: Debian has no geckodriver) in a venv. Prints the venv's python.
set -euo pipefail
VENV="${GOTRACE_E2E_VENV:-$HOME/.cache/gotrace/e2e-venv}"
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! command -v firefox-esr >/dev/null; then
  echo "installing chromium, chromium-driver and firefox-esr" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver firefox-esr >&2
fi
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import selenium, marionette_driver' 2>/dev/null; then
  echo "installing selenium and marionette_driver into $VENV" >&2
  python3 -m venv "$VENV" >&2
  "$VENV/bin/pip" install -q selenium marionette_driver >&2
fi
echo "$VENV/bin/python"
