"""Print how close the built-in conflict layers are to the reference geometry, their
committed size, and how fast points are classified.

Reads ``../shared/reference`` (evaluation only; never used at run time). Run:
``.venv/bin/python benchmarks/bench_layers.py``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / ".." / "shared" / "reference"
sys.path.insert(0, str(ROOT))

from geodata.layers import DATA_DIR, load_layers  # noqa: E402
from geodata.regions import classify_regions  # noqa: E402

EQUAL_AREA = "EPSG:6933"
METRIC = "EPSG:32638"


def held_area_iou(ours: gpd.GeoDataFrame, reference: gpd.GeoDataFrame) -> tuple[float, float]:
    """IoU against reference OBJECTID 25 and the reference's area in km^2."""
    a = ours.to_crs(EQUAL_AREA).geometry.union_all()
    ref = reference[reference["OBJECTID"] == 25].to_crs(EQUAL_AREA).geometry.union_all()
    return a.intersection(ref).area / a.union(ref).area, ref.area / 1e6


def line_distances_km(ours: gpd.GeoDataFrame, reference: gpd.GeoDataFrame) -> np.ndarray:
    """Distance (km) from points every 500 m along the reference line to our line."""
    line = ours.to_crs(METRIC).geometry.union_all()
    ref = reference.to_crs(METRIC).geometry.union_all()
    steps = np.arange(0, ref.length, 500.0)
    points = shapely.line_interpolate_point(ref, steps)
    return shapely.distance(points, line) / 1000.0


def main() -> int:
    layers, _ = load_layers()
    files = sorted(DATA_DIR.glob("*"))
    total = sum(p.stat().st_size for p in files)
    print(f"committed layer files: {len(files)}, {total / 1024:.0f} KiB ({total / 1e6:.2f} MB)")
    if REFERENCE.is_dir():
        disputed = gpd.read_file(REFERENCE / "ne4_10m_disputed_areas_caucasus.geojson")
        iou, ref_area = held_area_iou(layers["held_area_1994_2020"].frame, disputed)
        ours_area = (
            layers["held_area_1994_2020"].frame.to_crs(EQUAL_AREA).geometry.union_all().area / 1e6
        )
        print(f"held area 1994-2020: IoU {iou:.3f} (ours {ours_area:.0f} km2, "
              f"reference {ref_area:.0f} km2)")
        loc = gpd.read_file(REFERENCE / "nk_line_of_contact_1994_2020_derived_ne4.geojson")
        dist = line_distances_km(layers["line_of_contact_1994_2020"].frame, loc)
        print(f"line of contact: median {np.median(dist):.1f} km, 90th percentile "
              f"{np.percentile(dist, 90):.1f} km, max {dist.max():.1f} km")
    else:
        print(f"reference folder {REFERENCE} absent: accuracy not measured")
    rng = np.random.default_rng(0)
    n = 1_000_000
    lon, lat = rng.uniform(44.0, 49.0, n), rng.uniform(38.0, 42.0, n)
    classify_regions(lon[:10], lat[:10])  # load and prepare once
    start = time.perf_counter()
    labels = classify_regions(lon, lat)
    took = time.perf_counter() - start
    print(f"classify_regions: {n:,} points in {took:.2f} s; "
          f"{(labels == 'Former NKAO').sum():,} in the former NKAO")
    return 0


if __name__ == "__main__":
    sys.exit(main())
