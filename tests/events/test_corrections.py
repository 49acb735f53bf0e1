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
import threading
import time
from pathlib import Path

import pytest

from events.corrections import (
    SIDECAR_SUFFIX,
    TABLE,
    Correction,
    CorrectionConflict,
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
    revisions_of,
)
from events.store import StoreCorrupt, StoreError, default_store, open_store
from events.synthetic import synthetic_events
from geodata.gazetteer import default_gazetteer

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = ROOT / ".." / "shared" / "articles"
WHEN = "2026-01-02T03:04:05.000Z"


def row_of(frame, event_id):
    return frame.set_index("event_id", drop=False).loc[event_id].to_dict()


BACKENDS = ("gpkg", "geojson", "postgis")


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def store_location(backend, tmp_path, request) -> str:
    """Where the store under test lives (with credentials, for PostGIS)."""
    if backend == "postgis":
        return request.getfixturevalue("postgis_server").new_database()
    return str(tmp_path / f"events.{backend}")


@pytest.fixture
def store(store_location):
    store = open_store(store_location, create=True)
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


def test_corrections_round_trip_and_leave_the_original_untouched(store, store_location):
    frame = store.read_frame()
    first = row_of(frame, "syn-1-0000000")
    log = corrections_of(store)
    made = [fix_field(first, "event_type", "protest", "ana", when=WHEN),
            mark_wrong(row_of(frame, "syn-1-0000001"), "bo", when=WHEN)]
    assert log.add(made) == 2
    assert corrections_of(store_location).read() == made
    assert made[0].old_value == first["event_type"]
    again = open_store(store_location).read_frame()
    assert row_of(again, "syn-1-0000000")["event_type"] == first["event_type"]


def test_values_and_authors_survive_exactly(store, store_location):
    row = {"event_id": "id with 'quotes', commas and \u0531", "lon": 46.123456789012345,
           "fatalities": 3, "claimant": "x"}
    made = [fix_field(row, "lon", -179.99999999999997, "Ağdam reviewer \U0001F600", when=WHEN),
            fix_field(row, "fatalities", None, "ana", when=WHEN),
            fix_field(row, "claimant", "line\nbreak \"quoted\" \\ back", "ana", when=WHEN),
            fix_field(row, "lat", 1e-20, "ana", when=WHEN)]
    corrections_of(store).add(made)
    back = corrections_of(store_location).read()
    assert back == made
    assert [type(c.new_value) for c in back] == [float, type(None), str, float]
    assert back[0].old_value == 46.123456789012345 and back[1].old_value == 3


def test_every_backend_refuses_corrections_when_read_only(store, store_location):
    log = corrections_of(store)
    log.add([mark_wrong({"event_id": "syn-1-0000000"}, "ana", when=WHEN)])
    read_only = corrections_of(open_store(store_location, read_only=True))
    with pytest.raises(StoreError, match="read-only"):
        read_only.add([mark_wrong({"event_id": "syn-1-0000001"}, "bo")])
    assert [c.author for c in read_only.read()] == ["ana"]


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


# -- two reviewers at once: revisions and conflicts -------------------------------------------


def _reviewer(store_location):
    """A reviewer's own connection to the store (as a second browser session has)."""
    return corrections_of(open_store(store_location))


def test_revisions_count_each_events_corrections(store, store_location):
    log = corrections_of(store)
    assert log.revisions() == {}
    log.add([*fix_date({"event_id": "syn-1-0000000"}, dt.date(2020, 10, 1), "month", "ana"),
             mark_wrong({"event_id": "syn-1-0000001"}, "ana")])
    log.add([mark_wrong({"event_id": "syn-1-0000000"}, "bo")])
    expected = {"syn-1-0000000": 3, "syn-1-0000001": 1}
    assert log.revisions() == expected
    assert revisions_of(corrections_of(store_location).read()) == expected


def test_the_second_reviewer_of_an_event_is_told_and_sees_the_first_change(store,
                                                                           store_location):
    ana, bo = _reviewer(store_location), _reviewer(store_location)
    frame = store.read_frame()
    target = row_of(frame, "syn-1-0000005")
    ana_saw, bo_saw = revisions_of(ana.read()), revisions_of(bo.read())
    first = fix_field(target, "event_type", "protest", "ana", when=WHEN)
    assert ana.add([first], based_on=ana_saw) == 1
    late = "2026-01-02T03:09:00.000Z"
    with pytest.raises(CorrectionConflict) as info:
        bo.add([fix_field(target, "event_type", "diplomacy", "bo", when=late)], based_on=bo_saw)
    conflict = info.value
    assert (conflict.event_id, conflict.author, conflict.timestamp) == (
        "syn-1-0000005", "ana", WHEN)
    assert "'syn-1-0000005'" in str(conflict) and "ana" in str(conflict) and WHEN in str(conflict)
    assert "Nothing was saved" in str(conflict)
    assert conflict.changes == (first,)
    assert [c.author for c in bo.read()] == ["ana"]  # nothing of Bo's was stored
    # Bo reloads, sees Ana's change, and decides to correct again on top of it.
    seen = bo.read()
    assert apply_corrections(frame, seen).set_index("event_id").loc[
        "syn-1-0000005", "event_type"] == "protest"
    bo.add([fix_field(target, "event_type", "diplomacy", "bo", when=late)],
           based_on=revisions_of(seen))
    out = apply_corrections(frame, ana.read()).set_index("event_id")
    assert out.loc["syn-1-0000005", "event_type"] == "diplomacy"
    assert ana.revisions() == {"syn-1-0000005": 2}


def test_reviewers_of_different_events_both_keep_their_corrections(store, store_location):
    ana, bo = _reviewer(store_location), _reviewer(store_location)
    saw = revisions_of(ana.read())
    ana.add([mark_wrong({"event_id": "syn-1-0000001"}, "ana", when=WHEN)], based_on=saw)
    bo.add(fix_date({"event_id": "syn-1-0000002"}, dt.date(2020, 9, 30), "day", "bo",
                    when=WHEN), based_on=saw)
    stored = corrections_of(store_location).read()
    assert [(c.event_id, c.author) for c in stored] == [
        ("syn-1-0000001", "ana"), ("syn-1-0000002", "bo"), ("syn-1-0000002", "bo")]


def test_a_conflict_on_one_event_stores_none_of_the_batch(store, store_location):
    ana, bo = _reviewer(store_location), _reviewer(store_location)
    bo_saw = revisions_of(bo.read())
    ana.add([mark_wrong({"event_id": "syn-1-0000003"}, "ana", when=WHEN)], based_on=0)
    batch = [mark_wrong({"event_id": "syn-1-0000004"}, "bo"),
             fix_field({"event_id": "syn-1-0000003"}, "place", "Shusha", "bo")]
    with pytest.raises(CorrectionConflict) as info:
        bo.add(batch, based_on=bo_saw)
    assert [c.event_id for c in info.value.conflicts] == ["syn-1-0000003"]
    assert info.value.conflicts[0].seen == 0 and info.value.conflicts[0].revision == 1
    assert [c.author for c in corrections_of(store_location).read()] == ["ana"]


def test_without_based_on_corrections_are_added_as_before(store, store_location):
    ana, bo = _reviewer(store_location), _reviewer(store_location)
    ana.add([mark_wrong({"event_id": "syn-1-0000006"}, "ana", when=WHEN)])
    bo.add([mark_wrong({"event_id": "syn-1-0000006"}, "bo", wrong=False, when=WHEN)])
    assert [c.author for c in corrections_of(store_location).read()] == ["ana", "bo"]
    # A revision the store never had (the caller's view is from elsewhere) is a conflict too.
    with pytest.raises(CorrectionConflict, match="not the revision 5"):
        bo.add([mark_wrong({"event_id": "syn-1-0000006"}, "bo")], based_on=5)


@pytest.mark.parametrize("based_on", [-1, "2", True, 1.0, {"syn-1-0000000": -3}])
def test_bad_based_on_values_are_refused(store, based_on):
    log = corrections_of(store)
    with pytest.raises(CorrectionError, match="based_on"):
        log.add([mark_wrong({"event_id": "syn-1-0000000"}, "ana")], based_on=based_on)
    assert log.read() == []


def test_racing_reviewers_of_one_event_exactly_one_wins(store, store_location):
    """Both read the same revision, then write at the same moment: one is stored, one told."""
    corrections_of(store).add([mark_wrong({"event_id": "syn-1-0000009"}, "cy", when=WHEN)])
    barrier = threading.Barrier(2, timeout=60)
    outcome: dict[str, object] = {}

    def review(name: str) -> None:
        log = _reviewer(store_location)
        saw = log.revisions().get("syn-1-0000009", 0)
        barrier.wait()
        try:
            log.add([fix_field({"event_id": "syn-1-0000009"}, "fatalities", len(name), name)],
                    based_on=saw)
            outcome[name] = "stored"
        except CorrectionConflict as exc:
            outcome[name] = exc

    threads = [threading.Thread(target=review, args=(name,)) for name in ("ana", "bruno")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(map(str, outcome)) == ["ana", "bruno"]
    winners = [name for name, result in outcome.items() if result == "stored"]
    assert len(winners) == 1
    loser = next(result for result in outcome.values() if result != "stored")
    assert isinstance(loser, CorrectionConflict) and loser.author == winners[0]
    assert [c.author for c in corrections_of(store_location).read()] == ["cy", *winners]


def test_the_second_writer_waits_for_the_first_then_is_told(store, store_location,
                                                            monkeypatch):
    """While Ana's write checks and stores (lock held), Bo's write of the same event waits;
    it then finds Ana's correction, so neither overwrites the other."""
    import events.corrections as module

    corrections_of(store).add([mark_wrong({"event_id": "syn-1-0000008"}, "cy", when=WHEN)])
    inside, release = threading.Event(), threading.Event()
    real_check = module._check_based_on

    def paused_check(*args, **kwargs):
        if threading.current_thread().name == "ana":
            inside.set()
            assert release.wait(timeout=60)
        return real_check(*args, **kwargs)

    monkeypatch.setattr(module, "_check_based_on", paused_check)
    outcome: dict[str, object] = {}

    def review(name: str, saw: int) -> None:
        try:
            _reviewer(store_location).add(
                [fix_field({"event_id": "syn-1-0000008"}, "claimant", name, name)], based_on=saw)
            outcome[name] = "stored"
        except Exception as exc:  # noqa: BLE001 - the outcome is what is checked
            outcome[name] = exc

    ana = threading.Thread(target=review, args=("ana", 1), name="ana")
    bo = threading.Thread(target=review, args=("bo", 1), name="bo")
    ana.start()
    assert inside.wait(timeout=60)
    bo.start()
    bo.join(timeout=1.5)
    assert bo.is_alive()  # Bo waits for Ana's write to finish
    release.set()
    ana.join(timeout=60)
    bo.join(timeout=60)
    assert outcome["ana"] == "stored"
    assert isinstance(outcome["bo"], CorrectionConflict), outcome["bo"]
    assert outcome["bo"].author == "ana" and outcome["bo"].changes[0].new_value == "ana"
    assert [c.author for c in corrections_of(store_location).read()] == ["cy", "ana"]


# -- PostGIS: the table, its migration and the transaction -------------------------------------


def test_postgis_store_created_at_version_1_is_upgraded(postgis_server, monkeypatch):
    import psycopg

    import events.store_postgis as postgis

    url = postgis_server.new_database()
    monkeypatch.setattr(postgis, "MIGRATIONS", postgis.MIGRATIONS[:1])
    monkeypatch.setattr(postgis, "LATEST_VERSION", 1)
    open_store(url, create=True).append(synthetic_events(30, seed=4))
    monkeypatch.undo()
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT to_regclass('corrections')").fetchone()[0] is None
    with pytest.raises(StoreError, match="needs upgrading"):
        open_store(url, read_only=True)
    before = open_store(url, create=False)  # opening for writing migrates it
    assert before.count() == 30
    with psycopg.connect(url) as conn:
        versions = [r[0] for r in conn.execute(
            "SELECT version FROM kcm_schema_migrations ORDER BY version")]
    assert versions == [1, 2] and postgis.LATEST_VERSION == 2
    log = corrections_of(url)
    log.add([mark_wrong({"event_id": "syn-4-0000000"}, "ana", when=WHEN)], based_on=0)
    assert log.revisions() == {"syn-4-0000000": 1}
    assert open_store(url, read_only=True).count() == 30


def test_postgis_first_migration_is_unchanged():
    """A shipped migration is never edited: databases already at version 1 never rerun it."""
    from events.store_postgis import MIGRATIONS

    version, _, statements = MIGRATIONS[0]
    assert version == 1
    assert hashlib.sha256(statements.encode()).hexdigest() == (
        "ead7d8dc84277d396d766c915c18bc40b07197838d4e22a69fa764de81087b1f")


def test_postgis_audit_trail_and_revision_are_one_transaction(postgis_server):
    import psycopg

    url = postgis_server.new_database()
    store = open_store(url, create=True)
    log = corrections_of(store)
    log.add([mark_wrong({"event_id": "syn-1-0000000"}, "ana", when=WHEN)])
    with psycopg.connect(url) as conn:
        # Make the revision update, which runs after the audit rows are inserted, fail.
        conn.execute("""
            CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.author = 'boom' THEN RAISE EXCEPTION 'refused (simulated)'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER refuse BEFORE UPDATE ON correction_heads
                FOR EACH ROW EXECUTE FUNCTION refuse();
        """)
    with pytest.raises(StoreError, match="simulated") as info:
        log.add([mark_wrong({"event_id": "syn-1-0000001"}, "bo"),
                 mark_wrong({"event_id": "syn-1-0000000"}, "boom")])
    assert postgis_server.PASSWORD not in str(info.value)
    assert [c.author for c in log.read()] == ["ana"]
    assert log.revisions() == {"syn-1-0000000": 1}
    with psycopg.connect(url) as conn:
        audit = conn.execute("SELECT event_id, revision, author, \"timestamp\", kind, "
                             "recorded_by, recorded_at IS NOT NULL FROM corrections").fetchall()
    assert audit == [("syn-1-0000000", 1, "ana", WHEN, "wrong", postgis_server.USER, True)]


# -- two writers and a reader at once ---------------------------------------------------------

_REVIEWER = """
import datetime as dt, pathlib, sys, time
from events.corrections import CorrectionConflict, corrections_of, fix_date
location, name, first, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
go = pathlib.Path(sys.argv[5])
log = corrections_of(location)
log.revisions()  # connected and warmed up; now wait so both writers start together
(go.parent / f"ready-{name}").touch()
while not go.exists():
    time.sleep(0.002)
shared = "syn-1-0000039"
told = 0
for k in range(rounds):
    own = f"syn-1-{first + k:07d}"
    log.add(fix_date({"event_id": own}, dt.date(2020, 10, 1 + k), "day", name),
            based_on=log.revisions())
    while True:
        seen = log.revisions().get(shared, 0)
        try:
            log.add(fix_date({"event_id": shared}, dt.date(2020, 11, 1 + k), "day", name),
                    based_on=seen)
            break
        except CorrectionConflict as exc:
            assert exc.event_id == shared and exc.changes, exc
            told += 1
print(told)
"""

_WATCHER = """
import sys
from events.corrections import corrections_of, revisions_of
from events.store import open_store
location, total = sys.argv[1], int(sys.argv[2])
log = corrections_of(open_store(location, read_only=True))
seen = []
while not seen or seen[-1] < total:
    stored = log.read()
    assert len(stored) % 2 == 0, len(stored)  # batches of two are seen whole or not at all
    assert all(n % 2 == 0 for n in revisions_of(stored).values())
    seen.append(len(stored))
assert seen == sorted(seen), seen
print(len(seen))
"""


@pytest.mark.slow
def test_two_reviewers_and_a_reader_at_once(store, store_location, tmp_path):
    """Counts are exact at the end; the shared event's revisions never go missing."""
    rounds = 15
    total = 2 * rounds * 4
    go = tmp_path / "go"
    writers = [subprocess.Popen([sys.executable, "-c", _REVIEWER, store_location, name,
                                 str(first), str(rounds), str(go)], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for name, first in (("ana", 0), ("bo", 20))]
    watcher = subprocess.Popen([sys.executable, "-c", _WATCHER, store_location, str(total)],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        deadline = time.monotonic() + 120
        while not all((tmp_path / f"ready-{n}").exists() for n in ("ana", "bo")):
            assert time.monotonic() < deadline and all(p.poll() is None for p in writers)
            time.sleep(0.01)
        go.touch()
        results = [p.communicate(timeout=240) for p in writers]
        watched = watcher.communicate(timeout=240)
    finally:
        for proc in (*writers, watcher):
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert [p.returncode for p in writers] == [0, 0], [err for _, err in results]
    assert watcher.returncode == 0, watched[1]
    assert int(watched[0]) >= 1
    stored = corrections_of(store_location).read()
    assert len(stored) == total
    revisions = revisions_of(stored)
    assert revisions.pop("syn-1-0000039") == 2 * rounds * 2
    assert revisions == {f"syn-1-{i:07d}": 2 for i in (*range(rounds), *range(20, 20 + rounds))}
    authors = [c.author for c in stored]
    assert authors.count("ana") == authors.count("bo") == total // 2
    # The two really wrote at the same time: their corrections interleave in the log.
    assert authors.index("bo") < len(authors) - 1 - authors[::-1].index("ana")
    assert authors.index("ana") < len(authors) - 1 - authors[::-1].index("bo")
    assert corrections_of(store_location).revisions() == revisions_of(stored)
