"""The view's round trip through the address bar, tampering, and date presets."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlencode

import pandas as pd
import pytest

from dashboard.query import apply_view
from dashboard.view import (
    MAX_TEXT,
    View,
    apply_preset,
    check_view,
    data_date_range,
    parse_box,
    preset_range,
    view_code,
    view_from_code,
    view_from_params,
    view_to_params,
)
from events.table import events_to_frame

FULL = View(
    start=dt.date(2020, 9, 27), end=dt.date(2020, 11, 10),
    sides=("armenian", "third_party"), types=("shelling", "offensive"),
    claimants=("Armenian Defence Ministry", "Azerbaijani Defense Ministry"),
    regions=("Former NKAO", "Aghdam district"), outlets=("Reuters",), articles=("a-1", "a-2"),
    precise_geo=True, precise_date=True, include_undated=True, min_fatalities=3,
    text="Stepanakert & \"Shusha\"", center=(39.81531, 46.75193), zoom=11,
    selected="evt-0042",
)


def test_full_view_round_trips_through_params_without_notices():
    params = view_to_params(FULL)
    view, notices = view_from_params(params)
    assert notices == []
    assert view == FULL


def test_round_trip_through_an_encoded_address():
    """What the browser does: the query string is encoded, then parsed back."""
    query = urlencode(view_to_params(FULL), doseq=True)
    view, notices = view_from_params(parse_qs(query, keep_blank_values=True))
    assert notices == []
    assert view == FULL


def test_default_view_gives_an_empty_address():
    assert view_to_params(View()) == {}
    assert view_from_params({}) == (View(), [])


def test_lists_are_repeated_parameters():
    params = view_to_params(View(sides=("armenian", "azerbaijani")))
    assert params == {"side": ["armenian", "azerbaijani"]}


def test_unknown_side_is_dropped_and_the_rest_kept():
    view, notices = view_from_params({"side": ["armenian", "martian"], "type": "shelling"})
    assert view.sides == ("armenian",)
    assert view.types == ("shelling",)
    assert len(notices) == 1 and "martian" in notices[0]


def test_reversed_dates_fall_back_to_all_dates():
    view, notices = view_from_params({"from": "2021-01-01", "to": "2020-01-01", "zoom": "9"})
    assert (view.start, view.end) == (None, None)
    assert view.zoom == 9
    assert any("reversed" in n for n in notices)


@pytest.mark.parametrize("zoom", ["99", "-1", "2", "abc", "1e3", ""])
def test_absurd_zoom_falls_back_with_a_notice(zoom):
    view, notices = view_from_params({"zoom": zoom})
    assert view.zoom is None
    assert len(notices) == 1 and "zoom" in notices[0].lower()


@pytest.mark.parametrize(("key", "value", "field"), [
    ("from", "2020-13-45", "start"),
    ("center", "91,10", "center"),
    ("center", "nan,nan", "center"),
    ("center", "garbage", "center"),
    ("fatalities", "-3", "min_fatalities"),
    ("fatalities", "lots", "min_fatalities"),
    ("precise_geo", "maybe", "precise_geo"),
    ("region", "Atlantis", "regions"),
    ("event", "bad\x00id", "selected"),
])
def test_garbage_values_fall_back_to_defaults(key, value, field):
    view, notices = view_from_params({key: value})
    assert getattr(view, field) == getattr(View(), field)
    assert len(notices) == 1


def test_unknown_parameter_is_reported_and_ignored():
    view, notices = view_from_params({"utm_source": "mail", "side": "azerbaijani"})
    assert view.sides == ("azerbaijani",)
    assert notices and "utm_source" in notices[0]


def test_long_search_text_is_cut_and_whitespace_folded():
    view, notices = view_from_params({"q": "  shelling   of\tStepanakert " + "x" * 500})
    assert view.text.startswith("shelling of Stepanakert x")
    assert len(view.text) == MAX_TEXT
    assert notices


def test_notice_quotes_hostile_value_shortened():
    view, notices = view_from_params({"side": "<script>" + "a" * 300})
    assert view.sides == ()
    assert len(notices[0]) < 120


def test_duplicate_values_are_kept_once():
    view, _ = view_from_params({"type": ["shelling", "shelling", "protest"]})
    assert view.types == ("shelling", "protest")


def test_presets_count_back_from_the_datas_last_day():
    data = (dt.date(2016, 4, 2), dt.date(2023, 9, 30))
    assert preset_range("last_7_days", data) == (dt.date(2023, 9, 24), dt.date(2023, 9, 30))
    assert preset_range("last_30_days", data) == (dt.date(2023, 9, 1), dt.date(2023, 9, 30))
    assert preset_range("whole_war", data) == data
    short = (dt.date(2020, 10, 1), dt.date(2020, 10, 3))
    assert preset_range("last_30_days", short) == short
    with pytest.raises(ValueError, match="unknown date preset"):
        preset_range("yesterday", data)


def test_apply_preset_sets_or_clears_the_view_dates():
    data = (dt.date(2016, 4, 2), dt.date(2023, 9, 30))
    view = View(sides=("armenian",))
    week = apply_preset(view, "last_7_days", data)
    assert (week.start, week.end, week.sides) == (dt.date(2023, 9, 24), data[1], ("armenian",))
    assert apply_preset(week, "whole_war", data) == view


def test_data_date_range_uses_span_starts_and_skips_undated():
    starts = pd.Series(pd.to_datetime(["2020-10-01", None, "2016-04-02", "2023-01-01"]))
    assert data_date_range(starts) == (dt.date(2016, 4, 2), dt.date(2023, 1, 1))
    assert data_date_range(pd.Series(pd.to_datetime([None, None]))) is None


# -- what a view keeps, and the strict code of exports and the command line ----------------


@pytest.fixture
def spans(make_event):
    D = dt.date
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


def _ids(frame):
    return sorted(frame["event_id"])


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        (View(), ["a-day", "b-month", "c-week", "d-year", "e-undated"]),
        (View(sides=("armenian",)), ["a-day", "d-year"]),
        (View(types=("shelling", "ceasefire")), ["a-day", "c-week", "e-undated"]),
        # a month-dated event belongs to a view inside its month
        (View(start=dt.date(2020, 10, 20), end=dt.date(2020, 10, 25)), ["b-month"]),
        # 28 September + 6 days reaches 4 October
        (View(start=dt.date(2020, 10, 4), end=dt.date(2020, 10, 4)),
         ["a-day", "b-month", "c-week"]),
        (View(start=dt.date(2017, 1, 1)), ["a-day", "b-month", "c-week"]),
        (View(end=dt.date(2016, 1, 1)), ["d-year"]),
        (View(start=dt.date(2000, 1, 1), include_undated=True),
         ["a-day", "b-month", "c-week", "d-year", "e-undated"]),
        # a box keeps points inside it and never an event without a point
        (View(bbox=(46.0, 39.0, 48.0, 40.0)), ["a-day", "b-month", "d-year"]),
        (View(bbox=(46.0, 39.0, 48.0, 40.0), sides=("armenian",), start=dt.date(2020, 1, 1)),
         ["a-day"]),
    ],
)
def test_a_view_keeps_the_events_its_filters_describe(spans, view, expected):
    assert _ids(apply_view(spans, view)) == expected


def test_view_code_round_trips_every_field():
    framed = FULL.replace(bbox=(45.5, 39.0, 47.25, 40.5), extent=(44.9, 38.8, 48.0, 40.9))
    assert view_from_code(view_code(framed)) == framed
    assert view_from_code("https://kcm.example/?" + view_code(framed) + "#map") == framed
    assert view_code(View()) == ""


@pytest.mark.parametrize(
    ("code", "names"),
    [("from=27-09-2020", "'from' date"), ("side=martian", "side 'martian'"),
     ("bbox=1,2,3", "bbox"), ("colour=red", "'colour'"), ("extent=50,39,40,41", "extent"),
     ("from=2021-01-02&to=2021-01-01", "reversed")],
)
def test_a_bad_view_code_is_refused_naming_the_parameter(code, names):
    with pytest.raises(ValueError, match=names):
        view_from_code(code)


@pytest.mark.parametrize(
    ("view", "names"),
    [(View(sides=("russian",)), "side 'russian'"), (View(types=("riot",)), "type 'riot'"),
     (View(start=dt.date(2021, 1, 2), end=dt.date(2021, 1, 1)), "reversed"),
     (View(bbox=(50.0, 39.0, 40.0, 41.0)), "bbox"), (View(zoom=40), "zoom")],
)
def test_check_view_refuses_what_no_address_could_hold(view, names):
    with pytest.raises(ValueError, match=names):
        check_view(view)
    assert check_view(View(sides=("armenian",))) == View(sides=("armenian",))


def test_parse_box_checks_order_and_count():
    assert parse_box("44.5, 38.8, 48, 41") == (44.5, 38.8, 48.0, 41.0)
    for bad in ("1,2,3", "48,38,44,41", "a,b,c,d", "nan,1,2,3"):
        with pytest.raises(ValueError, match="bad bbox"):
            parse_box(bad)
