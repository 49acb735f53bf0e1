"""The page's map data: events as symbols or count circles for a zoom and area, sent as data."""

from __future__ import annotations

import json

import pytest

from dashboard.aggregate import cell_degrees
from dashboard.map import (
    EVENTS_LAYER_NAME,
    PAGE_MAX_POINTS,
    base_map,
    event_bounds,
    padded_bbox,
    page_layers,
    page_map_style,
    view_bbox,
)
from dashboard.query import sorted_positions
from events.schema import EVENT_TYPES, SIDES
from events.synthetic import synthetic_frame
from events.table import events_to_frame


@pytest.fixture(scope="module")
def many():
    return synthetic_frame(4000, seed=3)


def located(frame):
    return frame[frame["lon"].notna() & frame["lat"].notna()]


def test_few_events_each_get_a_symbol_with_id_and_escaped_popup(make_event):
    frame = events_to_frame([
        make_event(event_id="e1", notes="<script>alert(1)</script>"),
        make_event(event_id="e2", reporting_side="azerbaijani", lon=46.0, lat=40.0),
        make_event(event_id="e3", lon=None, lat=None),
    ])
    out = page_layers(frame, zoom=8)
    assert out["mode"] == "points" and "bins" not in out
    assert sorted(s[2] for s in out["symbols"]) == ["e1", "e2"]
    by_id = {s[2]: s for s in out["symbols"]}
    assert by_id["e2"][:2] == [46.0, 40.0]
    assert by_id["e2"][3] == f"{frame.loc[1, 'event_type']}|azerbaijani"
    assert "<script>" not in by_id["e1"][6] and "&lt;script&gt;" in by_id["e1"][6]
    json.dumps(out)  # all of it goes to the browser as JSON


def test_many_events_become_count_circles_that_hold_every_event(many):
    out = page_layers(many, zoom=8)
    assert out["mode"] == "bins" and "symbols" not in out
    assert out["n"] == len(located(many)) > PAGE_MAX_POINTS
    assert sum(b[2] for b in out["bins"]) == out["n"]
    for b in out["bins"]:
        assert sum(b[3]) == b[2] and len(b[3]) == len(SIDES)
        assert b[5] in (0, 1)
    # Area-level events are circles of their own, flagged, with their place in the tooltip.
    assert any(b[5] for b in out["bins"]) and any(not b[5] for b in out["bins"])


def test_circles_get_finer_as_the_map_zooms_in(many):
    coarse = page_layers(many, zoom=7)
    fine = page_layers(many, zoom=10)
    settled = [b for b in coarse["bins"] if not b[5]]
    assert len([b for b in fine["bins"] if not b[5]]) > len(settled)


def test_only_events_in_the_area_asked_for_are_sent(many):
    box = (46.0, 39.5, 46.5, 40.0)
    out = page_layers(many, zoom=12, bbox=box)
    points = located(many)
    inside = points["lon"].between(box[0], box[2]) & points["lat"].between(box[1], box[3])
    assert out["n"] == int(inside.sum()) < len(points)
    assert out["bbox"] == list(box) and out["zoom"] == 12
    assert out["mode"] == "points"  # few enough in this box: the events themselves
    assert {s[2] for s in out["symbols"]} == set(points.loc[inside, "event_id"])


def test_padded_box_holds_the_view_and_snaps_to_the_grid():
    box = (46.01, 39.52, 46.33, 39.71)
    for zoom in (6, 9, 13):
        out = padded_bbox(box, zoom)
        assert out[0] < box[0] and out[1] < box[1] and out[2] > box[2] and out[3] > box[3]
        step = cell_degrees(zoom) * 4
        assert all(abs(v / step - round(v / step)) < 1e-6 for v in out)
    # A small pan asks for the same area, which the page has already computed.
    assert padded_bbox((46.011, 39.521, 46.331, 39.711), 9) == padded_bbox(box, 9)


def test_view_box_narrows_with_zoom_around_its_centre():
    wide, narrow = view_bbox((40.0, 46.5), 8), view_bbox((40.0, 46.5), 12)
    assert wide[0] < narrow[0] < 46.5 < narrow[2] < wide[2]
    assert wide[1] < narrow[1] < 40.0 < narrow[3] < wide[3]
    assert (narrow[2] - narrow[0]) * 16 == pytest.approx(wide[2] - wide[0])


def test_event_bounds_ignore_points_far_outside_the_region(make_event):
    frame = events_to_frame([make_event(event_id="a", lon=46.0, lat=39.5),
                             make_event(event_id="b", lon=47.0, lat=40.5),
                             make_event(event_id="talks", lon=2.35, lat=48.85)])
    assert event_bounds(frame) == [[39.5, 46.0], [40.5, 47.0]]
    assert event_bounds(frame.iloc[0:0]) is None


def test_base_map_has_no_events_layer():
    html = base_map().get_root().render()
    assert "leaflet" in html and EVENTS_LAYER_NAME not in html
    assert "kcm-legend" in html


def test_map_style_has_a_symbol_for_every_type_and_side():
    style = page_map_style()
    assert set(style["icons"]) == {""} | {f"{t}|{s}" for t in EVENT_TYPES for s in SIDES}
    assert len(style["colours"]) == len(SIDES)


def test_table_order_sorts_every_event_with_missing_values_last(make_event):
    frame = events_to_frame([make_event(event_id="a", fatalities=2),
                             make_event(event_id="b", fatalities=None),
                             make_event(event_id="c", fatalities=7),
                             make_event(event_id="d", fatalities=2)])
    ids = frame["event_id"].to_numpy()
    assert list(ids[sorted_positions(frame, None)]) == ["a", "b", "c", "d"]
    assert list(ids[sorted_positions(frame, "fatalities")]) == ["a", "d", "c", "b"]
    assert list(ids[sorted_positions(frame, "fatalities", descending=True)]) == \
        ["c", "a", "d", "b"]


def test_circles_carry_escaped_places_and_no_per_circle_markup(make_event):
    """Area circles and their count circles name their place escaped; the wording is the map's."""
    hostile = '<img src=x onerror="alert(1)">'
    events = [make_event(event_id=f"a{i}", place=hostile, location_name=hostile,
                         geo_precision="district", lon=46.5, lat=39.8,
                         reporting_side=("armenian", "azerbaijani")[i % 2])
              for i in range(6)]
    events += [make_event(event_id=f"p{i}", lon=45 + i / 300, lat=40.0) for i in range(40)]
    out = page_layers(events_to_frame(events), zoom=8, max_points=10)
    assert out["mode"] == "bins"
    area_bins = [b for b in out["bins"] if b[5]]
    assert len(area_bins) == 1 and area_bins[0][2] == 6 and area_bins[0][3][:2] == [3, 3]
    assert area_bins[0][4] == "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; (district)"
    assert all(b[4] == "" for b in out["bins"] if not b[5])
    [circle] = out["areas"]["circles"]
    assert circle[:2] == [46.5, 39.8] and circle[4] == "district" and circle[6] == 6
    assert "<img" not in circle[5] and "&lt;img" in circle[5]
    assert circle[3] == SIDES.index("armenian")  # a tie: the first side of the two
    text = json.dumps(out)
    assert "<img" not in text and "kcm-bin-tip" not in text
    assert page_map_style()["side_labels"] == ["Armenian side", "Azerbaijani side", "Third party"]


def test_base_map_is_published_once_as_a_file_named_by_its_content(tmp_path):
    from dashboard.ui.map_view import BASE_URL_PREFIX, publish_base

    html = base_map().get_root().render()
    url = publish_base(html, tmp_path)
    assert url.startswith(BASE_URL_PREFIX + "/base-") and url.endswith(".html")
    path = tmp_path / url.removeprefix("/app/static/")
    assert path.read_text(encoding="utf-8") == html
    stamp = path.stat().st_mtime_ns
    assert publish_base(html, tmp_path) == url and path.stat().st_mtime_ns == stamp
    other = publish_base(html.replace("kcm-legend", "kcm-legend kcm-other"), tmp_path)
    assert other != url and path.is_file()


def test_only_the_newest_base_maps_are_kept(tmp_path):
    from dashboard.ui.map_view import BASE_FILES_KEPT, publish_base

    urls = [publish_base(f"<html>base {i}</html>", tmp_path)
            for i in range(BASE_FILES_KEPT + 5)]
    folder = tmp_path / "vendor" / "basemap"
    assert len(list(folder.glob("base-*.html"))) <= BASE_FILES_KEPT
    assert (tmp_path / urls[-1].removeprefix("/app/static/")).is_file()
