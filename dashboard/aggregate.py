"""What the map sends to the browser: honest about precision, light at any scale.

Two rules shape it. First, a point must not claim more than the source said:
a settlement-level event is a point; an event known only to a district, a
region or a country is drawn as that area (the district's outline when the
boundary layer has it, else a circle of a size fitting the precision), with
all events about the same area drawn once, with their count. Second, the
browser must stay responsive: when more than ``max_points`` settlement points
are in view they are binned on a grid whose cells shrink as the map zooms in,
and each bin is sent as one count circle with its per-side split.

The result is plain GeoJSON with short property names (the page draws it with
Leaflet); nothing here depends on Streamlit or folium.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from events.schema import SIDES

#: Above this many settlement points in view, points are binned.
MAX_POINTS = 3000
#: Width of a grid cell on screen, in pixels (a 256-pixel tile spans 360 / 2**zoom degrees).
CELL_PX = 60
#: Circle radius (metres) drawn for an area-level event whose outline is not known.
PRECISION_RADIUS_M: dict[str, float] = {"district": 15_000, "region": 40_000,
                                        "country": 120_000, "unknown": 15_000}
#: Ids listed per area feature (the card lists them; more are reached by filtering).
MAX_AREA_IDS = 200
_DIGITS = 4  # about 11 m, finer than any settlement-level claim: more digits only cost bytes


@dataclass
class MapData:
    """Features for the map, the area outlines they refer to, and how they were made."""

    mode: str  # "points" or "bins"
    features: dict[str, Any]
    areas: dict[str, Any] = field(default_factory=lambda: {"type": "FeatureCollection",
                                                           "features": []})
    n_events: int = 0  # events drawn (points, bins and areas together)
    #: Event ids the features' ``o`` offsets point into (kept server-side, not sent).
    ids: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        """Compact JSON of everything the browser needs (what the benchmark weighs)."""
        return json.dumps({"mode": self.mode, "features": self.features, "areas": self.areas},
                          separators=(",", ":"), ensure_ascii=False)


def cell_degrees(zoom: int) -> float:
    """Grid cell size in degrees at a zoom level (about ``CELL_PX`` pixels on screen)."""
    return CELL_PX * 360.0 / (256.0 * 2.0 ** int(zoom))


def in_bbox(frame: pd.DataFrame, bbox: tuple[float, float, float, float] | None) -> pd.Series:
    """Rows with a point inside (west, south, east, north); all located rows when no box."""
    located = frame["lon"].notna() & frame["lat"].notna()
    if bbox is None:
        return located
    west, south, east, north = bbox
    return located & frame["lon"].between(west, east) & frame["lat"].between(south, north)


def _side_counts(frame: pd.DataFrame, key: pd.Series) -> pd.DataFrame:
    counts = frame.groupby([key, frame["reporting_side"]]).size().unstack(fill_value=0)
    return counts.reindex(columns=list(SIDES), fill_value=0)


def bin_points(frame: pd.DataFrame, zoom: int) -> pd.DataFrame:
    """Settlement points per grid cell: mean position, count and per-side counts.

    The circle sits at the mean of its events, not the cell centre, so it is
    over the data rather than on an arbitrary grid node.
    """
    size = cell_degrees(zoom)
    gx = np.floor(frame["lon"].to_numpy(float) / size).astype(np.int64)
    gy = np.floor(frame["lat"].to_numpy(float) / size).astype(np.int64)
    key = pd.Series(gx * 10_000_000 + gy, index=frame.index, name="cell")
    grouped = frame.groupby(key, sort=True)
    out = pd.DataFrame({"lon": grouped["lon"].mean(), "lat": grouped["lat"].mean(),
                        "n": grouped.size()})
    return out.join(_side_counts(frame, key)).reset_index(drop=True)


def group_areas(frame: pd.DataFrame, *, with_ids: bool = True) -> pd.DataFrame:
    """Area-level events grouped by (place, precision): one drawn area per place.

    ``ids`` lists up to ``MAX_AREA_IDS`` event ids per area; count circles
    send none, so ``with_ids=False`` leaves the column out (a third of the cost).
    """
    keys = frame["place"].fillna("").astype(str)
    keys = keys.where(keys != "", frame["location_name"].fillna("").astype(str))
    keyed = frame.assign(_k=keys)
    grouped = keyed.groupby(["_k", "geo_precision"], sort=True)
    out = pd.DataFrame({"lon": grouped["lon"].mean(), "lat": grouped["lat"].mean(),
                        "n": grouped.size()})
    if with_ids:
        out["ids"] = (keyed.groupby(["_k", "geo_precision"], sort=True).head(MAX_AREA_IDS)
                      .groupby(["_k", "geo_precision"], sort=True)["event_id"].agg(list))
    sides = keyed.groupby(["_k", "geo_precision", "reporting_side"]).size()
    sides = sides.unstack(fill_value=0).reindex(columns=list(SIDES), fill_value=0)
    out = out.join(sides)
    return out.reset_index().rename(columns={"_k": "place"})


def _point(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [round(float(lon), _DIGITS),
                                             round(float(lat), _DIGITS)]}


def _split(row: Any) -> list[int]:
    return [int(getattr(row, s)) for s in SIDES]


def map_data(frame: pd.DataFrame, *, zoom: int,
             bbox: tuple[float, float, float, float] | None = None,
             max_points: int = MAX_POINTS,
             area_shapes: Mapping[str, dict[str, Any]] | None = None) -> MapData:
    """Everything to draw for ``frame`` (already filtered) in the current view.

    Point features are MultiPoints, one per symbol key ``k`` (``type|side``,
    the key the map already uses), whose events are ``MapData.ids[o:]`` in
    coordinate order; bins carry ``n`` and ``s`` (counts per side in
    ``SIDES`` order); area features carry ``n``, ``s``, the precision ``g``,
    the place ``name``, either ``a`` (a key into ``areas``) or ``r`` (a
    radius in metres), and in points mode ``o`` and ``m``: up to
    ``MAX_AREA_IDS`` of its events are ``MapData.ids[o:o + m]`` (bins mode
    sends no ids).
    ``area_shapes`` maps a place name to its outline (see :func:`district_shapes`).
    """
    shown = frame.loc[in_bbox(frame, bbox)]
    precise = shown["geo_precision"].eq("settlement").fillna(False).to_numpy()
    points, areas = shown.loc[precise], shown.loc[~precise]
    if areas["geo_precision"].isna().any():
        # A point of unknown precision is not a pin either: drawn as a district-sized area.
        areas = areas.assign(geo_precision=areas["geo_precision"].fillna("unknown"))
    features: list[dict[str, Any]] = []
    mode = "points" if len(points) <= max_points else "bins"
    ids: list[str] = []
    if mode == "points":
        features, ids = _point_features(points)
    else:
        for row in bin_points(points, zoom).itertuples(index=False):
            features.append({"type": "Feature", "geometry": _point(row.lon, row.lat),
                             "properties": {"n": int(row.n), "s": _split(row)}})
    shapes = area_shapes or {}
    used: dict[str, dict[str, Any]] = {}
    if len(areas):
        for row in group_areas(areas, with_ids=mode == "points").itertuples(index=False):
            props: dict[str, Any] = {"name": row.place, "g": row.geo_precision,
                                     "n": int(row.n), "s": _split(row)}
            if mode == "points":
                props["o"], props["m"] = len(ids), len(row.ids)
                ids.extend(row.ids)
            if row.place in shapes:
                props["a"] = row.place
                used[row.place] = shapes[row.place]
            else:
                props["r"] = PRECISION_RADIUS_M.get(row.geo_precision, 15_000)
            features.append({"type": "Feature", "geometry": _point(row.lon, row.lat),
                             "properties": props})
    outlines = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": name, "geometry": geom, "properties": {"name": name}}
        for name, geom in sorted(used.items())
    ]}
    return MapData(mode, {"type": "FeatureCollection", "features": features}, outlines,
                   int(len(points) + len(areas)), ids)


def _point_features(points: pd.DataFrame) -> tuple[list[dict[str, Any]], list[str]]:
    """One MultiPoint feature per symbol (``type|side``), not one feature per event.

    A Feature per event repeats ~60 bytes of GeoJSON keys around ~18 bytes of
    coordinates; grouping by symbol leaves only the coordinates. The ids are
    ordered so that feature ``f`` holds ``ids[o : o + len(coordinates)]``, in
    coordinate order (the order in which Leaflet calls ``pointToLayer``), so
    not even an index per event is sent.
    """
    keys = (points["event_type"].astype(str) + "|" + points["reporting_side"].astype(str))
    lon = points["lon"].to_numpy(float).round(_DIGITS)
    lat = points["lat"].to_numpy(float).round(_DIGITS)
    event_ids = points["event_id"].astype(str).to_numpy()
    features: list[dict[str, Any]] = []
    ids: list[str] = []
    groups = pd.Series(np.arange(len(points))).groupby(keys.to_numpy(), sort=True).indices
    for key, where in groups.items():
        features.append({
            "type": "Feature",
            "geometry": {"type": "MultiPoint",
                         "coordinates": np.column_stack([lon[where], lat[where]]).tolist()},
            "properties": {"k": key, "o": len(ids)},
        })
        ids.extend(event_ids[where].tolist())
    return features, ids


@functools.cache
def district_shapes(tolerance_deg: float = 0.005) -> dict[str, dict[str, Any]]:
    """Outlines of the districts of the boundary layer, keyed as the gazetteer names them.

    The gazetteer calls a rayon "Aghdam District" where the layer says
    "Aghdam". Outlines are simplified (about 500 m) since they stand for an
    imprecise location, and every byte goes to the browser.
    """
    import shapely

    from geodata.layers import load_layers

    layers, _ = load_layers()
    districts = layers["districts"].frame
    out: dict[str, dict[str, Any]] = {}
    for name, geom in zip(districts["district"], districts.geometry, strict=True):
        if geom is None or not isinstance(name, str):
            continue
        simple = shapely.simplify(geom, tolerance_deg, preserve_topology=True)
        out[f"{name} District"] = json.loads(shapely.to_geojson(
            shapely.set_precision(simple, 10 ** -_DIGITS)))
    return out
