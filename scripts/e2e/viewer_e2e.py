#!/usr/bin/env python3
"""End-to-end test of the web viewer in a real headless Chromium (selenium).

For each fixture trace: start `gotrace --no-browser -http=127.0.0.1:0 TRACE`, open the timeline,
check that it draws (pixels on the canvas, the expected tracks), zoom and pan with the keys,
click a goroutine slice and check its details and stacks against the trace itself
(`gotrace dump`, i.e. go tool trace -d=parsed), follow the incoming flow to the waker, open the
focused-goroutine view, select a range with shift-drag, reload from the URL, and check there are
no console errors. Screenshots of every step go to $GOTRACE_E2E_ARTIFACTS.

Usage: viewer_e2e.py GOTRACE_BINARY ARTIFACT_DIR TRACE... [pages:TRACE...]
(pages:TRACE runs the analysis pages test on TRACE)
"""
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("  FAIL:", msg, flush=True)
    return cond


def wait(driver, js, timeout=20, what=""):
    end = time.time() + timeout
    while time.time() < end:
        v = driver.execute_script(js)
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what or js}")


def api(base, path):
    with urllib.request.urlopen(base + path, timeout=30) as r:
        return json.loads(r.read())


def start_server(binary, trace):
    p = subprocess.Popen([binary, "--no-browser", "-http=127.0.0.1:0", trace],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    start = time.time()
    lines = []
    while time.time() - start < 120:
        line = p.stderr.readline()
        if not line:
            if p.poll() is not None:
                break
            continue
        lines.append(line)
        m = re.search(r"listening on (http://\S+)", line)
        if m:
            return p, m.group(1).rstrip("/")
    p.kill()
    raise AssertionError(f"gotrace did not start: {''.join(lines)}")


def parsed_events(binary, trace):
    """Transition events of the trace, keyed by (time, goroutine): (line, stack frames)."""
    out = subprocess.run([binary, "dump", trace], capture_output=True, text=True).stdout
    events = {}
    cur = None
    for line in out.split("\n"):
        if line and not line.startswith("\t") and not line.startswith("TransitionStack") and not line.startswith("Stack"):
            m = re.search(r"StateTransition Time=(\d+) GoID=(\d+) (\w+)->(\w+)", line)
            cur = None
            if m:
                cur = {"line": line, "frames": []}
                events.setdefault((int(m.group(1)), int(m.group(2))), []).append(cur)
        elif line.startswith("TransitionStack") and cur is not None:
            cur["collect"] = True
            cur["frames"] = []
        elif line.startswith("Stack") and cur is not None:
            cur["collect"] = False
        elif line.startswith("\t\t") and cur is not None and cur.get("collect"):
            cur["frames"][-1]["pos"] = line.strip()
        elif line.startswith("\t") and cur is not None and cur.get("collect"):
            fn = line.strip().rsplit(" @ ", 1)[0]
            cur["frames"].append({"func": fn})
    return events


def canvas_ink(driver):
    return driver.execute_script("""
        const c = document.getElementById('canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 16) if (d[i] < 235 || d[i+1] < 235 || d[i+2] < 235) n++;
        return n;""")


def click_canvas(driver, x, y, shift=False):
    canvas = driver.find_element(By.ID, "canvas")
    rect = driver.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.width, r.height];", canvas)
    # ActionChains offsets are from the element's centre.
    dx, dy = int(x - rect[0] / 2), int(y - rect[1] / 2)
    a = ActionChains(driver).move_to_element_with_offset(canvas, dx, dy)
    a.click().perform()


def shot(driver, art, name):
    driver.save_screenshot(os.path.join(art, name + ".png"))


def run_trace(driver, binary, art, trace):
    name = os.path.basename(trace).removesuffix(".trace")
    print(f"== {name}", flush=True)
    server, base = start_server(binary, trace)
    driver.get_log("browser")  # drop what earlier pages logged
    try:
        info = api(base, "/api/info")
        driver.get(base + "/timeline")
        wait(driver, "return window.gotrace && window.gotrace.ready && window.gotrace.timeline.fetched > 0 && window.gotrace.timeline.idle()", what="first data")
        # Rows laid out before the canvas was first measured (the order varies by browser and
        # load): the scroll position must stay a number and the rows must still get their data.
        y = driver.execute_script("""
            const t = window.gotrace.timeline, h = t.cssH;
            t.cssH = undefined;
            t.setRows(t.rows);
            const y = t.scrollY;
            t.cssH = h;
            t.resize();
            return y;""")
        check(isinstance(y, (int, float)) and y == y, f"{name}: scroll position {y} after laying out rows before a resize")
        wait(driver, "return window.gotrace.timeline.idle() && window.gotrace.timeline.fetched > 0", what="data after an early layout")
        time.sleep(0.2)
        shot(driver, art, f"{name}-1-procs")
        ink = canvas_ink(driver)
        check(ink > 2000, f"{name}: the timeline canvas is nearly blank ({ink} inked samples)")
        rows = driver.execute_script("return window.gotrace.timeline.rows.map(r => r.label)")
        for want in ["Goroutines", "Heap", "Threads", "GC", "STW"] + [f"Proc {p}" for p in info["procs"]]:
            check(want in rows, f"{name}: no track {want!r} in {rows}")

        # Zoom and pan with the keys.
        tl = "window.gotrace.timeline"
        span0 = driver.execute_script(f"return {tl}.t1 - {tl}.t0")
        body = driver.find_element(By.TAG_NAME, "body")
        for _ in range(3):
            body.send_keys("w")
        span1 = driver.execute_script(f"return {tl}.t1 - {tl}.t0")
        check(span1 < span0 * 0.5, f"{name}: W did not zoom in ({span0} -> {span1})")
        t0 = driver.execute_script(f"return {tl}.t0")
        body.send_keys("d")
        check(driver.execute_script(f"return {tl}.t0") > t0, f"{name}: D did not pan right")
        body.send_keys("a")
        body.send_keys("a")
        check(driver.execute_script(f"return {tl}.t0") < t0, f"{name}: A did not pan left")
        body.send_keys("s")
        check(driver.execute_script(f"return {tl}.t1 - {tl}.t0") > span1, f"{name}: S did not zoom out")
        body.send_keys("0")
        wait(driver, f"return {tl}.idle()", what="refetch")
        shot(driver, art, f"{name}-2-keys")

        # Find a slice that was woken by another goroutine and is drawn at least 4 px wide,
        # zooming into it if needed.
        events = parsed_events(binary, trace)
        target = None
        for idx in range(min(info["slices"], 2000)):
            d = api(base, f"/api/slice?i={idx}")
            if d["wake"] and d["wake"].get("slice") and d["endStack"] and d["proc"] >= 0 and d["duration"] > 0:
                target = (f"p:{info['procs'].index(d['proc'])}", d["start"], d["end"], idx)
                break
        if not check(target is not None, f"{name}: no woken slice to click"):
            return
        track, s, e, idx = target
        driver.execute_script(f"{tl}.setWindow({s} - ({e}-{s})*0.5, {e} + ({e}-{s})*0.5)")
        wait(driver, f"return {tl}.idle()", what="zoomed data")
        pos = driver.execute_script(f"return {tl}.spanPosition('{track}', s => s.a === {idx})")
        if not check(pos is not None, f"{name}: slice {idx} not drawn on {track}"):
            return
        click_canvas(driver, pos["x"], pos["y"])
        wait(driver, f"return document.getElementById('detail-title') && window.gotrace.details.current && window.gotrace.details.current.slice === {idx}",
             what="slice details")
        shot(driver, art, f"{name}-3-slice")
        d = api(base, f"/api/slice?i={idx}")
        title = driver.find_element(By.ID, "detail-title").text
        check(title == d["title"], f"{name}: details title {title!r}, API {d['title']!r}")
        check(driver.find_element(By.ID, "detail-duration").get_attribute("data-ns") == str(d["duration"]),
              f"{name}: details duration differs from the API")
        # Against the trace itself: the slice starts at the goroutine's transition to Running and
        # ends at its transition out of Running, whose stack the panel shows as the end stack.
        abs_start, abs_end = info["start"] + d["start"], info["start"] + d["end"]
        starts = [ev for ev in events.get((abs_start, d["goid"]), []) if "->Running" in ev["line"]]
        check(starts, f"{name}: no transition of G{d['goid']} to Running at {abs_start} in the trace")
        ends = [ev for ev in events.get((abs_end, d["goid"]), []) if "Running->" in ev["line"]]
        if check(ends, f"{name}: no transition of G{d['goid']} out of Running at {abs_end} in the trace"):
            want = [f["func"] for f in ends[0]["frames"]]
            got = [li.text.split("\n")[0] for li in driver.find_elements(By.CSS_SELECTOR, "#detail-end-stack li")]
            check(got == want, f"{name}: end stack {got} != the trace's {want}")
            wpos = [f.get("pos") for f in ends[0]["frames"]]
            gpos = [li.find_element(By.CLASS_NAME, "file").text for li in driver.find_elements(By.CSS_SELECTOR, "#detail-end-stack li")]
            check(gpos == wpos, f"{name}: end stack positions {gpos} != {wpos}")

        # Flow arrows on, then follow the incoming flow to the waker's slice.
        body.send_keys("f")
        wait(driver, f"return {tl}.showFlows && {tl}.flowsSeq === {tl}.reqSeq", what="flows")
        nflows = driver.execute_script(f"return {tl}.flows.length")
        check(nflows > 0, f"{name}: no flow arrows in the window")
        shot(driver, art, f"{name}-4-flows")
        waker = d["wake"]["slice"]
        link = driver.find_element(By.CSS_SELECTOR, f"#detail-wake a[data-slice='{waker['slice']}']")
        link.click()
        wait(driver, f"return window.gotrace.details.current && window.gotrace.details.current.slice === {waker['slice']}", what="waker details")
        wd = driver.execute_script("return window.gotrace.details.current")
        check(wd["goid"] == d["wake"]["goid"], f"{name}: followed flow to G{wd['goid']}, waker is G{d['wake']['goid']}")
        check(wd["start"] <= d["wake"]["time"] <= wd["end"], f"{name}: waker slice does not cover the wake-up")
        woke = [w["slice"] for w in wd["woke"]]
        check(idx in woke, f"{name}: the waker's outgoing flows {woke} miss slice {idx}")
        shot(driver, art, f"{name}-5-waker")

        # Arrow keys step through the goroutine's slices.
        body.send_keys(Keys.ARROW_RIGHT)
        if wd["next"]:
            wait(driver, f"return window.gotrace.details.current.slice === {wd['next']['slice']}", what="next slice")

        # Focused goroutine view.
        driver.find_element(By.ID, "detail-focus").click()
        wait(driver, f"return window.gotrace.focus === {d['wake']['goid']} && {tl}.rows.some(r => r.kind === 'g' && r.focus) && {tl}.idle()", what="focus view")
        frows = driver.execute_script(f"return {tl}.rows.filter(r => r.kind === 'g').map(r => r.goid)")
        check(frows and frows[0] == d["wake"]["goid"], f"{name}: focus view rows {frows[:5]} do not start with G{d['wake']['goid']}")
        check(d["goid"] in frows, f"{name}: the goroutine it woke (G{d['goid']}) is not among the related")
        time.sleep(0.2)
        check(canvas_ink(driver) > 1000, f"{name}: focus view draws nothing")
        shot(driver, art, f"{name}-6-focus")

        # Shift-drag selects a range and shows its totals.
        canvas = driver.find_element(By.ID, "canvas")
        w = driver.execute_script("return arguments[0].getBoundingClientRect().width", canvas)
        ActionChains(driver).move_to_element_with_offset(canvas, int(-w / 2 + 260), 0).key_down(Keys.SHIFT).click_and_hold() \
            .move_by_offset(300, 0).release().key_up(Keys.SHIFT).perform()
        wait(driver, "return document.getElementById('selection-title')", what="selection")
        shot(driver, art, f"{name}-7-selection")

        # The URL holds the view: reopening it restores it.
        url = driver.current_url
        check("view=goroutine" in url and "focus=" in url and "sel=" in url, f"{name}: URL does not hold the view: {url}")
        before = driver.execute_script(f"return [{tl}.t0, {tl}.t1]")
        driver.get("about:blank")
        driver.get(url)
        wait(driver, f"return window.gotrace && window.gotrace.ready && {tl}.fetched > 0", what="reload")
        after = driver.execute_script(f"return [{tl}.t0, {tl}.t1, window.gotrace.focus, !!{tl}.selection]")
        check(abs(after[0] - before[0]) <= 1 and abs(after[1] - before[1]) <= 1, f"{name}: reload window {after[:2]} != {before}")
        check(after[2] == d["wake"]["goid"] and after[3], f"{name}: reload lost the focus or selection")

        # Help, thread and goroutine views.
        driver.find_element(By.TAG_NAME, "body").send_keys("?")
        check(driver.find_element(By.ID, "help").is_displayed(), f"{name}: ? did not show the help")
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
        for view, kind in [("thread", "thread"), ("goroutine", "group")]:
            driver.find_element(By.CSS_SELECTOR, f"#views button[data-view='{view}']").click()
            wait(driver, f"return window.gotrace.view === '{view}' && {tl}.rows.some(r => r.kind === '{kind}') && {tl}.idle()", what=view)
            time.sleep(0.2)
            check(canvas_ink(driver) > 1000, f"{name}: {view} view draws nothing")
            shot(driver, art, f"{name}-8-{view}")
        # Expand the first goroutine group by clicking its label.
        grow = driver.execute_script(f"const r = {tl}.rows.find(r => r.kind === 'group'); return r ? [r.y, r.count] : null")
        if check(grow is not None, f"{name}: goroutine view has no groups"):
            n0 = driver.execute_script(f"return {tl}.rows.length")
            click_canvas(driver, 40, 24 + grow[0] + 8 - driver.execute_script(f"return {tl}.scrollY"))
            wait(driver, f"return {tl}.rows.length > {n0}", what="group expanded")
            shot(driver, art, f"{name}-9-group")

        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        errors += driver.execute_script("return window.gotraceErrors || []")
        check(not errors, f"{name}: console errors: {errors}")
    finally:
        driver.get("about:blank")
        server.kill()
        server.wait()


def page_ready(driver, what):
    wait(driver, "return window.gotracePage && window.gotracePage.ready", what=what)
    err = driver.execute_script("return window.gotracePage.error || null")
    check(err is None, f"{what}: page error {err}")


def run_pages(driver, binary, art, trace):
    """Every analysis page: numbers against the API, sorting, the flame graph, histogram
    buckets, MMU toggles, and links into the timeline."""
    name = os.path.basename(trace).removesuffix(".trace")
    print(f"== pages: {name}", flush=True)
    server, base = start_server(binary, trace)
    driver.get_log("browser")
    try:
        info = api(base, "/api/info")
        driver.get(base + "/")
        page_ready(driver, f"{name} home")
        check(driver.find_element(By.ID, "card-events").text.split("\n")[-1].replace(",", "") == str(info["events"]),
              f"{name}: home page events differ from the trace")
        check(driver.find_element(By.ID, "card-gc").text.split("\n")[-1] == str(info["gcCycles"]), f"{name}: home page GC cycles differ")
        shot(driver, art, f"{name}-p1-home")

        # Goroutine groups: the table has every group, and sorts by a clicked column.
        groups = api(base, "/api/goroutine-groups")["groups"]
        driver.get(base + "/goroutines")
        page_ready(driver, f"{name} goroutines")
        rows = driver.find_elements(By.CSS_SELECTOR, "#groups-table tbody tr")
        check(len(rows) == len(groups), f"{name}: {len(rows)} group rows, API {len(groups)}")
        driver.find_element(By.CSS_SELECTOR, "#groups-table th[data-key='count']").click()
        counts = [int(r.find_elements(By.TAG_NAME, "td")[1].text) for r in driver.find_elements(By.CSS_SELECTOR, "#groups-table tbody tr")]
        check(counts == sorted(counts, reverse=True), f"{name}: sorting by count gave {counts[:8]}")
        driver.find_element(By.CSS_SELECTOR, "#groups-table th[data-key='count']").click()
        counts = [int(r.find_elements(By.TAG_NAME, "td")[1].text) for r in driver.find_elements(By.CSS_SELECTOR, "#groups-table tbody tr")]
        check(counts == sorted(counts), f"{name}: sorting by count ascending gave {counts[:8]}")
        shot(driver, art, f"{name}-p2-goroutines")
        top = max(groups, key=lambda g: g["execTime"])
        driver.find_element(By.CSS_SELECTOR, f"#groups-table a[href='/goroutines?group={urllib.parse.quote(top['name'], safe='')}']").click()
        page_ready(driver, f"{name} group")
        members = driver.find_elements(By.CSS_SELECTOR, "#goroutines-table tbody tr")
        check(len(members) == top["count"], f"{name}: group page lists {len(members)} of {top['count']}")
        shot(driver, art, f"{name}-p3-group")
        members[0].find_element(By.CSS_SELECTOR, "a[href^='/goroutine?id=']").click()
        page_ready(driver, f"{name} goroutine")
        gid = int(driver.current_url.split("id=")[1])
        shot(driver, art, f"{name}-p4-goroutine")
        driver.find_element(By.ID, "goroutine-timeline").click()
        wait(driver, f"return window.gotrace && window.gotrace.ready && window.gotrace.focus === {gid} && window.gotrace.timeline.idle()", what="focused timeline from the goroutine page")
        frows = driver.execute_script("return window.gotrace.timeline.rows.filter(r => r.kind === 'g').map(r => r.goid)")
        check(frows and frows[0] == gid, f"{name}: focused timeline rows {frows[:4]} do not start with G{gid}")

        # Profiles: a flame graph that zooms and searches, and a table of functions.
        kind = "cpu" if info["cpuSamples"] else "sched"
        prof = api(base, f"/api/profile?kind={kind}")
        driver.get(base + f"/profile?kind={kind}")
        page_ready(driver, f"{name} profile")
        frames = driver.find_elements(By.CSS_SELECTOR, "#flame div[data-node]")
        check(len(frames) > 1, f"{name}: the {kind} flame graph has {len(frames)} frames")
        if len(frames) > 2:
            target = max(frames[1:], key=lambda f: f.size["width"] if f.get_attribute("data-node") != "0" else 0)
            node = int(target.get_attribute("data-node"))
            target.click()
            wait(driver, f"return window.gotracePage.flameFocus === {node}", what="flame zoom")
            root_w = driver.execute_script(f"const d = document.querySelector('#flame div[data-node=\"{node}\"]'); return d ? d.getBoundingClientRect().width : 0")
            full = driver.execute_script("return document.getElementById('flame').clientWidth")
            check(root_w >= full - 2, f"{name}: zoomed frame is {root_w}px of {full}px")
            shot(driver, art, f"{name}-p5-flame-zoom")
        # Search a function of the zoomed frame's subtree: its frames light up.
        shown = driver.execute_script("return [...document.querySelectorAll('#flame div[data-node]')].map(d => window.gotracePage.flame.names[Number(d.dataset.node)]).filter(n => n !== 'root')")
        if shown:
            driver.find_element(By.ID, "flame-search").send_keys(shown[-1])
            check(len(driver.find_elements(By.CSS_SELECTOR, "#flame div.match")) > 0, f"{name}: searching {shown[-1]!r} highlights nothing")
        top_rows = driver.find_elements(By.CSS_SELECTOR, "#top-table tbody tr")
        check(len(top_rows) == min(len(prof["top"]), 500), f"{name}: functions table has {len(top_rows)} rows")
        href = driver.find_element(By.ID, "pprof-download").get_attribute("href")
        check(href.endswith(f"/pprof?kind={kind}"), f"{name}: pprof link {href}")

        # Tasks: click a histogram bucket, get its tasks, open one in the timeline.
        tasks = api(base, "/api/tasks")["types"]
        if any(t["histogram"] for t in tasks):
            driver.get(base + "/tasks")
            page_ready(driver, f"{name} tasks")
            bar = driver.find_element(By.CSS_SELECTOR, "#task-types .hist div[data-bucket]")
            ttype = bar.find_element(By.XPATH, "./ancestor::td").get_attribute("data-type")
            bucket = int(bar.get_attribute("data-bucket"))
            want = next(h[3] for t in tasks if t["type"] == ttype for h in t["histogram"] if h[0] == bucket)
            bar.click()
            page_ready(driver, f"{name} task bucket")
            listed = driver.find_elements(By.CSS_SELECTOR, "#task-list > tbody > tr")
            check(len(listed) == want, f"{name}: bucket {bucket} of {ttype!r} lists {len(listed)} tasks, histogram says {want}")
            shot(driver, art, f"{name}-p6-tasks")
            if listed:
                link = listed[0].find_element(By.CSS_SELECTOR, "a[href^='/timeline#']")
                task_id = int(link.text)
                link.click()
                wait(driver, f"return window.gotrace && window.gotrace.ready && window.gotrace.task === {task_id} && window.gotrace.timeline.rows.some(r => r.kind === 'task')", what="task timeline")
                shot(driver, art, f"{name}-p7-task-timeline")
        regions = api(base, "/api/regions")["types"]
        if any(t["histogram"] for t in regions):
            driver.get(base + "/regions")
            page_ready(driver, f"{name} regions")
            driver.find_element(By.CSS_SELECTOR, "#region-types .hist div[data-bucket]").click()
            page_ready(driver, f"{name} region bucket")
            check(len(driver.find_elements(By.CSS_SELECTOR, "#region-list > tbody > tr")) > 0, f"{name}: region bucket lists nothing")
            shot(driver, art, f"{name}-p8-regions")

        # MMU: toggles change the flags and redraw; percentiles add lines; a worst window opens the timeline.
        driver.get(base + "/mmu")
        page_ready(driver, f"{name} mmu")
        wait(driver, "return window.gotracePage.mmu", what="mmu data")
        check(driver.execute_script("return window.gotracePage.mmu.flags") == 7, f"{name}: MMU default flags")
        driver.find_element(By.CSS_SELECTOR, "#mmu-flags input[data-bit='8']").click()
        wait(driver, "return window.gotracePage.mmu.flags === 15", what="mmu sweep toggle")
        mmu = api(base, "/api/mmu?flags=15")
        driver.find_element(By.ID, "mmu-percentiles").click()
        if mmu["curve"]:
            wait(driver, "return window.gotracePage.chart.series.length > 1", what="percentile lines")
        got = driver.execute_script("const s = window.gotracePage.chart.series[0]; return s ? s.points.map(p => p[1]) : []")
        check(len(got) == len(mmu["curve"]) and all(abs(a - b[1]) < 1e-9 for a, b in zip(got, mmu["curve"])), f"{name}: drawn MMU differs from the API")
        shot(driver, art, f"{name}-p9-mmu")
        links = driver.find_elements(By.CSS_SELECTOR, "#worst-table a")
        if links:
            links[0].click()
            wait(driver, "return window.gotrace && window.gotrace.ready && window.gotrace.timeline.selection && window.gotrace.timeline.idle()", what="worst window in the timeline")
        # GC page.
        gc = api(base, "/api/gc")
        driver.get(base + "/gc")
        page_ready(driver, f"{name} gc")
        check(len(driver.find_elements(By.CSS_SELECTOR, "#pause-table > tbody > tr")) == len(gc["pauses"]), f"{name}: GC page pause rows")
        check(driver.find_element(By.ID, "gc-cycles").text == str(len(gc["cycles"])), f"{name}: GC page cycle count")
        shot(driver, art, f"{name}-p10-gc")
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        errors += driver.execute_script("return window.gotraceErrors || []")
        check(not errors, f"{name}: console errors on the pages: {errors}")
    finally:
        driver.get("about:blank")
        server.kill()
        server.wait()


def main():
    binary, art = sys.argv[1], sys.argv[2]
    traces = [t for t in sys.argv[3:] if not t.startswith("pages:")]
    page_traces = [t[len("pages:"):] for t in sys.argv[3:] if t.startswith("pages:")]
    os.makedirs(art, exist_ok=True)
    o = Options()
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,900"]:
        o.add_argument(a)
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if os.path.exists("/usr/bin/chromium"):
        o.binary_location = "/usr/bin/chromium"
    service = Service("/usr/bin/chromedriver") if os.path.exists("/usr/bin/chromedriver") else Service()
    driver = webdriver.Chrome(options=o, service=service)
    try:
        for t in traces:
            try:
                run_trace(driver, binary, art, t)
            except Exception as e:  # a step that could not complete is a failure, not a crash
                check(False, f"{os.path.basename(t)}: {type(e).__name__}: {e}")
                shot(driver, art, os.path.basename(t) + "-error")
        for t in page_traces:
            try:
                run_pages(driver, binary, art, t)
            except Exception as e:
                check(False, f"pages {os.path.basename(t)}: {type(e).__name__}: {e}")
                shot(driver, art, os.path.basename(t) + "-pages-error")
    finally:
        driver.quit()
    print(f"{len(traces)} timeline traces, {len(page_traces)} page traces, {len(failures)} failures; screenshots in {art}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
