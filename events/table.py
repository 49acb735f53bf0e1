"""Events as a pandas table, the form filters, maps and exports work on.

Building one ``Event`` object per row costs microseconds each, which adds up to
seconds at 100,000 events; the dashboard therefore filters and draws columns,
and converts to records only at the edges. The columns are the schema's fields
(``events.schema.FIELD_NAMES``), plus ``date_start``/``date_end``: the span a
coarse date stands for, so a "month" event is filtered as the whole month.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from events.schema import (
    FIELD_NAMES,
    Event,
    RecordError,
    SchemaError,
    date_span,
    event_from_record,
)

SPAN_COLUMNS = ("date_start", "date_end")
COLUMNS: tuple[str, ...] = FIELD_NAMES + SPAN_COLUMNS
_DATE_COLUMNS = ("event_date", "published", *SPAN_COLUMNS)


def events_to_frame(events: Iterable[Event]) -> pd.DataFrame:
    """One row per event, dates as ``datetime64``, missing values as NA.

    Built column by column straight from the records' attributes: at 100,000
    events a dict per row would cost seconds.
    """
    events = list(events)
    columns: dict[str, list] = {
        name: [getattr(ev, name) for ev in events] for name in FIELD_NAMES
    }
    columns["reported_by"] = [",".join(sides) for sides in columns["reported_by"]]
    spans = [
        date_span(day, precision) if day is not None else (None, None)
        for day, precision in zip(columns["event_date"], columns["date_precision"], strict=True)
    ]
    columns["date_start"] = [start for start, _ in spans]
    columns["date_end"] = [end for _, end in spans]
    frame = pd.DataFrame({name: pd.Series(columns[name], dtype=object) for name in COLUMNS})
    return normalise_frame(frame)


def normalise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Give a table read from any store the same dtypes, whatever its origin."""
    frame = frame.copy()
    for name in COLUMNS:
        if name not in frame.columns:
            frame[name] = pd.NA
    for name in _DATE_COLUMNS:
        frame[name] = pd.to_datetime(frame[name], errors="coerce").astype("datetime64[ns]")
    for name in ("lon", "lat", "confidence"):
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
    for name in ("fatalities", "char_start", "char_end", "n_articles"):
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("Int64")
    text_columns = [c for c in FIELD_NAMES if c not in _DATE_COLUMNS and c not in (
        "lon", "lat", "confidence", "fatalities", "char_start", "char_end", "n_articles")]
    for name in text_columns:
        if name in ("date_precision", "geo_precision"):
            frame[name] = frame[name].astype("object").where(frame[name].notna(), None)
        else:
            frame[name] = frame[name].astype("object").where(frame[name].notna(), "")
    missing_span = frame["date_start"].isna() & frame["event_date"].notna()
    if missing_span.any():
        spans = [
            date_span(d.date(), p)
            for d, p in zip(frame.loc[missing_span, "event_date"],
                            frame.loc[missing_span, "date_precision"], strict=True)
        ]
        frame.loc[missing_span, "date_start"] = pd.to_datetime([s for s, _ in spans])
        frame.loc[missing_span, "date_end"] = pd.to_datetime([e for _, e in spans])
    return frame[list(COLUMNS) + [c for c in frame.columns if c not in COLUMNS]]


def frame_to_events(
    frame: pd.DataFrame, *, source: str = "<table>"
) -> tuple[list[Event], list[RecordError]]:
    """Validate each row into an Event; a bad row is reported, the others kept."""
    events: list[Event] = []
    errors: list[RecordError] = []
    columns = [c for c in FIELD_NAMES if c in frame.columns]
    for i, values in enumerate(frame[columns].itertuples(index=False, name=None)):
        record = {k: _plain(v) for k, v in zip(columns, values, strict=True)}
        try:
            events.append(event_from_record(record))
        except SchemaError as exc:
            errors.append(RecordError(source, i, str(exc)))
    return events, errors


def _plain(value: object) -> object:
    """pandas/numpy scalars as the plain Python values the schema expects."""
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    return value


#: First characters that make a spreadsheet read a cell as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot run as spreadsheet formulas.

    Claimants, notes and titles come from untrusted articles; a CSV cell such as
    ``=HYPERLINK(...)`` would run when a briefer opens the file in a spreadsheet.
    Such cells get a leading apostrophe, the usual defence (OWASP "CSV injection");
    numbers and dates are left alone.
    """
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if column.dtype != object:
            continue
        text = column.map(lambda v: isinstance(v, str) and v.startswith(_FORMULA_START))
        if text.any():
            out[name] = column.where(~text, "'" + column[text].astype(str))
    return out
