"""The page in a real headless Chromium, with every request off this machine refused.

A ``streamlit run`` of the app on a free loopback port serves a fixture store;
each test opens a fresh page, so each has its own session and filters.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "data" / "events_small.geojson"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
LOCAL_SCHEMES = ("data", "blob", "file", "about")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")
WAIT_MS = 60_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_app(store: Path, *more: str) -> Iterator[str]:
    """``streamlit run`` of the app on a free loopback port over ``store``; yields its URL."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KCM_")}
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"),
           "--server.headless=true", "--server.address=127.0.0.1", f"--server.port={port}",
           "--browser.gatherUsageStats=false", "--", "--store", str(store), *more]
    # The server's output goes to a file, never an unread pipe that could fill and block it.
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_healthy(url, proc, log)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_healthy(url: str, proc: subprocess.Popen, log) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            log.seek(0)
            pytest.fail(f"streamlit did not start: {log.read().decode(errors='replace')[-2000:]}")
        time.sleep(0.3)


@pytest.fixture(scope="module")
def app_url():
    with running_app(FIXTURE) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """One page load: the page, the map frame, and everything the browser complained of."""

    def __init__(self, browser, url: str) -> None:
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.sent: list[object] = []
        self.page.on("websocket", lambda ws: ws.on("framesent", self._sent))
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.page.on("dialog", lambda d: (self.errors.append(f"dialog: {d.message}"),
                                          d.dismiss()))
        # Wait for the document, not the "load" event: that also waits for the map
        # frame's assets, which the tests wait for themselves, with their own limit.
        self.page.goto(url, wait_until="domcontentloaded", timeout=WAIT_MS)

    def _route(self, route) -> None:
        parts = urlsplit(route.request.url)
        if parts.scheme in LOCAL_SCHEMES or parts.hostname in LOOPBACK_HOSTS:
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def _sent(self, payload) -> None:
        self.sent.append(payload)

    def _console(self, msg) -> None:
        if msg.type == "error":
            self.errors.append(f"console: {msg.text}")

    def map_frame(self):
        # While Streamlit swaps the component after a rerun, two map frames can
        # briefly coexist; wait for one and address the first, never ambiguously.
        self.page.wait_for_function(
            """() => document.querySelectorAll(
                       "iframe[title='dashboard.ui.map_view.kcm_map']").length === 1""",
            timeout=WAIT_MS)
        return self.page.frame_locator("iframe[title='dashboard.ui.map_view.kcm_map']").first

    def markers(self):
        return self.map_frame().locator(".kcm-marker")

    def wait_markers(self, count: int) -> None:
        self.markers().nth(count - 1).wait_for(timeout=WAIT_MS)
        self.page.wait_for_function(
            """n => { const all = document.querySelectorAll(
                       "iframe[title='dashboard.ui.map_view.kcm_map']");
                     const f = all.length === 1 ? all[0] : null;
                     return f && f.contentDocument &&
                       f.contentDocument.querySelectorAll('.kcm-marker').length === n; }""",
            arg=count, timeout=WAIT_MS)

    def wait_idle(self) -> None:
        """Wait until no script run is in flight (Streamlit marks its root with the state).

        A click made while the page is still being drawn lands on elements a run
        in flight is about to replace; the tests act on a page at rest.
        """
        self.page.wait_for_function(
            """() => { const app = document.querySelector("[data-testid='stApp']");
                     return app && app.dataset.testScriptState === 'notRunning'; }""",
            timeout=WAIT_MS)

    def click_side(self, label: str) -> None:
        """Toggle a side's checkbox in the sidebar, and wait until the box shows the change.

        The label is matched whole ("Armenian side (3)") inside the sidebar only: the
        incident card and the tally name the sides too.
        """
        box = self.page.locator("[data-testid='stSidebar'] [data-testid='stCheckbox']").filter(
            has_text=re.compile(rf"^{re.escape(label)} \(\d+\)$"))
        was = box.locator("input").is_checked()
        box.locator("label").click()
        self.page.wait_for_function(
            """([label, want]) => [...document.querySelectorAll(
                   "[data-testid='stSidebar'] [data-testid='stCheckbox']")].some(
                   b => b.innerText.trim().startsWith(label + " (") &&
                        b.querySelector('input').checked === want)""",
            arg=[label, not was], timeout=WAIT_MS)

    def wait_shown(self, count: int) -> None:
        """Wait until the sidebar's "Events shown" reads ``count``."""
        self.page.wait_for_function(
            "n => { const v = document.querySelector(\"[data-testid='stMetricValue']\");"
            " return v !== null && v.innerText.trim() === n; }",
            arg=str(count), timeout=WAIT_MS)

    def shown(self) -> int:
        value = self.page.locator("[data-testid='stMetricValue']").first
        value.wait_for(timeout=WAIT_MS)
        return int(value.inner_text().strip())

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser, app_url):
    v = Visit(browser, app_url)
    yield v
    v.close()


def test_markers_are_drawn_with_nothing_fetched_from_outside(visit):
    visit.wait_markers(8)
    assert visit.shown() == 9
    frame = visit.map_frame()
    assert frame.locator(".kcm-side-armenian").count() == 3
    assert frame.locator(".kcm-side-azerbaijani").count() == 3
    assert frame.locator(".kcm-side-third_party").count() == 2
    assert frame.locator(".kcm-legend").count() == 1
    assert frame.locator("path.leaflet-interactive, canvas").count() > 0  # boundaries drawn
    visit.page.wait_for_timeout(500)
    assert visit.outside == []
    assert visit.errors == []


def test_side_filter_changes_count_and_markers(visit):
    visit.wait_markers(8)
    visit.wait_idle()
    # The label carries the side's count under the other filters.
    assert visit.page.get_by_text("Armenian side (3)", exact=True).count() == 1
    visit.click_side("Armenian side")
    visit.wait_shown(6)
    visit.wait_markers(5)
    assert visit.shown() == 6
    assert visit.map_frame().locator(".kcm-side-armenian").count() == 0
    assert visit.outside == []
    assert visit.errors == []


def test_second_side_click_keeps_every_other_filter(visit):
    """Counts change on every click; no other filter may narrow silently because of it."""
    visit.wait_markers(8)
    page = visit.page
    # The fixture: 3 Armenian-side, 4 Azerbaijani-side and 2 third-party events.
    for label, count in (("Armenian side", 6), ("Azerbaijani side", 2),
                         ("Armenian side", 5)):
        # Each click on a page at rest: one made while the previous run was still
        # drawing the page could land on a checkbox that run was about to replace.
        visit.wait_idle()
        visit.click_side(label)
        visit.wait_shown(count)
    page.wait_for_function("() => location.search.includes('side=')", timeout=WAIT_MS)
    assert "type=" not in page.url
    assert visit.map_frame().locator(".kcm-side-azerbaijani").count() == 0
    assert visit.errors == []


def test_date_filter_changes_count_and_markers(visit):
    visit.wait_markers(8)
    page = visit.page
    for part, value in (("year", "2021"), ("month", "01"), ("day", "01")):
        page.get_by_role("spinbutton", name=f"{part}, Event dates start date").click()
        page.keyboard.type(value)
    page.locator("h1").first.click()  # leave the field: the range is committed
    page.wait_for_function(
        "() => document.querySelector(\"[data-testid='stMetricValue']\").innerText.trim() === '3'",
        timeout=WAIT_MS)
    visit.wait_markers(2)  # fx-007 and fx-008; the undated fx-009 is counted, not drawn
    frame = visit.map_frame()
    assert frame.locator(".kcm-type-diplomacy").count() == 1
    assert frame.locator(".kcm-type-protest").count() == 1
    assert "from=2021-01-01" in page.url
    assert visit.outside == []
    assert visit.errors == []


def test_popup_opens_and_reads_the_event(visit):
    visit.wait_markers(8)
    frame = visit.map_frame()
    frame.locator(".kcm-type-ceasefire").click()
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=WAIT_MS)
    text = popup.inner_text()
    for expected in ("Ceasefire", "2020-10-10", "precision: day", "Third party",
                     "Fixture Mediator", "Epsilon", "Made-up truce announcement.",
                     "Fixture Post", "Fixture report three", "fx-005"):
        assert expected in text, expected
    link = popup.locator("a")
    assert link.get_attribute("href") == "https://example.org/three"
    assert visit.errors == []


def test_hostile_text_shows_as_text_and_runs_nothing(visit):
    visit.wait_markers(8)
    frame = visit.map_frame()
    frame.locator(".kcm-type-diplomacy").click()
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=WAIT_MS)
    text = popup.inner_text()
    assert "<script>window.__kcmPwned=1</script>" in text
    assert 'onerror="window.__kcmPwned=3"' in text
    assert popup.locator("img, script, a").count() == 0
    visit.page.wait_for_timeout(500)
    pwned = visit.page.evaluate(
        """() => { const f = document.querySelector(
                     "iframe[title='dashboard.ui.map_view.kcm_map']");
                   return [window.__kcmPwned, f.contentWindow.__kcmPwned]; }""")
    assert pwned == [None, None]
    assert visit.outside == []
    assert visit.errors == []


def test_panning_and_zooming_do_not_rerun_the_page(visit):
    visit.wait_markers(8)
    visit.wait_idle()  # the first run is over: anything sent from here is the map's doing
    before = len(visit.sent)
    box = visit.page.locator("iframe[title='dashboard.ui.map_view.kcm_map']").bounding_box()
    x, y = box["x"] + box["width"] / 3, box["y"] + box["height"] / 3
    visit.page.mouse.move(x, y)
    visit.page.mouse.down()
    visit.page.mouse.move(x + 120, y + 80, steps=8)
    visit.page.mouse.up()
    visit.map_frame().locator(".leaflet-control-zoom-in").click()
    visit.page.wait_for_timeout(2000)
    # A rerun is asked for over the websocket; nothing was sent.
    assert visit.sent[before:] == []
    assert visit.markers().count() == 8
    assert visit.errors == []


def test_standalone_map_file_works_offline(browser, tmp_path, make_event):
    """The inline mode the HTML export uses: one file, no server, nothing fetched."""
    from dashboard import assets
    from dashboard.map import CLUSTER_THRESHOLD, build_map
    from events.table import events_to_frame

    events = [make_event(event_id=f"e{i}", lon=45 + (i % 40) / 15, lat=39 + (i // 40) / 15,
                         reporting_side=("armenian", "azerbaijani", "third_party")[i % 3])
              for i in range(CLUSTER_THRESHOLD + 200)]
    path = tmp_path / "map.html"
    path.write_text(assets.standalone_html(build_map(events_to_frame(events))), encoding="utf-8")
    visit = Visit(browser, path.as_uri())
    try:
        visit.page.locator(".marker-cluster").first.wait_for(timeout=WAIT_MS)
        assert visit.page.locator(".leaflet-container").count() == 1
        assert visit.page.locator(".kcm-legend").count() == 1
        visit.page.wait_for_timeout(500)
        assert visit.outside == []
        assert visit.errors == []
    finally:
        visit.close()
