"""Extraction on a real Dask cluster gives the single-process events, even when a worker dies.

The clusters here are real ``distributed.LocalCluster`` processes on the
loopback interface; the corpus is the shared development articles (read from
``../shared`` at run time), repeated under new ids where a test needs more work
in flight.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import socket
import threading
import time
from pathlib import Path

import pytest

from events.corpus import Article, read_corpus
from events.distributed import (
    MAX_PARTITION,
    MIN_PARTITION,
    DistributedError,
    SchedulerUnavailable,
    StoreWriteIncomplete,
    extract_distributed,
    extract_packed,
    extract_partition,
    local_cluster,
    pack_partition,
    partition_articles,
    plan_partitions,
    redact_address,
    write_in_batches,
)
from events.pipeline import extract_article, extract_corpus
from events.store import open_store

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"


def _cluster(n_workers: int = 2):
    return local_cluster(n_workers)


@pytest.fixture(scope="module")
def gazetteer():
    from geodata.gazetteer import default_gazetteer

    return default_gazetteer()


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    """The 25 shared development articles, in a stable order."""
    out: list[Article] = []
    for folder in (SHARED / "corpus" / "dev", SHARED / "articles"):
        found, errors = read_corpus(folder)
        assert not errors, errors
        out.extend(found)
    assert len(out) >= 20
    return out


@pytest.fixture(scope="module")
def reference(articles, gazetteer):
    """What one process extracts from the same articles: the result to match."""
    result = extract_corpus(articles, gazetteer=gazetteer, progress=False)
    assert result.events and not result.errors
    return result


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- without a cluster ---------------------------------------------------------------


def test_partitions_cover_every_article_once_in_order(articles):
    parts = partition_articles(articles, 4)
    assert [i for part in parts for i in part] == list(range(len(articles)))
    assert all(1 <= len(p) <= 4 for p in parts) and len(parts) == -(-len(articles) // 4)
    with pytest.raises(ValueError, match="at least 1"):
        partition_articles(articles, 0)


def test_planned_partitions_are_large_first_and_shrink_toward_the_end():
    for n, threads in ((3000, 2), (3000, 1), (75, 2), (25, 4), (3, 2), (0, 2)):
        parts = plan_partitions(n, threads)
        assert [i for part in parts for i in part] == list(range(n)), (n, threads)
        sizes = [len(part) for part in parts]
        assert sizes == sorted(sizes, reverse=True), (n, threads)
        assert all(size <= MAX_PARTITION for size in sizes)
        assert all(size >= MIN_PARTITION for size in sizes[:-1])
    sizes = [len(part) for part in plan_partitions(3000, 2)]
    assert sizes[0] == MAX_PARTITION  # the bulk in big tasks: little overhead per article
    assert sum(sizes[-4:]) <= 4 * MIN_PARTITION  # the last tasks are small: no long idle tail
    assert len(sizes) <= 2 * 3000 // MAX_PARTITION
    with pytest.raises(ValueError, match="at least 1"):
        plan_partitions(10, 0)


def test_partition_runs_the_pipeline_and_isolates_a_bad_article(articles, gazetteer):
    bad = dataclasses.replace(articles[1], id="broken", text=None)  # type: ignore[arg-type]
    outcomes = extract_partition((articles[0], bad, articles[2]), gazetteer)
    assert [aid for aid, _, _ in outcomes] == [articles[0].id, "broken", articles[2].id]
    assert outcomes[0][1] == extract_article(articles[0], gazetteer=gazetteer)
    assert outcomes[2][1] == extract_article(articles[2], gazetteer=gazetteer)
    assert outcomes[1][1] is None and "TypeError" in outcomes[1][2]


def test_a_packed_partition_extracts_like_the_articles_themselves(articles, gazetteer):
    part = tuple(articles[:3])
    packed = pack_partition(part)
    assert isinstance(packed, bytes)
    assert extract_packed(packed, gazetteer) == extract_partition(part, gazetteer)


def test_redact_address_drops_credentials():
    assert redact_address("tcp://alice:pw@10.0.0.5:8786") == "tcp://10.0.0.5:8786"
    assert redact_address("alice:pw@10.0.0.5:8786") == "10.0.0.5:8786"
    assert redact_address("tcp://10.0.0.5:8786") == "tcp://10.0.0.5:8786"


def test_batches_report_refused_records_at_their_corpus_position(reference, tmp_path):
    store = open_store(tmp_path / "events.geojson", create=True)
    records = [*reference.events[:5], {"event_id": "broken"}, *reference.events[5:8]]
    done = write_in_batches(store, records, 2)
    assert (done.added, done.duplicates) == (8, 0)
    assert [e.index for e in done.errors] == [5]
    assert store.count() == 8


def test_a_failing_batch_says_how_far_the_ingest_got(reference, tmp_path):
    path = tmp_path / "events.geojson"
    write_in_batches(open_store(path, create=True), reference.events[:3], 2)
    read_only = open_store(path, read_only=True)
    with pytest.raises(StoreWriteIncomplete) as info:
        write_in_batches(read_only, reference.events, 4)
    message = str(info.value)
    assert str(path) in message and "batch 1 of" in message and "run again" in message
    assert info.value.written.added == 0
    assert open_store(path).count() == 3  # nothing half-written


def test_unreachable_scheduler_names_it_and_extracts_nothing(articles, gazetteer, tmp_path):
    port = _closed_port()
    store_path = tmp_path / "events.geojson"
    with pytest.raises(SchedulerUnavailable) as info:
        extract_distributed(articles[:3], gazetteer=gazetteer,
                            scheduler=f"tcp://127.0.0.1:{port}", store=store_path,
                            connect_timeout=1.0)
    message = str(info.value)
    assert f"tcp://127.0.0.1:{port}" in message and "cannot reach" in message
    # never a silent local run: the store was opened (fail fast) but got nothing
    assert open_store(store_path).count() == 0


def test_scheduler_credentials_never_reach_the_message(articles, gazetteer):
    port = _closed_port()
    with pytest.raises(SchedulerUnavailable) as info:
        extract_distributed(articles[:3], gazetteer=gazetteer,
                            scheduler=f"tcp://kcm:s3cret-Pa55@127.0.0.1:{port}",
                            connect_timeout=1.0)
    shown = [str(info.value), repr(info.value), str(info.value.__cause__),
             str(info.value.__context__)]
    assert f"tcp://127.0.0.1:{port}" in shown[0]
    assert not any("s3cret" in text or "kcm:" in text for text in shown)


def test_bad_arguments_are_refused_before_any_cluster(articles, gazetteer):
    for kwargs in ({"workers": 0}, {"batch_size": 0}, {"partition_size": 0}):
        with pytest.raises(ValueError, match="at least 1"):
            extract_distributed(articles[:2], gazetteer=gazetteer, **kwargs)


# -- on a real local cluster -------------------------------------------------------------


@pytest.mark.slow
def test_local_cluster_gives_the_single_process_events_and_stores_them_in_batches(
        articles, gazetteer, reference, tmp_path):
    duplicate = dataclasses.replace(articles[0], path="elsewhere/copy.txt")
    store_path = tmp_path / "events.gpkg"
    result = extract_distributed([*articles, duplicate], gazetteer=gazetteer, workers=2,
                                 batch_size=40, store=store_path, partition_size=3)
    assert result.events == reference.events  # same events, same ids, same order
    assert [str(e) for e in result.errors] == [
        f"elsewhere/copy.txt: duplicate article id {articles[0].id!r}; extracted once"]
    summary = result.summary
    assert summary["partitions"] == -(-len(articles) // 3)
    assert summary["workers"] == 2 and summary["scheduler"] == "local"
    steps = summary["seconds"]
    assert set(steps) == {"connect", "extract", "close", "merge", "store"}
    assert all(secs >= 0 for secs in steps.values()) and steps["extract"] > 0
    ids = {e.event_id for e in reference.events}
    assert summary["store"].added == len(ids) and summary["store"].duplicates == 0
    stored = open_store(store_path).events()
    assert {e.event_id for e in stored} == ids and len(stored) == len(ids)


@pytest.mark.slow
def test_rerun_after_a_cut_short_ingest_completes_without_duplicates(
        articles, gazetteer, reference, tmp_path):
    import dask
    from distributed import Client

    store = open_store(tmp_path / "events.geojson", create=True)
    n = len({e.event_id for e in reference.events})
    # an earlier run stored its first two batches of 25 before it stopped
    first = write_in_batches(store, reference.events[:50], 25)
    assert first.added == 50
    with _cluster() as cluster:
        with Client(cluster, set_as_default=False) as client:
            # the workers run without the dashboard's profiler thread
            assert set(client.run(dask.config.get, "distributed.worker.profile.enabled")
                       .values()) == {False}
        result = extract_distributed(articles, gazetteer=gazetteer,
                                     scheduler=cluster.scheduler_address, batch_size=25,
                                     store=store)
        again = extract_distributed(articles, gazetteer=gazetteer,
                                    scheduler=cluster.scheduler_address, batch_size=25,
                                    store=store)
    assert result.events == reference.events
    assert (result.summary["store"].added, result.summary["store"].duplicates) == (n - 50, 50)
    assert (again.summary["store"].added, again.summary["store"].duplicates) == (0, n)
    assert store.count() == n
    assert result.summary["scheduler"] == cluster.scheduler_address


def _extract_while_killing(corpus, gazetteer, *, kill_all: bool, allowed_failures: int = 3):
    """Run an extraction on a fresh 2-worker cluster and SIGKILL worker(s) while busy.

    Returns the result, the extraction tasks each killed worker held at that
    moment, and the worker pids before and after.
    """
    import dask
    from distributed import Client

    # the scheduler reads how many worker deaths a task may survive when it starts
    with dask.config.set({"distributed.scheduler.allowed-failures": allowed_failures}):
        cluster = _cluster()
    killed: dict[str, list] = {}
    with cluster, Client(cluster, set_as_default=False) as watcher:
        pids = watcher.run(os.getpid)
        victims = sorted(pids) if kill_all else sorted(pids)[:1]

        def kill_when_busy() -> None:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                busy = watcher.processing(workers=victims)
                held = {v: [k for k in busy.get(v, ()) if str(k).startswith("kcm-extract")]
                        for v in victims}
                if all(held.values()):
                    for v in victims:
                        os.kill(pids[v], signal.SIGKILL)
                    killed.update(held)
                    return
                time.sleep(0.005)

        thread = threading.Thread(target=kill_when_busy)
        thread.start()
        try:
            result = extract_distributed(corpus, gazetteer=gazetteer,
                                         scheduler=cluster.scheduler_address, partition_size=2)
        finally:
            thread.join()
        watcher.wait_for_workers(2, timeout=60)
        after = watcher.run(os.getpid)
    return result, killed, pids, after


@pytest.fixture(scope="module")
def big_corpus(articles, gazetteer):
    """The dev articles three times under new ids (enough work to be in flight at a kill)."""
    corpus = [dataclasses.replace(a, id=f"{a.id}-{k}") for k in range(3) for a in articles]
    return corpus, extract_corpus(corpus, gazetteer=gazetteer, progress=False)


@pytest.mark.slow
def test_killed_worker_articles_are_redone_not_lost_or_doubled(big_corpus, gazetteer):
    corpus, expected = big_corpus
    result, killed, before, after = _extract_while_killing(corpus, gazetteer, kill_all=False)
    (victim, tasks), = killed.items()
    assert tasks, "the worker was not killed while it held extraction tasks"
    assert before[victim] not in after.values()  # it really died (and its nanny restarted it)
    assert not result.errors
    assert result.events == expected.events  # every article once: nothing lost, nothing doubled
    assert result.summary["retried_rounds"] == 0  # Dask itself re-ran the dead worker's tasks


@pytest.mark.slow
@pytest.mark.parametrize(("kill_all", "allowed_failures", "why"), [
    (False, 0, "Dask gives up on the tasks of the dead worker (KilledWorker)"),
    (True, 3, "the scattered gazetteer dies with every worker that held it"),
], ids=["killed-worker-error", "gazetteer-lost"])
def test_partitions_dask_gave_up_on_are_extracted_again(big_corpus, gazetteer, kill_all,
                                                        allowed_failures, why):
    corpus, expected = big_corpus
    result, killed, before, after = _extract_while_killing(
        corpus, gazetteer, kill_all=kill_all, allowed_failures=allowed_failures)
    assert killed and all(killed.values()), why
    assert not {before[v] for v in killed} & set(after.values())  # they really died
    assert result.summary["retried_rounds"] == 1, why
    assert not result.errors
    assert result.events == expected.events


@pytest.mark.slow
def test_a_scheduler_without_workers_is_reported(articles, gazetteer):
    with _cluster(0) as cluster, \
            pytest.raises(DistributedError, match="has no workers") as info:
        extract_distributed(articles[:2], gazetteer=gazetteer,
                            scheduler=cluster.scheduler_address, worker_wait=1.0)
    assert cluster.scheduler_address in str(info.value)
