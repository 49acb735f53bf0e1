"""Events over time, stacked by reporting side, for the strip under the map.

An event dated only to a month or a year did not happen on the 1st: drawn as a
bar on that day it would invent a spike. Events whose date span fits in one
bin (a day, or a week in the weekly view) are counted in that bin; every other
event is drawn as a range over its whole span, with a height of its count
divided by the number of bins it covers, so its area still stands for the
number of events. The chart carries an interval selection ("brush") on time;
:func:`brush_range` turns what the page gets back into dates for the filter.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

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
BRUSH = "brush"
SIDE_COLOURS: dict[str, str] = {
    "armenian": "#d95f02", "azerbaijani": "#1b9e77", "third_party": "#7570b3",
}
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


def timeline_records(tidy: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of :func:`timeline_frame` as the chart's plain records (ISO dates, side labels).

    Built column-wise: a few thousand rows (eight years of weeks by three
    sides) in milliseconds, however many events they count.
    """
    if tidy.empty:
        return []
    out = pd.DataFrame({
        "start": pd.to_datetime(tidy["start"]).dt.strftime("%Y-%m-%d"),
        "end": pd.to_datetime(tidy["end"]).dt.strftime("%Y-%m-%d"),
        "side": tidy["side"].astype(str),
        "side_label": tidy["side"].map(lambda s: SIDE_LABELS.get(s, s)).astype(str),
        "events": tidy["events"].astype(np.int64),
        "height": tidy["height"].astype(float),
        "kind": tidy["kind"].astype(str),
    })
    return out.to_dict("records")


def timeline_chart(tidy: pd.DataFrame, *, freq: str = "D", height: int = 160) -> Any:
    """Altair chart of :func:`timeline_frame`: stacked bars plus translucent ranges, brushable.

    The data goes in as plain records (ISO dates), so the chart has no size
    limit imposed by Altair's DataFrame check and its spec is JSON as it is.
    """
    return _chart(timeline_records(tidy), freq=freq, height=height)


def _chart(records: list[dict[str, Any]], *, freq: str, height: int) -> Any:
    import altair as alt

    unit = _UNITS[freq]
    data = alt.Data(values=records)
    colour = alt.Color(
        "side_label:N", title="Reporting side",
        scale=alt.Scale(domain=[SIDE_LABELS[s] for s in SIDES],
                        range=[SIDE_COLOURS[s] for s in SIDES]),
    )
    brush = alt.selection_interval(name=BRUSH, encodings=["x"])
    bars = (
        alt.Chart(data)
        .transform_filter(alt.datum.kind == "bin")
        .mark_bar()
        .encode(
            x=alt.X("start:T", title=None),
            x2="end:T",
            y=alt.Y("sum(events):Q", stack="zero", title=f"Events per {unit}"),
            color=colour,
            tooltip=[alt.Tooltip("start:T", title=unit.capitalize()), "side_label:N",
                     alt.Tooltip("sum(events):Q", title="Events")],
        )
        .add_params(brush)
    )
    ranges = (
        alt.Chart(data)
        .transform_filter(alt.datum.kind == "range")
        .mark_rect(opacity=0.3)
        .encode(
            x="start:T", x2="end:T",
            y=alt.Y("height:Q", stack="zero"),
            color=colour,
            tooltip=[alt.Tooltip("start:T", title="From"), alt.Tooltip("end:T", title="Before"),
                     "side_label:N", alt.Tooltip("events:Q", title="Events (coarse date)")],
        )
    )
    return alt.layer(bars, ranges).properties(height=height, width="container")


@functools.lru_cache(maxsize=8)
def _spec_template(freq: str, height: int) -> str:
    """The chart's Vega-Lite spec without data, as JSON text (built by Altair once)."""
    return json.dumps(_chart([], freq=freq, height=height).to_dict(validate=False))


def timeline_spec(tidy: pd.DataFrame, *, freq: str = "D", height: int = 160) -> dict[str, Any]:
    """The chart as a Vega-Lite dict: Altair's spec, built once, with this data put in.

    Altair checks inline data record by record against the schema (most of a
    second at a few thousand rows) although the records are plain numbers and
    strings; the chart itself never changes. So Altair builds the spec once
    without data, and each call puts its records in, which the page hands to
    ``st.vega_lite_chart(spec, on_select="rerun")``.
    """
    spec = json.loads(_spec_template(freq, int(height)))
    spec["data"] = {"values": timeline_records(tidy)}
    return spec


def brush_range(selection: Mapping[str, Any] | None) -> tuple[dt.date, dt.date] | None:
    """Dates of a brushed span from a chart selection, or ``None`` when nothing is brushed.

    Accepts what ``st.altair_chart(..., on_select="rerun")`` returns (its
    ``selection`` mapping, or the brush's own mapping): a field name mapped to
    ``[from, to]`` as epoch milliseconds or ISO text.
    """
    if not selection:
        return None
    inner = selection.get("selection", selection)
    inner = inner.get(BRUSH, inner) if isinstance(inner, Mapping) else None
    if not isinstance(inner, Mapping):
        return None
    span = inner.get("start")
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
