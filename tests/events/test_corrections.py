"""Corrections kept beside the extracted events: storage, the corrected view, safety."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from events.corrections import (
    SIDECAR_SUFFIX,
    TABLE,
    Correction,
    CorrectionError,
    apply_corrections,
    corrections_of,
    current_events,
    fix_date,
    fix_field,
    fix_place,
    mark_wrong,
    merge_duplicates,
    review_queue,
)
from events.store import StoreCorrupt, StoreError, default_store, open_store
from events.synthetic import synthetic_events
from geodata.gazetteer import default_gazetteer

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = ROOT / ".." / "shared" / "articles"
WHEN = "2026-01-02T03:04:05.000Z"


def row_of(frame, event_id):
    return frame.set_index("event_id", drop=False).loc[event_id].to_dict()


@pytest.fixture(params=["gpkg", "geojson"])
def store(request, tmp_path):
    store = open_store(tmp_path / f"events.{request.param}", create=True)
    store.append(synthetic_events(40, seed=1))
    return store


# -- validation ---------------------------------------------------------------------


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"field": "event_type", "new_value": "picnic"}, "not one of"),
    ({"field": "reporting_side", "new_value": "martian"}, "not one of"),
    ({"field": "event_date", "new_value": "2020-02-30"}, "date"),
    ({"field": "lat", "new_value": 123.0}, "lat"),
    ({"field": "fatalities", "new_value": -2}, "count"),
    ({"field": "evidence", "new_value": "x"}, "changes"),
    ({"author": "  "}, "author"),
    ({"timestamp": "yesterday"}, "timestamp"),
    ({"kind": "delete"}, "kind"),
    ({"event_id": ""}, "event id"),
])
def test_bad_corrections_are_refused(kwargs, message):
    values = {"event_id": "e1", "field": "event_type", "old_value": "shelling",
              "new_value": "protest", "author": "ana", "timestamp": WHEN, "kind": "fix"}
    values.update(kwargs)
    with pytest.raises(CorrectionError, match=message):
        Correction(**values)


def test_merge_into_itself_is_refused():
    with pytest.raises(CorrectionError, match="another event"):
        Correction("e1", "merged_into", None, "e1", "ana", WHEN, "merge")
    assert merge_duplicates("e1", ["e1", "e2", "e2"], "ana", when=WHEN)[0].event_id == "e2"
    assert len(merge_duplicates("e1", ["e1", "e2", "e2"], "ana", when=WHEN)) == 1


# -- storage ------------------------------------------------------------------------


def test_corrections_round_trip_and_leave_the_original_untouched(store):
    frame = store.read_frame()
    first = row_of(frame, "syn-1-0000000")
    log = corrections_of(store)
    made = [fix_field(first, "event_type", "protest", "ana", when=WHEN),
            mark_wrong(row_of(frame, "syn-1-0000001"), "bo", when=WHEN)]
    assert log.add(made) == 2
    assert corrections_of(store.location).read() == made
    assert made[0].old_value == first["event_type"]
    again = open_store(store.location).read_frame()
    assert row_of(again, "syn-1-0000000")["event_type"] == first["event_type"]


def test_geopackage_table_is_registered_beside_the_events(tmp_path):
    store = open_store(tmp_path / "e.gpkg", create=True)
    store.append(synthetic_events(3))
    corrections_of(store).add([mark_wrong({"event_id": "syn-0-0000000"}, "ana")])
    import pyogrio

    assert TABLE in {name for name, _ in pyogrio.list_layers(store.path)}
    table = pyogrio.read_dataframe(store.path, layer=TABLE)
    assert list(table["event_id"]) == ["syn-0-0000000"]
    assert open_store(store.path).count() == 3


def test_geojson_sidecar_survives_an_append(tmp_path):
    store = open_store(tmp_path / "e.geojson", create=True)
    store.append(synthetic_events(3))
    log = corrections_of(store)
    log.add([mark_wrong({"event_id": "syn-0-0000001"}, "ana", when=WHEN)])
    sidecar = tmp_path / ("e.geojson" + SIDECAR_SUFFIX)
    assert json.loads(sidecar.read_text())["corrections"][0]["event_id"] == "syn-0-0000001"
    store.append(synthetic_events(5))
    assert [c.event_id for c in corrections_of(store.location).read()] == ["syn-0-0000001"]


def test_a_read_only_store_refuses_corrections():
    with pytest.raises(StoreError, match="read-only"):
        corrections_of(default_store()).add([mark_wrong({"event_id": "x"}, "ana")])


def test_a_corrupt_sidecar_is_reported_not_overwritten(tmp_path):
    store = open_store(tmp_path / "e.geojson", create=True)
    sidecar = tmp_path / ("e.geojson" + SIDECAR_SUFFIX)
    sidecar.write_text("{not json")
    with pytest.raises(StoreCorrupt, match="corrections"):
        corrections_of(store).read()
    with pytest.raises(StoreCorrupt):
        corrections_of(store).add([mark_wrong({"event_id": "x"}, "ana")])
    assert sidecar.read_text() == "{not json"


def test_a_failed_write_stores_nothing(tmp_path, monkeypatch):
    store = open_store(tmp_path / "e.gpkg", create=True)
    store.append(synthetic_events(3))
    log = corrections_of(store)
    log.add([mark_wrong({"event_id": "syn-0-0000000"}, "ana")])
    before = store.path.read_bytes()
    import events.corrections as module

    def broken(rows):
        yield rows[0]
        raise OSError("disk full")

    monkeypatch.setattr(module, "_rows", broken)
    with pytest.raises(OSError, match="disk full"):
        log.add([mark_wrong({"event_id": f"syn-0-000000{i}"}, "bo") for i in range(3)])
    assert store.path.read_bytes() == before
    assert len(log.read()) == 1
    assert not list(tmp_path.glob(".e.gpkg.*.tmp*"))


# -- the corrected view ----------------------------------------------------------------


def test_apply_each_kind(store):
    frame = store.read_frame()
    gaz = default_gazetteer()
    shusha = gaz.get("Shusha")
    log = corrections_of(store)
    r = [row_of(frame, f"syn-1-{i:07d}") for i in range(8)]
    log.add([
        mark_wrong(r[0], "ana", when=WHEN),
        fix_field(r[1], "reporting_side", "third_party", "ana", when=WHEN),
        *fix_date(r[2], dt.date(2020, 10, 1), "month", "ana", when=WHEN),
        *fix_place(r[3], shusha, "ana", when=WHEN),
        *merge_duplicates(r[4]["event_id"], [r[5]["event_id"]], "ana", when=WHEN),
        fix_field(r[6], "fatalities", 7, "ana", when=WHEN),
    ])
    out = apply_corrections(frame, log.read()).set_index("event_id")
    assert out.loc["syn-1-0000000", "wrong"]
    assert out.loc["syn-1-0000001", "reporting_side"] == "third_party"
    assert out.loc["syn-1-0000002", "date_start"] == dt.datetime(2020, 10, 1)
    assert out.loc["syn-1-0000002", "date_end"] == dt.datetime(2020, 10, 31)
    assert out.loc["syn-1-0000003", ["place", "lon", "lat", "geo_precision"]].tolist() == [
        shusha.name, shusha.lon, shusha.lat, shusha.precision]
    assert out.loc["syn-1-0000005", "merged_into"] == "syn-1-0000004"
    assert out.loc["syn-1-0000006", "fatalities"] == 7
    assert out["corrected"].sum() == 6
    assert not out.loc["syn-1-0000007", "corrected"]
    shown = set(current_events(out.reset_index())["event_id"])
    assert {"syn-1-0000000", "syn-1-0000005"}.isdisjoint(shown)
    assert len(shown) == 38
    assert frame.equals(store.read_frame())  # the input frame is not modified


def test_the_latest_correction_wins_and_wrong_can_be_undone(store):
    frame = store.read_frame()
    row = row_of(frame, "syn-1-0000010")
    log = corrections_of(store)
    log.add([mark_wrong(row, "ana", when="2026-01-01T00:00:00.000Z"),
             fix_field(row, "event_type", "protest", "ana", when="2026-01-01T00:00:00.000Z")])
    log.add([mark_wrong(row, "bo", wrong=False, when="2026-01-02T00:00:00.000Z"),
             fix_field(row, "event_type", "diplomacy", "bo", when="2026-01-02T00:00:00.000Z")])
    out = apply_corrections(frame, log.read()).set_index("event_id")
    assert not out.loc["syn-1-0000010", "wrong"]
    assert out.loc["syn-1-0000010", "event_type"] == "diplomacy"


def test_review_queue_puts_uncorrected_low_confidence_first(store):
    frame = store.read_frame()
    lowest = frame.sort_values("confidence")["event_id"].tolist()
    corrections_of(store).add([fix_field(row_of(frame, lowest[0]), "event_type",
                                         "protest", "ana")])
    queue = review_queue(apply_corrections(frame, corrections_of(store).read()))
    assert queue["event_id"].tolist()[:3] == lowest[1:4]
    assert queue["event_id"].tolist()[-1] == lowest[0]
    assert queue["confidence"].iloc[:-1].is_monotonic_increasing


# -- re-running the pipeline, and writers at the same time ---------------------------------


def _extract_into(store_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "events", "extract", str(ARTICLES), "--store",
                           str(store_path), "--quiet"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.slow
def test_a_correction_survives_a_rerun_of_the_pipeline(tmp_path):
    path = tmp_path / "events.gpkg"
    _extract_into(path)
    frame = open_store(path).read_frame()
    assert len(frame) > 10
    target = frame.sort_values("event_id").iloc[0].to_dict()
    new_type = "protest" if target["event_type"] != "protest" else "diplomacy"
    corrections_of(path).add([fix_field(target, "event_type", new_type, "ana"),
                              mark_wrong(frame.iloc[1].to_dict(), "ana")])
    _extract_into(path)  # same articles again: same ids, nothing added twice
    again = open_store(path).read_frame()
    assert len(again) == len(frame)
    assert row_of(again, target["event_id"])["event_type"] == target["event_type"]
    out = apply_corrections(again, corrections_of(path).read()).set_index("event_id")
    assert out.loc[target["event_id"], "event_type"] == new_type
    assert out.loc[frame.iloc[1]["event_id"], "wrong"]


_APPENDER = """
import sys
from events.store import open_store
from events.synthetic import synthetic_events
store = open_store(sys.argv[1])
for batch in range(int(sys.argv[2])):
    store.append(synthetic_events(300, seed=100 + batch))
"""


@pytest.mark.slow
def test_concurrent_append_and_corrections_lose_nothing(tmp_path):
    path = tmp_path / "events.gpkg"
    store = open_store(path, create=True)
    store.append(synthetic_events(50, seed=1))
    batches = 8
    appender = subprocess.Popen([sys.executable, "-c", _APPENDER, str(path), str(batches)],
                                cwd=ROOT, stderr=subprocess.PIPE, text=True)
    log = corrections_of(store)
    written = during = 0
    while appender.poll() is None or written < 20:
        during += appender.poll() is None
        log.add([mark_wrong({"event_id": f"syn-1-{written % 50:07d}"}, f"r{written}")])
        written += 1
    assert during >= 3  # corrections really were written while the appends ran
    assert appender.wait(timeout=300) == 0, appender.stderr.read()
    appender.stderr.close()
    final = open_store(path)
    assert final.count() == 50 + 300 * batches
    assert [c.author for c in corrections_of(path).read()] == [f"r{i}" for i in range(written)]
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert not list(tmp_path.glob(".events.gpkg.*.tmp*"))


_KILLED_WRITER = """
import sys, time
import events.corrections as module
from events.corrections import corrections_of, mark_wrong
def slow(rows):
    for row in rows:
        yield row
        print("inside", flush=True)
        time.sleep(60)
module._rows = slow
corrections_of(sys.argv[1]).add([mark_wrong({"event_id": "syn-0-0000001"}, "ghost")] * 2)
"""


@pytest.mark.slow
def test_a_writer_killed_mid_transaction_leaves_the_store_whole(tmp_path):
    path = tmp_path / "events.gpkg"
    store = open_store(path, create=True)
    store.append(synthetic_events(5))
    corrections_of(store).add([mark_wrong({"event_id": "syn-0-0000000"}, "ana")])
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    writer = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(path)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    assert writer.stdout.readline().strip() == "inside"
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=30)
    writer.stdout.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert [c.author for c in corrections_of(path).read()] == ["ana"]
    # The next writer clears the dead one's copy and goes on.
    corrections_of(path).add([mark_wrong({"event_id": "syn-0-0000002"}, "bo")])
    open_store(path).append(synthetic_events(7))
    assert [c.author for c in corrections_of(path).read()] == ["ana", "bo"]
    assert open_store(path).count() == 7
    assert not list(tmp_path.glob(".events.gpkg.*.tmp*"))
