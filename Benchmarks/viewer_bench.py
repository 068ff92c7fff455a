#!/usr/bin/env python3
"""Benchmark of the web viewer against go tool trace (not a test; see Benchmarks/README.md).

For each trace: start `gotrace --no-browser -http=127.0.0.1:0 TRACE` and measure
  - ready: process start until the server listens (the trace is loaded),
  - first paint: process start until headless Chromium has drawn the whole-trace timeline
    with its data (window.gotrace.timeline.fetched > 0),
  - request latency: every timeline API call of a session (whole trace, zoomed 10x, 1000x,
    100 µs, flows, goroutine groups, a slice's details, the focused-goroutine rows, a selection)
    five times each, worst and median (curl-like wall time on loopback),
  - resident memory after the requests and peak (VmRSS, VmHWM of /proc/PID/status);
and for traces up to --go-max MB start `go tool trace -http=127.0.0.1:0 TRACE` under
`ulimit -v` and measure ready (until it prints its URL), the first view's /jsontrace fetch, and
peak RSS. Prints a markdown table and writes it to OUT.

Usage: viewer_bench.py GOTRACE GO_TOOL_TRACE_BINARY OUT.md [--go-max MB] TRACE...
(the `trace` tool binary itself, so that its own memory is measured, not the go command's)
"""
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service


def rss(pid):
    vals = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                k, v = line.split(":")
                vals[k] = int(v.split()[0]) / 1024
    return vals.get("VmRSS", 0), vals.get("VmHWM", 0)


def start(cmd, pattern, timeout, preexec=None):
    t0 = time.time()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, preexec_fn=preexec)
    while time.time() - t0 < timeout:
        line = p.stdout.readline()
        if not line:
            if p.poll() is not None:
                return p, None, time.time() - t0
            continue
        m = re.search(pattern, line)
        if m:
            return p, m.group(1).rstrip("/"), time.time() - t0
    return p, None, time.time() - t0


def get(url, timeout=600):
    t = time.time()
    with urllib.request.urlopen(url, timeout=timeout) as r:
        body = r.read()
    return time.time() - t, body


def bench_gotrace(binary, trace, driver):
    t0 = time.time()
    p, base, ready = start([binary, "--no-browser", "-http=127.0.0.1:0", trace], r"listening on (http://\S+)", 900)
    if not base:
        p.kill()
        return {"error": "did not start"}
    driver.get(base + "/timeline")
    end = time.time() + 300
    while time.time() < end and not driver.execute_script(
            "return window.gotrace && window.gotrace.timeline.fetched > 0 && window.gotrace.timeline.drawn > 1"):
        time.sleep(0.02)
    first_paint = time.time() - t0
    info = json.loads(get(base + "/api/info")[1])
    d = info["duration"]
    procs = len(info["procs"])
    tracks = ",".join(["c:goroutines", "c:heap", "c:threads", "c:syscalls", "gc", "stw", "net", "timers", "sys"] +
                      [f"p:{i},w:{i}" for i in range(procs)])
    mid = d // 2
    reqs = {
        "timeline, whole trace": f"/api/timeline?start=0&end={d}&width=1600&tracks={tracks}",
        "timeline, 1/10": f"/api/timeline?start={mid}&end={mid + d // 10}&width=1600&tracks={tracks}",
        "timeline, 1/1000": f"/api/timeline?start={mid}&end={mid + d // 1000}&width=1600&tracks={tracks}",
        "timeline, 100 µs": f"/api/timeline?start={mid}&end={mid + 100000}&width=1600&tracks={tracks}",
        "flows, 1/1000": f"/api/flows?view=proc&start={mid}&end={mid + d // 1000}",
        "goroutine groups": "/api/tracks?view=goroutine",
        "slice details": f"/api/slice?i={info['slices'] // 2}",
        "focused goroutine rows": "/api/tracks?view=goroutine&focus=1",
        "selection, whole trace": f"/api/select?start=0&end={d}",
    }
    lat = {}
    for name, path in reqs.items():
        ts = [get(base + path)[0] for _ in range(5)]
        lat[name] = (max(ts), statistics.median(ts))
    cur, peak = rss(p.pid)
    p.kill()
    p.wait()
    return {"ready": ready, "first_paint": first_paint, "latency": lat, "rss": cur, "peak": peak,
            "events": info["events"], "slices": info["slices"]}


def bench_go(go, trace, vmem_kb):
    def limit():
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (vmem_kb * 1024, vmem_kb * 1024))
    p, base, ready = start([go, "-http=127.0.0.1:0", trace], r"listening on (http://\S+)", 1800, limit)
    peak = 0
    if not base:
        try:
            peak = rss(p.pid)[1]
        except OSError:
            pass
        p.kill()
        p.wait()
        return {"error": f"failed after {ready:.1f} s (ulimit -v {vmem_kb // 1048576} GiB)"}
    # The main page links the (first) view; the viewer page loads /jsontrace with its query.
    _, page = get(base + "/")
    m = re.search(rb'href="/trace\?([^"]*)"', page) or re.search(rb'href="(/trace)"', page)
    q = m.group(1).decode().replace("&amp;", "&") if m and m.group(1) != b"/trace" else ""
    t = time.time()
    try:
        get(base + "/jsontrace?" + q)
        view = time.time() - t
    except Exception as e:
        view = None
    _, peak = rss(p.pid)
    p.kill()
    p.wait()
    return {"ready": ready, "view": view, "peak": peak, "query": q}


def main():
    args = sys.argv[1:]
    gomax = 200
    if "--go-max" in args:
        i = args.index("--go-max")
        gomax = int(args[i + 1])
        del args[i:i + 2]
    binary, go, out, traces = args[0], args[1], args[2], args[3:]
    vmem_kb = int(os.environ.get("GOTRACE_BENCH_VMEM_KB", str(16 << 20)))
    o = Options()
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1600,1000"]:
        o.add_argument(a)
    if os.path.exists("/usr/bin/chromium"):
        o.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(options=o, service=Service("/usr/bin/chromedriver") if os.path.exists("/usr/bin/chromedriver") else Service())
    rows = []
    try:
        for tr in traces:
            mb = os.path.getsize(tr) / 1e6
            print(f"bench-viewer: {tr} ({mb:.0f} MB): gotrace", file=sys.stderr, flush=True)
            g = bench_gotrace(binary, tr, driver)
            ref = None
            if mb <= gomax:
                print(f"bench-viewer: {tr}: go tool trace", file=sys.stderr, flush=True)
                ref = bench_go(go, tr, vmem_kb)
            rows.append((tr, mb, g, ref))
    finally:
        driver.quit()
    lines = ["| trace | events | slices | gotrace ready | gotrace first paint | gotrace RSS (peak) | go tool trace ready | go tool trace first view JSON | go tool trace peak RSS |",
             "|---|---|---|---|---|---|---|---|---|"]
    for tr, mb, g, ref in rows:
        if "error" in g:
            lines.append(f"| {mb:.0f} MB | | | {g['error']} | | | | | |")
            continue
        if ref is None:
            r = ("not run", "", "")
        elif "error" in ref:
            r = (ref["error"], "", "")
        else:
            r = (f"{ref['ready']:.1f} s", f"{ref['view']:.1f} s" if ref["view"] is not None else "failed", f"{ref['peak']:.0f} MiB")
        lines.append(f"| {mb:.0f} MB | {g['events']:,} | {g['slices']:,} | {g['ready']:.1f} s | {g['first_paint']:.1f} s | "
                     f"{g['rss']:.0f} MiB ({g['peak']:.0f}) | {r[0]} | {r[1]} | {r[2]} |")
    lines.append("")
    lines.append("| request (worst / median of 5, ms) | " + " | ".join(f"{mb:.0f} MB" for _, mb, _, _ in rows) + " |")
    lines.append("|---|" + "---|" * len(rows))
    names = next((list(g["latency"]) for _, _, g, _ in rows if "latency" in g), [])
    for n in names:
        cells = []
        for _, _, g, _ in rows:
            w, m = g.get("latency", {}).get(n, (float("nan"), float("nan")))
            cells.append(f"{w * 1000:.1f} / {m * 1000:.1f}")
        lines.append(f"| {n} | " + " | ".join(cells) + " |")
    text = "\n".join(lines) + "\n"
    print(text)
    with open(out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
