"""Time every export format at 1,000, 10,000 and 100,000 synthetic events.

Aim: a slide PNG of 10,000 events in under 3 s. Prints one row per format and
size (median of the runs, seconds) and the file size, then whether the aim is
met. The geography is loaded once before timing, as the page does.

    python benchmarks/bench_export.py [--sizes 1000 10000 100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard import export as ex  # noqa: E402
from dashboard.snapshot import load_geography  # noqa: E402
from dashboard.view import View  # noqa: E402
from events.synthetic import synthetic_frame  # noqa: E402

#: (label, format, options)
CASES = (
    ("png slide 150 dpi", "png", {"preset": "slide", "dpi": 150}),
    ("png a4-portrait 300 dpi", "png", {"preset": "a4-portrait", "dpi": 300}),
    ("pdf map page only", "pdf", {"event_list": False}),
    ("pdf with event list", "pdf", {}),
    ("html standalone", "html", {}),
    ("geojson", "geojson", {}),
    ("csv", "csv", {}),
    ("acled-csv", "acled-csv", {}),
    ("gpkg", "gpkg", {}),
)
SUFFIX = {"png": ".png", "pdf": ".pdf", "html": ".html", "geojson": ".geojson", "csv": ".csv",
          "acled-csv": ".csv", "gpkg": ".gpkg"}
AIM_SECONDS = 3.0


def time_case(frame, fmt: str, options: dict, runs: int, folder: Path) -> tuple[float, int]:
    times = []
    path = folder / f"out{SUFFIX[fmt]}"
    for _ in range(runs):
        start = time.perf_counter()
        titled = {"title": "Benchmark"} if "title" in ex.format_options(fmt) else {}
        ex.export(frame, View(), fmt, path, **options, **titled)
        times.append(time.perf_counter() - start)
    return statistics.median(times), path.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3, help="runs per case below 100k events")
    parser.add_argument("--formats", nargs="+", help="only these formats")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    load_geography()
    print(f"geography loaded in {time.perf_counter() - start:.2f} s (once per process)")
    print(f"{'events':>8}  {'export':<26}{'seconds':>9}{'MB':>9}")
    slide_10k = None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in args.sizes:
            frame = synthetic_frame(n, seed=1)
            runs = args.runs if n < 100_000 else 1
            for label, fmt, options in CASES:
                if args.formats and fmt not in args.formats:
                    continue
                seconds, size = time_case(frame, fmt, options, runs, folder)
                print(f"{n:>8,}  {label:<26}{seconds:>9.2f}{size / 1e6:>9.2f}", flush=True)
                if n == 10_000 and label == "png slide 150 dpi":
                    slide_10k = seconds
    if slide_10k is not None:
        verdict = "met" if slide_10k < AIM_SECONDS else "NOT met"
        print(f"aim: slide PNG of 10,000 events < {AIM_SECONDS:.0f} s: "
              f"{slide_10k:.2f} s, {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
