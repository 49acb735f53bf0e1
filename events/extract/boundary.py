"""Patterns that start with a word boundary, searched as fast as their first letters allow.

The regex engine skips ahead to a pattern's possible first characters only when the
pattern starts with them (a literal like ``kill``, a class, or alternatives that each start
with a literal). A pattern that starts with ``\\b`` gets none of that: the engine tries it at
every character of the text, which costs most clauses several times more than the few
places where the pattern's words could start. :class:`WordStart` searches the pattern
without its leading ``\\b`` (so the engine skips ahead) and tests the boundary itself at each
place found, going on one character further when it is not there: the same matches, at the
same offsets, with the same groups as the pattern itself.
"""

from __future__ import annotations

import re
from re import _constants as _sre  # the parse tree's opcodes (see ``_starts_fast``)
from re import _parser as _sre_parse
from typing import Any


def top_level_alternatives(pattern: str) -> list[str]:
    """``pattern`` split at the ``|`` that are outside groups and character classes."""
    out: list[str] = []
    depth, start, i, in_class = 0, 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern[i + 1:i + 2] == "^":
                i += 1
            if pattern[i + 1:i + 2] == "]":
                i += 1  # a "]" right after "[" or "[^" is a literal
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


def _starts_fast(items: Any, ignorecase: bool) -> bool:
    """True when the engine can skip ahead to the first characters of a parsed pattern.

    The cases the engine itself knows: a literal (not a letter with case to ignore), a
    class, or alternatives that each start with such a literal; groups are looked into.
    """
    while True:
        if not items:
            return False
        op, av = items[0]
        if op is not _sre.SUBPATTERN:
            break
        _, add_flags, del_flags, items = av  # a group may turn ignoring case on or off
        ignorecase = bool(add_flags & re.IGNORECASE) or ignorecase and not (
            del_flags & re.IGNORECASE)

    def plain(op: Any, av: Any) -> bool:
        return op is _sre.LITERAL and not (ignorecase and chr(av).lower() != chr(av).upper())

    if op is _sre.IN:
        return not ignorecase
    if op is _sre.BRANCH:
        return all(alt and plain(*alt[0]) for alt in av[1])
    return plain(op, av)


def _rest_source(rx: re.Pattern[str]) -> str | None:
    """The source of ``rx`` without its leading ``\\b``, when searching that instead is safe
    and faster.

    Safe: ``rx`` is one sequence starting with ``\\b`` (no ``|`` outside groups, which would
    make the ``\\b`` belong to one alternative only), with Unicode word characters (the ones
    :func:`_boundary_at` tests), and never matches empty (so matches follow each other as in
    ``finditer``). Faster: what follows the ``\\b`` starts with characters the engine can
    skip ahead to (never letters whose case is ignored). None otherwise: then ``rx`` itself
    is searched.
    """
    source = rx.pattern
    if not isinstance(source, str) or not source.startswith("\\b") or source[2:3] in (
            "*", "+", "?", "{"):
        return None
    if rx.flags & (re.ASCII | re.LOCALE | re.VERBOSE | re.IGNORECASE) or len(
            top_level_alternatives(source)) > 1:
        return None
    rest = source[2:]
    try:
        parsed = _sre_parse.parse(rest, rx.flags)
        if parsed.getwidth()[0] == 0 or not _starts_fast(parsed.data, False):
            return None
    except Exception:  # an unexpected tree only costs the shortcut, never a match
        return None
    return rest


def _rest(rx: re.Pattern[str]) -> re.Pattern[str] | None:
    """``rx`` without its leading ``\\b`` (see ``_rest_source``), compiled; or None."""
    source = _rest_source(rx)
    return None if source is None else re.compile(source, rx.flags)


def _is_word(ch: str) -> bool:
    """A character ``\\w`` matches (in a Unicode pattern): what ``\\b`` tells apart."""
    return ch.isalnum() or ch == "_"


def _boundary_at(text: str, pos: int) -> bool:
    """Whether ``\\b`` matches at ``pos`` of ``text``."""
    before = pos > 0 and _is_word(text[pos - 1])
    after = pos < len(text) and _is_word(text[pos])
    return before != after


class WordStart:
    """A pattern that starts with ``\\b``, with ``search`` and ``finditer`` answering as its own.

    Patterns the shortcut does not suit (see ``_rest``) are searched as they are.
    """

    __slots__ = ("rx", "rest", "pattern", "flags")

    def __init__(self, rx: re.Pattern[str], rest: re.Pattern[str] | None = None) -> None:
        self.rx = rx
        self.rest = _rest(rx) if rest is None else rest
        self.pattern = rx.pattern
        self.flags = rx.flags

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        """``rx.search(text, pos)``."""
        rest = self.rest
        if rest is None:
            return self.rx.search(text, pos)
        m = rest.search(text, pos)
        while m is not None:
            start = m.start()
            if _boundary_at(text, start):
                return m  # ``\\b`` holds here, and what follows it matched just so
            m = rest.search(text, start + 1)
        return None

    def finditer(self, text: str) -> list[re.Match[str]]:
        """``list(rx.finditer(text))``: the matches left to right, none overlapping."""
        if self.rest is None:
            return list(self.rx.finditer(text))
        out = []
        m = self.search(text)
        while m is not None:
            out.append(m)
            m = self.search(text, m.end())  # (never empty: the next one starts further on)
        return out


def word_start(rx: re.Pattern[str]) -> WordStart | re.Pattern[str]:
    """``rx`` as a :class:`WordStart` when the shortcut suits it, else ``rx`` itself (no
    wrapper to go through): either way ``search`` and ``finditer`` answer as ``rx``'s do."""
    rest = _rest(rx)
    return rx if rest is None else WordStart(rx, rest)


__all__ = ["WordStart", "top_level_alternatives", "word_start"]
