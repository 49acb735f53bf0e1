"""The map page: sidebar filters, the count of shown events, the folium map.

The only module (with ``streamlit_app.py``) that imports Streamlit. It reads
its options, loads through :mod:`dashboard.data` (cached), filters with
:mod:`dashboard.filters` and draws with :mod:`dashboard.map`; the logic lives
in those pure modules.

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
from urllib.parse import parse_qsl

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard import assets, data
from dashboard.filters import (
    QUERY_KEYS,
    Filters,
    apply_filters,
    filters_from_query,
    filters_query,
)
from dashboard.map import build_map
from events.schema import EVENT_TYPES, SIDE_LABELS, SIDES, TYPE_LABELS

MAP_HEIGHT = 640
#: Widget keys, named once so tests address the same widgets the page draws.
KEY_DATES = "kcm_dates"
KEY_UNDATED = "kcm_undated"
KEY_TYPES = "kcm_types"
KEY_MAP = "kcm_map"


def side_key(side: str) -> str:
    return f"kcm_side_{side}"


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
    return data.load_events(store, articles)


@st.cache_resource(show_spinner="Loading the basemap…")
def _load_geodata() -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    # A resource, not data: the frames are shared read-only and never copied per run.
    return data.load_geodata()


_reported: set[str] = set()


def _report_once(message: str) -> None:
    """Also say it on the server's console, once, for whoever started the app."""
    if message not in _reported:
        _reported.add(message)
        print(f"karabakh-conflict-map: {message}", file=sys.stderr)


# -- widgets --------------------------------------------------------------------


KEY_LINK_READ = "kcm_link_read"


def _link_filters() -> tuple[Filters | None, str | None]:
    """The view in the page's address, if any, and why it was refused, if it was."""
    pairs = [(k, v) for k in QUERY_KEYS for v in st.query_params.get_all(k)]
    if not pairs:
        return None, None
    try:
        return filters_from_query(pairs), None
    except ValueError as exc:
        return None, f"The view in the address was ignored: {exc}"


def _init_widgets(frame: pd.DataFrame) -> None:
    """Give each filter widget its first value: from the address on a session's first run.

    Values go through session state only (never a widget's ``value=``), so a
    widget is never given two competing starting values.
    """
    state = st.session_state
    linked, problem = (None, None)
    if not state.get(KEY_LINK_READ):
        linked, problem = _link_filters()
        state[KEY_LINK_READ] = True
        if problem:
            st.warning(problem)
    bounds = data.date_bounds(frame)
    view = linked or Filters(include_undated=True)
    if bounds is not None and (linked is not None or KEY_DATES not in state):
        low, high = bounds
        start = min(max(view.start or low, low), high)
        end = max(min(view.end or high, high), start)
        state[KEY_DATES] = (start, end)
    if linked is not None or KEY_UNDATED not in state:
        state[KEY_UNDATED] = view.include_undated or (linked is not None and
                                                      view.start is None and view.end is None)
    for side in SIDES:
        if linked is not None or side_key(side) not in state:
            state[side_key(side)] = not view.sides or side in view.sides
    if linked is not None or KEY_TYPES not in state:
        state[KEY_TYPES] = list(view.types or EVENT_TYPES)


def sidebar_filters(frame: pd.DataFrame) -> tuple[Filters, bool]:
    """Draw the filters; return the view and whether anything at all is selected."""
    _init_widgets(frame)
    sb = st.sidebar
    sb.header("Filters")
    start = end = None
    include_undated = True
    bounds = data.date_bounds(frame)
    if bounds is not None:
        low, high = bounds
        picked = sb.date_input(
            "Event dates", min_value=low, max_value=high, key=KEY_DATES,
            help="Events whose date (or the span a coarse date stands for) overlaps this range.",
        )
        start, end = _date_range(picked, low, high)
        include_undated = sb.checkbox("Keep events with no date", key=KEY_UNDATED)
        if (start, end) == (low, high) and include_undated:
            start = end = None  # the whole range with undated events: no date filter at all
    sb.markdown("**Reporting side**")
    ticked = tuple(s for s in SIDES if sb.checkbox(SIDE_LABELS[s], key=side_key(s)))
    types = sb.multiselect(
        "Event type", options=list(EVENT_TYPES), format_func=lambda t: TYPE_LABELS.get(t, t),
        key=KEY_TYPES,
    )
    view = Filters(
        start=start, end=end,
        sides=() if len(ticked) == len(SIDES) else ticked,
        types=() if len(types) == len(EVENT_TYPES) else tuple(types),
        include_undated=include_undated and start is not None,
    )
    return view, bool(ticked) and bool(types)


def _mirror_in_address(view: Filters, any_selected: bool) -> str:
    """Keep the view in the page's address (bookmarkable) and return its code."""
    code = filters_query(view) if any_selected else ""
    wanted = _pairs_by_key(code)
    current = {k: st.query_params.get_all(k) for k in QUERY_KEYS if k in st.query_params}
    if wanted != current:
        for key in QUERY_KEYS:
            if key in st.query_params:
                del st.query_params[key]
        for key, values in wanted.items():
            st.query_params[key] = values
    return code


def _pairs_by_key(code: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in parse_qsl(code, keep_blank_values=True):
        out.setdefault(key, []).append(value)
    return out


def _date_range(picked: Any, low: dt.date, high: dt.date) -> tuple[dt.date, dt.date]:
    """The range a date input gave: half a range (mid-selection) runs to the end."""
    if isinstance(picked, dt.date):
        return picked, high
    values = [d for d in (picked or ()) if d is not None]
    if not values:
        return low, high
    first = values[0]
    last = values[1] if len(values) > 1 else high
    return (first, last) if first <= last else (last, first)


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
            options.store, options.articles, data.source_stamp(options.store, options.articles)
        )
    except data.EventsUnavailable as exc:
        _report_once(str(exc))
        st.error(str(exc))
        st.info("Give another store with `streamlit run streamlit_app.py -- --store PATH` "
                f"or the {data.STORE_ENV} environment variable; the file above was not changed.")
        return
    for message in messages:
        st.warning(message)

    view, any_selected = sidebar_filters(frame)
    shown = apply_filters(frame, view) if any_selected else frame.iloc[0:0]
    code = _mirror_in_address(view, any_selected)
    located = int((shown["lon"].notna() & shown["lat"].notna()).sum())
    st.sidebar.metric("Events shown", len(shown))
    st.sidebar.caption(
        f"of {len(frame)} in {'the bundled sample' if options.store is None else options.store}"
    )
    if len(shown) > located:
        st.sidebar.caption(f"{len(shown) - located} shown event(s) have no place and are "
                           "not on the map.")
    st.sidebar.caption("View code (`python -m dashboard export --view CODE`):")
    st.sidebar.code(code or ("(all events)" if any_selected else "(nothing selected)"),
                    language=None)

    basemap, layers, geo_messages = _load_geodata()
    for message in geo_messages:
        st.warning(message)
    day = view.end or dt.date.today()
    fmap = build_map(shown, basemap=basemap, boundaries=data.boundaries_on(day, layers))
    st_folium(fmap, key=KEY_MAP, returned_objects=[], height=MAP_HEIGHT,
              use_container_width=True)
    _credits()


def _credits() -> None:
    try:
        from geodata.layers import CREDITS
    except ImportError:
        return
    st.caption(CREDITS)
