#!/usr/bin/env bash
# Usage: scripts/fuzz.sh [SECONDS]        build the libFuzzer target and fuzz for SECONDS (default 600)
#        scripts/fuzz.sh --seeds          build, then run every seed input once and stop
#        scripts/fuzz.sh --build          only build
#
# The fuzz target (Fuzz/, a separate SwiftPM package depending on this one by path) drives
# TraceReader + ParsedFormatter, Trace.load (+ TraceSummary) and WireDump over each input; any
# crash, trap, sanitizer report or hang (-timeout) is a bug.
#
# Corpus (Fuzz/corpus/, never committed):
#   Fuzz/corpus/seeds  rebuilt on every run: Fixtures/traces/*, Go's own FuzzReader corpus
#                      (decoded by Fuzz/decode_go_corpus.py) and Fuzz/regressions/*;
#   Fuzz/corpus/work   inputs libFuzzer found; kept between runs (FUZZ_FRESH=1 clears it).
# Crashes/timeouts go to Fuzz/artifacts/, libFuzzer's log to Fuzz/fuzz-0.log (both ignored by git);
# minimize one with  Fuzz/.build-fuzz/release/GoTraceFuzz -minimize_crash=1 -runs=10000 FILE
# and add it to Fuzz/regressions/ (Tests/GoTraceTests/FuzzRegressionTests.swift replays them).
#
# Environment: GOROOT (Go toolchain whose src/internal/trace/testdata/fuzz/FuzzReader is used),
# FUZZ_FRESH=1, FUZZ_ARGS (extra libFuzzer flags).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
fuzz="$repo/Fuzz"
bin="$fuzz/.build-fuzz/release/GoTraceFuzz"
mode=run
secs=600
case "${1:-}" in
  --seeds) mode=seeds ;;
  --build) mode=build ;;
  "") ;;
  *[!0-9]*) echo "usage: $0 [SECONDS|--seeds|--build]" >&2; exit 2 ;;
  *) secs=$1 ;;
esac

# --- build ---------------------------------------------------------------------------------------
# SwiftPM links executables with --defsym main=GoTraceFuzz_main; the target defines that symbol
# and calls LLVMFuzzerRunDriver (see Fuzz/Sources/GoTraceFuzz/FuzzTarget.swift). -parse-as-library
# keeps the compiler from emitting a main of its own.
echo "== building $bin"
built=0
for attempt in 1 2 3; do  # retried: sources edited mid-build make SwiftPM fail once
  if (cd "$fuzz" && swift build -c release \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
        --scratch-path .build-fuzz > "$fuzz/build.log" 2>&1); then
    built=1
    break
  fi
  grep -q "modified during the build" "$fuzz/build.log" || break
  echo "   (sources changed during the build; retrying)"
done
grep -v "Cannot export local symbol '__asan_extra_spill_area'" "$fuzz/build.log" | tail -5
[ "$built" = 1 ] && [ -x "$bin" ] || { echo "fuzz.sh: build failed (Fuzz/build.log)" >&2; exit 1; }
[ "$mode" = build ] && exit 0

# --- corpus --------------------------------------------------------------------------------------
seeds="$fuzz/corpus/seeds"
work="$fuzz/corpus/work"
rm -rf "$seeds"
mkdir -p "$seeds" "$work" "$fuzz/artifacts"
[ "${FUZZ_FRESH:-0}" = 1 ] && rm -rf "${work:?}"/* 
n=0
for f in "$repo"/Fixtures/traces/* "$fuzz"/regressions/*; do
  [ -f "$f" ] || continue
  cp "$f" "$seeds/"
  n=$((n + 1))
done
echo "== $n seeds from Fixtures/traces and Fuzz/regressions"
gocorpus=""
for root in "${GOROOT:-}" \
            /opt/gotrace-toolchains/go-1.27.3/lib/python3.11/site-packages/go \
            "${GOTRACE_TOOLCHAINS:-$HOME/.cache/gotrace/toolchains}"/go-1.27.3/lib/python3*/site-packages/go \
            "$(go env GOROOT 2>/dev/null || true)"; do
  if [ -n "$root" ] && [ -d "$root/src/internal/trace/testdata/fuzz/FuzzReader" ]; then
    gocorpus="$root/src/internal/trace/testdata/fuzz/FuzzReader"
    break
  fi
done
if [ -n "$gocorpus" ]; then
  python3 "$fuzz/decode_go_corpus.py" "$seeds" "$gocorpus"/*
else
  echo "fuzz.sh: warning: Go's FuzzReader corpus not found (set GOROOT); using fixtures only" >&2
fi

# --- seed check: every seed must pass on its own ---------------------------------------------------
echo "== running every seed once"
mapfile -t seedfiles < <(find "$seeds" -type f | sort)
(cd "$fuzz" && ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" "$bin" -timeout=10 -rss_limit_mb=4096 \
   -artifact_prefix="$fuzz/artifacts/" "${seedfiles[@]}" > "$fuzz/seeds.log" 2>&1) || {
  tail -40 "$fuzz/seeds.log"; echo "fuzz.sh: a seed failed (full log: Fuzz/seeds.log)" >&2; exit 1; }
echo "== all ${#seedfiles[@]} seeds pass"
[ "$mode" = seeds ] && exit 0

# --- campaign --------------------------------------------------------------------------------------
echo "== fuzzing for ${secs}s (log: Fuzz/fuzz-0.log)"
cd "$fuzz"
status=0
ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" "$bin" "$work" "$seeds" \
  -max_len=262144 -timeout=10 -rss_limit_mb=4096 -jobs=1 \
  -max_total_time="$secs" -print_final_stats=1 \
  -artifact_prefix="$fuzz/artifacts/" ${FUZZ_ARGS:-} || status=$?
tail -25 "$fuzz/fuzz-0.log" 2>/dev/null || true
ls "$fuzz/artifacts" 2>/dev/null | sed 's/^/artifact: /'
exit $status
