"""Case-insensitive matching made cheap: text lower-cased once, patterns lower-cased once.

Case-insensitive patterns are slow to scan: the regex engine folds the case of every
character it tries against every alternative. The extractor runs hundreds of them on
every clause, so it lower-cases the clause once and runs lower-cased, case-sensitive
twins of the patterns on it, which find the same spans several times faster.

``lower`` maps first the three letters that a case-insensitive pattern equates with an
ASCII letter but ``str.lower`` does not lower-case to it (dotted and dotless i, long s);
the mapping is a dictionary ``str.translate``, slow on every clause, so it runs only when
one of the three is there (a curly quote makes a clause non-ASCII, not odd). The result
keeps the offsets of the text whenever it keeps its length (``same_length_lower``), and
then a letter of the text and the letter at the same offset of the result are equal
under case-insensitive matching.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

IGNORECASE_EXTRA = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


def lower(text: str) -> str:
    """``text.translate(IGNORECASE_EXTRA).lower()``, skipping the translation when it is a no-op."""
    if "\u0130" in text or "\u0131" in text or "\u017f" in text:
        text = text.translate(IGNORECASE_EXTRA)
    return text.lower()


def same_length_lower(text: str) -> str | None:
    """``lower(text)`` when it keeps the offsets of ``text`` (the twins need them), else None."""
    low = lower(text)
    return low if len(low) == len(text) else None


# A class with a range from an upper- to a lower-case letter ("[A-z]") holds symbols too:
# not rewritten.
_CROSS_CASE_RANGE = re.compile(r"\[[^\]]*?(?:[A-Z]-[a-z]|[a-z]-[A-Z])")
# Escapes that name a character by its code, whose case the rewrite cannot see.
_CODE_ESCAPE = re.compile(r"\\[xuUN0-7]")
# A group that turns case-insensitivity off ("(?-i:...)"), which lower-cased text cannot answer.
_CASE_SENSITIVE_PART = re.compile(r"\(\?[a-zA-Z]*-[a-zA-Z]*i")


def _lowered_source(rx: re.Pattern[str]) -> str | None:
    """The source of case-insensitive ``rx`` with its letters lower-cased (escapes kept)."""
    src = rx.pattern
    if not rx.flags & re.IGNORECASE or _CROSS_CASE_RANGE.search(src) or _CODE_ESCAPE.search(src):
        return None
    out, i = [], 0
    while i < len(src):
        if src[i] == "\\":
            out.append(src[i:i + 2])  # an escape keeps its case: \S is not \s
            i += 2
            continue
        if src.startswith("(?P", i):  # a group name is kept as written
            close = src.find(">" if src.startswith("(?P<", i) else ")", i)
            out.append(src[i:close + 1])
            i = close + 1
            continue
        # any capital, not only ASCII: the text side is lower-cased whole ("Ö" -> "ö")
        low = src[i].translate(IGNORECASE_EXTRA).lower()
        out.append(low if len(low) == 1 else src[i])
        i += 1
    return "".join(out)


def exact_twin(rx: re.Pattern[str]) -> re.Pattern[str] | None:
    """``rx`` as a case-sensitive pattern with the same matches on ``same_length_lower`` text.

    Same offsets and same truth as ``rx`` on the text itself (take the matched text from the
    original, not from the lower-cased copy). None when ``rx`` is not case-insensitive or has
    parts the rewrite cannot carry over: then ``rx`` itself must be used.
    """
    if _CASE_SENSITIVE_PART.search(rx.pattern):
        return None
    src = _lowered_source(rx)
    return None if src is None else re.compile(src, rx.flags & ~re.IGNORECASE)


_ALWAYS = re.compile("")


def lower_twin(rx: re.Pattern[str]) -> re.Pattern[str]:
    """A pattern for ``same_length_lower`` text that matches wherever ``rx`` can: a pre-test.

    ``exact_twin`` with case-sensitive parts ``(?-i:...)`` loosened (they then match more,
    never less): a miss of the twin proves a miss of ``rx`` at a fraction of the cost, and a
    hit sends the test to ``rx`` itself. A pattern the rewrite cannot be sure of gets a twin
    that always matches, so ``rx`` alone decides.
    """
    src = _lowered_source(rx)
    if src is None:
        return _ALWAYS
    src = src.replace("(?-i:", "(?:")
    if _CASE_SENSITIVE_PART.search(src):
        return _ALWAYS
    return re.compile(src, rx.flags & ~re.IGNORECASE)


class CaseFree:
    """A case-insensitive pattern, run through its exact twin whenever the text allows.

    Callers pass the text and ``same_length_lower(text)`` (None when it moved offsets);
    the answer is the one ``rx`` gives on the text (a match's offsets, never its text:
    read that from the original).
    """

    __slots__ = ("rx", "twin")

    def __init__(self, rx: re.Pattern[str]) -> None:
        self.rx = rx
        self.twin = exact_twin(rx)

    def search(self, text: str, low: str | None, start: int = 0,
               end: int | None = None) -> re.Match[str] | None:
        """``rx.search(text[start:end])``: offsets are those of the slice."""
        if low is None or self.twin is None:
            return self.rx.search(text[start:end])
        return self.twin.search(low[start:end])

    def match(self, text: str, low: str | None, start: int = 0,
              end: int | None = None) -> re.Match[str] | None:
        """``rx.match(text[start:end])``: offsets are those of the slice."""
        if low is None or self.twin is None:
            return self.rx.match(text[start:end])
        return self.twin.match(low[start:end])

    def finditer(self, text: str, low: str | None) -> Iterator[re.Match[str]]:
        """``rx.finditer(text)``."""
        if low is None or self.twin is None:
            return self.rx.finditer(text)
        return self.twin.finditer(low)
