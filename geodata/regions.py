"""Which part of the conflict's geography a point falls in.

Each event gets one label from ``REGIONS``: the former oblast first (it overlaps the
post-1991 districts), then the seven districts around it, then Nakhchivan, the rest of
Azerbaijan, Armenia, or elsewhere. Built-in layers are used, not user overrides, so a
label means the same thing in every export.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from geodata.admin import SURROUNDING_DISTRICTS
from geodata.layers import REGIONS

__all__ = ["REGIONS", "classify_regions", "region_shapes"]


@functools.cache
def region_shapes() -> tuple[tuple[str, Any], ...]:
    """(label, prepared geometry) pairs in the order they are tested."""
    import shapely

    from geodata.layers import builtin_layers

    layers = builtin_layers()
    countries = layers["countries"].frame
    districts = layers["districts"].frame
    nkao = layers["nkao"].frame.geometry.union_all()
    by_district = dict(zip(districts["district"], districts.geometry, strict=True))
    by_country = dict(zip(countries["name"], countries.geometry, strict=True))
    order: list[tuple[str, Any]] = [("Former NKAO", nkao)]
    order += [(f"{d} district", by_district[d]) for d in SURROUNDING_DISTRICTS if d in by_district]
    if "Nakhchivan" in by_district:
        order.append(("Nakhchivan", by_district["Nakhchivan"]))
    # Districts too: a coastal seat Natural Earth's coast leaves offshore is still Azerbaijan.
    azerbaijan = shapely.union_all([by_country["Azerbaijan"], *districts.geometry])
    order += [("Azerbaijan", azerbaijan), ("Armenia", by_country["Armenia"])]
    for _, geom in order:
        shapely.prepare(geom)
    return tuple(order)


def classify_regions(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Label each (lon, lat) point; NaN coordinates get "". Vectorised: each region is
    tested once over all points still unlabelled (shapely 2 ``intersects_xy`` on
    prepared geometry)."""
    import shapely

    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if lon.shape != lat.shape:
        raise ValueError(f"lon and lat differ in shape: {lon.shape} vs {lat.shape}")
    shape = lon.shape
    lon, lat = lon.ravel(), lat.ravel()
    out = np.full(lon.shape, "Elsewhere", dtype=object)
    valid = np.isfinite(lon) & np.isfinite(lat)
    out[~valid] = ""
    todo = valid.copy()
    for label, geom in region_shapes():
        idx = np.flatnonzero(todo)
        if idx.size == 0:
            break
        minx, miny, maxx, maxy = geom.bounds
        x, y = lon[idx], lat[idx]
        near = (x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy)
        idx, x, y = idx[near], x[near], y[near]
        hit = shapely.intersects_xy(geom, x, y)  # points on an edge count as inside
        out[idx[hit]] = label
        todo[idx[hit]] = False
    return out.reshape(shape)
