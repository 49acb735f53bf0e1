"""Timings of the event stores at 10k and 100k synthetic events, and PostGIS at 1M.

Prints, per backend and size: loading all events (appends of up to 100,000),
appending a further 1% batch, re-appending it (all duplicates), reading the
whole table, and typical queries (a month of one side in a quiet month and in
the 2020 war, a bounding box, a type over a year), each the best of three runs.
For PostGIS it also prints the server's plan and execution time of the
month-of-one-side query, to show the indexes are used.

    python benchmarks/bench_store.py                   # gpkg, geojson, PostGIS (temp server)
    python benchmarks/bench_store.py --backends gpkg --sizes 10000
    python benchmarks/bench_store.py --postgis postgresql://user:pw@host/emptydb

``--postgis temp`` (the default) starts a throwaway PostgreSQL + PostGIS from
the Debian packages, as the test suite does; with an address, that database
must hold no event store yet, and only the largest size is run there.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from events.store import open_store  # noqa: E402
from events.synthetic import synthetic_events  # noqa: E402

CHUNK = 100_000
QUERIES = {
    "month of one side (2019-03)": {"start": dt.date(2019, 3, 1), "end": dt.date(2019, 3, 31),
                                    "sides": ["azerbaijani"]},
    "month of one side (2020-10)": {"start": dt.date(2020, 10, 1), "end": dt.date(2020, 10, 31),
                                    "sides": ["azerbaijani"]},
    "bbox 0.5 deg": {"bbox": (46.5, 39.5, 47.0, 40.0)},
    "shelling in 2016": {"types": ["shelling"], "start": dt.date(2016, 1, 1),
                         "end": dt.date(2016, 12, 31)},
}


def timed(action):
    t0 = time.perf_counter()
    result = action()
    return result, time.perf_counter() - t0


def best_of(action, runs: int = 3):
    best, result = float("inf"), None
    for _ in range(runs):
        result, seconds = timed(action)
        best = min(best, seconds)
    return result, best


def load(store, size: int, seed: int) -> float:
    """Append ``size`` events in chunks (bounded memory at 1M); seconds spent appending."""
    spent = 0.0
    for first in range(0, size, CHUNK):
        chunk = synthetic_events(min(CHUNK, size - first), seed=seed + first // CHUNK)
        result, seconds = timed(lambda c=chunk: store.append(c))
        assert result.added == len(chunk), result
        spent += seconds
    return spent


def bench(backend: str, size: int, location: str) -> None:
    store = open_store(location, create=True)
    assert store.count() == 0, f"{store.location} is not empty"
    loading = load(store, size, seed=size)
    extra = synthetic_events(max(size // 100, 1), seed=size + 7_777)
    result, append = timed(lambda: store.append(extra))
    assert result.added == len(extra), result
    result, again = timed(lambda: store.append(extra))
    assert result.duplicates == len(extra), result
    fresh = open_store(location)
    frame, read_all = timed(fresh.read_frame)
    assert len(frame) == size + len(extra)
    _, count = best_of(fresh.count)
    where = Path(location)
    size_note = f"file {where.stat().st_size / 1e6:6.1f} MB" if where.exists() else ""
    print(f"{backend:8} {size:>9,} events  {size_note}")
    print(f"  load ({size:,} in appends of <= {CHUNK:,})   {loading:8.3f} s")
    print(f"  append {len(extra):,} more                      {append:8.3f} s")
    print(f"  re-append the same (duplicates)      {again:8.3f} s")
    print(f"  read_frame, everything               {read_all:8.3f} s")
    print(f"  count                                {count:8.3f} s")
    for name, query in QUERIES.items():
        got, seconds = best_of(lambda q=query: fresh.read_frame(**q))
        print(f"  query {name:<30} {seconds:8.3f} s  ({len(got):,} rows)")
    if hasattr(fresh, "explain"):
        plan = fresh.explain(**QUERIES["month of one side (2019-03)"])
        used = sorted(set(re.findall(r"events_\w+_idx", plan)))
        executed = re.search(r"Execution Time: ([\d.]+) ms", plan)
        print(f"  month of one side in the server: {executed.group(1) if executed else '?'} ms, "
              f"indexes used: {', '.join(used) or 'none'}")
        for line in plan.splitlines():
            print(f"    | {line}")


def temp_server(workdir: Path):
    """The test suite's throwaway PostgreSQL + PostGIS (tests/conftest.py)."""
    spec = importlib.util.spec_from_file_location("kcm_test_conftest", ROOT / "tests" /
                                                  "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    try:
        return module.PostGISServer(workdir)
    except module.pytest.fail.Exception as exc:  # how the test helper reports a failed start
        raise RuntimeError(str(exc)) from None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--backends", nargs="+", default=["gpkg", "geojson", "postgis"])
    parser.add_argument("--postgis", default="temp", help="'temp' or a postgresql:// address")
    parser.add_argument("--postgis-large", type=int, default=1_000_000,
                        help="extra PostGIS size (0 to skip)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        for backend in args.backends:
            if backend != "postgis":
                for size in args.sizes:
                    bench(backend, size, str(Path(tmp) / f"bench-{size}.{backend}"))
                continue
            sizes = sorted({*args.sizes, *([args.postgis_large] if args.postgis_large else [])})
            if args.postgis != "temp":
                bench(backend, sizes[-1], args.postgis)
                continue
            root = Path(tempfile.mkdtemp(prefix="bench-pg-"))
            try:
                server = temp_server(root)
            except Exception as exc:
                shutil.rmtree(root, ignore_errors=True)
                print(f"postgis  not measured: no temporary server could start ({exc})")
                continue
            try:
                for size in sizes:
                    bench(backend, size, server.new_database())
            finally:
                server.stop()
                shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
