"""Time expressions and the dates they stand for.

News copy dates events relative to the day it is published: "on Monday" is
the last Monday on or before publication, "last week" the week before,
"this month" the month of publication, "in October" the last October not
after it, and a running toll "since September 27" starts on that day. Each
expression is found with its offsets (:func:`find_dates`) and resolved
against a reference date; the precision says how exact the result is.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from events.extract.boundary import word_start
from events.extract.casefold import exact_twin, same_length_lower

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
_MONTH_ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
               "sept": 9, "oct": 10, "nov": 11, "dec": 12}
WEEKDAYS = {d: i for i, d in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "a": 1}


@dataclass(frozen=True, slots=True)
class DateMention:
    """A resolved time expression in a clause."""

    start: int
    end: int
    date: dt.date
    precision: str  # day / week / month / year
    how: str  # short note: "explicit date", "from weekday", ...
    future: bool = False  # "until 25 November", "by December": not when it happened


_MONTH_RX = (r"(?P<mon>January|February|March|April|May|June|July|August|September|October|"
             r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?")
_DAY_RX = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR_RX = r"(?P<year>(?:19|20)\d\d)"
_DAY2_RX = r"[0-3]?\d(?:st|nd|rd|th)?"
_RANGE_SEP = r"\s*(?:[-–—/]|to|and)\s*"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # ranges ("the night of 3-4 April", "October 3 to 5"): the first day starts the event
    ("dm", re.compile(r"\b" + _DAY_RX + _RANGE_SEP + _DAY2_RX + r"\s+(?:of\s+)?" + _MONTH_RX
                      + r"\b(?:,?\s+" + _YEAR_RX + r")?")),
    ("md", re.compile(r"\b" + _MONTH_RX + r"\s+" + _DAY_RX + _RANGE_SEP + _DAY2_RX
                      + r"\b(?:,?\s+" + _YEAR_RX + r")?")),
    ("md", re.compile(r"\b" + _MONTH_RX + r"\s+" + _DAY_RX + r"\b(?:,?\s+" + _YEAR_RX + r")?")),
    ("dm", re.compile(r"\b" + _DAY_RX + r"\s+(?:of\s+)?" + _MONTH_RX + r"\b(?:,?\s+"
                      + _YEAR_RX + r")?")),
    ("my", re.compile(r"\b(?:(?P<part>early|mid|late|end of|the end of|beginning of)[\s-]+)?"
                      + _MONTH_RX + r"\s+(?:of\s+)?" + _YEAR_RX + r"\b")),
    ("iso", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")),
    ("weekday", re.compile(r"\b(?P<rel>last|this|past|previous|next|earlier on|on)?\s*"
                           r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)s?\b")),
    ("today", re.compile(r"\b(?:today|this morning|this afternoon|this evening|tonight|"
                         r"earlier today)\b", re.I)),
    ("now", re.compile(r"\b(?:now|currently|at present|these days|at the moment)\b", re.I)),
    ("yesterday", re.compile(r"\byesterday\b|\blast night\b|\bovernight\b|"
                             r"\bduring the night\b", re.I)),
    ("weekend", re.compile(r"\b(?:over|at|during|on|this|last|since)\s+the\s+weekend\b|"
                           r"\b(?:this|last|past)\s+weekend\b", re.I)),
    ("lastweek", re.compile(r"\b(?:last|past|previous)\s+week\b", re.I)),
    ("thisweek", re.compile(r"\b(?:earlier |later )?this week\b", re.I)),
    ("lastmonth", re.compile(r"\b(?:last|past|previous)\s+month\b", re.I)),
    ("thismonth", re.compile(r"\b(?:earlier |later )?this month\b", re.I)),
    ("season", re.compile(r"\b(?:this|this past|last|past|earlier this)\s+"
                          r"(?P<season>summer|spring|autumn|fall|winter)\b", re.I)),
    ("thisyear", re.compile(r"\b(?:this|earlier this)\s+year\b", re.I)),
    ("lastyear", re.compile(r"\blast year\b", re.I)),
    ("nthday", re.compile(r"\bfor the (?P<n>\d+)(?:st|nd|rd|th) (?:straight |consecutive )?day\b",
                          re.I)),
    ("agodays", re.compile(r"\b(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten|a)\s+"
                           r"(?P<unit>days?|weeks?|months?|years?)\s+ago\b", re.I)),
    ("nextday", re.compile(r"\b(?:the next day|the following day|a day (?:after|later)|"
                           r"the day after)\b", re.I)),
    ("month", re.compile(r"\b(?i:in|since|during|from|of|by|until|early|mid|late)\s+"
                         r"(?:early\s+|mid-|"
                         r"late\s+)?" + _MONTH_RX.replace("Sept?|", "Sept|")
                         + r"(?!\s+[0-3]?\d\b)(?!\s+(?:19|20)\d\d)\b")),
    ("war2020", re.compile(r"\b(?:44-day (?:war|military conflict|conflict)|Second (?:Nagorno-)?"
                           r"Karabakh War|2020 war)\b", re.I)),
    ("year", re.compile(r"(?<![\d-])(?P<year>(?:19[89]|20[0-3])\d)(?![\d-]|s\b)")),
]
_DIGIT = re.compile(r"\d")
# What a sentence must contain for each kind of expression to be worth looking for.
_KIND_NEEDS: dict[str, object] = {
    "md": "month", "dm": "month", "my": "month", "month": "month", "iso": "digit",
    "year": "digit", "nthday": "digit", "agodays": ("ago",),
    "weekday": ("day",), "today": ("today", "this morning", "this afternoon", "this evening",
                                   "tonight"),
    "now": ("now", "currently", "at present", "these days", "at the moment"),
    "yesterday": ("yesterday", "last night", "overnight", "during the night"),
    "weekend": ("weekend",), "lastweek": ("week",), "thisweek": ("week",),
    "lastmonth": ("month",), "thismonth": ("month",),
    "season": ("summer", "spring", "autumn", "fall", "winter"), "thisyear": ("year",),
    "lastyear": ("year",), "nextday": ("day",), "war2020": ("44-day", "karabakh war",
                                                              "2020 war"),
}
# Literal text a pattern needs besides its kind's words, as written: a cheaper test first.
_ALSO_NEEDS: dict[str, tuple[str, ...]] = {"iso": ("-",), "year": ("19", "20")}
_ALSO_NEEDS_LOW: dict[str, tuple[str, ...]] = {"nthday": ("for the ",)}
_MONTH_IN = re.compile(_MONTH_RX)
# What the case-sensitive month and weekday patterns need to find, as written.
_MONTH_PREFIXES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                   "Dec")
# One scan for any of them: a sentence without one names no month.
_MONTH_PREFIX_IN = re.compile("|".join(_MONTH_PREFIXES))
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_FUTURE_BEFORE = re.compile(r"\b(?:until|till|by|before|from|starting|due|scheduled for|on or "
                            r"before|deadline of)\s+(?:the\s+)?$", re.I)


# The substring tests of each kind, numbered so that a sentence answers each one once:
# (test the lower-cased sentence?, words one of which must be there).
_TESTS: list[tuple[bool, tuple[str, ...]]] = []


def _test_no(in_low: bool, words: tuple[str, ...]) -> int:
    if (in_low, words) not in _TESTS:
        _TESTS.append((in_low, words))
    return _TESTS.index((in_low, words))


def _plan(kind: str) -> tuple[str | None, tuple[int, ...]]:
    """What a sentence needs for ``kind``: a flag ("digit", "month", ...) and substring tests."""
    need = _KIND_NEEDS.get(kind)
    tests = []
    if kind == "weekday":
        tests.append(_test_no(False, _WEEKDAY_NAMES))
    if isinstance(need, tuple):
        tests.append(_test_no(True, need))
    if kind in _ALSO_NEEDS:
        tests.append(_test_no(False, _ALSO_NEEDS[kind]))
    if kind in _ALSO_NEEDS_LOW:
        tests.append(_test_no(True, _ALSO_NEEDS_LOW[kind]))
    return (need if isinstance(need, str) else None), tuple(tests)


# Each pattern with what it needs and its exact lower-cased twin (None for the case-sensitive
# ones): the twin finds the same spans in the lower-cased sentence, faster (see ``casefold``);
# the code below reads the groups of case-insensitive patterns only in lower case. Both are
# searched through ``word_start`` (from their first letters: see ``events.extract.boundary``).
_SEARCHES = [(kind, word_start(rx), None if twin is None else word_start(twin), *_plan(kind))
             for kind, rx, twin in ((kind, rx, exact_twin(rx)) for kind, rx in _PATTERNS)]

def _has_any(low: str, words: tuple[str, ...]) -> bool:
    """``any(w in low for w in words)`` as a plain loop (no generator: it runs very often)."""
    for w in words:  # noqa: SIM110 - see the docstring
        if w in low:
            return True
    return False


def _month_no(name: str) -> int:
    low = name.lower().rstrip(".")
    return MONTHS.get(low) or _MONTH_ABBR[low[:4] if low.startswith("sept") else low[:3]]


def _last_month_day(ref: dt.date, month: int, day: int | None = None) -> dt.date | None:
    """The ``month``(/``day``) nearest ``ref``: in its year, or the year before when it
    would fall more than a month after ``ref`` (news looks back far more than ahead)."""
    year = ref.year
    try:
        cand = dt.date(year, month, day or 1)
    except ValueError:
        return None
    if cand > ref + dt.timedelta(days=31):
        try:
            cand = dt.date(year - 1, month, day or 1)
        except ValueError:
            return None
    return cand


#: A day and month this close before the reference date is news of the moment, even right
#: after a sentence about a year long past ("captured in April 1993. ... signed on Nov. 10");
#: after one about the year before it may still be that year's ("the 2020 war ... November 10").
RECENT_DAYS = 90


def _recent(ref: dt.date, month: int, day: int) -> bool:
    near = _last_month_day(ref, month, day)
    return near is not None and (ref - near).days <= RECENT_DAYS


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def find_dates(text: str, ref: dt.date | None, *, ref_known: bool = True,
               year_hint: int | None = None) -> list[DateMention]:
    """Every time expression of ``text`` that ``ref`` lets resolve, in text order.

    ``ref`` is the publication date (or the best stand-in); with ``ref_known``
    False, weekday and week expressions are not resolved (they need the day).
    ``year_hint`` is a year the text has just been speaking of ("the war of
    2020 ... stopped on November 10"): a day and month without a year take it
    when it is earlier than the reference year.
    """
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match[str], date: dt.date | None, precision: str, how: str) -> None:
        if date is None:
            return
        s, e = m.start(), m.end()
        if any(s < te and ts < e for ts, te in taken):
            return
        taken.append((s, e))
        future = bool(_FUTURE_BEFORE.search(text[max(0, s - 25):s]))
        if ref is not None and ref_known and date > ref and precision == "day":
            future = True
        found.append(DateMention(s, e, date, precision, how, future))

    low = text.lower()
    has_digit = bool(_DIGIT.search(text))
    # month and weekday names only match capitalised ("May", not "may")
    has_month = _MONTH_PREFIX_IN.search(text) is not None
    folded: str | None = None
    folded_known = False
    flags = {"digit": has_digit, "month": has_month, "month_or_digit": has_month or has_digit}
    answers: list[bool | None] = [None] * len(_TESTS)
    for kind, rx, twin, flag, tests in _SEARCHES:
        # cheap tests first: most sentences hold few time words
        if flag is not None and not flags[flag]:
            continue
        passed = True
        for t in tests:
            answer = answers[t]
            if answer is None:
                in_low, words = _TESTS[t]
                answer = answers[t] = _has_any(low if in_low else text, words)
            if not answer:
                passed = False
                break
        if not passed:
            continue
        if twin is not None and not folded_known:
            folded, folded_known = same_length_lower(text), True
        scan = rx.finditer(text) if twin is None or folded is None else twin.finditer(folded)
        for m in scan:
            g = m.groupdict()
            try:
                if kind in ("md", "dm"):
                    month, day = _month_no(g["mon"]), int(g["day"])
                    if not 1 <= day <= 31:
                        continue
                    if g.get("year"):
                        add(m, dt.date(int(g["year"]), month, day), "day", "explicit date")
                    elif year_hint is not None and ref is not None and year_hint < ref.year \
                            and not (year_hint < ref.year - 1 and _recent(ref, month, day)):
                        add(m, dt.date(year_hint, month, day), "day",
                            "day and month, year from the sentence before")
                    elif ref is not None:
                        add(m, _last_month_day(ref, month, day), "day", "explicit day and month")
                elif kind == "my":
                    add(m, dt.date(int(g["year"]), _month_no(g["mon"]), 1), "month",
                        "month and year")
                elif kind == "iso":
                    add(m, dt.date(int(g["year"]), int(g["m"]), int(g["d"])), "day",
                        "explicit date")
                elif kind == "weekday" and ref is not None and ref_known:
                    wd = WEEKDAYS[g["wd"].lower()]
                    back = (ref.weekday() - wd) % 7
                    rel = (g.get("rel") or "").lower()
                    if rel in ("last", "past", "previous") and back == 0:
                        back = 7
                    if rel == "next":
                        continue
                    add(m, ref - dt.timedelta(days=back), "day", "from weekday")
                elif kind == "today" and ref is not None and ref_known:
                    add(m, ref, "day", "today")
                elif kind == "now" and ref is not None and ref_known:
                    add(m, ref, "week", "now")
                elif kind == "yesterday" and ref is not None and ref_known:
                    add(m, ref - dt.timedelta(days=1), "day", "yesterday")
                elif kind == "weekend" and ref is not None and ref_known:
                    # the Saturday before publication (a weekend on the day itself is that one)
                    back = (ref.weekday() - 5) % 7
                    add(m, ref - dt.timedelta(days=back), "week", "weekend")
                elif kind == "lastweek" and ref is not None and ref_known:
                    add(m, ref - dt.timedelta(days=7), "week", "last week")
                elif kind == "thisweek" and ref is not None and ref_known:
                    add(m, _monday(ref), "week", "this week")
                elif kind == "lastmonth" and ref is not None:
                    first = ref.replace(day=1) - dt.timedelta(days=1)
                    add(m, first.replace(day=1), "month", "last month")
                elif kind == "thismonth" and ref is not None:
                    add(m, ref.replace(day=1), "month", "this month")
                elif kind == "season" and ref is not None:
                    year = ref.year
                    if m.group().lower().startswith("last ") and g["season"].lower() != "winter":
                        year -= 1
                    add(m, dt.date(year, 1, 1), "year", "season of the year")
                elif kind == "thisyear" and ref is not None:
                    add(m, dt.date(ref.year, 1, 1), "year", "this year")
                elif kind == "lastyear" and ref is not None:
                    add(m, dt.date(ref.year - 1, 1, 1), "year", "last year")
                elif kind == "nthday" and ref is not None and ref_known:
                    n = int(g["n"])
                    if 0 < n < 1000:
                        add(m, ref - dt.timedelta(days=n - 1), "day", "day count")
                elif kind == "agodays" and ref is not None and ref_known:
                    n = _NUMBER_WORDS.get(g["n"].lower()) or int(g["n"])
                    unit = g["unit"].lower().rstrip("s")
                    days = {"day": 1, "week": 7, "month": 30, "year": 365}[unit] * n
                    prec = {"day": "day", "week": "week", "month": "month", "year": "year"}[unit]
                    add(m, ref - dt.timedelta(days=days), prec, "time ago")
                elif kind == "month" and ref is not None:
                    mon = _MONTH_IN.search(m.group())
                    if mon:
                        d = _last_month_day(ref, _month_no(mon.group("mon")))
                        add(m, d, "month", "month")
                elif kind == "war2020":
                    add(m, dt.date(2020, 1, 1), "year", "the 2020 war")
                elif kind == "year":
                    year = int(g["year"])
                    add(m, dt.date(year, 1, 1), "year", "year")
            except (ValueError, KeyError):
                continue
    found.sort(key=lambda d: d.start)
    return found


_DAY_OFFSET = re.compile(
    r"\b(?:(?P<next>the next day|the following day|the day after)|"
    r"(?P<prev>the day before|the previous day|the preceding day)|"
    r"(?P<n>a|one|two|three|four|five|six|seven|\d)\s+days?\s+(?P<dir>later|earlier|after|"
    r"before))\b", re.I)


def day_offset_mention(text: str) -> tuple[re.Match[str], int] | None:
    """"The next day", "a day earlier", "two days later": the match and its offset in days
    from the day the story has just told of (None when there is no such phrase).

    "N days after X" dates X, told after the phrase: N days before the day told of.
    """
    if "day" not in text.lower():
        return None  # every phrase of ``_DAY_OFFSET`` says "day" (cheap test first)
    m = _DAY_OFFSET.search(text)
    if m is None:
        return None
    if m.group("next"):
        return m, 1
    if m.group("prev"):
        return m, -1
    word = m.group("n").lower()
    n = _NUMBER_WORDS.get(word) or int(word)
    # "two days later": after the day told; "came two days after X": X was two days before
    return m, n if m.group("dir").lower() in ("later", "before") else -n


_NEXT_DAY = re.compile(r"\b(?:the next day|the following day|a day (?:after|later)|"
                       r"the day after)\b", re.I)


def next_day_mention(text: str) -> re.Match[str] | None:
    """"The next day" and kin: dated one day after the previous event."""
    return _NEXT_DAY.search(text)


_YEAR_HINTS = (
    (re.compile(r"\b(?:coronavirus|covid|pandemic)\b", re.I), 2020),
    (re.compile(r"\b(?:44-day war|second (?:nagorno-)?karabakh war)\b", re.I), 2020),
)


def infer_reference_year(text: str) -> int | None:
    """Best guess at the year an undated article was written, from its own words.

    The latest year it mentions, raised by anachronism hints (the COVID
    pandemic means 2020 or later). None when the text gives nothing.
    """
    years = [int(y) for y in re.findall(r"(?<![\d-])((?:19[89]|20[0-3])\d)(?![\d-])", text)]
    best = max(years) if years else None
    for rx, year in _YEAR_HINTS:
        if rx.search(text):
            best = max(best or year, year)
    return best
