"""Exports of a view: files that read back to the same events, and errors that say why."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pandas as pd
import pytest
from PIL import Image

from dashboard import export as ex
from dashboard import snapshot
from dashboard.query import apply_view
from dashboard.view import View
from events.schema import TYPE_LABELS, read_geojson
from events.store import open_store
from events.table import events_to_frame, frame_to_events

HOSTILE = "<script>alert('x')</script> $\\frac{$ \x07"


@pytest.fixture
def events(make_event):
    out = []
    for i, (side, kind, precision, day) in enumerate([
        ("armenian", "shelling", "settlement", dt.date(2020, 10, 2)),
        ("azerbaijani", "shelling", "district", dt.date(2020, 10, 5)),
        ("azerbaijani", "offensive", "settlement", dt.date(2020, 10, 20)),
        ("third_party", "ceasefire", "region", dt.date(2020, 11, 10)),
        ("armenian", "displacement", "settlement", dt.date(2020, 10, 1)),
    ]):
        out.append(make_event(event_id=f"x{i}", reporting_side=side, event_type=kind,
                              geo_precision=precision, event_date=day,
                              date_precision="month" if i == 4 else "day",
                              fatalities=None if i % 2 else i, outlet="Wire" if i else "",
                              reported_by=("armenian", "third_party") if i == 1 else (),
                              notes=HOSTILE if i == 2 else f"note {i}"))
    out.append(make_event(event_id="x-nopoint", lon=None, lat=None, geo_precision=None,
                          reporting_side="azerbaijani", event_date=dt.date(2020, 10, 9)))
    out.append(make_event(event_id="x-undated", event_date=None, date_precision=None))
    return out


@pytest.fixture
def frame(events):
    return events_to_frame(events)


OCTOBER = View(start=dt.date(2020, 10, 1), end=dt.date(2020, 10, 31))


def _expected(frame, view):
    events, errors = frame_to_events(apply_view(frame, view))
    assert not errors
    return sorted(events, key=lambda e: e.event_id)


# -- data files read back equal ----------------------------------------------------------


def test_geojson_reads_back_the_same_valid_events(frame, tmp_path):
    result = ex.export(frame, OCTOBER, "geojson", tmp_path / "out.geojson")
    back, errors = read_geojson(result.path)
    assert errors == []
    assert sorted(back, key=lambda e: e.event_id) == _expected(frame, OCTOBER)
    assert result.count == len(back) == 5  # four dated in October + the place-less one
    doc = json.loads(result.path.read_text(encoding="utf-8"))
    nulls = [f for f in doc["features"] if f["geometry"] is None]
    assert [f["id"] for f in nulls] == ["x-nopoint"]


def test_csv_reads_back_the_same_valid_events(frame, tmp_path):
    result = ex.export(frame, View(), "csv", tmp_path / "out.csv")
    table = pd.read_csv(result.path, dtype=str, keep_default_na=False)
    assert list(table.columns[:4]) == ["event_id", "article_id", "event_type", "reporting_side"]
    back, errors = frame_to_events(table)
    assert errors == []
    assert sorted(back, key=lambda e: e.event_id) == _expected(frame, View())
    month = table.set_index("event_id").loc["x4"]
    assert (month["date_start"], month["date_end"]) == ("2020-10-01", "2020-10-31")


def test_gpkg_is_a_store_holding_the_same_events(frame, tmp_path):
    view = View(sides=("azerbaijani",))
    result = ex.export(frame, view, "gpkg", tmp_path / "out.gpkg")
    store = open_store(result.path)
    assert sorted(store.events(), key=lambda e: e.event_id) == _expected(frame, view)
    assert result.count == 3
    assert [p.name for p in tmp_path.iterdir()] == ["out.gpkg"]  # no work files left


def test_gpkg_replaces_an_existing_file_instead_of_appending(frame, tmp_path):
    target = tmp_path / "out.gpkg"
    ex.export(frame, View(), "gpkg", target)
    ex.export(frame, View(sides=("third_party",)), "gpkg", target)
    assert [e.event_id for e in open_store(target).events()] == ["x3"]


def test_every_format_applies_the_view(frame, tmp_path):
    view = View(types=("shelling",))
    for fmt, name in (("geojson", "a.geojson"), ("csv", "a.csv"), ("acled-csv", "b.csv"),
                      ("gpkg", "a.gpkg")):
        expected = int((frame["event_type"] == "shelling").sum())
        assert ex.export(frame, view, fmt, tmp_path / name).count == expected == 4, fmt


# -- ACLED --------------------------------------------------------------------------


def _acled(frame, tmp_path, view=None):
    result = ex.export(frame, view or View(), "acled-csv", tmp_path / "acled.csv")
    return pd.read_csv(result.path, dtype=str, keep_default_na=False).set_index("event_id_cnty")


def test_acled_csv_has_acleds_columns(frame, tmp_path):
    table = _acled(frame, tmp_path)
    required = ["event_date", "event_type", "sub_event_type", "actor1", "admin1", "location",
                "latitude", "longitude", "geo_precision", "time_precision", "source", "notes",
                "fatalities"]
    assert set(required) <= set(table.columns)
    assert len(table) == len(frame)


def test_acled_codes_precision_as_acled_does(frame, tmp_path):
    table = _acled(frame, tmp_path)
    assert table.loc["x0", "geo_precision"] == "1"  # settlement
    assert table.loc["x1", "geo_precision"] == "2"  # district
    assert table.loc["x3", "geo_precision"] == "3"  # region
    assert table.loc["x0", "time_precision"] == "1"  # day
    assert table.loc["x4", "time_precision"] == "3"  # month
    assert table.loc["x-undated", "event_date"] == ""


def test_acled_types_and_sources(frame, tmp_path):
    table = _acled(frame, tmp_path)
    assert tuple(table.loc["x0", ["event_type", "sub_event_type"]]) == (
        "Explosions/Remote violence", "Shelling/artillery/missile attack")
    assert tuple(table.loc["x3", ["event_type", "sub_event_type"]]) == (
        "Strategic developments", "Agreement")
    assert (table["actor1"] == "").all()  # the claimant is not the actor
    assert table.loc["x0", "source"] == "Armenian Defence Ministry"
    assert table.loc["x1", "source"] == "Armenian Defence Ministry; Wire"
    assert "type=Shelling" in table.loc["x1", "tags"]


def test_acled_fatalities_zero_when_unreported_but_tagged(frame, tmp_path):
    table = _acled(frame, tmp_path)
    assert table.loc["x2", "fatalities"] == "2"
    assert table.loc["x1", "fatalities"] == "0"
    assert "fatalities not reported" in table.loc["x1", "tags"]
    assert "fatalities not reported" not in table.loc["x2", "tags"]


def test_acled_admin1_is_the_region_of_the_point(frame, tmp_path):
    table = _acled(frame, tmp_path)
    assert table.loc["x0", "admin1"] == "Former NKAO"  # Stepanakert
    assert table.loc["x-nopoint", "admin1"] == ""


def test_acled_maps_every_event_type():
    assert set(ex.ACLED_TYPES) == set(TYPE_LABELS)


# -- figures and the map -------------------------------------------------------------------


def test_png_export_writes_the_asked_size(frame, tmp_path):
    result = ex.export(frame, OCTOBER, "png", tmp_path / "b.png", preset="a4-landscape",
                       dpi=80)
    with Image.open(result.path) as image:
        assert image.size == snapshot.pixel_size("a4-landscape", 80)
        assert round(image.info["dpi"][0]) == 80
        assert "from=2020-10-01" in image.info["Description"]


def test_pdf_export_has_the_map_page_and_the_list(frame, tmp_path):
    result = ex.export(frame, View(), "pdf", tmp_path / "b.pdf", preset="a4-portrait")
    data = result.path.read_bytes()
    assert data.startswith(b"%PDF")
    pages = re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data)
    assert len(pages) == 1 + snapshot.list_page_count(len(frame), "a4-portrait") == 2
    assert re.search(rb"/MediaBox\s*\[\s*0\s+0\s+595\.2\d*\s+841\.8\d*\s*\]", data)
    only_map = ex.export(frame, View(), "pdf", tmp_path / "c.pdf", event_list=False)
    assert len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", only_map.path.read_bytes())) == 1


def test_html_export_is_one_offline_file_with_escaped_text(frame, tmp_path):
    view = View(sides=("azerbaijani",))
    result = ex.export(frame, view, "html", tmp_path / "map.html", title=HOSTILE)
    page = result.path.read_text(encoding="utf-8")
    urls = re.findall(r"<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*[\"']([^\"']+)", page)
    assert urls and all(u.startswith("data:") for u in urls)
    assert not re.search(r"https?://(?!www\.w3\.org)[^\s\"'<>)]*\.(?:js|css)\b", page)
    assert "tile.openstreetmap.org" not in page
    assert "<script>alert('x')</script>" not in page
    assert html.escape("<script>alert('x')</script>") in page
    assert result.count == 3
    assert page.count('"id": "x') + page.count('"id":"x') >= 2  # the located events


def test_html_export_takes_the_view_extent(frame, tmp_path):
    view = View(extent=(46.0, 39.5, 47.5, 40.5))
    page = ex.export(frame, view, "html", tmp_path / "map.html").path.read_text()
    assert "[[39.5, 46.0], [40.5, 47.5]]" in page


# -- bad input ---------------------------------------------------------------------------


def test_unknown_format_is_refused(frame, tmp_path):
    with pytest.raises(ex.UnknownFormatError, match="unknown format 'docx'"):
        ex.export(frame, View(), "docx", tmp_path / "x.docx")
    with pytest.raises(ex.UnknownFormatError, match="suffix"):
        ex.export(frame, View(), None, tmp_path / "x.docx")
    assert list(tmp_path.iterdir()) == []


def test_format_follows_the_suffix(frame, tmp_path):
    assert ex.export(frame, View(), None, tmp_path / "a.geojson").format == "geojson"
    assert ex.format_for_path("brief.PNG") == "png"


def test_an_option_the_format_does_not_take_is_an_error(frame, tmp_path):
    with pytest.raises(ex.ExportError, match="dpi do not apply to csv|dpi.*csv"):
        ex.export(frame, View(), "csv", tmp_path / "a.csv", dpi=300)


def test_unwritable_output_is_a_clear_error(frame, tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("keep me")
    for fmt, name in (("png", "a.png"), ("geojson", "a.geojson"), ("gpkg", "a.gpkg")):
        with pytest.raises(ex.OutputPathError, match=r"cannot write .*file\.txt"):
            ex.export(frame, View(), fmt, blocker / name)
    with pytest.raises(ex.OutputPathError, match="is a directory"):
        ex.export(frame, View(), "csv", tmp_path)
    assert blocker.read_text() == "keep me"


def test_a_failed_export_leaves_the_old_file_whole(frame, tmp_path):
    target = tmp_path / "brief.csv"
    target.write_text("previous brief")
    with pytest.raises(ex.ExportError, match="lacks column"):
        ex.export(frame.drop(columns=["reporting_side"]), View(), "csv", target)
    assert target.read_text() == "previous brief"
    assert [p.name for p in tmp_path.iterdir()] == ["brief.csv"]


def test_missing_folders_are_created(frame, tmp_path):
    result = ex.export(frame, View(), "csv", tmp_path / "2020" / "10" / "brief.csv")
    assert result.path.is_file()


@pytest.mark.parametrize(
    ("view", "message"),
    [(View(sides=("martian",)), "side 'martian'"), (View(extent=(50.0, 40.0, 45.0, 41.0)),
                                                     "bad extent"),
     (View(start=dt.date(2021, 1, 2), end=dt.date(2021, 1, 1)), "reversed")],
)
def test_bad_views_are_refused_before_anything_is_written(frame, tmp_path, view, message):
    with pytest.raises(ex.ExportError, match=message):
        ex.export(frame, view, "csv", tmp_path / "a.csv")
    assert not (tmp_path / "a.csv").exists()


def test_invalid_rows_are_reported_and_left_out(frame, tmp_path):
    broken = frame.copy()
    broken.loc[broken["event_id"] == "x0", "confidence"] = 7.0
    result = ex.export(broken, View(), "geojson", tmp_path / "a.geojson")
    assert result.count == len(frame) - 1
    assert len(result.problems) == 1 and "confidence" in result.problems[0]
    back, _ = read_geojson(result.path)
    assert "x0" not in {e.event_id for e in back}


def test_exports_get_the_mode_of_a_new_file_not_a_private_temporary(frame, tmp_path):
    import os

    mask = os.umask(0o022)
    os.umask(mask)
    result = ex.export(frame, View(), "geojson", tmp_path / "a.geojson")
    assert result.path.stat().st_mode & 0o777 == 0o666 & ~mask


# -- for the page's download button --------------------------------------------------------


def test_export_bytes_are_the_file_export_writes(frame, tmp_path):
    data, result = ex.export_bytes(frame, OCTOBER, "csv")
    written = ex.export(frame, OCTOBER, "csv", tmp_path / "a.csv")
    assert data == written.path.read_bytes()
    assert result.count == written.count == 5
    gpkg, _ = ex.export_bytes(frame, OCTOBER, "gpkg")
    assert gpkg.startswith(b"SQLite format 3\x00")


def test_suggested_filename_says_what_is_inside():
    view = View(start=dt.date(2020, 10, 1), end=dt.date(2020, 10, 31),
                types=("shelling",))
    assert ex.suggested_filename(view, "png") == "kcm_2020-10-01_2020-10-31_shelling.png"
    assert ex.suggested_filename(View(), "acled", today=dt.date(2024, 1, 2)) == (
        "kcm_as-of-2024-01-02.acled.csv")
    assert set(ex.MEDIA_TYPES) == set(ex.FORMATS) == set(ex.FILE_SUFFIXES)


def test_every_page_filter_reaches_the_data(frame, tmp_path):
    view = View(types=("shelling", "offensive", "ceasefire", "diplomacy", "casualties",
                       "border_incident", "displacement", "protest"), text="NOTE 3")
    result = ex.export(frame, view, "geojson", tmp_path / "a.geojson")
    assert [e.event_id for e in read_geojson(result.path)[0]] == ["x3"] == list(
        apply_view(frame, view)["event_id"])
    with pytest.raises(ex.ExportError, match="expected a dashboard.view.View"):
        ex.export(frame, {"sides": ["armenian"]}, "csv", tmp_path / "a.csv")


def test_title_is_an_option_of_figures_only(frame, tmp_path):
    assert "title" in ex.format_options("png") and "title" in ex.format_options("html")
    with pytest.raises(ex.ExportError, match="title"):
        ex.export(frame, View(), "csv", tmp_path / "a.csv", title="Brief")


def test_png_metadata_keeps_a_non_latin_title(frame, tmp_path):
    result = ex.export(frame, View(), "png", tmp_path / "a.png", dpi=50,
                       title="Ստեփանակերտ / Xankəndi \x00 <b>")
    with Image.open(result.path) as image:
        assert image.info["Title"] == "Ստեփանակերտ / Xankəndi <b>"
