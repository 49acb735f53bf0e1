"""The extractor's shortcuts answer exactly what the plain tests they replace answer.

Lower-cased twins of case-insensitive patterns, the one-scan gate words of the type
patterns, the merge of the alternatives searched one by one, and the unchecked copy of an
event are each compared here with the slow form they stand for, on text written for the
test (with the letters that make case-insensitive matching odd: Kelvin sign, long s, dotted
and dotless i, curly quotes).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from events.extract import types
from events.extract.casefold import (
    CaseFree,
    exact_twin,
    lower,
    lower_twin,
    same_length_lower,
)
from events.schema import Event, replace_unchecked

TEXTS = [
    "Artillery units shelled the outskirts of the town overnight, the ministry said.",
    "ARTILLERY UNITS SHELLED THE OUTSKIRTS; Thousands Fled Their Homes While Troops Advanced.",
    "The army said it had not attacked the village and denied that drones were used.",
    "Talks are planned for next week, but the truce was violated on Monday near the border.",
    "Drones \u212aamikaze struck a po\u017ft; the \u0130nfantry fled \u201cin panic\u201d.",
    "Protesters gathered outside the parliament in Yerevan, demanding the minister resign.",
    "It\u2019s not clear whether the ceasefire, agreed in Moscow, took effect at midnight.",
    "Residents were evacuated to Goris after the shelling of the town of Berdzor.",
    "The 44-day war ended with a trilateral statement signed on 10 November 2020.",
    "",
]

HELD_OUT = Path(__file__).resolve().parents[1] / "data" / "heldout"


def corpus_texts() -> list[str]:
    """The written-for-the-test sentences and the held-out articles of the repository."""
    texts = list(TEXTS)
    for path in sorted(HELD_OUT.glob("*.txt")):
        texts.extend(path.read_text(encoding="utf-8").splitlines())
    return texts


def spans(rx: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in rx.finditer(text)]


def type_patterns() -> list[re.Pattern[str]]:
    """Every alternative of every type pattern, and the whole patterns."""
    out = list(types.PATTERNS.values())
    for event_type in types.PATTERNS:
        out.extend(types._alternative_patterns(event_type))
    return out


def test_lower_keeps_offsets_and_maps_the_odd_letters() -> None:
    text = "\u0130stanbul \u212aelvin \u017fhell \u0131rmak"
    low = same_length_lower(text)
    assert low is not None and len(low) == len(text)
    assert low == "istanbul kelvin shell irmak"
    assert lower("ABC") == "abc"


def test_exact_twins_find_the_same_spans_as_the_patterns() -> None:
    texts = corpus_texts()
    checked = 0
    for rx in type_patterns():
        twin = exact_twin(rx)
        if twin is None:
            assert "(?-i:" in rx.pattern  # only case-sensitive parts keep a pattern as it is
            continue
        checked += 1
        for text in texts:
            low = same_length_lower(text)
            assert low is not None
            assert spans(twin, low) == spans(rx, text), (rx.pattern[:60], text[:60])
    assert checked > 100


def test_lower_twins_match_wherever_the_patterns_do() -> None:
    texts = corpus_texts()
    for rx in [*type_patterns(), *(p for p in vars(types).values()
                                   if isinstance(p, re.Pattern) and p.flags & re.I)]:
        twin = lower_twin(rx)
        for text in texts:
            low = same_length_lower(text)
            if rx.search(text):
                assert twin.search(low), (rx.pattern[:60], text[:60])


def test_case_sensitive_patterns_get_no_twin() -> None:
    assert exact_twin(re.compile(r"\bMay\b")) is None
    assert exact_twin(re.compile(r"(?-i:May) day", re.I)) is None
    assert lower_twin(re.compile(r"\bMay\b")).search("anything")  # always matches: no shortcut
    loose = lower_twin(re.compile(r"(?-i:May) day", re.I))
    assert loose.search("may day") and not loose.search("june day")


def test_group_names_survive_the_rewrite() -> None:
    rx = re.compile(r"(?P<Mon>Jan|Feb)\s+(?P<day>\d+)", re.I)
    twin = exact_twin(rx)
    assert twin is not None
    m = twin.search("on feb 3")
    assert m is not None and m.group("Mon") == "feb" and m.group("day") == "3"


def test_case_free_wrapper_answers_like_the_pattern_on_slices() -> None:
    rx = re.compile(r"\b(?:from|fled)\s+(?:the\s+)?$", re.I)
    case_free = CaseFree(rx)
    text = "Families FLED the"
    low = same_length_lower(text)
    for start in range(len(text)):
        assert bool(case_free.search(text, low, start, len(text))) == bool(
            rx.search(text[start:]))
        assert bool(case_free.search(text, None, start, len(text))) == bool(
            rx.search(text[start:]))


def test_gate_bits_agree_with_substring_tests() -> None:
    index = types._gate_index()
    word_sets: dict[int, set[str]] = {}
    for word, bits in index.bits.items():
        for b in range(bits.bit_length()):
            if bits >> b & 1:
                word_sets.setdefault(b, set()).add(word)
    for text in corpus_texts():
        low = text.lower()
        present = types._present(low)
        for b, words in word_sets.items():
            assert bool(present >> b & 1) == any(w in low for w in words), (words, text[:60])


@pytest.mark.parametrize("text", TEXTS)
def test_type_cues_match_the_whole_patterns(text: str) -> None:
    expected = sorted((t, m.start(), m.end(), m.group()) for t, rx in types.PATTERNS.items()
                      for m in rx.finditer(text))
    got = sorted((c.event_type, c.start, c.end, c.phrase) for c in types.find_type_cues(text))
    assert got == expected


def test_unchecked_replace_equals_the_checked_one() -> None:
    ev = Event(event_id="e1", article_id="a1", event_type="shelling",
               reporting_side="armenian", event_date=dt.date(2020, 10, 4),
               date_precision="day", claimant="the ministry", place="Stepanakert",
               geo_precision="settlement", lon=46.75, lat=39.82)
    changes = {"n_articles": 3, "reported_by": ("armenian", "third_party"), "cluster_id": "c1"}
    assert replace_unchecked(ev, **changes) == ev.replace(**changes)
    assert replace_unchecked(ev) == ev


def test_twin_of_a_pattern_with_a_non_ascii_capital_matches_like_the_pattern():
    rx = re.compile(r"\bÖzdemir\b|\bÇanakkale\b", re.IGNORECASE)
    twin = exact_twin(rx)
    assert twin is not None
    for text in ("Minister ÖZDEMIR spoke", "in çanakkale today", "Ozdemir"):
        low = same_length_lower(text)
        assert low is not None
        assert [m.span() for m in twin.finditer(low)] == [m.span() for m in rx.finditer(text)]
