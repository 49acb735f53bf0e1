"""The analyst's whole view as one record, and its round trip through the page address.

One :class:`View` describes what the page, the exports and the command line
show, and one code writes it: the page's address. A copied link must reopen
the same view: filters, map centre and zoom, the selected event, and a
figure's frame. The page keeps :func:`view_to_params` in ``st.query_params``
and rebuilds the view with :func:`view_from_params` on load. Addresses are
user input (edited, truncated, forged), so reading never fails: a value that
cannot be right (an unknown side, reversed dates, zoom 99, garbage) falls back
to its default and a notice says so, while the rest of the view is kept. The
command line and the export functions read the same code strictly
(:func:`view_from_code`, :func:`check_view`): there a notice is an error.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

import pandas as pd

from events.schema import EVENT_TYPES, SIDES
from geodata.layers import REGIONS

#: Zoom levels the map offers; anything else in an address is refused.
MIN_ZOOM, MAX_ZOOM = 3, 18
#: Bounds on free-text values so a forged address cannot make the page do silly work.
MAX_TEXT = 200
MAX_VALUES = 50
MAX_FATALITIES = 1_000_000

#: Names of the presets offered next to the date slider.
PRESETS: tuple[str, ...] = ("last_7_days", "last_30_days", "whole_war")
PRESET_LABELS: dict[str, str] = {
    "last_7_days": "Last 7 days of the data",
    "last_30_days": "Last 30 days of the data",
    "whole_war": "Whole war",
}


#: (west, south, east, north) in degrees.
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class View:
    """What the analyst looks at. Empty tuples mean "all", ``None`` means "not set"."""

    start: dt.date | None = None
    end: dt.date | None = None
    sides: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    claimants: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    #: Only events placed at a settlement (no district/region/country-level points).
    precise_geo: bool = False
    #: Only events dated to the day.
    precise_date: bool = False
    #: Keep events without a date when a date range is set.
    include_undated: bool = False
    min_fatalities: int | None = None
    #: Full-text search (literal, case-insensitive) over notes, evidence, claimant, place.
    text: str = ""
    #: Only events whose point is inside (west, south, east, north), in degrees.
    bbox: Box | None = None
    #: Area a figure frames (west, south, east, north); ``None`` fits the events.
    extent: Box | None = None
    #: Map centre as (lat, lon) and zoom; ``None`` lets the map fit the events.
    center: tuple[float, float] | None = None
    zoom: int | None = None
    selected: str = ""

    def replace(self, **changes: object) -> View:
        return dataclasses.replace(self, **changes)


# -- URL parameters -------------------------------------------------------------------

#: Parameter name of each multi-valued field (repeated in the address: ``side=a&side=b``).
_LISTS: dict[str, str] = {
    "sides": "side", "types": "type", "claimants": "claimant", "regions": "region",
    "outlets": "outlet", "articles": "article",
}
_FLAGS: dict[str, str] = {
    "precise_geo": "precise_geo", "precise_date": "precise_date", "include_undated": "undated",
}
#: Address parameter of each field of :class:`View`.
FIELD_PARAMS: dict[str, str] = {
    "start": "from", "end": "to", **_LISTS, **_FLAGS, "min_fatalities": "fatalities",
    "text": "q", "bbox": "bbox", "extent": "extent", "center": "center", "zoom": "zoom",
    "selected": "event",
}
PARAM_KEYS: tuple[str, ...] = tuple(FIELD_PARAMS.values())
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")


def view_to_params(view: View) -> dict[str, str | list[str]]:
    """The view as query parameters; defaults are left out so links stay short.

    Lists become repeated parameters, which ``st.query_params.from_dict`` accepts.
    """
    out: dict[str, str | list[str]] = {}
    if view.start is not None:
        out["from"] = view.start.isoformat()
    if view.end is not None:
        out["to"] = view.end.isoformat()
    for name, key in _LISTS.items():
        values = list(getattr(view, name))
        if values:
            out[key] = values
    for name, key in _FLAGS.items():
        if getattr(view, name):
            out[key] = "1"
    if view.min_fatalities:
        out["fatalities"] = str(view.min_fatalities)
    if view.text:
        out["q"] = view.text
    for key in ("bbox", "extent"):
        box = getattr(view, key)
        if box is not None:
            out[key] = ",".join(_degrees(v) for v in box)
    if view.center is not None:
        out["center"] = f"{view.center[0]:.5f},{view.center[1]:.5f}"
    if view.zoom is not None:
        out["zoom"] = str(view.zoom)
    if view.selected:
        out["event"] = view.selected
    return out


def view_from_params(params: Mapping[str, str | Iterable[str]]) -> tuple[View, list[str]]:
    """Rebuild a view from query parameters, never failing; notices name what was dropped.

    ``params`` maps each key to its value or its list of values. From Streamlit
    pass ``{k: st.query_params.get_all(k) for k in st.query_params}``: indexing
    ``st.query_params`` gives only the last of a repeated key.
    """
    notices: list[str] = []
    values: dict[str, object] = {}
    seen = {key: _as_list(raw) for key, raw in params.items()}
    for key in seen:
        if key not in PARAM_KEYS:
            notices.append(f"Ignored unknown link parameter {_show(key)}.")
    start = _date_param(seen, "from", notices)
    end = _date_param(seen, "to", notices)
    if start is not None and end is not None and start > end:
        notices.append(f"Dates {start} to {end} are reversed; showing all dates instead.")
        start = end = None
    values["start"], values["end"] = start, end
    vocabularies: dict[str, tuple[str, ...] | None] = {
        "sides": SIDES, "types": EVENT_TYPES, "regions": REGIONS,
        "claimants": None, "outlets": None, "articles": None,
    }
    for name, key in _LISTS.items():
        values[name] = _list_param(seen.get(key, []), key, vocabularies[name], notices)
    for name, key in _FLAGS.items():
        values[name] = _flag_param(seen, key, notices)
    values["min_fatalities"] = _fatalities_param(seen, notices)
    text = _last(seen, "q")
    if text is not None:
        text = " ".join(text.split())
        if len(text) > MAX_TEXT:
            notices.append(f"Search text cut to {MAX_TEXT} characters.")
            text = text[:MAX_TEXT]
        values["text"] = text
    for key in ("bbox", "extent"):
        values[key] = _box_param(seen, key, notices)
    values["center"] = _center_param(seen, notices)
    values["zoom"] = _zoom_param(seen, notices)
    selected = _last(seen, "event")
    if selected is not None:
        if 0 < len(selected) <= MAX_TEXT and selected.isprintable():
            values["selected"] = selected
        else:
            notices.append("Ignored a malformed selected event id.")
    return View(**values), notices  # type: ignore[arg-type]


def view_code(view: View) -> str:
    """The view as the query part of the page's address: the code a figure prints.

    ``python -m dashboard export --view CODE`` and the page both read it back.
    """
    return urlencode(view_to_params(view), doseq=True, safe=",")


def code_params(text: str) -> dict[str, list[str]]:
    """The parameters of a view code, or of a whole page address holding one."""
    query = str(text).strip()
    if "?" in query:
        query = query.split("?", 1)[1]
    query = query.split("#", 1)[0]
    params: dict[str, list[str]] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        params.setdefault(key, []).append(value)
    return params


def view_from_code(code: str | Mapping[str, str | Iterable[str]]) -> View:
    """A view from a code (or its parameters), refusing anything the page would drop.

    Raises ``ValueError`` naming each parameter that is unknown or malformed:
    a scheduled export must not quietly show something else than asked.
    """
    params = code_params(code) if isinstance(code, str) else code
    view, notices = view_from_params(params)
    if notices:
        raise ValueError("bad view code: " + " ".join(notices))
    return view


def check_view(view: View) -> View:
    """``view`` itself when every value is one the page accepts, else ``ValueError`` naming them.

    Views built in code (exports, scripts) pass the same checks as addresses.
    """
    if not isinstance(view, View):
        raise TypeError(f"expected a dashboard.view.View, got {type(view).__name__}")
    _, notices = view_from_params(view_to_params(view))
    if notices:
        raise ValueError(" ".join(notices))
    return view


def parse_box(text: str, what: str = "bbox") -> Box:
    """``"W,S,E,N"`` as four numbers in degrees, west < east and south < north."""
    parts = [p.strip() for p in str(text).split(",")]
    try:
        box = tuple(float(p) for p in parts)
    except ValueError:
        box = ()
    if len(box) != 4 or not all(math.isfinite(v) for v in box):
        raise ValueError(f"bad {what} {_show(str(text))}: expected four numbers W,S,E,N")
    west, south, east, north = box
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise ValueError(f"bad {what} {_show(str(text))}: expected west < east and "
                         "south < north in degrees")
    return box  # type: ignore[return-value]


def _degrees(value: float) -> str:
    """Degrees to 5 decimals (about 1 m): precise enough for a view, short in a link."""
    return f"{value:.5f}".rstrip("0").rstrip(".")


def _box_param(seen: Mapping[str, list[str]], key: str, notices: list[str]) -> Box | None:
    raw = _last(seen, key)
    if raw is None or raw.strip() == "":
        return None
    try:
        return parse_box(raw, key)
    except ValueError as exc:
        notices.append(f"Ignored {exc}.")
        return None


def _as_list(raw: str | Iterable[str]) -> list[str]:
    if isinstance(raw, str):
        return [raw]
    return [str(v) for v in raw]


def _show(text: str) -> str:
    """A value quoted for a notice, cut short: it is untrusted input."""
    return repr(text if len(text) <= 40 else text[:40] + "…")


def _last(seen: Mapping[str, list[str]], key: str) -> str | None:
    values = seen.get(key)
    return values[-1] if values else None


def _date_param(seen: Mapping[str, list[str]], key: str, notices: list[str]) -> dt.date | None:
    raw = _last(seen, key)
    if raw is None or raw == "":
        return None
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        notices.append(f"Ignored {_show(raw)} as the {key!r} date: not a YYYY-MM-DD date.")
        return None


def _list_param(raw: list[str], key: str, vocabulary: tuple[str, ...] | None,
                notices: list[str]) -> tuple[str, ...]:
    kept: list[str] = []
    for value in raw:
        if vocabulary is not None and value not in vocabulary:
            notices.append(f"Ignored unknown {key} {_show(value)}.")
        elif vocabulary is None and not (0 < len(value) <= MAX_TEXT and value.isprintable()):
            notices.append(f"Ignored a malformed {key} value.")
        elif value not in kept:
            kept.append(value)
    if len(kept) > MAX_VALUES:
        notices.append(f"Kept the first {MAX_VALUES} {key} values of {len(kept)}.")
        kept = kept[:MAX_VALUES]
    return tuple(kept)


def _flag_param(seen: Mapping[str, list[str]], key: str, notices: list[str]) -> bool:
    raw = _last(seen, key)
    if raw is None:
        return False
    text = raw.strip().lower()
    if text in _TRUE:
        return True
    if text not in _FALSE:
        notices.append(f"Ignored {_show(raw)} for {key!r}: expected 1 or 0.")
    return False


def _fatalities_param(seen: Mapping[str, list[str]], notices: list[str]) -> int | None:
    raw = _last(seen, "fatalities")
    if raw is None or raw.strip() == "":
        return None
    try:
        number = int(raw.strip())
    except ValueError:
        number = -1
    if not 0 <= number <= MAX_FATALITIES:
        notices.append(f"Ignored {_show(raw)} as minimum fatalities: not a count.")
        return None
    return number or None


def _center_param(seen: Mapping[str, list[str]],
                  notices: list[str]) -> tuple[float, float] | None:
    raw = _last(seen, "center")
    if raw is None:
        return None
    try:
        lat, lon = (float(v) for v in raw.split(","))
    except ValueError:
        lat = lon = math.nan
    if not (math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180):
        notices.append(f"Ignored map centre {_show(raw)}: not a latitude,longitude pair.")
        return None
    return (lat, lon)


def _zoom_param(seen: Mapping[str, list[str]], notices: list[str]) -> int | None:
    raw = _last(seen, "zoom")
    if raw is None:
        return None
    try:
        zoom = int(raw.strip())
    except ValueError:
        zoom = -1
    if not MIN_ZOOM <= zoom <= MAX_ZOOM:
        notices.append(f"Ignored zoom {_show(raw)}: the map zooms from {MIN_ZOOM} to {MAX_ZOOM}.")
        return None
    return zoom


# -- presets ----------------------------------------------------------------------------


def preset_range(name: str, data_range: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
    """Dates of a preset, counted back from the data's last day, not from today.

    A corpus that ends in 2023 would show nothing for "the last 7 days" of the
    calendar; the data's own last day is what the analyst means.
    """
    first, last = data_range
    if name == "whole_war":
        return first, last
    days = {"last_7_days": 7, "last_30_days": 30}.get(name)
    if days is None:
        raise ValueError(f"unknown date preset {name!r}; choose one of {', '.join(PRESETS)}")
    return max(first, last - dt.timedelta(days=days - 1)), last


def apply_preset(view: View, name: str, data_range: tuple[dt.date, dt.date]) -> View:
    """``view`` with its dates set by a preset (``whole_war`` clears the bounds)."""
    if name == "whole_war":
        return view.replace(start=None, end=None)
    start, end = preset_range(name, data_range)
    return view.replace(start=start, end=end)


def data_date_range(date_start: pd.Series) -> tuple[dt.date, dt.date] | None:
    """First and last day on which any event is known to begin (the ``date_start`` column).

    The start, not the end, of coarse spans is used so one "2023" event does
    not stretch the data to 31 December.
    """
    days = pd.to_datetime(date_start, errors="coerce").dropna()
    if days.empty:
        return None
    return days.min().date(), days.max().date()
