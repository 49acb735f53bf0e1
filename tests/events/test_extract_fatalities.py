"""Death counts, and only deaths."""

from __future__ import annotations

import pytest

from events.extract.fatalities import find_fatalities


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("the strike killed 13 people", 13),
        ("nine soldiers were killed in the clash", 9),
        ("a death toll of nearly 5000", 5000),
        ("12 civilians dead after the attack", 12),
        ("killing a shepherd near the border", 1),
        ("more than 6,500 people were killed", 6500),
        ("at least 40 people, including six children, were killed", 40),
        ("three soldiers were martyred on the line", 3),
    ],
)
def test_stated_deaths(text, count):
    assert find_fatalities(text) == count


@pytest.mark.parametrize("text", ["over 300 casualties were reported",
                                  "40 civilians were wounded",
                                  "13 were captured and 24 went missing"])
def test_no_deaths_stated(text):
    assert find_fatalities(text) is None
