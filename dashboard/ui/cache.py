"""Results of the page's pure functions, kept across reruns and sessions, keyed by the view.

A rerun at 100,000 events used to recompute everything the page shows (the
filtered events, facet counts, timeline, incidents, map) although one filter
change touches only some of it, and repeated runs (the address mirror, a
table click) change nothing at all. Each result is kept under a key naming
what it depends on: the store's stamp (size and time of its files, so an
edited store is read again) and the part of the view it reads. Keys are text
or tuples of plain values, cheap to hash, where hashing the frame itself
would cost as much as the work.

Results are shared read-only between sessions (``st.cache_resource``, no
copy on each read, which would cost as much as the work at this size): code
that receives one must not change it in place. Whole frames and small
results live in separate caches, so the few frames kept bound the memory at
a million events while many small results stay.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import streamlit as st

T = TypeVar("T")

#: Filtered frames kept (each may hold up to the whole store).
FRAME_ENTRIES = 4
#: Small results kept: counts, charts, tables of a page of rows, map payloads.
SMALL_ENTRIES = 256


@st.cache_resource(max_entries=FRAME_ENTRIES, show_spinner=False)
def _frames(name: str, key: Hashable, _make: Callable[[], Any]) -> Any:
    return _make()


@st.cache_resource(max_entries=SMALL_ENTRIES, show_spinner=False)
def _small(name: str, key: Hashable, _make: Callable[[], Any]) -> Any:
    return _make()


def frame_result(name: str, key: Hashable, make: Callable[[], T]) -> T:
    """``make()`` (a frame as large as the store), kept under ``(name, key)``."""
    return _frames(name, key, make)


def result(name: str, key: Hashable, make: Callable[[], T]) -> T:
    """``make()`` (a small result), kept under ``(name, key)``."""
    return _small(name, key, make)


def clear() -> None:
    """Forget every kept result (tests; a store written from the page changes its stamp)."""
    _frames.clear()
    _small.clear()


__all__ = ["FRAME_ENTRIES", "SMALL_ENTRIES", "clear", "frame_result", "result"]
