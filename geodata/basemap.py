"""A quiet offline basemap: land, water, countries and main town labels.

Read from the compact files ``python -m geodata build`` writes next to the layers,
so a map reads well with no tile server. Loaded once per process.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import geopandas

from geodata.layers import DATA_DIR

BASEMAP_PARTS: tuple[str, ...] = ("land", "water", "countries", "towns")


@functools.cache
def _read(name: str) -> geopandas.GeoDataFrame:
    import geopandas

    frame = geopandas.read_file(DATA_DIR / f"{name}.geojson")
    return frame.set_crs(4326, allow_override=True)


def load_basemap() -> dict[str, geopandas.GeoDataFrame]:
    """``land``, ``water`` (lakes and the Caspian; the packaged Natural Earth has no
    rivers), ``countries`` and ``towns`` (name, population, country), all EPSG:4326.
    Callers get copies, so drawing code may add columns freely."""
    return {
        "land": _read("basemap_land").copy(),
        "water": _read("basemap_water").copy(),
        "countries": _read("countries").copy(),
        "towns": _read("basemap_towns").copy(),
    }
