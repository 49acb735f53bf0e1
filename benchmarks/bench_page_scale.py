"""The map page at 10k and 100k (optionally 1M) synthetic events, end to end in Chromium.

For each size, in one run: fill a GeoPackage store, time the store load, build
the map the page builds (count circles above ``dashboard.map.BIN_THRESHOLD``
located events) and weigh its HTML per shown event, next to a baseline of one
``folium.Marker`` with its popup per event measured in the same run on a
sample. Then start ``streamlit run streamlit_app.py -- --store PATH`` on a free
loopback port, open it in headless Chromium (every request off loopback is
refused) and time page open -> map ready (the map frame holds its circles or
symbols; once with a cold server, then ``WARM_OPENS`` times with its caches warm,
each in a new browser context, then as often reloaded in the same browser, as an
analyst reopening it would), two side-filter clicks (untick Armenian, then Azerbaijani) -> map
updated (the counts drawn on the map change), clicks on count circles -> the
map's finer circles (or its symbols) drawn, until symbols show, and a click on
a symbol -> its event selected (its evidence card shown, its id in the link).
Each wait for the page ends when Streamlit says no run is in flight ("page
idle"), which also times the whole page after a click, and the bytes the
server sends over the websocket are counted for the warm open and each click.
The server's peak memory is read from ``/proc`` once the browsing is done.
The machine's load average is printed with the figures. Usage::

    python benchmarks/bench_page_scale.py [--sizes 10000 100000] [--sample 1000]
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import folium  # noqa: E402
from bench_workspace import write_store  # noqa: E402

from dashboard.aggregate import district_shapes  # noqa: E402
from dashboard.map import build_map, popup_html  # noqa: E402
from events.store import open_store  # noqa: E402
from events.synthetic import synthetic_frame  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
FRAME = "iframe[title='dashboard.ui.map_view.kcm_map']"
WAIT_MS = 60_000
#: Opens timed with the server's caches warm, each in a new browser context (no HTTP cache).
WARM_OPENS = 3
#: What the map frame shows: (events in count circles, symbols, clusters), or null.
MAP_STATE = """() => {
  const f = document.querySelector("iframe[title='dashboard.ui.map_view.kcm_map']");
  if (!f || !f.contentDocument || !f.contentDocument.querySelector('.leaflet-container'))
    return null;
  const d = f.contentDocument;
  let binned = 0;
  d.querySelectorAll('.kcm-bin svg').forEach(s => { binned += parseInt(s.dataset.n, 10); });
  return [binned, d.querySelectorAll('.kcm-marker').length,
          d.querySelectorAll('.marker-cluster').length];
}"""
READY = f"() => {{ const s = ({MAP_STATE})(); return s !== null && s.some(x => x > 0); }}"
CHANGED = (f"before => {{ const s = ({MAP_STATE})();"
           " return s !== null && s.join() !== before.join(); }")
#: Milliseconds the map frame took to draw its latest events layers.
DRAW_MS = f"""() => {{ const f = document.querySelector("{FRAME}");
  return f && f.contentDocument ? +(f.contentDocument.body.dataset.kcmDrawMs || -1) : -1; }}"""
#: Key of the events layers the map frame holds (changes when new ones are drawn).
LAYERS = f"""() => {{ const f = document.querySelector("{FRAME}");
  return f && f.contentDocument ? f.contentDocument.body.dataset.kcmLayers || null : null; }}"""
#: True once no script run is in flight (Streamlit marks its root with the run's state).
IDLE = """() => { const app = document.querySelector("[data-testid='stApp']");
  return app !== null && app.dataset.testScriptState === 'notRunning'; }"""
#: Centre (frame pixels) of a visible item matching the selector, well inside the map, or null.
VISIBLE = """sel => {
  const d = document.querySelector("FRAME").contentDocument;
  const box = d.querySelector('.leaflet-container').getBoundingClientRect();
  let best = null;
  for (const el of d.querySelectorAll(sel)) {
    const r = el.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
    if (x < box.left + 60 || x > box.right - 200 || y < box.top + 60 || y > box.bottom - 60)
      continue;
    const n = parseInt((el.querySelector('svg') || el).dataset.n || '0', 10);
    if (!best || n > best[2]) best = [x, y, n, el.dataset.event || ''];
  }
  return best;
}""".replace("FRAME", FRAME)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def peak_rss_gib(pid: int) -> float:
    """Peak resident memory of a process so far (Linux ``VmHWM``), in GiB; -1 if unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return -1.0


def timed(action):
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def marker_baseline(frame, sample: int) -> float:
    """Bytes per event of one folium.Marker with its popup per event, on ``sample`` events."""
    rows = frame[frame["lon"].notna()].head(sample)
    empty = len(folium.Map(tiles=None).get_root().render())
    m = folium.Map(tiles=None)
    for rec in rows.to_dict("records"):
        folium.Marker([rec["lat"], rec["lon"]], popup=folium.Popup(popup_html(rec)),
                      tooltip=str(rec["event_type"])).add_to(m)
    return (len(m.get_root().render()) - empty) / len(rows)


def start_app(store: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
           "--server.headless=true", "--server.address=127.0.0.1", f"--server.port={port}",
           "--browser.gatherUsageStats=false", "--", "--store", str(store)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("KCM_")}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as resp:
                if resp.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.05)
        if proc.poll() is not None:
            raise SystemExit("streamlit exited before it was ready")


def browse(browser, url: str, outside: list[str]) -> dict[str, float | list]:
    """Open the page twice (first open, then with the server's caches warm) and toggle a side.

    Also weighs what the server sends over the page's websocket: for the warm
    open and for each filter click, until the run is over.
    """
    out: dict[str, float | list] = {}
    received = [0]

    def count_frames(ws) -> None:
        ws.on("framereceived", lambda payload: received.__setitem__(0, received[0] + len(payload)))

    def route(r) -> None:
        parts = urlsplit(r.request.url)
        if parts.scheme in ("data", "blob", "about") or parts.hostname == "127.0.0.1":
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    visits = ("first", *["warm"] * WARM_OPENS)
    for n, visit in enumerate(visits):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.route("**/*", route)
        page = context.new_page()
        page.on("websocket", count_frames)
        try:
            t0 = time.perf_counter()
            received[0] = 0
            page.goto(url)
            page.wait_for_function(READY, timeout=WAIT_MS, polling=50)
            out.setdefault(f"open->map ready, {visit} (s)", []).append(time.perf_counter() - t0)
            out.setdefault("drawing the events layers in the frame (ms)", []).append(
                page.evaluate(DRAW_MS))
            page.wait_for_function(IDLE, timeout=WAIT_MS, polling=50)
            out.setdefault(f"open->page idle (every element drawn), {visit} (s)", []).append(
                time.perf_counter() - t0)
            if n < len(visits) - 1:
                continue  # the clicks are timed on the last open only
            out["websocket KB received: warm open"] = received[0] / 1e3
            for _ in range(WARM_OPENS):  # an analyst opening it again: the browser has its files
                t0 = time.perf_counter()
                page.reload()
                page.wait_for_function(READY, timeout=WAIT_MS, polling=50)
                out.setdefault("reopen->map ready, browser cache warm (s)", []).append(
                    time.perf_counter() - t0)
                page.wait_for_function(IDLE, timeout=WAIT_MS, polling=50)
            clicks = []
            for side in ("Armenian side", "Azerbaijani side"):  # two filter changes
                before = page.evaluate(MAP_STATE)
                label = page.locator("[data-testid='stSidebar']").get_by_text(
                    re.compile(rf"^{side} \(\d+\)$")).first
                metric = page.locator("[data-testid='stMetricValue']").first.inner_text()
                page.wait_for_function(IDLE, timeout=WAIT_MS, polling=50)  # a page at rest
                received[0] = 0
                t0 = time.perf_counter()
                label.click()
                page.wait_for_function(
                    "m => { const v = document.querySelector(\"[data-testid='stMetricValue']\");"
                    " return v && v.innerText !== m; }", arg=metric, timeout=WAIT_MS, polling=20)
                out.setdefault("filter click->'Events shown' updated (s)", []).append(
                    time.perf_counter() - t0)
                try:
                    page.wait_for_function(CHANGED, arg=before, timeout=WAIT_MS, polling=20)
                except Exception as exc:  # report what the map showed instead
                    raise SystemExit(f"map did not change from {before}: now "
                                     f"{page.evaluate(MAP_STATE)}") from exc
                clicks.append(time.perf_counter() - t0)
                out.setdefault("drawing the events layers in the frame (ms)", []).append(
                    page.evaluate(DRAW_MS))
                out.setdefault("map states", []).append((before, page.evaluate(MAP_STATE)))
                page.wait_for_function(IDLE, timeout=WAIT_MS, polling=20)
                out.setdefault("filter click->page idle (s)", []).append(
                    time.perf_counter() - t0)
                out.setdefault("websocket KB received per filter click", []).append(
                    received[0] / 1e3)
            out["filter click->map updated (s)"] = clicks
            page.wait_for_function(IDLE, timeout=WAIT_MS, polling=50)
            zoom_in_and_select(page, out)
        finally:
            context.close()
    return out


def zoom_in_and_select(page, out: dict[str, float | list]) -> None:
    """Click count circles until the map draws symbols, then click a symbol."""
    frame_box = page.locator(FRAME).bounding_box()
    for _ in range(6):
        if page.evaluate(VISIBLE, ".kcm-marker"):
            break
        target = page.evaluate(VISIBLE, ".kcm-bin:not([data-area])") or \
            page.evaluate(VISIBLE, ".kcm-bin")
        if target is None:
            raise SystemExit("no count circle in view to click")
        before = page.evaluate(LAYERS)
        t0 = time.perf_counter()
        page.mouse.click(frame_box["x"] + target[0], frame_box["y"] + target[1])
        page.wait_for_function(f"k => ({LAYERS})() !== k", arg=before, timeout=WAIT_MS,
                               polling=20)
        out.setdefault("circle click->finer layers drawn (s)", []).append(
            time.perf_counter() - t0)
        page.wait_for_function(IDLE, timeout=WAIT_MS, polling=50)
    target = page.evaluate(VISIBLE, ".kcm-marker")
    if target is None:
        raise SystemExit("no event symbol in view after zooming in")
    event_id = target[3]
    t0 = time.perf_counter()
    page.mouse.click(frame_box["x"] + target[0], frame_box["y"] + target[1])
    page.wait_for_function(
        "id => { const c = document.querySelector('.kcm-evidence');"
        " return c && c.innerText.includes(id) &&"
        " new URLSearchParams(location.search).get('event') === id; }",
        arg=event_id, timeout=WAIT_MS, polling=20)
    out["symbol click->event selected (card + link) (s)"] = time.perf_counter() - t0


def run_size(size: int, sample: int, browser, workdir: Path) -> dict[str, str]:
    row: dict[str, str] = {"events": f"{size:,}"}
    frame = synthetic_frame(size, seed=11)
    path = workdir / f"events_{size}.gpkg"
    _, seconds = timed(lambda: write_store(frame, path))
    row["store write (s)"] = f"{seconds:.1f}"
    frame, seconds = timed(open_store(path).read_frame)
    row["store load (s)"] = f"{seconds:.2f}"
    shapes = district_shapes()
    located = int((frame["lon"].notna() & frame["lat"].notna()).sum())
    build = []
    for _ in range(3):
        html, seconds = timed(lambda: build_map(frame, precision_areas=True,
                                                area_shapes=shapes).get_root().render())
        build.append(seconds)
    row["map build+render (s, median of 3)"] = f"{statistics.median(build):.2f}"
    row["map HTML (MB)"] = f"{len(html.encode()) / 1e6:.2f}"
    per_event = len(html.encode()) / max(located, 1)
    row["map bytes / shown event"] = f"{per_event:.1f}"
    baseline = marker_baseline(frame, sample)
    row[f"folium.Marker bytes / event (sample of {sample})"] = f"{baseline:.0f}"
    row["ratio Marker / ours"] = f"{baseline / per_event:.0f}x"
    outside: list[str] = []
    proc, url = start_app(path)
    try:
        result = browse(browser, url, outside)
        row["server peak memory (GiB)"] = f"{peak_rss_gib(proc.pid):.2f}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    for name in ("open->map ready, warm (s)", "open->page idle (every element drawn), warm (s)",
                 "reopen->map ready, browser cache warm (s)"):
        if len(result.get(name, [])) > 1:
            result[name.replace(" (s)", ", median (s)")] = [statistics.median(result[name])]
    for key, value in result.items():
        if key == "map states":
            row[key] = "; ".join(f"{a} -> {b}" for a, b in value)
        elif isinstance(value, list):
            row[key] = ", ".join(f"{v:.0f}" if "(ms)" in key or " KB " in key else f"{v:.2f}"
                                 for v in value)
        else:
            row[key] = f"{value:.0f}" if " KB " in key else f"{value:.2f}"
    row["requests off this machine"] = str(len(set(outside)))
    row["load average (1, 5, 15 min) after"] = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--sample", type=int, default=1000,
                        help="events drawn as folium.Marker for the baseline")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"page at scale (headless Chromium; load average {load} (1, 5, 15 min) on "
          f"{os.cpu_count()} CPUs); map states are [events in circles, symbols, clusters]")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for size in args.sizes:
                row = run_size(size, args.sample, browser, Path(tmp))
                print(f"-- {row.pop('events')} events")
                for key, value in row.items():
                    print(f"  {key}: {value}")
                sys.stdout.flush()
        finally:
            browser.close()
    for size in (10_000, 100_000, 1_000_000):
        if size not in args.sizes:
            print(f"-- {size:,} events: not run")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
