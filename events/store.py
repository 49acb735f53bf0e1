"""Where events live between runs: a GeoPackage by default, a GeoJSON file, or PostGIS.

Every store has the same small interface (``read_frame``, ``events``, ``append``,
``count``, ``location``) so the page, the pipeline and the exports never care
which one they were given. :func:`open_store` picks the backend from the
location: ``.gpkg`` → :class:`GeoPackageStore`, ``.geojson``/``.json`` →
:class:`GeoJSONStore`, ``postgresql://`` → the PostGIS store.

Two promises hold for every backend:

* a store is never half-written: a file store writes a complete copy next to
  the original and swaps it in with :func:`os.replace` (the PostGIS store
  writes a batch in one transaction), so a crash or an error leaves the old
  store as it was;
* a store that cannot be used (missing, empty, corrupt, written by a newer
  release) raises a :class:`StoreError` whose message names the store and says
  what to do, and the file is never touched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import json
import math
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlsplit, urlunsplit

import pandas as pd

from events.files import atomic_path, temp_pattern
from events.schema import (
    EVENT_TYPES,
    PROPERTY_NAMES,
    SCHEMA_VERSION,
    SIDES,
    Event,
    RecordError,
    SchemaError,
    event_from_feature,
    event_from_record,
    event_to_feature,
    events_from_collection,
)
from events.table import COLUMNS, events_to_frame, frame_to_events, normalise_frame

#: The bundled sample events, opened when the user has no store of their own.
SAMPLE_EVENTS: Path = Path(__file__).resolve().parent / "data" / "sample_events.geojson"

#: Name of the event layer in a GeoPackage store.
EVENTS_LAYER = "events"
#: Name of the key/value table that records the schema version in a GeoPackage store.
METADATA_LAYER = "kcm_metadata"
#: Foreign member of a GeoJSON store's FeatureCollection holding the schema version.
GEOJSON_VERSION_KEY = "kcm_schema_version"

_GPKG_SUFFIXES = (".gpkg",)
_GEOJSON_SUFFIXES = (".geojson", ".json")
_SQLITE_MAGIC = b"SQLite format 3\x00"
#: Columns a GeoPackage store keeps besides the geometry (the span columns are
#: stored so date filters run in SQL).
_GPKG_COLUMNS: tuple[str, ...] = (*PROPERTY_NAMES, "date_start", "date_end")
_GPKG_DATE_COLUMNS = ("event_date", "published", "date_start", "date_end")


class StoreError(Exception):
    """A store that cannot be used as asked; the message is meant for the user."""


class StoreNotFound(StoreError):
    """The store does not exist (and was not asked to be created)."""


class StoreCorrupt(StoreError):
    """The store exists but cannot be read as an event store."""


class StoreTooNew(StoreError):
    """The store was written by a newer release with a newer record layout."""


class StoreUnavailable(StoreError):
    """A database store that cannot be reached; never replaced by another store silently."""


class StoreReadOnly(StoreError):
    """The store was opened for reading only (the bundled sample, for one)."""


@dataclass
class AppendResult:
    """What an append did: new events written, ids already present, records refused."""

    added: int
    duplicates: int
    errors: list[RecordError] = field(default_factory=list)


@runtime_checkable
class Store(Protocol):
    """The interface every backend offers."""

    location: str

    def read_frame(
        self,
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
        sides: Sequence[str] = (),
        types: Sequence[str] = (),
        bbox: tuple[float, float, float, float] | None = None,
        include_undated: bool = False,
    ) -> pd.DataFrame: ...

    def events(self, **filters: Any) -> list[Event]: ...

    def append(self, events: Iterable[Event | Mapping[str, Any]]) -> AppendResult: ...

    def count(self) -> int: ...


# -- query arguments ----------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """Checked query arguments, shared by every backend so all filter alike.

    Dates filter on the span an event's date stands for (an event dated
    "October 2020" is in a view of 10-20 October); undated events are left out
    of a dated view unless ``include_undated``. The bounding box is
    ``(west, south, east, north)`` in degrees; events with no point are never in it.
    """

    start: dt.date | None = None
    end: dt.date | None = None
    sides: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    bbox: tuple[float, float, float, float] | None = None
    include_undated: bool = False

    @classmethod
    def make(
        cls,
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
        sides: Iterable[str] = (),
        types: Iterable[str] = (),
        bbox: Sequence[float] | None = None,
        include_undated: bool = False,
    ) -> Query:
        """Validate the arguments (they reach SQL, so only known values pass)."""
        for name, value in (("start", start), ("end", end)):
            if value is not None and (
                not isinstance(value, dt.date) or isinstance(value, dt.datetime)
            ):
                raise ValueError(f"{name} must be a date, got {value!r}")
        if start is not None and end is not None and start > end:
            raise ValueError(f"start {start} is after end {end}")
        sides = tuple(sides)
        types = tuple(types)
        unknown = sorted(set(sides) - set(SIDES))
        if unknown:
            raise ValueError(f"unknown reporting side(s): {', '.join(map(str, unknown))}")
        unknown = sorted(set(types) - set(EVENT_TYPES))
        if unknown:
            raise ValueError(f"unknown event type(s): {', '.join(map(str, unknown))}")
        box = None
        if bbox is not None:
            if len(bbox) != 4:
                raise ValueError(f"bounding box needs west, south, east, north: {bbox!r}")
            box = tuple(float(v) for v in bbox)
            west, south, east, north = box
            if not all(math.isfinite(v) for v in box) or not (
                -180 <= west <= east <= 180 and -90 <= south <= north <= 90
            ):
                raise ValueError(f"bad bounding box {bbox!r}")
        return cls(start, end, sides, types, box, bool(include_undated))  # type: ignore[arg-type]


def query_mask(frame: pd.DataFrame, query: Query) -> pd.Series:
    """Which rows of an event table a query keeps (vectorised: fast at 1M rows).

    The one in-memory reading of a query: stores without SQL and the
    dashboard's filters both use it, so a view filters alike everywhere.
    """
    mask = pd.Series(True, index=frame.index)
    if query.start is not None or query.end is not None:
        dated = frame["date_start"].notna()
        in_range = dated
        if query.start is not None:
            in_range = in_range & (frame["date_end"] >= pd.Timestamp(query.start))
        if query.end is not None:
            in_range = in_range & (frame["date_start"] <= pd.Timestamp(query.end))
        mask &= in_range | (~dated & query.include_undated)
    if query.sides:
        mask &= frame["reporting_side"].isin(query.sides)
    if query.types:
        mask &= frame["event_type"].isin(query.types)
    if query.bbox is not None:
        west, south, east, north = query.bbox
        mask &= frame["lon"].between(west, east) & frame["lat"].between(south, north)
    return mask


def filter_frame(frame: pd.DataFrame, query: Query) -> pd.DataFrame:
    """Rows of an event table that a query keeps (used where SQL is not)."""
    return frame.loc[query_mask(frame, query)].reset_index(drop=True)


# -- input records --------------------------------------------------------------


def coerce_events(
    items: Iterable[Event | Mapping[str, Any]], *, source: str = "<append>"
) -> tuple[list[Event], list[RecordError]]:
    """Events from what a caller hands to ``append``: Events, flat records or features.

    A record that is not a valid event is reported with its position and the
    others go on, so one bad record never stops a batch.
    """
    events: list[Event] = []
    errors: list[RecordError] = []
    for i, item in enumerate(items):
        try:
            if isinstance(item, Event):
                events.append(item)
            elif isinstance(item, Mapping):
                if item.get("type") == "Feature":
                    events.append(event_from_feature(item))
                else:
                    events.append(event_from_record(item))
            else:
                raise SchemaError(None, "record", f"not an event: {type(item).__name__}")
        except SchemaError as exc:
            errors.append(RecordError(source, i, str(exc)))
    return events, errors


def split_new(
    events: Iterable[Event], existing: set[str]
) -> tuple[list[Event], int]:
    """Events whose id is not yet stored (first of a repeated id wins) and the duplicate count."""
    seen = set(existing)
    fresh: list[Event] = []
    duplicates = 0
    for ev in events:
        if ev.event_id in seen:
            duplicates += 1
        else:
            seen.add(ev.event_id)
            fresh.append(ev)
    return fresh, duplicates


def events_of_frame(frame: pd.DataFrame, location: str) -> list[Event]:
    events, errors = frame_to_events(frame, source=location)
    if errors:
        raise StoreCorrupt(
            f"{location}: {len(errors)} stored record(s) are not valid events "
            f"(first: {errors[0]}); repair the store or re-import its events"
        )
    return events


def display_location(location: str | os.PathLike[str]) -> str:
    """A store location safe to show or log: passwords in a URL or conninfo are removed.

    Pure (no database driver needed), so the page and the command lines can name
    any store a user gave, even one they cannot open.
    """
    text = str(location)
    parts = urlsplit(text)
    if parts.scheme and parts.password is not None:
        netloc = f"{parts.username}@" if parts.username else ""
        netloc += parts.hostname or ""
        with contextlib.suppress(ValueError):
            netloc += f":{parts.port}" if parts.port else ""
        text = urlunsplit(parts._replace(netloc=netloc))
    return _PASSWORD_PARAM.sub(r"\1***", text)


_PASSWORD_PARAM = re.compile(r"(password\s*=\s*)[^\s&]+", re.IGNORECASE)


# -- file helpers -----------------------------------------------------------------


@contextlib.contextmanager
def write_lock(path: Path) -> Iterator[None]:
    """Serialise writers of one file store (readers need no lock: they see whole files)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.with_name(f".{path.name}.lock")
    try:
        import fcntl
    except ImportError:  # pragma: no cover - non-POSIX systems: writers are not serialised
        yield
        return
    with open(lock_path, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _remove_stale_temps(path: Path) -> None:
    """Delete copies left by writers that died before swapping them in.

    Called with the write lock held, so no live writer owns any of them.
    """
    for stale in path.parent.glob(temp_pattern(path)):
        stale.unlink(missing_ok=True)


def replace_atomically(path: Path, write: Any, *, start_from_copy: bool) -> None:
    """Build the new store in a temp file beside ``path``, then swap it in whole.

    ``write(tmp)`` fills the temp file (which starts as a copy of the store when
    ``start_from_copy``); any error or a crash before the swap leaves the store
    exactly as it was.
    """
    _remove_stale_temps(path)
    with atomic_path(path, start_from_copy=start_from_copy) as tmp:
        write(tmp)


@contextlib.contextmanager
def _writing(path: Path) -> Iterator[None]:
    """A write that fails on the disk (full, no permission) as a message, the store intact."""
    try:
        yield
    except OSError as exc:
        raise StoreError(
            f"{path}: cannot be written ({exc.strerror or exc}); the store was left as it was"
        ) from None


def _missing(path: Path, kind: str) -> StoreNotFound:
    return StoreNotFound(
        f"{path}: no such {kind} event store; check the path, or create a new store "
        "there (open_store(..., create=True))"
    )


def _corrupt(path: Path, why: str) -> StoreCorrupt:
    return StoreCorrupt(
        f"{path}: {why}. The file was left untouched; restore it from a backup "
        "or choose another store"
    )


def _too_new(path: Path, version: int) -> StoreTooNew:
    return StoreTooNew(
        f"{path}: written with event schema version {version}, newer than this "
        f"release understands ({SCHEMA_VERSION}); upgrade Karabakh Conflict Map to open it. "
        "The file was left untouched"
    )


def _read_only(location: str) -> StoreReadOnly:
    return StoreReadOnly(
        f"{location}: opened read-only; copy the events to a store of your own to add to them"
    )


# -- GeoPackage ---------------------------------------------------------------------


class GeoPackageStore:
    """Events in one GeoPackage file: a layer ``events`` of EPSG:4326 points.

    The file opens in QGIS as it is. Events without a resolved place are kept
    with a null geometry. A table ``kcm_metadata`` records the schema version so
    a file from a newer release is refused rather than misread. Queries go to
    GDAL as an SQL ``WHERE`` and a spatial filter (served by the GeoPackage's
    R-tree index), so only matching rows are read.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, create: bool = False, read_only: bool = False
    ) -> None:
        self.path = Path(path)
        self.location = str(self.path)
        self.read_only = read_only
        if not self.path.exists():
            if not create or read_only:
                raise _missing(self.path, "GeoPackage")
            self._create()
        self.schema_version = self.check()

    # ---- opening
    def _create(self) -> None:
        with _writing(self.path), write_lock(self.path):
            if self.path.exists():  # another writer created it meanwhile
                return

            def write(tmp: Path) -> None:
                _pyogrio().write_dataframe(
                    _gpkg_frame([]), tmp, layer=EVENTS_LAYER, driver="GPKG",
                    geometry_type="Point", promote_to_multi=False,
                )
                meta = pd.DataFrame(
                    {"key": ["schema_version"], "value": [str(SCHEMA_VERSION)]}
                )
                _pyogrio().write_dataframe(meta, tmp, layer=METADATA_LAYER, driver="GPKG")
                _add_indexes(tmp)

            replace_atomically(self.path, write, start_from_copy=False)

    def check(self) -> int:
        """Refuse, without writing, anything that is not a GeoPackage event store we can read."""
        path = self.path
        if path.is_dir():
            raise _corrupt(path, "is a directory, not a GeoPackage file")
        try:
            with open(path, "rb") as fh:
                head = fh.read(len(_SQLITE_MAGIC))
        except OSError as exc:
            raise StoreError(f"{path}: cannot be read ({exc.strerror})") from None
        if not head:
            raise _corrupt(path, "is empty, not a GeoPackage")
        if head != _SQLITE_MAGIC:
            raise _corrupt(path, "is not a GeoPackage (not an SQLite database)")
        try:
            con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                tables = {
                    row[0]: row[1]
                    for row in con.execute("SELECT table_name, data_type FROM gpkg_contents")
                }
                if tables.get(EVENTS_LAYER) != "features":
                    raise _corrupt(path, f"has no '{EVENTS_LAYER}' point layer")
                if METADATA_LAYER not in tables:
                    raise _corrupt(
                        path, f"has no '{METADATA_LAYER}' table: not an event store"
                    )
                row = con.execute(
                    f"SELECT value FROM {METADATA_LAYER} WHERE key = 'schema_version'"
                ).fetchone()
            finally:
                con.close()
        except sqlite3.DatabaseError as exc:
            raise _corrupt(path, f"cannot be read as a GeoPackage ({exc})") from None
        try:
            version = int(row[0]) if row else None
        except (TypeError, ValueError):
            version = None
        if version is None or version < 1:
            raise _corrupt(path, "records no valid schema version")
        if version > SCHEMA_VERSION:
            raise _too_new(path, version)
        return version

    # ---- reading
    def read_frame(
        self,
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
        sides: Sequence[str] = (),
        types: Sequence[str] = (),
        bbox: tuple[float, float, float, float] | None = None,
        include_undated: bool = False,
    ) -> pd.DataFrame:
        """The events a query keeps, as an ``events.table`` frame."""
        query = Query.make(start=start, end=end, sides=sides, types=types, bbox=bbox,
                           include_undated=include_undated)
        return self._read(query)

    def _read(self, query: Query) -> pd.DataFrame:
        with self._reading():
            gdf = _pyogrio().read_dataframe(
                self.path,
                layer=EVENTS_LAYER,
                where=_sql_where(query),
                bbox=query.bbox,
                use_arrow=_arrow_available(),
            )
        geometry = gdf.geometry
        has_point = geometry.notna() & ~geometry.is_empty
        frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
        frame["lon"] = geometry.x.where(has_point)
        frame["lat"] = geometry.y.where(has_point)
        return normalise_frame(frame).reset_index(drop=True)

    def events(self, **filters: Any) -> list[Event]:
        """The events a query keeps, as validated records."""
        return events_of_frame(self.read_frame(**filters), self.location)

    def count(self) -> int:
        with self._reading():
            return int(_pyogrio().read_info(self.path, layer=EVENTS_LAYER)["features"])

    def event_ids(self) -> set[str]:
        with self._reading():
            frame = _pyogrio().read_dataframe(
                self.path, layer=EVENTS_LAYER, columns=["event_id"], read_geometry=False,
                use_arrow=_arrow_available(),
            )
        return set(frame["event_id"].astype(str))

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """GDAL's errors on a damaged file, as the store error the user is shown."""
        pyogrio = _pyogrio()
        try:
            yield
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError,
                pyogrio.errors.FieldError, pyogrio.errors.GeometryError) as exc:
            raise _corrupt(self.path, f"cannot be read ({exc})") from None

    # ---- writing
    def append(self, events: Iterable[Event | Mapping[str, Any]]) -> AppendResult:
        """Add events whose id is not yet stored; all of them or, on any failure, none."""
        if self.read_only:
            raise _read_only(self.location)
        valid, errors = coerce_events(events)
        with _writing(self.path), write_lock(self.path):
            self.check()
            fresh, duplicates = split_new(valid, self.event_ids())
            if fresh:
                frame = _gpkg_frame(fresh)

                def write(tmp: Path) -> None:
                    _pyogrio().write_dataframe(
                        frame, tmp, layer=EVENTS_LAYER, driver="GPKG", append=True
                    )
                    _add_indexes(tmp)  # stores made before the index was added get it here

                replace_atomically(self.path, write, start_from_copy=True)
        return AppendResult(len(fresh), duplicates, errors)

    def __repr__(self) -> str:
        return f"GeoPackageStore({self.location!r})"


def _pyogrio():
    """pyogrio, imported on first use: loading GDAL costs time a GeoJSON-only run never needs."""
    import pyogrio
    import pyogrio.errors  # noqa: F401  (the error classes are looked up on the module)

    return pyogrio


def _arrow_available() -> bool:
    """Arrow makes reads about twice as fast; it is optional, so use it only when present."""
    return importlib.util.find_spec("pyarrow") is not None


#: The longest span an event date stands for ("year" precision), in days.
_LONGEST_SPAN = dt.timedelta(days=366)


def _add_indexes(path: Path) -> None:
    """An index on the span start, so date filters read a range instead of every row.

    A plain SQLite index on an attribute column is allowed in a GeoPackage and
    left alone by GDAL and QGIS.
    """
    con = sqlite3.connect(path)
    try:
        with con:
            con.execute(f"CREATE INDEX IF NOT EXISTS {EVENTS_LAYER}_date_start_idx "
                        f"ON {EVENTS_LAYER} (date_start)")
    finally:
        con.close()


def _sql_where(query: Query) -> str | None:
    """The attribute part of a query as SQL (values are checked, so quoting is safe)."""
    clauses = []
    if query.start is not None or query.end is not None:
        parts = ["date_start IS NOT NULL"]
        if query.start is not None:
            parts.append(f"date_end >= '{query.start.isoformat()}'")
            # Implied by the line above (no span is longer than a year); lets the
            # date_start index bound the scan from both sides.
            earliest = query.start - _LONGEST_SPAN
            parts.append(f"date_start >= '{earliest.isoformat()}'")
        if query.end is not None:
            parts.append(f"date_start <= '{query.end.isoformat()}'")
        dated = " AND ".join(parts)
        clauses.append(f"(({dated}) OR date_start IS NULL)" if query.include_undated
                       else f"({dated})")
    if query.sides:
        clauses.append("reporting_side IN (" + ", ".join(f"'{s}'" for s in query.sides) + ")")
    if query.types:
        clauses.append("event_type IN (" + ", ".join(f"'{t}'" for t in query.types) + ")")
    return " AND ".join(clauses) or None


def _gpkg_frame(events: Sequence[Event]):
    """Events as the GeoDataFrame written to the GeoPackage (dates as ISO text)."""
    import geopandas as gpd
    import shapely

    frame = events_to_frame(events)
    out = pd.DataFrame(index=frame.index)
    for name in _GPKG_COLUMNS:
        column = frame[name]
        if name in _GPKG_DATE_COLUMNS:
            text = column.dt.strftime("%Y-%m-%d").astype(object)
            out[name] = text.where(column.notna(), None)
        elif name in ("fatalities", "char_start", "char_end", "n_articles"):
            out[name] = column.astype("Int64")
        elif name == "confidence":
            out[name] = column.astype("float64")
        else:
            out[name] = column.astype(object).where(column.notna(), None)
    lon = frame["lon"].to_numpy(dtype="float64")
    lat = frame["lat"].to_numpy(dtype="float64")
    points = shapely.points(lon, lat)
    points[pd.isna(lon) | pd.isna(lat)] = None
    return gpd.GeoDataFrame(out, geometry=points, crs="EPSG:4326")


# -- GeoJSON --------------------------------------------------------------------------


class GeoJSONStore:
    """Events in one GeoJSON FeatureCollection: the exchange format as a small store.

    Handy for sharing and for the bundled sample; every read parses the whole
    file (cached until the file changes), so large collections belong in a
    GeoPackage. Features that are not valid events are kept aside in
    ``load_errors`` and the store then refuses to be written, so rewriting it
    never drops them.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, create: bool = False, read_only: bool = False
    ) -> None:
        self.path = Path(path)
        self.location = str(self.path)
        self.read_only = read_only
        self.load_errors: list[RecordError] = []
        self._cache: tuple[tuple[int, int], list[Event], pd.DataFrame | None] | None = None
        if not self.path.exists():
            if not create or read_only:
                raise _missing(self.path, "GeoJSON")
            with _writing(self.path), write_lock(self.path):
                if not self.path.exists():
                    self._write([])
        self._load()

    def _load(self) -> list[Event]:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            raise _missing(self.path, "GeoJSON") from None
        key = (stat.st_mtime_ns, stat.st_size)
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        if self.path.is_dir():
            raise _corrupt(self.path, "is a directory, not a GeoJSON file")
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot be read ({exc.strerror})") from None
        if not raw.strip():
            raise _corrupt(self.path, "is empty, not a GeoJSON FeatureCollection")
        try:
            doc = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise _corrupt(self.path, f"is not UTF-8 text ({exc.reason})") from None
        except json.JSONDecodeError as exc:
            raise _corrupt(
                self.path, f"is not valid JSON ({exc.msg}, line {exc.lineno})"
            ) from None
        except RecursionError:
            raise _corrupt(self.path, "is nested too deeply to be GeoJSON") from None
        if isinstance(doc, Mapping):
            version = doc.get(GEOJSON_VERSION_KEY, 1)
            if isinstance(version, bool) or not isinstance(version, int) or version < 1:
                raise _corrupt(self.path, f"has a bad {GEOJSON_VERSION_KEY} {version!r}")
            if version > SCHEMA_VERSION:
                raise _too_new(self.path, version)
        try:
            events, errors = events_from_collection(doc, source=str(self.path))
        except ValueError as exc:
            raise _corrupt(self.path, str(exc).removeprefix(f"{self.path}: ")) from None
        self.load_errors = errors
        self._cache = (key, events, None)
        return events

    def _frame(self) -> pd.DataFrame:
        self._load()
        assert self._cache is not None
        key, events, frame = self._cache
        if frame is None:
            frame = events_to_frame(events)
            self._cache = (key, events, frame)
        return frame

    def read_frame(
        self,
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
        sides: Sequence[str] = (),
        types: Sequence[str] = (),
        bbox: tuple[float, float, float, float] | None = None,
        include_undated: bool = False,
    ) -> pd.DataFrame:
        """The events a query keeps, as an ``events.table`` frame."""
        query = Query.make(start=start, end=end, sides=sides, types=types, bbox=bbox,
                           include_undated=include_undated)
        return filter_frame(self._frame(), query)

    def events(self, **filters: Any) -> list[Event]:
        """The events a query keeps, as validated records."""
        if not filters:
            return list(self._load())
        return events_of_frame(self.read_frame(**filters), self.location)

    def count(self) -> int:
        return len(self._load())

    def append(self, events: Iterable[Event | Mapping[str, Any]]) -> AppendResult:
        """Add events whose id is not yet stored; the file is rewritten whole, atomically."""
        if self.read_only:
            raise _read_only(self.location)
        valid, errors = coerce_events(events)
        with _writing(self.path), write_lock(self.path):
            current = self._load()
            if self.load_errors:
                raise StoreCorrupt(
                    f"{self.path}: {len(self.load_errors)} feature(s) are not valid events "
                    f"(first: {self.load_errors[0]}); fix them before adding events, "
                    "so rewriting the file does not drop them. The file was left untouched"
                )
            fresh, duplicates = split_new(valid, {e.event_id for e in current})
            if fresh:
                self._write([*current, *fresh])
        return AppendResult(len(fresh), duplicates, errors)

    def _write(self, events: Sequence[Event]) -> None:
        doc = {
            "type": "FeatureCollection",
            GEOJSON_VERSION_KEY: SCHEMA_VERSION,
            "features": [event_to_feature(e) for e in events],
        }
        text = json.dumps(doc, ensure_ascii=False, indent=1)

        def write(tmp: Path) -> None:
            tmp.write_text(text, encoding="utf-8")

        replace_atomically(self.path, write, start_from_copy=False)
        stat = self.path.stat()
        self._cache = ((stat.st_mtime_ns, stat.st_size), list(events), None)
        self.load_errors = []

    def __repr__(self) -> str:
        return f"GeoJSONStore({self.location!r})"


# -- choosing a store -------------------------------------------------------------------


def open_store(
    location: str | os.PathLike[str], *, create: bool = False, read_only: bool = False
) -> Store:
    """Open the store at a path or URL, chosen by suffix or scheme.

    ``create=True`` makes an empty store where none exists; an existing store is
    opened as it is and never overwritten. Raises :class:`StoreError`
    subclasses with a message for the user.
    """
    text = os.fspath(location)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    if scheme in ("postgresql", "postgres"):
        try:
            from events.store_postgis import PostGISStore
        except ImportError as exc:
            raise StoreError(
                f"cannot open a PostGIS store: {exc}; install psycopg[binary] to use one"
            ) from None
        return PostGISStore(text, create=create, read_only=read_only)
    if scheme:
        raise StoreError(f"{scheme}:// stores are not supported; use a .gpkg or .geojson "
                         "file or a postgresql:// address")
    path = Path(text).expanduser()
    suffix = path.suffix.lower()
    if suffix in _GPKG_SUFFIXES:
        return GeoPackageStore(path, create=create, read_only=read_only)
    if suffix in _GEOJSON_SUFFIXES:
        return GeoJSONStore(path, create=create, read_only=read_only)
    raise StoreError(
        f"{path}: unknown store type {suffix or '(no suffix)'!r}; use a .gpkg (GeoPackage) "
        "or .geojson file, or a postgresql:// address"
    )


def default_store() -> GeoJSONStore:
    """The bundled sample events, read-only: what the app shows before a store is chosen."""
    return GeoJSONStore(SAMPLE_EVENTS, read_only=True)


__all__ = [
    "COLUMNS",
    "SAMPLE_EVENTS",
    "AppendResult",
    "GeoJSONStore",
    "GeoPackageStore",
    "Query",
    "Store",
    "StoreCorrupt",
    "StoreError",
    "StoreNotFound",
    "StoreReadOnly",
    "StoreTooNew",
    "StoreUnavailable",
    "coerce_events",
    "default_store",
    "display_location",
    "filter_frame",
    "query_mask",
    "open_store",
    "split_new",
]
