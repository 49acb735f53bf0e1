"""Time from ``streamlit run`` to the event markers drawn, in headless Chromium.

Starts the app on a free loopback port (the bundled sample, or ``--store``),
with the browser already open as a user's would be, and measures:

* server ready: ``streamlit run`` until the health endpoint answers;
* map drawn: ``streamlit run`` until the map frame shows the event markers
  (Leaflet adds a GeoJSON layer's markers in one go, so the first is the last).

Every request that is not to loopback is refused, as on a machine with no
internet. Prints the median and each run. Usage::

    python benchmarks/bench_startup.py [--runs 3] [--store PATH]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
FRAME = "iframe[title='dashboard.ui.map_view.kcm_map']"
ALL_DRAWN = """() => {
  const v = document.querySelector("[data-testid='stMetricValue']");
  const f = document.querySelector("iframe[title='dashboard.ui.map_view.kcm_map']");
  if (!v || !f || !f.contentDocument) return false;
  const want = parseInt(v.innerText.trim(), 10);
  const got = f.contentDocument.querySelectorAll('.kcm-marker').length;
  const map = f.contentDocument.querySelector('.leaflet-container');
  const clusters = f.contentDocument.querySelectorAll(".marker-cluster").length;
  return map !== null && (got > 0 || clusters > 0) && got <= want;
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def one_run(
    browser, store: str | None
) -> tuple[float, float, tuple[int, int], list[str]]:
    """(seconds to server ready, seconds to map drawn, (markers, clusters), refused URLs)."""
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
           "--server.headless=true", "--server.address=127.0.0.1", f"--server.port={port}",
           "--browser.gatherUsageStats=false"]
    if store:
        cmd += ["--", "--store", store]
    env = {k: v for k, v in os.environ.items() if not k.startswith("KCM_")}
    outside: list[str] = []
    context = browser.new_context(viewport={"width": 1400, "height": 1000})

    def route(r) -> None:
        parts = urlsplit(r.request.url)
        if parts.scheme in ("data", "blob", "about") or parts.hostname in ("127.0.0.1",):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                time.sleep(0.05)
            if proc.poll() is not None:
                raise SystemExit("streamlit exited before it was ready")
        ready = time.perf_counter() - t0
        page.goto(url)
        page.wait_for_function(ALL_DRAWN, timeout=120_000, polling=50)
        drawn = time.perf_counter() - t0
        frame = page.frame_locator(FRAME)
        drawn_items = (frame.locator(".kcm-marker").count(),
                       frame.locator(".marker-cluster").count())
        return ready, drawn, drawn_items, outside
    finally:
        context.close()
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--store", help="event store to show (default: the bundled sample)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            results = [one_run(browser, args.store) for _ in range(args.runs)]
        finally:
            browser.close()
    ready = [r[0] for r in results]
    drawn = [r[1] for r in results]
    refused = sorted({u for r in results for u in r[3]})
    what = args.store or "bundled sample"
    markers, clusters = results[0][2]
    load = os.getloadavg()[0]
    print(f"startup ({what}: {markers} markers, {clusters} clusters; {args.runs} runs, "
          f"headless Chromium; load average {load:.1f} on {os.cpu_count()} CPUs)")
    print(f"  streamlit run -> server ready: median {statistics.median(ready):.2f} s  "
          f"({', '.join(f'{x:.2f}' for x in ready)})")
    print(f"  streamlit run -> map drawn:    median {statistics.median(drawn):.2f} s  "
          f"({', '.join(f'{x:.2f}' for x in drawn)})")
    print(f"  requests off this machine: {len(refused)}")
    for url in refused:
        print(f"    refused: {url}")
    return 1 if refused else 0


if __name__ == "__main__":
    raise SystemExit(main())
