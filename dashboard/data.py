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

from events.store import StoreError, default_store, display_location, open_store

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
        what = (f"the event store '{display_location(store)}'" if store
                else "the bundled sample events")
        raise EventsUnavailable(f"Cannot show {what}: {exc}") from None
    except OSError as exc:
        raise EventsUnavailable(
            f"Cannot read the event store '{display_location(store)}': {exc}") from None
    refused = list(getattr(opened, "load_errors", []) or [])
    if refused:
        messages.append(
            f"{len(refused)} record(s) of {opened.location} are not valid events and are "
            "not shown: " + "; ".join(str(e) for e in refused[:MAX_LISTED])
            + (f"; and {len(refused) - MAX_LISTED} more" if len(refused) > MAX_LISTED else "")
        )
    if frame.empty:
        messages.append(f"{opened.location} holds no events yet.")
    frame, notes = with_corrections(opened, frame)
    messages.extend(notes)
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


def article_texts(articles_dir: str | None) -> dict[str, str]:
    """Text of each readable article of ``articles_dir`` by id (empty without a folder).

    The evidence card shows the evidence sentence inside its paragraph; the
    page caches this once per folder and change.
    """
    if not articles_dir:
        return {}
    from events.corpus import read_corpus

    articles, _ = read_corpus(articles_dir)
    return {a.id: a.text for a in articles}


def paragraph_around(text: str, start: Any, end: Any) -> tuple[str, str, str] | None:
    """The paragraph holding ``text[start:end]``, cut as (before, evidence, after).

    Paragraphs are separated by blank lines (or, in one-line-per-paragraph
    texts, by line breaks). ``None`` when the offsets do not fit the text.
    """
    try:
        s, e = int(start), int(end)
    except (TypeError, ValueError):
        return None
    if not 0 <= s < e <= len(text):
        return None
    blank = text.rfind("\n\n", 0, s)
    first = blank + 2 if blank >= 0 else 0
    stop = text.find("\n\n", e)
    last = stop if stop >= 0 else len(text)
    if last - first > 3000:  # no blank lines: fall back to the line
        line = text.rfind("\n", 0, s)
        first = line + 1 if line >= 0 else 0
        stop = text.find("\n", e)
        last = stop if stop >= 0 else len(text)
    return text[first:s].lstrip("\n"), text[s:e], text[e:last].rstrip("\n")


# -- review and new articles: the writes the page makes ----------------------------------


def with_corrections(store: Any, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The reviewers' corrections of ``store`` applied to ``frame`` (flags always added).

    Adds ``corrected``, ``wrong`` and ``merged_into`` (``events.corrections``).
    A correction log that cannot be read leaves the extracted events as they
    are and says so: the events are still worth showing.
    """
    from events.corrections import apply_corrections, corrections_of
    from events.store import StoreError

    try:
        log = corrections_of(store).read()
    except StoreError as exc:
        return apply_corrections(frame, []), [f"Corrections not applied: {exc}"]
    except OSError as exc:
        return apply_corrections(frame, []), [f"Corrections could not be read: {exc}"]
    return apply_corrections(frame, log), []


def corrections_path(store: str | None) -> str | None:
    """The file a store's corrections change (the sidecar of a GeoJSON store), for cache stamps."""
    if not store or "://" in store:
        return None
    from events.corrections import SIDECAR_SUFFIX

    path = Path(store)
    return str(path.with_name(path.name + SIDECAR_SUFFIX)) if path.suffix.lower() in (
        ".geojson", ".json") else None


def why_read_only(store: str | None) -> str | None:
    """Why the page may not write to ``store`` (None: it may).

    The bundled sample ships with the application and is never changed; a
    database store is written by the pipeline's own tools; a file store must
    be writable, as must its folder (writes swap in a new file whole).
    """
    if store is None:
        return ("The bundled sample events are read-only. To review or add events, start the "
                "page on a store of your own: `streamlit run streamlit_app.py -- --store "
                "my_events.gpkg`.")
    if "://" in store:
        return "This page writes to GeoPackage and GeoJSON stores only, not to a database."
    path = Path(store)
    if path.suffix.lower() not in (".gpkg", ".geojson", ".json"):
        return f"{store}: not a GeoPackage or GeoJSON store."
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        return f"{store} (or its folder) is read-only, so it cannot be changed from here."
    return None


def save_corrections(store: str, corrections: Any) -> int:
    """Store corrections beside the events of ``store``; raises ``StoreError`` when refused."""
    from events.corrections import corrections_of
    from events.store import open_store

    return corrections_of(open_store(store)).add(list(corrections))


def add_events(store: str, events: Any) -> Any:
    """Append events to ``store`` (ids already there are skipped); an ``AppendResult``."""
    from events.store import open_store

    return open_store(store).append(list(events))


def article_from_upload(name: str, raw: bytes, *, published: dt.date | None, outlet: str,
                        title: str = "", url: str = "") -> tuple[Any, list[str]]:
    """An uploaded (or pasted) article as the pipeline reads it, plus notes for the user.

    Goes through the same reader as a corpus folder (``events.corpus``), so
    the same limits hold: at most ``MAX_FILE_BYTES``, not empty, not binary,
    UTF-8; HTML is reduced to its main text, its scripts dropped unread.
    Raises ``ArticleReadError`` with the reason.
    """
    import hashlib
    import re
    import tempfile

    from events.corpus import ARTICLE_SUFFIXES, MAX_FILE_BYTES, ArticleReadError, load_article

    suffix = Path(name).suffix.lower()
    if suffix not in ARTICLE_SUFFIXES:
        raise ArticleReadError(f"{name}: only .txt and .html articles can be read")
    if len(raw) > MAX_FILE_BYTES:
        raise ArticleReadError(f"{name}: too large ({len(raw) / 1e6:.1f} MB; the limit is "
                               f"{MAX_FILE_BYTES / 1e6:.0f} MB)")
    if not outlet.strip():
        raise ArticleReadError("give the outlet that published the article")
    if published is None:
        raise ArticleReadError("give the publication date: relative dates are read from it")
    notes = []
    if suffix != ".txt" and re.search(rb"<\s*script", raw, re.IGNORECASE):
        notes.append(f"{name} holds scripts; they were left out and not run.")
    article_id = "upload-" + hashlib.sha1(raw).hexdigest()[:12]
    with tempfile.TemporaryDirectory(prefix="kcm-upload-") as folder:
        path = Path(folder) / f"article{suffix}"
        path.write_bytes(raw)
        try:
            article = load_article(path, article_id=article_id, title=title.strip(),
                                   published=published, outlet=outlet.strip(),
                                   url=url.strip())
        except ArticleReadError as exc:
            raise ArticleReadError(f"{name}: {exc}") from None
    return dataclasses.replace(article, path=name), notes
