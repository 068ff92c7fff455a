#!/usr/bin/env python3
"""Smoke test of the web viewer in headless Firefox (ESR), driven over Marionette directly
(marionette_driver; Debian has no geckodriver): the timeline draws with data, keys zoom, a slice
click shows its details, every analysis page renders, and no script error is raised.

Usage: firefox_smoke.py GOTRACE_BINARY ARTIFACT_DIR TRACE...
"""
import base64
import os
import shutil
import subprocess
import sys
import tempfile
import time

from marionette_driver.marionette import Marionette

sys.path.insert(0, os.path.dirname(__file__))
from viewer_e2e import api, check, failures, start_server  # noqa: E402


def wait(m, js, timeout=30, what=""):
    end = time.time() + timeout
    while time.time() < end:
        if js_(m, js):
            return True
        time.sleep(0.1)
    state = js_(m, """const t = window.gotrace && window.gotrace.timeline;
        return JSON.stringify({status: document.getElementById('status')?.textContent,
            ready: window.gotrace && window.gotrace.ready, fetched: t && t.fetched, reqSeq: t && t.reqSeq,
            changeSeq: t && t.changeSeq, doneChange: t && t.doneChange, rows: t && t.rows && t.rows.length,
            cssW: t && t.cssW, cssH: t && t.cssH, scrollY: t && t.scrollY, hidden: document.hidden,
            errors: window.gotraceErrors || []});""")
    raise AssertionError(f"timed out waiting for {what or js}; page state: {state}")


def js_(m, script, args=None):
    # sandbox=None: run in the page's own scope (Marionette's default sandbox hides page globals).
    return m.execute_script(script, script_args=args or [], sandbox=None)


def shot(m, art, name):
    with open(os.path.join(art, name + ".png"), "wb") as f:
        f.write(base64.b64decode(m.screenshot()))


def main():
    binary, art, traces = sys.argv[1], sys.argv[2], sys.argv[3:]
    os.makedirs(art, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="gotrace-ff-")
    port = 2828 + os.getpid() % 1000
    with open(os.path.join(profile, "user.js"), "w") as f:
        f.write(f'user_pref("marionette.port", {port});\n')
    ff = subprocess.Popen([shutil.which("firefox-esr") or "firefox", "--headless", "--marionette", "--no-remote",
                           "--profile", profile, "-width", "1400", "-height", "900"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        m = Marionette(host="127.0.0.1", port=port)
        m.start_session()
        m.set_window_rect(width=1400, height=900)
        for trace in traces:
            name = os.path.basename(trace).removesuffix(".trace")
            print(f"== firefox: {name}", flush=True)
            server, base = start_server(binary, trace)
            try:
                m.navigate(base + "/timeline")
                wait(m, "return window.gotrace && window.gotrace.ready && window.gotrace.timeline.fetched > 0 && window.gotrace.timeline.idle()", what="timeline data")
                ink = js_(m, """
                    const c = document.getElementById('canvas');
                    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                    let n = 0;
                    for (let i = 0; i < d.length; i += 16) if (d[i] < 235 || d[i+1] < 235 || d[i+2] < 235) n++;
                    return n;""")
                check(ink > 2000, f"firefox {name}: the timeline canvas is nearly blank ({ink})")
                shot(m, art, f"firefox-{name}-timeline")
                span0 = js_(m, "return window.gotrace.timeline.t1 - window.gotrace.timeline.t0")
                js_(m, "window.dispatchEvent(new KeyboardEvent('keydown', {key: 'w'}))")
                span1 = js_(m, "return window.gotrace.timeline.t1 - window.gotrace.timeline.t0")
                check(span1 < span0, f"firefox {name}: W did not zoom")
                info = api(base, "/api/info")
                js_(m, "window.gotrace.goToSlice(arguments[0])", [info["slices"] // 2])
                wait(m, "return document.getElementById('detail-title') !== null", what="slice details")
                d = api(base, f"/api/slice?i={info['slices'] // 2}")
                check(js_(m, "return document.getElementById('detail-title').textContent") == d["title"],
                      f"firefox {name}: details title differs")
                for page in ["/", "/goroutines", "/profile?kind=sched", "/tasks", "/regions", "/mmu", "/gc"]:
                    m.navigate(base + page)
                    wait(m, "return window.gotracePage && window.gotracePage.ready", what=page)
                    err = js_(m, "return window.gotracePage.error || null")
                    check(err is None, f"firefox {name} {page}: {err}")
                    shot(m, art, f"firefox-{name}-{page.strip('/').split('?')[0] or 'home'}")
                errors = js_(m, "return window.gotraceErrors || []")
                check(not errors, f"firefox {name}: script errors {errors}")
            finally:
                server.kill()
                server.wait()
        m.delete_session()
    finally:
        ff.kill()
        ff.wait()
        shutil.rmtree(profile, ignore_errors=True)
    print(f"firefox: {len(traces)} traces, {len(failures)} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
