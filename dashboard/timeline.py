"""Events over time, stacked by reporting side, for the strip under the map.

An event dated only to a month or a year did not happen on the 1st: drawn as a
bar on that day it would invent a spike. Events whose date span fits in one
bin (a day, or a week in the weekly view) are counted in that bin; every other
event is drawn as a range over its whole span, with a height of its count
divided by the number of bins it covers, so its area still stands for the
number of events. The page's timeline (a component of the page's own, plain
SVG: a Vega chart cost the opening page half a second of the browser's time)
draws :func:`timeline_data`; dragging across it reports a span, which
:func:`brush_range` turns into dates for the filter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from dashboard import style
from events.schema import SIDE_LABELS, SIDES

#: Bin widths offered: a day, an ISO week (Monday first) or a calendar month.
FREQS: tuple[str, ...] = ("D", "W", "M")
#: Above this many days of data the timeline bins by week (keeps the chart light).
DAILY_LIMIT_DAYS = 400
#: Above this many days, by month: ten years of weeks are 1,500 bars of two pixels each,
#: which cost the browser most of a second to draw on every filter change.
WEEKLY_LIMIT_DAYS = 1500
_UNITS = {"D": "day", "W": "week", "M": "month"}
_EPOCH_MONTH = np.datetime64("1970-01", "M")
_EPOCH = np.datetime64("1970-01-01", "D")
# 1970-01-01 was a Thursday: shifting by 3 days makes weeks start on Monday.
_WEEK_SHIFT = 3


def choose_freq(frame: pd.DataFrame) -> str:
    """Daily bins for up to about a year of data, weekly up to about four, monthly beyond."""
    starts = frame["date_start"].dropna()
    if starts.empty:
        return "D"
    days = (starts.max() - starts.min()).days
    return "D" if days <= DAILY_LIMIT_DAYS else "W" if days <= WEEKLY_LIMIT_DAYS else "M"


def _bin_index(days: np.ndarray, freq: str) -> np.ndarray:
    if freq == "M":
        return ((_EPOCH + days.astype("timedelta64[D]")).astype("datetime64[M]")
                - _EPOCH_MONTH).astype(np.int64)
    return days if freq == "D" else (days + _WEEK_SHIFT) // 7


def _bin_start(index: np.ndarray, freq: str) -> np.ndarray:
    if freq == "M":
        return (_EPOCH_MONTH + index.astype("timedelta64[M]")).astype("datetime64[D]")
    days = index if freq == "D" else index * 7 - _WEEK_SHIFT
    return _EPOCH + days.astype("timedelta64[D]")


def timeline_frame(frame: pd.DataFrame, freq: str = "D") -> pd.DataFrame:
    """Tidy counts: one row per (bin or span, side).

    Columns: ``start`` and ``end`` (``end`` exclusive, so a bar covers
    ``[start, end)``), ``side``, ``events`` (how many events), ``height``
    (events per bin: equal to ``events`` for single-bin rows, spread over the
    bins of the span for ``kind == "range"``), and ``kind`` (``"bin"`` or
    ``"range"``). Undated events are left out: they have no place in time.
    """
    if freq not in FREQS:
        raise ValueError(f"unknown timeline bin {freq!r}; use one of {', '.join(FREQS)}")
    dated = frame[frame["date_start"].notna() & frame["date_end"].notna()]
    columns = ["start", "end", "side", "events", "height", "kind"]
    if dated.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    first = (dated["date_start"].to_numpy("datetime64[D]") - _EPOCH).astype(np.int64)
    last = (dated["date_end"].to_numpy("datetime64[D]") - _EPOCH).astype(np.int64)
    b0, b1 = _bin_index(first, freq), _bin_index(last, freq)
    parts = pd.DataFrame({"b0": b0, "b1": b1, "side": dated["reporting_side"].to_numpy()})
    grouped = parts.groupby(["b0", "b1", "side"], sort=True).size().reset_index(name="events")
    g0, g1 = grouped["b0"].to_numpy(), grouped["b1"].to_numpy()
    span = g1 - g0 + 1
    out = pd.DataFrame({
        "start": _bin_start(g0, freq),
        "end": _bin_start(g1 + 1, freq),
        "side": grouped["side"].to_numpy(),
        "events": grouped["events"].to_numpy(),
        "height": grouped["events"].to_numpy() / span,
        "kind": np.where(span == 1, "bin", "range"),
    })
    out["start"] = pd.to_datetime(out["start"])
    out["end"] = pd.to_datetime(out["end"])
    return out.sort_values(["kind", "start", "side"], kind="stable").reset_index(drop=True)


def day_number(day: dt.date | pd.Timestamp) -> int:
    """Days since 1970-01-01: how the timeline sends dates (small integers, no time zone)."""
    return int((np.datetime64(pd.Timestamp(day).date(), "D") - _EPOCH).astype(np.int64))


def timeline_data(tidy: pd.DataFrame, *, freq: str = "D") -> dict[str, Any]:
    """Rows of :func:`timeline_frame` as the page's timeline draws them: plain JSON-ready data.

    ``rows`` are ``[start, end, side index, events, height, kind]`` with
    days as :func:`day_number` (``end`` exclusive), the side as an index
    into ``sides`` and ``colours``, and kind 0 for a bin and 1 for a range.
    A few hundred rows at most (eight years of months by three sides, plus the
    ranges), whatever the number of events: the chart never gets the events.
    """
    out: dict[str, Any] = {
        "rows": [], "unit": _UNITS[freq], "unit_label": _UNITS[freq].capitalize(),
        "sides": [SIDE_LABELS.get(s, s) for s in SIDES],
        "colours": [style.side_colour(s) for s in SIDES],  # as on the map
    }
    if tidy.empty:
        return out
    start = (tidy["start"].to_numpy("datetime64[D]") - _EPOCH).astype(np.int64)
    end = (tidy["end"].to_numpy("datetime64[D]") - _EPOCH).astype(np.int64)
    side = tidy["side"].map({s: i for i, s in enumerate(SIDES)}).to_numpy()
    out["rows"] = [
        [int(a), int(b), int(c), int(n), round(float(h), 4), int(k == "range")]
        for a, b, c, n, h, k in zip(start, end, side, tidy["events"], tidy["height"],
                                    tidy["kind"], strict=True)
    ]
    return out


def brush_range(value: Mapping[str, Any] | None) -> tuple[dt.date, dt.date] | None:
    """Dates of a brushed span from what the timeline reports, or ``None`` without one.

    The timeline reports ``{"brush": [from, to], "n": token}`` with ISO
    dates; epoch milliseconds are read too. Anything else (nothing brushed,
    a tampered value) is ``None``.
    """
    if not isinstance(value, Mapping):
        return None
    span = value.get("brush")
    if not isinstance(span, list | tuple) or len(span) != 2:
        return None
    try:
        days = sorted(_to_date(v) for v in span)
    except (TypeError, ValueError, OverflowError):
        return None
    return days[0], days[1]


def _to_date(value: Any) -> dt.date:
    if isinstance(value, bool):
        raise TypeError("not a time")
    if isinstance(value, int | float):
        return pd.Timestamp(value, unit="ms").date()
    return pd.Timestamp(str(value)).date()
