"""The page: the analyst's workspace (map tab), the Review tab and the upload tab.

With ``streamlit_app.py`` and the other ``dashboard.ui`` modules, the only
code that imports Streamlit. This module reads the options, loads through
:mod:`dashboard.data` (cached, corrections applied) and lays the page out;
:mod:`dashboard.ui.sidebar` draws the filters and keeps the view in the
address, :mod:`dashboard.ui.workspace` the tally, timeline, table and cards,
:mod:`dashboard.ui.review` and :mod:`dashboard.ui.upload` the two other tabs.
The logic lives in the pure modules they call.

The map goes through ``st_folium`` with a fixed ``key`` and an empty
``returned_objects`` list: the component then reports nothing back to Python,
so panning, zooming and opening popups never rerun the page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import assets, data
from dashboard.map import build_map
from dashboard.query import apply_view, ensure_regions
from dashboard.ui import review, upload, workspace
from dashboard.ui.sidebar import (
    KEY_DATES,
    KEY_SELECTED,
    KEY_TYPES,
    KEY_UNDATED,
    markdown_text,
    mirror_in_address,
    side_key,
    sidebar_filters,
)
from dashboard.view import View, view_code
from events.corrections import current_events
from events.store import display_location

MAP_HEIGHT = 560
KEY_MAP = "kcm_map"
#: Zoom the map takes when it centres on a selected event, by how precisely it is placed.
SELECTED_ZOOM: dict[str, int] = {"settlement": 11, "district": 9, "region": 8, "country": 7}

__all__ = ["KEY_DATES", "KEY_TYPES", "KEY_UNDATED", "PageOptions", "map_page",
           "parse_options", "side_key"]


@dataclass(frozen=True)
class PageOptions:
    """Where the events and articles come from (``--store``, ``--articles`` or env)."""

    store: str | None = None
    articles: str | None = None
    #: What was wrong with the command line, if anything.
    problem: str | None = None


def parse_options(argv: Sequence[str], environ: Mapping[str, str] = os.environ) -> PageOptions:
    """Options after ``--`` on the ``streamlit run`` line; unknown arguments are ignored.

    Unknown arguments are tolerated because the same script also runs under
    test runners whose own arguments are in ``sys.argv``.
    """
    parser = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    parser.add_argument("--store")
    parser.add_argument("--articles")
    try:
        known, _ = parser.parse_known_args(list(argv))
    except argparse.ArgumentError as exc:
        return PageOptions(problem=f"Bad command line: {exc}. Use "
                           "`streamlit run streamlit_app.py -- --store PATH --articles DIR`.")
    articles = known.articles or environ.get(data.ARTICLES_ENV) or None
    return PageOptions(store=data.choose_store(known.store, environ), articles=articles)


# -- cached loading -------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _install_assets(static_root: str) -> str:
    """Copy Leaflet into ``static/vendor`` once per server process."""
    return str(assets.install_static(static_root))


@st.cache_data(show_spinner="Loading events…", max_entries=4)
def _load_events(
    store: str | None, articles: str | None, stamp: tuple[tuple[int, int], ...]
) -> tuple[pd.DataFrame, list[str]]:
    del stamp  # part of the cache key: a changed file is read again
    frame, messages = data.load_events(store, articles)
    return ensure_regions(frame), messages


@st.cache_data(show_spinner=False, max_entries=2)
def _article_texts(articles: str | None, stamp: tuple[tuple[int, int], ...]) -> dict[str, str]:
    del stamp
    return data.article_texts(articles)


@st.cache_resource(show_spinner="Loading the basemap…")
def _load_geodata() -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    # A resource, not data: the frames are shared read-only and never copied per run.
    return data.load_geodata()


@st.cache_resource(show_spinner=False)
def _district_shapes() -> dict[str, Any]:
    """District outlines for area-level events; none (circles instead) when unavailable."""
    from dashboard.aggregate import district_shapes

    try:
        return district_shapes()
    except (ImportError, OSError, ValueError, KeyError):
        return {}


_reported: set[str] = set()


def _report_once(message: str) -> None:
    """Also say it on the server's console, once, for whoever started the app."""
    if message not in _reported:
        _reported.add(message)
        print(f"karabakh-conflict-map: {message}", file=sys.stderr)


# -- the page -------------------------------------------------------------------


def map_page(app_dir: Path, argv: Sequence[str] | None = None) -> None:
    """The whole page. ``app_dir`` holds ``static/``, which Streamlit serves."""
    st.title("Karabakh Conflict Map")
    try:
        _install_assets(str(app_dir / "static"))
    except OSError as exc:
        message = (f"Cannot prepare the map's scripts in {app_dir / 'static' / 'vendor'}: "
                   f"{exc}. The map needs that folder to be writable.")
        _report_once(message)
        st.error(message)
        return
    options = parse_options(sys.argv[1:] if argv is None else argv)
    if options.problem:
        _report_once(options.problem)
        st.error(options.problem)
        return
    try:
        frame, messages = _load_events(
            options.store, options.articles,
            data.source_stamp(options.store, data.corrections_path(options.store),
                              options.articles),
        )
    except data.EventsUnavailable as exc:
        _report_once(str(exc))
        st.error(markdown_text(str(exc)))
        st.info("Give another store with `streamlit run streamlit_app.py -- --store PATH` "
                f"or the {data.STORE_ENV} environment variable; the file above was not changed.")
        return
    for message in messages:  # they quote store records: untrusted text
        st.warning(markdown_text(message))

    everything = frame  # with the events reviewers marked wrong or merged, for the Review tab
    frame = current_events(frame)
    map_tab, review_tab, upload_tab = st.tabs(["Map", "Review", "Bring articles in"])
    with review_tab:
        review.review_tab(everything, options.store)
    with upload_tab:
        upload.upload_tab(options.store)
    with map_tab:
        _workspace(frame, options)


def _workspace(frame: pd.DataFrame, options: PageOptions) -> None:
    """The map tab: filters, tally, map, timeline, table, cards and export."""
    workspace.apply_brush(data.date_bounds(frame))
    view, any_selected = sidebar_filters(frame)
    shown = apply_view(frame, view) if any_selected else frame.iloc[0:0]
    workspace.take_table_selection(shown)
    view = view.replace(selected=str(st.session_state.get(KEY_SELECTED) or ""))
    located = int((shown["lon"].notna() & shown["lat"].notna()).sum())
    st.sidebar.metric("Events shown", len(shown))
    st.sidebar.caption(
        f"of {len(frame)} in "
        f"{'the bundled sample' if options.store is None else display_location(options.store)}"
    )
    if len(shown) > located:
        st.sidebar.caption(f"{len(shown) - located} shown event(s) have no place and are "
                           "not on the map.")
    st.sidebar.caption("View code (`python -m dashboard export --view CODE`):")
    code = view_code(view.replace(center=None, zoom=None, selected="")) if any_selected else ""
    st.sidebar.code(code or ("(all events)" if any_selected else "(nothing selected)"),
                    language=None)

    workspace.tally(shown)
    basemap, layers, geo_messages = _load_geodata()
    for message in geo_messages:
        st.warning(markdown_text(message))
    day = view.end or dt.date.today()
    place = _place_map_at(view, frame)
    fmap = build_map(shown, basemap=basemap, boundaries=data.boundaries_on(day, layers),
                     fit_to_events=place is None, precision_areas=True,
                     area_shapes=_district_shapes(), zoom=None if place is None else place[1])
    if place is not None:
        fmap.location = [place[0][0], place[0][1]]
        fmap.options["zoom"] = place[1]
    st_folium(fmap, key=KEY_MAP, returned_objects=[], height=MAP_HEIGHT,
              use_container_width=True)
    _credits()
    undated_view = view.replace(start=None, end=None, include_undated=False, selected="",
                                center=None, zoom=None)
    stamp = (len(frame), data.source_stamp(options.store, data.corrections_path(options.store)))
    workspace.timeline(apply_view(frame, undated_view) if any_selected else shown,
                       key=(undated_view, any_selected, stamp))
    left, right = st.columns([3, 2])
    with left:
        workspace.event_table(shown)
    with right:
        workspace.evidence_card(frame, view.selected,
                                _article_texts(options.articles,
                                               data.source_stamp(options.articles)))
    workspace.incident_card(shown, view.selected,
                            key=(view.replace(selected="", center=None, zoom=None),
                                 any_selected, stamp))
    with st.expander("Export this view"):
        workspace.export_panel(shown, view, "Karabakh Conflict Map")
    mirror_in_address(view, any_selected)


def _place_map_at(view: View, frame: pd.DataFrame) -> tuple[tuple[float, float], int] | None:
    """Where the map opens: the link's centre and zoom, else the selected event, else None.

    None lets the map fit the shown events.
    """
    if view.center is not None:
        return view.center, view.zoom or SELECTED_ZOOM["settlement"]
    if view.selected:
        hit = frame.loc[frame["event_id"].astype(str) == view.selected,
                        ["lat", "lon", "geo_precision"]].dropna(subset=["lat", "lon"])
        if not hit.empty:
            row = hit.iloc[0]
            zoom = view.zoom or SELECTED_ZOOM.get(str(row["geo_precision"]), 9)
            return (float(row["lat"]), float(row["lon"])), zoom
    return None


def _credits() -> None:
    try:
        from geodata.layers import CREDITS
    except ImportError:
        return
    st.caption(CREDITS)
