"""The analyst's view (``Filters``) applied to an event table."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.filters import (
    Filters,
    apply_filters,
    filter_mask,
    filters_from_query,
    filters_query,
)
from events.table import events_to_frame

D = dt.date


@pytest.fixture
def frame(make_event):
    return events_to_frame([
        make_event(event_id="a-day", event_date=D(2020, 10, 4), date_precision="day",
                   reporting_side="armenian", event_type="shelling", lon=46.75, lat=39.82),
        make_event(event_id="b-month", event_date=D(2020, 10, 1), date_precision="month",
                   reporting_side="azerbaijani", event_type="offensive", lon=47.1, lat=39.4),
        make_event(event_id="c-week", event_date=D(2020, 9, 28), date_precision="week",
                   reporting_side="third_party", event_type="ceasefire", lon=44.5, lat=40.2),
        make_event(event_id="d-year", event_date=D(2016, 4, 2), date_precision="year",
                   reporting_side="armenian", event_type="border_incident", lon=46.9, lat=39.7),
        make_event(event_id="e-undated", event_date=None, date_precision=None,
                   reporting_side="azerbaijani", event_type="shelling", lon=None, lat=None),
    ])


def ids(frame):
    return sorted(frame["event_id"])


def test_empty_filters_keep_every_event(frame):
    assert ids(apply_filters(frame, Filters())) == ids(frame)


def test_side_filter_keeps_only_that_side(frame):
    assert ids(apply_filters(frame, Filters(sides=("armenian",)))) == ["a-day", "d-year"]


def test_type_filter_keeps_only_those_types(frame):
    got = apply_filters(frame, Filters(types=("shelling", "ceasefire")))
    assert ids(got) == ["a-day", "c-week", "e-undated"]


def test_month_event_is_kept_by_a_range_inside_its_month(frame):
    got = apply_filters(frame, Filters(start=D(2020, 10, 20), end=D(2020, 10, 25)))
    assert ids(got) == ["b-month"]


def test_week_event_is_kept_by_a_range_touching_its_last_day(frame):
    # 28 September + 6 days = 4 October: the week reaches the day event.
    got = apply_filters(frame, Filters(start=D(2020, 10, 4), end=D(2020, 10, 4)))
    assert ids(got) == ["a-day", "b-month", "c-week"]


def test_year_event_is_outside_a_range_in_another_year(frame):
    got = apply_filters(frame, Filters(start=D(2017, 1, 1)))
    assert "d-year" not in ids(got)
    assert "d-year" in ids(apply_filters(frame, Filters(end=D(2016, 1, 1))))


def test_undated_events_leave_a_dated_view_unless_asked_for(frame):
    view = Filters(start=D(2000, 1, 1), end=D(2030, 1, 1))
    assert "e-undated" not in ids(apply_filters(frame, view))
    with_undated = Filters(start=D(2000, 1, 1), end=D(2030, 1, 1), include_undated=True)
    assert "e-undated" in ids(apply_filters(frame, with_undated))


def test_bbox_keeps_points_inside_and_drops_events_without_a_point(frame):
    got = apply_filters(frame, Filters(bbox=(46.0, 39.0, 48.0, 40.0)))
    assert ids(got) == ["a-day", "b-month", "d-year"]


def test_filters_combine_with_and(frame):
    view = Filters(sides=("armenian",), types=("shelling",), start=D(2020, 1, 1))
    assert ids(apply_filters(frame, view)) == ["a-day"]


def test_mask_is_aligned_with_the_frame(frame):
    mask = filter_mask(frame, Filters(sides=("third_party",)))
    assert list(mask.index) == list(frame.index)
    assert int(mask.sum()) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sides": ("russian",)}, "unknown reporting side"),
        ({"types": ("riot",)}, "unknown event type"),
        ({"start": D(2021, 1, 2), "end": D(2021, 1, 1)}, "after end"),
        ({"bbox": (50.0, 39.0, 40.0, 41.0)}, "bad bounding box"),
    ],
)
def test_invalid_filters_are_refused_with_a_reason(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Filters(**kwargs)


@pytest.mark.parametrize(
    "view",
    [
        Filters(),
        Filters(start=D(2020, 9, 27), end=D(2020, 11, 10), include_undated=True),
        Filters(sides=("armenian", "third_party"), types=("shelling",)),
        Filters(bbox=(45.5, 39.0, 47.25, 40.5)),
    ],
)
def test_view_query_round_trips(view):
    assert filters_from_query(filters_query(view)) == view


def test_view_query_matches_the_export_view_code():
    from dashboard.snapshot import View, view_query

    view = Filters(start=D(2020, 9, 27), sides=("azerbaijani",), types=("offensive",),
                   bbox=(45.5, 39.0, 47.25, 40.5), include_undated=True)
    assert filters_query(view) == view_query(View(filters=view))


@pytest.mark.parametrize(
    ("query", "names"),
    [("from=27-09-2020", "from"), ("side=russian", "reporting side"),
     ("bbox=1,2,3", "bbox"), ("colour=red", "colour")],
)
def test_bad_view_query_names_the_parameter(query, names):
    with pytest.raises(ValueError, match=names):
        filters_from_query(query)
