"""A briefing figure of one view of the map, drawn with matplotlib and no browser.

Briefers put these figures in front of people who did not see the page, often
printed, so everything a reader needs to judge the picture is on it: what was
selected (subtitle), what the symbols mean (legend), how far things are (scale
bar), where this is (north arrow, locator inset), how many claims each side
made, which lines are only approximations, where the data come from, when the
figure was made and a code that reopens the same view.

The figure is built on :class:`matplotlib.figure.Figure` directly, never
``pyplot``: no global figure registry, so the page can render snapshots from
several sessions at once. Events use the map's styling (``dashboard.style``), so
the picture matches what the analyst saw.

Coordinates stay in longitude/latitude with the axes' aspect set to
``1/cos(latitude)`` (what geopandas does for geographic data): at the scale of
the South Caucasus that keeps shapes and the scale bar true to within a few
per cent, and needs no reprojection of 100,000 events.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import math
import textwrap
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.ft2font import FT2Font
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Bbox
from matplotlib_scalebar.scalebar import ScaleBar

from dashboard import style
from dashboard.query import apply_view
from dashboard.view import View, view_code
from events.schema import EVENT_TYPES, SIDE_LABELS, SIDES, TYPE_LABELS

# -- pages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """A paper or screen format: size in inches and which way the layout runs."""

    name: str
    width_in: float
    height_in: float

    @property
    def landscape(self) -> bool:
        return self.width_in >= self.height_in


#: The formats briefers ask for: a 16:9 slide (PowerPoint's default size) and A4 both ways.
PRESETS: dict[str, Page] = {
    "slide": Page("slide", 40 / 3, 7.5),
    "a4-landscape": Page("a4-landscape", 297 / 25.4, 210 / 25.4),
    "a4-portrait": Page("a4-portrait", 210 / 25.4, 297 / 25.4),
}
DPI_RANGE = (50, 600)

#: What the map shows when neither the view nor the events give an extent: the
#: former oblast with the surrounding districts and the Armenian border (W, S, E, N).
DEFAULT_EXTENT = (44.9, 38.8, 48.0, 40.9)
#: The inset locator's frame: the South Caucasus and its neighbours.
LOCATOR_EXTENT = (38.5, 36.8, 51.5, 43.8)
#: Place labels drawn at most (the busiest places win).
MAX_LABELS = 12
#: The font every text uses; it ships with matplotlib, so figures look the same everywhere.
FONT = "DejaVu Sans"
#: Fixed-width companion, for the view code and the event list's columns.
MONO_FONT = "DejaVu Sans Mono"
#: Longest title/label kept before cutting with an ellipsis.
MAX_TEXT = 160
#: Title of a figure when the briefer gives none.
DEFAULT_TITLE = "Karabakh conflict: reported events"
_METRES_PER_DEGREE = 111_320.0


def get_page(preset: str) -> Page:
    """The page for a preset name; a clear ``ValueError`` for an unknown one."""
    try:
        return PRESETS[preset]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}"
        ) from None


def check_dpi(dpi: float) -> int:
    """A whole DPI within :data:`DPI_RANGE` (beyond it images get useless or huge)."""
    if isinstance(dpi, bool) or not isinstance(dpi, int | float) or not math.isfinite(dpi):
        raise ValueError(f"DPI must be a number, got {dpi!r}")
    low, high = DPI_RANGE
    if not low <= dpi <= high:
        raise ValueError(f"DPI {dpi:g} is outside {low}..{high}")
    return int(round(dpi))


def pixel_size(preset: str, dpi: float) -> tuple[int, int]:
    """Width and height in pixels of a PNG of this preset at this DPI."""
    page, dpi = get_page(preset), check_dpi(dpi)
    return round(page.width_in * dpi), round(page.height_in * dpi)


# -- the view ------------------------------------------------------------------------


# -- safe text -----------------------------------------------------------------------


@functools.cache
def _font_charmap(family: str = FONT) -> frozenset[int]:
    path = findfont(FontProperties(family=family), fallback_to_default=True)
    return frozenset(FT2Font(path).get_charmap())


def clean_text(text: object, limit: int = MAX_TEXT, *, font: str = FONT) -> str:
    """Text from articles made safe to draw: one line, printable, in the font, not too long.

    Control and format characters go, characters the font lacks become "?"
    (matplotlib would warn and draw boxes), and long text is cut with an
    ellipsis. ``$`` needs nothing here: every text is drawn with
    ``parse_math=False``, so mathtext never sees it.
    """
    charmap = _font_charmap(font)
    out = []
    for ch in str(text)[: limit * 4]:
        if ch in "\t\n\r\x0b\x0c\x85\u2028\u2029":
            out.append(" ")
            continue
        category = unicodedata.category(ch)
        if category[0] == "C" or category in ("Zl", "Zp"):
            continue
        out.append(ch if ord(ch) in charmap else "?")
    cleaned = " ".join("".join(out).split())
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + "\u2026"
    return cleaned


def _wrap(text: str, width: int, max_lines: int) -> str:
    lines = textwrap.wrap(text, width=max(width, 10)) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(width - 1, 1)].rstrip() + "\u2026"
    return "\n".join(lines)


# -- what the figure says ------------------------------------------------------------


def date_range_text(view: View, shown: pd.DataFrame) -> str:
    """The date range in words, with the events' own span when the view has no bounds."""
    if view.start is None and view.end is None:
        span = ""
        if len(shown) and shown["date_start"].notna().any():
            first = shown["date_start"].min().date().isoformat()
            last = shown["date_end"].max().date().isoformat()
            span = f" (events {first} to {last})"
        return f"all dates{span}"
    undated = ", undated events included" if view.include_undated else ""
    if view.start is None:
        return f"until {view.end.isoformat()}{undated}"  # type: ignore[union-attr]
    if view.end is None:
        return f"from {view.start.isoformat()}{undated}"
    return f"{view.start.isoformat()} to {view.end.isoformat()}{undated}"


def _listed(label: str, values: Sequence[str], limit: int = 3) -> str:
    more = f" and {len(values) - limit} more" if len(values) > limit else ""
    return f"{label} {', '.join(values[:limit])}{more}"


def describe_filters(view: View, shown: pd.DataFrame) -> str:
    """One line stating every filter of the view, as the subtitle prints it.

    A reader of the figure did not see the page, so a filter left out here
    would make the picture look like more than it is.
    """
    sides = (", ".join(SIDE_LABELS[s] for s in view.sides) if view.sides
             else "all reporting sides")
    types = (", ".join(TYPE_LABELS[t] for t in view.types) if view.types
             else "all event types")
    parts = [date_range_text(view, shown), sides, types]
    for label, values in (("claimed by", view.claimants), ("in", view.regions),
                          ("reported by", view.outlets), ("from article(s)", view.articles)):
        if values:
            parts.append(_listed(label, values))
    if view.precise_geo:
        parts.append("placed at a settlement only")
    if view.precise_date:
        parts.append("dated to the day only")
    if view.min_fatalities:
        parts.append(f"at least {view.min_fatalities:,} killed")
    if view.text:
        parts.append(f"matching \u201c{view.text}\u201d")
    if view.bbox is not None:
        west, south, east, north = (f"{v:.4f}".rstrip("0").rstrip(".") for v in view.bbox)
        parts.append(f"area {west} to {east}\u00b0E, {south} to {north}\u00b0N")
    count = len(shown)
    located = int((shown["lon"].notna() & shown["lat"].notna()).sum()) if count else 0
    total = f"{count:,} event{'s' if count != 1 else ''}"
    if located < count:
        total += f" ({count - located:,} without a known place, not drawn)"
    parts.append(total)
    return " \u00b7 ".join(parts)


def side_counts(shown: pd.DataFrame) -> dict[str, int]:
    """Events per reporting side in vocabulary order (zero included)."""
    counts = shown["reporting_side"].value_counts() if len(shown) else pd.Series(dtype=int)
    return {side: int(counts.get(side, 0)) for side in SIDES}


def boundary_day(view: View, shown: pd.DataFrame, today: dt.date) -> dt.date:
    """The date whose boundaries are drawn: the end of the range, as the page does.

    Without an end date the last day any shown event may stand for; without
    events, today.
    """
    if view.end is not None:
        return view.end
    if len(shown) and shown["date_end"].notna().any():
        return shown["date_end"].max().date()
    return today


# -- geography -----------------------------------------------------------------------


@dataclass(frozen=True)
class Geography:
    """What is drawn under the events; passed in so tests and benchmarks control I/O."""

    basemap: Mapping[str, gpd.GeoDataFrame]
    layers: Any  # what geodata.layers.load_layers returns: {name: Layer}
    credits: str
    messages: tuple[str, ...] = ()


@functools.cache
def load_geography() -> Geography:
    """The committed basemap and boundary layers (read once per process: they do not change)."""
    from geodata import layers as geolayers

    layers, messages = geolayers.load_layers()
    return Geography(
        basemap=geolayers.load_basemap(),
        layers=layers,
        credits=_credits_text(geolayers.CREDITS),
        messages=tuple(str(m) for m in messages),
    )


def _credits_text(credits: object) -> str:
    if isinstance(credits, str):
        return credits
    if isinstance(credits, Mapping):
        return "; ".join(str(v) for v in credits.values())
    if isinstance(credits, Sequence):
        return "; ".join(str(v) for v in credits)
    return str(credits)


def valid_layers(geography: Geography, day: dt.date) -> list[Any]:
    from geodata import layers as geolayers

    return list(geolayers.layers_valid_on(day, geography.layers))


# -- drawing helpers -----------------------------------------------------------------

_RC = {
    "text.usetex": False,
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "svg.fonttype": "none",
    "pdf.fonttype": 42,
    "axes.unicode_minus": True,
    "path.simplify": True,
    "agg.path.chunksize": 10000,
}


@contextlib.contextmanager
def figure_rc() -> Iterator[None]:
    """The settings every snapshot is drawn and saved with, whatever the user's matplotlibrc."""
    with mpl.rc_context(_RC):
        yield


def _leaflet_to_mpl(options: Mapping[str, object]) -> dict[str, Any]:
    """Leaflet path options from ``dashboard.style`` as matplotlib patch/line settings.

    Leaflet widths and dashes are CSS pixels (1 px = 0.75 pt).
    """
    stroke = bool(options.get("stroke", True))
    fill = bool(options.get("fill", True))
    colour = str(options.get("color", "#3388ff"))
    width = float(options.get("weight", 3)) * 0.75 if stroke else 0.0
    fill_colour = str(options.get("fillColor", colour))
    fill_alpha = float(options.get("fillOpacity", 0.2))
    out: dict[str, Any] = {
        "facecolor": mpl.colors.to_rgba(fill_colour, fill_alpha) if fill else "none",
        "edgecolor": mpl.colors.to_rgba(colour, float(options.get("opacity", 1.0)))
        if stroke else "none",
        "linewidth": width,
    }
    dash = options.get("dashArray")
    if stroke and dash and width > 0:
        pattern = tuple(float(v) * 0.75 / width for v in str(dash).replace(",", " ").split())
        if pattern:
            out["linestyle"] = (0, pattern)
    return out


def _polygon_path(geoms: np.ndarray) -> MplPath | None:
    """One compound path of polygons, holes wound against their shells (non-zero fill)."""
    oriented = shapely.orient_polygons(geoms, exterior_cw=False)
    vertices: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for polygon in shapely.get_parts(oriented):
        rings = [polygon.exterior, *polygon.interiors]
        for ring in rings:
            xy = np.asarray(ring.coords)
            if len(xy) < 3:
                continue
            ring_codes = np.full(len(xy), MplPath.LINETO, dtype=MplPath.code_type)
            ring_codes[0] = MplPath.MOVETO
            ring_codes[-1] = MplPath.CLOSEPOLY
            vertices.append(xy[:, :2])
            codes.append(ring_codes)
    if not vertices:
        return None
    return MplPath(np.concatenate(vertices), np.concatenate(codes))


def _draw_frame(ax, gdf: gpd.GeoDataFrame | None, extent: tuple[float, ...], *,
                zorder: float, facecolor: Any = "none", edgecolor: Any = "none",
                linewidth: float = 0.0, linestyle: Any = "solid", gid: str | None = None
                ) -> None:
    """Draw the polygons and lines of a frame that touch ``extent`` as two artists.

    Geometries go straight into one ``PathPatch`` and one ``LineCollection``:
    ``GeoDataFrame.plot`` redraws the whole figure on every call, which costs
    more than the snapshot itself.
    """
    if gdf is None or len(gdf) == 0:
        return
    west, south, east, north = extent
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    if len(geoms) == 0:
        return
    clipped = shapely.clip_by_rect(geoms, west, south, east, north)
    parts = shapely.get_parts(clipped[~shapely.is_empty(clipped)])
    polygons = parts[shapely.get_type_id(parts) == 3]
    if len(polygons) and facecolor != "none":
        path = _polygon_path(polygons)
        if path is not None:
            ax.add_patch(PathPatch(path, facecolor=facecolor, edgecolor="none", zorder=zorder,
                                   gid=gid))
    if edgecolor != "none" and linewidth > 0:
        # Outlines from the unclipped shapes, so the clip rectangle draws no false border.
        kinds = shapely.get_type_id(geoms)
        rings = np.where(np.isin(kinds, (3, 6)), shapely.boundary(geoms), geoms)
        rings = shapely.clip_by_rect(rings, west, south, east, north)
        pieces = shapely.get_parts(rings[~shapely.is_empty(rings)])
        pieces = pieces[np.isin(shapely.get_type_id(pieces), (1, 2))]
        outlines = [np.asarray(g.coords)[:, :2] for g in pieces]
        if outlines:
            ax.add_collection(LineCollection(outlines, colors=[edgecolor], linewidths=linewidth,
                                             linestyles=[linestyle], zorder=zorder + 0.1,
                                             gid=gid), autolim=False)


def _text(target, x: float, y: float, s: str, **kw: Any):
    """Every text goes through here: never parsed as mathtext, always in the project's font."""
    return target.text(x, y, s, parse_math=False, **kw)


def _by_gid(parent, gid: str) -> list[Any]:
    return [a for a in parent.get_children() if a.get_gid() == gid]


def _no_math(legend: Legend) -> Legend:
    for t in legend.get_texts():
        t.set_parse_math(False)
    legend.get_title().set_parse_math(False)
    return legend


#: Events farther than this (degrees) from the events' median are outliers when framing
#: (a statement in Washington about Karabakh should not zoom the map out to the world).
FAR_AWAY_DEG = 6.0


def frame_extent(view: View, shown: pd.DataFrame) -> tuple[float, float, float, float]:
    """The map's area: the view's frame, else the filter box, else the events with a margin.

    A few events far from the rest (up to a quarter) are left out of the frame, so
    the map shows where things happened; they stay counted. The page and the
    standalone HTML use the same frame as the figure.
    """
    if view.extent is not None:
        return view.extent
    if view.bbox is not None:
        return view.bbox
    located = shown[shown["lon"].notna() & shown["lat"].notna()]
    if len(located) == 0:
        return DEFAULT_EXTENT
    lon, lat = located["lon"].to_numpy(dtype=float), located["lat"].to_numpy(dtype=float)
    near = ((np.abs(lon - np.median(lon)) <= FAR_AWAY_DEG)
            & (np.abs(lat - np.median(lat)) <= FAR_AWAY_DEG))
    if near.sum() >= 0.75 * len(lon):
        lon, lat = lon[near], lat[near]
    west, east, south, north = lon.min(), lon.max(), lat.min(), lat.max()
    cx, cy = (west + east) / 2, (south + north) / 2
    half_w = max((east - west) / 2 * 1.12, 0.35)
    half_h = max((north - south) / 2 * 1.12, 0.25)
    return (max(cx - half_w, -180.0), max(cy - half_h, -90.0),
            min(cx + half_w, 180.0), min(cy + half_h, 90.0))


def _aspect(lat: float) -> float:
    return 1.0 / max(math.cos(math.radians(lat)), 0.05)


def fit_extent(extent: tuple[float, float, float, float], box_ratio: float
               ) -> tuple[float, float, float, float]:
    """Grow ``extent`` around its centre so that, drawn at the ``1/cos(lat)`` aspect, it
    fills a box of ``height/width = box_ratio`` exactly (no blank bands, nothing cut)."""
    west, south, east, north = extent
    cx, cy = (west + east) / 2, (south + north) / 2
    width, height = east - west, north - south
    aspect = _aspect(cy)
    if height * aspect / width < box_ratio:
        height = width * box_ratio / aspect
    else:
        width = height * aspect / box_ratio
    south, north = max(cy - height / 2, -90.0), min(cy + height / 2, 90.0)
    return cx - width / 2, south, cx + width / 2, north


# -- events --------------------------------------------------------------------------

#: How precision is drawn: a filled symbol is a place, hollow ones are approximate
#: (district), larger hollow ones are only known to a region or country.
PRECISION_STYLES: dict[str, dict[str, Any]] = {
    "exact": {"label": "Exact place (filled)", "filled": True, "scale": 1.0},
    "district": {"label": "District only (hollow)", "filled": False, "scale": 1.2},
    "coarse": {"label": "Region or country only (large, hollow)", "filled": False,
               "scale": 1.9},
}


def _precision_class(geo_precision: pd.Series) -> pd.Series:
    return geo_precision.map({"settlement": "exact", "district": "district"}).fillna("coarse")


def _marker_points(n: int, page: Page) -> float:
    """Symbol size in points: smaller as events crowd, so 10,000 stay readable."""
    base = 7.5 * min(page.width_in, page.height_in) / 7.5
    if n > 20_000:
        return base * 0.45
    if n > 2_000:
        return base * 0.6
    if n > 300:
        return base * 0.8
    return base


#: Events sharing one point (an area's centre) are spread on a sunflower spiral, as
#: on the interactive map, at most this many turns out; later ones reuse the positions.
SPREAD_MAX_RANK = 150
_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def spread_points(lon: np.ndarray, lat: np.ndarray, step: tuple[float, float]
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Positions with events at the same point moved apart on a sunflower spiral.

    ``step`` is the spacing in data units (x, y). The first event at a point
    stays on it; the point itself is where the data puts it.
    """
    if len(lon) == 0:
        return lon, lat
    keys = pd.DataFrame({"x": np.round(lon, 6), "y": np.round(lat, 6)})
    rank = keys.groupby(["x", "y"], sort=False).cumcount().to_numpy()
    rank = np.where(rank > SPREAD_MAX_RANK, (rank - 1) % SPREAD_MAX_RANK + 1, rank)
    radius = np.sqrt(rank)
    angle = rank * _GOLDEN_ANGLE
    return lon + step[0] * radius * np.cos(angle), lat + step[1] * radius * np.sin(angle)


def _draw_events(ax, located: pd.DataFrame, page: Page, rasterize: bool,
                 box: tuple[float, float, float, float], map_size_in: tuple[float, float]
                 ) -> None:
    size = _marker_points(len(located), page)
    # Spacing of shared points: a symbol and a bit, in data units of this map.
    step_pt = size * 1.15
    step = (step_pt * (box[2] - box[0]) / (map_size_in[0] * 72),
            step_pt * (box[3] - box[1]) / (map_size_in[1] * 72))
    xs, ys = spread_points(located["lon"].to_numpy(dtype=float),
                           located["lat"].to_numpy(dtype=float), step)
    precision = _precision_class(located["geo_precision"])
    colours = located["reporting_side"].map(style.SIDE_COLOURS).fillna(style.UNKNOWN_COLOUR)
    alpha = 0.9 if len(located) < 2000 else 0.7
    order = ("coarse", "district", "exact")  # the precise on top
    for level in order:
        spec = PRECISION_STYLES[level]
        in_level = (precision == level).to_numpy()
        for event_type in EVENT_TYPES:
            mask = in_level & (located["event_type"] == event_type).to_numpy()
            if not mask.any():
                continue
            marker = style.TYPE_MPL_MARKERS.get(event_type, "o")
            s = (size * spec["scale"] * (1.35 if marker == "*" else 1.0)) ** 2
            rgba = mpl.colors.to_rgba_array(colours.to_numpy()[mask], alpha)
            if spec["filled"]:
                kw = {"c": rgba, "edgecolors": style.OUTLINE_COLOUR, "linewidths": 0.4}
            else:
                kw = {"facecolors": "none", "edgecolors": rgba,
                      "linewidths": 1.1 if level == "district" else 0.9}
            ax.scatter(xs[mask], ys[mask], s=s, marker=marker, zorder=5, rasterized=rasterize,
                       gid=f"events-{level}", **kw)


# -- labels --------------------------------------------------------------------------


def busiest_places(located: pd.DataFrame, extent: tuple[float, ...], limit: int) -> pd.DataFrame:
    """The ``limit`` places with most events inside ``extent``: name, lon, lat, count."""
    west, south, east, north = extent
    inside = located[located["lon"].between(west, east) & located["lat"].between(south, north)]
    if len(inside) == 0 or limit <= 0:
        return pd.DataFrame(columns=["name", "lon", "lat", "count"])
    name = inside["place"].where(inside["place"].astype(str).str.strip() != "",
                                 inside["location_name"])
    name = name.astype(str).str.strip()
    table = inside.assign(name=name)[lambda t: t["name"] != ""]
    grouped = table.groupby("name", sort=False).agg(
        lon=("lon", "median"), lat=("lat", "median"), count=("event_id", "size"))
    grouped = grouped.reset_index().sort_values(["count", "name"], ascending=[False, True])
    return grouped.head(limit).reset_index(drop=True)


#: Where a label may sit relative to its point, tried in this order (points).
_LABEL_OFFSETS = ((5, 3, "left", "bottom"), (-5, 3, "right", "bottom"),
                  (5, -3, "left", "top"), (-5, -3, "right", "top"))


def place_labels(ax, renderer, candidates: Sequence[tuple[str, float, float]], *,
                 occupied: list[Bbox], fontsize: float, colour: str = "#111111",
                 gid: str = "place-label", weight: str = "bold",
                 limit: int | None = None) -> list[Any]:
    """Greedy labelling: each label takes the first offset that overlaps nothing placed.

    Candidates come best first; one that fits nowhere is dropped, so labels are
    never drawn over each other (or over the map's furniture in ``occupied``).
    """
    axes_box = ax.get_window_extent(renderer)
    placed = []
    halo = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    for text, lon, lat in candidates:
        if limit is not None and len(placed) >= limit:
            break
        for dx, dy, ha, va in _LABEL_OFFSETS:
            label = ax.annotate(
                clean_text(text, 40), (lon, lat), xytext=(dx, dy), textcoords="offset points",
                ha=ha, va=va, fontsize=fontsize, color=colour, fontweight=weight, zorder=7,
                annotation_clip=True, path_effects=halo, gid=gid,
            )
            label.set_parse_math(False)
            box = label.get_window_extent(renderer).expanded(1.06, 1.15)
            inside = (box.x0 >= axes_box.x0 and box.x1 <= axes_box.x1
                      and box.y0 >= axes_box.y0 and box.y1 <= axes_box.y1)
            if inside and not any(box.overlaps(other) for other in occupied):
                occupied.append(box)
                placed.append(label)
                break
            label.remove()
    return placed


# -- the figure ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    header_top: float
    map_rect: tuple[float, float, float, float]
    inset_rect: tuple[float, float, float, float]
    legend_rect: tuple[float, float, float, float]
    footer_y: float


def _layout(page: Page) -> _Layout:
    if page.landscape:
        return _Layout(header_top=0.975, map_rect=(0.015, 0.085, 0.665, 0.755),
                       inset_rect=(0.70, 0.585, 0.285, 0.255),
                       legend_rect=(0.70, 0.085, 0.285, 0.48), footer_y=0.012)
    return _Layout(header_top=0.98, map_rect=(0.04, 0.37, 0.92, 0.52),
                   inset_rect=(0.04, 0.085, 0.30, 0.24),
                   legend_rect=(0.37, 0.085, 0.59, 0.26), footer_y=0.01)


def _fit_lines(artist, text: str, renderer, max_px: float, *, lines: int,
               hard: bool = False) -> None:
    """Wrap ``text`` into at most ``lines`` lines no wider than ``max_px``, measured.

    Character counts guess widths badly (bold capitals, a long URL with no
    spaces), so this wraps, measures the drawn text and wraps narrower until
    it fits; the last line ends with an ellipsis when text had to go.
    """
    chars = max(len(text), 10)
    for _ in range(6):
        if hard:  # cut anywhere: a code must read back whole when the lines are joined
            wrapped = [text[i:i + chars] for i in range(0, len(text), chars)] or [""]
        else:
            wrapped = textwrap.wrap(text, width=chars, break_long_words=True,
                                    break_on_hyphens=False) or [""]
        if len(wrapped) > lines:
            wrapped = wrapped[:lines]
            wrapped[-1] = wrapped[-1][: max(chars - 1, 1)].rstrip() + "\u2026"
        artist.set_text("\n".join(wrapped))
        width = artist.get_window_extent(renderer).width
        if width <= max_px:
            return
        longest = max(len(line) for line in wrapped)
        chars = max(int(longest * max_px / width) - 1, 5)


def _below(fig: Figure, artist, renderer, *, gap: float) -> float:
    """Figure-fraction height just under ``artist``."""
    bottom = artist.get_window_extent(renderer).y0
    return float(fig.transFigure.inverted().transform((0, bottom))[1]) - gap


def _fit_layout(layout: _Layout, *, top: float, bottom: float) -> _Layout:
    """The layout with the map and side panel between the header (``top``) and the footer."""
    mx, my, mw, mh = layout.map_rect
    ix, iy, iw, ih = layout.inset_rect
    lx, ly, lw, lh = layout.legend_rect
    if layout.map_rect[1] < iy:  # landscape: the panel runs beside the map
        my = max(my, bottom)
        mh = max(min(my + mh, top) - my, 0.2)
        iy = my + mh - ih
        ly = max(ly, bottom)
        lh = max(iy - 0.02 - ly, 0.15)
    else:  # portrait: the panel is under the map
        shift = max(bottom - iy, 0.0)
        iy, ly = iy + shift, ly + shift
        my = max(my, iy + ih + 0.02)
        mh = max(min(layout.map_rect[1] + layout.map_rect[3], top) - my, 0.2)
    return dataclasses.replace(layout, map_rect=(mx, my, mw, mh), inset_rect=(ix, iy, iw, ih),
                               legend_rect=(lx, ly, lw, lh))


def figure_inches(page: Page, dpi: int, *, raster: bool) -> tuple[float, float]:
    """Figure size; for raster output nudged so the PNG has exactly ``round(size * dpi)`` px."""
    if not raster:
        return page.width_in, page.height_in
    width_px, height_px = round(page.width_in * dpi), round(page.height_in * dpi)
    # matplotlib truncates width*dpi; half a pixel more makes the truncation land on the target.
    return (width_px + 0.5) / dpi, (height_px + 0.5) / dpi


def render_snapshot(
    frame: pd.DataFrame,
    view: View,
    *,
    title: str = "",
    preset: str = "slide",
    dpi: float = 150,
    raster: bool = True,
    geography: Geography | None = None,
    generated_at: dt.datetime | None = None,
    link_base: str = "",
    max_labels: int = MAX_LABELS,
) -> Figure:
    """The briefing figure of ``view`` over ``frame`` (the view's filters are applied here).

    ``frame`` is an ``events.table`` frame (the whole store or an already
    filtered one: filtering twice changes nothing). ``raster`` sizes the figure
    for a PNG of exact pixel size; ``False`` keeps the exact paper size for PDF.
    ``geography`` defaults to the committed basemap and boundary layers.
    """
    page, dpi = get_page(preset), check_dpi(dpi)
    geography = geography if geography is not None else load_geography()
    generated_at = generated_at or dt.datetime.now(dt.UTC)
    shown = apply_view(frame, view)
    located = shown[shown["lon"].notna() & shown["lat"].notna()]
    layout = _layout(page)
    scale = min(page.width_in, page.height_in) / 7.5

    with figure_rc():
        fig = Figure(figsize=figure_inches(page, dpi, raster=raster), dpi=dpi,
                     facecolor="white")
        FigureCanvasAgg(fig)
        renderer = fig.canvas.get_renderer()

        # ---- header: title, then the filters; the map starts below whatever they need
        left_px = 0.015 * fig.bbox.width
        max_px = fig.bbox.width * 0.97
        title = clean_text(title) or DEFAULT_TITLE
        title_artist = _text(fig, 0.015, layout.header_top, title, ha="left", va="top",
                             fontsize=20 * scale, fontweight="bold", gid="title")
        _fit_lines(title_artist, title, renderer, max_px - left_px, lines=2)
        subtitle = describe_filters(view, shown)
        sub_y = _below(fig, title_artist, renderer, gap=0.006)
        sub_artist = _text(fig, 0.015, sub_y, subtitle, ha="left", va="top",
                           fontsize=11 * scale, color="#333333", gid="subtitle")
        _fit_lines(sub_artist, subtitle, renderer, max_px - left_px, lines=3)
        header_bottom = _below(fig, sub_artist, renderer, gap=0.015)

        # ---- footer, stacked from the bottom: reopen code, generation time, credits
        code = view_code(view)
        link = clean_text(f"{link_base}?{code}" if code else f"{link_base}? (all events)", 600,
                          font=MONO_FONT)
        reopen = f"Reopen this view: {link}"
        stamp = generated_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        credits = clean_text(f"Data: {geography.credits}. Events: claims extracted from news "
                             "reports by Karabakh Conflict Map; each is one side's claim, not a "
                             "verified fact.", 600)
        y = layout.footer_y
        for text, gid, family in (
            (reopen, "reopen", MONO_FONT),
            (f"Generated {stamp}", "generated", FONT),
            (credits, "credits", FONT),
        ):
            artist = _text(fig, 0.015, y, text, ha="left", va="bottom", fontsize=7 * scale,
                           color="#444444", family=family, gid=gid)
            reopen_line = gid == "reopen"
            _fit_lines(artist, text, renderer, max_px - left_px, lines=3 if reopen_line else 2,
                       hard=reopen_line)
            top = artist.get_window_extent(renderer).y1
            y = fig.transFigure.inverted().transform((0, top))[1] + 0.002
        footer_top = y + 0.008
        layout = _fit_layout(layout, top=header_bottom, bottom=footer_top)

        # ---- map
        ax = fig.add_axes(layout.map_rect, gid="map")
        extent = frame_extent(view, shown)
        map_w_in = layout.map_rect[2] * page.width_in
        map_h_in = layout.map_rect[3] * page.height_in
        box = fit_extent(extent, map_h_in / map_w_in)
        lat0 = (box[1] + box[3]) / 2
        ax.set_facecolor(style.BASEMAP_STYLES.get("water", {}).get("fillColor", "#c6dbef"))
        ax.set_xlim(box[0], box[2])
        ax.set_ylim(box[1], box[3])
        ax.set_aspect(_aspect(lat0), adjustable="box")
        margin = (box[0] - 0.5, box[1] - 0.5, box[2] + 0.5, box[3] + 0.5)

        basemap = geography.basemap
        land_style = _leaflet_to_mpl(style.BASEMAP_STYLES.get("land", {}))
        water_style = _leaflet_to_mpl(style.BASEMAP_STYLES.get("water", {}))
        country_style = _leaflet_to_mpl(style.BASEMAP_STYLES.get("countries", {}))
        _draw_frame(ax, basemap.get("land"), margin, zorder=0, **land_style)
        _draw_frame(ax, basemap.get("water"), margin, zorder=1, **water_style)
        _draw_frame(ax, basemap.get("countries"), margin, zorder=3,
                    **{**country_style, "facecolor": "none"})

        day = boundary_day(view, shown, generated_at.date())
        layer_handles, approximate = _draw_boundaries(ax, geography, day, margin)
        _draw_events(ax, located, page, rasterize=not raster and len(located) > 3000, box=box,
                     map_size_in=(map_w_in, map_h_in))
        ax.set_xlim(box[0], box[2])
        ax.set_ylim(box[1], box[3])
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_edgecolor("#555555")

        # ---- map furniture: north arrow, scale bar, notes
        occupied: list[Bbox] = []
        arrow = ax.annotate(
            "N", xy=(0.955, 0.95), xytext=(0.955, 0.84), xycoords="axes fraction",
            textcoords="axes fraction", ha="center", va="center", fontsize=12 * scale,
            fontweight="bold", zorder=8, gid="north-arrow",
            arrowprops={"facecolor": "black", "edgecolor": "black", "width": 3 * scale,
                        "headwidth": 10 * scale, "headlength": 10 * scale},
            bbox={"boxstyle": "circle,pad=0.15", "facecolor": "white", "edgecolor": "none",
                  "alpha": 0.8},
        )
        arrow.set_parse_math(False)
        scalebar = ScaleBar(
            _METRES_PER_DEGREE * math.cos(math.radians((box[1] + box[3]) / 2)), units="m",
            dimension="si-length", location="lower left", length_fraction=0.22,
            box_alpha=0.8, rotation="horizontal-only",
            font_properties={"family": FONT, "size": 8 * scale},
        )
        scalebar.set_gid("scalebar")
        scalebar.set_zorder(8)
        ax.add_artist(scalebar)
        notes = []
        if approximate:
            notes.append("Approximate boundaries (dashed): " + "; ".join(approximate))
        notes.append(f"Boundaries as of {day.isoformat()}")
        note_text = clean_text(" \u00b7 ".join(notes), 400)
        note = _text(ax, 0.99, 0.012, note_text,
                     transform=ax.transAxes, ha="right", va="bottom", fontsize=7 * scale,
                     color="#333333", zorder=8, gid="boundary-note",
                     bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none",
                           "boxstyle": "round,pad=0.3"})
        _fit_lines(note, note_text, renderer, ax.get_window_extent(renderer).width * 0.62,
                   lines=4)
        if len(shown) == 0:
            _text(ax, 0.5, 0.5, "No events match this view", transform=ax.transAxes,
                  ha="center", va="center", fontsize=18 * scale, color="#333333", zorder=9,
                  gid="no-events", bbox={"facecolor": "white", "alpha": 0.9,
                                         "edgecolor": "#888888", "boxstyle": "round,pad=0.6"})
        for artist in (arrow, scalebar, note, *_by_gid(ax, "no-events")):
            occupied.append(artist.get_window_extent(renderer))

        # ---- labels: busiest places first, then towns where room is left
        places = busiest_places(located, box, max_labels)
        labelled = place_labels(
            ax, renderer,
            [(f"{n} ({c})", lon, lat) for n, lon, lat, c in
             places[["name", "lon", "lat", "count"]].itertuples(index=False, name=None)],
            occupied=occupied, fontsize=8 * scale,
        )
        taken = set(places["name"].str.lower())
        _draw_towns(ax, renderer, basemap.get("towns"), box, taken, occupied, scale,
                    limit=max(0, max_labels - len(labelled)) + 6)

        # ---- inset locator
        inset = fig.add_axes(layout.inset_rect, gid="inset")
        _draw_locator(inset, basemap, box)

        # ---- legend and counts
        _draw_legend(fig, layout, view, shown, layer_handles, scale)

        fig.set_gid("snapshot")
    return fig


def _draw_boundaries(ax, geography: Geography, day: dt.date,
                     extent: tuple[float, ...]) -> tuple[list[tuple[Any, str]], list[str]]:
    """Boundary layers valid on ``day``; legend handles, and notes on the approximate ones."""
    handles: list[tuple[Any, str]] = []
    approximate: list[str] = []
    for layer in valid_layers(geography, day):
        is_approx = bool(getattr(layer, "approximate", False))
        spec = _leaflet_to_mpl(style.boundary_style(str(getattr(layer, "kind", "")),
                                                    approximate=is_approx))
        title = clean_text(getattr(layer, "title", "") or getattr(layer, "name", ""), 60)
        gdf = getattr(layer, "frame", None)
        if gdf is None or len(gdf) == 0 or getattr(layer, "name", "") == "countries":
            continue
        _draw_frame(ax, gdf, extent, zorder=4, **spec)
        label = title + (" (approx.)" if is_approx else "")
        handles.append((Patch(**spec), label))
        if is_approx:
            accuracy = clean_text(getattr(layer, "accuracy", ""), 60)
            approximate.append(f"{title}{f' ({accuracy})' if accuracy else ''}")
    return handles, approximate


def _draw_towns(ax, renderer, towns: gpd.GeoDataFrame | None, box: tuple[float, ...],
                taken: set[str], occupied: list[Bbox], scale: float, limit: int) -> None:
    if towns is None or len(towns) == 0 or limit <= 0:
        return
    name_col = next((c for c in ("name", "title", "label") if c in towns.columns), None)
    if name_col is None:
        return
    west, south, east, north = box
    part = towns.cx[west:east, south:north]
    part = part[part.geometry.notna() & ~part.geometry.is_empty]
    part = part[part.geom_type == "Point"]
    rank = next((c for c in ("population", "pop", "rank") if c in part.columns), None)
    if rank is not None:
        part = part.sort_values(rank, ascending=(rank == "rank"))
    candidates = [(str(n), g.x, g.y) for n, g in zip(part[name_col], part.geometry, strict=True)
                  if str(n).strip() and str(n).lower() not in taken][: limit * 3]
    if not candidates:
        return
    placed = place_labels(ax, renderer, candidates, occupied=occupied, fontsize=7 * scale,
                          colour="#555555", gid="town-label", weight="normal", limit=limit)
    if placed:
        ax.scatter([t.xy[0] for t in placed], [t.xy[1] for t in placed], s=(2.2 * scale) ** 2,
                   c="#555555", zorder=4.5, gid="towns", linewidths=0)


def _draw_locator(inset, basemap: Mapping[str, gpd.GeoDataFrame], box: tuple[float, ...]) -> None:
    west, south, east, north = LOCATOR_EXTENT
    # Grow the locator when the view reaches beyond it, so the frame is always visible.
    west, south = min(west, box[0] - 1), min(south, box[1] - 1)
    east, north = max(east, box[2] + 1), max(north, box[3] + 1)
    bounds = inset.get_position()
    fig = inset.get_figure()
    width_in, height_in = fig.get_size_inches()
    extent = fit_extent((west, south, east, north),
                        (bounds.height * height_in) / (bounds.width * width_in))
    west, south, east, north = extent
    inset.set_facecolor(style.BASEMAP_STYLES.get("water", {}).get("fillColor", "#c6dbef"))
    land = _leaflet_to_mpl(style.BASEMAP_STYLES.get("land", {}))
    countries = _leaflet_to_mpl(style.BASEMAP_STYLES.get("countries", {}))
    _draw_frame(inset, basemap.get("land"), extent, zorder=0, **land)
    _draw_frame(inset, basemap.get("countries"), extent, zorder=1,
                **{**countries, "facecolor": "none", "linewidth": 0.5})
    inset.add_patch(Rectangle((box[0], box[1]), box[2] - box[0], box[3] - box[1],
                              fill=False, edgecolor="#d62728", linewidth=1.5, zorder=3,
                              gid="locator-frame"))
    inset.set_xlim(west, east)
    inset.set_ylim(south, north)
    inset.set_aspect(_aspect((south + north) / 2), adjustable="box")
    inset.set_xticks([])
    inset.set_yticks([])
    _text(inset, 0.02, 0.97, "Location", transform=inset.transAxes, ha="left", va="top",
          fontsize=7, color="#333333",
          bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 1})


def _legend_sections(view: View, shown: pd.DataFrame,
                     layer_handles: list[tuple[Any, str]], scale: float
                     ) -> list[tuple[str, str, list[tuple[Any, str]]]]:
    """(gid, title, rows) of each legend block, in reading order."""
    grey = style.LEGEND_SHAPE_COLOUR
    present = set(shown["event_type"]) if len(shown) else set()
    present_types = [t for t in EVENT_TYPES if t in present] or (
        list(view.types) or list(EVENT_TYPES))
    type_rows = [
        (Line2D([], [], linestyle="none", marker=style.TYPE_MPL_MARKERS.get(t, "o"),
                markersize=8 * scale * (1.3 if style.TYPE_MPL_MARKERS.get(t) == "*" else 1),
                markerfacecolor=grey, markeredgecolor=style.OUTLINE_COLOUR), TYPE_LABELS[t])
        for t in present_types
    ]
    counts = side_counts(shown)
    side_rows = [
        (Line2D([], [], linestyle="none", marker="o", markersize=9 * scale,
                markerfacecolor=style.side_colour(s), markeredgecolor=style.OUTLINE_COLOUR),
         f"{SIDE_LABELS[s]}: {counts[s]:,}")
        for s in (view.sides or SIDES)
    ]
    precision_rows = [
        (Line2D([], [], linestyle="none", marker="o", markersize=7 * scale * spec["scale"],
                markerfacecolor=grey if spec["filled"] else "none",
                markeredgecolor=style.OUTLINE_COLOUR if spec["filled"] else grey,
                markeredgewidth=0.5 if spec["filled"] else 1.2), _wrap(spec["label"], 24, 2))
        for spec in PRECISION_STYLES.values()
    ]
    sections = [
        ("legend-sides", "Claims by reporting side", side_rows),
        ("legend-types", "Event type (symbol)", type_rows),
        ("legend-precision", "Location precision", precision_rows),
    ]
    if layer_handles:
        sections.append(("legend-boundaries", "Boundaries",
                         [(h, _wrap(label, 28, 2)) for h, label in layer_handles]))
    return sections


def _draw_legend(fig, layout: _Layout, view: View, shown: pd.DataFrame,
                 layer_handles: list[tuple[Any, str]], scale: float) -> None:
    """Legend blocks flowed into columns inside the legend area, shrunk until they fit."""
    ax = fig.add_axes(layout.legend_rect, gid="legend-area")
    ax.set_axis_off()
    renderer = fig.canvas.get_renderer()
    area = ax.get_window_extent(renderer)
    sections = _legend_sections(view, shown, layer_handles, scale)
    for shrink in (1.0, 0.9, 0.8, 0.7, 0.6, 0.5):
        fontsize = 8.5 * scale * shrink
        legends = []
        x, y, column_width = area.x0, area.y1, 0.0
        fits = True
        to_axes = ax.transAxes.inverted()
        for gid, title, rows in sections:
            legend = Legend(ax, [h for h, _ in rows], [lab for _, lab in rows],
                            loc="upper left", bbox_to_anchor=tuple(to_axes.transform((x, y))),
                            bbox_transform=ax.transAxes,
                            frameon=False, fontsize=fontsize, title=title,
                            title_fontproperties={"weight": "bold", "size": fontsize},
                            alignment="left", handlelength=1.2, handletextpad=0.5,
                            labelspacing=0.4, borderaxespad=0.0, borderpad=0.2,
                            markerscale=shrink)
            legend.set_gid(gid)
            _no_math(legend)
            box = legend.get_window_extent(renderer)
            if box.y0 < area.y0 and y < area.y1:  # start a new column
                x, y = x + column_width + 8 * scale, area.y1
                column_width = 0.0
                legend.set_bbox_to_anchor(tuple(to_axes.transform((x, y))),
                                          transform=ax.transAxes)
                box = legend.get_window_extent(renderer)
            if box.y0 < area.y0 - 1 or box.x1 > area.x1 + 1:
                fits = False
            column_width = max(column_width, box.width)
            y = box.y0 - 4 * scale
            legends.append(legend)
        if fits:
            break
    for legend in legends:
        ax.add_artist(legend)


# -- output ----------------------------------------------------------------------------


def save_png(fig: Figure, target: Any, *, dpi: float, metadata: Mapping[str, str] | None = None
             ) -> None:
    """Write ``fig`` as PNG at ``dpi`` (to a path or a binary file object)."""
    with figure_rc():
        fig.savefig(target, format="png", dpi=check_dpi(dpi), metadata=dict(metadata or {}))


def save_pdf(pages: Sequence[Figure], target: Any, *, dpi: float, title: str = "",
             subject: str = "") -> None:
    """Write figures as the pages of one PDF (to a path or a binary file object)."""
    from matplotlib.backends.backend_pdf import PdfPages

    metadata = {
        "Title": clean_text(title, 300) or DEFAULT_TITLE,
        "Subject": clean_text(subject, 1000),
        "Creator": "Karabakh Conflict Map",
    }
    with figure_rc(), PdfPages(target, metadata=metadata) as pdf:
        for fig in pages:
            pdf.savefig(fig, dpi=check_dpi(dpi))


# -- the event list pages of a PDF handout -------------------------------------------

#: Events listed in a PDF at most; beyond that the list says to use the data exports.
MAX_LISTED = 200
#: Columns of the event list: heading and width in characters of the monospaced font.
_LIST_COLUMNS: tuple[tuple[str, int], ...] = (
    ("Date", 15), ("Type", 17), ("Side", 13), ("Place", 28), ("Claimant", 28), ("Killed", 8),
    ("Notes", 0),  # the rest of the line
)
#: The event list is one monospaced text block per page: aligned columns for a
#: table of hundreds of rows, at a fraction of the cost of one text per cell.
_LIST_FONT = 6.5
_LIST_LINE = 1.3  # line spacing in font sizes
_MONO_WIDTH = 0.602  # advance of a DejaVu Sans Mono character, in font sizes


def rows_per_page(preset: str) -> int:
    """Event rows on one list page of this preset (header and footer take the rest)."""
    page = get_page(preset)
    usable_pt = page.height_in * 72 * (0.90 - 0.06)
    return max(int(usable_pt // (_LIST_FONT * _LIST_LINE * 1.18)) - 1, 5)


def list_page_count(n_events: int, preset: str, max_listed: int = MAX_LISTED) -> int:
    """How many list pages :func:`render_event_pages` makes for ``n_events``."""
    listed = min(n_events, max(max_listed, 0))
    return math.ceil(listed / rows_per_page(preset)) if listed else 0


_SHORT_SIDES = {"armenian": "Armenian", "azerbaijani": "Azerbaijani",
                "third_party": "Third party"}


def _list_cells(row: Mapping[str, Any]) -> list[str]:
    date = style.date_text(row["event_date"], row["date_precision"], short=True)
    place = row["place"] or row["location_name"] or "unknown place"
    if row["geo_precision"] and row["geo_precision"] != "settlement":
        place = f"{place} ({row['geo_precision']})"
    killed = "" if pd.isna(row["fatalities"]) else str(int(row["fatalities"]))
    return [date, TYPE_LABELS.get(row["event_type"], str(row["event_type"])),
            _SHORT_SIDES.get(row["reporting_side"], str(row["reporting_side"])),
            str(place), str(row["claimant"]), killed, str(row["notes"])]


def list_line(cells: Sequence[str], line_chars: int) -> str:
    """One row of the event list: each cell cleaned, cut to its column and padded."""
    parts = []
    used = 0
    for (_, width), cell in zip(_LIST_COLUMNS, cells, strict=True):
        width = width or max(line_chars - used, 8)
        text = clean_text(cell, max(width - 1, 2), font=MONO_FONT)
        parts.append(text.ljust(width))
        used += width
    return "".join(parts).rstrip()


def render_event_pages(shown: pd.DataFrame, view: View, *, title: str = "",
                       preset: str = "a4-landscape", max_listed: int = MAX_LISTED
                       ) -> list[Figure]:
    """Pages listing the events of the view, sorted by date, for a printed handout.

    Each cell is cleaned and cut to its column, so long or hostile text never
    runs into the next one.
    """
    page = get_page(preset)
    if len(shown) == 0:
        return []
    ordered = shown.sort_values(["date_start", "reporting_side", "event_id"],
                                na_position="last", kind="stable")
    listed = ordered.head(max(max_listed, 0))
    per_page = rows_per_page(preset)
    left, width = 0.04, 0.92
    line_chars = int(width * page.width_in * 72 / (_LIST_FONT * _MONO_WIDTH))
    header = list_line([h for h, _ in _LIST_COLUMNS], line_chars)
    lines = [list_line(_list_cells(row), line_chars) for row in listed.to_dict("records")]
    title = clean_text(title) or DEFAULT_TITLE
    figures = []
    for start in range(0, len(lines), per_page):
        chunk = lines[start:start + per_page]
        with figure_rc():
            fig = Figure(figsize=(page.width_in, page.height_in), facecolor="white")
            FigureCanvasAgg(fig)
            renderer = fig.canvas.get_renderer()
            max_px = fig.bbox.width * width
            head = _text(fig, left, 0.965, title, ha="left", va="top", fontsize=11,
                         fontweight="bold", gid="list-title")
            _fit_lines(head, title, renderer, max_px, lines=1)
            what = (f"Events {start + 1} to {start + len(chunk)} of {len(shown)}, by date. "
                    + describe_filters(view, shown))
            sub = _text(fig, left, 0.935, what, ha="left", va="top", fontsize=7.5,
                        color="#333333", gid="list-subtitle")
            _fit_lines(sub, what, renderer, max_px, lines=1)
            _text(fig, left, 0.90, header, ha="left", va="top", fontsize=_LIST_FONT,
                  family=MONO_FONT, fontweight="bold", gid="list-header")
            _text(fig, left, 0.90 - _LIST_FONT * _LIST_LINE * 1.25 / (page.height_in * 72),
                  "\n".join(chunk), ha="left", va="top", fontsize=_LIST_FONT,
                  family=MONO_FONT, linespacing=_LIST_LINE, gid="list-rows")
            last = start + per_page >= len(lines)
            footer = f"Page {start // per_page + 2}"
            if last and len(shown) > len(listed):
                footer = (f"Only the first {len(listed)} of {len(shown)} events are listed; "
                          "export CSV or GeoJSON for all. " + footer)
            _text(fig, left + width, 0.03, footer, ha="right", va="bottom", fontsize=7,
                  color="#444444", gid="list-footer")
        figures.append(fig)
    return figures
