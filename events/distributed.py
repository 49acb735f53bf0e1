"""Extraction spread over a Dask cluster: an existing scheduler, or a local one.

A corpus too large for one machine's coffee break is cut into partitions of a
few articles; each partition is one Dask task that runs the pipeline's own
:func:`~events.pipeline.extract_article` on its articles. The gazetteer is
scattered to every worker once instead of travelling inside every task. The
per-article events come back to the client, are put in corpus order and
clustered once with :func:`~events.pipeline.cluster_events` -- exactly what
:func:`~events.pipeline.extract_corpus` does in one process, so both give the
same events with the same ids.

Faults, and why they cost nothing:

* A partition is a pure function of its articles and the gazetteer, so when a
  worker dies Dask simply runs the partitions it held again elsewhere. Results
  are kept per article position, so a partition computed twice is stored once:
  no article is lost and none is doubled.
* A partition that keeps killing its workers (Dask gives up on it with
  ``KilledWorker``) is tried again article by article, so only the culprit can
  fail; partitions cancelled because the scattered gazetteer died with every
  worker holding it are tried again with a fresh copy. An article that still
  fails after :data:`RETRY_ROUNDS` more rounds is reported by file; the rest go on.
* Events reach the store in batches; every batch is idempotent by
  ``event_id``, so a run cut short (say, the database connection dropped) is
  completed by running it again, without duplicates.
* A scheduler that cannot be reached is an error naming its address (never
  with credentials); extraction never quietly falls back to this machine.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import os
import pickle
import time
import uuid
from collections.abc import Iterable, Sequence
from concurrent.futures import CancelledError
from typing import Any
from urllib.parse import urlsplit

from events.corpus import Article, CorpusError
from events.pipeline import (
    ArticleOutcome,
    ExtractResult,
    cluster_events,
    extract_outcome,
    summarize,
)
from events.schema import Event, RecordError
from events.store import AppendResult, Store, StoreError, open_store

#: Seconds to wait for a scheduler to answer before saying it is unreachable.
CONNECT_TIMEOUT = 5.0
#: Seconds an existing scheduler may take to have at least one worker.
WORKER_WAIT = 30.0
#: Largest number of articles in one task. Each task costs Dask about 10 ms of
#: CPU between client, scheduler and worker (measured on a 2-core machine), some
#: 2-3 % of a task this size; and a worker that dies holds at most two of them,
#: a second or so to redo.
MAX_PARTITION = 100
#: Smallest number of articles in one task: the last tasks of a run.
MIN_PARTITION = 4
#: A task takes at most 1 / (``TASKS_AHEAD`` x threads) of the articles still to
#: plan, so tasks shrink toward the end and every worker finishes at about the
#: same moment (one small task apart) instead of one idling through a big one.
TASKS_AHEAD = 4
#: Rounds of retrying partitions that Dask itself gave up on.
RETRY_ROUNDS = 2
#: Dask settings of the local cluster. Its processes share the cores with the
#: extraction, so the housekeeping meant for a dashboard nobody sees here goes:
#: the workers' statistical profiler (a thread sampling the busy one's stack every
#: 10 ms), the event-loop health tick every 20 ms in every process, and resource
#: sampling several times a second. Together they cost an idle 2-worker cluster
#: about 0.1 CPU-second per second, taken from extraction on a 2-core machine.
LOCAL_CLUSTER_CONFIG: dict[str, Any] = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "500ms",
}

_TASK_PREFIX = "kcm-extract"
_log = logging.getLogger(__name__)

class DistributedError(RuntimeError):
    """The cluster could not do the extraction; the message names the scheduler."""


class SchedulerUnavailable(DistributedError):
    """No usable Dask scheduler at the address given (nothing is extracted locally instead)."""


class StoreWriteIncomplete(StoreError):
    """A store batch failed after extraction: earlier batches are in, the rest are not.

    ``result`` holds every extracted event so the caller can still write them
    elsewhere; running the same extraction into the same store again adds what is
    missing and nothing twice.
    """

    def __init__(self, message: str, *, result: ExtractResult | None,
                 written: AppendResult) -> None:
        super().__init__(message)
        self.result = result
        self.written = written


# -- pieces that run without a cluster --------------------------------------------


def redact_address(address: str) -> str:
    """The address with any ``user:password@`` removed, safe for messages and logs."""
    text = address.strip()
    if "://" not in text:  # host:port, as Dask also accepts
        return text.rsplit("@", 1)[-1] if "/" not in text else text
    try:
        parts = urlsplit(text)
    except ValueError:
        return text.split("://", 1)[0] + "://<unparseable address>"
    host = parts.netloc.rsplit("@", 1)[-1]
    return f"{parts.scheme}://{host}{parts.path}"


def partition_articles(articles: Sequence[Article], size: int) -> list[list[int]]:
    """Positions of the articles, cut into consecutive runs of at most ``size``."""
    if size < 1:
        raise ValueError(f"partition size must be at least 1, got {size}")
    return [list(range(i, min(i + size, len(articles)))) for i in range(0, len(articles), size)]


def plan_partitions(n_articles: int, threads: int) -> list[list[int]]:
    """Positions ``0..n_articles-1`` in consecutive runs, large first and shrinking.

    Dask runs them in this order, so the big tasks (little overhead per article)
    go first and the small ones (little idle time at the end) last -- guided
    self-scheduling. Sizes stay between :data:`MIN_PARTITION` and
    :data:`MAX_PARTITION` (a corpus of fewer articles than the minimum is one
    partition).
    """
    if threads < 1:
        raise ValueError(f"threads must be at least 1, got {threads}")
    parts: list[list[int]] = []
    first = 0
    while first < n_articles:
        share = math.ceil((n_articles - first) / (threads * TASKS_AHEAD))
        size = max(MIN_PARTITION, min(MAX_PARTITION, share))
        parts.append(list(range(first, min(n_articles, first + size))))
        first += size
    return parts


def extract_partition(articles: Sequence[Article], gazetteer: Any) -> list[ArticleOutcome]:
    """Events of each article of a partition; what runs on a worker.

    Pure: the outcome depends only on the arguments and nothing outside is
    changed, which is what makes it safe for Dask to run it again after a
    worker died. One failing article is reported and its neighbours go on.
    """
    return [extract_outcome(article, gazetteer) for article in articles]


def pack_partition(articles: Sequence[Article]) -> bytes:
    """A partition's articles as one pickled blob, the form a task carries them in.

    Opaque bytes cost the client and the scheduler almost nothing: Dask neither
    walks thousands of dataclasses to name the tasks nor unpickles and pickles
    them again on the scheduler on their way to a worker.
    """
    return pickle.dumps(tuple(articles), protocol=pickle.HIGHEST_PROTOCOL)


def extract_packed(packed: bytes, gazetteer: Any) -> list[ArticleOutcome]:
    """:func:`extract_partition` of a :func:`pack_partition` blob; what a task runs."""
    return extract_partition(pickle.loads(packed), gazetteer)


def write_in_batches(store: Store, events: Sequence[Event], batch_size: int, *,
                     result: ExtractResult | None = None) -> AppendResult:
    """Append events ``batch_size`` at a time; each batch is all-or-nothing and idempotent.

    A failing batch raises :class:`StoreWriteIncomplete` saying how far it got
    (and carrying ``result`` when given); the batches before it are stored, so
    the same call again completes the job without adding anything twice.
    """
    if batch_size < 1:
        raise ValueError(f"batch size must be at least 1, got {batch_size}")
    total = AppendResult(0, 0, [])
    batches = math.ceil(len(events) / batch_size)
    for first in range(0, len(events), batch_size):
        try:
            done = store.append(events[first:first + batch_size])
        except StoreError as exc:
            raise StoreWriteIncomplete(
                f"{_where(store)}: batch {first // batch_size + 1} of {batches} failed "
                f"({exc}); {first} of {len(events)} events were stored before it -- run again "
                "to add the rest (stored events are not added twice)",
                result=result, written=total) from exc
        total.added += done.added
        total.duplicates += done.duplicates
        total.errors.extend(RecordError(e.source, e.index + first, e.message)
                            for e in done.errors)
    return total


def _where(store: Store) -> str:
    location = str(getattr(store, "location", "the store"))
    return redact_address(location) if "://" in location else location


# -- the cluster --------------------------------------------------------------------


def _check_address(scheduler: str) -> str:
    """The address to give Dask; refuses what Dask would misread, naming it safely."""
    text = scheduler.strip()
    shown = redact_address(text)
    if not text:
        raise SchedulerUnavailable("no Dask scheduler address given (expected tcp://host:port)")
    netloc = text.split("://", 1)[-1].split("/", 1)[0]
    if "@" in netloc:
        raise SchedulerUnavailable(
            f"Dask scheduler {shown}: a scheduler address takes no user or password "
            "(Dask's tcp:// protocol has none); give tcp://host:port, and a Security "
            "configuration for TLS")
    return text


def local_cluster(workers: int) -> Any:
    """A ``distributed.LocalCluster`` of single-threaded worker processes on loopback.

    One thread per process: extraction is pure Python and holds the GIL, so
    only separate processes run it side by side. The dashboard is off, and so is
    the housekeeping that feeds it (:data:`LOCAL_CLUSTER_CONFIG`; settings made
    with ``dask.config.set`` around this call still apply). The scheduler still
    serves its small HTTP API (health checks), which Dask otherwise puts on the
    fixed port 8787: here it gets a free loopback port, so two clusters on one
    machine never collide.
    """
    import dask
    from distributed import LocalCluster

    # the scheduler, the nannies and (through them) the workers read these at start
    with dask.config.set(LOCAL_CLUSTER_CONFIG):
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                            host="127.0.0.1", dashboard_address=None,
                            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})


def _connect(scheduler: str, timeout: float) -> Any:
    """A client of an existing scheduler, or :class:`SchedulerUnavailable` naming it."""
    from distributed import Client

    address = _check_address(scheduler)
    shown = redact_address(address)
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        why = "no answer" if isinstance(exc, (OSError, TimeoutError)) else "bad address"
        raise SchedulerUnavailable(
            f"cannot reach the Dask scheduler at {shown} ({why} within {timeout:g} s); "
            "check that it is running and the address is right -- nothing was extracted"
        ) from None
    return client


def _wait_for_workers(client: Any, n: int, timeout: float, shown: str) -> None:
    try:
        client.wait_for_workers(n, timeout=timeout)
    except (TimeoutError, OSError):
        raise DistributedError(
            f"the Dask scheduler at {shown} has no workers after {timeout:g} s; "
            "start some (dask worker ADDRESS) and run again"
        ) from None


def _threads(client: Any) -> int:
    workers = client.scheduler_info().get("workers", {})
    return max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))


def _lost(exc: BaseException) -> bool:
    """True for failures of the cluster (dead workers, lost data), not of the code."""
    from distributed import KilledWorker
    from distributed.comm import CommClosedError

    return isinstance(exc, (KilledWorker, CancelledError, CommClosedError))


def _outcome_error(exc: BaseException, shown: str) -> DistributedError:
    return DistributedError(
        f"the workers of the Dask scheduler at {shown} could not run the extraction: "
        f"{type(exc).__name__}: {exc} (is this project installed on the workers?)")


def _settle(client: Any, batch: list[Any], shown: str) -> list[tuple[Any, Any, bool]]:
    """``(future, outcomes or exception, lost)`` for futures that have just completed.

    The finished ones are fetched in one ``gather`` -- one round trip per batch
    instead of one per task, which is what the client otherwise spends most of
    its time on. A future whose data vanished in between (its worker died) is
    settled on its own.
    """
    done = [f for f in batch if f.status == "finished"]
    gathered: dict[Any, Any] = {}
    if done:
        try:
            gathered = dict(zip([f.key for f in done], client.gather(done), strict=True))
        except Exception:  # noqa: BLE001 - sorted out future by future below
            gathered = {}
    settled: list[tuple[Any, Any, bool]] = []
    for future in batch:
        if future.key in gathered:
            settled.append((future, gathered[future.key], False))
            continue
        try:
            settled.append((future, future.result(), False))
        except Exception as exc:
            if not _lost(exc):
                raise _outcome_error(exc, shown) from None
            settled.append((future, exc, True))
    return settled


def _run_partitions(client: Any, articles: Sequence[Article], gazetteer: Any,
                    parts: list[list[int]], shown: str, bar: Any
                    ) -> tuple[list[list[Event] | None], dict[int, str], int]:
    """Events by article position, errors by position, and how many retry rounds ran."""
    from distributed import KilledWorker, as_completed

    events: list[list[Event] | None] = [None] * len(articles)
    failed: dict[int, str] = {}
    run = uuid.uuid4().hex[:12]
    pending = parts
    retried = 0
    for round_no in range(RETRY_ROUNDS + 1):
        if client.status != "running":
            raise DistributedError(f"lost the connection to the Dask scheduler at {shown}")
        # broadcast: every worker gets the one copy now, no task carries it
        gaz = client.scatter(gazetteer, broadcast=True, hash=False)
        # one graph update for every partition, not one message per task
        submitted = client.map(
            extract_packed, [pack_partition([articles[i] for i in part]) for part in pending],
            gazetteer=gaz, key=[f"{_TASK_PREFIX}-{run}-{round_no}-{k}"
                                for k in range(len(pending))])
        futures = dict(zip(submitted, pending, strict=True))
        again: list[list[int]] = []
        lost: dict[str, int] = {}
        try:
            for batch in as_completed(submitted, loop=client.loop).batches():
                for future, outcomes, was_lost in _settle(client, batch, shown):
                    part = futures.pop(future)
                    if was_lost:
                        why = type(outcomes).__name__
                        if round_no < RETRY_ROUNDS:
                            lost[why] = lost.get(why, 0) + len(part)
                            # a partition Dask gave up on may hold one article that kills
                            # workers: alone, it can only cost itself
                            again.extend([[i] for i in part]
                                         if isinstance(outcomes, KilledWorker) else [part])
                        else:
                            for i in part:
                                failed[i] = (f"extraction failed on the cluster after "
                                             f"{RETRY_ROUNDS + 1} attempts: {why}")
                            bar.update(len(part))
                        continue
                    for i, (aid, evs, err) in zip(part, outcomes, strict=True):
                        if aid != articles[i].id:  # a mix-up must never go unnoticed
                            raise DistributedError(f"partition result out of order at {aid!r}")
                        if evs is None:
                            failed[i] = f"extraction failed: {err}"
                        else:
                            events[i] = evs
                    bar.update(len(part))
        finally:
            if futures:  # only after an error: stop what is left
                client.cancel(list(futures))
            client.cancel([gaz])
        if not again:
            break
        _log.warning("Dask scheduler %s: %s; extracting those articles again", shown,
                     ", ".join(f"{n} article(s) lost ({why})" for why, n in lost.items()))
        retried += 1
        pending = again
    return events, failed, retried


def extract_distributed(
    articles: Iterable[Article],
    *,
    gazetteer: Any,
    scheduler: str | None = None,
    workers: int = 2,
    batch_size: int = 500,
    store: Store | str | os.PathLike[str] | None = None,
    progress: bool = False,
    partition_size: int | None = None,
    connect_timeout: float = CONNECT_TIMEOUT,
    worker_wait: float = WORKER_WAIT,
) -> ExtractResult:
    """Events of every article, extracted on a Dask cluster; same result as ``extract_corpus``.

    ``scheduler="tcp://host:port"`` uses a running scheduler and its workers
    (``workers`` is then ignored); without it a local cluster of ``workers``
    single-threaded processes is started on the loopback interface and stopped
    at the end. ``store`` (a store or its location) receives the events in
    batches of ``batch_size``; it is opened before any work so a bad store
    fails fast. ``partition_size`` fixes the articles per task; by default
    :func:`plan_partitions` sizes them to the cluster. ``connect_timeout``
    bounds the wait for the scheduler's answer, ``worker_wait`` the wait for its
    first worker.

    The summary adds ``scheduler``, ``workers`` (threads), ``partitions``,
    ``retried_rounds`` and ``seconds``, the wall time of each step (``connect``:
    starting or reaching the cluster; ``extract``: the workers' part; ``close``;
    ``merge``: clustering their events here; ``store``); and, when a store was
    given, ``store`` (an :class:`~events.store.AppendResult`). Raises
    :class:`SchedulerUnavailable`, :class:`DistributedError`, or
    :class:`StoreWriteIncomplete` (which carries the result) when a store batch
    fails.
    """
    from tqdm import tqdm

    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if batch_size < 1:
        raise ValueError(f"batch size must be at least 1, got {batch_size}")
    if partition_size is not None and partition_size < 1:
        raise ValueError(f"partition size must be at least 1, got {partition_size}")
    if importlib.util.find_spec("distributed") is None:
        raise DistributedError("Dask is not installed: pip install 'dask[distributed]' "
                               "to extract on a cluster")
    given = list(articles)
    unique: list[Article] = []
    errors: list[CorpusError] = []
    seen: set[str] = set()
    for article in given:
        if article.id in seen:  # its events would share ids with the first one's
            errors.append(CorpusError(article.path, f"duplicate article id {article.id!r}; "
                                                    "extracted once"))
            continue
        seen.add(article.id)
        unique.append(article)
    target = open_store(store, create=True) if isinstance(store, (str, os.PathLike)) else store

    began = time.perf_counter()
    cluster = None
    if scheduler:
        client = _connect(scheduler, connect_timeout)
        shown = redact_address(scheduler)
    else:
        from distributed import Client

        cluster = local_cluster(workers)
        try:
            client = Client(cluster, set_as_default=False)
        except BaseException:
            cluster.close()
            raise
        shown = f"{cluster.scheduler_address} (local cluster)"
    try:
        _wait_for_workers(client, 1 if scheduler else workers, worker_wait, shown)
        threads = _threads(client)
        parts = (partition_articles(unique, partition_size) if partition_size
                 else plan_partitions(len(unique), threads))
        connected = time.perf_counter()
        bar = tqdm(total=len(unique), desc="articles", unit="art", disable=not progress,
                   mininterval=0.5)
        try:
            per_article, failed, retried = _run_partitions(client, unique, gazetteer, parts,
                                                           shown, bar)
        finally:
            bar.close()
        extracted = time.perf_counter()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

    closed = time.perf_counter()
    events: list[Event] = []
    for i, article in enumerate(unique):
        if i in failed:
            errors.append(CorpusError(article.path, failed[i]))
        else:
            events.extend(per_article[i] or [])
    events = cluster_events(events)  # once, over the whole corpus, as in one process
    summary = summarize(given, events, errors)
    seconds = {"connect": connected - began, "extract": extracted - connected,
               "close": closed - extracted, "merge": time.perf_counter() - closed}
    summary.update(scheduler=redact_address(scheduler) if scheduler else "local",
                   workers=threads, partitions=len(parts), retried_rounds=retried,
                   seconds=seconds)
    result = ExtractResult(events, errors, summary)
    if target is not None:
        stored = time.perf_counter()
        summary["store"] = write_in_batches(target, events, batch_size, result=result)
        seconds["store"] = time.perf_counter() - stored
    return result


__all__ = [
    "DistributedError",
    "SchedulerUnavailable",
    "StoreWriteIncomplete",
    "extract_distributed",
    "extract_packed",
    "extract_partition",
    "local_cluster",
    "pack_partition",
    "partition_articles",
    "plan_partitions",
    "redact_address",
    "write_in_batches",
]
