"""Throughput of ``events`` extraction: articles per second, one core and all cores.

Builds a corpus of at least 10,000 articles in a temporary folder by repeating
the shared development articles (``../shared/corpus/dev`` and
``../shared/articles``, read at run time, never copied into the repository),
then times reading plus extraction: on one core (articles per second by CPU
time and by wall time) and on a Dask local cluster of ``--workers`` processes
(wall time, cluster start-up included: what ``--workers N`` costs a user).

    python benchmarks/bench_extract.py [--n 10000] [--workers N] [--single-only]
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared"
sys.path.insert(0, str(ROOT))


def build_corpus(target: Path, n: int) -> int:
    """Copy the shared articles under new ids until there are ``n``; returns the count."""
    sources = []
    for folder in (SHARED / "corpus" / "dev", SHARED / "articles"):
        with open(folder / "manifest.csv", encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                sources.append((folder / row["file"], row))
    target.mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(n):
        path, row = sources[i % len(sources)]
        name = f"r{i:06d}.txt"
        shutil.copyfile(path, target / name)
        rows.append({**row, "id": f"r{i:06d}", "file": name})
    with open(target / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["id", "file", "title", "published", "outlet",
                                                "url"])
        writer.writeheader()
        writer.writerows(rows)
    return n


def timed(folder: Path, workers: int) -> dict[str, float]:
    """Read and extract the corpus once; wall time, and CPU time of this process and its workers.

    CPU time is what the machine spent on the run whatever else it is doing, so it is the
    fairer single-core figure on a shared machine; wall time is what a user waits. More than
    one worker runs as the command line does with ``--workers``: on a Dask local cluster.
    """
    import resource

    from events.corpus import read_corpus
    from events.pipeline import extract_corpus
    from geodata.gazetteer import default_gazetteer

    gazetteer = default_gazetteer()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    articles, errors = read_corpus(folder)
    if workers == 1:
        result = extract_corpus(articles, gazetteer=gazetteer, progress=False)
    else:
        from events.distributed import extract_distributed

        result = extract_distributed(articles, gazetteer=gazetteer, workers=workers)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    if errors or result.errors:
        raise SystemExit(f"unexpected failures: {errors[:3]} {result.errors[:3]}")
    return {"articles": len(articles), "events": len(result.events), "wall": wall,
            "cpu": cpu + worker_cpu}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="articles in the corpus")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                    help="Dask workers for the all-cores run")
    ap.add_argument("--single-only", action="store_true", help="skip the all-cores run")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kcm-bench-") as tmp:
        folder = Path(tmp) / "articles"
        build_corpus(folder, args.n)
        one = timed(folder, 1)
        n = one["articles"]
        print(f"corpus: {n} articles (shared dev + seed articles repeated), "
              f"{one['events']} events")
        print(f"single core : {n / one['cpu']:7.1f} articles/s by CPU time "
              f"({one['cpu']:.1f} s CPU)")
        print(f"single core : {n / one['wall']:7.1f} articles/s by wall time "
              f"({one['wall']:.1f} s; lower than CPU when the machine is shared)")
        if not args.single_only and args.workers > 1:
            many = timed(folder, args.workers)
            print(f"all cores   : {n / many['wall']:7.1f} articles/s by wall time with "
                  f"{args.workers} Dask workers ({many['wall']:.1f} s wall with cluster "
                  f"start-up, {many['cpu']:.1f} s CPU in all)")
        print("target (issue 3): >= 200 articles/s on one core")
    return 0


if __name__ == "__main__":
    sys.exit(main())
