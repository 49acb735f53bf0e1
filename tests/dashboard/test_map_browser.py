"""The page's map in a real headless Chromium: a click selects, circles zoom and re-bin.

Reuses the app runner and the ``Visit`` helper of ``test_browser.py`` (every
request off this machine is refused and recorded).
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

_SPEC = importlib.util.spec_from_file_location(
    "kcm_browser_helpers_map", Path(__file__).resolve().parent / "test_browser.py")
helpers = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(helpers)
Visit, WAIT_MS, FIXTURE = helpers.Visit, helpers.WAIT_MS, helpers.FIXTURE
FRAME = "iframe[title='dashboard.ui.map_view.kcm_map']"
#: Key of the events layers the map holds; it changes when the page sends new ones.
LAYERS = f"""() => {{ const f = document.querySelector("{FRAME}");
  return f && f.contentDocument ? f.contentDocument.body.dataset.kcmLayers || null : null; }}"""
#: Frame-pixel centre of the biggest visible item matching a selector, well inside the map.
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
ZOOM = f"""() => {{ const w = document.querySelector("{FRAME}").contentWindow;
  for (const k of Object.keys(w)) if (k.startsWith('map_') && w[k] && w[k].getZoom)
    return w[k].getZoom();
  return null; }}"""


#: The headless Debian Chromium of ``test_browser.py``, one per module.
browser = helpers.browser


@pytest.fixture(scope="module")
def small_app():
    with helpers.running_app(FIXTURE) as url:
        yield url


@pytest.fixture(scope="module")
def busy_app(tmp_path_factory):
    """2,500 synthetic events: more than the map draws one by one at the opening zoom."""
    from events.schema import write_geojson
    from events.synthetic import synthetic_events

    store = write_geojson(synthetic_events(2500, seed=7),
                          tmp_path_factory.mktemp("busy") / "busy.geojson")
    with helpers.running_app(store) as url:
        yield url


def _click(visit: Visit, target) -> None:
    box = visit.page.locator(FRAME).bounding_box()
    visit.page.mouse.click(box["x"] + target[0], box["y"] + target[1])


def test_clicking_a_marker_selects_its_event_card_and_link(browser, small_app):
    visit = Visit(browser, small_app)
    try:
        visit.wait_markers(8)
        visit.wait_idle()  # the first run is over
        visit.map_frame().locator("[data-event='fx-005']").click()
        page = visit.page
        page.wait_for_function("() => new URLSearchParams(location.search).get('event')"
                               " === 'fx-005'", timeout=WAIT_MS)
        card = page.locator(".kcm-evidence")
        card.wait_for(timeout=WAIT_MS)
        assert "Fixture report three" in card.inner_text()
        assert "fx-005" in card.inner_text()
        # The event table, drawn only when opened, opens to show the clicked event's row.
        page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=WAIT_MS)
        # The marker is ringed as the selected one, and its popup stays open over the rerun.
        frame = visit.map_frame()
        frame.locator(".kcm-selected[data-event='fx-005']").wait_for(timeout=WAIT_MS)
        assert frame.locator(".kcm-selected").count() == 1
        assert "fx-005" in frame.locator(".leaflet-popup-content").inner_text()
        # The map stays where it was: its place is in the link, so the link reopens it.
        params = parse_qs(urlsplit(page.url).query)
        assert "center" in params and "zoom" in params
        assert visit.outside == []
        assert visit.errors == []
    finally:
        visit.close()


def test_filter_change_redraws_events_without_reloading_the_map(browser, small_app):
    visit = Visit(browser, small_app)
    try:
        visit.wait_markers(8)
        page = visit.page
        visit.wait_idle()
        page.evaluate(f"""() => {{ document.querySelector("{FRAME}").contentWindow
                                   .__kcmProbe = 'same map'; }}""")
        page.get_by_text("Armenian side (3)", exact=True).click()
        visit.wait_markers(5)
        probe = page.evaluate(f"""() => document.querySelector("{FRAME}")
                                    .contentWindow.__kcmProbe""")
        assert probe == "same map"
        assert visit.map_frame().locator(".kcm-side-armenian").count() == 0
        assert visit.errors == []
    finally:
        visit.close()


def test_circles_zoom_in_and_rebin_until_the_events_show(browser, busy_app):
    visit = Visit(browser, busy_app)
    try:
        page = visit.page
        frame = visit.map_frame()
        frame.locator(".kcm-bin").first.wait_for(timeout=WAIT_MS)
        visit.wait_idle()  # the map has reported its fitted zoom, if it had to, and got layers
        assert frame.locator(".kcm-marker").count() == 0
        total = page.evaluate(f"""() => {{ let n = 0; document.querySelector("{FRAME}")
            .contentDocument.querySelectorAll('.kcm-bin svg')
            .forEach(s => {{ n += +s.dataset.n; }}); return n; }}""")
        assert 2000 < total <= 2500  # every located event is in a circle
        # Each circle is drawn at its own point (not pushed along by the ones before it).
        offsets = page.evaluate(f"""() => {{
          const w = document.querySelector("{FRAME}").contentWindow, out = [];
          for (const k of Object.keys(w)) if (k.startsWith('map_') && w[k].getZoom)
            w[k].eachLayer(l => {{
              if (!l._icon || !l._icon.classList.contains('kcm-bin')) return;
              const r = l._icon.getBoundingClientRect(), p = w[k].latLngToContainerPoint(
                l.getLatLng());
              out.push(Math.hypot(r.left + r.width / 2 - p.x, r.top + r.height / 2 - p.y));
            }});
          return out; }}""")
        assert len(offsets) > 10 and max(offsets) < 2
        # A circle's tooltip, made in the browser from its counts: the sides add up.
        hover = page.evaluate(VISIBLE, ".kcm-bin")
        box = page.locator(FRAME).bounding_box()
        page.mouse.move(box["x"] + hover[0], box["y"] + hover[1])
        tip = frame.locator(".kcm-bin-tip").first
        tip.wait_for(timeout=WAIT_MS)
        text = tip.inner_text()
        total_n = int(re.search(r"([\d,]+) events?", text).group(1).replace(",", ""))
        per_side = [int(n.replace(",", "")) for n in re.findall(
            r"(?:Armenian side|Azerbaijani side|Third party): ([\d,]+)", text)]
        assert per_side and sum(per_side) == total_n
        page.mouse.move(box["x"] + 5, box["y"] + box["height"] - 5)
        zooms = [page.evaluate(ZOOM)]
        for _ in range(6):
            if page.evaluate(VISIBLE, ".kcm-marker"):
                break
            target = page.evaluate(VISIBLE, ".kcm-bin:not([data-area])") or \
                page.evaluate(VISIBLE, ".kcm-bin")
            assert target is not None
            before = page.evaluate(LAYERS)
            _click(visit, target)
            page.wait_for_function(f"k => ({LAYERS})() !== k", arg=before, timeout=WAIT_MS)
            visit.wait_idle()
            zooms.append(page.evaluate(ZOOM))
        assert zooms == sorted(zooms) and zooms[-1] > zooms[0]
        symbol = page.evaluate(VISIBLE, ".kcm-marker")
        assert symbol is not None and symbol[3].startswith("syn-")
        # Zoomed in, the map's place is the analyst's: it is in the link.
        params = parse_qs(urlsplit(page.url).query)
        assert params["zoom"] == [str(zooms[-1])]
        _click(visit, symbol)
        page.wait_for_function("id => new URLSearchParams(location.search).get('event') === id",
                               arg=symbol[3], timeout=WAIT_MS)
        page.locator(".kcm-evidence").filter(has_text=symbol[3]).wait_for(timeout=WAIT_MS)
        assert visit.outside == []
        assert visit.errors == []
    finally:
        visit.close()
