"""The page's map: a Streamlit component that keeps its base and takes the events as data.

``st_folium`` sends the whole map (basemap, boundaries and every event) as one
script on every change, reloads the map frame each time, and reports a click
as a position, not an event. This component (``map_component/``) loads the
folium base map once (:func:`dashboard.map.base_map`, written under the app's
``static/`` and fetched by the frame, so reruns do not carry it), then draws the events
of the view from :func:`dashboard.map.page_layers` data, replacing only them
when the view changes. It reports two things: a click on an event (its id:
the page selects it, as a table row does) and, only when the events it holds
were made for another zoom or area, where the map now is (the page sends
count circles for that zoom, or the events themselves when few are in view).
Plain pans and zooms over layers that still fit send nothing.

The map runs in an ``st.fragment``: what the map reports reruns the map
alone; a click on an event reruns the whole page, whose table and cards
show the event.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
from collections.abc import Callable, Hashable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.map import (
    DEFAULT_CENTER,
    DEFAULT_ZOOM,
    FIT_MAX_ZOOM,
    PAGE_MAX_POINTS,
    base_map,
    event_bounds,
    fit_zoom,
    padded_bbox,
    page_layers,
    page_map_style,
    view_bbox,
)
from dashboard.ui import cache
from dashboard.ui.sidebar import KEY_PLACE, KEY_SELECTED, mirror_in_address
from dashboard.ui.workspace import KEY_TABLE_FIND, KEY_TABLE_OPEN
from dashboard.view import MAX_ZOOM, MIN_ZOOM, View

KEY_MAP = "kcm_map"
#: The (clicks, moves) counters of the map's last report the page has acted on.
KEY_MAP_SEEN = "kcm_map_seen"
#: (zoom, bbox) the map last said it shows, for the layers sent to it.
KEY_MAP_AREA = "kcm_map_area"
#: The centre and zoom the map itself reported: the map is there already, so not moved.
KEY_PLACE_FROM_MAP = "kcm_map_place_reported"
MAP_HEIGHT = 560
#: Zoom the map takes when it centres on a selected event, by how precisely it is placed.
SELECTED_ZOOM: dict[str, int] = {"settlement": 11, "district": 9, "region": 8, "country": 7}
_FOLDER = Path(__file__).resolve().parent / "map_component"


@functools.cache
def _component() -> Callable[..., Any]:
    import streamlit.components.v1 as components

    return components.declare_component("kcm_map", path=str(_FOLDER))


def take_map_report() -> bool:
    """Act on what the map reported since the last run; True when it selected an event.

    A click on an event selects it and keeps the map where the analyst has
    put it (its centre and zoom go into the view, and so into the link). A
    move only records where the map is, for the next layers.
    """
    state = st.session_state
    value = state.get(KEY_MAP)
    if not isinstance(value, Mapping):
        return False
    try:
        sel, moves, zoom = int(value.get("sel", 0)), int(value.get("moves", 0)), \
            int(value["zoom"])
        bbox = tuple(float(v) for v in value["bbox"])
        center = (float(value["center"][0]), float(value["center"][1]))
    except (KeyError, TypeError, ValueError, IndexError):
        return False
    if len(bbox) != 4 or not MIN_ZOOM <= zoom <= MAX_ZOOM:
        return False
    seen = state.get(KEY_MAP_SEEN, (0, 0))
    if (sel, moves) == seen:
        return False
    state[KEY_MAP_SEEN] = (sel, moves)
    state[KEY_MAP_AREA] = (zoom, bbox)
    selected = sel != seen[0] and bool(value.get("id"))
    if selected:
        state[KEY_SELECTED] = state[KEY_TABLE_FIND] = str(value["id"])[:200]
        state[KEY_TABLE_OPEN] = True  # the table shows the clicked event's row
    if selected or value.get("user"):
        state[KEY_PLACE] = state[KEY_PLACE_FROM_MAP] = (center, zoom)
    return selected


def place_of(view: View, frame: pd.DataFrame) -> tuple[tuple[float, float], int] | None:
    """Where the map is put: the view's centre and zoom, else the selected event, else None.

    None lets the map fit the shown events.
    """
    if view.center is not None:
        return view.center, view.zoom or SELECTED_ZOOM["settlement"]
    if view.selected:
        hit = frame.loc[frame["event_id"] == view.selected, ["lat", "lon", "geo_precision"]]
        hit = hit.dropna(subset=["lat", "lon"])
        if not hit.empty:
            row = hit.iloc[0]
            zoom = view.zoom or SELECTED_ZOOM.get(str(row["geo_precision"]), 9)
            return (float(row["lat"]), float(row["lon"])), zoom
    return None


#: Folder under the app's ``static/`` for base maps, and where Streamlit serves it: beside
#: the copied scripts in ``vendor/``, generated files the repository ignores.
BASE_FOLDER = "vendor/basemap"
BASE_URL_PREFIX = "/app/static/" + BASE_FOLDER
#: Base map files kept in that folder (each render is a new file; the oldest go first).
BASE_FILES_KEPT = 32


def publish_base(html: str, static_root: str | Path) -> str:
    """Write the rendered base map under ``static/`` once; return the URL it is served at.

    The base map (basemap, boundaries, legend: a quarter of a megabyte) used
    to travel in the component's arguments, which Streamlit sends again on
    every rerun whatever changed. As a file named by its content, the map
    frame fetches it once; reruns carry only the events layers.
    """
    from events.files import atomic_write_bytes

    data = html.encode("utf-8")
    name = f"base-{hashlib.sha256(data).hexdigest()[:20]}.html"
    target = Path(static_root) / BASE_FOLDER / name
    if not target.is_file():  # named by its content: a file there holds these bytes
        atomic_write_bytes(target, data)
        _prune_bases(target.parent, keep=target)
    return f"{BASE_URL_PREFIX}/{name}"


def _prune_bases(folder: Path, keep: Path) -> None:
    """Delete all but the newest ``BASE_FILES_KEPT`` base maps (each date filter may add one).

    A page that loaded a deleted one holds it already; a page opening later is
    sent a file written again on its run, since each run publishes the base it
    sends.
    """
    def age(path: Path) -> int:
        try:
            return path.stat().st_mtime_ns
        except OSError:  # pruned meanwhile by another server process
            return 0

    files = sorted(folder.glob("base-*.html"), key=age, reverse=True)
    for old in files[BASE_FILES_KEPT:]:
        if old != keep:
            old.unlink(missing_ok=True)


@st.fragment
def map_fragment(frame: pd.DataFrame, shown: pd.DataFrame, view: View, any_selected: bool,
                 *, view_key: Hashable, basemap: Mapping[str, Any], layers: Mapping[str, Any],
                 area_shapes: Mapping[str, Any], static_root: str | None = None) -> None:
    """The map of the shown events; reruns alone when the map asks for new layers.

    With ``static_root`` (the app's served ``static/`` folder) the base map
    goes there as a file; without, it is sent inline with every run.
    """
    if take_map_report():
        st.rerun(scope="app")  # a selected event: the table and cards change too
    state = st.session_state
    center, zoom = state.get(KEY_PLACE, (None, None))
    view = view.replace(center=center, zoom=zoom, selected=str(state.get(KEY_SELECTED) or ""))
    day = view.end or dt.date.today()
    base_key = (day.isoformat(), tuple(sorted(layers)), bool(basemap), static_root)

    def make_base() -> dict[str, Any]:
        fmap = base_map(basemap=basemap, boundaries=data.boundaries_on(day, layers))
        return {"key": repr(base_key), "html": fmap.get_root().render(), "map": fmap.get_name()}

    base = cache.result("map_base", base_key, make_base)
    # The file, not the text: the frame fetches it once. A folder that cannot be written
    # leaves the text in, sent with every run.
    if static_root:
        with contextlib.suppress(OSError):
            base = {"key": base["key"], "map": base["map"],
                    "url": publish_base(base["html"], static_root)}
    place = place_of(view, frame)
    area = state.get(KEY_MAP_AREA)
    if place is not None:
        (lat, lon), zoom = place
        command: dict[str, Any] = {"center": [lat, lon], "zoom": int(zoom),
                                   # Where the map said it is: moving it there again would
                                   # undo a pan made while the page was answering.
                                   "keep": state.get(KEY_PLACE_FROM_MAP) == (center, zoom)}
        if area is not None and area[0] == int(zoom) and \
                area[1][0] <= lon <= area[1][2] and area[1][1] <= lat <= area[1][3]:
            bbox = padded_bbox(area[1], int(zoom))  # what the map said it shows
        else:
            bbox = padded_bbox(view_bbox((lat, lon), int(zoom)), int(zoom))
    else:
        bounds = cache.result("map_bounds", view_key, lambda: event_bounds(shown))
        command = {"fit": bounds or _default_fit(), "max_zoom": FIT_MAX_ZOOM}
        zoom = fit_zoom(bounds) if bounds else DEFAULT_ZOOM
        bbox = None
        if area is not None:
            zoom = area[0]  # the zoom the map said it has (fitting may land on another)
    command["token"] = repr(command)
    located = cache.result("located", view_key, lambda: int(
        (shown["lon"].notna() & shown["lat"].notna()).sum()))
    if located <= PAGE_MAX_POINTS:
        bbox = None  # every event gets its symbol: nothing to ask for at another zoom or area
    layers_key = (view_key, int(zoom), bbox)
    payload = cache.result("map_layers", layers_key, lambda: page_layers(
        shown, zoom=int(zoom), bbox=bbox, area_shapes=area_shapes))
    _component()(
        base=base, style=_style(), layers={**payload, "key": repr(layers_key)}, place=command,
        selected=view.selected, height=MAP_HEIGHT, key=KEY_MAP, default=None,
    )
    if _in_fragment_run():
        mirror_in_address(view, any_selected)


def _in_fragment_run() -> bool:
    """Whether this run is the fragment's own (the page mirrors the view itself otherwise)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return bool(ctx and ctx.fragment_ids_this_run)


@functools.cache
def _style() -> dict[str, Any]:
    return page_map_style()


def _default_fit() -> list[list[float]]:
    lat, lon = DEFAULT_CENTER
    return [[lat - 1.0, lon - 1.5], [lat + 1.0, lon + 1.5]]


__all__ = ["BASE_URL_PREFIX", "KEY_MAP", "MAP_HEIGHT", "SELECTED_ZOOM", "map_fragment",
           "place_of", "publish_base", "take_map_report"]
