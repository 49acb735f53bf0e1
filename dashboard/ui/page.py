"""The page: the analyst's workspace (map tab), the Review tab and the upload tab.

With ``streamlit_app.py`` and the other ``dashboard.ui`` modules, the only
code that imports Streamlit. This module reads the options, loads through
:mod:`dashboard.data` (cached, corrections applied) and lays the page out;
:mod:`dashboard.ui.sidebar` draws the filters and keeps the view in the
address, :mod:`dashboard.ui.workspace` the tally, timeline, table and cards,
:mod:`dashboard.ui.review` and :mod:`dashboard.ui.upload` the two other tabs.
The logic lives in the pure modules they call.

The map is :mod:`dashboard.ui.map_view`, a component that keeps its base map
and takes the events as data; it reruns alone (a fragment) when it needs
events for another zoom or area, and the page when an event is clicked.
Everything computed from the events is kept per view
(:mod:`dashboard.ui.cache`), so a rerun costs what its change touches.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import assets, data
from dashboard.query import apply_view, ensure_regions
from dashboard.ui import cache, map_view, review, upload, workspace
from dashboard.ui.sidebar import (
    KEY_DATES,
    KEY_PLACE,
    KEY_SELECTED,
    KEY_TYPES,
    KEY_UNDATED,
    markdown_text,
    mirror_in_address,
    side_key,
    sidebar_filters,
)
from dashboard.view import view_code
from events.corrections import current_events
from events.store import display_location

__all__ = ["KEY_DATES", "KEY_EXPORT_OPEN", "KEY_TAB", "KEY_TYPES", "KEY_UNDATED", "TABS",
           "PageOptions", "map_page", "parse_options", "side_key"]

#: The page's tabs; the open one's label is in the session state under ``KEY_TAB``.
TABS = ("Map", "Review", "Bring articles in")
KEY_TAB = "kcm_tab"
#: True while the export panel is open.
KEY_EXPORT_OPEN = "kcm_export_open"


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


@st.cache_resource(show_spinner="Loading events…", max_entries=2)
def _load_events(
    store: str | None, articles: str | None, stamp: tuple[tuple[int, int], ...]
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Every event (with the ones reviewers marked wrong or merged), the current ones, notes.

    A resource, shared read-only by every session: ``st.cache_data`` would
    copy the frame on every run, a quarter of a second at 100,000 events.
    """
    del stamp  # part of the cache key: a changed file is read again
    frame, messages = data.load_events(store, articles)
    frame = ensure_regions(frame)
    standing = ~frame["wrong"].astype(bool) & (frame["merged_into"].fillna("") == "")
    # Most stores have nothing marked wrong or merged: no second copy of a large frame then.
    return frame, frame if bool(standing.all()) else current_events(frame), messages


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
    stamp = data.source_stamp(options.store, data.corrections_path(options.store),
                              options.articles)
    try:
        everything, frame, messages = _load_events(options.store, options.articles, stamp)
    except data.EventsUnavailable as exc:
        _report_once(str(exc))
        st.error(markdown_text(str(exc)))
        st.info("Give another store with `streamlit run streamlit_app.py -- --store PATH` "
                f"or the {data.STORE_ENV} environment variable; the file above was not changed.")
        return
    for message in messages:  # they quote store records: untrusted text
        st.warning(markdown_text(message))

    store_key = (options.store, options.articles, stamp)
    # Only the open tab's content is made and sent (the map tab's always: its sidebar
    # holds the view). A hidden Review and upload tab cost the opening page a third
    # of its elements.
    _keep_entries(review.KEPT_KEYS + upload.KEPT_KEYS)
    map_tab, review_tab, upload_tab = st.tabs(list(TABS), key=KEY_TAB, on_change="rerun")
    if review_tab.open:
        with review_tab:
            review.review_tab(everything, options.store, store_key=store_key)
    if upload_tab.open:
        with upload_tab:
            upload.upload_tab(options.store)
    with map_tab:
        _workspace(frame, options, store_key, static_root=str(app_dir / "static"))


def _keep_entries(keys: Sequence[str]) -> None:
    """Keep what was typed into these widgets while their tab is closed.

    Streamlit forgets a widget's value in a run that does not draw it; set
    again as plain state, the value outlives the closed tab and fills the
    widget when the tab opens.
    """
    state = st.session_state
    for key in keys:
        if key in state:
            state[key] = state[key]


def _workspace(frame: pd.DataFrame, options: PageOptions, store_key: Hashable,
               static_root: str | None = None) -> None:
    """The map tab: filters, tally, map, timeline, table, cards and export.

    What is computed from the events is kept under the store and the part of
    the view it reads, so a rerun recomputes only what its change touches.
    """
    bounds = cache.result("date_bounds", (store_key, ""), lambda: data.date_bounds(frame))
    workspace.apply_brush(bounds)
    map_view.take_map_report()
    view, any_selected = sidebar_filters(frame, store_key)
    filter_view = view.replace(selected="", center=None, zoom=None)
    view_key = (store_key, repr(filter_view), any_selected)
    shown = cache.frame_result("shown", view_key, lambda: apply_view(frame, filter_view)
                               if any_selected else frame.iloc[0:0])
    workspace.take_table_selection(shown, view_key)
    state = st.session_state
    center, zoom = state.get(KEY_PLACE, (None, None))
    view = view.replace(selected=str(state.get(KEY_SELECTED) or ""), center=center, zoom=zoom)
    located = cache.result("located", view_key, lambda: int(
        (shown["lon"].notna() & shown["lat"].notna()).sum()))
    st.sidebar.metric("Events shown", len(shown))
    code = view_code(filter_view) if any_selected else ""
    where = "the bundled sample" if options.store is None else display_location(options.store)
    lines = [markdown_text(f"of {len(frame)} in {where}")]
    if len(shown) > located:
        lines.append(f"{len(shown) - located} shown event(s) have no place and are not on "
                     "the map.")
    # Inline code, not st.code: its highlighter is the heaviest script the page loaded
    # (most of a second of the browser's time when the page opens). One caption for all
    # of it: each element drawn costs the opening page time.
    lines.append("View code (`python -m dashboard export --view CODE`): "
                 + (f"`{code}`" if code else
                    ("(all events)" if any_selected else "(nothing selected)")))
    st.sidebar.caption("  \n".join(lines))

    workspace.tally(shown, key=view_key)
    basemap, layers, geo_messages = _load_geodata()
    for message in geo_messages:
        st.warning(markdown_text(message))
    map_view.map_fragment(frame, shown, view, any_selected, view_key=view_key,
                          basemap=basemap, layers=layers, area_shapes=_district_shapes(),
                          static_root=static_root)
    _credits()
    undated_view = filter_view.replace(start=None, end=None, include_undated=False)
    workspace.timeline(lambda: apply_view(frame, undated_view) if any_selected else shown,
                       key=(store_key, repr(undated_view), any_selected),
                       span=(view.start or bounds[0], view.end or bounds[1])
                       if bounds and (view.start or view.end) else None)
    left, right = st.columns([3, 2])
    with left:
        # Drawn when opened (or when an event is picked on the map): the grid is the
        # heaviest element of the page, and the opening page waits for it otherwise.
        table_box = st.expander("Event table", key=workspace.KEY_TABLE_OPEN,
                                on_change="rerun")
        if table_box.open:
            with table_box:
                workspace.event_table(shown, view_key, view.selected)
    with right:
        workspace.evidence_card(frame, view.selected,
                                _article_texts(options.articles,
                                               data.source_stamp(options.articles)))
    workspace.incident_card(shown, view.selected, key=view_key)
    export_box = st.expander("Export this view", key=KEY_EXPORT_OPEN, on_change="rerun")
    if export_box.open:  # made only when asked for: a closed panel still costs the browser
        with export_box:
            workspace.export_panel(shown, view, "Karabakh Conflict Map", key=view_key)
    # The map may have moved or selected in this run: the address gets the view as it is now.
    center, zoom = state.get(KEY_PLACE, (None, None))
    mirror_in_address(view.replace(selected=str(state.get(KEY_SELECTED) or ""),
                                   center=center, zoom=zoom), any_selected)


def _credits() -> None:
    try:
        from geodata.layers import CREDITS
    except ImportError:
        return
    st.caption(CREDITS)
