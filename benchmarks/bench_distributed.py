"""Throughput of extraction on a Dask local cluster: 1 worker against 2 (or more).

Builds a corpus in a temporary folder by repeating the shared development
articles (``../shared/corpus/dev`` and ``../shared/articles``, read at run
time, never copied into the repository) under distinct ids, starts a real
``distributed.LocalCluster`` per worker count, warms the workers up (imports,
gazetteer), then times :func:`events.distributed.extract_distributed` against
the running cluster. Cluster start-up is printed apart: it is paid once per
run, not per article. The machine's load average is printed too, since other
processes on the same cores change the figures.

    python benchmarks/bench_distributed.py [--n 3000] [--workers 1 2] [--baseline]
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

#: Speed-up with two workers that the project aims at on a 2-core machine.
TARGET_SPEEDUP = 1.7


def build_corpus(target: Path, n: int) -> None:
    """``n`` article files with a manifest, cycling through the shared articles."""
    sources = []
    for folder in (SHARED / "corpus" / "dev", SHARED / "articles"):
        with open(folder / "manifest.csv", encoding="utf-8", newline="") as fh:
            sources.extend((folder / row["file"], row) for row in csv.DictReader(fh))
    target.mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(n):
        path, row = sources[i % len(sources)]
        name = f"d{i:06d}.txt"
        shutil.copyfile(path, target / name)
        rows.append({**row, "id": f"d{i:06d}", "file": name})
    with open(target / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["id", "file", "title", "published", "outlet",
                                                "url"])
        writer.writeheader()
        writer.writerows(rows)


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min) {five:.2f} (5 min) on {os.cpu_count()} cores"


def run_cluster(articles, gazetteer, workers: int, partition_size: int | None) -> dict:
    """Timings of one run on a fresh local cluster of ``workers`` processes.

    Besides wall-clock seconds, the CPU seconds each worker process and this
    process (client, scheduler and nannies) spent on the extraction: on cores
    shared with other jobs they show how the work was split even when the
    wall clock is dominated by someone else's load.
    """
    from distributed import Client

    from events.distributed import extract_distributed, local_cluster

    started = time.perf_counter()
    with local_cluster(workers) as cluster, \
            Client(cluster, set_as_default=False) as client:
        # every worker imports the pipeline and unpickles a gazetteer once
        extract_distributed(articles[:4 * workers], gazetteer=gazetteer,
                            scheduler=cluster.scheduler_address, partition_size=1)
        ready = time.perf_counter()
        cpu_before = client.run(time.process_time)
        own_before = time.process_time()
        result = extract_distributed(articles, gazetteer=gazetteer,
                                     scheduler=cluster.scheduler_address,
                                     partition_size=partition_size)
        done = time.perf_counter()
        own = time.process_time() - own_before
        cpu_after = client.run(time.process_time)
    worker_cpu = sorted((cpu_after[w] - cpu_before[w] for w in cpu_before), reverse=True)
    return {"startup": ready - started, "seconds": done - ready, "result": result,
            "worker_cpu": worker_cpu, "client_cpu": own}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=3000, help="articles in the corpus (default 3000)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2],
                    help="worker counts to compare (default 1 2)")
    ap.add_argument("--partition-size", type=int, default=None,
                    help="articles per task (default: sized to the cluster)")
    ap.add_argument("--baseline", action="store_true",
                    help="also time extract_corpus in this one process")
    args = ap.parse_args(argv)

    from events.corpus import read_corpus
    from events.pipeline import extract_corpus
    from geodata.gazetteer import default_gazetteer

    gazetteer = default_gazetteer()
    with tempfile.TemporaryDirectory(prefix="kcm-bench-dask-") as tmp:
        folder = Path(tmp) / "articles"
        build_corpus(folder, args.n)
        articles, errors = read_corpus(folder)
    if errors or len(articles) != args.n:
        raise SystemExit(f"corpus not built as asked: {len(articles)} articles, {errors[:3]}")
    print(f"corpus: {len(articles)} articles; {load()}")

    if args.baseline:
        started = time.perf_counter()
        base = extract_corpus(articles, gazetteer=gazetteer, progress=False)
        secs = time.perf_counter() - started
        print(f"one process (extract_corpus): {len(base.events)} events in {secs:.1f} s "
              f"= {len(articles) / secs:.1f} articles/s")

    rates: dict[int, float] = {}
    cpu_bound: dict[int, float] = {}
    first_ids: set[str] | None = None
    for workers in args.workers:
        run = run_cluster(articles, gazetteer, workers, args.partition_size)
        result, secs = run["result"], run["seconds"]
        if result.errors:
            raise SystemExit(f"workers={workers}: failures: {result.errors[:3]}")
        ids = {e.event_id for e in result.events}
        if first_ids is not None and ids != first_ids:
            raise SystemExit(f"workers={workers}: events differ from the first run")
        first_ids = ids
        rates[workers] = len(articles) / secs
        # the wall time the run would take with a free core per process: its busiest
        # worker plus the client's own work, counted as if none of it overlapped
        cpu_bound[workers] = run["worker_cpu"][0] + run["client_cpu"]
        print(f"dask workers={workers}: {len(result.events)} events from {len(articles)} "
              f"articles in {secs:.1f} s = {rates[workers]:.1f} articles/s "
              f"({result.summary['partitions']} tasks; cluster start + warm-up "
              f"{run['startup']:.1f} s)")
        print(f"  CPU s: workers {', '.join(f'{c:.1f}' for c in run['worker_cpu'])}; "
              f"client+scheduler {run['client_cpu']:.1f}; {load()}")
    if 1 in rates:
        for workers, rate in sorted(rates.items()):
            if workers > 1:
                speedup = rate / rates[1]
                verdict = "meets" if speedup >= TARGET_SPEEDUP else "misses"
                print(f"speed-up with {workers} workers: {speedup:.2f}x wall clock"
                      + (f" ({verdict} the {TARGET_SPEEDUP}x target)" if workers == 2 else "")
                      + f"; {cpu_bound[1] / cpu_bound[workers]:.2f}x from CPU seconds "
                      "(estimate for otherwise idle cores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
