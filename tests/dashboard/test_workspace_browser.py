"""The analyst workspace in a real headless Chromium: the link, the timeline, incident cards.

Reuses the app runner and the ``Visit`` helper of ``test_browser.py`` (every
request off this machine is refused and recorded).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

_SPEC = importlib.util.spec_from_file_location(
    "kcm_browser_helpers", Path(__file__).resolve().parent / "test_browser.py")
helpers = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(helpers)
Visit, WAIT_MS, FIXTURE = helpers.Visit, helpers.WAIT_MS, helpers.FIXTURE
TIMELINE = "iframe[title='dashboard.ui.workspace.kcm_timeline']"


#: The headless Debian Chromium of ``test_browser.py``, one per module.
browser = helpers.browser


#: The app on the fixture store, as ``test_browser.py`` runs it.
app_url = helpers.app_url


@pytest.fixture(scope="module")
def incident_app(tmp_path_factory):
    from events.schema import Event, write_geojson

    def event(**values) -> Event:
        base = {"article_id": "art", "event_type": "shelling", "event_date": dt.date(2020, 10, 4),
                "date_precision": "day", "place": "Fixtureville",
                "location_name": "Fixtureville", "geo_precision": "settlement",
                "lon": 46.7519, "lat": 39.8153, "confidence": 0.8}
        return Event(**{**base, **values})

    store = write_geojson([
        event(event_id="inc-am", reporting_side="armenian", claimant="Made-up Yerevan Office",
              outlet="Made-up Wire", article_title="Made-up Yerevan report",
              url="https://example.org/am"),
        event(event_id="inc-az", reporting_side="azerbaijani", claimant="Made-up Baku Office",
              outlet="Made-up Daily", article_title="Made-up Baku report",
              url="https://example.org/az", lon=46.7530, lat=39.8160),
        event(event_id="lone", reporting_side="third_party", claimant="Made-up Observer",
              place="Elsewhere", location_name="Elsewhere", event_date=dt.date(2020, 11, 20),
              lon=45.5, lat=40.5),
    ], tmp_path_factory.mktemp("incident") / "incident.geojson")
    with helpers.running_app(store) as url:
        yield url


def _metric_is(page, value: int) -> None:
    page.wait_for_function(
        "n => { const m = document.querySelector(\"[data-testid='stMetricValue']\");"
        " return m && m.innerText.trim() === String(n); }", arg=value, timeout=WAIT_MS)


def _params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_link_reopens_the_view_and_a_changed_filter_updates_the_link(browser, app_url):
    visit = Visit(browser, f"{app_url}/?side=azerbaijani&type=protest&q=rally")
    try:
        _metric_is(visit.page, 1)  # fx-008
        page = visit.page
        assert not page.get_by_role("checkbox", name=re.compile(r"^Armenian side")).is_checked()
        assert page.get_by_role("checkbox", name=re.compile(r"^Azerbaijani side")).is_checked()
        assert page.get_by_label("Search notes and evidence").input_value() == "rally"
        page.get_by_text(re.compile(r"^Third party \(\d+\)$")).click()
        page.wait_for_function("() => location.search.includes('side=third_party')",
                               timeout=WAIT_MS)
        params = _params(page.url)
        assert params["side"] == ["azerbaijani", "third_party"]
        assert params["type"] == ["protest"] and params["q"] == ["rally"]
        visit.page.wait_for_timeout(300)
        assert visit.outside == []
        assert visit.errors == []
    finally:
        visit.close()


def test_tampered_link_shows_a_notice_and_the_defaults(browser, app_url):
    visit = Visit(browser, f"{app_url}/?side=martian&zoom=99")
    try:
        _metric_is(visit.page, 9)
        notice = visit.page.locator("[data-testid='stAlertContentInfo']").first
        notice.wait_for(timeout=WAIT_MS)
        assert "martian" in notice.inner_text()
        assert visit.errors == []
    finally:
        visit.close()


def test_brushing_the_timeline_sets_the_date_filter(browser, app_url):
    visit = Visit(browser, app_url)
    try:
        page = visit.page
        _metric_is(page, 9)
        frame = page.frame_locator(TIMELINE)
        frame.locator("rect.kcm-bar").first.wait_for(timeout=WAIT_MS)
        chart = page.locator(TIMELINE)
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        # The data run from 27 September 2020 to 15 January 2021 (daily bins); the plot
        # spans the frame but for its axis margins: brush from its last tenth (January
        # 2021) to past its right end.
        left, right = box["x"] + 44, box["x"] + box["width"] - 10
        y = box["y"] + box["height"] * 0.5
        x0, x1 = left + (right - left) * 0.90, right + 5
        page.mouse.move(x0, y)
        page.mouse.down()
        page.mouse.move(x1, y, steps=10)
        page.mouse.up()
        page.wait_for_function("() => location.search.includes('from=2021-')",
                               timeout=WAIT_MS)
        _metric_is(page, 2)  # fx-007 and fx-008
        params = _params(page.url)
        assert params["from"][0] >= "2020-12" and params["to"][0] <= "2021-01-15"
        # The strip is redrawn with the new filter as a band over the brushed span.
        frame.locator("rect.kcm-span").wait_for(timeout=WAIT_MS)
        band = frame.locator("rect.kcm-span").bounding_box()
        assert band["x"] > box["x"] + box["width"] * 0.6
        assert visit.errors == []
    finally:
        visit.close()


def test_incident_card_shows_both_sides_claims(browser, incident_app):
    visit = Visit(browser, f"{incident_app}/?event=inc-am")
    try:
        page = visit.page
        _metric_is(page, 3)
        page.get_by_text("claims side by side").wait_for(timeout=WAIT_MS)
        claims = page.locator(".kcm-claim")
        claims.nth(1).wait_for(timeout=WAIT_MS)
        page.wait_for_timeout(1500)  # let the page finish laying out before measuring
        assert claims.count() == 2
        texts = [claims.nth(i).inner_text() for i in range(2)]
        assert "Made-up Yerevan Office" in texts[0] and "Made-up Wire" in texts[0]
        assert "Made-up Baku Office" in texts[1] and "Made-up Daily" in texts[1]
        # The two claims sit side by side: same row, Armenian column on the left.
        first, second = claims.nth(0).bounding_box(), claims.nth(1).bounding_box()
        assert first["x"] + first["width"] <= second["x"]
        assert abs(first["y"] - second["y"]) < 40
        card = page.locator(".kcm-evidence")
        assert "Made-up Yerevan report" in card.inner_text()
        assert card.locator("a").get_attribute("href") == "https://example.org/am"
        assert visit.outside == []
        assert visit.errors == []
    finally:
        visit.close()


@pytest.fixture(scope="module")
def own_store_app(tmp_path_factory):
    """The app over a writable copy of the fixture store (review and upload write to it)."""
    store = tmp_path_factory.mktemp("own") / "mine.geojson"
    store.write_bytes(FIXTURE.read_bytes())
    with helpers.running_app(store) as url:
        yield url, store


def test_correction_survives_a_reload(browser, own_store_app):
    url, store = own_store_app
    original = store.read_bytes()
    visit = Visit(browser, url)
    try:
        page = visit.page
        _metric_is(page, 9)
        page.get_by_role("tab", name="Review").click()
        page.get_by_label("Your name (recorded with each correction)").fill("Made-up Reviewer")
        page.keyboard.press("Enter")
        page.get_by_role("button", name="Mark this event wrong").click()
        page.get_by_text("Saved 1 correction(s).").wait_for(timeout=WAIT_MS)
        _metric_is(page, 8)
        page.reload()
        _metric_is(page, 8)
        assert store.read_bytes() == original
        assert store.with_name("mine.geojson.corrections.json").exists()
        assert visit.outside == []
        assert visit.errors == []
    finally:
        visit.close()


def test_uploading_an_article_adds_its_events(browser, own_store_app, tmp_path):
    url, store = own_store_app
    article = tmp_path / "made-up.html"
    article.write_text(
        "<html><head><title>Made-up page</title><script>window.__kcmPwned=7</script></head>"
        "<body><article><p>The Armenian Defence Ministry said on Sunday that Azerbaijani "
        "forces shelled Stepanakert on 4 October 2020, killing two civilians.</p>"
        "<p>Azerbaijan's Defence Ministry said Armenian forces fired on Tartar.</p>"
        "</article></body></html>", encoding="utf-8")
    visit = Visit(browser, url)
    try:
        page = visit.page
        page.locator("[data-testid='stMetricValue']").first.wait_for(timeout=WAIT_MS)
        before = int(page.locator("[data-testid='stMetricValue']").first.inner_text().strip())
        page.get_by_role("tab", name="Bring articles in").click()
        page.locator("input[type='file']").set_input_files(str(article))
        page.get_by_text("made-up.html").wait_for(timeout=WAIT_MS)
        for part, value in (("year", "2020"), ("month", "10"), ("day", "05")):
            page.get_by_role("spinbutton", name=f"{part}, Publication date").click()
            page.keyboard.type(value)
        page.get_by_label("Outlet that published it").fill("Made-up Wire")
        page.keyboard.press("Enter")
        page.get_by_role("button", name="Extract events").click()
        page.get_by_text("event(s) found").wait_for(timeout=WAIT_MS)
        page.get_by_text("holds scripts; they were left out and not run").wait_for(
            timeout=WAIT_MS)
        page.get_by_role("button", name="Add these events to the store").click()
        page.get_by_text(re.compile(r"Added 2 event\(s\)")).wait_for(timeout=WAIT_MS)
        _metric_is(page, before + 2)
        assert page.evaluate("() => window.__kcmPwned") is None
        assert visit.outside == []
        assert visit.errors == []
    finally:
        visit.close()


def test_selecting_a_table_row_shows_its_card_and_goes_in_the_link(browser, app_url):
    visit = Visit(browser, app_url)
    try:
        page = visit.page
        _metric_is(page, 9)
        visit.wait_markers(8)  # the first run has settled: nothing moves any more
        assert page.locator("[data-testid='stDataFrame']").count() == 0  # drawn when opened
        page.get_by_text("Event table", exact=True).click()
        grid = page.locator("[data-testid='stDataFrame']").first
        grid.wait_for(timeout=WAIT_MS)
        grid.scroll_into_view_if_needed()
        page.wait_for_timeout(1000)
        # Rows are 35 px under a 35 px header; the row marker column is on the left.
        # The fifth row is fx-005 (the table keeps the store's order). The grid is a
        # canvas, so the click is by position, measured again if the layout moved.
        for _ in range(3):
            box = grid.bounding_box()
            page.mouse.click(box["x"] + 18, box["y"] + 35 + 4 * 35 + 17)
            try:
                page.wait_for_function("() => location.search.includes('event=fx-005')",
                                       timeout=10_000)
                break
            except Exception:  # noqa: BLE001 - the click may have landed mid-layout
                page.wait_for_timeout(500)
        assert "event=fx-005" in page.url
        card = page.locator(".kcm-evidence")
        card.wait_for(timeout=WAIT_MS)
        assert "Fixture report three" in card.inner_text()
        assert card.locator("a").get_attribute("href") == "https://example.org/three"
        # The map opens on the selected event (Epsilon, 40.18 N 44.51 E).
        visit.map_frame().locator(".kcm-marker").first.wait_for(timeout=WAIT_MS)
        centre = page.wait_for_function(
            """() => { const f = document.querySelector(
                         "iframe[title='dashboard.ui.map_view.kcm_map']");
                       const w = f && f.contentWindow;
                       if (!w) return null;
                       for (const k of Object.keys(w)) {
                         const m = w[k];
                         if (k.startsWith('map_') && m && m.getCenter) {
                           const c = m.getCenter();
                           if (Math.abs(c.lat - 40.18) < 0.01) return [c.lat, c.lng];
                         }
                       }
                       return null; }""", timeout=WAIT_MS).json_value()
        assert abs(centre[0] - 40.18) < 0.01 and abs(centre[1] - 44.51) < 0.01
        assert visit.errors == []
    finally:
        visit.close()
