"""The standalone HTML map, opened from disk in headless Chromium with the network cut off."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import sync_playwright

from dashboard import export as ex
from dashboard.view import View
from events.table import events_to_frame

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
LOCAL_SCHEMES = ("file:", "data:", "blob:")


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _open_offline(browser, path):
    """Open ``path``; every request that is not file:/data:/blob: is aborted and recorded."""
    page = browser.new_page()
    blocked, failed, errors = [], [], []

    def route(r):
        if r.request.url.startswith(LOCAL_SCHEMES):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("requestfailed", lambda req: failed.append(req.url))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(path.as_uri(), wait_until="load")
    return page, blocked, failed, errors


# True once the first marker has stood still for two animation frames: the map fits its
# bounds after load, and a click during that zoom lands where the marker no longer is.
_MARKER_STILL = """() => new Promise(done => {
  const el = document.querySelector('.kcm-marker');
  if (!el || document.querySelector('.leaflet-zoom-anim')) return done(false);
  const a = el.getBoundingClientRect();
  requestAnimationFrame(() => requestAnimationFrame(() => {
    const b = el.getBoundingClientRect();
    done(a.x === b.x && a.y === b.y && b.width > 0);
  }));
})"""


@pytest.fixture
def frame(make_event):
    events = [
        make_event(event_id=f"b{i}", reporting_side=("armenian", "azerbaijani")[i % 2],
                   event_type=("shelling", "offensive", "ceasefire")[i % 3],
                   event_date=dt.date(2020, 10, 1 + i), lon=46.5 + 0.05 * i, lat=39.7 + 0.03 * i,
                   notes="<img src=x onerror=alert(1)> $x$")
        for i in range(9)
    ]
    events.append(make_event(event_id="b-nowhere", lon=None, lat=None, geo_precision=None))
    return events_to_frame(events)


def test_standalone_map_draws_its_markers_with_no_network(browser, frame, tmp_path):
    path = ex.export(frame, View(sides=("azerbaijani",)), "html", tmp_path / "map.html",
                     title="<script>window.pwned=1</script>").path
    page, blocked, failed, errors = _open_offline(browser, path)
    try:
        page.wait_for_selector(".kcm-marker", timeout=15_000)
        expected = int(((frame["reporting_side"] == "azerbaijani") & frame["lon"].notna()).sum())
        assert page.locator(".kcm-marker").count() == expected == 4
        assert page.evaluate("typeof L") == "object"
        assert page.locator(".leaflet-interactive").count() > 0  # basemap and boundaries
        assert page.evaluate("window.pwned") is None
        assert "<script>window.pwned=1</script>" in page.locator(".kcm-export-title").inner_text()
        assert blocked == []
        assert failed == []
        assert errors == []
    finally:
        page.close()


def test_popup_text_from_articles_is_shown_as_text(browser, frame, tmp_path):
    path = ex.export(frame, View(), "html", tmp_path / "map.html").path
    page, blocked, failed, errors = _open_offline(browser, path)
    try:
        page.wait_for_selector(".kcm-marker", timeout=15_000)
        popup = page.locator(".leaflet-popup-content")
        # The map fits its bounds after load; on a busy machine that can still be going on
        # when the marker first stands still, and a click during it misses: click again.
        for _ in range(3):
            page.wait_for_function(_MARKER_STILL, timeout=15_000)
            page.locator(".kcm-marker").first.click()
            try:
                popup.wait_for(timeout=5_000)
                break
            except Exception:  # noqa: BLE001 - the popup did not open; the next try says
                continue
        popup.wait_for(timeout=5_000)
        assert "<img src=x onerror=alert(1)>" in popup.inner_text()
        assert popup.locator("img").count() == 0
        assert blocked == [] and failed == [] and errors == []
    finally:
        page.close()


def test_empty_view_still_opens(browser, frame, tmp_path):
    view = View(start=dt.date(2031, 1, 1))
    path = ex.export(frame, view, "html", tmp_path / "map.html").path
    page, blocked, failed, errors = _open_offline(browser, path)
    try:
        page.wait_for_selector(".leaflet-container", timeout=15_000)
        assert page.locator(".kcm-marker").count() == 0
        assert "0 events" in page.locator(".kcm-export-subtitle").inner_text()
        assert blocked == [] and failed == [] and errors == []
    finally:
        page.close()
