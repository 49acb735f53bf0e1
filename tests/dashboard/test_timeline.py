"""Timeline counts: exact days as bars, coarse dates as ranges, brushing back to dates."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from dashboard import style
from dashboard.timeline import (
    WEEKLY_LIMIT_DAYS,
    brush_range,
    choose_freq,
    day_number,
    timeline_data,
    timeline_frame,
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


def test_timeline_data_is_compact_json_in_the_map_colours(frame):
    tidy = timeline_frame(frame, "D")
    made = timeline_data(tidy, freq="D")
    json.dumps(made)  # plain JSON, nothing else
    assert made["unit"] == "day" and made["sides"][0] == "Armenian side"
    assert made["colours"] == [style.side_colour(s) for s in ("armenian", "azerbaijani",
                                                              "third_party")]
    bins = [r for r in made["rows"] if r[5] == 0]
    ranges = [r for r in made["rows"] if r[5] == 1]
    day = day_number(dt.date(2020, 10, 4))
    assert sorted((r[0], r[1], r[2], r[3]) for r in bins) == [(day, day + 1, 0, 2),
                                                             (day, day + 1, 1, 1)]
    (month,) = ranges  # the event dated only to October 2020: 31 days at 1/31 a day
    assert month[0] == day_number(dt.date(2020, 10, 1))
    assert month[1] == day_number(dt.date(2020, 11, 1))
    assert month[3] == 1 and month[4] == pytest.approx(1 / 31, abs=1e-4)


def test_day_number_counts_from_1970():
    assert day_number(dt.date(1970, 1, 1)) == 0
    assert day_number(dt.date(2020, 10, 4)) == 18539
    assert day_number(pd.Timestamp("2020-10-04 13:00")) == 18539


def test_brush_range_reads_what_the_timeline_reports():
    ms = [pd.Timestamp("2020-10-01").value // 10**6, pd.Timestamp("2020-10-15").value // 10**6]
    expected = (dt.date(2020, 10, 1), dt.date(2020, 10, 15))
    assert brush_range({"brush": ["2020-10-01", "2020-10-15"], "n": "1:1"}) == expected
    assert brush_range({"brush": ["2020-10-15", "2020-10-01"]}) == expected
    assert brush_range({"brush": ms}) == expected


@pytest.mark.parametrize("value", [
    None, {}, "2020-10-01", {"brush": []}, {"brush": [1]}, {"brush": "2020-10-01"},
    {"brush": ["soon", "later"]}, {"brush": [True, False]},
])
def test_brush_range_without_a_span_is_none(value):
    assert brush_range(value) is None


def test_timeline_data_counts_every_dated_event_once():
    frame = synthetic_frame(3000, seed=5)
    tidy = timeline_frame(frame, "W")
    rows = timeline_data(tidy, freq="W")["rows"]
    assert len(rows) == len(tidy)
    assert sum(r[3] for r in rows) == int(
        (frame["date_start"].notna() & frame["date_end"].notna()).sum())
    assert {r[5] for r in rows} == {0, 1}
    assert rows[0][0] == day_number(tidy["start"].iloc[0])
    assert all(r[1] > r[0] for r in rows)
    assert timeline_data(tidy.head(0), freq="W")["rows"] == []
