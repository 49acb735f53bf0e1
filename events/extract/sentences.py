"""Sentences and clauses with their character offsets in the article text.

A regex splitter is enough for news prose and is fast (the pipeline must read
hundreds of articles a second); it knows the abbreviations news copy uses
("Mr.", "U.S.", "Sept.") so they do not end a sentence. Offsets always index
the original text, so ``text[s.start:s.end] == s.text`` holds for every piece.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of the article text and where it sits."""

    start: int
    end: int
    text: str
    paragraph: int = 0


_ABBREVIATIONS = frozenset(
    [
        "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "sgt", "st", "prof", "sen",
        "rep", "gov", "pres", "rev", "jr", "sr", "no", "vs", "etc", "jan", "feb", "mar", "apr",
        "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "inc", "ltd", "co", "corp", "dept",
        "approx", "est"]
)
# end punctuation, optional closing quotes/brackets, then space
# (``[.!?…][.!?…]*`` is ``[.!?…]+``, written so that the regex engine sees the class first and
# skips straight to the punctuation instead of trying the pattern at every character)
_BOUNDARY = re.compile(r"[.!?…][.!?…]*[\"'”’)\]]*(?=\s)")
_PARAGRAPH = re.compile(r"\n\s*")


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the full stop at ``dot`` closes an abbreviation or an initial."""
    if text[dot] != ".":
        return False
    j = dot
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot]
    if not word:
        return False
    if word.lower().replace(".", "") in _ABBREVIATIONS:
        return True
    # single initials and dotted acronyms: "J.", "U.S", "U.N"
    return len(word) == 1 and word.isupper() or ("." in word and len(word) <= 6)


def paragraphs(text: str) -> list[Span]:
    """Non-empty lines of the text (news copy puts one paragraph on a line)."""
    out: list[Span] = []
    pos = 0
    for n, m in enumerate(re.finditer(r"[^\n]+", text)):
        line = m.group()
        if line.strip():
            lead = len(line) - len(line.lstrip())
            s = m.start() + lead
            e = m.start() + len(line.rstrip())
            out.append(Span(s, e, text[s:e], n))
        pos = m.end()
    del pos
    return out


def split_sentences(text: str) -> list[Span]:
    """Sentences of the text, in order, never crossing a line break."""
    out: list[Span] = []
    for para_no, para in enumerate(paragraphs(text)):
        start = para.start
        for m in _BOUNDARY.finditer(text, para.start, para.end):
            end = m.end()
            if _is_abbreviation(text, m.start()) and m.group() == ".":
                continue
            nxt = end
            while nxt < para.end and text[nxt].isspace():
                nxt += 1
            if nxt < para.end and text[nxt].islower():
                continue  # "... 8:00 a.m. local time": not a new sentence
            _append(out, text, start, end, para_no)
            start = nxt
        _append(out, text, start, para.end, para_no)
    return out


def _append(out: list[Span], text: str, start: int, end: int, para: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Span(start, end, text[start:end], para))


# Clause breaks that usually change who is speaking or what is told:
# "X said A, while Y claimed B"; "A; B"; "X, but Y".
_CLAUSE = re.compile(
    r";\s+|,?\s+while\s+|,\s+whereas\s+|,\s+but\s+|,\s+(?:al)?though\s+"
)
# Every match of ``_CLAUSE`` contains one of these: most sentences have none, and a substring
# test says so faster than a scan of the pattern.
_CLAUSE_NEEDS = (";", "while", "whereas", "but", "though")


def split_clauses(sentence: Span) -> list[Span]:
    """Clauses of a sentence (offsets still index the article text)."""
    out: list[Span] = []
    start = 0
    text = sentence.text
    for word in _CLAUSE_NEEDS:  # noqa: SIM110 - a plain loop: it runs for every sentence
        if word in text:
            break
    else:
        return [sentence] if text.strip() else []  # no clause break: the sentence is one clause
    for m in _CLAUSE.finditer(text):
        if m.start() - start < 12 or len(text) - m.end() < 12:
            continue
        out.append(Span(sentence.start + start, sentence.start + m.start(),
                        text[start:m.start()], sentence.paragraph))
        start = m.end()
    out.append(Span(sentence.start + start, sentence.end, text[start:], sentence.paragraph))
    return [c for c in out if c.text.strip()]
