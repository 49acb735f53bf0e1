"""Numbers of dead stated in a clause ("killed 13", "nearly 5000 dead").

Only deaths count: "casualties" and "wounded" are not fatalities. Hedges
("nearly", "more than", "over") keep the stated number.
"""

from __future__ import annotations

import re

from events.extract.casefold import exact_twin, lower

_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
          "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
          "thirteen": 13, "fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30,
          "forty": 40, "fifty": 50, "hundred": 100}
_NUM = r"(?P<n>\d{1,3}(?:,\d{3})+|\d+|" + "|".join(sorted(_WORDS, key=len, reverse=True)) + r")"
_HEDGE = r"(?:(?:nearly|almost|about|around|some|at least|more than|over|up to|roughly)\s+)?"
_WHO = r"(?:[\w-]+\s+){0,4}?"
# "32 people, including seven civilians, were killed": the aside does not break the count
_ASIDE = (r"(?:[\w-]+,\s*(?:including|among them|among whom|most of them|mostly)\b[^,]{1,60},"
          r"\s*)?")
_DEATH = (r"(?:killed|dead|died|deaths|perished|lost their lives|victims|fatalities|bodies|"
          r"martyred|killed in action)")
_PATTERNS = (
    # "12 people were killed", "four civilians died", "nearly 5000 dead"
    re.compile(r"\b" + _HEDGE + _NUM + r"\s+" + _WHO + _ASIDE + r"(?:(?:were|have been|"
               r"had been|was|are|is|being|has been)\s+(?:\w+\s+)?)?" + _DEATH + r"\b", re.I),
    # "killed 13", "killing a civilian", "killed a local resident"
    re.compile(r"\bkill(?:ed|ing)\s+" + _HEDGE + _NUM + r"\b(?!\s*(?:%|percent))", re.I),
    # "death toll of nearly 5000", "toll rose to 40"
    re.compile(r"\b(?:death toll|toll)\s+(?:\w+\s+){0,3}?(?:of|to|at|reached|rose to)\s+"
               + _HEDGE + _NUM, re.I),
    # "loss amounted to 12 people"
    re.compile(r"\blosses?\s+amounted\s+to\s+" + _HEDGE + _NUM, re.I),
)


# The patterns with their exact lower-cased twins (see ``casefold.exact_twin``), which find
# the same spans in the lower-cased clause without folding case at every character.
_SEARCHES = tuple((rx, exact_twin(rx)) for rx in _PATTERNS)

# Every match of the patterns above contains one of these words. A clause without any of
# them has no death count, which a substring test says far faster than the patterns.
_DEATH_STEMS = ("kill", "dead", "died", "deaths", "perished", "lost their lives", "victims",
                "fatalities", "bodies", "toll", "loss", "martyred")


def _value(token: str) -> int | None:
    token = token.lower()
    if token in _WORDS:
        return _WORDS[token]
    try:
        return int(token.replace(",", ""))
    except ValueError:
        return None


def find_fatalities(clause: str) -> int | None:
    """The largest number of deaths the clause states, or None."""
    best: int | None = None
    low = lower(clause)  # (dotted/dotless i and long s mapped: the test never misses a match)
    for stem in _DEATH_STEMS:
        if stem in low:
            break
    else:
        return None
    same = low if len(low) == len(clause) else None  # ``same_length_lower(clause)``
    for rx, twin in _SEARCHES:
        scan = rx.finditer(clause) if twin is None or same is None else twin.finditer(same)
        for m in scan:
            value = _value(clause[m.start("n"):m.end("n")])  # (the number as written)
            if value is None or value > 10_000_000:
                continue
            # "13 were captured, 24 went missing" must not read as deaths
            best = value if best is None else max(best, value)
    return best
