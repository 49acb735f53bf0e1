"""Dates resolved against the publication day, with their precision."""

from __future__ import annotations

import datetime as dt

import pytest

from events.extract.dates import day_offset_mention, find_dates, infer_reference_year

PUB = dt.date(2020, 10, 8)  # a Thursday


def first(text: str, ref: dt.date | None = PUB, **kw):
    found = [d for d in find_dates(text, ref, **kw) if not d.future]
    return (found[0].date, found[0].precision) if found else None


@pytest.mark.parametrize(
    ("text", "date", "precision"),
    [
        ("on 4 October 2020", dt.date(2020, 10, 4), "day"),
        ("on October 4", dt.date(2020, 10, 4), "day"),
        ("on Sept. 30", dt.date(2020, 9, 30), "day"),
        ("on Monday", dt.date(2020, 10, 5), "day"),
        ("on Thursday", dt.date(2020, 10, 8), "day"),
        ("last Thursday", dt.date(2020, 10, 1), "day"),
        ("yesterday", dt.date(2020, 10, 7), "day"),
        ("last week", dt.date(2020, 10, 1), "week"),
        ("earlier this week", dt.date(2020, 10, 5), "week"),
        ("this month", dt.date(2020, 10, 1), "month"),
        ("in September", dt.date(2020, 9, 1), "month"),
        ("in December", dt.date(2019, 12, 1), "month"),
        ("in 2016", dt.date(2016, 1, 1), "year"),
        ("this past summer", dt.date(2020, 1, 1), "year"),
        ("since September 27", dt.date(2020, 9, 27), "day"),
        ("for the 5th day", dt.date(2020, 10, 4), "day"),
        ("in November 2019", dt.date(2019, 11, 1), "month"),
    ],
)
def test_expression_resolves(text, date, precision):
    assert first(text) == (date, precision)


def test_date_named_as_a_deadline_is_future():
    (mention,) = find_dates("the handover was postponed until 25 October", PUB)
    assert mention.future


def test_weekday_needs_a_known_publication_day():
    assert first("on Monday", PUB, ref_known=False) is None


def test_decade_is_not_a_year():
    assert first("a war in the 1990s") is None


def test_year_of_the_previous_sentence_dates_a_bare_day():
    assert first("stopped on November 10", dt.date(2021, 11, 19), year_hint=2020) == (
        dt.date(2020, 11, 10), "day")


def test_reference_year_inferred_from_the_text():
    assert infer_reference_year("Back in 2016 ... during the pandemic") == 2020
    assert infer_reference_year("no years at all") is None


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("on the night of 3-4 October", dt.date(2020, 10, 3)),
        ("between 5 and 6 October", dt.date(2020, 10, 5)),
        ("fighting on October 2 to 4", dt.date(2020, 10, 2)),
        ("on Oct. 6–7, 2020", dt.date(2020, 10, 6)),
    ],
)
def test_a_range_of_days_starts_on_its_first_day(text, date):
    assert first(text) == (date, "day")


def test_the_weekend_is_the_saturday_before_publication():
    assert first("Shells fell over the weekend.") == (dt.date(2020, 10, 3), "week")


def test_overnight_is_the_night_before_publication():
    assert first("Shells fell overnight.") == (dt.date(2020, 10, 7), "day")


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("A day later the talks resumed.", 1),
        ("The next day the road reopened.", 1),
        ("Two days later a second convoy left.", 2),
        ("The truce declared a day earlier held.", -1),
        ("The deal came three days after the town fell.", -3),
        ("The previous day the border was calm.", -1),
    ],
)
def test_days_counted_from_the_day_told_before(text, days):
    found = day_offset_mention(text)
    assert found is not None
    m, offset = found
    assert offset == days
    assert text[m.start():m.end()] in text


def test_no_day_offset_in_plain_text():
    assert day_offset_mention("Fighting went on all week.") is None
