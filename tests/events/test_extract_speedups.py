"""Speed-ups of the extractor answer exactly what the plain forms they replace answer.

Each shortcut is compared with the slow form it stands for: ``WordStart`` with the pattern
it searches, the possessive name runs of ``sides`` with the backtracking ones they replace,
the clause splitter's substring gate with the pattern alone, and the one-pass event check
with the field-by-field one (on valid events and on every kind of invalid one).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
from pathlib import Path

import pytest

from events.extract import dates, fatalities, sides, types
from events.extract.boundary import WordStart, word_start
from events.extract.casefold import exact_twin
from events.extract.sentences import _BOUNDARY, _CLAUSE, Span, split_clauses, split_sentences
from events.schema import Event, SchemaError, _check

HELD_OUT = Path(__file__).resolve().parents[1] / "data" / "heldout"

WRITTEN = [
    "Artillery units shelled the outskirts of the town overnight, the ministry said.",
    "skilled gunners killed two; the_kill and kill9 are not words, but KILLED is one.",
    "Über-killed: ükill, 9kill, _kill and kill_ sit next to word characters.",
    "Armenian Foreign Minister Ararat Mirzoyan, a spokesman for the Armenian side, said so.",
    "Vahram Poghosyan, a spokesman for the Karabakh leader, said while the truce held.",
    "On October 3-4 and May 12, 2020, the clashes went on; Monday was quiet though tense.",
    "kill",
    "",
]


def texts() -> list[str]:
    """Sentences written for the test, the held-out articles, and made-up strings."""
    out = list(WRITTEN)
    for path in sorted(HELD_OUT.glob("*.txt")):
        article = path.read_text(encoding="utf-8")
        out.append(article)
        for sentence in split_sentences(article):
            out.extend([sentence.text, sentence.text.lower()])
    rng = random.Random(3)
    words = ["the", "a", "kill", "killed", "skilled", "clash", "was", "hit", "by", "said", "on",
             "Armenian", "Armenia's", "US", "U.S.", "Karabakh", "May", "12", "2020", "_x",
             "über", "9kill", ",", "’s", "Ab", "X"]
    for _ in range(400):
        out.append("".join(rng.choice(words) + rng.choice([" ", "", "-", ", ", "\n"])
                           for _ in range(rng.randint(1, 20))))
    return out


def found(searcher: WordStart | re.Pattern[str], text: str) -> list[tuple]:
    return [(m.span(), m.groups()) for m in searcher.finditer(text)]


def boundary_patterns() -> list[re.Pattern[str]]:
    """Patterns of the extractor that start with a word boundary."""
    out: list[re.Pattern[str]] = []
    for event_type in types.PATTERNS:
        for rx in types._alternative_patterns(event_type):
            twin = exact_twin(rx)
            out.extend([rx] if twin is None else [rx, twin])
    out.extend(rx for _, rx in dates._PATTERNS)
    out.extend([sides._PASSIVE_BY, sides._REDUCED_PASSIVE, sides._VERB, sides._ACCORDING])
    out.extend(getattr(twin, "rx", twin) for twin in types._TWINS.values())
    return [rx for rx in out if rx.pattern.startswith("\\b")]


def test_word_start_finds_what_the_pattern_finds() -> None:
    corpus = texts()
    shortcut = 0
    for rx in boundary_patterns():
        searcher = WordStart(rx)
        shortcut += searcher.rest is not None
        for text in corpus:
            assert found(searcher, text) == found(rx, text), (rx.pattern[:60], text[:60])
            for pos in (1, 7, len(text) // 2):
                a, b = searcher.search(text, pos), rx.search(text, pos)
                assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups()))
    assert shortcut > 100  # most of them are searched from their first letters


@pytest.mark.parametrize("pattern, shortcut", [
    (r"\bkill(?:ed|ing)?\b", True),  # a literal after the boundary
    (r"\b(?:killed|died)\b", True),  # alternatives that each start with a literal
    (r"\bkill|\bdied", False),  # a "|" outside groups: the "\b" is the first one's only
    (r"\b(?:the\s+)?kill", False),  # optional start: nothing to skip ahead to
    (r"\b(?i:kill)", False),  # letters whose case is ignored: the engine cannot skip
    (r"\b\w*", False),  # may match empty
    (r"kill\b", False),  # no leading boundary
])
def test_word_start_takes_the_shortcut_only_where_it_pays(pattern: str, shortcut: bool) -> None:
    rx = re.compile(pattern)
    assert (WordStart(rx).rest is not None) is shortcut
    assert isinstance(word_start(rx), WordStart) is shortcut
    for text in ("skilled kill killing died", "kill", "the kill", "xkill"):
        assert found(word_start(rx), text) == found(rx, text)


def test_word_start_tests_the_boundary_of_unicode_words() -> None:
    searcher = WordStart(re.compile(r"\bkill"))
    assert searcher.rest is not None
    for text, starts in (("ükill kill", [6]), ("_kill kill", [6]), ("9kill", []),
                         ("-kill", [1]), ("kill", [0]), ("", [])):
        assert [m.start() for m in searcher.finditer(text)] == starts


def test_possessive_name_runs_match_the_backtracking_ones() -> None:
    run = r"((?:[A-Z][\w’'-]+\s+){0,4}[A-Z][\w’'-]+)"
    before = re.compile(r"\b" + sides._CUE_WORDS + r"\s+" + run)
    apposition = re.compile(run + r",\s+(?:(?:an?|the)\s+)?[a-z][^,]{0,60}?\b"
                            + sides._CUE_WORDS)
    for text in texts():
        assert found(sides._BEFORE_NAME, text) == found(before, text)
        assert found(sides._APPOSITION, text) == found(apposition, text)


def test_clause_gate_gives_the_clauses_of_the_pattern() -> None:
    def plain(sentence: Span) -> list[Span]:
        out, start, text = [], 0, sentence.text
        for m in _CLAUSE.finditer(text):
            if m.start() - start < 12 or len(text) - m.end() < 12:
                continue
            out.append(Span(sentence.start + start, sentence.start + m.start(),
                            text[start:m.start()], sentence.paragraph))
            start = m.end()
        out.append(Span(sentence.start + start, sentence.end, text[start:], sentence.paragraph))
        return [c for c in out if c.text.strip()]

    for text in texts():
        for sentence in split_sentences(text):
            assert split_clauses(sentence) == plain(sentence)
    assert split_clauses(Span(0, 3, "   ")) == []


def valid_event() -> Event:
    return Event(event_id="e1", article_id="a1", event_type="shelling",
                 reporting_side="armenian", event_date=dt.date(2020, 10, 4),
                 date_precision="day", claimant="the ministry", place="Stepanakert",
                 geo_precision="settlement", lon=46.75, lat=39.82, fatalities=2,
                 char_start=3, char_end=40, confidence=0.8, reported_by=("armenian",))


@pytest.mark.parametrize("changes", [
    {}, {"event_date": None, "date_precision": None}, {"lon": None, "lat": None},
    {"lon": 46, "lat": 40}, {"fatalities": None, "char_start": None, "char_end": None},
    {"confidence": 1}, {"reported_by": ()}, {"geo_precision": None},
    {"published": dt.date(2020, 10, 5)},
])
def test_valid_events_pass_the_check(changes: dict) -> None:
    ev = dataclasses.replace(valid_event(), **changes)
    _check(ev)


@pytest.mark.parametrize("field, value", [
    ("event_id", ""), ("article_id", ""), ("claimant", 3), ("event_type", "war"),
    ("reporting_side", "both"), ("date_precision", "hour"), ("date_precision", None),
    ("geo_precision", "planet"), ("event_date", dt.datetime(2020, 10, 4, 5)),
    ("published", "2020-10-04"), ("lon", None), ("lat", 91.0), ("lon", float("nan")),
    ("lon", True), ("fatalities", -1), ("fatalities", 2.0), ("char_start", True),
    ("n_articles", 0), ("char_end", 1), ("confidence", 1.5), ("confidence", "high"),
    ("reported_by", ["armenian"]), ("reported_by", ("nobody",)),
])
def test_invalid_events_are_refused_as_before(field: str, value: object) -> None:
    ev = valid_event()
    object.__setattr__(ev, field, value)  # past the constructor's own check
    with pytest.raises(SchemaError) as refused:
        _check(ev)
    assert refused.value.field == field
    with pytest.raises(SchemaError):
        dataclasses.replace(ev)  # the constructor refuses it too


def test_odd_but_valid_values_still_pass() -> None:
    class Name(str):
        pass

    ev = valid_event()
    object.__setattr__(ev, "claimant", Name("the ministry"))
    _check(ev)  # accepted, as it always was


@pytest.mark.parametrize("rx", [sides._TRAILING_TIME, sides._TRAILING_MEDIUM,
                                sides._TRAILING_ADVERB, sides._PHRASE_END, sides._ON_AT_SPLIT])
def test_class_first_spaces_match_as_the_plus_form(rx: re.Pattern[str]) -> None:
    assert rx.pattern.startswith(r"\s\s*")
    plus = re.compile(r"\s+" + rx.pattern[len(r"\s\s*"):], rx.flags)
    for text in texts():
        assert found(rx, text) == found(plus, text)
        assert rx.sub("", text) == plus.sub("", text) and rx.split(text) == plus.split(text)


def test_class_first_sentence_ends_match_as_the_plus_form() -> None:
    plain = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)")
    for text in [*texts(), "Done!!! Then?” he asked… And.) so"]:
        assert found(_BOUNDARY, text) == found(plain, text)


def test_active_alternatives_are_those_whose_gate_words_are_all_there() -> None:
    index = types._gate_index()
    for text in texts():
        present = types._present(text.lower())
        for event_type in types.PATTERNS:
            if event_type in index.whole:
                continue
            needs = index.alt_bits[event_type]
            for raw, pool in ((True, index.alt_patterns[event_type]),
                              (False, index.alt_searches[event_type])):
                expected = tuple(p for p, need in zip(pool, needs, strict=True)
                                 if present & need == need)
                assert types._active(index, event_type, present, raw) == expected
                assert types._active(index, event_type, present, raw) == expected  # kept


def test_asserted_cues_are_the_cues_each_test_keeps() -> None:
    for text in [*WRITTEN, "The army denied it had shelled İstanbul or ſhelled the town."]:
        for sentence in split_sentences(text):
            clause = sentence.text
            expected = [c for c in types.find_type_cues(clause) if types.is_asserted(clause, c)]
            assert types.asserted_cues(clause) == expected
    clause = "Troops shelled the village, but the ministry denied that it shelled the town."
    kept = types.asserted_cues(clause)
    assert kept and len(kept) < len(types.find_type_cues(clause))  # the denial drops one


def test_death_counts_read_from_twins_are_the_patterns_counts() -> None:
    def plain(clause: str) -> int | None:
        values = [fatalities._value(m.group("n")) for rx in fatalities._PATTERNS
                  for m in rx.finditer(clause)]
        values = [v for v in values if v is not None and v <= 10_000_000]
        return max(values) if values else None

    assert all(twin is not None for _, twin in fatalities._SEARCHES)
    for text in [*texts(), "Nearly 5000 DEAD", "fıve people were killed", "KILLED 1,200"]:
        assert fatalities.find_fatalities(text) == plain(text)
    assert fatalities.find_fatalities("THIRTY people were KILLED") == 30


def test_month_flag_is_the_two_substring_tests() -> None:
    stems = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    for text in [*texts(), "in MAY", "Marching", "JANUARY", "the market"]:
        plain = any(s in text.lower() for s in stems) and any(
            p in text for p in dates._MONTH_PREFIXES)
        assert (dates._MONTH_PREFIX_IN.search(text) is not None) == plain


def test_grouped_subject_boundaries_split_as_the_plain_list() -> None:
    plain = re.compile(r",\s+|;\s+|:\s+|[“”\"()]|\s[—–]\s|\bthat\s+|\bwhich\s+|\bwho\s+|"
                       r"\b(?i:what|when|where|though|although|if|as|after|before)\s+")
    extra = ["That said, IF x — y (z); w: WHERE As after thatch whoever", "İf ıf aſ whic h"]
    for text in [*texts(), *extra]:
        for end in range(0, len(text) + 1, max(1, len(text) // 5)):
            assert sides._BOUNDARY.split(text[:end]) == plain.split(text[:end])


def test_side_cues_through_twins_give_the_patterns_side() -> None:
    def plain(text: str) -> str | None:
        hits = [(m.start(), i) for i, (rx, _) in enumerate(sides._SIDE_CUES)
                if (m := rx.search(text))]
        return sides._SIDE_CUES[min(hits)[1]][1] if hits else None

    extra = ["İlham Aliyev", "the ARMENIAN side", "Russian and Azerbaijani officials", "ſeparatist",
             "Reuters", "the ministry"]
    for text in [*texts(), *extra]:
        assert sides._side_by_cue(text) == plain(text)
    assert sides._side_by_cue("BAKU officials") == "azerbaijani"


def test_staff_gate_lets_every_staff_claimant_through() -> None:
    extra = ["Trend's correspondent", "an APA REPORTER", "the AFP crew", "ANI journaliſts",
             "the ministry", "a BBC team said"]
    matched = 0
    for text in [*texts(), *extra]:
        if sides._STAFF.match(text):
            matched += 1
            assert sides._has_any(sides.lower(text), sides._STAFF_NEEDS), text
    assert matched >= 5
    assert sides.side_of_claimant("Trend's correspondent") == "azerbaijani"
