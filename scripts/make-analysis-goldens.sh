#!/usr/bin/env bash
# Usage: scripts/make-analysis-goldens.sh SECTION [FIXTURE...]
# Regenerates Fixtures/analysis/<SECTION>/ from Go 1.27.3's `go tool trace` on every
# Fixtures/traces/*.trace. Needs the toolchain of scripts/install-go.sh (GOTRACE_TOOLCHAINS).
#
# Sections:
#   pprof   `go tool trace -pprof=TYPE` for TYPE in net sync syscall sched, stored as a canonical
#           text form of `go tool pprof -raw` (see below) in pprof/<fixture>.<type>.txt;
#           with FIXTURE names (e.g. sync-go1.27.3), only those are redone. For the annotations
#           traces also region-restricted profiles, fetched from `go tool trace -http` on 127.0.0.1
#   mmu     internal/trace's MMU (mmu/<fixture>.json) and the trace viewer's counters and GC/STW
#           slices (series/<fixture>.json); see the section below
#   goroutines  internal/trace's Summarizer (goroutine, task and region summaries) and the
#           /goroutines, /usertasks, /userregions aggregates, as JSON, in goroutines/<fixture>.json,
#           printed by scripts/analysis-ref/goroutines/main.go built inside the Go 1.27.3 tree
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${GOTRACE_TOOLCHAINS:-}" ] && [ ! -d "$HOME/.cache/gotrace/toolchains" ] && [ -d /opt/gotrace-toolchains ]; then
  export GOTRACE_TOOLCHAINS=/opt/gotrace-toolchains
fi
GO=$(scripts/goroot.sh 1.27.3)
export TZ=UTC GOTOOLCHAIN=local GOFLAGS=

case "${1:-}" in
pprof)
  # Canonical form of one profile (Go writes samples in map order, so IDs and order vary):
  #   line 1: "# go tool trace -pprof=TYPE FIXTURE (Go 1.27.3)"
  #   then one line per sample, sorted bytewise (LC_ALL=C):
  #     COUNT DELAY_NS[ FRAME[ | FRAME]...]        frames leaf first
  #     FRAME = 0xPC FUNCTION FILE:LINE            (the location's first line, as -raw prints it)
  #   a failing run stores "error: <stderr>" instead of samples.
  out=Fixtures/analysis/pprof
  mkdir -p "$out"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  # canon PROFILE.pb.gz >> DST: the canonical sample lines of a profile.
  canon() {
    "$GO" tool pprof -raw "$1" 2>/dev/null | awk '
        /^Samples:/ { sec = "s"; getline; next }
        /^Locations/ { sec = "l"; next }
        /^Mappings/ { sec = "m"; next }
        sec == "s" && /:/ {
          n++; split($0, parts, ":"); split(parts[1], v, " ")
          head[n] = v[1] " " v[2]; ids[n] = parts[2]; next
        }
        sec == "l" && /^ *[0-9]+: / {
          # "ID: 0xADDR [M=N ]FUNC FILE:LINE:COL s=N" (FUNC and FILE may be empty)
          id = $1; sub(":", "", id)
          rest = $0; sub(/^ *[0-9]+: /, "", rest)
          addr = rest; sub(/ .*/, "", addr); sub(/^[^ ]* /, "", rest)
          sub(/^M=[0-9]+ /, "", rest); sub(/ s=[0-9]+$/, "", rest)
          match(rest, / [^ ]*$/)
          fn = substr(rest, 1, RSTART - 1); fl = substr(rest, RSTART + 1)
          sub(/:[0-9]+$/, "", fl)                  # drop the column
          loc[id] = addr " " fn " " fl
          next
        }
        END {
          for (i = 1; i <= n; i++) {
            line = head[i]; k = split(ids[i], L, " "); sep = " "
            for (j = 1; j <= k; j++) { line = line sep loc[L[j]]; sep = " | " }
            print line
          }
        }' | LC_ALL=C sort
  }
  shift
  if [ $# -gt 0 ]; then
    # Only these fixtures (names without .trace), keeping the other goldens.
    traces=()
    for f in "$@"; do
      if [ -f "Fixtures/traces/$f.trace" ]; then traces+=("Fixtures/traces/$f.trace"); else traces+=("$out/traces/$f.trace"); fi
    done
  else
    rm -f "$out"/*.txt
    # The shared fixtures, and our own traces with blocking inside user regions
    # ($out/program, written by `go run . FILE` with each toolchain).
    traces=(Fixtures/traces/*.trace "$out"/traces/*.trace)
  fi
  for tr in "${traces[@]}"; do
    name=$(basename "$tr" .trace)
    for ty in net sync syscall sched; do
      dst="$out/$name.$ty.txt"
      echo "# go tool trace -pprof=$ty $name.trace (Go 1.27.3)" > "$dst"
      if ! "$GO" tool trace -pprof="$ty" "$tr" > "$tmp/p.pb.gz" 2> "$tmp/err"; then
        echo "error: $(tr '\n' ' ' < "$tmp/err" | sed 's/ *$//')" >> "$dst"
        continue
      fi
      canon "$tmp/p.pb.gz" >> "$dst"
    done
  done
  # Region-restricted profiles exist only in go tool trace's web UI (/regionio, /regionblock,
  # /regionsyscall, /regionsched ?type=T&raw=1): serve each trace with regions on the loopback
  # interface and fetch them. Stored as <fixture>.region-<T>.<type>.txt ("untyped" for T = "",
  # the task regions goroutines inherit from their creator).
  for tr in "${traces[@]}"; do
    name=$(basename "$tr" .trace)
    case "$name" in
    annotations-*) regions=(worker compute setup-inner "") ;;
    regionblock-*) regions=(wait io net spin "") ;;
    *) continue ;;
    esac
    port=$((20000 + RANDOM % 20000))
    BROWSER=true "$GO" tool trace -http="127.0.0.1:$port" "$tr" > "$tmp/server.log" 2>&1 &
    server=$!
    for _ in $(seq 1 600); do
      curl -sf -o /dev/null "http://127.0.0.1:$port/" && break
      sleep 0.1
    done
    for rt in "${regions[@]}"; do
      for ty in net sync syscall sched; do
        case $ty in net) ep=regionio ;; sync) ep=regionblock ;; syscall) ep=regionsyscall ;; sched) ep=regionsched ;; esac
        dst="$out/$name.region-${rt:-untyped}.$ty.txt"
        echo "# go tool trace -http: /$ep?type=$rt&raw=1 $name.trace (Go 1.27.3)" > "$dst"
        if curl -sf -o "$tmp/p.pb.gz" "http://127.0.0.1:$port/$ep?type=$rt&raw=1"; then
          canon "$tmp/p.pb.gz" >> "$dst"
        else
          echo "error: fetch failed" >> "$dst"
        fi
      done
    done
    kill "$server"; wait "$server" 2>/dev/null || true
  done
  echo "wrote $(ls "$out" | wc -l) files to $out"
  ;;
mmu)
  # mmu/<fixture>.json: scripts/analysis-ref/mmu (built in the Go 1.27.3 tree as cmd/gotraceref-mmu)
  #   computes internal/trace's MutatorUtilizationV2 for all 32 flag sets, NewMMUCurve, MMU at
  #   fixed windows, and for the /mmu page's flag sets Examples, MUD and the page's plot.
  # series/<fixture>.json: the "Heap", "Goroutines" and "Threads" counters and the GC / STW slices
  #   of `go tool trace`'s /jsontrace (proc view), fetched from `go tool trace -http`.
  goroot=$("$GO" env GOROOT)
  tmp=$(mktemp -d)
  server=
  trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$tmp"' EXIT
  mkdir -p "$goroot/src/cmd/gotraceref-mmu"
  cp scripts/analysis-ref/mmu/main.go "$goroot/src/cmd/gotraceref-mmu/main.go"
  (cd "$goroot/src" && "$GO" build -o "$tmp/gotraceref-mmu" cmd/gotraceref-mmu)
  mkdir -p Fixtures/analysis/mmu Fixtures/analysis/series
  # Our own traces with blocking inside user regions live with the pprof goldens.
  out=Fixtures/analysis/pprof
  shift
  if [ $# -gt 0 ]; then
    # Only these fixtures (names without .trace), keeping the other goldens.
    traces=()
    for f in "$@"; do
      if [ -f "Fixtures/traces/$f.trace" ]; then traces+=("Fixtures/traces/$f.trace"); else traces+=("$out/traces/$f.trace"); fi
    done
  else
    # The shared fixtures (the tests load MMU and series goldens of these only).
    traces=(Fixtures/traces/*.trace)
  fi
  if [ $# -eq 0 ]; then rm -f Fixtures/analysis/mmu/*.json Fixtures/analysis/series/*.json; fi
  for tr in "${traces[@]}"; do
    name=$(basename "$tr" .trace)
    if ! "$tmp/gotraceref-mmu" mmu "$tr" > "Fixtures/analysis/mmu/$name.json" 2> "$tmp/err"; then
      echo "$name: mmu: $(cat "$tmp/err")" >&2
      rm -f "Fixtures/analysis/mmu/$name.json"
    fi
    # Serve the trace on a free port and fetch the whole proc-oriented timeline.
    "$GO" tool trace -http=127.0.0.1:0 "$tr" > "$tmp/log" 2>&1 &
    server=$!
    url=
    for _ in $(seq 1 600); do
      url=$(grep -o 'listening on http://[0-9.:]*' "$tmp/log" | sed 's/listening on //' || true)
      [ -n "$url" ] && break
      kill -0 "$server" 2>/dev/null || break
      sleep 0.1
    done
    if [ -n "$url" ] && curl -sf "$url/jsontrace" -o "$tmp/view.json"; then
      "$tmp/gotraceref-mmu" series "$tmp/view.json" > "Fixtures/analysis/series/$name.json" ||
        rm -f "Fixtures/analysis/series/$name.json"
    else
      echo "$name: series: go tool trace did not serve: $(cat "$tmp/log")" >&2
    fi
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=
  done
  rm -rf "$goroot/src/cmd/gotraceref-mmu"
  echo "wrote $(ls Fixtures/analysis/mmu | wc -l) mmu and $(ls Fixtures/analysis/series | wc -l) series goldens"
  ;;
goroutines)
  # The harness imports internal/trace, so it is built as cmd/gotraceref-goroutines in GOROOT.
  goroot=$("$GO" env GOROOT)
  mkdir -p "$goroot/src/cmd/gotraceref-goroutines"
  cp scripts/analysis-ref/goroutines/main.go "$goroot/src/cmd/gotraceref-goroutines/main.go"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$goroot/src" && "$GO" build -o "$tmp/ref" cmd/gotraceref-goroutines)
  out=Fixtures/analysis/goroutines
  mkdir -p "$out"
  fail=0
  shift
  if [ $# -gt 0 ]; then
    # Only these fixtures (names without .trace), keeping the other goldens.
    traces=()
    for f in "$@"; do
      traces+=("Fixtures/traces/$f.trace")
    done
  else
    rm -f "$out"/*.json "$out"/*.stderr
    traces=(Fixtures/traces/*.trace)
  fi
  for tr in "${traces[@]}"; do
    name=$(basename "$tr" .trace)
    if ! "$tmp/ref" "$tr" > "$out/$name.json" 2> "$tmp/err"; then
      echo "$name: $(cat "$tmp/err")" >&2
      cp "$tmp/err" "$out/$name.stderr"
      rm -f "$out/$name.json"
      fail=1
    fi
  done
  echo "wrote $(ls "$out"/*.json | wc -l) files to $out"
  exit "$fail"
  ;;
*)
  echo "usage: $0 pprof|mmu|goroutines" >&2
  exit 2
  ;;
esac
