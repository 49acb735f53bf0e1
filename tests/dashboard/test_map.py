"""The folium map, checked on its rendered HTML: local assets, escaped text, one feature each."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from dashboard import assets, style
from dashboard.data import boundaries_on
from dashboard.map import (
    build_map,
    declutter_towns,
    event_features,
    focus_bounds,
    popup_html,
    safe_link,
)
from events.schema import EVENT_TYPES, SIDE_LABELS, SIDES, TYPE_LABELS, read_geojson
from events.table import events_to_frame

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "events_small.geojson"
CDN_HINTS = ("cdn.", "jsdelivr", "cloudflare", "code.jquery.com", "unpkg", "bootstrapcdn",
             "googleapis")


@pytest.fixture(scope="module")
def frame():
    events, errors = read_geojson(FIXTURE)
    assert errors == []
    return events_to_frame(events)


@pytest.fixture(scope="module")
def page(frame):
    return build_map(frame).get_root().render()


def row_of(frame, event_id: str) -> dict:
    return frame[frame["event_id"] == event_id].iloc[0].to_dict()


def embedded_features(page: str) -> list[dict]:
    """The events FeatureCollection as embedded in the page's script."""
    match = re.search(r'_add\((\{"features": \[\{"geometry": \{"coordinates".*?\})\);\n', page)
    assert match, "no embedded GeoJSON found"
    return json.loads(match.group(1))["features"]


def test_every_script_and_stylesheet_is_served_locally(page):
    urls = assets.linked_asset_urls(page)
    assert urls, "the page links no assets at all"
    assert all(u.startswith(assets.STATIC_URL_PREFIX + "/") for u in urls), urls
    assert any(u.endswith("/leaflet/leaflet.js") for u in urls)
    assert any(u.endswith("/leaflet/leaflet.css") for u in urls)


def test_page_names_no_cdn(page):
    lowered = page.lower()
    assert [h for h in CDN_HINTS if h in lowered] == []


def test_online_tiles_are_offered_switched_off(page, frame):
    assert "tile.openstreetmap.org" in page
    # An overlay added to the map would be followed by .addTo(map_...); a hidden one is not.
    tile_var = re.search(r"var (tile_layer_\w+) = L\.tileLayer\(", page).group(1)
    assert f"{tile_var}.addTo(" not in page
    offline = build_map(frame, online_tiles=False).get_root().render()
    assert "openstreetmap" not in offline.lower()


def test_one_feature_per_located_event(page, frame):
    features = embedded_features(page)
    located = frame[frame["lon"].notna()]
    assert len(features) == len(located) == 8
    assert sorted(f["properties"]["id"] for f in features) == sorted(located["event_id"])


def test_events_layer_is_added_to_the_map_once(page):
    # the events layer is the last GeoJSON layer drawn
    names = re.findall(r"var (geo_json_\w+) = L\.geoJson\(null", page)
    assert names
    events_var = names[-1]
    assert page.count(f"{events_var}.addTo(map_") == 1


def test_map_carries_its_own_zoom_limits(page):
    assert re.search(r'"maxZoom": 18', page)


def test_many_events_are_clustered_with_local_assets(make_event):
    import dashboard.map as dmap

    events = [make_event(event_id=f"e{i}", lon=45 + (i % 50) / 20, lat=39 + (i // 50) / 20)
              for i in range(dmap.CLUSTER_THRESHOLD + 1)]
    page = build_map(events_to_frame(events)).get_root().render()
    assert "L.markerClusterGroup(" in page
    urls = assets.linked_asset_urls(page)
    assert any(u.endswith("/markercluster/leaflet.markercluster.js") for u in urls)
    assert all(u.startswith(assets.STATIC_URL_PREFIX + "/") for u in urls)
    few = build_map(events_to_frame(events[:10])).get_root().render()
    assert "markerClusterGroup" not in few


def test_event_without_a_place_is_not_drawn(frame):
    features = event_features(frame)["features"]
    assert "fx-009" not in {f["properties"]["id"] for f in features}


def test_features_carry_the_symbol_of_their_type_and_side(frame):
    features = {f["properties"]["id"]: f["properties"] for f in event_features(frame)["features"]}
    assert features["fx-001"]["k"] == "shelling|armenian"
    assert features["fx-005"]["k"] == "ceasefire|third_party"


def test_hostile_text_is_escaped_in_the_popup(frame):
    row = row_of(frame, "fx-007")
    html = popup_html(row)
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;window.__kcmPwned=1&lt;/script&gt;" in html
    assert "&lt;img src=y onerror=&quot;window.__kcmPwned=3&quot;&gt;" in html
    assert "&lt;/script&gt;&lt;script&gt;window.__kcmPwned=4" in html


def test_hostile_text_never_reaches_the_page_as_markup(page):
    assert "__kcmPwned" in page  # the text is there...
    assert "<script>window.__kcmPwned" not in page  # ...but never as a tag
    assert "<img src=x" not in page and "<img src=y" not in page
    assert "</script><script>" not in page


def test_javascript_link_is_not_made_clickable(frame):
    row = row_of(frame, "fx-007")
    html = popup_html(row)
    assert "href" not in html
    assert "javascript:" not in html


def test_popup_shows_every_field_the_analyst_needs(frame):
    row = row_of(frame, "fx-001")
    html = popup_html(row)
    for text in ("2020-09-27", "precision: day", "Shelling", "Armenian side",
                 "Fixture Defence Office", "Alpha", "precision: settlement", ">2<",
                 "Made-up strike on a town.", "Fixture Wire", "Fixture report one",
                 'href="https://example.org/one"', 'rel="noopener noreferrer"', "fx-001"):
        assert text in html, text


def test_popup_shows_evidence_when_present(frame):
    row = row_of(frame, "fx-002")
    row["evidence"] = 'They said "fire" & <b>left</b>.'
    html = popup_html(row)
    assert "They said &quot;fire&quot; &amp; &lt;b&gt;left&lt;/b&gt;." in html


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a?b=1", "https://example.org/a?b=1"),
        ("http://example.org", "http://example.org"),
        ("javascript:alert(1)", None),
        ("JAVASCRIPT:alert(1)", None),
        ("data:text/html,<script>1</script>", None),
        ("//example.org/x", None),
        ("ftp://example.org/file", None),
        ("https://exa mple.org", None),
        ("", None),
        (None, None),
    ],
)
def test_only_absolute_http_links_are_kept(url, expected):
    assert safe_link(url) == expected


@pytest.mark.parametrize(
    ("precision", "expected"),
    [("day", "2020-10-04"), ("week", "week of 2020-10-04"), ("month", "October 2020"),
     ("year", "2020"), (None, "2020-10-04")],
)
def test_date_is_written_as_exactly_as_its_precision(precision, expected):
    assert style.date_text(dt.date(2020, 10, 4), precision) == expected
    assert style.date_text(pd.Timestamp("2020-10-04"), precision) == expected


@pytest.mark.parametrize(("precision", "expected"), [
    ("day", "2020-10-04"), ("week", "wk 2020-10-04"), ("month", "2020-10"), ("year", "2020"),
])
def test_short_dates_fit_the_figure_list(precision, expected):
    assert style.date_text(pd.Timestamp("2020-10-04"), precision, short=True) == expected


@pytest.mark.parametrize("missing", [None, pd.NaT, pd.NA, float("nan"), "", "not a date"])
def test_missing_date_is_said_to_be_unknown(missing):
    assert style.date_text(missing, None) == "date unknown"
    assert style.date_text(missing, "day", short=True) == "unknown"


def test_legend_lists_every_side_and_type():
    html = style.legend_html()
    for side in SIDES:
        assert SIDE_LABELS[side] in html
        assert style.SIDE_COLOURS[side] in html
    for event_type in EVENT_TYPES:
        assert TYPE_LABELS[event_type] in html
        assert style.TYPE_SHAPES[event_type] in html


def test_legend_is_on_the_map(page):
    assert "kcm-legend" in page
    assert "Reporting side (colour)" in page


def test_every_type_and_side_has_its_own_symbol():
    assert set(style.TYPE_SHAPES) == set(EVENT_TYPES) == set(style.TYPE_MPL_MARKERS)
    assert len(set(style.TYPE_SHAPES.values())) == len(EVENT_TYPES)
    assert set(style.SIDE_COLOURS) == set(SIDES)
    assert len(set(style.SIDE_COLOURS.values())) == len(SIDES)


def test_inline_map_needs_no_server(frame):
    page = assets.standalone_html(build_map(frame, online_tiles=False))
    urls = assets.linked_asset_urls(page)
    assert urls and all(u.startswith("data:") for u in urls)
    assert "/app/static" not in page
    assert "url(images/" not in page


def test_inline_stylesheet_carries_its_images():
    import base64

    url = assets.inline_url("leaflet_css")
    css = base64.b64decode(url.split(",", 1)[1]).decode()
    assert "url(images/" not in css
    assert "url(data:image/png;base64," in css


def test_an_asset_with_no_local_copy_is_refused(frame):
    fmap = build_map(frame)
    fmap.default_js = [*fmap.default_js, ("mystery", "https://cdn.example.org/m.js")]
    with pytest.raises(assets.UnknownAssetError, match="mystery"):
        assets.localise(fmap)


def test_install_static_copies_assets_once(tmp_path):
    vendor = assets.install_static(tmp_path)
    leaflet = vendor / "leaflet" / "leaflet.js"
    source = assets.package_dir(assets.ASSETS["leaflet"]) / "leaflet.js"
    assert leaflet.read_bytes() == source.read_bytes()
    assert (vendor / "leaflet" / "images" / "layers.png").is_file()
    assert (vendor / "jquery" / "jquery.min.js").is_file()
    assert (vendor / "markercluster" / "leaflet.markercluster.js").is_file()
    before = leaflet.stat().st_mtime_ns
    assets.install_static(tmp_path)
    assert leaflet.stat().st_mtime_ns == before


def test_install_static_repairs_a_damaged_file(tmp_path):
    vendor = assets.install_static(tmp_path)
    target = vendor / "leaflet" / "leaflet.css"
    target.write_text("broken")
    assets.install_static(tmp_path)
    assert target.read_bytes() != b"broken"
    assert list(vendor.rglob("*.tmp")) == []


def test_map_shows_country_outlines_and_the_karabakh_outline(frame):
    from geodata.layers import load_basemap, load_layers

    layers, messages = load_layers()
    assert messages == []
    drawn = boundaries_on(dt.date(2020, 10, 1), layers)
    page = build_map(frame, basemap=load_basemap(), boundaries=drawn).get_root().render()
    assert "Countries" in page
    assert "Nagorno-Karabakh Autonomous Oblast" in page
    assert "Line of contact 1994" in page  # valid on that day
    assert "Azerbaijani control of the whole region" not in page  # not yet valid


def test_reference_outline_is_drawn_on_any_day():
    from geodata.layers import load_layers

    layers, _ = load_layers()
    names = [layer.name for layer in boundaries_on(dt.date(2024, 1, 1), layers)]
    assert "nkao" in names
    assert names.index("nkao") > names.index("countries")


def test_opening_view_ignores_events_far_from_the_region():
    def point(lon, lat):
        return {"geometry": {"coordinates": [lon, lat]}}

    features = [point(46.7, 39.8), point(47.1, 40.1), point(-77.0, 38.9)]
    assert focus_bounds(features) == [[39.8, 46.7], [40.1, 47.1]]
    assert focus_bounds([point(-77.0, 38.9)]) is None


def test_events_at_one_point_are_spread_apart(make_event):
    frame = events_to_frame([
        make_event(event_id=f"e{i}", lon=46.75, lat=39.82) for i in range(12)
    ])
    offsets = [tuple(f["properties"].get("o", (0.0, 0.0)))
               for f in event_features(frame)["features"]]
    assert offsets[0] == (0.0, 0.0)
    assert len(set(offsets)) == 12
    for i, (x, y) in enumerate(offsets):
        for u, v in offsets[i + 1:]:
            assert math.hypot(x - u, y - v) >= style.MARKER_SIZE_PX * 0.5


def test_town_labels_do_not_crowd():
    import geopandas as gpd
    from shapely.geometry import Point

    towns = gpd.GeoDataFrame(
        {"name": ["Capital", "Suburb", "Far town"], "population": [1_000_000, 100_000, 5_000]},
        geometry=[Point(44.5, 40.18), Point(44.52, 40.2), Point(46.3, 39.5)], crs=4326,
    )
    assert [name for name, _, _ in declutter_towns(towns)] == ["Capital", "Far town"]


def bins_of(page: str) -> list[dict]:
    """The count-circle features embedded in a binned page (they carry ``n`` and ``s``)."""
    found = []
    for match in re.finditer(r'_add\((\{"features": .*?\})\);\n', page):
        feats = json.loads(match.group(1))["features"]
        if feats and "n" in feats[0]["properties"] and "tip" in feats[0]["properties"] \
                and "s" in feats[0]["properties"]:
            found.extend(feats)
    return found


def test_many_events_are_drawn_as_count_circles_with_side_counts(make_event):
    sides = ["armenian", "azerbaijani", "azerbaijani", "third_party"]
    events = [make_event(event_id=f"b{i}", reporting_side=sides[i % 4],
                         lon=46 + (i % 40) / 40, lat=39.5 + (i // 40) / 40)
              for i in range(200)]
    frame = events_to_frame(events)
    page = build_map(frame, bin_threshold=100, zoom=8).get_root().render()
    circles = bins_of(page)
    assert 0 < len(circles) < 200
    assert sum(f["properties"]["n"] for f in circles) == 200
    totals = [sum(f["properties"]["s"][i] for f in circles) for i in range(len(SIDES))]
    assert totals == [sum(1 for s in sides * 50 if s == side) for side in SIDES]
    assert '"popup"' not in page  # no per-event popup is sent when binned
    tip = circles[0]["properties"]["tip"]
    assert "event" in tip and SIDE_LABELS["azerbaijani"] in page
    below = build_map(frame, bin_threshold=200).get_root().render()
    assert bins_of(below) == []
    assert len(embedded_features(below)) == 200


def test_count_circle_tooltip_is_escaped():
    tip = dmap_bin_tooltip()(3, [1, 2, 0], place="<script>alert(1)</script>",
                             precision="district")
    assert "<script>" not in tip and "&lt;script&gt;" in tip
    assert f"{SIDE_LABELS['armenian']}: 1" in tip and f"{SIDE_LABELS['azerbaijani']}: 2" in tip
    assert SIDE_LABELS["third_party"] not in tip


def dmap_bin_tooltip():
    from dashboard.map import bin_tooltip

    return bin_tooltip


def test_binned_areas_of_imprecise_events_are_one_layer(make_event):
    events = [make_event(event_id=f"p{i}", lon=46 + (i % 30) / 30, lat=39.5 + (i // 30) / 30)
              for i in range(120)]
    events += [make_event(event_id=f"d{i}", place=f"<b>Area {i % 3}</b>",
                          geo_precision="district", lon=46.5 + i % 3, lat=40.0)
               for i in range(30)]
    page = build_map(events_to_frame(events), bin_threshold=100, zoom=8,
                     precision_areas=True).get_root().render()
    circles = bins_of(page)
    assert sum(f["properties"]["n"] for f in circles) == 150
    assert page.count("L.circle(latlng, o)") == 1  # all areas in one layer, not one object each
    assert "<b>Area 0</b>" not in page
    assert "&lt;b&gt;Area 0" in page.replace("\\u0026", "&")


def test_bin_grid_follows_the_zoom(make_event):
    events = [make_event(event_id=f"z{i}", lon=45 + (i % 50) / 10, lat=39 + (i // 50) / 10)
              for i in range(500)]
    frame = events_to_frame(events)
    coarse = bins_of(build_map(frame, bin_threshold=100, zoom=6).get_root().render())
    fine = bins_of(build_map(frame, bin_threshold=100, zoom=10).get_root().render())
    assert len(coarse) < len(fine)
