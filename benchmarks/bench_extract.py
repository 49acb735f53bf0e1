"""Throughput of ``events`` extraction: articles per second, one core and all cores.

Builds a corpus of at least 10,000 articles in a temporary folder by repeating
the shared development articles (``../shared/corpus/dev`` and
``../shared/articles``, read at run time, never copied into the repository),
then times reading plus extraction.

    python benchmarks/bench_extract.py [--n 10000] [--workers N]
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


def timed(folder: Path, workers: int) -> tuple[int, int, float]:
    from events.corpus import read_corpus
    from events.pipeline import extract_corpus
    from geodata.gazetteer import default_gazetteer

    gazetteer = default_gazetteer()
    start = time.perf_counter()
    articles, errors = read_corpus(folder)
    result = extract_corpus(articles, gazetteer=gazetteer, workers=workers, progress=False)
    elapsed = time.perf_counter() - start
    if errors or result.errors:
        raise SystemExit(f"unexpected failures: {errors[:3]} {result.errors[:3]}")
    return len(articles), len(result.events), elapsed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="articles in the corpus")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                    help="processes for the all-cores run")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kcm-bench-") as tmp:
        folder = Path(tmp) / "articles"
        build_corpus(folder, args.n)
        for workers in sorted({1, args.workers}):
            n, events, secs = timed(folder, workers)
            print(f"workers={workers}: {n} articles, {events} events in {secs:.1f} s "
                  f"= {n / secs:.0f} articles/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
