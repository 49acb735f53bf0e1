"""The analyst's view as a record, and its application to an event table.

One ``Filters`` value describes what the page, the exports and the command
line show; all three call :func:`apply_filters`, so the same view gives the
same events everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pandas as pd

from events.store import Query, query_mask


@dataclass(frozen=True)
class Filters:
    """What to show. Empty tuples mean "all"; ``None`` dates mean "unbounded"."""

    start: dt.date | None = None
    end: dt.date | None = None
    sides: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    #: (west, south, east, north) in degrees.
    bbox: tuple[float, float, float, float] | None = None
    #: Keep events with no date when a date range is set (their time is unknown).
    include_undated: bool = False

    def __post_init__(self) -> None:
        self.as_query()  # the store's Query holds the one definition of a valid view

    def as_query(self) -> Query:
        return Query.make(start=self.start, end=self.end, sides=self.sides, types=self.types,
                          bbox=self.bbox, include_undated=self.include_undated)


def filter_mask(frame: pd.DataFrame, filters: Filters) -> pd.Series:
    """Boolean mask of the rows the view keeps.

    A coarse date is kept when its span overlaps the range: an event dated
    "October 2020" belongs to a view of 10-20 October.
    """
    return query_mask(frame, filters.as_query())


def apply_filters(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    return frame.loc[filter_mask(frame, filters)]


# -- the view as a URL query -------------------------------------------------------

#: Query parameters of a view, the same names the export command line takes.
QUERY_KEYS: tuple[str, ...] = ("from", "to", "side", "type", "bbox", "undated")


def filters_query(filters: Filters) -> str:
    """``filters`` as a URL query (``from=…&to=…&side=…``), empty for "everything".

    The page keeps it in its address, so a view can be bookmarked or sent, and
    shows it as the view code the export command reads (``--view``).
    """
    params: list[tuple[str, str]] = []
    if filters.start is not None:
        params.append(("from", filters.start.isoformat()))
    if filters.end is not None:
        params.append(("to", filters.end.isoformat()))
    params += [("side", s) for s in filters.sides]
    params += [("type", t) for t in filters.types]
    if filters.bbox is not None:
        params.append(("bbox", ",".join(f"{v:.4f}".rstrip("0").rstrip(".")
                                         for v in filters.bbox)))
    if filters.include_undated:
        params.append(("undated", "1"))
    return urlencode(params, safe=",")


def filters_from_query(pairs: Iterable[tuple[str, str]] | str) -> Filters:
    """Read back :func:`filters_query` (a query string or its key/value pairs).

    Raises ``ValueError`` naming the parameter that is unknown or malformed.
    """
    if isinstance(pairs, str):
        pairs = parse_qsl(pairs.lstrip("?"), keep_blank_values=True)
    values: dict[str, Any] = {"sides": [], "types": []}
    for key, value in pairs:
        if key in ("from", "to"):
            try:
                values["start" if key == "from" else "end"] = dt.date.fromisoformat(value)
            except ValueError:
                raise ValueError(f"{key}: {value!r} is not a date (YYYY-MM-DD)") from None
        elif key == "side":
            values["sides"].append(value)
        elif key == "type":
            values["types"].append(value)
        elif key == "bbox":
            try:
                box = tuple(float(v) for v in value.split(","))
            except ValueError:
                raise ValueError(f"bbox: {value!r} is not four numbers") from None
            if len(box) != 4:
                raise ValueError(f"bbox: {value!r} is not four numbers")
            values["bbox"] = box
        elif key == "undated":
            values["include_undated"] = value.strip().lower() in ("1", "true", "yes")
        else:
            raise ValueError(f"{key}: unknown view parameter")
    values["sides"] = tuple(dict.fromkeys(values["sides"]))
    values["types"] = tuple(dict.fromkeys(values["types"]))
    return Filters(**values)


def filters_of_view(view: Any) -> tuple[Filters, bool]:
    """The part of a page view (``dashboard.view.View``) that ``Filters`` can hold.

    Exports and the command line's ``--view`` code speak ``Filters`` (dates,
    sides, types); the second value says whether the view also has filters
    beyond those (claimant, region, search…), which the code then leaves out.
    """
    filters = Filters(start=view.start, end=view.end, sides=tuple(view.sides),
                      types=tuple(view.types),
                      include_undated=bool(view.include_undated) and
                      (view.start is not None or view.end is not None))
    more = bool(view.claimants or view.regions or view.outlets or view.articles
                or view.precise_geo or view.precise_date or view.min_fatalities
                or view.text)
    return filters, more
