"""What the page shows, loaded from disk: the events, their evidence, the map layers.

Plain functions, no Streamlit, so the page caches them and tests call them
directly. A store that cannot be used at all raises :class:`EventsUnavailable`
with a message meant for the user (the page shows it instead of a traceback);
anything less (refused records, unreadable articles, a missing basemap) comes
back as messages and the rest is shown.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from events.store import StoreError, default_store, open_store

#: Environment variable naming the store when ``--store`` is not given.
STORE_ENV = "KCM_STORE"
#: Environment variable naming the articles folder when ``--articles`` is not given.
ARTICLES_ENV = "KCM_ARTICLES"
#: At most this many refused records are listed one by one; the rest are counted.
MAX_LISTED = 5


class EventsUnavailable(Exception):
    """The events cannot be shown at all; the message says why and what to do."""


def choose_store(arg: str | None, environ: Mapping[str, str] = os.environ) -> str | None:
    """The store location: ``--store`` first, then ``KCM_STORE``, else None (the sample)."""
    for value in (arg, environ.get(STORE_ENV)):
        if value and value.strip():
            return value.strip()
    return None


def source_stamp(*locations: str | None) -> tuple[tuple[int, int], ...]:
    """Size and modification time of each file, so a cache sees a store that changed."""
    stamps = []
    for loc in locations:
        try:
            stat = Path(loc).stat() if loc and "://" not in loc else None
        except OSError:
            stat = None
        stamps.append((stat.st_size, stat.st_mtime_ns) if stat else (-1, -1))
    return tuple(stamps)


def load_events(store: str | None, articles_dir: str | None) -> tuple[pd.DataFrame, list[str]]:
    """All events of ``store`` (the bundled sample when None) as an ``events.table`` frame.

    When ``articles_dir`` is given, ``evidence`` is filled from the article
    texts at the stored offsets. Returns the frame and messages about what was
    left out. Raises :class:`EventsUnavailable` when the store is missing,
    empty, corrupt or written by a newer release; the store is opened
    read-only, so it is never changed.
    """
    messages: list[str] = []
    try:
        opened = open_store(store, read_only=True) if store else default_store()
        frame = opened.read_frame()
    except StoreError as exc:
        what = f"the event store {store!r}" if store else "the bundled sample events"
        raise EventsUnavailable(f"Cannot show {what}: {exc}") from None
    except OSError as exc:
        raise EventsUnavailable(f"Cannot read the event store {store!r}: {exc}") from None
    refused = list(getattr(opened, "load_errors", []) or [])
    if refused:
        messages.append(
            f"{len(refused)} record(s) of {opened.location} are not valid events and are "
            "not shown: " + "; ".join(str(e) for e in refused[:MAX_LISTED])
            + (f"; and {len(refused) - MAX_LISTED} more" if len(refused) > MAX_LISTED else "")
        )
    if frame.empty:
        messages.append(f"{opened.location} holds no events yet.")
    if articles_dir:
        frame, notes = add_evidence(frame, articles_dir)
        messages.extend(notes)
    return frame, messages


def add_evidence(frame: pd.DataFrame, articles_dir: str) -> tuple[pd.DataFrame, list[str]]:
    """Fill ``evidence`` from the articles of ``articles_dir``; report what could not be read."""
    from events.corpus import fill_evidence, read_corpus

    articles, errors = read_corpus(articles_dir)
    notes = [f"Article not read: {e}" for e in errors[:MAX_LISTED]]
    if len(errors) > MAX_LISTED:
        notes.append(f"... and {len(errors) - MAX_LISTED} more articles not read")
    if not articles:
        return frame, notes
    filled = fill_evidence(frame, {a.id: a for a in articles})
    missing = sorted(set(frame["article_id"]) - {a.id for a in articles}) if len(frame) else []
    if missing:
        shown = ", ".join(missing[:MAX_LISTED]) + (" ..." if len(missing) > MAX_LISTED else "")
        notes.append(
            f"{len(missing)} article(s) the events cite are not in {articles_dir}: {shown}"
        )
    return filled, notes


def date_bounds(frame: pd.DataFrame) -> tuple[dt.date, dt.date] | None:
    """First and last day the dated events cover, or None when no event has a date."""
    starts, ends = frame["date_start"].dropna(), frame["date_end"].dropna()
    if starts.empty or ends.empty:
        return None
    return starts.min().date(), ends.max().date()


def load_geodata() -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """Basemap frames and boundary layers from ``geodata``; whatever fails is reported.

    The map is still useful without them (the events carry coordinates), so a
    missing or broken data file becomes a message, not an error page.
    """
    messages: list[str] = []
    basemap: dict[str, Any] = {}
    layers: dict[str, Any] = {}
    try:
        from geodata.layers import load_basemap, load_layers
    except ImportError as exc:
        return basemap, layers, [f"Boundary layers are not available: {exc}"]
    try:
        basemap = dict(load_basemap())
    except (ImportError, OSError, ValueError, KeyError) as exc:
        messages.append(f"The offline basemap could not be loaded: {exc}")
    try:
        layers, notes = load_layers()
        messages.extend(notes)
    except (ImportError, OSError, ValueError, KeyError) as exc:
        messages.append(f"The boundary layers could not be loaded: {exc}")
    return basemap, dict(layers), messages


#: Layers drawn whatever the day, as the outline readers know the region by: the
#: former autonomous oblast is what "Nagorno-Karabakh" names on most maps.
REFERENCE_LAYERS: tuple[str, ...] = ("nkao",)


def boundaries_on(day: dt.date, layers: Mapping[str, Any]) -> list[Any]:
    """The boundary layers valid on ``day``, plus the reference outlines (bottom -> top).

    A reference layer not valid on ``day`` is drawn all the same, titled as a
    reference, just above the countries and districts.
    """
    if not layers:
        return []
    from geodata.layers import layers_valid_on

    chosen = list(layers_valid_on(day, layers))
    names = {layer.name for layer in chosen}
    base = sum(1 for layer in chosen if layer.kind in ("country", "district"))
    for name in REFERENCE_LAYERS:
        ref = layers.get(name)
        if ref is None or name in names:
            continue
        chosen.insert(base, dataclasses.replace(ref, title=f"{ref.title}, for reference"))
        base += 1
    return chosen
