"""Briefing exports of one view: a figure (PNG, PDF), the map as one HTML file, and data.

The page's export button, the command line (``python -m dashboard export``) and
scripts all call :func:`export` with the same event table and the same
:class:`~dashboard.view.View`, so a view gives the same file whichever way
it was asked for. Every function applies the view's filters itself (filtering
an already filtered table again changes nothing), writes to a temporary file
beside the target and swaps it in whole: a failed export never leaves a
half-written file or damages the one already there.

Formats:

=============  ==========================================================
``png``        briefing figure (:mod:`dashboard.snapshot`), preset and DPI
``pdf``        the same figure as a vector page, then pages listing the events
``html``       the interactive map, every script, style and event inlined
``geojson``    events as the project's GeoJSON (``events.schema``)
``csv``        events in the table form (``events.table`` columns)
``gpkg``       a GeoPackage event store (opens in QGIS and as a store here)
``acled-csv``  ACLED's column names, for tools that load ACLED exports
=============  ==========================================================
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import inspect
import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dashboard import snapshot
from dashboard.query import apply_view, ensure_regions
from dashboard.view import View, check_view, view_code
from events.files import atomic_path
from events.schema import (
    SIDE_LABELS,
    TYPE_LABELS,
    Event,
    RecordError,
    date_span,
    event_to_record,
    feature_collection,
)
from events.table import COLUMNS, frame_to_events, spreadsheet_safe

__all__ = [
    "ACLED_COLUMNS",
    "ACLED_TYPES",
    "FORMATS",
    "ExportError",
    "ExportResult",
    "FILE_SUFFIXES",
    "MEDIA_TYPES",
    "OutputPathError",
    "UnknownFormatError",
    "acled_frame",
    "as_view",
    "check_output",
    "export",
    "export_acled_csv",
    "export_bytes",
    "export_csv",
    "export_geojson",
    "export_gpkg",
    "export_html",
    "export_pdf",
    "export_png",
    "format_for_path",
    "format_options",
    "suggested_filename",
]


# -- errors and results ----------------------------------------------------------------


class ExportError(Exception):
    """An export that cannot be made as asked; the message is meant for the user."""


class UnknownFormatError(ExportError, ValueError):
    """A format name (or file suffix) that no exporter handles."""


class OutputPathError(ExportError, OSError):
    """The output path cannot be written (missing folder we cannot create, no permission…)."""


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: where, in which format, how many events, and what was refused.

    ``problems`` lists rows of the table that are not valid events (named by
    row and field): they are left out of the data files and reported, never
    silently dropped.
    """

    path: Path
    format: str
    count: int
    problems: tuple[str, ...] = ()


# -- output files -------------------------------------------------------------------------


def check_output(path: str | os.PathLike[str]) -> Path:
    """The output path, after checking it can be written; raises :class:`OutputPathError`.

    A missing folder is created (scheduled briefs write into dated folders);
    an existing directory, a folder we cannot create or write into is refused
    before any work is done.
    """
    try:
        target = Path(path).expanduser()
    except TypeError:
        raise OutputPathError(f"bad output path {path!r}") from None
    if str(target) in ("", "."):
        raise OutputPathError("no output file given")
    if target.is_dir():
        raise OutputPathError(f"cannot write {target}: it is a directory")
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputPathError(
            f"cannot write {target}: cannot create folder {parent} ({exc.strerror or exc})"
        ) from None
    # Try it: permission bits do not tell (root, read-only mounts, full disks, /proc).
    try:
        with tempfile.TemporaryFile(dir=parent, prefix=f".{target.name}.probe"):
            pass
    except OSError as exc:
        raise OutputPathError(
            f"cannot write {target}: cannot create files in {parent} ({exc.strerror or exc})"
        ) from None
    if target.exists() and not os.access(target, os.W_OK):
        raise OutputPathError(f"cannot write {target}: the file is read-only")
    return target


@contextlib.contextmanager
def _atomic_output(path: Path) -> Iterator[Path]:
    """:func:`events.files.atomic_path`, its disk errors told as :class:`OutputPathError`."""
    try:
        with atomic_path(path) as tmp:
            yield tmp
    except OSError as exc:
        if isinstance(exc, ExportError):
            raise
        raise OutputPathError(f"cannot write {path}: {exc.strerror or exc}") from None


def _write_bytes(path: Path, data: bytes) -> None:
    with _atomic_output(path) as tmp:
        tmp.write_bytes(data)


def _write_text(path: Path, text: str) -> None:
    _write_bytes(path, text.encode("utf-8"))


# -- selection ----------------------------------------------------------------------------


def as_view(view: View | None) -> View:
    """``view`` checked as the page checks its address (``None``: every event).

    Raises :class:`ExportError` naming the values no view may hold.
    """
    if view is None:
        return View()
    try:
        return check_view(view)
    except (TypeError, ValueError) as exc:
        raise ExportError(f"bad view: {exc}") from None


def _selected(frame: pd.DataFrame, view: View) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise ExportError(f"expected an events table (DataFrame), got {type(frame).__name__}")
    missing = [c for c in ("event_id", "event_type", "reporting_side", "lon", "lat",
                           "date_start", "date_end") if c not in frame.columns]
    if missing:
        raise ExportError(
            f"the event table lacks column(s) {', '.join(missing)}; build it with "
            "events.table.events_to_frame or read it from a store"
        )
    if view.regions:
        frame = ensure_regions(frame)
    return apply_view(frame, view)


def _valid_events(frame: pd.DataFrame, view: View) -> tuple[list[Event], tuple[str, ...]]:
    events, errors = frame_to_events(_selected(frame, view), source="selected events")
    return events, tuple(str(e) for e in errors)


def _problems(errors: list[RecordError]) -> tuple[str, ...]:
    return tuple(str(e) for e in errors)


# -- figures -----------------------------------------------------------------------------


def _png_metadata(view: View, title: str, count: int) -> dict[str, str]:
    return {
        "Title": snapshot.clean_text(title, 300) or snapshot.DEFAULT_TITLE,
        "Description": f"{count} events; view: {view_code(view) or 'all events'}",
        "Software": "Karabakh Conflict Map",
    }


def export_png(
    frame: pd.DataFrame,
    view: View,
    path: str | os.PathLike[str],
    *,
    title: str = "",
    preset: str = "slide",
    dpi: float = 150,
    geography: snapshot.Geography | None = None,
    generated_at: dt.datetime | None = None,
    link_base: str = "",
    max_labels: int = snapshot.MAX_LABELS,
) -> ExportResult:
    """The briefing figure as a PNG of exactly ``snapshot.pixel_size(preset, dpi)`` pixels."""
    page = _check_figure_options(preset, dpi)
    view = as_view(view)
    target = check_output(path)
    fig = snapshot.render_snapshot(
        frame, view, title=title, preset=page.name, dpi=dpi, raster=True, geography=geography,
        generated_at=generated_at, link_base=link_base, max_labels=max_labels,
    )
    count = len(_selected(frame, view))
    buffer = io.BytesIO()
    snapshot.save_png(fig, buffer, dpi=dpi, metadata=_png_metadata(view, title, count))
    _write_bytes(target, buffer.getvalue())
    return ExportResult(target, "png", count)


def export_pdf(
    frame: pd.DataFrame,
    view: View,
    path: str | os.PathLike[str],
    *,
    title: str = "",
    preset: str = "a4-landscape",
    dpi: float = 150,
    event_list: bool = True,
    max_listed: int = snapshot.MAX_LISTED,
    geography: snapshot.Geography | None = None,
    generated_at: dt.datetime | None = None,
    link_base: str = "",
    max_labels: int = snapshot.MAX_LABELS,
) -> ExportResult:
    """The briefing figure as a vector PDF page, then (``event_list``) pages listing the events.

    ``dpi`` only sets the resolution of the parts drawn as pixels (the events
    when there are many). Every page has the preset's paper size.
    """
    page = _check_figure_options(preset, dpi)
    view = as_view(view)
    target = check_output(path)
    shown = _selected(frame, view)
    fig = snapshot.render_snapshot(
        frame, view, title=title, preset=page.name, dpi=dpi, raster=False, geography=geography,
        generated_at=generated_at, link_base=link_base, max_labels=max_labels,
    )
    pages = [fig]
    if event_list:
        pages += snapshot.render_event_pages(shown, view, title=title, preset=page.name,
                                             max_listed=max_listed)
    buffer = io.BytesIO()
    snapshot.save_pdf(pages, buffer, dpi=dpi, title=title,
                      subject=view_code(view) or "all events")
    _write_bytes(target, buffer.getvalue())
    return ExportResult(target, "pdf", len(shown))


def _check_figure_options(preset: str, dpi: float) -> snapshot.Page:
    try:
        page = snapshot.get_page(preset)
        snapshot.check_dpi(dpi)
    except ValueError as exc:
        raise ExportError(str(exc)) from None
    return page


# -- standalone map ------------------------------------------------------------------------


def export_html(
    frame: pd.DataFrame,
    view: View,
    path: str | os.PathLike[str],
    *,
    title: str = "",
    geography: snapshot.Geography | None = None,
) -> ExportResult:
    """The page's map as one HTML file: Leaflet, styles, basemap and events all inline.

    Opens from a USB stick or an e-mail attachment with no network. No online
    tile layer is offered, so the file never reaches out. The title is
    escaped: it may hold text from articles.
    """
    from dashboard import assets
    from dashboard.map import build_map

    view = as_view(view)
    target = check_output(path)
    shown = _selected(frame, view)
    geography = geography if geography is not None else snapshot.load_geography()
    day = snapshot.boundary_day(view, shown, dt.datetime.now(dt.UTC).date())
    boundaries = snapshot.valid_layers(geography, day)
    m = build_map(shown, basemap=geography.basemap, boundaries=boundaries, online_tiles=False,
                  inline_assets=True, fit_to_events=False)
    west, south, east, north = snapshot.frame_extent(view, shown)  # the figure's frame
    m.fit_bounds([[south, west], [north, east]])
    title = snapshot.clean_text(title, 300) or snapshot.DEFAULT_TITLE
    subtitle = snapshot.describe_filters(view, shown)
    root = m.get_root()
    root.title = html.escape(title)
    root.header.add_child(_html_element(_HEADER_STYLE), name="kcm_export_style")
    root.html.add_child(_html_element(
        '<div class="kcm-export-header">'
        f'<div class="kcm-export-title">{html.escape(title)}</div>'
        f'<div class="kcm-export-subtitle">{html.escape(subtitle)}</div>'
        f'<div class="kcm-export-view">View: {html.escape(view_code(view) or "all events")}'
        f" &middot; boundaries as of {day.isoformat()}"
        f" &middot; generated {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}"
        f" &middot; {html.escape(geography.credits)}</div></div>"
    ), name="kcm_export_header", index=0)
    page = assets.standalone_html(m)
    _write_text(target, page)
    return ExportResult(target, "html", len(shown))


# The header sits above the map (a flex column), so it hides none of the map's controls.
_HEADER_STYLE = (
    "<style>html,body{height:100%;margin:0}"
    "body{display:flex;flex-direction:column}"
    ".kcm-export-header{flex:0 0 auto;background:#fff;padding:4px 10px;"
    "font:13px/1.35 sans-serif;border-bottom:1px solid #bbb}"
    ".kcm-export-title{font-weight:bold;font-size:16px}"
    ".kcm-export-subtitle{color:#333}.kcm-export-view{color:#666;font-size:11px}"
    ".folium-map{flex:1 1 auto;height:auto !important;min-height:0}</style>"
)


def _html_element(text: str):
    from branca.element import Element

    return Element(text)


# -- data ---------------------------------------------------------------------------------


def export_geojson(frame: pd.DataFrame, view: View, path: str | os.PathLike[str]
                   ) -> ExportResult:
    """The selected events as the project's GeoJSON FeatureCollection (RFC 7946)."""
    view = as_view(view)
    target = check_output(path)
    events, problems = _valid_events(frame, view)
    # One feature per line: readable and diff-friendly, and json's fast C encoder does the
    # work (``indent`` falls back to the pure-Python one, 5x slower at 100,000 events).
    features = feature_collection(events)["features"]
    text = ('{"type": "FeatureCollection", "features": [\n'
            + ",\n".join(json.dumps(f, ensure_ascii=False) for f in features)
            + "\n]}\n")
    _write_text(target, text)
    return ExportResult(target, "geojson", len(events), problems)


def _records_frame(events: list[Event]) -> pd.DataFrame:
    rows = []
    for ev in events:
        row = event_to_record(ev)
        row["reported_by"] = ",".join(ev.reported_by)
        row["date_start"] = row["date_end"] = None
        if ev.event_date is not None:
            start, end = date_span(ev.event_date, ev.date_precision)
            row["date_start"], row["date_end"] = start.isoformat(), end.isoformat()
        rows.append(row)
    return pd.DataFrame(rows, columns=list(COLUMNS))


def export_csv(frame: pd.DataFrame, view: View, path: str | os.PathLike[str]
               ) -> ExportResult:
    """The selected events in the table form: one column per field, dates as ISO text.

    UTF-8 with a header row; ``reported_by`` is comma-joined as in the table;
    ``date_start``/``date_end`` give the span a coarse date stands for. Read it
    back with ``events.table.frame_to_events(pd.read_csv(path, dtype=str,
    keep_default_na=False))``.
    """
    view = as_view(view)
    target = check_output(path)
    events, problems = _valid_events(frame, view)
    text = spreadsheet_safe(_records_frame(events)).to_csv(index=False, lineterminator="\n")
    _write_text(target, text)
    return ExportResult(target, "csv", len(events), problems)


def export_gpkg(frame: pd.DataFrame, view: View, path: str | os.PathLike[str]
                ) -> ExportResult:
    """The selected events as a new GeoPackage event store (replacing any file at ``path``).

    Written by :class:`events.store.GeoPackageStore`, so the file opens in QGIS
    and as a store of this application (``--store PATH``). It is built in a
    private folder beside the target and moved in whole.
    """
    from events.store import GeoPackageStore, StoreError

    view = as_view(view)
    target = check_output(path)
    events, problems = _valid_events(frame, view)
    try:
        work = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    except OSError as exc:
        raise OutputPathError(f"cannot write {target}: {exc.strerror or exc}") from None
    try:
        tmp = work / "events.gpkg"
        store = GeoPackageStore(tmp, create=True)
        result = store.append(events)
        problems += _problems(result.errors)
        os.replace(tmp, target)
    except StoreError as exc:
        raise ExportError(f"cannot write {target}: {exc}") from None
    except OSError as exc:
        raise OutputPathError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return ExportResult(target, "gpkg", result.added, problems)


# -- ACLED-style CSV --------------------------------------------------------------------

#: Columns in ACLED's order; the issue's thirteen plus ``event_id_cnty``, ``year`` and
#: ``tags``, which ACLED exports also carry and which keep our id and qualifiers.
ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
    "actor1", "admin1", "location", "latitude", "longitude", "geo_precision", "source",
    "notes", "fatalities", "tags",
)

#: Our event type as ACLED's (event_type, sub_event_type). ACLED codes what happened,
#: we code what was claimed; where our type is broader than one ACLED sub-type the
#: most common one in this conflict's reporting is used and the original kept in ``tags``.
ACLED_TYPES: dict[str, tuple[str, str]] = {
    # Artillery, rockets, missiles, drones and air strikes: remote violence.
    "shelling": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    # Exchanges of fire and skirmishes along the border or line of contact.
    "border_incident": ("Battles", "Armed clash"),
    # Ground assaults; captures are ACLED's "...territory" sub-types, which need
    # to know who took what, so the generic clash is used.
    "offensive": ("Battles", "Armed clash"),
    # ACLED has no displacement type; it records such developments as "Other".
    "displacement": ("Strategic developments", "Other"),
    # Casualty reports not tied to one strike: ACLED folds them into the fighting
    # they come from; the generic clash is the closest.
    "casualties": ("Battles", "Armed clash"),
    # A truce agreed or taking effect.
    "ceasefire": ("Strategic developments", "Agreement"),
    # Talks, calls and statements that do not settle anything.
    "diplomacy": ("Strategic developments", "Other"),
    "protest": ("Protests", "Peaceful protest"),
}

#: ACLED geo_precision: 1 the named place, 2 near it or a part of a region, 3 only the
#: region (province) is known. A country-level event has no finer code than 3.
ACLED_GEO_PRECISION: dict[str, int] = {"settlement": 1, "district": 2, "region": 3,
                                       "country": 3}
#: ACLED time_precision: 1 the day, 2 the week (or a few days), 3 only the month is known.
#: A year-only date has no code of its own and is given the coarsest, 3.
ACLED_TIME_PRECISION: dict[str, int] = {"day": 1, "week": 2, "month": 3, "year": 3}


def acled_frame(
    events_frame: pd.DataFrame,
    *,
    classify: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
) -> pd.DataFrame:
    """ACLED's columns for an events table. How each is filled, and why:

    * ``event_id_cnty``: our ``event_id``; ``event_date``: the first day of the
      event (ISO), ``time_precision`` saying how coarse it is; ``year`` its year.
    * ``event_type``/``sub_event_type``: :data:`ACLED_TYPES`.
    * ``actor1``: ACLED's actor1 is who *did* it. Our record says who *claimed*
      it (one side often claims the other shelled it), so putting the claimant
      there would blame the wrong party; it is left empty rather than guessed.
    * ``source``: ACLED's reporting source, which is our claimant, followed by
      the outlet that carried the claim when that is someone else.
    * ``admin1``: the region the point falls in (``region`` if the event has
      one, else ``geodata.layers.classify_regions``).
    * ``location``: the canonical place name, else the place as written.
    * ``geo_precision``/``time_precision``: ACLED's 1/2/3 codes (see the constants).
    * ``notes``: our analyst notes, prefixed with whose claim it is.
    * ``fatalities``: ACLED writes 0 when no figure is reported; so do we, and
      ``tags`` says ``fatalities not reported`` so zero and unknown stay apart.
    * ``tags``: what ACLED has no column for: our type, side, precisions, confidence.
    """
    f = events_frame
    n = len(f)
    lon = f["lon"].to_numpy(dtype=float)
    lat = f["lat"].to_numpy(dtype=float)
    region = f["region"].astype(str).where(f["region"].notna(), "") if n else f["region"]
    needs = (region.str.strip() == "").to_numpy() & np.isfinite(lon) & np.isfinite(lat)
    if needs.any():
        if classify is None:
            from geodata.layers import classify_regions as classify
        found = np.asarray(classify(lon[needs], lat[needs]), dtype=object)
        region = region.copy()
        region.iloc[np.flatnonzero(needs)] = found
    types = f["event_type"].map(lambda t: ACLED_TYPES.get(t, ("Strategic developments",
                                                               "Other")))
    claimant = f["claimant"].fillna("").astype(str)
    outlet = f["outlet"].fillna("").astype(str)
    source = [c if not o or o == c else (f"{c}; {o}" if c else o)
              for c, o in zip(claimant, outlet, strict=True)]
    side_label = f["reporting_side"].map(SIDE_LABELS).fillna(f["reporting_side"])
    notes = [
        f"Claim by {c or 'an unnamed source'} ({s}). {t}".strip()
        for c, s, t in zip(claimant, side_label, f["notes"].fillna("").astype(str), strict=True)
    ]
    fatalities = f["fatalities"]
    tags = [
        "; ".join(part for part in (
            f"type={TYPE_LABELS.get(t, t)}", f"reporting side={s}",
            f"date precision={dp}" if isinstance(dp, str) else "date unknown",
            f"place precision={gp}" if isinstance(gp, str) else "",
            "fatalities not reported" if pd.isna(k) else "",
            f"confidence={float(cf):.2f}" if pd.notna(cf) else "",
        ) if part)
        for t, s, dp, gp, k, cf in zip(f["event_type"], side_label, f["date_precision"],
                                       f["geo_precision"], fatalities, f["confidence"],
                                       strict=True)
    ]
    dates = f["event_date"]
    out = pd.DataFrame({
        "event_id_cnty": f["event_id"].astype(str),
        "event_date": dates.dt.strftime("%Y-%m-%d").fillna(""),
        "year": dates.dt.year.astype("Int64"),
        "time_precision": f["date_precision"].map(ACLED_TIME_PRECISION).astype("Int64"),
        "event_type": [t[0] for t in types],
        "sub_event_type": [t[1] for t in types],
        "actor1": "",
        "admin1": region.to_numpy(dtype=object) if n else [],
        "location": f["place"].where(f["place"].astype(str).str.strip() != "",
                                     f["location_name"]).astype(str),
        "latitude": f["lat"].round(5),
        "longitude": f["lon"].round(5),
        "geo_precision": f["geo_precision"].map(ACLED_GEO_PRECISION).astype("Int64"),
        "source": source,
        "notes": notes,
        "fatalities": fatalities.fillna(0).astype("int64"),
        "tags": tags,
    }, columns=list(ACLED_COLUMNS))
    return out.reset_index(drop=True)


def export_acled_csv(
    frame: pd.DataFrame,
    view: View,
    path: str | os.PathLike[str],
    *,
    classify: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
) -> ExportResult:
    """The selected events with ACLED's column names (see :func:`acled_frame` for the mapping)."""
    view = as_view(view)
    target = check_output(path)
    shown = _selected(frame, view)
    events, errors = frame_to_events(shown, source="selected events")
    refused = {e.index for e in errors}
    valid = shown.iloc[[i for i in range(len(shown)) if i not in refused]]
    text = spreadsheet_safe(acled_frame(valid, classify=classify)).to_csv(
        index=False, lineterminator="\n")
    _write_text(target, text)
    return ExportResult(target, "acled-csv", len(events), _problems(errors))


# -- one entry point -----------------------------------------------------------------------

FORMATS: dict[str, Callable[..., ExportResult]] = {
    "png": export_png,
    "pdf": export_pdf,
    "html": export_html,
    "geojson": export_geojson,
    "csv": export_csv,
    "gpkg": export_gpkg,
    "acled-csv": export_acled_csv,
}
#: Media type of each format (for a download button).
MEDIA_TYPES: dict[str, str] = {
    "png": "image/png", "pdf": "application/pdf", "html": "text/html",
    "geojson": "application/geo+json", "csv": "text/csv", "gpkg": "application/geopackage+sqlite3",
    "acled-csv": "text/csv",
}
#: File suffix of each format.
FILE_SUFFIXES: dict[str, str] = {
    "png": ".png", "pdf": ".pdf", "html": ".html", "geojson": ".geojson", "csv": ".csv",
    "gpkg": ".gpkg", "acled-csv": ".acled.csv",
}
_SUFFIXES = {".png": "png", ".pdf": "pdf", ".html": "html", ".htm": "html",
             ".geojson": "geojson", ".json": "geojson", ".csv": "csv", ".gpkg": "gpkg"}


def format_for_path(path: str | os.PathLike[str]) -> str:
    """The format a file name asks for (``brief.png`` → ``png``); ACLED CSV must be named."""
    suffix = Path(path).suffix.lower()
    if suffix not in _SUFFIXES:
        raise UnknownFormatError(
            f"cannot tell the format of {os.fspath(path)!r} from its suffix; "
            f"choose one of {', '.join(FORMATS)}"
        )
    return _SUFFIXES[suffix]


def suggested_filename(view: View, fmt: str, *, today: dt.date | None = None) -> str:
    """A file name that says what the export holds: ``kcm_2020-10-01_2020-10-31_shelling.png``."""
    key = _exporter(fmt).__name__.removeprefix("export_").replace("_", "-")
    f = as_view(view)
    parts = ["kcm"]
    if f.start or f.end:
        parts.append(f"{f.start or 'start'}_{f.end or 'end'}")
    parts += list(f.sides[:2]) + list(f.types[:2])
    if not f.start and not f.end:
        parts.append(f"as-of-{(today or dt.date.today()).isoformat()}")
    return "_".join(str(p) for p in parts) + FILE_SUFFIXES[key]


def export_bytes(frame: pd.DataFrame, view: View, fmt: str, **opts: Any
                 ) -> tuple[bytes, ExportResult]:
    """The export as bytes (for the page's download button), plus what was written.

    Goes through a private temporary folder so every format, the GeoPackage
    included, is made exactly as :func:`export` makes it.
    """
    key = _exporter(fmt).__name__.removeprefix("export_").replace("_", "-")
    with tempfile.TemporaryDirectory(prefix="kcm-export-") as folder:
        result = export(frame, view, key, Path(folder) / f"export{FILE_SUFFIXES[key]}", **opts)
        return result.path.read_bytes(), result


def format_options(fmt: str) -> tuple[str, ...]:
    """Keyword options a format accepts (what the command line may pass)."""
    return tuple(
        name for name, p in inspect.signature(_exporter(fmt)).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    )


def _exporter(fmt: str) -> Callable[..., ExportResult]:
    key = str(fmt).lower().strip().lstrip(".")
    if key in ("acled", "acled_csv"):
        key = "acled-csv"
    if key not in FORMATS:
        raise UnknownFormatError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return FORMATS[key]


def export(
    frame: pd.DataFrame,
    view: View | None,
    fmt: str | None,
    path: str | os.PathLike[str],
    **opts: Any,
) -> ExportResult:
    """Export ``view`` of ``frame`` to ``path`` as ``fmt`` (``None``: from the suffix).

    ``opts`` go to the format's exporter; an option the format does not take is
    an error, not silently ignored (``dpi`` means nothing to a CSV).
    """
    if fmt is None:
        fmt = format_for_path(path)
    func = _exporter(fmt)
    allowed = format_options(fmt)
    unknown = sorted(set(opts) - set(allowed))
    if unknown:
        name = func.__name__.removeprefix("export_").replace("_", "-")
        raise ExportError(
            f"option(s) {', '.join(unknown)} do not apply to {name} "
            f"(it takes: {', '.join(allowed) or 'no options'})"
        )
    return func(frame, as_view(view), path, **opts)
