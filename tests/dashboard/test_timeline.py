"""Timeline counts: exact days as bars, coarse dates as ranges, brushing back to dates."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from dashboard.timeline import (
    BRUSH,
    WEEKLY_LIMIT_DAYS,
    brush_range,
    choose_freq,
    timeline_chart,
    timeline_frame,
    timeline_spec,
)
from events.synthetic import synthetic_frame
from events.table import events_to_frame


@pytest.fixture
def frame(make_event):
    return events_to_frame([
        make_event(event_id="a", event_date=dt.date(2020, 10, 4)),
        make_event(event_id="b", event_date=dt.date(2020, 10, 4)),
        make_event(event_id="c", event_date=dt.date(2020, 10, 4), reporting_side="azerbaijani"),
        make_event(event_id="d", event_date=dt.date(2020, 10, 1), date_precision="month"),
        make_event(event_id="e", event_date=None, date_precision=None),
    ])


def test_day_events_are_bars_of_their_day(frame):
    tidy = timeline_frame(frame, "D")
    bars = tidy[tidy["kind"] == "bin"].set_index("side")
    assert bars.loc["armenian", "events"] == 2
    assert bars.loc["azerbaijani", "events"] == 1
    assert bars.loc["armenian", "start"] == pd.Timestamp("2020-10-04")
    assert bars.loc["armenian", "end"] == pd.Timestamp("2020-10-05")


def test_a_month_dated_event_is_a_range_over_the_month_not_a_day(frame):
    tidy = timeline_frame(frame, "D")
    ranges = tidy[tidy["kind"] == "range"]
    assert len(ranges) == 1
    row = ranges.iloc[0]
    assert (row["start"], row["end"]) == (pd.Timestamp("2020-10-01"), pd.Timestamp("2020-11-01"))
    assert row["events"] == 1
    assert row["height"] == pytest.approx(1 / 31)
    # No bar pretends the month event happened on 1 October.
    assert not ((tidy["kind"] == "bin") & (tidy["start"] == pd.Timestamp("2020-10-01"))).any()


def test_weekly_bins_start_on_monday_and_hold_day_events(frame):
    tidy = timeline_frame(frame, "W")
    bars = tidy[tidy["kind"] == "bin"]
    assert set(bars["start"].dt.day_of_week) == {0}
    assert (bars["end"] - bars["start"]).eq(pd.Timedelta(days=7)).all()
    assert bars["start"].min() == pd.Timestamp("2020-09-28")  # the Monday before 4 October


def test_undated_events_are_left_out_and_counts_add_up():
    frame = synthetic_frame(5_000, seed=1)
    for freq in ("D", "W"):
        tidy = timeline_frame(frame, freq)
        assert tidy["events"].sum() == frame["date_start"].notna().sum()
        # Area of each range equals its event count.
        bins = (tidy["end"] - tidy["start"]).dt.days / (1 if freq == "D" else 7)
        assert (tidy["height"] * bins).round(9).eq(tidy["events"]).all()


def test_unknown_bin_width_is_refused(frame):
    with pytest.raises(ValueError, match="unknown timeline bin"):
        timeline_frame(frame, "Y")


def test_choose_freq_by_span(frame):
    assert choose_freq(frame) == "D"
    years = synthetic_frame(500)
    span = (years["date_start"].max() - years["date_start"].min()).days
    assert span > WEEKLY_LIMIT_DAYS and choose_freq(years) == "M"
    first = years["date_start"].min()
    two_years = years[years["date_start"] < first + pd.Timedelta(days=730)]
    assert choose_freq(two_years) == "W"


def test_monthly_bins_start_on_the_first_and_count_every_dated_event():
    frame = synthetic_frame(2000, seed=5)
    tidy = timeline_frame(frame, "M")
    assert (tidy["start"].dt.day == 1).all() and (tidy["end"].dt.day == 1).all()
    single = tidy[tidy["kind"] == "bin"]
    assert ((single["end"] - single["start"]).dt.days.between(28, 31)).all()
    dated = frame["date_start"].notna() & frame["date_end"].notna()
    assert int(tidy["events"].sum()) == int(dated.sum())


def test_chart_is_brushable_json(frame):
    tidy = timeline_frame(frame, "D")
    spec = timeline_spec(tidy, freq="D")
    text = json.dumps(spec)
    assert [p["name"] for p in spec["params"]] == [BRUSH]
    assert spec["params"][0]["select"] == {"type": "interval", "encodings": ["x"]}
    assert "2020-10-04" in text
    assert len(spec["layer"]) == 2
    assert timeline_chart(tidy).to_dict()["params"][0]["name"] == BRUSH  # validates


def test_brush_range_reads_streamlit_selection_shapes():
    ms = [pd.Timestamp("2020-10-01").value // 10**6, pd.Timestamp("2020-10-15").value // 10**6]
    expected = (dt.date(2020, 10, 1), dt.date(2020, 10, 15))
    assert brush_range({"selection": {BRUSH: {"start": ms}}}) == expected
    assert brush_range({BRUSH: {"start": ms[::-1]}}) == expected
    assert brush_range({"start": ["2020-10-01T00:00:00", "2020-10-15"]}) == expected


@pytest.mark.parametrize("selection", [
    None, {}, {"selection": {BRUSH: {}}}, {"selection": {BRUSH: {"start": [1]}}},
    {"start": ["soon", "later"]}, {"start": [True, False]},
])
def test_brush_range_without_a_span_is_none(selection):
    assert brush_range(selection) is None


def test_spec_carries_the_counts_and_validates_against_vega_lite():
    import altair as alt

    frame = synthetic_frame(3000, seed=5)
    tidy = timeline_frame(frame, "W")
    spec = timeline_spec(tidy, freq="W", height=120)
    values = spec["data"]["values"]
    assert len(values) == len(tidy)
    assert sum(v["events"] for v in values) == int(tidy["events"].sum())
    assert sum(v["events"] for v in values) == int(
        (frame["date_start"].notna() & frame["date_end"].notna()).sum())
    assert {v["kind"] for v in values} == {"bin", "range"}
    assert values[0]["start"] == tidy["start"].iloc[0].date().isoformat()
    alt.LayerChart.from_dict(spec, validate=True)  # raises on a spec Vega-Lite would refuse
    # The data is put into a fresh copy each time: one view's counts never leak into another.
    other = timeline_spec(tidy.head(3), freq="W", height=120)
    assert len(other["data"]["values"]) == 3 and len(spec["data"]["values"]) == len(tidy)
