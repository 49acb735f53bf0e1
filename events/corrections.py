"""Analysts' corrections, kept beside the extracted events and never written over them.

The pipeline's output is a record of what the articles were read to say; a
reviewer's judgement is another record, with its author and time. Keeping
the two apart means a correction can be audited or undone, and re-running
the pipeline (which yields the same deterministic ``event_id`` for the same
input) neither loses corrections nor needs to know about them.

Where they live:

* a GeoPackage store holds them in its own ``corrections`` table (registered
  as an attribute table, so QGIS shows it); each write is one SQLite
  transaction on a copy of the file, swapped in whole under the store's write
  lock, the way appends are, so the two never interleave;
* a GeoJSON store has a sidecar file ``<store>.corrections.json`` beside it,
  rewritten whole and swapped in atomically;
* a PostGIS store holds them in its ``corrections`` table (the audit trail:
  who, when, old and new value, kind), written in one transaction with the
  per-event revision in ``correction_heads`` (see :mod:`events.store_postgis`).

Two reviewers at once. Corrections are only ever added, so reviewers
editing different events never overwrite each other. For the same event,
each event has a *revision*: the number of corrections stored for it (0 when
there are none; :func:`revisions_of` counts them in what ``read()`` gave).
A reviewer passes the revisions it saw as ``add(..., based_on=...)``; the
write checks them while holding the store's write lock (the file stores) or
the event's locked head row (PostGIS), and if another reviewer stored a
correction of the event meanwhile, nothing is written and
:class:`CorrectionConflict` names the event, who changed it and when, and
carries their changes. Without ``based_on`` a correction is simply added,
as before.

Kinds: ``wrong`` (the event should not be there), ``fix`` (one field gets a
new value) and ``merge`` (a duplicate is folded into another event). Applying
corrections to a table gives the corrected view, flagged per row.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from events.files import atomic_write_text
from events.schema import (
    DATE_PRECISIONS,
    EVENT_TYPES,
    GEO_PRECISIONS,
    SIDES,
    date_span,
)
from events.store import (
    GeoJSONStore,
    GeoPackageStore,
    StoreCorrupt,
    StoreError,
    open_store,
    replace_atomically,
    write_lock,
)

KINDS: tuple[str, ...] = ("wrong", "fix", "merge")
#: Field a ``wrong`` correction sets (value ``"wrong"``, or ``"ok"`` to undo it).
STATUS_FIELD = "status"
#: Field a ``merge`` correction sets (the kept event's id, or ``""`` to undo it).
MERGE_FIELD = "merged_into"
#: Event fields a ``fix`` may change.
FIXABLE: tuple[str, ...] = (
    "event_type", "reporting_side", "event_date", "date_precision", "claimant",
    "location_name", "place", "geo_precision", "lon", "lat", "fatalities",
)
TABLE = "corrections"
SIDECAR_SUFFIX = ".corrections.json"
_SIDECAR_KEY = "kcm_corrections"
MAX_AUTHOR = 200
MAX_TEXT = 2000


class CorrectionError(ValueError):
    """A correction that cannot be right; the message names the event and field."""


#: What a reviewer saw before correcting: each event's revision (events left
#: out had none), or one revision for every event of the batch.
BasedOn = Mapping[str, int] | int | None


@dataclass(frozen=True)
class Correction:
    """One reviewer's change to one field of one event, with who and when.

    ``old_value`` is what the field held when the reviewer saw it, kept for
    the audit trail; values are JSON scalars (dates as ISO text).
    """

    event_id: str
    field: str
    old_value: Any
    new_value: Any
    author: str
    timestamp: str
    kind: str

    def __post_init__(self) -> None:
        check_correction(self)


def now_utc() -> str:
    """The current time as the stored timestamp text (UTC, ISO 8601, milliseconds)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def check_correction(c: Correction) -> None:
    """Refuse a correction the corrected view could not hold."""
    def fail(message: str) -> None:
        raise CorrectionError(f"correction of event {c.event_id!r} field {c.field!r}: {message}")

    if not isinstance(c.event_id, str) or not c.event_id or len(c.event_id) > MAX_TEXT:
        fail("needs an event id")
    if not isinstance(c.author, str) or not c.author.strip() or len(c.author) > MAX_AUTHOR:
        fail(f"needs an author (at most {MAX_AUTHOR} characters)")
    try:
        dt.datetime.fromisoformat(str(c.timestamp).replace("Z", "+00:00"))
    except ValueError:
        fail(f"timestamp {c.timestamp!r} is not ISO 8601")
    if c.kind not in KINDS:
        fail(f"kind {c.kind!r} is not one of {', '.join(KINDS)}")
    expected = {"wrong": (STATUS_FIELD,), "merge": (MERGE_FIELD,), "fix": FIXABLE}[c.kind]
    if c.field not in expected:
        fail(f"a {c.kind!r} correction changes {', '.join(expected)}")
    value = c.new_value
    if c.kind == "wrong" and value not in ("wrong", "ok"):
        fail("value must be 'wrong' or 'ok'")
    elif c.kind == "merge" and (not isinstance(value, str) or value == c.event_id
                                or len(value) > MAX_TEXT):
        fail("value must be the id of another event (or '' to undo)")
    elif c.kind == "fix":
        _check_value(c.field, value, fail)


def _check_value(name: str, value: Any, fail: Any) -> None:
    vocabularies = {"event_type": EVENT_TYPES, "reporting_side": SIDES,
                    "date_precision": DATE_PRECISIONS, "geo_precision": GEO_PRECISIONS}
    if name in vocabularies:
        if value not in vocabularies[name]:
            fail(f"{value!r} is not one of {', '.join(vocabularies[name])}")
    elif name == "event_date":
        try:
            dt.date.fromisoformat(str(value))
        except ValueError:
            fail(f"{value!r} is not a YYYY-MM-DD date")
    elif name in ("lon", "lat"):
        bound = 180 if name == "lon" else 90
        if (isinstance(value, bool) or not isinstance(value, int | float)
                or not math.isfinite(value) or abs(value) > bound):
            fail(f"{value!r} is not a {name} in -{bound}..{bound}")
    elif name == "fatalities":
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or value < 0):
            fail(f"{value!r} is not a count of deaths")
    elif not isinstance(value, str) or len(value) > MAX_TEXT:
        fail(f"expected text of at most {MAX_TEXT} characters")


# -- making corrections ---------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A table value as the JSON scalar stored as ``old_value``."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return None if math.isnan(value) else float(value)
    return value


def mark_wrong(row: Mapping[str, Any], author: str, *, wrong: bool = True,
               when: str | None = None) -> Correction:
    """Say an event should not be there (``wrong=False`` takes that back)."""
    return Correction(str(row["event_id"]), STATUS_FIELD, None, "wrong" if wrong else "ok",
                      author, when or now_utc(), "wrong")


def fix_field(row: Mapping[str, Any], name: str, value: Any, author: str, *,
              when: str | None = None) -> Correction:
    """Give one field of an event (a table row or record) a new value."""
    value = _plain(value)
    return Correction(str(row["event_id"]), name, _plain(row.get(name)), value, author,
                      when or now_utc(), "fix")


def fix_date(row: Mapping[str, Any], day: dt.date, precision: str, author: str, *,
             when: str | None = None) -> list[Correction]:
    """A new date and its precision, which only make sense together."""
    when = when or now_utc()
    return [fix_field(row, "event_date", day, author, when=when),
            fix_field(row, "date_precision", precision, author, when=when)]


def fix_place(row: Mapping[str, Any], place: Any, author: str, *,
              when: str | None = None) -> list[Correction]:
    """Move an event to a gazetteer place (``geodata.gazetteer.Place``): name, point, precision."""
    when = when or now_utc()
    return [fix_field(row, "place", place.name, author, when=when),
            fix_field(row, "lon", float(place.lon), author, when=when),
            fix_field(row, "lat", float(place.lat), author, when=when),
            fix_field(row, "geo_precision", place.precision, author, when=when)]


def merge_duplicates(keep_id: str, duplicate_ids: Iterable[str], author: str, *,
                     when: str | None = None) -> list[Correction]:
    """Fold duplicates into ``keep_id``: each duplicate is marked as merged into it."""
    when = when or now_utc()
    return [Correction(str(d), MERGE_FIELD, None, str(keep_id), author, when, "merge")
            for d in dict.fromkeys(duplicate_ids) if str(d) != str(keep_id)]


# -- storage ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventConflict:
    """One event another reviewer corrected after the revision the caller saw."""

    event_id: str
    #: The revision the caller based its correction on.
    seen: int
    #: The event's revision in the store now.
    revision: int
    #: Who stored the latest correction of the event, and the time it carries.
    author: str
    timestamp: str
    #: The corrections stored after ``seen``, oldest first: the other reviewer's change.
    changes: tuple[Correction, ...]


class CorrectionConflict(StoreError):
    """Another reviewer corrected the same event first; nothing of the batch was stored.

    ``conflicts`` lists every such event; ``event_id``, ``author`` and
    ``timestamp`` are those of the first, ``changes`` all the corrections the
    caller had not seen. Read the log again (the new revisions come with it)
    and decide whether to correct once more.
    """

    def __init__(self, location: str, conflicts: Sequence[EventConflict]) -> None:
        self.location = location
        self.conflicts = tuple(conflicts)
        first = self.conflicts[0]
        self.event_id, self.author, self.timestamp = first.event_id, first.author, first.timestamp
        self.changes = tuple(c for conflict in self.conflicts for c in conflict.changes)
        if first.revision > first.seen:
            what = (f"was corrected by {first.author} at {first.timestamp} after you looked "
                    f"(revision {first.revision}, you saw {first.seen})")
        else:
            what = (f"is at revision {first.revision}, not the revision {first.seen} "
                    "you based your correction on")
        others = len(self.conflicts) - 1
        more = f"; {others} other event(s) of the batch changed too" if others else ""
        super().__init__(f"{location}: event {first.event_id!r} {what}{more}. Nothing was "
                         "saved; reload to see the change and correct again if still needed")


class CorrectionLog(Protocol):
    """Where a store's corrections live."""

    location: str

    def read(self) -> list[Correction]: ...

    def add(self, corrections: Sequence[Correction], *, based_on: BasedOn = None) -> int: ...

    def revisions(self) -> dict[str, int]: ...


def revisions_of(corrections: Iterable[Correction]) -> dict[str, int]:
    """Each corrected event's revision (its number of corrections) in a log as read.

    Computed from the same ``read()`` the corrected view is built from, it is
    exactly what the reviewer saw; pass it (or one event's entry) as
    ``based_on`` when adding corrections.
    """
    counts: dict[str, int] = {}
    for c in corrections:
        counts[c.event_id] = counts.get(c.event_id, 0) + 1
    return counts


def _seen_revisions(corrections: Sequence[Correction], based_on: BasedOn) -> dict[str, int]:
    """The revision the caller saw of each event of the batch."""
    ids = list(dict.fromkeys(c.event_id for c in corrections))
    if isinstance(based_on, bool) or not isinstance(based_on, int | Mapping):
        raise CorrectionError(f"based_on must be a revision or a mapping of event id to "
                              f"revision, got {based_on!r}")
    if isinstance(based_on, int):
        seen = dict.fromkeys(ids, based_on)
    else:
        seen = {eid: based_on.get(eid, 0) for eid in ids}
    for eid, rev in seen.items():
        if isinstance(rev, bool) or not isinstance(rev, int) or rev < 0:
            raise CorrectionError(f"correction of event {eid!r}: based_on revision {rev!r} "
                                  "is not a count of corrections")
    return seen


def _check_based_on(location: str, seen: Mapping[str, int], revisions: Mapping[str, int],
                    newer: Callable[[str, int], Sequence[Correction]]) -> None:
    """Raise :class:`CorrectionConflict` for every event whose revision moved on."""
    conflicts = []
    for eid, rev in seen.items():
        now = revisions.get(eid, 0)
        if now == rev:
            continue
        changes = tuple(newer(eid, rev)) if now > rev else ()
        latest = changes[-1] if changes else None
        conflicts.append(EventConflict(eid, rev, now, latest.author if latest else "",
                                       latest.timestamp if latest else "", changes))
    if conflicts:
        raise CorrectionConflict(location, conflicts)


def _check_against_log(location: str, seen: Mapping[str, int],
                       current: Sequence[Correction]) -> None:
    """The ``based_on`` check for a log read whole under the store's write lock."""
    def newer(eid: str, rev: int) -> list[Correction]:
        return [c for c in current if c.event_id == eid][rev:]

    _check_based_on(location, seen, revisions_of(current), newer)


def _to_row(c: Correction) -> tuple[Any, ...]:
    return (c.event_id, c.field, json.dumps(c.old_value), json.dumps(c.new_value), c.author,
            c.timestamp, c.kind)


def _from_mapping(values: Mapping[str, Any], where: str) -> Correction:
    try:
        return Correction(**{k: values[k] for k in Correction.__dataclass_fields__})
    except (KeyError, TypeError, CorrectionError) as exc:
        raise StoreCorrupt(f"{where}: a stored correction cannot be read ({exc}); "
                           "the file was left untouched") from None


def _rows(rows: Sequence[tuple[Any, ...]]) -> Iterable[tuple[Any, ...]]:
    """Rows handed to SQLite one by one (a seam where tests interrupt a write half-way)."""
    yield from rows


class GeoPackageCorrections:
    """The ``corrections`` table inside a GeoPackage event store.

    A write works like an append to the store: the SQLite transaction runs on
    a copy of the file, which is swapped in whole. Writing in place would
    leave, after a crash in mid-commit, a file whose consistency depends on a
    hot journal that a plain file copy (or a read-only reader) does not see.
    """

    def __init__(self, store: GeoPackageStore) -> None:
        self.store = store
        self.path = store.path
        self.location = f"{store.location}#{TABLE}"

    def read(self) -> list[Correction]:
        try:
            con = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot be read ({exc})") from None
        try:
            exists = con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?",
                                 (TABLE,)).fetchone()
            if not exists:
                return []
            rows = con.execute(
                f"SELECT event_id, field, old_value, new_value, author, timestamp, kind "
                f"FROM {TABLE} ORDER BY fid").fetchall()
        except sqlite3.Error as exc:
            raise StoreCorrupt(f"{self.location}: cannot be read ({exc})") from None
        finally:
            con.close()
        return _decode_rows(rows, self.location, start=1)

    def revisions(self) -> dict[str, int]:
        """Each corrected event's revision (see :func:`revisions_of`)."""
        return revisions_of(self.read())

    def add(self, corrections: Sequence[Correction], *, based_on: BasedOn = None) -> int:
        """Store all of ``corrections`` in one transaction: all are kept, or none.

        ``based_on`` (optional): the revisions the reviewer saw, as
        :func:`revisions_of` gives them, or one revision for every event of
        the batch. When given, the write fails with
        :class:`CorrectionConflict` (storing nothing) if another reviewer
        corrected one of the events since.
        """
        corrections = list(corrections)
        for c in corrections:
            check_correction(c)
        if self.store.read_only:
            raise StoreError(f"{self.store.location}: opened read-only; corrections need a "
                             "store of your own")
        seen = None if based_on is None else _seen_revisions(corrections, based_on)
        if not corrections:
            return 0
        rows = [_to_row(c) for c in corrections]

        def write(tmp: Path) -> None:
            con = sqlite3.connect(tmp, isolation_level=None, timeout=30)
            try:
                con.execute("BEGIN IMMEDIATE")
                try:
                    self._ensure_table(con)
                    con.executemany(
                        f"INSERT INTO {TABLE} (event_id, field, old_value, new_value, author, "
                        "timestamp, kind) VALUES (?, ?, ?, ?, ?, ?, ?)", _rows(rows))
                    con.execute("UPDATE gpkg_contents SET last_change = ? WHERE table_name = ?",
                                (_gpkg_now(), TABLE))
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
                con.execute("COMMIT")
            finally:
                con.close()

        with write_lock(self.path):
            self.store.check()
            if seen is not None:
                _check_against_log(self.location, seen, self.read())
            _remove_stale_journals(self.path)
            try:
                replace_atomically(self.path, write, start_from_copy=True)
            except sqlite3.Error as exc:
                raise StoreError(f"{self.location}: corrections were not saved ({exc}); "
                                 "the store was left as it was") from None
        return len(corrections)

    @staticmethod
    def _ensure_table(con: sqlite3.Connection) -> None:
        con.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} ("
            "fid INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, "
            "field TEXT NOT NULL, old_value TEXT, new_value TEXT, author TEXT NOT NULL, "
            "timestamp TEXT NOT NULL, kind TEXT NOT NULL)")
        con.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_event ON {TABLE} (event_id)")
        con.execute(
            "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, "
            "description, last_change) VALUES (?, 'attributes', ?, ?, ?)",
            (TABLE, TABLE, "Reviewers' corrections of extracted events", _gpkg_now()))


def _remove_stale_journals(path: Path) -> None:
    """Delete SQLite journals of copies whose writer died (called with the write lock held).

    The store removes the dead writers' copies themselves; their ``-journal``
    files would otherwise pile up beside the store.
    """
    for stale in path.parent.glob(f".{path.name}.*.tmp{path.suffix}-journal"):
        stale.unlink(missing_ok=True)


def _gpkg_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class SidecarCorrections:
    """Corrections of a GeoJSON store, in a JSON file beside it."""

    def __init__(self, store: GeoJSONStore) -> None:
        self.store = store
        self.store_path = store.path
        self.path = store.path.with_name(store.path.name + SIDECAR_SUFFIX)
        self.location = str(self.path)

    def read(self) -> list[Correction]:
        if not self.path.exists():
            return []
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StoreCorrupt(f"{self.path}: not a corrections file ({exc}); "
                               "the file was left untouched") from None
        items = doc.get("corrections") if isinstance(doc, dict) else None
        if not isinstance(items, list):
            raise StoreCorrupt(f"{self.path}: has no 'corrections' list; the file was left "
                               "untouched")
        return [_from_mapping(item if isinstance(item, dict) else {}, f"{self.path} item {i}")
                for i, item in enumerate(items)]

    def revisions(self) -> dict[str, int]:
        """Each corrected event's revision (see :func:`revisions_of`)."""
        return revisions_of(self.read())

    def add(self, corrections: Sequence[Correction], *, based_on: BasedOn = None) -> int:
        """Rewrite the sidecar with ``corrections`` added, swapped in whole.

        ``based_on`` works as in :meth:`GeoPackageCorrections.add`; the check
        runs under the store's write lock.
        """
        corrections = list(corrections)
        for c in corrections:
            check_correction(c)
        if self.store.read_only:
            raise StoreError(f"{self.store.location}: opened read-only; corrections need a "
                             "store of your own")
        seen = None if based_on is None else _seen_revisions(corrections, based_on)
        if not corrections:
            return 0
        with write_lock(self.store_path):
            current = self.read()
            if seen is not None:
                _check_against_log(self.location, seen, current)
            doc = {_SIDECAR_KEY: 1, "store": self.store_path.name,
                   "corrections": [asdict(c) for c in [*current, *corrections]]}
            atomic_write_text(self.path, json.dumps(doc, ensure_ascii=False, indent=1))
        return len(corrections)


class PostGISCorrections:
    """The ``corrections`` table of a PostGIS event store (see :mod:`events.store_postgis`).

    Each ``add`` is one transaction: the audit rows and the events'
    revisions are written together, with the events' head rows locked while
    ``based_on`` is checked, so a second reviewer of the same event waits for
    the first one's commit and is then told.
    """

    def __init__(self, store: Any) -> None:
        self.store = store
        self.location = f"{store.location}#{TABLE}"

    def read(self) -> list[Correction]:
        return _decode_rows(self.store.correction_rows(), self.location, start=1)

    def revisions(self) -> dict[str, int]:
        """Each corrected event's revision, read from the head rows."""
        return self.store.correction_revisions()

    def add(self, corrections: Sequence[Correction], *, based_on: BasedOn = None) -> int:
        """Store all of ``corrections`` in one transaction: all are kept, or none.

        ``based_on`` works as in :meth:`GeoPackageCorrections.add`.
        """
        corrections = list(corrections)
        for c in corrections:
            check_correction(c)
        if self.store.read_only:
            raise StoreError(f"{self.store.location}: opened read-only; corrections need a "
                             "store opened for writing")
        seen = None if based_on is None else _seen_revisions(corrections, based_on)
        if not corrections:
            return 0
        check = None
        if seen is not None:
            def check(revisions: Mapping[str, int],
                      newer: Callable[[str, int], list[tuple[Any, ...]]]) -> None:
                _check_based_on(self.location, seen, revisions,
                                lambda eid, rev: _decode_rows(newer(eid, rev), self.location))

        self.store.write_corrections([_to_row(c) for c in corrections], check)
        return len(corrections)


def _decode_rows(rows: Iterable[Sequence[Any]], location: str, *,
                 start: int | None = None) -> list[Correction]:
    """Stored rows (values as JSON text) as corrections; a bad row is named, never guessed."""
    out = []
    for i, (eid, name, old, new, author, stamp, kind) in enumerate(rows):
        where = f"{location} row {i + start}" if start is not None else location
        try:
            old, new = json.loads(old), json.loads(new)
        except (TypeError, json.JSONDecodeError):
            raise StoreCorrupt(f"{where}: holds a value that is not JSON; the store was "
                               "left untouched") from None
        out.append(_from_mapping({"event_id": eid, "field": name, "old_value": old,
                                  "new_value": new, "author": author, "timestamp": stamp,
                                  "kind": kind}, where))
    return out


def corrections_of(store: Any) -> CorrectionLog:
    """The correction log of a store (an open store, or a path or address for
    :func:`open_store`)."""
    if isinstance(store, str | Path):
        store = open_store(store)
    if isinstance(store, GeoPackageStore):
        return GeoPackageCorrections(store)
    if isinstance(store, GeoJSONStore):
        return SidecarCorrections(store)
    try:
        from events.store_postgis import PostGISStore
    except ImportError:  # psycopg not installed: no store can be a PostGIS one
        PostGISStore = None  # noqa: N806
    if PostGISStore is not None and isinstance(store, PostGISStore):
        return PostGISCorrections(store)
    raise StoreError(f"{getattr(store, 'location', store)}: corrections are kept in "
                     "GeoPackage, GeoJSON and PostGIS stores only")


# -- the corrected view -------------------------------------------------------------------


def corrections_frame(corrections: Sequence[Correction]) -> pd.DataFrame:
    """Corrections as a table in the order they were made (ties keep log order)."""
    frame = pd.DataFrame([asdict(c) for c in corrections],
                         columns=list(Correction.__dataclass_fields__))
    frame["seq"] = np.arange(len(frame))
    return frame.sort_values(["timestamp", "seq"], kind="stable").reset_index(drop=True)


def apply_corrections(frame: pd.DataFrame, corrections: Sequence[Correction]) -> pd.DataFrame:
    """The corrected view of an ``events.table`` frame; the input is left as it was.

    The latest correction of each (event, field) wins. Added columns:
    ``corrected`` (some correction applies), ``wrong`` (marked wrong) and
    ``merged_into`` (id of the event a duplicate was merged into, or "").
    Corrections of events not in ``frame`` are ignored.
    """
    out = frame.copy()
    out["corrected"] = False
    out["wrong"] = False
    out["merged_into"] = ""
    if not corrections:
        return out
    log = corrections_frame(corrections)
    log = log[log["event_id"].isin(out["event_id"])]
    latest = log.drop_duplicates(["event_id", "field"], keep="last")
    ids = out["event_id"]
    out["corrected"] = ids.isin(latest["event_id"]).to_numpy()
    for name, group in latest.groupby("field"):
        values = pd.Series(group["new_value"].to_numpy(), index=group["event_id"].to_numpy())
        hit = ids.isin(values.index).to_numpy()
        new = ids[hit].map(values)
        if name == STATUS_FIELD:
            out.loc[hit, "wrong"] = (new == "wrong").to_numpy()
        elif name == MERGE_FIELD:
            out.loc[hit, "merged_into"] = new.astype(str).to_numpy()
        elif name in ("event_date",):
            out.loc[hit, name] = pd.to_datetime(new).to_numpy()
        elif name in ("lon", "lat"):
            out.loc[hit, name] = new.astype(float).to_numpy()
        elif name == "fatalities":
            out.loc[hit, name] = pd.array(new.tolist(), dtype="Int64")
        else:
            out.loc[hit, name] = new.to_numpy()
    dated = latest["field"].isin(["event_date", "date_precision"])
    redo = ids.isin(latest.loc[dated, "event_id"]) & out["event_date"].notna()
    if redo.any():
        spans = [date_span(d.date(), p) for d, p in
                 zip(out.loc[redo, "event_date"], out.loc[redo, "date_precision"], strict=True)]
        out.loc[redo, "date_start"] = pd.to_datetime([s for s, _ in spans]).to_numpy()
        out.loc[redo, "date_end"] = pd.to_datetime([e for _, e in spans]).to_numpy()
    return out


def current_events(corrected: pd.DataFrame) -> pd.DataFrame:
    """Rows still standing after review: not marked wrong, not merged into another."""
    return corrected.loc[~corrected["wrong"] & (corrected["merged_into"] == "")]


def review_queue(corrected: pd.DataFrame) -> pd.DataFrame:
    """Events in review order: uncorrected first, least confident first, then by id.

    Takes the output of :func:`apply_corrections` so an event already reviewed
    drops to the back of the queue.
    """
    return corrected.sort_values(["corrected", "confidence", "event_id"],
                                 ascending=[True, True, True], kind="stable",
                                 na_position="first")
