#!/usr/bin/env bash
# Usage: scripts/goroot.sh VERSION
# Prints the path of the `go` binary for a Go toolchain installed by
# scripts/install-go.sh, and exits non-zero if it is not installed.
#   1.19    -> /usr/lib/go-1.19/bin/go (Debian's golang-1.19-go)
#   other   -> ${GOTRACE_TOOLCHAINS:-$HOME/.cache/gotrace/toolchains}/go-VERSION/bin/go
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 VERSION" >&2
  exit 2
fi
ver=$1
if [ "$ver" = "1.19" ]; then
  go=/usr/lib/go-1.19/bin/go
else
  go="${GOTRACE_TOOLCHAINS:-$HOME/.cache/gotrace/toolchains}/go-$ver/bin/go"
fi
if [ ! -x "$go" ]; then
  echo "goroot.sh: Go $ver is not installed (expected $go); run scripts/install-go.sh $ver" >&2
  exit 1
fi
echo "$go"
