"""The one definition of the event record, its vocabularies and its GeoJSON form.

The field names and vocabularies follow the project's event contract
(``docs/event-schema.md`` in the shared workspace); everything after
``confidence`` below is the project's own addition, which the contract allows.
Every other module converts to and from this record instead of building dicts
of its own, so a renamed field breaks here and nowhere else.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import json
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from events.files import atomic_write_text

EVENT_TYPES: tuple[str, ...] = (
    "shelling",
    "border_incident",
    "offensive",
    "displacement",
    "casualties",
    "ceasefire",
    "diplomacy",
    "protest",
)
SIDES: tuple[str, ...] = ("armenian", "azerbaijani", "third_party")
GEO_PRECISIONS: tuple[str, ...] = ("settlement", "district", "region", "country")
DATE_PRECISIONS: tuple[str, ...] = ("day", "week", "month", "year")

SIDE_LABELS: dict[str, str] = {
    "armenian": "Armenian side",
    "azerbaijani": "Azerbaijani side",
    "third_party": "Third party",
}
TYPE_LABELS: dict[str, str] = {t: t.replace("_", " ").capitalize() for t in EVENT_TYPES}

#: Version of the record layout written by this code; stores remember it so a
#: file written by a newer release is refused instead of misread.
SCHEMA_VERSION = 1


class SchemaError(ValueError):
    """A record that breaks the contract; names the event and the field."""

    def __init__(self, event_id: str | None, field_name: str, message: str) -> None:
        self.event_id = event_id
        self.field = field_name
        where = f"event {event_id!r}" if event_id else "event without id"
        super().__init__(f"{where}: field {field_name!r}: {message}")


@dataclass(frozen=True, slots=True)
class Event:
    """One reported happening as claimed by one source.

    Invalid values are refused on construction, so an ``Event`` that exists is
    always a valid one and nothing downstream re-checks.
    """

    event_id: str
    article_id: str
    event_type: str
    reporting_side: str
    event_date: dt.date | None = None
    date_precision: str | None = None
    claimant: str = ""
    location_name: str = ""
    place: str = ""
    geo_precision: str | None = None
    lon: float | None = None
    lat: float | None = None
    fatalities: int | None = None
    evidence: str = ""
    char_start: int | None = None
    char_end: int | None = None
    confidence: float = 1.0
    # -- project additions ------------------------------------------------
    notes: str = ""
    confidence_reason: str = ""
    article_title: str = ""
    outlet: str = ""
    url: str = ""
    published: dt.date | None = None
    region: str = ""
    n_articles: int = 1
    reported_by: tuple[str, ...] = field(default_factory=tuple)
    cluster_id: str = ""

    def __post_init__(self) -> None:
        _check(self)

    @property
    def has_point(self) -> bool:
        return self.lon is not None and self.lat is not None

    def replace(self, **changes: Any) -> Event:
        return dataclasses.replace(self, **changes)


FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Event))
_SET_FIELD = object.__setattr__


def replace_unchecked(ev: Event, **changes: Any) -> Event:
    """``ev.replace(**changes)`` without checking the event again.

    Only for changes the caller knows to be valid (the pipeline's cluster counts and
    sides): checking every field of every event a second time is a measurable part of
    extracting a corpus, and ``ev`` itself was checked when it was made.
    """
    new = object.__new__(Event)
    for name in FIELD_NAMES:
        _SET_FIELD(new, name, changes[name] if name in changes else getattr(ev, name))
    return new
#: Properties of the GeoJSON form: every field but the coordinates, which are geometry.
PROPERTY_NAMES: tuple[str, ...] = tuple(n for n in FIELD_NAMES if n not in ("lon", "lat"))
_DATE_FIELDS = ("event_date", "published")
_INT_FIELDS = ("fatalities", "char_start", "char_end", "n_articles")
_STR_FIELDS = (
    "event_id", "article_id", "claimant", "location_name", "place", "evidence", "notes",
    "confidence_reason", "article_title", "outlet", "url", "region", "cluster_id",
)


def _check(ev: Event) -> None:
    """Raise ``SchemaError`` naming the first field that breaks the contract."""
    eid = ev.event_id if isinstance(ev.event_id, str) else None

    def fail(name: str, message: str) -> None:
        raise SchemaError(eid, name, message)

    for name in _STR_FIELDS:
        if not isinstance(getattr(ev, name), str):
            fail(name, f"expected text, got {type(getattr(ev, name)).__name__}")
    if not ev.event_id:
        fail("event_id", "must not be empty")
    if not ev.article_id:
        fail("article_id", "must not be empty")
    _in_vocabulary(ev.event_type, EVENT_TYPES, "event_type", fail)
    _in_vocabulary(ev.reporting_side, SIDES, "reporting_side", fail)
    if ev.date_precision is not None:
        _in_vocabulary(ev.date_precision, DATE_PRECISIONS, "date_precision", fail)
    if ev.geo_precision is not None:
        _in_vocabulary(ev.geo_precision, GEO_PRECISIONS, "geo_precision", fail)
    for name in _DATE_FIELDS:
        value = getattr(ev, name)
        if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
            fail(name, f"expected a date, got {value!r}")
    if ev.event_date is not None and ev.date_precision is None:
        fail("date_precision", "required when event_date is set")
    if (ev.lon is None) != (ev.lat is None):
        fail("lon" if ev.lon is None else "lat", "longitude and latitude go together")
    if ev.lon is not None:
        for name, value, bound in (("lon", ev.lon, 180.0), ("lat", ev.lat, 90.0)):
            if isinstance(value, bool) or not isinstance(value, int | float):
                fail(name, f"expected a number, got {value!r}")
            if not math.isfinite(value) or abs(value) > bound:
                fail(name, f"{value!r} is outside -{bound:g}..{bound:g}")
    for name in _INT_FIELDS:
        value = getattr(ev, name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            fail(name, f"expected a whole number, got {value!r}")
        if value < 0:
            fail(name, f"must not be negative, got {value}")
    if ev.n_articles < 1:
        fail("n_articles", "must be at least 1")
    if ev.char_start is not None and ev.char_end is not None and ev.char_end < ev.char_start:
        fail("char_end", f"{ev.char_end} is before char_start {ev.char_start}")
    if isinstance(ev.confidence, bool) or not isinstance(ev.confidence, int | float):
        fail("confidence", f"expected a number, got {ev.confidence!r}")
    if not 0.0 <= ev.confidence <= 1.0:
        fail("confidence", f"{ev.confidence!r} is outside 0..1")
    if not isinstance(ev.reported_by, tuple):
        fail("reported_by", "expected a tuple of sides")
    for side in ev.reported_by:
        _in_vocabulary(side, SIDES, "reported_by", fail)


def _in_vocabulary(value: Any, vocabulary: tuple[str, ...], name: str, fail) -> None:
    if value not in vocabulary:
        fail(name, f"{value!r} is not one of {', '.join(vocabulary)}")


def date_span(day: dt.date, precision: str | None) -> tuple[dt.date, dt.date]:
    """First and last day an event date stands for, so coarse dates filter as ranges."""
    if precision == "year":
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    if precision == "month":
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last)
    if precision == "week":
        return day, day + dt.timedelta(days=6)
    return day, day


# -- conversion from loose records ------------------------------------------


def event_from_record(record: Mapping[str, Any]) -> Event:
    """Build an event from a flat mapping (GeoJSON properties, a table row, a form).

    Accepts the text forms found in files (ISO dates, numbers as strings, empty
    strings for missing values) and raises :class:`SchemaError` naming the
    field that cannot be read. Unknown keys are ignored so files written by
    tools that add columns still load.
    """
    eid = record.get("event_id")
    eid = str(eid) if eid not in (None, "") else None
    values: dict[str, Any] = {}
    for name in FIELD_NAMES:
        if name not in record:
            continue
        raw = record[name]
        if _is_missing(raw):
            if name in ("event_id", "article_id", "event_type", "reporting_side"):
                raise SchemaError(eid, name, "is missing")
            continue
        values[name] = _coerce(name, raw, eid)
    for name in ("event_id", "article_id", "event_type", "reporting_side"):
        if name not in values:
            raise SchemaError(eid, name, "is missing")
    return Event(**values)


def _is_missing(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, float) and math.isnan(raw):
        return True
    return isinstance(raw, str) and raw.strip() == ""


def _coerce(name: str, raw: Any, eid: str | None) -> Any:
    try:
        if name in _DATE_FIELDS:
            return _to_date(raw)
        if name in _INT_FIELDS:
            return _to_int(raw)
        if name in ("lon", "lat", "confidence"):
            return float(raw)
        if name == "reported_by":
            if isinstance(raw, str):
                return tuple(s for s in (p.strip() for p in raw.split(",")) if s)
            return tuple(str(s) for s in raw)
        if name in ("event_id", "article_id"):
            return str(raw)
        if name in _STR_FIELDS or name in ("event_type", "reporting_side",
                                             "date_precision", "geo_precision"):
            if not isinstance(raw, str):
                raise ValueError(f"expected text, got {type(raw).__name__}")
            return raw
    except (TypeError, ValueError) as exc:
        raise SchemaError(eid, name, f"cannot read {raw!r}: {exc}") from None
    return raw


def _to_date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if hasattr(raw, "date") and callable(raw.date):  # pandas Timestamp
        return raw.date()
    text = str(raw).strip()
    return dt.date.fromisoformat(text[:10])


def _to_int(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError("a boolean is not a count")
    if isinstance(raw, int):
        return raw
    number = float(raw)
    if not number.is_integer():
        raise ValueError("not a whole number")
    return int(number)


def event_to_record(ev: Event) -> dict[str, Any]:
    """Flat, JSON-ready mapping of every field (dates as ISO text)."""
    out: dict[str, Any] = {}
    for name in FIELD_NAMES:
        value = getattr(ev, name)
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        out[name] = value
    return out


# -- GeoJSON ----------------------------------------------------------------


def event_to_feature(ev: Event) -> dict[str, Any]:
    props = event_to_record(ev)
    lon, lat = props.pop("lon"), props.pop("lat")
    geometry = {"type": "Point", "coordinates": [lon, lat]} if lon is not None else None
    return {"type": "Feature", "id": ev.event_id, "geometry": geometry, "properties": props}


def event_from_feature(feature: Mapping[str, Any]) -> Event:
    props = feature.get("properties")
    if not isinstance(props, Mapping):
        raise SchemaError(None, "properties", "feature has no properties object")
    record = dict(props)
    eid = str(record.get("event_id") or "") or None
    geometry = feature.get("geometry")
    record.pop("lon", None)
    record.pop("lat", None)
    if geometry is not None:
        if not isinstance(geometry, Mapping) or geometry.get("type") != "Point":
            raise SchemaError(eid, "geometry", "must be a Point or null")
        coords = geometry.get("coordinates")
        if not isinstance(coords, list | tuple) or len(coords) < 2:
            raise SchemaError(eid, "geometry", f"bad coordinates {coords!r}")
        record["lon"], record["lat"] = coords[0], coords[1]
    return event_from_record(record)


def feature_collection(events: Iterable[Event]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [event_to_feature(e) for e in events]}


@dataclass(frozen=True)
class RecordError:
    """A record that could not be read: where it was and why."""

    source: str
    index: int
    message: str

    def __str__(self) -> str:
        return f"{self.source}: feature {self.index}: {self.message}"


def events_from_collection(
    doc: Any, *, source: str = "<geojson>"
) -> tuple[list[Event], list[RecordError]]:
    """Read every feature that is valid and report each one that is not."""
    if not isinstance(doc, Mapping) or doc.get("type") != "FeatureCollection":
        raise ValueError(f"{source}: not a GeoJSON FeatureCollection")
    features = doc.get("features")
    if not isinstance(features, list):
        raise ValueError(f"{source}: 'features' is not a list")
    events: list[Event] = []
    errors: list[RecordError] = []
    for i, feat in enumerate(features):
        try:
            if not isinstance(feat, Mapping):
                raise SchemaError(None, "feature", "is not an object")
            events.append(event_from_feature(feat))
        except SchemaError as exc:
            errors.append(RecordError(source, i, str(exc)))
    return events, errors


def read_geojson(path: str | os.PathLike[str]) -> tuple[list[Event], list[RecordError]]:
    """Events of a GeoJSON file plus the features that were refused.

    Raises ``ValueError`` (naming the file) when the file as a whole is not a
    FeatureCollection, ``OSError`` when it cannot be read.
    """
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    except RecursionError:
        raise ValueError(f"{path}: nested too deeply to be GeoJSON") from None
    return events_from_collection(doc, source=str(path))


def write_geojson(events: Iterable[Event], path: str | os.PathLike[str]) -> Path:
    """Write atomically: readers see the old file or the whole new one, never half."""
    path = Path(path)
    text = json.dumps(feature_collection(events), ensure_ascii=False, indent=1)
    atomic_write_text(path, text)
    return path
