"""Throughput of extraction on a Dask local cluster: 1 worker against 2 (or more).

Builds a corpus in a temporary folder by repeating the shared development
articles (``../shared/corpus/dev`` and ``../shared/articles``, read at run
time, never copied into the repository) under distinct ids and reads it once:
every run extracts the very same articles. Each run starts a fresh
``distributed.LocalCluster`` (:func:`events.distributed.local_cluster`), warms
its workers up (imports, first tasks) and then times
:func:`events.distributed.extract_distributed` against it, from connecting to
the clustered events. Start-up and warm-up are printed apart: they are paid once
per cluster, not per article.

The worker counts are interleaved (1, 2, 2, 1, 1, 2, ...) and each figure is the
median of ``--repeats`` runs. The machine may be shared, so every run prints
its contention: the 1-minute load average when it started (which still counts
this benchmark's previous run) and the CPU seconds that processes other than
this benchmark used meanwhile, and the time the hypervisor stole (both from
``/proc/stat``). A run where they took a sizeable share of the cores
(:data:`CONTENDED_SHARE`) is flagged: it measures them as much as the code.
The speed-up is also given over the uncontended pairs of runs only, and
estimated from CPU seconds (:func:`idle_estimate`), which load elsewhere
disturbs less, though not at all: on a shared host the same work takes more
CPU time when neighbours are busy.

    python benchmarks/bench_distributed.py [--n 2500] [--repeats 5] [--workers 1 2]
        [--partition-size P] [--baseline]
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared"
sys.path.insert(0, str(ROOT))

#: Speed-up with two workers that the project aims at on a 2-core machine.
TARGET_SPEEDUP = 1.7
#: Share of the machine that other processes (and the hypervisor's steal) may
#: take during a run before the run is flagged as contended.
CONTENDED_SHARE = 0.05


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


def machine_busy() -> tuple[float, float] | None:
    """CPU seconds all processes have used so far, and those stolen by the hypervisor.

    From the first line of ``/proc/stat`` (Linux); None elsewhere.
    """
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            fields = fh.readline().split()
    except OSError:
        return None
    if not fields or fields[0] != "cpu" or len(fields) < 9:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields[1:9])
    return (user + nice + system + irq + softirq) / ticks, steal / ticks


def load_text() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min)"


def run_cluster(articles, gazetteer, workers: int, partition_size: int | None) -> dict:
    """Timings of one extraction on a fresh, warmed-up local cluster of ``workers``.

    Besides wall-clock seconds: the CPU seconds of each worker process and of
    this process (client, scheduler and nannies), and those every other process
    on the machine used during the run.
    """
    from distributed import Client

    from events.distributed import extract_distributed, local_cluster

    started = time.perf_counter()
    with local_cluster(workers) as cluster, \
            Client(cluster, set_as_default=False) as client:
        # every worker imports the pipeline and runs a first task or two
        extract_distributed(articles[:4 * workers], gazetteer=gazetteer,
                            scheduler=cluster.scheduler_address, partition_size=1)
        ready = time.perf_counter()
        load_at_start = os.getloadavg()[0]
        worker_before = client.run(time.process_time)
        busy_before = machine_busy()
        own_before = time.process_time()
        began = time.perf_counter()
        result = extract_distributed(articles, gazetteer=gazetteer,
                                     scheduler=cluster.scheduler_address,
                                     partition_size=partition_size)
        seconds = time.perf_counter() - began
        own = time.process_time() - own_before
        busy_after = machine_busy()
        worker_after = client.run(time.process_time)
    worker_cpu = sorted((worker_after[w] - worker_before[w] for w in worker_before),
                        reverse=True)
    others = steal = None
    if busy_before is not None and busy_after is not None:
        others = busy_after[0] - busy_before[0] - own - sum(worker_cpu)
        steal = busy_after[1] - busy_before[1]
    return {"workers": workers, "startup": ready - started, "seconds": seconds,
            "result": result, "worker_cpu": worker_cpu, "client_cpu": own,
            "load": load_at_start, "others": others, "steal": steal}


def _others_share(run: dict) -> float | None:
    """Share of the machine's cores that other processes or the hypervisor took."""
    if run["others"] is None:
        return None
    taken = max(0.0, run["others"]) + (run["steal"] or 0.0)
    return taken / (run["seconds"] * (os.cpu_count() or 1))


def _contention(run: dict) -> str:
    share = _others_share(run)
    if share is None:
        return f"load {run['load']:.2f}"
    flag = "  CONTENDED" if share > CONTENDED_SHARE else ""
    steal = f", hypervisor stole {run['steal']:.1f} s" if (run["steal"] or 0) >= 0.05 else ""
    return (f"load {run['load']:.2f}, others used {max(0.0, run['others']):.1f} CPU-s"
            f"{steal} ({share:.0%} of the cores){flag}")


def _steps(seconds: dict[str, float]) -> str:
    return ", ".join(f"{name} {secs:.2f}" for name, secs in seconds.items()) + " s"


def idle_estimate(run: dict) -> float:
    """Wall seconds the run would take on otherwise idle cores, from its CPU seconds.

    The steps where only the client works (connecting, closing, merging) count
    in full; during the extraction step the processes share the cores: it
    lasts at least as long as the busiest worker's CPU time, and at least as
    long as all CPU time spent then (workers, plus the client's besides the
    serial steps) spread over every core.
    """
    steps = run["result"].summary["seconds"]
    serial = steps["connect"] + steps["close"] + steps["merge"]
    parallel_cpu = sum(run["worker_cpu"]) + max(0.0, run["client_cpu"] - serial)
    return serial + max(run["worker_cpu"][0], parallel_cpu / (os.cpu_count() or 1))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2500, help="articles in the corpus (default 2500)")
    ap.add_argument("--repeats", type=int, default=5,
                    help="timed runs per worker count; the median is reported (default 5)")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2],
                    help="worker counts to compare (default 1 2)")
    ap.add_argument("--partition-size", type=int, default=None,
                    help="articles per task (default: planned for the cluster)")
    ap.add_argument("--baseline", action="store_true",
                    help="also time extract_corpus in this one process")
    args = ap.parse_args(argv)
    if args.n < 1 or args.repeats < 1 or min(args.workers) < 1:
        ap.error("--n, --repeats and --workers must be at least 1")

    import dask
    import distributed

    from events.corpus import read_corpus
    from events.pipeline import extract_corpus
    from geodata.gazetteer import default_gazetteer

    print(f"machine: {os.cpu_count()} cores, {load_text()} before the benchmark; "
          f"Python {sys.version.split()[0]}, dask {dask.__version__}, "
          f"distributed {distributed.__version__}")
    gazetteer = default_gazetteer()
    with tempfile.TemporaryDirectory(prefix="kcm-bench-dask-") as tmp:
        folder = Path(tmp) / "articles"
        build_corpus(folder, args.n)
        articles, errors = read_corpus(folder)
    if errors or len(articles) != args.n:
        raise SystemExit(f"corpus not built as asked: {len(articles)} articles, {errors[:3]}")
    print(f"corpus: {len(articles)} articles ({sum(len(a.text) for a in articles) / 1e6:.1f} "
          f"MB of text), the same for every run; {args.repeats} timed runs per worker count")

    first_ids: set[str] | None = None
    if args.baseline:
        began = time.perf_counter()
        base = extract_corpus(articles, gazetteer=gazetteer, progress=False)
        secs = time.perf_counter() - began
        first_ids = {e.event_id for e in base.events}
        print(f"one process (extract_corpus): {len(base.events)} events in {secs:.1f} s "
              f"= {len(articles) / secs:.1f} articles/s; {load_text()}")

    runs: dict[int, list[dict]] = {w: [] for w in args.workers}
    for rep in range(args.repeats):
        # alternate the order so a load that drifts during the benchmark hits both alike
        order = args.workers if rep % 2 == 0 else list(reversed(args.workers))
        for workers in order:
            run = run_cluster(articles, gazetteer, workers, args.partition_size)
            result = run["result"]
            if result.errors:
                raise SystemExit(f"workers={workers}: failures: {result.errors[:3]}")
            ids = {e.event_id for e in result.events}
            if first_ids is not None and ids != first_ids:
                raise SystemExit(f"workers={workers}: events differ from the first run")
            first_ids = ids
            runs[workers].append(run)
            print(f"run {rep + 1} workers={workers}: {run['seconds']:.2f} s = "
                  f"{len(articles) / run['seconds']:.1f} articles/s "
                  f"({result.summary['partitions']} tasks; start + warm-up "
                  f"{run['startup']:.1f} s); CPU-s workers "
                  f"{', '.join(f'{c:.1f}' for c in run['worker_cpu'])}, client "
                  f"{run['client_cpu']:.1f}; steps {_steps(result.summary['seconds'])}; "
                  f"{_contention(run)}", flush=True)

    print(f"events per run: {len(first_ids or ())} distinct ids, identical in every run")
    median: dict[int, float] = {}
    estimate: dict[int, float] = {}
    for workers, done in runs.items():
        secs = sorted(r["seconds"] for r in done)
        median[workers] = statistics.median(secs)
        estimate[workers] = statistics.median(idle_estimate(r) for r in done)
        steps = {k: statistics.median(r["result"].summary["seconds"][k] for r in done)
                 for k in done[0]["result"].summary["seconds"]}
        contended = sum((_others_share(r) or 0.0) > CONTENDED_SHARE for r in done)
        print(f"workers={workers}: median {median[workers]:.2f} s = "
              f"{len(articles) / median[workers]:.1f} articles/s (runs {secs[0]:.2f}-"
              f"{secs[-1]:.2f} s; {contended} of {len(done)} contended); median steps "
              f"{_steps(steps)}; idle-core estimate {estimate[workers]:.2f} s")
    if 1 in median:
        for workers in sorted(w for w in median if w > 1):
            speedup = median[1] / median[workers]
            pairs = sorted(a["seconds"] / b["seconds"] for a, b in zip(runs[1], runs[workers],
                                                                       strict=True))
            verdict = (f" ({'meets' if speedup >= TARGET_SPEEDUP else 'misses'} the "
                       f"{TARGET_SPEEDUP}x target)" if workers == 2 else "")
            clean = [a["seconds"] / b["seconds"] for a, b in zip(runs[1], runs[workers],
                                                                  strict=True)
                     if max(_others_share(a) or 0.0, _others_share(b) or 0.0) <= CONTENDED_SHARE]
            print(f"speed-up with {workers} workers: {speedup:.2f}x from median wall times"
                  f"{verdict}; run by run {', '.join(f'{p:.2f}' for p in pairs)}; "
                  + (f"median of the {len(clean)} uncontended pairs "
                     f"{statistics.median(clean):.2f}x; " if clean else "no uncontended pair; ")
                  + f"{estimate[1] / estimate[workers]:.2f}x from CPU seconds (estimate for "
                  "otherwise idle cores)")
    print(f"after the benchmark: {load_text()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
