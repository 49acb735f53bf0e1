"""The event stores: one suite run against every backend, then each backend's own faults."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

import events.store as store_module
from events.schema import SCHEMA_VERSION, event_to_feature, event_to_record, write_geojson
from events.store import (
    SAMPLE_EVENTS,
    AppendResult,
    GeoJSONStore,
    GeoPackageStore,
    Query,
    StoreCorrupt,
    StoreError,
    StoreNotFound,
    StoreReadOnly,
    StoreTooNew,
    StoreUnavailable,
    default_store,
    filter_frame,
    open_store,
)
from events.synthetic import synthetic_events
from events.table import COLUMNS

ROOT = Path(__file__).resolve().parents[2]
FILE_BACKENDS = {"gpkg": "events.gpkg", "geojson": "events.geojson"}
BACKENDS = (*sorted(FILE_BACKENDS), "postgis")


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def store_location(backend, tmp_path, request) -> str:
    """Where a fresh store of the backend under test goes (with credentials, for PostGIS)."""
    if backend == "postgis":
        return request.getfixturevalue("postgis_server").new_database()
    return str(tmp_path / FILE_BACKENDS[backend])


@pytest.fixture
def store(store_location):
    return open_store(store_location, create=True)


@pytest.fixture
def mixed(make_event):
    """A small set that exercises every filter and every kind of missing value."""
    return [
        make_event(event_id="a-day", event_date=dt.date(2020, 10, 4), lon=46.75, lat=39.81),
        make_event(event_id="b-month", event_date=dt.date(2020, 10, 1), date_precision="month",
                   reporting_side="azerbaijani", event_type="offensive", lon=47.1, lat=40.2),
        make_event(event_id="c-nopoint", lon=None, lat=None, geo_precision=None,
                   reporting_side="third_party", event_type="diplomacy",
                   event_date=dt.date(2020, 11, 9)),
        make_event(event_id="d-undated", event_date=None, date_precision=None,
                   reporting_side="azerbaijani", lon=45.0, lat=40.9, fatalities=None),
        make_event(event_id="e-2016", event_date=dt.date(2016, 4, 2), event_type="shelling",
                   notes='<script>alert("x")</script> Ağdam — Աղդամ\n"NA", null, 1,2',
                   evidence="NA", claimant="None", lon=46.9, lat=39.9,
                   reported_by=("armenian", "third_party"), n_articles=2,
                   published=dt.date(2016, 4, 3), char_start=None, char_end=None),
        make_event(event_id="f-year", event_date=dt.date(2022, 1, 1), date_precision="year",
                   reporting_side="third_party", event_type="displacement", lon=44.6, lat=41.4,
                   confidence=0.25),
    ]


def _ids(frame: pd.DataFrame) -> list[str]:
    return sorted(frame["event_id"])


# -- the shared suite ---------------------------------------------------------------


def test_new_store_is_empty_with_the_table_columns(store):
    assert store.count() == 0
    frame = store.read_frame()
    assert tuple(frame.columns[: len(COLUMNS)]) == COLUMNS and len(frame) == 0
    assert store.events() == []


def test_append_then_read_gives_the_same_events(store, store_location, mixed):
    result = store.append(mixed)
    assert result == AppendResult(added=6, duplicates=0, errors=[])
    assert store.count() == 6
    assert sorted(store.events(), key=lambda e: e.event_id) == mixed
    reopened = open_store(store_location)
    assert sorted(reopened.events(), key=lambda e: e.event_id) == mixed


def test_numbers_and_text_survive_exactly(store, make_event):
    awkward = [
        make_event(event_id="f1", lon=46.123456789012345, lat=39.98765432109876,
                   confidence=0.1 + 0.2, fatalities=0, char_start=0, char_end=0),
        make_event(event_id="f2", lon=-179.99999999999997, lat=-89.99999999999999,
                   confidence=1 / 3, notes="line one\r\nline two\ttab, \"quoted\" ''",
                   place=" leading and trailing spaces ", url="https://x.example/?a=1&b=<2>"),
        make_event(event_id="id with spaces, commas and \"quotes\"", lon=180.0, lat=90.0,
                   claimant="\u0645\u0648\u0627\u0637\u0646 \U0001F600", fatalities=10**6),
    ]
    store.append(awkward)
    assert sorted(store.events(), key=lambda e: e.event_id) == sorted(
        awkward, key=lambda e: e.event_id)


def test_frame_matches_the_table_form(store, mixed):
    store.append(mixed)
    frame = store.read_frame().sort_values("event_id").reset_index(drop=True)
    assert str(frame["event_date"].dtype) == "datetime64[ns]"
    assert str(frame["fatalities"].dtype) == "Int64"
    row = frame.set_index("event_id").loc["b-month"]
    assert row["date_start"] == pd.Timestamp("2020-10-01")
    assert row["date_end"] == pd.Timestamp("2020-10-31")
    no_point = frame.set_index("event_id").loc["c-nopoint"]
    assert pd.isna(no_point["lon"]) and pd.isna(no_point["lat"])


def test_append_is_idempotent_by_event_id(store, mixed, make_event):
    store.append(mixed[:4])
    again = store.append(mixed)
    assert (again.added, again.duplicates) == (2, 4)
    assert store.append(mixed) == AppendResult(0, 6, [])
    changed = make_event(event_id="a-day", notes="a different text")
    repeat = store.append([changed, make_event(event_id="new"), make_event(event_id="new")])
    assert (repeat.added, repeat.duplicates) == (1, 2)
    assert store.count() == 7
    assert {e.event_id: e for e in store.events()}["a-day"] == mixed[0]


def test_bad_records_are_reported_and_the_good_ones_written(store, make_event):
    good = make_event(event_id="good")
    bad_side = event_to_record(make_event(event_id="bad-side"))
    bad_side["reporting_side"] = "martian"
    bad_date = event_to_feature(make_event(event_id="bad-date"))
    bad_date["properties"]["event_date"] = "2020-02-31"
    bad_coords = event_to_record(make_event(event_id="bad-coords"))
    bad_coords["lat"] = 123.0
    as_record = event_to_record(make_event(event_id="as-record"))
    as_feature = event_to_feature(make_event(event_id="as-feature"))
    result = store.append([good, bad_side, bad_date, 42, bad_coords, as_record, as_feature])
    assert (result.added, result.duplicates) == (3, 0)
    assert [e.index for e in result.errors] == [1, 2, 3, 4]
    assert "'bad-side'" in result.errors[0].message
    assert "reporting_side" in result.errors[0].message
    assert "'bad-date'" in result.errors[1].message and "event_date" in result.errors[1].message
    assert "not an event: int" in result.errors[2].message
    assert "'bad-coords'" in result.errors[3].message and "'lat'" in result.errors[3].message
    assert sorted(e.event_id for e in store.events()) == ["as-feature", "as-record", "good"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["a-day", "b-month", "c-nopoint", "d-undated", "e-2016", "f-year"]),
        ({"start": dt.date(2020, 10, 20), "end": dt.date(2020, 10, 25)}, ["b-month"]),
        ({"start": dt.date(2020, 10, 4), "end": dt.date(2020, 10, 4)}, ["a-day", "b-month"]),
        ({"start": dt.date(2020, 11, 1)}, ["c-nopoint", "f-year"]),
        ({"end": dt.date(2016, 12, 31)}, ["e-2016"]),
        ({"start": dt.date(2022, 6, 1), "end": dt.date(2022, 6, 30)}, ["f-year"]),
        ({"start": dt.date(2020, 10, 20), "end": dt.date(2020, 10, 25),
          "include_undated": True}, ["b-month", "d-undated"]),
        ({"sides": ["azerbaijani"]}, ["b-month", "d-undated"]),
        ({"sides": ["third_party", "armenian"]}, ["a-day", "c-nopoint", "e-2016", "f-year"]),
        ({"types": ["diplomacy", "offensive"]}, ["b-month", "c-nopoint"]),
        ({"bbox": (46.5, 39.5, 47.5, 40.5)}, ["a-day", "b-month", "e-2016"]),
        ({"bbox": (44.6, 41.4, 44.6, 41.4)}, ["f-year"]),
        ({"bbox": (10.0, 10.0, 11.0, 11.0)}, []),
        ({"sides": ["armenian"], "types": ["shelling"], "start": dt.date(2020, 1, 1),
          "bbox": (46.0, 39.0, 48.0, 41.0)}, ["a-day"]),
    ],
)
def test_queries_select_the_expected_events(store, mixed, query, expected):
    store.append(mixed)
    assert _ids(store.read_frame(**query)) == expected
    assert sorted(e.event_id for e in store.events(**query)) == expected


@pytest.mark.parametrize(
    "query",
    [
        {"sides": ["armenian' OR 1=1 --"]},
        {"types": ["riot"]},
        {"start": "2020-01-01"},
        {"start": dt.date(2021, 1, 1), "end": dt.date(2020, 1, 1)},
        {"bbox": (47.0, 39.0, 46.0, 40.0)},
        {"bbox": (46.0, 39.0)},
    ],
)
def test_bad_query_arguments_are_refused(store, mixed, query):
    store.append(mixed)
    with pytest.raises(ValueError):
        store.read_frame(**query)


def test_pushed_down_queries_agree_with_the_table_filter(store):
    events = synthetic_events(3000, seed=7)
    assert store.append(events).added == 3000
    everything = store.read_frame()
    assert len(everything) == 3000
    for query in (
        {"start": dt.date(2020, 9, 27), "end": dt.date(2020, 10, 31)},
        {"sides": ["azerbaijani"], "types": ["shelling", "offensive"]},
        {"bbox": (46.0, 39.5, 47.0, 40.5), "end": dt.date(2018, 1, 1)},
        {"start": dt.date(2023, 1, 1), "include_undated": True, "sides": ["third_party"]},
    ):
        expected = filter_frame(everything, Query.make(**query))
        got = store.read_frame(**query)
        assert len(got) > 0
        assert _ids(got) == _ids(expected), query


def _snapshot(store) -> list:
    return sorted(store.events(), key=lambda e: e.event_id)


#: Code run inside a writer to make it fail (or die) in the middle of writing a batch:
#: file stores after the new copy is complete but before it is swapped in, the
#: database store after half the rows have been sent.
_CRASH_CODE = {
    "file": """
import events.store as target
def crash(*args, **kwargs):
    {action}
target.os.replace = crash
""",
    "postgis": """
import events.store_postgis as target
real_copy_rows = target._copy_rows
def crash(copy, events):
    real_copy_rows(copy, events[: len(events) // 2])
    {action}
target._copy_rows = crash
""",
}


def _crash_code(backend: str, action: str) -> str:
    return _CRASH_CODE["postgis" if backend == "postgis" else "file"].format(action=action)


def test_failure_mid_write_leaves_the_old_store(backend, store, store_location, mixed,
                                                make_event, tmp_path, monkeypatch):
    store.append(mixed)
    before = _snapshot(store)
    files_before = sorted(p.name for p in tmp_path.iterdir())
    if backend == "postgis":
        import events.store_postgis as postgis

        real_copy_rows = postgis._copy_rows

        def half_then_fail(copy, events):
            real_copy_rows(copy, events[: len(events) // 2])
            raise OSError("disk full (simulated)")

        monkeypatch.setattr(postgis, "_copy_rows", half_then_fail)
    else:
        def fail(*args, **kwargs):
            raise OSError("disk full (simulated)")

        monkeypatch.setattr(store_module.os, "replace", fail)
    with pytest.raises(StoreError, match="simulated") as info:
        store.append([make_event(event_id=f"n{i}") for i in range(50)])
    assert "left as it was" in str(info.value) or "nothing was changed" in str(info.value)
    monkeypatch.undo()
    reopened = open_store(store_location)
    assert _snapshot(reopened) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files_before
    assert reopened.append([make_event(event_id="after")]).added == 1


def test_killed_writer_leaves_the_old_store(backend, store, store_location, mixed):
    """A writer killed in the middle of a batch changes nothing; the next one goes through."""
    store.append(mixed)
    before = _snapshot(store)
    script = _crash_code(backend, "os.kill(os.getpid(), signal.SIGKILL)") + textwrap.dedent(f"""
        import os, signal
        from events.synthetic import synthetic_events
        from events.store import open_store
        open_store({store_location!r}).append(synthetic_events(500))
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    reopened = open_store(store_location)
    assert _snapshot(reopened) == before
    leftovers = []
    if backend != "postgis":
        location = Path(store_location)
        leftovers = list(location.parent.glob(f".{location.name}.*.tmp{location.suffix}"))
        assert len(leftovers) == 1  # the dead writer's complete-but-unswapped copy
    assert reopened.append(synthetic_events(10)).added == 10  # no lock outlived the writer
    assert not any(p.exists() for p in leftovers)  # and the next writer swept its copy


def test_two_writers_and_a_reader_at_once(store, store_location):
    """Counts are exact at the end, and a reader only ever sees whole batches."""
    writer = textwrap.dedent(f"""
        import sys
        from events.store import open_store
        from events.synthetic import synthetic_events
        own = synthetic_events(120, seed=int(sys.argv[1]))
        both = synthetic_events(40, seed=99)
        s = open_store({store_location!r})
        for i in range(0, 120, 20):
            s.append(own[i:i + 20])
            if i % 40 == 0:
                s.append(both[i // 2:i // 2 + 20])
    """)
    reader = textwrap.dedent(f"""
        import sys
        from events.store import open_store
        s = open_store({store_location!r}, read_only=True)
        seen = []
        while not seen or seen[-1] < 280:
            n = s.count()
            assert n % 20 == 0, n
            assert len(s.read_frame()) >= n
            seen.append(n)
        assert seen == sorted(seen), seen
        print(len(seen))
    """)
    procs = [subprocess.Popen([sys.executable, "-c", writer, str(seed)], cwd=ROOT)
             for seed in (1, 2)]
    watcher = subprocess.Popen([sys.executable, "-c", reader], cwd=ROOT,
                               stdout=subprocess.PIPE, text=True)
    try:
        assert [p.wait(timeout=120) for p in procs] == [0, 0]
        out, _ = watcher.communicate(timeout=120)
    finally:
        for proc in (*procs, watcher):
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert watcher.returncode == 0
    assert int(out) >= 1
    assert open_store(store_location).count() == 280
    assert len({e.event_id for e in store.events()}) == 280


def test_read_only_store_refuses_to_append(store, store_location, mixed, make_event):
    store.append(mixed)
    read_only = open_store(store_location, read_only=True)
    with pytest.raises(StoreReadOnly, match="read-only"):
        read_only.append([make_event(event_id="x")])
    assert read_only.count() == len(mixed)
    assert _snapshot(read_only) == mixed


# -- opening: missing, empty, corrupt, too new -----------------------------------------


@pytest.mark.parametrize("name", ["none.gpkg", "none.geojson", "none.json"])
def test_missing_store_is_not_found_and_not_created(tmp_path, name):
    path = tmp_path / name
    with pytest.raises(StoreNotFound) as info:
        open_store(path)
    assert str(path) in str(info.value) and "create" in str(info.value)
    assert not path.exists()


@pytest.mark.parametrize("name", ["bad.gpkg", "bad.geojson"])
@pytest.mark.parametrize(
    "content",
    [b"", b"   \n", b"\x00\x01binary\xff" * 100, b"SQLite format 3\x00" + b"\x00" * 200,
     b'{"type": "FeatureCollection"', b'{"type": "Topology"}', b"\xff\xfe\xfa",
     b"[" * 100_000 + b"]" * 100_000],
)
def test_unreadable_files_are_corrupt_and_untouched(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    for create in (False, True):
        with pytest.raises(StoreCorrupt) as info:
            open_store(path, create=create)
        message = str(info.value)
        assert str(path) in message and "untouched" in message
        assert "Traceback" not in message
        assert path.read_bytes() == content


def test_truncated_geopackage_is_corrupt(tmp_path):
    path = tmp_path / "big.gpkg"
    open_store(path, create=True).append(synthetic_events(2000))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    cut = path.read_bytes()
    with pytest.raises(StoreCorrupt) as info:
        open_store(path).read_frame()
    assert str(path) in str(info.value)
    assert path.read_bytes() == cut


def test_geopackage_without_metadata_is_refused(tmp_path, make_event):
    path = tmp_path / "foreign.gpkg"
    frame = store_module._gpkg_frame([make_event()])
    pyogrio.write_dataframe(frame, path, layer="events", driver="GPKG")
    before = path.read_bytes()
    with pytest.raises(StoreCorrupt, match="kcm_metadata"):
        open_store(path, create=True)
    assert path.read_bytes() == before


def test_newer_geopackage_is_refused_untouched(tmp_path, make_event):
    path = tmp_path / "new.gpkg"
    open_store(path, create=True).append([make_event()])
    with sqlite3.connect(path) as con:
        con.execute("UPDATE kcm_metadata SET value = ? WHERE key = 'schema_version'",
                    (str(SCHEMA_VERSION + 1),))
    con.close()
    before = path.read_bytes()
    for create in (False, True):
        with pytest.raises(StoreTooNew) as info:
            open_store(path, create=create)
        assert str(path) in str(info.value) and "upgrade" in str(info.value)
    assert path.read_bytes() == before


def test_newer_geojson_is_refused_untouched(tmp_path, make_event):
    path = tmp_path / "new.geojson"
    doc = {"type": "FeatureCollection", "kcm_schema_version": SCHEMA_VERSION + 1,
           "features": [event_to_feature(make_event())]}
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(StoreTooNew, match="upgrade"):
        open_store(path)
    assert json.loads(path.read_text(encoding="utf-8")) == doc


def test_unknown_kind_of_store_is_refused(tmp_path):
    with pytest.raises(StoreError, match="unknown store type"):
        open_store(tmp_path / "events.csv", create=True)
    with pytest.raises(StoreError, match="not supported"):
        open_store("ftp://example.org/events")
    assert list(tmp_path.iterdir()) == []


def test_unwritable_place_is_a_message_not_a_traceback(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be")
    for target in (blocker / "new.gpkg", blocker / "new.geojson"):
        with pytest.raises(StoreError, match="cannot be written") as info:
            open_store(target, create=True)
        assert str(target) in str(info.value)
    assert blocker.read_text() == "a file where a folder should be"


def test_directory_is_not_a_store(tmp_path):
    (tmp_path / "dir.gpkg").mkdir()
    with pytest.raises(StoreCorrupt, match="directory"):
        open_store(tmp_path / "dir.gpkg")


# -- each backend's own behaviour ---------------------------------------------------------


def test_geopackage_is_a_standard_point_layer(tmp_path, mixed):
    path = tmp_path / "events.gpkg"
    open_store(path, create=True).append(mixed)
    layers = {name: kind for name, kind in pyogrio.list_layers(path)}
    assert layers["events"] == "Point"
    info = pyogrio.read_info(path, layer="events")
    assert info["crs"] == "EPSG:4326"
    assert info["features"] == len(mixed)
    gdf = pyogrio.read_dataframe(path, layer="events")
    assert int(gdf.geometry.isna().sum()) == 1  # the event with no point is stored too
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as con:
        assert con.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # "GPKG"
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT value FROM kcm_metadata").fetchone()[0] == str(
            SCHEMA_VERSION)
    con.close()


def test_geojson_store_is_a_feature_collection(tmp_path, mixed):
    path = tmp_path / "events.geojson"
    open_store(path, create=True).append(mixed)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    assert [f["id"] for f in doc["features"]] == [e.event_id for e in mixed]
    assert "Աղդամ" in path.read_text(encoding="utf-8")


def test_geojson_store_keeps_bad_features_and_refuses_to_rewrite(tmp_path, mixed, make_event):
    path = tmp_path / "mixed.geojson"
    features = [event_to_feature(e) for e in mixed]
    features[2]["properties"]["reporting_side"] = "nobody"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    before = path.read_bytes()
    store = open_store(path)
    assert isinstance(store, GeoJSONStore)
    assert store.count() == 5
    assert [e.index for e in store.load_errors] == [2]
    assert "c-nopoint" in store.load_errors[0].message
    with pytest.raises(StoreCorrupt, match="fix them"):
        store.append([make_event(event_id="new")])
    assert path.read_bytes() == before


def test_geojson_store_sees_changes_made_by_others(tmp_path, make_event):
    path = tmp_path / "shared.geojson"
    first = open_store(path, create=True)
    assert first.count() == 0
    open_store(path).append([make_event(event_id="from-elsewhere")])
    assert [e.event_id for e in first.events()] == ["from-elsewhere"]


def test_suffix_chooses_the_backend(tmp_path):
    assert isinstance(open_store(tmp_path / "a.gpkg", create=True), GeoPackageStore)
    assert isinstance(open_store(tmp_path / "b.GeoJSON", create=True), GeoJSONStore)
    assert isinstance(open_store(str(tmp_path / "c.json"), create=True), GeoJSONStore)
    assert open_store(tmp_path / "a.gpkg").location == str(tmp_path / "a.gpkg")


def test_default_store_is_the_bundled_sample_read_only(make_event):
    store = default_store()
    assert Path(store.location) == SAMPLE_EVENTS
    assert SAMPLE_EVENTS.parent == ROOT / "events" / "data"
    before = SAMPLE_EVENTS.read_bytes()
    assert store.count() > 0
    assert store.load_errors == []
    with pytest.raises(StoreReadOnly):
        store.append([make_event(event_id="never-written")])
    assert SAMPLE_EVENTS.read_bytes() == before


def test_no_temp_files_are_left_after_writes(tmp_path, make_event):
    for name in ("a.gpkg", "b.geojson"):
        store = open_store(tmp_path / name, create=True)
        store.append([make_event()])
        store.append([make_event(event_id="two")])
    visible = sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock"))
    assert visible == ["a.gpkg", "b.geojson"]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp.gpkg")]
    assert os.listdir(tmp_path)  # the stores exist


def test_rewrites_keep_the_file_readable_by_others(tmp_path, make_event):
    for name in ("shared.gpkg", "shared.geojson"):
        path = tmp_path / name
        open_store(path, create=True)
        os.chmod(path, 0o644)
        open_store(path).append([make_event()])
        assert path.stat().st_mode & 0o777 == 0o644
    path = tmp_path / "plain.geojson"
    write_geojson([make_event()], path)
    umask = os.umask(0o022)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


# -- PostGIS: its own faults ---------------------------------------------------------------


def test_unreachable_database_names_the_address_without_credentials(postgis_server):
    password = postgis_server.PASSWORD
    url = f"postgresql://kcm:{password}@127.0.0.1:1/events"
    with pytest.raises(StoreUnavailable) as info:
        open_store(url)
    message = str(info.value)
    assert "postgresql://kcm@127.0.0.1:1/events" in message
    assert password not in message and "no other store is used" in message


def test_wrong_password_is_unavailable_and_not_echoed(postgis_server):
    url = postgis_server.new_database().replace(postgis_server.PASSWORD, "wrong-Secret-99")
    with pytest.raises(StoreUnavailable) as info:
        open_store(url)
    assert "wrong-Secret-99" not in str(info.value)
    assert f"127.0.0.1:{postgis_server.port}" in str(info.value)


def test_missing_database_or_store_is_not_found_and_not_created(postgis_server):
    import psycopg

    with pytest.raises(StoreNotFound, match="does not exist"):
        open_store(postgis_server.url("no_such_database"))
    url = postgis_server.new_database()
    with pytest.raises(StoreNotFound, match="create=True"):
        open_store(url)
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT to_regclass('events')").fetchone()[0] is None


def test_store_location_and_repr_hide_the_password(postgis_server):
    url = postgis_server.new_database()
    store = open_store(url, create=True)
    assert postgis_server.PASSWORD not in store.location + repr(store)
    assert store.location.startswith("postgresql://kcm@127.0.0.1:")


def test_migrations_install_postgis_and_are_recorded(postgis_server):
    import psycopg

    from events.store_postgis import LATEST_VERSION

    url = postgis_server.new_database(postgis=False)
    open_store(url, create=True)
    open_store(url, create=True)  # a second opening migrates nothing
    with psycopg.connect(url) as conn:
        versions = [r[0] for r in conn.execute("SELECT version FROM kcm_schema_migrations")]
        assert versions == list(range(1, LATEST_VERSION + 1))
        assert conn.execute("SELECT extname FROM pg_extension WHERE extname = 'postgis'"
                            ).fetchone() == ("postgis",)
        indexes = dict(conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'events'"))
    assert "USING gist (geom)" in indexes["events_geom_idx"]
    assert "USING gist (daterange(date_start, date_end" in indexes["events_span_idx"]
    assert {"events_side_idx", "events_type_idx", "events_pkey"} <= set(indexes)


def test_newer_database_is_refused_untouched(postgis_server, make_event):
    import psycopg

    url = postgis_server.new_database()
    open_store(url, create=True).append([make_event()])
    with psycopg.connect(url) as conn:
        conn.execute("INSERT INTO kcm_schema_migrations (version, description) "
                     "VALUES (99, 'from the future')")
    with pytest.raises(StoreTooNew, match="upgrade"):
        open_store(url, create=True)
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 1


def test_foreign_events_table_is_refused(postgis_server):
    import psycopg

    url = postgis_server.new_database()
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE events (id serial, what text)")
    with pytest.raises(StoreCorrupt, match="did not create"):
        open_store(url, create=True)


def test_bounding_box_and_dates_use_the_indexes(postgis_server):
    import psycopg

    url = postgis_server.new_database()
    store = open_store(url, create=True)
    store.append(synthetic_events(5000, seed=3))
    with psycopg.connect(url) as conn:
        conn.execute("ANALYZE events")
    plan = store.explain(bbox=(46.5, 39.5, 46.6, 39.6))
    assert "events_geom_idx" in plan
    plan = store.explain(start=dt.date(2019, 3, 1), end=dt.date(2019, 3, 2))
    assert "events_span_idx" in plan


def test_connection_dropped_mid_ingest_leaves_no_partial_batch(postgis_server, monkeypatch):
    import psycopg

    import events.store_postgis as postgis

    url = postgis_server.new_database()
    store = open_store(url, create=True)
    batch = synthetic_events(400, seed=5)
    store.append(batch[:100])
    real_copy_rows = postgis._copy_rows

    def drop_midway(copy, events):
        real_copy_rows(copy, events[: len(events) // 2])
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        real_copy_rows(copy, events[len(events) // 2:])

    monkeypatch.setattr(postgis, "_copy_rows", drop_midway)
    with pytest.raises(StoreUnavailable) as info:
        store.append(batch)
    assert "nothing was changed" in str(info.value)
    assert postgis_server.PASSWORD not in str(info.value)
    monkeypatch.undo()
    assert store.count() == 100  # a new connection, and no partial batch
    result = store.append(batch)  # re-running the ingest completes it
    assert (result.added, result.duplicates) == (300, 100)
    assert store.count() == 400


def test_geopackage_date_filter_is_served_by_an_index(tmp_path):
    path = tmp_path / "indexed.gpkg"
    open_store(path, create=True).append(synthetic_events(500))
    where = store_module._sql_where(Query.make(start=dt.date(2019, 3, 1),
                                               end=dt.date(2019, 3, 31)))
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as con:
        plan = " ".join(str(row) for row in con.execute(
            f"EXPLAIN QUERY PLAN SELECT * FROM events WHERE {where}"))
    con.close()
    assert "events_date_start_idx" in plan


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("postgresql://ann:pw@db.local:5432/kcm", "postgresql://ann@db.local:5432/kcm"),
        ("postgresql://ann:pw@db.local/kcm?sslmode=require",
         "postgresql://ann@db.local/kcm?sslmode=require"),
        ("host=db.local password=pw dbname=kcm", "host=db.local password=*** dbname=kcm"),
        ("postgresql://db.local/kcm?password=pw&x=1", "postgresql://db.local/kcm?password=***&x=1"),
        ("events/my store.gpkg", "events/my store.gpkg"),
    ],
)
def test_display_location_drops_passwords(given, shown):
    from events.store import display_location

    assert display_location(given) == shown
