"""Events <-> table: the frame form round-trips and carries the date spans."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from events.table import (
    COLUMNS,
    events_to_frame,
    frame_to_events,
    normalise_frame,
    spreadsheet_safe,
)


def _sample(make_event):
    return [
        make_event(),
        make_event(event_id="e2", lon=None, lat=None, geo_precision=None, fatalities=None,
                   event_date=None, date_precision=None, char_start=None, char_end=None),
        make_event(event_id="e3", event_date=dt.date(2019, 7, 9), date_precision="month",
                   reported_by=("armenian", "azerbaijani"), published=dt.date(2019, 8, 1),
                   notes="<b>bold</b> & “quotes”", reporting_side="azerbaijani",
                   event_type="ceasefire", n_articles=4),
    ]


def test_round_trip_gives_equal_events(make_event):
    events = _sample(make_event)
    frame = events_to_frame(events)
    again, errors = frame_to_events(frame)
    assert errors == []
    assert again == events


def test_frame_has_the_schema_columns_and_dtypes(make_event):
    frame = events_to_frame(_sample(make_event))
    assert tuple(frame.columns) == COLUMNS
    assert str(frame["event_date"].dtype) == "datetime64[ns]"
    assert str(frame["fatalities"].dtype) == "Int64"
    assert frame["fatalities"].isna().tolist() == [False, True, False]
    assert frame["lon"].isna().tolist() == [False, True, False]
    assert frame.loc[2, "reported_by"] == "armenian,azerbaijani"


def test_spans_follow_the_date_precision(make_event):
    frame = events_to_frame(_sample(make_event))
    assert frame.loc[2, "date_start"] == pd.Timestamp("2019-07-01")
    assert frame.loc[2, "date_end"] == pd.Timestamp("2019-07-31")
    assert frame.loc[0, "date_start"] == frame.loc[0, "date_end"] == pd.Timestamp("2020-10-04")
    assert pd.isna(frame.loc[1, "date_start"])


def test_empty_frame_has_every_column():
    frame = events_to_frame([])
    assert tuple(frame.columns) == COLUMNS and len(frame) == 0
    assert frame_to_events(frame) == ([], [])


def test_normalise_fills_spans_and_missing_columns():
    raw = pd.DataFrame({
        "event_id": ["x"], "article_id": ["a"], "event_type": ["protest"],
        "reporting_side": ["third_party"], "event_date": ["2022-03-10"],
        "date_precision": ["year"],
    })
    frame = normalise_frame(raw)
    assert tuple(frame.columns) == COLUMNS
    assert frame.loc[0, "date_start"] == pd.Timestamp("2022-01-01")
    assert frame.loc[0, "date_end"] == pd.Timestamp("2022-12-31")
    events, errors = frame_to_events(frame)
    assert errors == [] and events[0].event_date == dt.date(2022, 3, 10)


def test_bad_rows_are_reported_and_the_rest_kept(make_event):
    frame = events_to_frame(_sample(make_event))
    frame.loc[1, "reporting_side"] = "nobody"
    events, errors = frame_to_events(frame, source="table.csv")
    assert [e.event_id for e in events] == ["evt-0001", "e3"]
    assert len(errors) == 1 and errors[0].index == 1 and errors[0].source == "table.csv"
    assert "'e2'" in errors[0].message and "reporting_side" in errors[0].message


def test_spreadsheet_safe_defuses_formula_cells_and_keeps_the_rest(make_event):
    frame = events_to_frame([
        make_event(event_id="a", claimant="=SUM(A1)", notes="+1 call", place="-x"),
        make_event(event_id="b", claimant="@cmd", notes="plain", place="Tartar"),
    ])
    safe = spreadsheet_safe(frame)
    assert list(safe["claimant"]) == ["'=SUM(A1)", "'@cmd"]
    assert list(safe["notes"]) == ["'+1 call", "plain"]
    assert list(safe["place"]) == ["'-x", "Tartar"]
    assert safe["lon"].equals(frame["lon"]) and frame["claimant"].iloc[0] == "=SUM(A1)"
