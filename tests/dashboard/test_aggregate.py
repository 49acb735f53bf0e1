"""What the map sends: precision-honest shapes, and bins when points are too many."""

from __future__ import annotations

import json

import pytest
import shapely

from dashboard.aggregate import (
    PRECISION_RADIUS_M,
    bin_points,
    cell_degrees,
    district_shapes,
    map_data,
)
from events.synthetic import synthetic_frame
from events.table import events_to_frame


@pytest.fixture
def frame(make_event):
    return events_to_frame([
        make_event(event_id="s1"),
        make_event(event_id="s2", reporting_side="azerbaijani", lon=46.76, lat=39.76),
        make_event(event_id="d1", place="Aghdam District", geo_precision="district",
                   lon=46.9274, lat=39.991),
        make_event(event_id="d2", place="Aghdam District", geo_precision="district",
                   reporting_side="third_party", lon=46.9274, lat=39.991),
        make_event(event_id="r1", place="Nagorno-Karabakh", geo_precision="region",
                   lon=46.75, lat=39.85),
        make_event(event_id="x", lon=None, lat=None, geo_precision=None),
        make_event(event_id="u", geo_precision=None, place="Somewhere", lon=46.5, lat=39.5),
    ])


def features(data):
    return data.features["features"]


def test_settlements_are_points_and_areas_are_areas(frame):
    data = map_data(frame, zoom=8, area_shapes={"Aghdam District": {"type": "Polygon",
                                                                   "coordinates": []}})
    assert data.mode == "points"
    points = {f["properties"]["k"]: f for f in features(data) if "k" in f["properties"]}
    assert sorted(points) == ["shelling|armenian", "shelling|azerbaijani"]
    arm = points["shelling|armenian"]
    assert arm["geometry"] == {"type": "MultiPoint", "coordinates": [[46.7519, 39.8153]]}
    assert data.ids[arm["properties"]["o"]] == "s1"
    aze = points["shelling|azerbaijani"]
    assert data.ids[aze["properties"]["o"]] == "s2"
    areas = {f["properties"]["name"]: f["properties"] for f in features(data)
             if "name" in f["properties"]}
    assert areas["Aghdam District"]["n"] == 2
    assert areas["Aghdam District"]["s"] == [1, 0, 1]
    assert areas["Aghdam District"]["a"] == "Aghdam District"
    agdam = areas["Aghdam District"]
    assert sorted(data.ids[agdam["o"]:agdam["o"] + agdam["m"]]) == ["d1", "d2"]
    assert "r" not in areas["Aghdam District"]
    assert areas["Nagorno-Karabakh"]["r"] == PRECISION_RADIUS_M["region"]
    assert [f["id"] for f in data.areas["features"]] == ["Aghdam District"]
    assert areas["Somewhere"]["g"] == "unknown"  # unknown precision is not a pin
    assert areas["Somewhere"]["r"] == PRECISION_RADIUS_M["district"]
    assert data.n_events == 6  # the event without a point is not drawn


def test_district_without_outline_gets_a_radius(frame):
    data = map_data(frame, zoom=8)
    props = [f["properties"] for f in features(data) if f["properties"].get("g") == "district"]
    assert props[0]["r"] == PRECISION_RADIUS_M["district"]
    assert data.areas["features"] == []


def test_bbox_keeps_only_points_in_view(frame):
    data = map_data(frame, zoom=10, bbox=(46.70, 39.80, 46.80, 39.82))
    assert len(features(data)) == 1
    assert data.ids == ["s1"] and features(data)[0]["properties"]["o"] == 0


def test_many_points_are_binned_with_counts_that_add_up():
    frame = synthetic_frame(20_000, seed=4)
    settlements = frame[frame["geo_precision"] == "settlement"]
    data = map_data(frame, zoom=8, max_points=1000)
    assert data.mode == "bins"
    bins = [f["properties"] for f in features(data) if "name" not in f["properties"]]
    assert sum(b["n"] for b in bins) == len(settlements)
    assert all(sum(b["s"]) == b["n"] for b in bins)
    per_side = [sum(b["s"][i] for b in bins) for i in range(3)]
    assert per_side == [int((settlements["reporting_side"] == s).sum())
                        for s in ("armenian", "azerbaijani", "third_party")]
    assert len(bins) < len(settlements) / 5
    assert data.ids == []  # bins and areas in bins mode carry counts, not ids
    # Fewer bytes than every point, though points are compact too.
    points = map_data(frame, zoom=8, max_points=10**9)
    assert len(data.to_json()) < len(points.to_json())


def test_point_indices_cover_every_event_once():
    frame = synthetic_frame(3_000, seed=6)
    data = map_data(frame, zoom=8, max_points=10**9)
    settlements = frame[frame["geo_precision"] == "settlement"]
    seen = []
    for feat in features(data):
        if "k" not in feat["properties"]:
            continue
        coords = feat["geometry"]["coordinates"]
        index = range(feat["properties"]["o"], feat["properties"]["o"] + len(coords))
        for i, (lon, lat) in zip(index, coords, strict=True):
            row = settlements[settlements["event_id"] == data.ids[i]].iloc[0]
            assert (lon, lat) == (round(row["lon"], 4), round(row["lat"], 4))
            assert feat["properties"]["k"] == f"{row['event_type']}|{row['reporting_side']}"
            seen.append(i)
    assert sorted(seen) == list(range(len(settlements)))
    assert len(data.ids) > len(settlements)  # area events follow the points


def test_bins_get_finer_as_the_map_zooms_in():
    assert cell_degrees(9) == pytest.approx(cell_degrees(8) / 2)
    frame = synthetic_frame(5_000, seed=5)
    points = frame[frame["geo_precision"] == "settlement"]
    coarse, fine = bin_points(points, 7), bin_points(points, 10)
    assert len(coarse) < len(fine)
    assert coarse["n"].sum() == fine["n"].sum() == len(points)
    # Each circle sits at the mean of its events, inside the region's box.
    assert fine["lon"].between(44.5, 48).all() and fine["lat"].between(39, 41.5).all()


def test_district_shapes_contain_their_seat():
    shapes = district_shapes()
    aghdam = shapely.geometry.shape(shapes["Aghdam District"])
    assert aghdam.geom_type in ("Polygon", "MultiPolygon")
    assert aghdam.buffer(0.02).contains(shapely.Point(46.9274, 39.991))
    json.dumps(shapes)  # plain JSON, ready for the browser
