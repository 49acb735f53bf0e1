"""Server-side cost of the analyst workspace at 10k, 100k and 1M synthetic events.

Measures, for each size, side by side: loading the GeoPackage store, one
filter change (the view applied, then the sidebar counts and the timeline),
incident linking, map aggregation, one correction written, and the bytes the
map sends per shown event against one ``folium.Marker`` per event.

Browser-side figures (page ready, filter change to map updated) come from the
page's own benchmark once the workspace is wired into it.

    python benchmarks/bench_workspace.py                 # 10k, 100k, 1M
    python benchmarks/bench_workspace.py --sizes 10000   # quicker
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd  # noqa: E402

from dashboard.aggregate import district_shapes, map_data  # noqa: E402
from dashboard.incidents import link_incidents, side_tally, tally_sentence  # noqa: E402
from dashboard.query import apply_view, ensure_regions, facet_counts  # noqa: E402
from dashboard.timeline import choose_freq, timeline_frame  # noqa: E402
from dashboard.view import View  # noqa: E402
from events.corrections import corrections_of, mark_wrong  # noqa: E402
from events.store import open_store  # noqa: E402
from events.synthetic import synthetic_frame  # noqa: E402

#: Events drawn as folium Markers (and as full GeoJSON) to price one event.
SAMPLE = 2000
ZOOM = 8
#: The filter change measured: the 2020 war, two sides, two types.
VIEW = View(start=dt.date(2020, 9, 27), end=dt.date(2020, 11, 10),
            sides=("armenian", "azerbaijani"), types=("shelling", "border_incident"))


def timed(action: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def write_store(frame: pd.DataFrame, path: Path) -> None:
    """Fill a new GeoPackage store straight from a table (the store's append wants Events,
    which at 1M would cost minutes that measure nothing of interest here)."""
    import geopandas as gpd
    import pyogrio
    import shapely

    from events.store import _GPKG_COLUMNS, _GPKG_DATE_COLUMNS, EVENTS_LAYER

    open_store(path, create=True)
    out = pd.DataFrame(index=frame.index)
    for name in _GPKG_COLUMNS:
        column = frame[name]
        if name in _GPKG_DATE_COLUMNS:
            out[name] = column.dt.strftime("%Y-%m-%d").astype(object).where(column.notna(), None)
        elif name == "reported_by":
            out[name] = column.astype(str)
        else:
            out[name] = column
    points = shapely.points(frame["lon"].to_numpy(float), frame["lat"].to_numpy(float))
    points[frame["lon"].isna().to_numpy()] = None
    gdf = gpd.GeoDataFrame(out, geometry=points, crs="EPSG:4326")
    pyogrio.write_dataframe(gdf, path, layer=EVENTS_LAYER, driver="GPKG", append=True)


def folium_marker_bytes(frame: pd.DataFrame, *, tooltip: bool) -> float:
    """HTML bytes one ``folium.Marker`` adds: a map of ``SAMPLE`` markers minus an empty map."""
    import folium

    sample = frame[frame["lon"].notna()].head(SAMPLE)
    empty = len(folium.Map(location=[40, 46.5], zoom_start=ZOOM, tiles=None)
                .get_root().render().encode())
    m = folium.Map(location=[40, 46.5], zoom_start=ZOOM, tiles=None)
    for lat, lon, eid in zip(sample["lat"], sample["lon"], sample["event_id"], strict=True):
        folium.Marker([lat, lon], tooltip=str(eid) if tooltip else None).add_to(m)
    return (len(m.get_root().render().encode()) - empty) / len(sample)


def warm_up() -> None:
    """Import what the first size would otherwise pay for (scipy, shapely, folium)."""
    import folium  # noqa: F401
    import scipy.sparse.csgraph  # noqa: F401
    import scipy.spatial  # noqa: F401

    small = synthetic_frame(200, seed=1)
    link_incidents(small)
    map_data(ensure_regions(small), zoom=ZOOM)


def bench(size: int, workdir: Path) -> dict[str, str]:
    row: dict[str, str] = {}
    frame = synthetic_frame(size, seed=11)
    path = workdir / f"events_{size}.gpkg"
    write_store(frame, path)
    row["store file (MB)"] = f"{path.stat().st_size / 1e6:.0f}"
    store = open_store(path)
    frame, seconds = timed(store.read_frame)
    row["store load (s)"] = f"{seconds:.2f}"
    frame, seconds = timed(lambda: ensure_regions(frame))
    row["regions, once (s)"] = f"{seconds:.2f}"
    shown, seconds = timed(lambda: apply_view(frame, VIEW))
    row["filter change (ms)"] = f"{seconds * 1000:.0f}"
    row["events shown"] = f"{len(shown):,}"
    _, seconds = timed(lambda: facet_counts(frame, VIEW))
    row["sidebar counts (ms)"] = f"{seconds * 1000:.0f}"
    _, seconds = timed(lambda: timeline_frame(shown, choose_freq(shown)))
    row["timeline of view (ms)"] = f"{seconds * 1000:.0f}"
    tally, seconds = timed(lambda: tally_sentence(side_tally(shown)))
    row["side tally (ms)"] = f"{seconds * 1000:.1f}"
    incidents, seconds = timed(lambda: link_incidents(frame))
    row["incident linking, all (s)"] = f"{seconds:.2f}"
    row["events in incidents"] = f"{(incidents != '').sum():,}"
    shapes = district_shapes()
    data, seconds = timed(lambda: map_data(shown, zoom=ZOOM, area_shapes=shapes))
    row["aggregation of view (ms)"] = f"{seconds * 1000:.0f}"
    row["map mode"] = f"{data.mode}, {len(data.features['features']):,} features"
    sent = len(data.to_json().encode())
    row["bytes sent, view (kB)"] = f"{sent / 1000:.0f}"
    row["bytes / shown event"] = f"{sent / max(data.n_events, 1):.1f}"
    everything, seconds = timed(lambda: map_data(frame, zoom=ZOOM, area_shapes=shapes))
    row["aggregation, all (ms)"] = f"{seconds * 1000:.0f}"
    row["bytes / event, all"] = (
        f"{len(everything.to_json().encode()) / max(everything.n_events, 1):.1f}")
    sample = frame[frame["geo_precision"] == "settlement"].head(SAMPLE)
    points = map_data(sample, zoom=ZOOM, max_points=SAMPLE)
    row["bytes / event, unbinned"] = f"{len(points.to_json().encode()) / len(sample):.1f}"
    marker = folium_marker_bytes(frame, tooltip=False)
    row["folium.Marker bytes / event*"] = f"{marker:.0f}"
    row["  with tooltip (id)*"] = f"{folium_marker_bytes(frame, tooltip=True):.0f}"
    row["Marker baseline, view (MB)*"] = f"{marker * data.n_events / 1e6:.1f}"
    row["Marker / sent, view"] = f"{marker * data.n_events / sent:.0f}x"
    row["Marker / sent, unbinned"] = (
        f"{marker * len(sample) / len(points.to_json().encode()):.1f}x")
    log = corrections_of(store)
    target = {"event_id": frame["event_id"].iloc[0]}
    _, seconds = timed(lambda: log.add([mark_wrong(target, "bench")]))
    row["one correction write (s)"] = f"{seconds:.2f}"
    row["peak RSS so far (GB)"] = (
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6:.1f}")
    print(f"  {size:,}: {tally}", file=sys.stderr)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000, 1_000_000])
    args = parser.parse_args()
    results: dict[int, dict[str, str]] = {}
    warm_up()
    with tempfile.TemporaryDirectory(prefix="kcm-bench-") as tmp:
        for size in args.sizes:
            print(f"benchmarking {size:,} events ...", file=sys.stderr, flush=True)
            results[size] = bench(size, Path(tmp))
    names = list(next(iter(results.values())))
    width = max(len(n) for n in names)
    print(f"{'':{width}}" + "".join(f"{s:>24,}" for s in results))
    for name in names:
        print(f"{name:{width}}" + "".join(f"{results[s][name]:>24}" for s in results))
    print()
    print(f"Filter: {json.dumps({k: str(v) for k, v in vars(VIEW).items() if v})}; zoom {ZOOM}.")
    print(f"* Measured, not extrapolated per size: a folium map of {SAMPLE:,} bare Markers "
          "(and again with an id tooltip) minus an empty map, divided by the markers; the "
          "'view' figure multiplies that by the events shown, which is how folium's output "
          "grows (one script block per marker). The Marker map was not built at full size.")
    print("Bytes sent = compact JSON of map_data (points, bins and areas with their outlines); "
          "'unbinned' is one feature per settlement event.")


if __name__ == "__main__":
    main()
