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
import uuid
from collections.abc import Iterable, Sequence
from concurrent.futures import CancelledError
from typing import Any
from urllib.parse import urlsplit

from events.corpus import Article, CorpusError
from events.pipeline import ExtractResult, cluster_events, extract_article, summarize
from events.schema import Event, RecordError
from events.store import AppendResult, Store, StoreError, open_store

#: Seconds to wait for a scheduler to answer before saying it is unreachable.
CONNECT_TIMEOUT = 5.0
#: Seconds an existing scheduler may take to have at least one worker.
WORKER_WAIT = 30.0
#: Largest number of articles in one task: enough to make the per-task overhead
#: negligible, few enough that a lost worker costs little to redo.
MAX_PARTITION = 25
#: Tasks aimed at per worker thread, so the load evens out at the end of a run.
TASKS_PER_THREAD = 8
#: Rounds of retrying partitions that Dask itself gave up on.
RETRY_ROUNDS = 2

_TASK_PREFIX = "kcm-extract"
_log = logging.getLogger(__name__)

#: One article's outcome from a worker: id, its events (None when it failed), the error.
ArticleOutcome = tuple[str, list[Event] | None, str]


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


def default_partition_size(n_articles: int, threads: int) -> int:
    """A few articles per task: about :data:`TASKS_PER_THREAD` tasks per worker thread."""
    per_task = math.ceil(n_articles / max(1, threads * TASKS_PER_THREAD))
    return max(1, min(MAX_PARTITION, per_task))


def extract_partition(articles: Sequence[Article], gazetteer: Any) -> list[ArticleOutcome]:
    """Events of each article of a partition; what runs on a worker.

    Pure: the outcome depends only on the arguments and nothing outside is
    changed, which is what makes it safe for Dask to run it again after a
    worker died. One failing article is reported and its neighbours go on.
    """
    out: list[ArticleOutcome] = []
    for article in articles:
        try:
            out.append((article.id, extract_article(article, gazetteer=gazetteer), ""))
        except Exception as exc:  # one bad article must not cost the partition
            out.append((article.id, None, f"{type(exc).__name__}: {exc}"))
    return out


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

    The dashboard is off. The scheduler still serves its small HTTP API (health
    checks), which Dask otherwise puts on the fixed port 8787: here it gets a
    free loopback port, so two clusters on one machine never collide.
    """
    from distributed import LocalCluster

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
        futures = {
            client.submit(extract_partition, tuple(articles[i] for i in part), gaz,
                          key=f"{_TASK_PREFIX}-{run}-{round_no}-{k}"): part
            for k, part in enumerate(pending)
        }
        again: list[list[int]] = []
        lost: dict[str, int] = {}
        try:
            for future in as_completed(list(futures), loop=client.loop):
                part = futures.pop(future)
                try:
                    outcomes = future.result()
                except Exception as exc:
                    if not _lost(exc):
                        raise DistributedError(
                            f"the workers of the Dask scheduler at {shown} could not run "
                            f"the extraction: {type(exc).__name__}: {exc} (is this project "
                            "installed on the workers?)") from None
                    if round_no < RETRY_ROUNDS:
                        lost[type(exc).__name__] = lost.get(type(exc).__name__, 0) + len(part)
                        # a partition Dask gave up on may hold one article that kills
                        # workers: alone, it can only cost itself
                        again.extend([[i] for i in part] if isinstance(exc, KilledWorker)
                                     else [part])
                    else:
                        for i in part:
                            failed[i] = (f"extraction failed on the cluster after "
                                         f"{RETRY_ROUNDS + 1} attempts: {type(exc).__name__}")
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
    fails fast. ``partition_size`` (articles per task) defaults to a few, sized
    to the cluster. ``connect_timeout`` bounds the wait for the scheduler's
    answer, ``worker_wait`` the wait for its first worker.

    The summary adds ``scheduler``, ``workers`` (threads), ``partitions`` and
    ``retried_rounds``, and ``store`` (an :class:`~events.store.AppendResult`)
    when a store was given. Raises :class:`SchedulerUnavailable`,
    :class:`DistributedError`, or :class:`StoreWriteIncomplete` (which carries
    the result) when a store batch fails.
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
        size = partition_size or default_partition_size(len(unique), threads)
        parts = partition_articles(unique, size)
        bar = tqdm(total=len(unique), desc="articles", unit="art", disable=not progress,
                   mininterval=0.5)
        try:
            per_article, failed, retried = _run_partitions(client, unique, gazetteer, parts,
                                                           shown, bar)
        finally:
            bar.close()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

    events: list[Event] = []
    for i, article in enumerate(unique):
        if i in failed:
            errors.append(CorpusError(article.path, failed[i]))
        else:
            events.extend(per_article[i] or [])
    events = cluster_events(events)  # once, over the whole corpus, as in one process
    summary = summarize(given, events, errors)
    summary.update(scheduler=redact_address(scheduler) if scheduler else "local",
                   workers=threads, partitions=len(parts), retried_rounds=retried)
    result = ExtractResult(events, errors, summary)
    if target is not None:
        summary["store"] = write_in_batches(target, events, batch_size, result=result)
    return result


__all__ = [
    "DistributedError",
    "SchedulerUnavailable",
    "StoreWriteIncomplete",
    "default_partition_size",
    "extract_distributed",
    "extract_partition",
    "local_cluster",
    "partition_articles",
    "redact_address",
    "write_in_batches",
]
