#!/usr/bin/env bash
# Usage: scripts/check-pprof.sh [FIXTURE...]
# Checks that `go tool pprof -top` (Go 1.27.3) reads every profile gotrace writes: each of
# net, sync, syscall, sched and cpu for every Fixtures/traces/*.trace (or the named fixtures),
# through `gotrace pprof TYPE TRACE -o FILE`, plus go tool trace's spelling
# `gotrace -pprof=TYPE TRACE` (stdout) and region-restricted profiles for the traces with regions
# (Fixtures/analysis/pprof/traces too).
# GOTRACE=path/to/gotrace skips the build (default: swift build --scratch-path .build-pprof).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${GOTRACE_TOOLCHAINS:-}" ] && [ ! -d "$HOME/.cache/gotrace/toolchains" ] && [ -d /opt/gotrace-toolchains ]; then
  export GOTRACE_TOOLCHAINS=/opt/gotrace-toolchains
fi
GO=$(scripts/goroot.sh 1.27.3)
export GOTOOLCHAIN=local GOFLAGS=

bin=${GOTRACE:-}
if [ -z "$bin" ]; then
  swift build --scratch-path .build-pprof --product gotrace >&2
  bin=.build-pprof/debug/gotrace
fi

if [ $# -gt 0 ]; then
  traces=()
  for f in "$@"; do
    if [ -f "Fixtures/traces/$f.trace" ]; then traces+=("Fixtures/traces/$f.trace"); else traces+=("Fixtures/analysis/pprof/traces/$f.trace"); fi
  done
else
  traces=(Fixtures/traces/*.trace Fixtures/analysis/pprof/traces/*.trace)
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok=0; bad=0
check() { # LABEL FILE
  if "$GO" tool pprof -top "$2" > "$tmp/top" 2>&1 && grep -q '^ *flat ' "$tmp/top"; then
    ok=$((ok + 1))
  else
    bad=$((bad + 1)); echo "FAIL: $1"; sed 's/^/    /' "$tmp/top" | head -5
  fi
}
for tr in "${traces[@]}"; do
  name=$(basename "$tr" .trace)
  for ty in net sync syscall sched cpu; do
    if "$bin" pprof "$ty" "$tr" -o "$tmp/p.pb.gz" 2> "$tmp/err"; then
      check "$name $ty" "$tmp/p.pb.gz"
    else
      bad=$((bad + 1)); echo "FAIL: $name $ty: gotrace: $(cat "$tmp/err")"
    fi
  done
  if "$bin" -pprof=sched "$tr" > "$tmp/s.pb.gz" 2> "$tmp/err"; then
    check "$name -pprof=sched (stdout)" "$tmp/s.pb.gz"
  else
    bad=$((bad + 1)); echo "FAIL: $name -pprof=sched: $(cat "$tmp/err")"
  fi
  region=
  case "$name" in annotations-*) region=worker ;; regionblock-*) region=wait ;; esac
  if [ -n "$region" ]; then
    for ty in sync sched cpu; do
      if "$bin" pprof "$ty" "$tr" --region "$region" -o "$tmp/r.pb.gz" 2> "$tmp/err"; then
        check "$name $ty --region" "$tmp/r.pb.gz"
      else
        bad=$((bad + 1)); echo "FAIL: $name $ty --region: $(cat "$tmp/err")"
      fi
    done
  fi
done
echo "$ok passed, $bad failed"
[ "$bad" -eq 0 ]
