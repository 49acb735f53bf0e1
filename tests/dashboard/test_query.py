"""Extended filtering of the event table, full-text search and the sidebar's counts."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dashboard.query import apply_view, ensure_regions, facet_counts, text_mask, view_mask
from dashboard.view import View
from events.synthetic import synthetic_frame
from events.table import events_to_frame


@pytest.fixture
def frame(make_event):
    events = [
        make_event(event_id="a", reporting_side="armenian", claimant="Armenian MoD",
                   outlet="Armenpress", article_id="art-1", fatalities=3,
                   notes="Shelling of Stepanakert (night)."),
        make_event(event_id="b", reporting_side="azerbaijani", event_type="offensive",
                   claimant="Azerbaijani MoD", outlet="APA", article_id="art-2",
                   place="Shusha", location_name="Shushi", lon=46.7525, lat=39.7596,
                   fatalities=None, notes="Advance toward Shusha.", evidence="Troops moved."),
        make_event(event_id="c", reporting_side="third_party", claimant="Reuters",
                   outlet="Reuters", article_id="art-3", event_date=dt.date(2020, 10, 1),
                   date_precision="month", geo_precision="district", place="Aghdam District",
                   location_name="Aghdam", lon=46.9274, lat=39.991, fatalities=0,
                   notes="Fighting in October."),
        make_event(event_id="d", reporting_side="armenian", claimant="Armenian MoD",
                   outlet="Armenpress", article_id="art-1", event_date=None,
                   date_precision=None, lon=None, lat=None, geo_precision=None,
                   place="", location_name="",
                   fatalities=10, notes="A toll of 10 (a.b.c)."),
    ]
    return ensure_regions(events_to_frame(events))


def ids(frame) -> list[str]:
    return sorted(frame["event_id"])


def test_empty_view_keeps_everything(frame):
    assert ids(apply_view(frame, View())) == ["a", "b", "c", "d"]


def test_dates_keep_overlapping_coarse_spans_and_optionally_undated(frame):
    view = View(start=dt.date(2020, 10, 10), end=dt.date(2020, 10, 20))
    assert ids(apply_view(frame, view)) == ["c"]
    assert ids(apply_view(frame, view.replace(include_undated=True))) == ["c", "d"]
    day = View(start=dt.date(2020, 10, 4), end=dt.date(2020, 10, 4))
    assert ids(apply_view(frame, day)) == ["a", "b", "c"]


@pytest.mark.parametrize(("view", "expected"), [
    (View(sides=("armenian",)), ["a", "d"]),
    (View(types=("offensive",)), ["b"]),
    (View(claimants=("Reuters", "Azerbaijani MoD")), ["b", "c"]),
    (View(outlets=("Armenpress",)), ["a", "d"]),
    (View(articles=("art-3",)), ["c"]),
    (View(precise_geo=True), ["a", "b"]),
    (View(precise_date=True), ["a", "b"]),
    (View(min_fatalities=3), ["a", "d"]),
    (View(regions=("Former NKAO",)), ["a", "b"]),
    (View(regions=("Aghdam district",)), ["c"]),
    (View(sides=("armenian",), min_fatalities=5), ["d"]),
])
def test_each_filter(frame, view, expected):
    assert ids(apply_view(frame, view)) == expected


def test_text_search_is_literal_and_ignores_case(frame):
    assert ids(apply_view(frame, View(text="STEPANAKERT"))) == ["a"]
    assert ids(apply_view(frame, View(text="shushi"))) == ["b"]  # location name
    assert ids(apply_view(frame, View(text="troops moved"))) == ["b"]  # evidence
    assert ids(apply_view(frame, View(text="azerbaijani mod"))) == ["b"]  # claimant
    # Regular-expression characters are plain text: "." and "(" match only themselves.
    assert ids(apply_view(frame, View(text="a.b.c"))) == ["d"]
    assert ids(apply_view(frame, View(text="(night)"))) == ["a"]
    assert ids(apply_view(frame, View(text="a.b.d"))) == []
    assert ids(apply_view(frame, View(text="   "))) == ["a", "b", "c", "d"]


def test_text_mask_handles_missing_values(frame):
    frame = frame.copy()
    frame.loc[0, "notes"] = None
    assert text_mask(frame, "stepanakert").tolist() == [True, False, False, False]  # place


def test_facet_counts_ignore_the_facets_own_choice(frame):
    counts = facet_counts(frame, View(sides=("armenian",), min_fatalities=1))
    # Sides are counted under the other filters only: b has no toll, c has zero deaths.
    assert counts["sides"].to_dict() == {"armenian": 2}
    assert counts["claimants"].to_dict() == {"Armenian MoD": 2}
    counts = facet_counts(frame, View(sides=("third_party",)))
    assert counts["sides"].to_dict() == {"armenian": 2, "azerbaijani": 1, "third_party": 1}
    assert counts["types"].to_dict() == {"shelling": 1}
    assert list(counts["sides"].index) == ["armenian", "azerbaijani", "third_party"]


def test_facet_counts_keep_the_largest_values_first():
    frame = synthetic_frame(4_000, seed=2)
    counts = facet_counts(frame, View(), facets=("articles",), limit=10)["articles"]
    full = frame["article_id"].value_counts()
    assert len(counts) == 10
    assert counts.iloc[0] == full.max()
    assert counts.is_monotonic_decreasing
    assert facet_counts(frame, View(), facets=("articles",), limit=None)["articles"].sum() == 4000


def test_ensure_regions_labels_only_points(frame):
    assert frame.set_index("event_id")["region"].to_dict() == {
        "a": "Former NKAO", "b": "Former NKAO", "c": "Aghdam district", "d": ""}


def test_combined_view_matches_a_row_by_row_check_at_scale():
    frame = synthetic_frame(20_000, seed=3)
    frame.loc[frame.index[::7], "notes"] = "Claim about Site 12 by observers"
    view = View(start=dt.date(2020, 9, 1), end=dt.date(2020, 12, 31),
                sides=("armenian", "third_party"), types=("shelling", "border_incident"),
                precise_date=True, min_fatalities=1, text="site 12")
    got = view_mask(frame, view).to_numpy()
    expected = np.array([
        not pd.isna(r.date_start)
        and r.date_end >= np.datetime64("2020-09-01") and r.date_start <= np.datetime64(
            "2020-12-31")
        and r.reporting_side in view.sides and r.event_type in view.types
        and r.date_precision == "day"
        and not pd.isna(r.fatalities) and r.fatalities >= 1
        and any("site 12" in str(v).lower() for v in (r.notes, r.evidence, r.claimant,
                                                        r.place, r.location_name))
        for r in frame.itertuples()
    ])
    assert got.sum() > 20
    assert (got == expected).all()


def test_view_without_filters_is_the_frame_itself_and_a_filter_copies(frame):
    assert apply_view(frame, View()) is frame
    narrowed = apply_view(frame, View(sides=("armenian",)))
    assert narrowed is not frame
    assert set(narrowed["event_id"]) == set(frame.loc[frame["reporting_side"] == "armenian",
                                                      "event_id"])
    assert len(narrowed) < len(frame)
