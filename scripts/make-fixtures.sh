#!/usr/bin/env bash
# Usage: scripts/make-fixtures.sh
# Regenerates Fixtures/traces/ and Fixtures/golden/ from scratch:
#   1. for each toolchain in $VERSIONS, builds Fixtures/programs/scenarios and
#      runs every scenario that toolchain supports (`-list`), plus the
#      `go test -trace` fixture from Fixtures/programs/gotest, writing
#      Fixtures/traces/<scenario>-go<ver>.trace;
#   2. makes truncated copies of two multi-generation v2 traces
#      (<name>-truncated.trace);
#   3. writes goldens with Go $GOLDEN_VERSION's `go tool trace -d=MODE` under
#      TZ=UTC: <name>.parsed for every trace, plus <name>.wire and
#      <name>.footprint for v2 traces (Go >= 1.22). When a run exits non-zero
#      or writes to stderr, <name>.<mode>.stderr and <name>.<mode>.exit are
#      kept too.
# Toolchains are installed (idempotently) with scripts/install-go.sh; set
# GOTRACE_TOOLCHAINS to use an existing toolchain directory.
# GOTRACE_FIXTURE_ONLY="SCENARIO..." adds or redoes only those scenarios' traces
# and goldens (for every toolchain), keeping every other file.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
fx="$repo/Fixtures"
scripts="$repo/scripts"
VERSIONS="${GOTRACE_FIXTURE_VERSIONS:-1.19 1.21.13 1.22.10 1.23.9 1.24.11 1.25.5 1.26.6 1.27.3}"
GOLDEN_VERSION=1.27.3
# Traces to truncate in the middle of their last generation: one 1.22-1.25,
# one 1.26+. The timers scenario traces for ~2.5 s, so it spans >= 2
# generations.
TRUNCATE="${GOTRACE_TRUNCATE:-timers-go1.23.9 timers-go1.27.3}"
# Goldens are ~40x the size of their trace, so keep traces small.
MAX_TRACE_BYTES="${GOTRACE_MAX_TRACE_BYTES:-150000}"
ONLY="${GOTRACE_FIXTURE_ONLY:-}"
wanted() { [ -z "$ONLY" ] || [[ " $ONLY " == *" $1 "* ]]; }

export GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-trimpath CGO_ENABLED=0
export GO111MODULE=on GOWORK=off GOENV=off TZ=UTC
unset GOROOT GOPATH GOARCH GOOS GODEBUG GOEXPERIMENT 2>/dev/null || true

# shellcheck disable=SC2086
"$scripts/install-go.sh" $VERSIONS $GOLDEN_VERSION >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -z "$ONLY" ]; then rm -rf "$fx/traces" "$fx/golden"; fi
mkdir -p "$fx/traces" "$fx/golden"

problems=()  # failures: reported at the end, and make the script exit 1
skipped=()   # scenario/toolchain pairs that a toolchain does not support

# ---------------------------------------------------------------- traces
for ver in $VERSIONS; do
  go=$("$scripts/goroot.sh" "$ver")
  # go.mod's go line follows the toolchain so GODEBUG defaults are the
  # toolchain's own (e.g. Go 1.23 timers). Go < 1.21 wants a two-part version.
  case "$ver" in
    1.19*|1.20*) modver=$(echo "$ver" | cut -d. -f1,2) ;;
    *) modver=$ver ;;
  esac

  src="$work/scenarios-$ver"
  cp -r "$fx/programs/scenarios" "$src"
  (cd "$src" && "$go" mod edit -go="$modver")
  bin="$work/fixture-$ver"
  echo "== go $ver: building scenarios"
  if ! (cd "$src" && "$go" build -o "$bin" .); then
    problems+=("build of scenarios failed with go $ver")
    continue
  fi
  supported=$("$bin" -list)
  case " $(echo "$supported" | tr '\n' ' ') " in
    *" flightrecorder "*) ;;
    *) skipped+=("flightrecorder-go$ver: runtime/trace.FlightRecorder needs Go 1.25+ (file has //go:build go1.25)") ;;
  esac
  for s in $supported; do
    wanted "$s" || continue
    out="$fx/traces/$s-go$ver.trace"
    echo "   $s"
    # Scheduling noise occasionally blows a trace up (e.g. the background
    # sweeper yielding in a loop under GC pressure): retry oversized ones.
    for attempt in 1 2 3; do
      # The generations scenario wants many generations: one about every 4 ms.
      godebug=""
      [ "$s" = generations ] && godebug=traceadvanceperiod=4000000
      if ! (cd "$work" && GODEBUG=$godebug GOMAXPROCS=2 timeout 120 "$bin" -scenario "$s" -o "$out"); then
        problems+=("scenario $s failed with go $ver")
        rm -f "$out"
        break
      fi
      size=$(wc -c <"$out")
      [ "$size" -le "$MAX_TRACE_BYTES" ] && break
      echo "     $size bytes > $MAX_TRACE_BYTES (attempt $attempt)"
      [ $attempt = 3 ] && problems+=("$s-go$ver.trace is $size bytes, over $MAX_TRACE_BYTES")
    done
  done

  wanted gotest || continue
  echo "   gotest (go test -trace)"
  tsrc="$work/gotest-$ver"
  cp -r "$fx/programs/gotest" "$tsrc"
  (cd "$tsrc" && "$go" mod edit -go="$modver")
  out="$fx/traces/gotest-go$ver.trace"
  if ! (cd "$tsrc" && GOMAXPROCS=2 timeout 300 "$go" test -vet=off -count=1 -trace="$out" -run . . >/dev/null); then
    problems+=("go test -trace failed with go $ver")
    rm -f "$out"
  fi
done

# No machine paths may leak into the traces (everything is built -trimpath).
for f in "$fx"/traces/*.trace; do
  if LC_ALL=C grep -a -q -F -e /opt/ -e /usr/lib/go -e "$work" -e "$repo" -e "$HOME/" "$f"; then
    problems+=("machine path leaked into $(basename "$f")")
  fi
done

# ---------------------------------------------------------------- truncated
# v2 traces are a header followed by batches; batches of one generation are
# contiguous. Cut the file in the middle of the bytes of its last generation.
truncate_trace() {
  python3 - "$1" "$2" <<'PY'
import sys

src, dst = sys.argv[1], sys.argv[2]
data = open(src, "rb").read()
EV_EVENT_BATCH, EV_EXPERIMENTAL_BATCH, EV_END_OF_GENERATION = 1, 49, 52
minor = int(data[:16].rstrip(b"\0").split()[1].split(b".")[1])

def uvarint(pos):
    x = shift = 0
    while True:
        b = data[pos]; pos += 1
        x |= (b & 0x7F) << shift
        if b < 0x80:
            return x, pos
        shift += 7

pos, gens, gen = 16, [], None  # gens: (offset, generation) per batch
while pos < len(data):
    start, typ = pos, data[pos]
    if typ == EV_END_OF_GENERATION and minor >= 26:
        pos += 1
        continue
    if typ not in (EV_EVENT_BATCH, EV_EXPERIMENTAL_BATCH):
        sys.exit(f"{src}: unexpected batch type {typ} at offset {pos}")
    pos += 2 if typ == EV_EXPERIMENTAL_BATCH else 1
    gen, pos = uvarint(pos)
    _, pos = uvarint(pos)      # M
    _, pos = uvarint(pos)      # timestamp
    size, pos = uvarint(pos)
    pos += size
    gens.append((start, gen))
last = max(g for _, g in gens)
ngens = len({g for _, g in gens})
if ngens < 2:
    sys.exit(f"{src}: only {ngens} generation(s); need >= 2 to truncate")
first_of_last = min(off for off, g in gens if g == last)
cut = first_of_last + (len(data) - first_of_last) // 2
open(dst, "wb").write(data[:cut])
print(f"   {src.rsplit('/', 1)[-1]}: {ngens} generations, last starts at {first_of_last}, cut at {cut} of {len(data)}")
PY
}

echo "== truncated traces"
for name in $TRUNCATE; do
  wanted "${name%-go*}" || continue
  src="$fx/traces/$name.trace"
  if [ ! -f "$src" ]; then
    problems+=("cannot truncate $name: trace missing")
    continue
  fi
  if ! truncate_trace "$src" "$fx/traces/$name-truncated.trace"; then
    problems+=("cannot truncate $name")
  fi
done

# ---------------------------------------------------------------- goldens
golden_go=$("$scripts/goroot.sh" "$GOLDEN_VERSION")
tracetool=$("$golden_go" tool -n trace 2>/dev/null || true)
if [ -z "$tracetool" ] || [ ! -x "$tracetool" ]; then
  # Older `go tool -n` may not build the tool; fall back to the go command.
  tracetool="$work/trace"
  printf '#!/bin/sh\nexec "%s" tool trace "$@"\n' "$golden_go" >"$tracetool"
  chmod +x "$tracetool"
fi

failed_goldens=()
golden() { # golden TRACEFILE MODE
  local name out rc
  name=$(basename "$1" .trace)
  out="$fx/golden/$name.$2"
  set +e
  (cd "$fx/traces" && TZ=UTC "$tracetool" -d="$2" "$name.trace" >"$out" 2>"$out.stderr")
  rc=$?
  set -e
  if [ $rc -ne 0 ] || [ -s "$out.stderr" ]; then
    echo "$rc" >"$out.exit"
    failed_goldens+=("$name.$2 (exit $rc): $(head -c 300 "$out.stderr")")
  else
    rm -f "$out.stderr"
  fi
}

echo "== goldens (go $GOLDEN_VERSION go tool trace, TZ=UTC)"
for f in "$fx"/traces/*.trace; do
  n=$(basename "$f" .trace)
  n=${n%-truncated}
  wanted "${n%-go*}" || continue
  golden "$f" parsed
  # Header "go 1.N trace": N >= 22 is the v2 format.
  minor=$(head -c 16 "$f" | tr -d '\0' | sed -n 's/^go 1\.\([0-9]*\) trace$/\1/p')
  if [ -n "$minor" ] && [ "$minor" -ge 22 ]; then
    golden "$f" wire
    golden "$f" footprint
  fi
done

# ---------------------------------------------------------------- report
echo
echo "== traces"
(cd "$fx/traces" && ls -l -- *.trace | awk '{printf "%9d  %s\n", $5, $9}')
echo "total traces: $(du -cb "$fx"/traces/*.trace | tail -1 | cut -f1) bytes;" \
  "goldens: $(du -sb "$fx/golden" | cut -f1) bytes"
if [ ${#skipped[@]} -gt 0 ]; then
  echo "== skipped"
  printf '   %s\n' "${skipped[@]}"
fi
if [ ${#failed_goldens[@]} -gt 0 ]; then
  echo "== goldens with non-zero exit or stderr"
  printf '   %s\n' "${failed_goldens[@]}"
fi
if [ ${#problems[@]} -gt 0 ]; then
  echo "== PROBLEMS"
  printf '   %s\n' "${problems[@]}"
  exit 1
fi
