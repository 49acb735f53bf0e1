"""The interactive map of an event table: pure, no Streamlit, fed by data only.

The page, the standalone HTML export and the tests all call :func:`build_map`
with an events frame (``events.table`` columns) and, when available, the
offline basemap and the boundary layers; nothing here reads files or the
network.

Drawing cost decides the form: every event goes into ONE ``GeoJson`` layer
whose JavaScript ``pointToLayer`` builds each symbol from a small table of
SVG icons, so Python serialises one FeatureCollection instead of building one
folium object per point (seconds per thousand events). Above
:data:`BIN_THRESHOLD` located events even that is too heavy for the browser,
and the events are drawn as count circles per grid cell
(:func:`dashboard.aggregate.map_data`), each a small pie of the sides.

Article text and analyst notes are untrusted: every value that reaches a
popup is HTML-escaped here, in Python, and only ``http``/``https`` links are
made clickable.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

import folium
import pandas as pd
from branca.element import Element, MacroElement
from folium.elements import ElementAddToElement
from folium.plugins import MarkerCluster
from folium.template import Template
from folium.utilities import JsCode, get_obj_in_upper_tree

from dashboard import assets, style
from dashboard.style import date_text
from events.schema import EVENT_TYPES, SIDE_LABELS, SIDES, TYPE_LABELS

#: Centre and zoom that frame Nagorno-Karabakh and its surroundings.
DEFAULT_CENTER: tuple[float, float] = (39.8, 46.7)
DEFAULT_ZOOM = 8
MAX_ZOOM = 18
#: (west, south, east, north) the opening view is fitted into: the South Caucasus, which
#: the offline basemap covers. Events elsewhere (talks in distant capitals) are drawn
#: but do not pull the opening view out to the whole world.
FOCUS_BBOX: tuple[float, float, float, float] = (40.0, 37.0, 51.0, 43.7)
#: Closest zoom used when fitting the view to the events (one event would zoom to a street).
FIT_MAX_ZOOM = 10

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
EVENTS_LAYER_NAME = "Events"
#: Above this many drawn events, symbols are grouped into clusters until zoom
#: :data:`CLUSTER_UNTIL_ZOOM`: thousands of separate SVG symbols make the browser
#: slow to open and to pan, and hide each other anyway.
CLUSTER_THRESHOLD = 1000
CLUSTER_UNTIL_ZOOM = 12
#: Above this many located events the map draws count circles per grid cell
#: (:func:`dashboard.aggregate.map_data`) instead of one symbol and popup per event:
#: at 100,000 events the per-event page weighs tens of megabytes and takes the
#: browser many seconds to draw, while a few hundred circles stay light at any count.
BIN_THRESHOLD = 3000
BINS_LAYER_NAME = "Events (counts per area)"
#: Diameter range (pixels) of a count circle; the size grows with the log of the count.
BIN_MIN_PX, BIN_MAX_PX = 22, 54

#: Columns of the events frame the map reads (others are ignored).
POPUP_COLUMNS: tuple[str, ...] = (
    "event_id", "event_date", "date_precision", "event_type", "reporting_side", "claimant",
    "location_name", "place", "geo_precision", "fatalities", "notes", "evidence",
    "article_title", "outlet", "url", "published", "confidence",
)


# -- text --------------------------------------------------------------------


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def safe_link(url: Any) -> str | None:
    """The URL if it is an absolute http(s) link, else None (no ``javascript:``, no ``data:``)."""
    if _missing(url):
        return None
    text = str(url).strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(c in text for c in "\x00\r\n\t "):
        return None
    return text


def popup_html(row: Mapping[str, Any]) -> str:
    """Popup body for one event: every value escaped, fixed labels, safe links only.

    Styling lives in :data:`MAP_CSS` classes, not inline, because this string is
    repeated for every event in the page.
    """
    side = row.get("reporting_side") or ""
    etype = row.get("event_type") or ""
    precision = None if _missing(row.get("date_precision")) else str(row["date_precision"])
    rows: list[tuple[str, str]] = []
    when = _esc(date_text(row.get("event_date"), precision))
    if precision:
        when += f" <i>(precision: {_esc(precision)})</i>"
    rows.append(("Date", when))
    rows.append(("Side", _esc(SIDE_LABELS.get(side, side) or "unknown")))
    if not _missing(row.get("claimant")):
        rows.append(("Claimant", _esc(row["claimant"])))
    place = _place_html(row)
    if place:
        rows.append(("Place", place))
    if not _missing(row.get("fatalities")):
        rows.append(("Fatalities", _esc(row["fatalities"])))
    if not _missing(row.get("notes")):
        rows.append(("Notes", _esc(row["notes"])))
    if not _missing(row.get("evidence")):
        rows.append(("Evidence", f"&ldquo;{_esc(row['evidence'])}&rdquo;"))
    source = _source_html(row)
    if source:
        rows.append(("Source", source))
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    footer = _esc(row.get("event_id") or "")
    if not _missing(row.get("confidence")):
        footer += f" &middot; confidence {float(row['confidence']):.2f}"
    return (
        f'<div class="kcm-popup"><b>{_esc(TYPE_LABELS.get(etype, etype))}</b>'
        f'<table>{body}</table><div class="kcm-id">{footer}</div></div>'
    )


def _place_html(row: Mapping[str, Any]) -> str:
    place, written = row.get("place"), row.get("location_name")
    parts = []
    if not _missing(place):
        parts.append(_esc(place))
    if not _missing(written) and written != place:
        parts.append(f"(as written: &ldquo;{_esc(written)}&rdquo;)")
    if not _missing(row.get("geo_precision")):
        parts.append(f"<i>(precision: {_esc(row['geo_precision'])})</i>")
    return " ".join(parts)


def _source_html(row: Mapping[str, Any]) -> str:
    parts = []
    if not _missing(row.get("outlet")):
        parts.append(_esc(row["outlet"]))
    title = None if _missing(row.get("article_title")) else _esc(row["article_title"])
    link = safe_link(row.get("url"))
    if link:
        text = title or _esc(link)
        parts.append(
            f'<a href="{_esc(link)}" target="_blank" rel="noopener noreferrer">{text}</a>'
        )
    elif title:
        parts.append(f"&ldquo;{title}&rdquo;")
    published = style.as_date(row.get("published"))
    if published:
        parts.append(f"published {published.isoformat()}")
    return ", ".join(parts)


# -- events layer -------------------------------------------------------------


def _icon_key(event_type: str, side: str) -> str:
    if event_type in EVENT_TYPES and side in SIDES:
        return f"{event_type}|{side}"
    return ""


def event_features(frame: pd.DataFrame) -> dict[str, Any]:
    """FeatureCollection of the events that have a point, with what drawing needs.

    Properties are kept to the minimum the browser uses (the page repeats them
    for every event): the id, the icon key ``type|side`` (classes are derived
    from it), a plain-text title, the spread offset when the point is shared,
    and the escaped popup.
    """
    present = [c for c in POPUP_COLUMNS if c in frame.columns]
    located = frame[frame["lon"].notna() & frame["lat"].notna()] if len(frame) else frame
    features = []
    seen: dict[tuple[float, float], int] = {}
    for lon, lat, rec in zip(
        located["lon"], located["lat"], located[present].to_dict("records"), strict=True
    ):
        rank = seen.get((lon, lat), 0)
        seen[(lon, lat)] = rank + 1
        etype, side = str(rec.get("event_type") or ""), str(rec.get("reporting_side") or "")
        key = _icon_key(etype, side)
        label = (f"{TYPE_LABELS.get(etype, etype)}, "
                 f"{date_text(rec.get('event_date'), rec.get('date_precision'))}")
        props: dict[str, Any] = {"id": str(rec.get("event_id") or ""), "k": key,
                                 "label": label}
        if rank:
            props["o"] = spread_offset(rank)
        props["popup"] = popup_html(rec)
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
            "properties": props,
        })
    return {"type": "FeatureCollection", "features": features}


#: Pixels between symbols spread around a shared point (sunflower spiral step).
SPREAD_PX = 11.0
_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def spread_offset(rank: int) -> list[float]:
    """Screen offset (pixels) of the ``rank``-th event drawn at the same point.

    Region- and district-precision events share one point (the area's centre),
    and identical symbols would hide each other; each extra one is drawn on a
    sunflower spiral around the point, which keeps them apart at any count
    while the point itself stays where the data puts it.
    """
    if rank <= 0:
        return [0.0, 0.0]
    radius = SPREAD_PX * math.sqrt(rank)
    angle = rank * _GOLDEN_ANGLE
    return [round(radius * math.cos(angle), 1), round(radius * math.sin(angle), 1)]


def _js_json(value: Any) -> str:
    """JSON safe to place inside an inline ``<script>``."""
    return (json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("&", "\\u0026"))


def _point_to_layer_js() -> JsCode:
    icons = {"": style.marker_svg("", "")}
    icons.update({
        f"{t}|{s}": style.marker_svg(t, s) for t in EVENT_TYPES for s in SIDES
    })
    size = style.MARKER_SIZE_PX
    return JsCode(
        "function (feature, latlng) {\n"
        f"  var icons = {_js_json(icons)};\n"
        "  var p = feature.properties, o = p.o || [0, 0];\n"
        "  var ts = p.k ? p.k.split('|') : null;\n"
        "  var icon = L.divIcon({html: icons[p.k] || icons[''],\n"
        "    className: ts ? 'kcm-marker kcm-type-' + ts[0] + ' kcm-side-' + ts[1]\n"
        "                  : 'kcm-marker kcm-unknown',\n"
        f"    iconSize: [{size}, {size}],\n"
        f"    iconAnchor: [{size / 2} - o[0], {size / 2} - o[1]],\n"
        f"    popupAnchor: [o[0], o[1] - {size / 2}]}});\n"
        "  return L.marker(latlng, {icon: icon, title: p.label, alt: p.label,\n"
        "    riseOnHover: true});\n"
        "}"
    )


_BIND_POPUP_JS = JsCode(
    "function (feature, layer) {\n"
    "  if (feature.properties.popup) {\n"
    "    layer.bindPopup(feature.properties.popup, {maxWidth: 360, maxHeight: 360});\n"
    "  }\n"
    "}"
)


class _RenderedScript(Element):
    """Script text already rendered, added to the page as it is."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


class BulkGeoJson(folium.GeoJson):
    """``folium.GeoJson`` that adds its rendered script to the page without re-parsing it.

    branca wraps each element's rendered script in a new Jinja template, which
    lexes the whole embedded FeatureCollection again: 1.5 s at 20,000 events,
    far more at 100,000. The script is final once rendered, so it is added as
    text. Style functions are not supported (the events carry no style map).
    """

    def render(self, **kwargs: Any) -> None:
        self.parent_map = get_obj_in_upper_tree(self, folium.Map)
        if self.show:  # what folium's Layer.render does: add the layer to its parent
            self.add_child(
                ElementAddToElement(element_name=self.get_name(),
                                    element_parent_name=self._parent.get_name()),
                name=self.get_name() + "_add",
            )
        figure = self.get_root()
        script = self._template.module.__dict__["script"]
        figure.script.add_child(_RenderedScript(script(self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


def events_layer(frame: pd.DataFrame) -> folium.GeoJson:
    """All events with a point as one GeoJson layer of SVG symbols with popups."""
    return BulkGeoJson(
        event_features(frame),
        name=EVENTS_LAYER_NAME,
        on_each_feature=_BIND_POPUP_JS,
        point_to_layer=_point_to_layer_js(),
    )


# -- count circles (many events) ---------------------------------------------


def bin_tooltip(n: int, split: Iterable[int], *, place: str | None = None,
                precision: str | None = None) -> str:
    """Escaped tooltip of a count circle: how many events, how many per side, where."""
    head = f"{n:,} event{'s' if n != 1 else ''}"
    if place:
        head += f" placed only to {place}" + (f" ({precision})" if precision else "")
    lines = [f"<b>{_esc(head)}</b>"]
    for side, count in zip(SIDES, split, strict=True):
        if count:
            lines.append(f"{_esc(SIDE_LABELS.get(side, side))}: {int(count):,}")
    return '<div class="kcm-bin-tip">' + "<br>".join(lines) + "</div>"


def bin_size_px(n: int) -> int:
    """Diameter of a count circle: grows with the log of the count, within fixed bounds."""
    size = BIN_MIN_PX + 6 * math.log10(max(int(n), 1))
    return int(min(BIN_MAX_PX, round(size)))


def bin_features(frame: pd.DataFrame, *, zoom: int,
                 bbox: tuple[float, float, float, float] | None = None,
                 area_shapes: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Count circles of :func:`dashboard.aggregate.map_data`, ready to draw.

    Every located event is in exactly one circle: settlement-level events in
    their grid cell, area-level events in their area's circle. Each feature
    carries its count ``n``, the per-side counts ``s`` (``SIDES`` order, the
    pie the circle draws) and an escaped tooltip; nothing per event is sent.
    """
    from dashboard.aggregate import map_data

    return _bin_collection(map_data(frame, zoom=zoom, bbox=bbox, max_points=0,
                                    area_shapes=area_shapes))


def _bin_collection(data: Any) -> dict[str, Any]:
    out = []
    for feat in data.features["features"]:
        props = feat["properties"]
        n, split = int(props["n"]), [int(x) for x in props["s"]]
        tip = bin_tooltip(n, split, place=props.get("name"), precision=props.get("g"))
        out.append({"type": "Feature", "geometry": feat["geometry"],
                    "properties": {"n": n, "s": split, "tip": tip}})
    return {"type": "FeatureCollection", "features": out}


def _bin_to_layer_js() -> JsCode:
    colours = [style.side_colour(s) for s in SIDES]
    return JsCode(
        "function (feature, latlng) {\n"
        f"  var colours = {_js_json(colours)}, p = feature.properties;\n"
        "  var n = p.n, d = Math.min(%d, Math.round(%d + 6 * Math.log10(Math.max(n, 1))));\n"
        "  var r = d / 2, c = r, a0 = -Math.PI / 2, parts = [];\n"
        "  p.s.forEach(function (k, i) {\n"
        "    if (!k) return;\n"
        "    if (k === n) { parts.push('<circle cx=\"' + c + '\" cy=\"' + c + '\" r=\"' + r +\n"
        "      '\" fill=\"' + colours[i] + '\"/>'); return; }\n"
        "    var a1 = a0 + 2 * Math.PI * k / n, big = (a1 - a0) > Math.PI ? 1 : 0;\n"
        "    parts.push('<path d=\"M' + c + ',' + c + 'L' + (c + r * Math.cos(a0)) + ',' +\n"
        "      (c + r * Math.sin(a0)) + 'A' + r + ',' + r + ' 0 ' + big + ' 1 ' +\n"
        "      (c + r * Math.cos(a1)) + ',' + (c + r * Math.sin(a1)) + 'Z\" fill=\"' +\n"
        "      colours[i] + '\"/>');\n"
        "    a0 = a1;\n"
        "  });\n"
        "  var svg = '<svg data-n=\"' + n + '\" width=\"' + d + '\" height=\"' + d + '\">' +\n"
        "    parts.join('') +\n"
        "    '<circle cx=\"' + c + '\" cy=\"' + c + '\" r=\"' + (r * 0.6) +\n"
        "    '\" fill=\"#fff\" fill-opacity=\"0.9\"/></svg><span>' +\n"
        "    (n >= 10000 ? Math.round(n / 1000) + 'k' : n) + '</span>';\n"
        "  var icon = L.divIcon({html: svg, className: 'kcm-bin', iconSize: [d, d],\n"
        "    iconAnchor: [r, r]});\n"
        "  return L.marker(latlng, {icon: icon, alt: n + ' events', riseOnHover: true});\n"
        "}" % (BIN_MAX_PX, BIN_MIN_PX)
    )


_BIND_BIN_JS = JsCode(
    "function (feature, layer) {\n"
    "  layer.bindTooltip(feature.properties.tip, {direction: 'top'});\n"
    "  layer.bindPopup(feature.properties.tip);\n"
    "}"
)


def bins_layer(features: dict[str, Any]) -> folium.GeoJson:
    """Count circles (:func:`bin_features`) as one GeoJson layer with side-mix pies."""
    return BulkGeoJson(
        features,
        name=BINS_LAYER_NAME,
        on_each_feature=_BIND_BIN_JS,
        point_to_layer=_bin_to_layer_js(),
    )


def fit_zoom(bounds: list[list[float]] | None, *, width_px: int = 900,
             height_px: int = 600) -> int:
    """The zoom at which Leaflet's ``fitBounds`` will show ``bounds`` (grid size for bins)."""
    if not bounds:
        return DEFAULT_ZOOM
    (south, west), (north, east) = bounds
    spans = []
    if east > west:
        spans.append(math.log2(width_px * 360.0 / (256.0 * (east - west))))
    if north > south:
        spans.append(math.log2(height_px * 170.0 / (256.0 * (north - south))))
    if not spans:
        return FIT_MAX_ZOOM
    return int(max(3, min(FIT_MAX_ZOOM, math.floor(min(spans)))))


# -- basemap and boundaries --------------------------------------------------


def _styled_features(
    frame: Any, path_style: Mapping[str, object], *, popup: str | None = None
) -> dict[str, Any] | None:
    """Geometry of a GeoDataFrame with a fixed style and nothing else of its attributes."""
    if frame is None or len(frame) == 0:
        return None
    doc = frame.__geo_interface__
    features = []
    for feat in doc.get("features", []):
        if not feat.get("geometry"):
            continue
        props: dict[str, Any] = {"style": dict(path_style)}
        if popup:
            props["popup"] = popup
        features.append({"type": "Feature", "geometry": feat["geometry"], "properties": props})
    return {"type": "FeatureCollection", "features": features} if features else None


_TOWN_JS = JsCode(
    "function (feature, latlng) {\n"
    "  var m = L.circleMarker(latlng, {radius: 2.5, color: '#444', weight: 1,\n"
    "    fillColor: '#fff', fillOpacity: 1, interactive: false});\n"
    "  m.bindTooltip(feature.properties.label, {permanent: true, direction: 'right',\n"
    "    offset: [3, 0], className: 'kcm-town'});\n"
    "  return m;\n"
    "}"
)


def _town_name(props: Mapping[str, Any]) -> str:
    for key in ("name", "title", "place", "label"):
        if not _missing(props.get(key)):
            return str(props[key])
    return ""


def add_basemap(
    m: folium.Map, basemap: Mapping[str, Any], *, skip_countries: bool = False
) -> None:
    """Land, water, country borders and towns from ``geodata.layers.load_basemap``.

    ``skip_countries`` leaves the borders to a boundary layer that draws them already.
    """
    titles = {"land": "Land", "water": "Water", "countries": "Country borders"}
    if skip_countries:
        titles.pop("countries")
    for key, title in titles.items():
        data = _styled_features(basemap.get(key), style.BASEMAP_STYLES[key])
        if data:
            folium.GeoJson(data, name=title, interactive=False, control=key != "land").add_to(m)
    towns = basemap.get("towns")
    if towns is not None and len(towns):
        feats = [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
             "properties": {"label": _esc(name)}}
            for name, lon, lat in declutter_towns(towns)
        ]
        if feats:
            folium.GeoJson(
                {"type": "FeatureCollection", "features": feats},
                name="Towns", point_to_layer=_TOWN_JS,
            ).add_to(m)


#: Two town labels closer than this (degrees) would overlap at the opening zoom.
TOWN_SPACING_DEG = 0.12


def declutter_towns(towns: Any, *, spacing: float = TOWN_SPACING_DEG) -> list[tuple[str, float,
                                                                                     float]]:
    """(name, lon, lat) of the towns to label, largest first, none closer than ``spacing``.

    Permanent labels of neighbouring places (a capital and its districts) would
    print on top of each other; the larger place keeps the label.
    """
    rows = []
    for feat in towns.__geo_interface__.get("features", []):
        geom = feat.get("geometry") or {}
        props = feat.get("properties") or {}
        name = _town_name(props)
        if geom.get("type") != "Point" or not name:
            continue
        pop = props.get("population")
        pop = 0.0 if _missing(pop) else float(pop)
        lon, lat = (float(c) for c in geom["coordinates"][:2])
        rows.append((pop, name, lon, lat))
    rows.sort(key=lambda r: (-r[0], r[1]))
    kept: list[tuple[str, float, float]] = []
    for _, name, lon, lat in rows:
        if all(abs(lon - x) > spacing * 1.6 or abs(lat - y) > spacing for _, x, y in kept):
            kept.append((name, lon, lat))
    return kept


def boundary_popup(layer: Any) -> str:
    """Escaped provenance of a boundary layer: what it is, valid when, from where, how exact."""
    title = _esc(getattr(layer, "title", "") or getattr(layer, "name", ""))
    valid_from, valid_to = getattr(layer, "valid_from", None), getattr(layer, "valid_to", None)
    period = f"{valid_from or '…'} to {valid_to or 'today'}"
    lines = [f"<b>{title}</b>", f"valid {_esc(period)}"]
    if getattr(layer, "approximate", False):
        lines.append("approximate outline")
    if getattr(layer, "accuracy", None):
        lines.append(f"accuracy: {_esc(layer.accuracy)}")
    if getattr(layer, "source", None):
        lines.append(f"source: {_esc(layer.source)}")
    return '<div class="kcm-boundary">' + "<br>".join(lines) + "</div>"


#: Kinds of layer whose shapes open a popup when clicked; countries and districts stay
#: out of the way of clicks (there are many, and their names are on every atlas).
CLICKABLE_KINDS = frozenset({"historical_area", "control_area", "line", "corridor", "border"})


def add_boundaries(m: folium.Map, layers: Iterable[Any]) -> None:
    """Boundary layers (``geodata.layers.Layer``), each its own switchable overlay."""
    for layer in layers:
        kind = str(getattr(layer, "kind", ""))
        path_style = style.boundary_style(kind, approximate=bool(getattr(layer, "approximate",
                                                                         False)))
        clickable = kind in CLICKABLE_KINDS
        data = _styled_features(layer.frame, path_style,
                                popup=boundary_popup(layer) if clickable else None)
        if not data:
            continue
        title = str(getattr(layer, "title", "") or layer.name)
        folium.GeoJson(
            data, name=_esc(title), interactive=clickable,
            on_each_feature=_BIND_POPUP_JS if clickable else None,
        ).add_to(m)


# -- legend and the whole map -------------------------------------------------


class Legend(MacroElement):
    """The legend as a Leaflet control, so it travels with the map into any page."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create('div', 'kcm-legend-control');
            div.innerHTML = {{ this.html|tojson }};
            L.DomEvent.disableClickPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, legend_html: str, *, position: str = "bottomright") -> None:
        super().__init__()
        self._name = "Legend"
        self.html = legend_html
        self.position = position


def focus_bounds(
    features: list[dict[str, Any]], focus: tuple[float, float, float, float] = FOCUS_BBOX
) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the event points inside ``focus``, or None."""
    west, south, east, north = focus
    points = [f["geometry"]["coordinates"] for f in features]
    inside = [(x, y) for x, y in points if west <= x <= east and south <= y <= north]
    if not inside:
        return None
    xs, ys = [x for x, _ in inside], [y for _, y in inside]
    return [[min(ys), min(xs)], [max(ys), max(xs)]]


class MapStyle(MacroElement):
    """Stylesheet for the project's own classes (town labels, symbols, legend)."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>{{ this.css }}</style>
        {% endmacro %}
        """
    )

    def __init__(self, css: str) -> None:
        super().__init__()
        self._name = "MapStyle"
        self.css = css


MAP_CSS = (
    ".leaflet-tooltip.kcm-town{background:transparent;border:0;box-shadow:none;padding:0 2px;"
    "font:11px/1.2 sans-serif;color:#333;text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff;}"
    ".leaflet-tooltip.kcm-town::before{display:none;}"
    ".kcm-marker svg{display:block;overflow:visible;}"
    ".kcm-popup{font:13px/1.4 sans-serif;}.kcm-popup table{border-collapse:collapse;}"
    ".kcm-popup th{text-align:left;vertical-align:top;padding-right:6px;}"
    ".kcm-popup i{color:#666;font-style:normal;}.kcm-popup .kcm-id{color:#777;font-size:11px;}"
    ".kcm-bin svg{display:block;overflow:visible;"
    "filter:drop-shadow(0 0 1px #333);}.kcm-bin span{position:absolute;left:0;right:0;"
    "top:50%;transform:translateY(-50%);text-align:center;font:bold 10px/1 sans-serif;"
    "color:#222;}.kcm-bin-tip{font:12px/1.4 sans-serif;}"
)


AREAS_LAYER_NAME = "Areas of imprecise events"
#: Stroke and fill of a precision area: light and dashed, so it reads as "somewhere in here".
AREA_STYLE: dict[str, Any] = {"weight": 1.5, "dashArray": "4 4", "fillOpacity": 0.08,
                              "opacity": 0.7}


def add_precision_areas(m: folium.Map, events: pd.DataFrame,
                        area_shapes: Mapping[str, Any] | None = None) -> int:
    """Draw, under the symbols, the area each district/region/country-level event stands for.

    An event known only to a district is not at the district's centre: its
    symbol stays clickable there, but the area drawn with it (the district's
    outline when ``area_shapes`` has it, else a circle sized for the
    precision, as :mod:`dashboard.aggregate` decides) says how little the
    source placed it. Events of one area are drawn as one area with their
    count. Returns the number of areas drawn.
    """
    from dashboard.aggregate import PRECISION_RADIUS_M, group_areas

    if events.empty:
        return 0
    located = events[events["lon"].notna() & events["lat"].notna()]
    imprecise = located[~located["geo_precision"].eq("settlement").fillna(False)]
    if imprecise.empty:
        return 0
    imprecise = imprecise.assign(geo_precision=imprecise["geo_precision"].fillna("unknown"))
    shapes = area_shapes or {}
    group = folium.FeatureGroup(name=AREAS_LAYER_NAME, show=True).add_to(m)
    count = 0
    for row in group_areas(imprecise).itertuples(index=False):
        sides = {s: int(getattr(row, s)) for s in SIDES}
        main = max(sides, key=sides.get)
        colour = style.side_colour(main)
        tip = _esc(f"{row.place or 'Unnamed area'} ({row.geo_precision}): {int(row.n)} "
                   "event(s) placed only to this area")
        options = {**AREA_STYLE, "color": colour, "fillColor": colour,
                   "className": f"kcm-area kcm-area-{row.geo_precision}"}
        if row.place in shapes:
            folium.GeoJson(shapes[row.place], style_function=lambda _f, o=options: o,
                           tooltip=tip, control=False).add_to(group)
        else:
            folium.Circle(location=[float(row.lat), float(row.lon)],
                          radius=PRECISION_RADIUS_M.get(row.geo_precision, 15_000),
                          tooltip=tip, **options).add_to(group)
        count += 1
    return count


def build_map(
    events: pd.DataFrame,
    *,
    basemap: Mapping[str, Any] | None = None,
    boundaries: Iterable[Any] = (),
    online_tiles: bool = True,
    inline_assets: bool = False,
    asset_prefix: str = assets.STATIC_URL_PREFIX,
    fit_to_events: bool = True,
    precision_areas: bool = False,
    area_shapes: Mapping[str, Any] | None = None,
    zoom: int | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    bin_threshold: int = BIN_THRESHOLD,
    draw_events: bool = True,
) -> folium.Map:
    """The folium map of ``events`` over the offline basemap, with legend and layer switcher.

    ``online_tiles`` offers OpenStreetMap as a layer that is off by default,
    so nothing is fetched unless the user turns it on. ``inline_assets`` puts
    Leaflet into the page itself (for a standalone HTML file); otherwise it is
    linked under ``asset_prefix``, where :func:`dashboard.assets.install_static`
    put it.

    Up to ``bin_threshold`` located events each get their symbol and popup;
    above it they are drawn as count circles on a grid sized for ``zoom`` (the
    zoom the map opens at; when None, the zoom that fits the events), limited
    to ``bbox`` (west, south, east, north) when one is given. With
    ``draw_events`` false the map has no events layer at all (the page adds
    its events itself, see :func:`base_map`).
    """
    m = folium.Map(
        location=DEFAULT_CENTER, zoom_start=DEFAULT_ZOOM, tiles=None, max_zoom=MAX_ZOOM,
        min_zoom=3, control_scale=True, prefer_canvas=True,
    )
    # folium hands max/min zoom to its default tiles only; with tiles=None the map
    # itself must carry them (MarkerCluster refuses a map without a maxZoom).
    m.options.update(maxZoom=MAX_ZOOM, minZoom=3)
    if online_tiles:
        folium.TileLayer(
            OSM_TILES, attr=OSM_ATTRIBUTION, name="OpenStreetMap (online)", overlay=True,
            show=False, max_zoom=MAX_ZOOM, max_native_zoom=19,
        ).add_to(m)
    boundaries = list(boundaries)
    if basemap:
        has_countries = any(getattr(b, "kind", "") == "country" for b in boundaries)
        add_basemap(m, basemap, skip_countries=has_countries)
    add_boundaries(m, boundaries)
    located = int((events["lon"].notna() & events["lat"].notna()).sum()) if len(events) else 0
    if not draw_events:
        pass
    elif located > bin_threshold:
        _add_bins(m, events, zoom=zoom, bbox=bbox, area_shapes=area_shapes,
                  fit_to_events=fit_to_events, precision_areas=precision_areas)
    else:
        if precision_areas:
            add_precision_areas(m, events, area_shapes)
        _add_symbols(m, events, fit_to_events=fit_to_events)
    MapStyle(MAP_CSS).add_to(m)
    Legend(
        '<details open class="kcm-legend-box"><summary style="cursor:pointer;'
        'font:bold 12px sans-serif;background:#fff;padding:2px 6px;border-radius:4px">'
        f"Legend</summary>{style.legend_html()}</details>"
    ).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    assets.localise(m, inline=inline_assets, prefix=asset_prefix)
    return m


def _add_symbols(m: folium.Map, events: pd.DataFrame, *, fit_to_events: bool) -> None:
    """One symbol and popup per located event (clustered above ``CLUSTER_THRESHOLD``)."""
    layer = events_layer(events)
    if len(layer.data["features"]) > CLUSTER_THRESHOLD:
        # The markers are added in chunks so the page stays responsive while they load.
        cluster = MarkerCluster(
            name=EVENTS_LAYER_NAME, chunked_loading=True,
            disable_clustering_at_zoom=CLUSTER_UNTIL_ZOOM, spiderfy_on_max_zoom=False,
            show_coverage_on_hover=False,
        ).add_to(m)
        layer.control = False
        layer.add_to(cluster)
    else:
        layer.add_to(m)
    if fit_to_events:
        bounds = focus_bounds(layer.data["features"])
        if bounds:
            m.fit_bounds(bounds, padding=(30, 30), max_zoom=FIT_MAX_ZOOM)


def _add_bins(m: folium.Map, events: pd.DataFrame, *, zoom: int | None,
              bbox: tuple[float, float, float, float] | None,
              area_shapes: Mapping[str, Any] | None, fit_to_events: bool,
              precision_areas: bool) -> None:
    """Count circles for a frame too large for one symbol per event.

    The precision areas come from the same :func:`dashboard.aggregate.map_data`
    result and are drawn as one layer: one folium object per area costs a
    Jinja compile each, about a second per thousand areas.
    """
    from dashboard.aggregate import map_data

    bounds = None
    if fit_to_events:
        located = events[events["lon"].notna() & events["lat"].notna()]
        west, south, east, north = FOCUS_BBOX
        inside = located[located["lon"].between(west, east) & located["lat"].between(south,
                                                                                     north)]
        if len(inside):
            bounds = [[float(inside["lat"].min()), float(inside["lon"].min())],
                      [float(inside["lat"].max()), float(inside["lon"].max())]]
    if zoom is None:
        zoom = fit_zoom(bounds) if bounds else DEFAULT_ZOOM
    data = map_data(events, zoom=int(zoom), bbox=bbox, max_points=0, area_shapes=area_shapes)
    if precision_areas:
        _area_layer(data, [f for f in data.features["features"] if "g" in f["properties"]]
                    ).add_to(m)
    bins_layer(_bin_collection(data)).add_to(m)
    if bounds:
        m.fit_bounds(bounds, padding=(30, 30), max_zoom=FIT_MAX_ZOOM)


# -- the page's map: a fixed base, and the events of the view as data ---------------

#: Most located events the page's map draws one by one in its view; above, count circles.
PAGE_MAX_POINTS = 1000
#: Share of the visible width and height added on every side of the area sent to the map,
#: so a short pan shows events at once while the next layers are computed.
VIEW_PAD = 0.5


def base_map(*, basemap: Mapping[str, Any] | None = None, boundaries: Iterable[Any] = (),
             asset_prefix: str = assets.STATIC_URL_PREFIX) -> folium.Map:
    """The page's map without events: basemap, boundaries, legend and layer switcher.

    It depends on the day the boundaries are drawn for only, so the page
    renders it once and sends it once; the events go to the same map as data
    (:func:`page_layers`) whenever the view changes, without reloading it.
    """
    empty = pd.DataFrame({"lon": pd.Series(dtype=float), "lat": pd.Series(dtype=float)})
    return build_map(empty, basemap=basemap, boundaries=boundaries, asset_prefix=asset_prefix,
                     fit_to_events=False, draw_events=False)


def view_bbox(center: tuple[float, float], zoom: int, *, width_px: int = 1400,
              height_px: int = 700) -> tuple[float, float, float, float]:
    """(west, south, east, north) a map of this size shows around ``center`` at ``zoom``."""
    lat, lon = center
    half_w = width_px / 2 * 360.0 / (256.0 * 2.0 ** int(zoom))
    # Web Mercator stretches latitudes; the cosine keeps the box about right near 40 N.
    half_h = height_px / 2 * 360.0 / (256.0 * 2.0 ** int(zoom)) * math.cos(math.radians(lat))
    return (lon - half_w, max(-85.0, lat - half_h), lon + half_w, min(85.0, lat + half_h))


def padded_bbox(bbox: tuple[float, float, float, float], zoom: int, *,
                pad: float = VIEW_PAD) -> tuple[float, float, float, float]:
    """``bbox`` widened by ``pad`` of its size on each side, snapped out to the bin grid.

    Snapping makes small pans ask for the same area again, which the page then
    has already computed.
    """
    from dashboard.aggregate import cell_degrees

    west, south, east, north = bbox
    dx, dy = (east - west) * pad, (north - south) * pad
    step = cell_degrees(zoom) * 4
    return (math.floor((west - dx) / step) * step, math.floor((south - dy) / step) * step,
            math.ceil((east + dx) / step) * step, math.ceil((north + dy) / step) * step)


def event_bounds(events: pd.DataFrame,
                 focus: tuple[float, float, float, float] = FOCUS_BBOX
                 ) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the located events inside ``focus``, or None."""
    if events.empty:
        return None
    west, south, east, north = focus
    lon, lat = events["lon"], events["lat"]
    inside = lon.between(west, east) & lat.between(south, north)
    if not inside.any():
        return None
    return [[float(lat[inside].min()), float(lon[inside].min())],
            [float(lat[inside].max()), float(lon[inside].max())]]


def page_layers(events: pd.DataFrame, *, zoom: int,
                bbox: tuple[float, float, float, float] | None = None,
                area_shapes: Mapping[str, Any] | None = None,
                max_points: int = PAGE_MAX_POINTS) -> dict[str, Any]:
    """The events of the view as the page's map draws them: plain JSON-ready data.

    Only events inside ``bbox`` (all when None) are sent. Up to
    ``max_points`` of them each get a symbol (``symbols``: ``[lon, lat, id,
    icon key, label, [dx, dy], popup]``, the popup escaped here); above that,
    count circles on a grid sized for ``zoom`` (``bins``: ``[lon, lat, n,
    per-side counts, place, 1 when the circle holds one area's events]``,
    the place escaped here and empty for grid cells). ``areas`` are the
    outlines of the area-level events (a FeatureCollection) and the circles
    of those without one (``[lon, lat, radius m, side index of the colour,
    precision, place, n]``), drawn under either.

    Everything that repeats per circle (tooltip wording, side labels,
    colours) is in :func:`page_map_style`, sent once: at 100,000 events the
    layers are a thousand circles, resent on every filter change, and
    per-circle HTML tripled their size. ``zoom`` and ``bbox`` say what the
    layers were made for: the map asks for new ones when it leaves them.
    """
    from dashboard.aggregate import in_bbox, map_data

    located = events.loc[in_bbox(events, bbox)] if len(events) else events
    many = len(located) > max_points
    data = map_data(located, zoom=int(zoom), bbox=None, max_points=0 if many else len(located),
                    area_shapes=area_shapes)
    area_feats = [f for f in data.features["features"] if "g" in f["properties"]]
    outlines, _ = area_collections(data, [f for f in area_feats if f["properties"].get("a")])
    out: dict[str, Any] = {
        "mode": "bins" if many else "points", "zoom": int(zoom),
        "bbox": None if bbox is None else [round(float(v), 4) for v in bbox],
        "n": int(len(located)),
        "areas": {"outlines": outlines, "circles": _page_area_circles(data, area_feats)},
    }
    if many:
        out["bins"] = [
            [*f["geometry"]["coordinates"], int(f["properties"]["n"]),
             [int(x) for x in f["properties"]["s"]], _bin_place(f["properties"]),
             int("g" in f["properties"])]
            for f in data.features["features"]
        ]
    else:
        out["symbols"] = [
            [*f["geometry"]["coordinates"], f["properties"]["id"], f["properties"]["k"],
             f["properties"]["label"], f["properties"].get("o", [0, 0]),
             f["properties"]["popup"]]
            for f in event_features(located)["features"]
        ]
    return out


def _bin_place(props: Mapping[str, Any]) -> str:
    """Escaped "place (precision)" of an area's count circle; empty for a grid cell."""
    if "g" not in props:
        return ""
    place = props.get("name") or "an unnamed area"
    return _esc(f"{place} ({props['g']})")


def _page_area_circles(data: Any, area_features: list[dict[str, Any]]) -> list[list[Any]]:
    """Circles of area-level events without an outline, as compact rows for the page's map."""
    outlines = {f["id"] for f in data.areas["features"]}
    rows = []
    for feat in area_features:
        props = feat["properties"]
        if props.get("a") in outlines:
            continue
        split = [int(x) for x in props["s"]]
        lon, lat = feat["geometry"]["coordinates"][:2]
        rows.append([round(float(lon), 5), round(float(lat), 5), int(props.get("r", 15_000)),
                     split.index(max(split)), _esc(props["g"]),
                     _esc(props.get("name") or "Unnamed area"), int(props["n"])])
    return rows


def area_collections(data: Any, area_features: list[dict[str, Any]]
                     ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Areas of imprecise events as (outlines, circles) FeatureCollections, styled per feature.

    Each feature carries its colour ``c`` (the side with most events), the
    precision ``g``, an escaped tooltip ``tip`` and, for circles, the radius
    ``r`` in metres.
    """
    circles, outlines = [], {f["id"]: f for f in data.areas["features"]}
    drawn = []
    for feat in area_features:
        props = feat["properties"]
        split = dict(zip(SIDES, props["s"], strict=True))
        colour = style.side_colour(max(split, key=split.get))
        tip = _esc(f"{props.get('name') or 'Unnamed area'} ({props['g']}): {props['n']} "
                   "event(s) placed only to this area")
        common = {"c": colour, "g": str(props["g"]), "tip": tip}
        if "a" in props and props["a"] in outlines:
            drawn.append({"type": "Feature", "geometry": outlines[props["a"]]["geometry"],
                          "properties": common})
        else:
            circles.append({"type": "Feature", "geometry": feat["geometry"],
                            "properties": {**common, "r": props.get("r", 15_000)}})
    return ({"type": "FeatureCollection", "features": drawn},
            {"type": "FeatureCollection", "features": circles})


def page_map_style() -> dict[str, Any]:
    """What the page's map needs to draw symbols and circles like :func:`build_map` does."""
    icons = {"": style.marker_svg("", "")}
    icons.update({f"{t}|{s}": style.marker_svg(t, s) for t in EVENT_TYPES for s in SIDES})
    return {"icons": icons, "size": style.MARKER_SIZE_PX,
            "colours": [style.side_colour(s) for s in SIDES], "area": dict(AREA_STYLE),
            "side_labels": [_esc(SIDE_LABELS.get(s, s)) for s in SIDES],
            "bin_px": [BIN_MIN_PX, BIN_MAX_PX], "max_zoom": MAX_ZOOM}


def _area_layer(data: Any, area_features: list[dict[str, Any]]) -> folium.FeatureGroup:
    """Areas of imprecise events (outline when known, else a circle) as two bulk layers."""
    group = folium.FeatureGroup(name=AREAS_LAYER_NAME, show=True)
    outlines, circles_fc = area_collections(data, area_features)
    drawn, circles = outlines["features"], circles_fc["features"]
    opts = dict(AREA_STYLE)
    if drawn:
        BulkGeoJson({"type": "FeatureCollection", "features": drawn}, control=False,
                    on_each_feature=_AREA_TIP_JS).add_to(group)
    if circles:
        BulkGeoJson({"type": "FeatureCollection", "features": circles}, control=False,
                    on_each_feature=_AREA_TIP_JS,
                    point_to_layer=JsCode(
                        "function (feature, latlng) {\n"
                        f"  var o = {_js_json(opts)}, p = feature.properties;\n"
                        "  o.color = p.c; o.fillColor = p.c; o.radius = p.r;\n"
                        "  o.className = 'kcm-area kcm-area-' + p.g;\n"
                        "  return L.circle(latlng, o);\n"
                        "}")).add_to(group)
    return group


_AREA_TIP_JS = JsCode(
    "function (feature, layer) {\n"
    "  var p = feature.properties;\n"
    "  if (layer.setStyle && !(layer instanceof L.Circle)) {\n"
    f"    var o = {_js_json(AREA_STYLE)};\n"
    "    o.color = p.c; o.fillColor = p.c; o.className = 'kcm-area kcm-area-' + p.g;\n"
    "    layer.setStyle(o);\n"
    "  }\n"
    "  layer.bindTooltip(p.tip);\n"
    "}"
)
