"""The sidebar: every filter of the analyst's view, with counts, and the view in the address.

The whole view (:class:`dashboard.view.View`) lives in ``st.query_params``
through :mod:`dashboard.view`, the one mechanism for links: read once when a
session opens (a tampered value falls back to its default with a notice),
written back whenever the view changes. Widget values go through session
state only, never a widget's ``value=``, so a widget never has two competing
starting values.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Hashable, Mapping
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.query import FACETS, facet_counts
from dashboard.ui import cache
from dashboard.view import PRESET_LABELS, PRESETS, View, view_from_params, view_to_params
from events.schema import EVENT_TYPES, SIDE_LABELS, SIDES, TYPE_LABELS
from geodata.layers import REGIONS

#: Widget keys, named once so tests address the same widgets the page draws.
KEY_DATES = "kcm_dates"
KEY_UNDATED = "kcm_undated"
KEY_TYPES = "kcm_types"
KEY_CLAIMANTS = "kcm_claimants"
KEY_REGIONS = "kcm_regions"
KEY_OUTLETS = "kcm_outlets"
KEY_ARTICLES = "kcm_articles"
KEY_PRECISE_GEO = "kcm_precise_geo"
KEY_PRECISE_DATE = "kcm_precise_date"
KEY_FATALITIES = "kcm_fatalities"
KEY_TEXT = "kcm_text"
KEY_LINK_READ = "kcm_link_read"
#: The data's first and last day when the date widget was last set up.
KEY_BOUNDS = "kcm_date_bounds"
#: The parts of the view no sidebar widget holds: map centre, zoom, selected event.
KEY_PLACE = "kcm_map_place"
KEY_SELECTED = "kcm_selected"
#: Short labels of the date presets (the full label is the button's help).
PRESET_BUTTONS: dict[str, str] = {"last_7_days": "7 d", "last_30_days": "30 d",
                                  "whole_war": "All"}
#: Most values a facet list offers (a corpus has tens of thousands of articles).
FACET_LIMIT = 300

#: Multi-valued facets drawn as multiselects: view field -> (label, widget key).
_LISTS: dict[str, tuple[str, str]] = {
    "claimants": ("Claimant", KEY_CLAIMANTS),
    "regions": ("Region", KEY_REGIONS),
    "outlets": ("Outlet", KEY_OUTLETS),
    "articles": ("Article", KEY_ARTICLES),
}


T = TypeVar("T")


def _kept(store_key: Hashable | None, name: str, key: Hashable, make: Callable[[], T]) -> T:
    """``make()``, kept per store and ``key`` when the caller named its store."""
    return make() if store_key is None else cache.result(name, (store_key, key), make)


def side_key(side: str) -> str:
    return f"kcm_side_{side}"


def preset_key(name: str) -> str:
    return f"kcm_preset_{name}"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&:])")


def markdown_text(text: str) -> str:
    """Untrusted text shown through Markdown as literally itself (no links, no markup)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def current_params() -> dict[str, list[str]]:
    """The page address's parameters, every value of a repeated key kept."""
    return {k: st.query_params.get_all(k) for k in st.query_params}


def _read_link() -> View | None:
    """The view in the address on a session's first run (notices shown), else None."""
    state = st.session_state
    if state.get(KEY_LINK_READ):
        return None
    state[KEY_LINK_READ] = True
    params = current_params()
    if not params:
        return None
    view, notices = view_from_params(params)
    if notices:
        st.info("Part of the view in this link was not used, and its defaults are shown "
                "instead: " + markdown_text(" ".join(notices)))
    return view


def _init_widgets(bounds: tuple[dt.date, dt.date] | None) -> None:
    """Give each widget its first value: from the address on a session's first run."""
    state = st.session_state
    linked = _read_link()
    view = linked or View(include_undated=True)
    fresh = linked is not None
    if bounds is not None and (fresh or KEY_DATES not in state):
        low, high = bounds
        start = min(max(view.start or low, low), high)
        end = max(min(view.end or high, high), start)
        state[KEY_DATES] = (start, end)
    elif bounds is not None:
        _follow_bounds(bounds)
    state[KEY_BOUNDS] = bounds
    if fresh or KEY_UNDATED not in state:
        state[KEY_UNDATED] = view.include_undated or (
            fresh and view.start is None and view.end is None)
    for side in SIDES:
        if fresh or side_key(side) not in state:
            state[side_key(side)] = not view.sides or side in view.sides
    if fresh or KEY_TYPES not in state:
        state[KEY_TYPES] = list(view.types or EVENT_TYPES)
    for name, (_, key) in _LISTS.items():
        if fresh or key not in state:
            state[key] = list(getattr(view, name))
    simple = {KEY_PRECISE_GEO: view.precise_geo, KEY_PRECISE_DATE: view.precise_date,
              KEY_FATALITIES: int(view.min_fatalities or 0), KEY_TEXT: view.text}
    for key, value in simple.items():
        if fresh or key not in state:
            state[key] = value
    if fresh or KEY_PLACE not in state:
        state[KEY_PLACE] = (view.center, view.zoom)
    if fresh or KEY_SELECTED not in state:
        state[KEY_SELECTED] = view.selected


def _follow_bounds(bounds: tuple[dt.date, dt.date]) -> None:
    """Keep the chosen dates valid when the store's first or last day moved.

    Corrections and added articles change the data's range while the page is
    open: a range that was "everything" stays everything, any other range is
    clipped into the new bounds (a date widget refuses values outside them).
    """
    state = st.session_state
    old = state.get(KEY_BOUNDS)
    if old == bounds:
        return
    low, high = bounds
    current = _date_range(state.get(KEY_DATES), *(old or bounds))
    if old is not None and current == old:
        state[KEY_DATES] = bounds
        return
    start = min(max(current[0], low), high)
    end = max(min(current[1], high), start)
    state[KEY_DATES] = (start, end)


def set_dates(start: dt.date, end: dt.date) -> None:
    """Put a date range into the date widget (from a preset or the timeline brush).

    Only legal before the widget is drawn in a run: callers are button
    callbacks or the top of the run.
    """
    st.session_state[KEY_DATES] = (start, end)
    st.session_state[KEY_UNDATED] = False


def _apply_preset(name: str, bounds: tuple[dt.date, dt.date],
                  data_range: tuple[dt.date, dt.date]) -> None:
    from dashboard.view import preset_range

    if name == "whole_war":
        st.session_state[KEY_DATES] = bounds
        st.session_state[KEY_UNDATED] = True
        return
    set_dates(*preset_range(name, data_range))


def _counts_caption(counts: Mapping[str, int], names: Mapping[str, str] | None = None,
                    *, top: int = 6) -> str:
    """Events per value under the other filters, for a caption under a multiselect.

    Counts stay out of the options' labels: the browser matches a multiselect's
    chosen values by label, so a label whose count changed would drop out of
    the selection at the next filter change.
    """
    series = pd.Series(counts, dtype="int64") if not isinstance(counts, pd.Series) \
        else counts.astype("int64")
    series = series[series > 0]
    if series.empty:
        return "No matching events."
    # By count, ties by name; a facet may hold thousands of values, so only the top is sorted.
    head = series[series >= series.nlargest(top).iloc[-1]]
    ranked = sorted(((int(n), str(v)) for v, n in head.items()), key=lambda p: (-p[0], p[1]))
    shown = ", ".join(f"{(names or {}).get(v, v)} {n}" for n, v in ranked[:top])
    more = f" and {len(series) - top} more" if len(series) > top else ""
    return markdown_text(f"Matching: {shown}{more}.")


def _options(frame: pd.DataFrame, name: str, chosen: list[str],
             store_key: Hashable | None = None) -> list[str]:
    """Values a facet offers: its most frequent ones in the whole store, plus the chosen."""
    if name == "regions":
        values = list(REGIONS)
    else:
        def make() -> list[str]:
            column = frame[FACETS[name]].dropna().astype(str)
            return list(column[column != ""].value_counts().head(FACET_LIMIT).index)

        values = _kept(store_key, "facet_options", name, make)
    return values + [v for v in chosen if v not in values]


def sidebar_filters(frame: pd.DataFrame, store_key: Hashable | None = None
                    ) -> tuple[View, bool]:
    """Draw the filters; return the view and whether anything at all is selected.

    ``store_key`` names the store's content (its stamp): with it, the date
    bounds, the values each facet offers and the counts under each view are
    computed once and kept.
    """
    bounds = _kept(store_key, "date_bounds", "", lambda: data.date_bounds(frame))
    _init_widgets(bounds)
    state = st.session_state
    sb = st.sidebar
    sb.header("Filters")
    draft = _draft_view(bounds)
    counts = _kept(store_key, "facet_counts", repr(draft),
                   lambda: facet_counts(frame, draft, limit=None))
    start = end = None
    include_undated = True
    if bounds is not None:
        low, high = bounds
        data_range = _kept(store_key, "data_range", "", lambda: _data_range(frame)) or bounds
        cols = sb.columns(len(PRESETS))
        for col, name in zip(cols, PRESETS, strict=True):
            col.button(PRESET_BUTTONS[name], key=preset_key(name),
                       on_click=_apply_preset, args=(name, bounds, data_range),
                       help=PRESET_LABELS[name], width="stretch")
        picked = sb.date_input(
            "Event dates", min_value=low, max_value=high, key=KEY_DATES,
            help="Events whose date (or the span a coarse date stands for) overlaps this range.",
        )
        start, end = _date_range(picked, low, high)
        include_undated = sb.checkbox("Keep events with no date", key=KEY_UNDATED)
        if (start, end) == (low, high) and include_undated:
            start = end = None  # the whole range with undated events: no date filter at all
    sb.markdown("**Reporting side**")
    side_counts = counts["sides"]
    ticked = tuple(s for s in SIDES if sb.checkbox(
        f"{SIDE_LABELS[s]} ({int(side_counts.get(s, 0))})", key=side_key(s)))
    types = sb.multiselect("Event type", options=list(EVENT_TYPES),
                           format_func=TYPE_LABELS.get, key=KEY_TYPES)
    sb.caption(_counts_caption(counts["types"], TYPE_LABELS))
    lists: dict[str, tuple[str, ...]] = {}
    for name, (label, key) in _LISTS.items():
        lists[name] = tuple(sb.multiselect(
            label, options=_options(frame, name, list(state.get(key, [])), store_key),
            key=key, placeholder="All"))
        sb.caption(_counts_caption(counts[name]))
    precise_geo = sb.checkbox("Placed at a settlement only", key=KEY_PRECISE_GEO,
                              help="Leave out events known only to a district, region or "
                                   "country.")
    precise_date = sb.checkbox("Dated to the day only", key=KEY_PRECISE_DATE)
    fatalities = sb.number_input("At least this many deaths", min_value=0, step=1,
                                 key=KEY_FATALITIES)
    text = sb.text_input("Search notes and evidence", key=KEY_TEXT, max_chars=200)
    center, zoom = state.get(KEY_PLACE, (None, None))
    view = View(
        start=start, end=end,
        sides=() if len(ticked) == len(SIDES) else ticked,
        types=() if len(types) == len(EVENT_TYPES) else tuple(types),
        include_undated=include_undated and start is not None,
        precise_geo=bool(precise_geo), precise_date=bool(precise_date),
        min_fatalities=int(fatalities) or None, text=" ".join(str(text or "").split()),
        center=center, zoom=zoom, selected=str(state.get(KEY_SELECTED) or ""),
        **lists,
    )
    return view, bool(ticked) and bool(types)


def _draft_view(bounds: tuple[dt.date, dt.date] | None) -> View:
    """The view as the widgets' state holds it before they are drawn (for the counts)."""
    state = st.session_state
    start = end = None
    undated = bool(state.get(KEY_UNDATED, True))
    if bounds is not None:
        start, end = _date_range(state.get(KEY_DATES), *bounds)
        if (start, end) == bounds and undated:
            start = end = None
    ticked = tuple(s for s in SIDES if state.get(side_key(s), True))
    types = tuple(state.get(KEY_TYPES, EVENT_TYPES))
    return View(
        start=start, end=end, sides=ticked if len(ticked) < len(SIDES) else (),
        types=types if len(types) < len(EVENT_TYPES) else (),
        include_undated=undated and start is not None,
        precise_geo=bool(state.get(KEY_PRECISE_GEO)),
        precise_date=bool(state.get(KEY_PRECISE_DATE)),
        min_fatalities=int(state.get(KEY_FATALITIES) or 0) or None,
        text=str(state.get(KEY_TEXT) or ""),
        **{name: tuple(state.get(key, ())) for name, (_, key) in _LISTS.items()},
    )


def _data_range(frame: pd.DataFrame) -> tuple[dt.date, dt.date] | None:
    from dashboard.view import data_date_range

    return data_date_range(frame["date_start"])


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


def mirror_in_address(view: View, any_selected: bool) -> None:
    """Keep the whole view in the page's address, so a copied link reopens it."""
    wanted = {k: v if isinstance(v, list) else [v]
              for k, v in (view_to_params(view) if any_selected else {}).items()}
    if wanted != current_params():
        st.query_params.from_dict(wanted)
