"""How events look: a colour per reporting side, a shape per event type, the legend.

Kept as plain data (hex colours, SVG path strings, matplotlib marker codes) so
the interactive map and the static PNG/PDF exports draw the same symbols from
one table. The palette is Okabe-Ito, which stays distinguishable for the
common kinds of colour blindness; no colour echoes a national flag, so the map
does not suggest a side's territory.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from typing import Any

import pandas as pd

from events.schema import EVENT_TYPES, SIDE_LABELS, SIDES, TYPE_LABELS

#: Fill colour per ``reporting_side``.
SIDE_COLOURS: dict[str, str] = {
    "armenian": "#D55E00",
    "azerbaijani": "#0072B2",
    "third_party": "#009E73",
}
#: Colour for a side outside the vocabulary (never expected from a validated store).
UNKNOWN_COLOUR = "#777777"
#: Outline drawn around every symbol so it stands out on land, water and other symbols.
OUTLINE_COLOUR = "#222222"
#: Colour of the shapes in the legend's type section, which is about shape only.
LEGEND_SHAPE_COLOUR = "#888888"

#: SVG path per ``event_type`` in a 20 x 20 box centred on (10, 10).
TYPE_SHAPES: dict[str, str] = {
    "shelling": "M10 1.1L12.4 7.4L19 7.7L13.8 11.8L15.6 18.3L10 14.6L4.4 18.3L6.2 11.8"
                "L1 7.7L7.6 7.4Z",  # star: a strike
    "border_incident": "M10 1L19 10L10 19L1 10Z",  # diamond
    "offensive": "M10 1.5L18.5 17.5H1.5Z",  # triangle up
    "displacement": "M1.5 2.5H18.5L10 18.5Z",  # triangle down
    "casualties": "M4 1.5L10 7.5L16 1.5L18.5 4L12.5 10L18.5 16L16 18.5L10 12.5L4 18.5"
                  "L1.5 16L7.5 10L1.5 4Z",  # X cross
    "ceasefire": "M2.5 10A7.5 7.5 0 1 0 17.5 10A7.5 7.5 0 1 0 2.5 10Z",  # circle
    "diplomacy": "M3 3H17V17H3Z",  # square
    "protest": "M17.4 14.2L10 18.5L2.6 14.3L2.6 5.8L10 1.5L17.4 5.8Z",  # hexagon
}
#: A shape for a type outside the vocabulary: a small dot.
UNKNOWN_SHAPE = "M5 10A5 5 0 1 0 15 10A5 5 0 1 0 5 10Z"

#: matplotlib marker codes matching :data:`TYPE_SHAPES`, for static exports.
TYPE_MPL_MARKERS: dict[str, str] = {
    "shelling": "*",
    "border_incident": "D",
    "offensive": "^",
    "displacement": "v",
    "casualties": "X",
    "ceasefire": "o",
    "diplomacy": "s",
    "protest": "h",
}

#: Pixel size of a symbol on the interactive map.
MARKER_SIZE_PX = 18

#: Style of the basemap and boundary layers (Leaflet path options).
BASEMAP_STYLES: dict[str, dict[str, object]] = {
    "land": {"fillColor": "#f2efe9", "fillOpacity": 1.0, "stroke": False},
    "water": {"fillColor": "#c6dbef", "fillOpacity": 1.0, "stroke": False},
    "countries": {"color": "#6b6b6b", "weight": 1.2, "fill": False},
}
#: Style of each kind of boundary layer from ``geodata.layers`` (``Layer.kind``).
#: Territory is shaded in neutral colours, never a side's event colour, so an
#: area is not read as a claim by the same side as the symbols on it.
BOUNDARY_STYLES: dict[str, dict[str, object]] = {
    "country": {"color": "#555555", "weight": 1.5, "fill": False},
    "border": {"color": "#333333", "weight": 2.2, "fill": False},
    "district": {"color": "#9a9a9a", "weight": 0.8, "fill": False},
    "historical_area": {"color": "#7b3294", "weight": 2.4, "fill": False},
    "control_area": {"color": "#8c6d31", "weight": 1.2, "fillColor": "#8c6d31",
                     "fillOpacity": 0.10},
    "line": {"color": "#a50f15", "weight": 2.5, "fill": False},
    "corridor": {"color": "#525252", "weight": 1.2, "fillColor": "#525252",
                 "fillOpacity": 0.25},
}
#: Style of a layer whose kind is not in :data:`BOUNDARY_STYLES`.
DEFAULT_BOUNDARY_STYLE: dict[str, object] = {"color": "#7b3294", "weight": 2, "fill": False}
#: Dash pattern added to layers the data marks as approximate.
APPROXIMATE_DASH = "6 4"
#: Style of a disputed-territory outline when the layer's kind is not at hand.
BOUNDARY_STYLE: dict[str, object] = {
    **BOUNDARY_STYLES["historical_area"], "fill": True, "fillColor": "#7b3294",
    "fillOpacity": 0.05,
}
#: The same, for an outline the data marks as approximate.
APPROXIMATE_BOUNDARY_STYLE: dict[str, object] = {**BOUNDARY_STYLE, "dashArray": APPROXIMATE_DASH}


def boundary_style(kind: str, *, approximate: bool = False) -> dict[str, object]:
    """Leaflet path options for a boundary layer of ``kind``."""
    out = dict(BOUNDARY_STYLES.get(kind, DEFAULT_BOUNDARY_STYLE))
    if approximate:
        out["dashArray"] = APPROXIMATE_DASH
    return out


def side_colour(side: str) -> str:
    return SIDE_COLOURS.get(side, UNKNOWN_COLOUR)


def type_shape(event_type: str) -> str:
    return TYPE_SHAPES.get(event_type, UNKNOWN_SHAPE)


def marker_svg(event_type: str, side: str, *, size: int = MARKER_SIZE_PX) -> str:
    """Inline SVG of one symbol: the type's shape filled with the side's colour."""
    return (
        f'<svg width="{size}" height="{size}" '
        f'viewBox="0 0 20 20"><path d="{type_shape(event_type)}" '
        f'fill="{side_colour(side)}" stroke="{OUTLINE_COLOUR}" stroke-width="1.2"/></svg>'
    )


def legend_entries() -> dict[str, list[tuple[str, str]]]:
    """Legend rows as (label, inline SVG) per section, in vocabulary order."""
    return {
        "Reporting side (colour)": [
            (SIDE_LABELS[s], marker_svg("ceasefire", s, size=14)) for s in SIDES
        ],
        "Event type (shape)": [
            (TYPE_LABELS[t], _grey_svg(t)) for t in EVENT_TYPES
        ],
    }


def _grey_svg(event_type: str) -> str:
    return (
        '<svg width="14" height="14" viewBox="0 0 20 20">'
        f'<path d="{type_shape(event_type)}" fill="{LEGEND_SHAPE_COLOUR}" '
        f'stroke="{OUTLINE_COLOUR}" stroke-width="1.2"/></svg>'
    )


def legend_html() -> str:
    """Self-contained legend block (inline styles only, so it works in any page)."""
    parts = [
        '<div class="kcm-legend" style="background:rgba(255,255,255,0.92);padding:6px 9px;'
        'border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,0.35);font:12px/1.35 sans-serif;'
        'color:#222;">'
    ]
    for title, rows in legend_entries().items():
        parts.append(f'<div style="font-weight:bold;margin-top:2px;">{html.escape(title)}</div>')
        for label, svg in rows:
            parts.append(
                '<div style="display:flex;align-items:center;gap:5px;">'
                f"{svg}<span>{html.escape(label)}</span></div>"
            )
    parts.append("</div>")
    return "".join(parts)


def as_date(value: Any) -> dt.date | None:
    """A day from a date, a timestamp or ISO text; None when missing or unreadable."""
    if value is None or value is pd.NA or value is pd.NaT or \
            (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.datetime):  # pandas' Timestamp too
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def date_text(value: Any, precision: str | None, *, short: bool = False) -> str:
    """An event date written as exactly as its precision allows (plain text).

    ``short`` is the form of the figure's event list, whose date column is
    ten characters wide ("2020-10", "wk 2020-10-05").
    """
    day = as_date(value)
    if day is None:
        return "unknown" if short else "date unknown"
    if precision == "year":
        return f"{day.year}"
    if precision == "month":
        return day.strftime("%Y-%m" if short else "%B %Y")
    if precision == "week":
        return f"{'wk' if short else 'week of'} {day.isoformat()}"
    return day.isoformat()
