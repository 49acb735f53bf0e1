"""Command line: ``python -m events extract ARTICLES_DIR --output OUT.geojson``.

``extract`` reads an article folder, writes the events (GeoJSON or CSV)
and/or appends them to an event store, prints a summary and exits non-zero
when any file failed. ``sample`` regenerates the committed sample events
from the seed articles, without their text (offsets are kept, so
``events.corpus.fill_evidence`` can restore the sentences).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

SAMPLE_PATH = Path(__file__).resolve().parent / "data" / "sample_events.geojson"


def _load_gazetteer():
    from geodata.gazetteer import default_gazetteer

    return default_gazetteer()


def _write_csv(events, path: Path) -> None:
    from events.files import atomic_write_text
    from events.table import events_to_frame, spreadsheet_safe

    atomic_write_text(path, spreadsheet_safe(events_to_frame(events)).to_csv(index=False))


def _print_summary(result, out=sys.stderr) -> None:
    s = result.summary
    print(f"articles read: {s['articles']}", file=out)
    print(f"events: {s['events']}", file=out)
    print("  by type: " + ", ".join(f"{k} {v}" for k, v in s["by_type"].items()), file=out)
    print("  by side: " + ", ".join(f"{k} {v}" for k, v in s["by_side"].items()), file=out)
    if result.errors:
        print(f"failed: {len(result.errors)}", file=out)
        for err in result.errors:
            print(f"  {err}", file=out)


def cmd_extract(args: argparse.Namespace) -> int:
    from events.corpus import read_corpus
    from events.pipeline import ExtractResult, extract_corpus, summarize
    from events.schema import write_geojson
    from events.store import StoreError, open_store

    if args.output is None and args.store is None:
        print("error: give --output and/or --store", file=sys.stderr)
        return 2
    store = None
    if args.store is not None:
        try:  # before any work: a bad store fails at once
            store = open_store(args.store, create=True)
        except StoreError as exc:
            # The message names the store without credentials; args.store may hold a password.
            print(f"error: {exc}", file=sys.stderr)
            return 2
    articles, read_errors = read_corpus(args.articles_dir)
    if not articles:
        # Nothing to extract: leave any existing output file alone.
        for err in read_errors:
            print(f"  {err}", file=sys.stderr)
        print(f"error: no readable articles in {args.articles_dir}", file=sys.stderr)
        return 1
    try:
        gazetteer = _load_gazetteer()
    except (OSError, ValueError) as exc:
        print(f"error: cannot load the gazetteer: {exc}", file=sys.stderr)
        return 2
    added = None
    if args.scheduler or args.workers > 1:
        from events.distributed import DistributedError, extract_distributed

        try:  # the workers' results are written to the store in batches
            result = extract_distributed(articles, gazetteer=gazetteer, scheduler=args.scheduler,
                                         workers=args.workers, store=store,
                                         progress=not args.quiet)
        except (DistributedError, StoreError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        added = result.summary.get("store")
    else:
        result = extract_corpus(articles, gazetteer=gazetteer, progress=not args.quiet)
    errors = list(read_errors) + list(result.errors)
    result = ExtractResult(result.events, errors, summarize(articles, result.events, errors))
    failed = bool(errors)
    if args.output is not None:
        out = Path(args.output)
        try:
            if args.format == "csv":
                _write_csv(result.events, out)
            else:
                write_geojson(result.events, out)
        except OSError as exc:
            print(f"error: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
            failed = True
        else:
            print(f"wrote {len(result.events)} events to {out}", file=sys.stderr)
    if store is not None:
        try:
            if added is None:
                added = store.append(result.events)
        except StoreError as exc:
            print(f"error: {exc}", file=sys.stderr)
            failed = True
        else:
            print(f"store {store.location}: {added.added} added, {added.duplicates} already there"
                  + (f", {len(added.errors)} refused" if added.errors else ""), file=sys.stderr)
            for err in added.errors:
                print(f"  {err}", file=sys.stderr)
            failed = failed or bool(added.errors)
    _print_summary(result)
    return 1 if failed else 0


def cmd_sample(args: argparse.Namespace) -> int:
    from events.corpus import read_corpus, read_manifest
    from events.pipeline import extract_corpus
    from events.schema import write_geojson

    articles, errors = read_corpus(args.articles_dir)
    if errors or not articles:
        # The committed sample is regenerated whole or not at all.
        for err in errors:
            print(f"  {err}", file=sys.stderr)
        print(f"error: {args.articles_dir}: not every article could be read; "
              "the sample was left as it was", file=sys.stderr)
        return 1
    result = extract_corpus(articles, gazetteer=_load_gazetteer(), progress=False)
    # No article text in committed data: the evidence goes, and so does a title that
    # is only the article's first line (an article without a title in the manifest).
    titled = {r["id"] for r in read_manifest(Path(args.articles_dir))[0] if r.get("title")}
    events = [e.replace(evidence="", article_title=e.article_title if e.article_id in titled
                        else "") for e in result.events]
    out = Path(args.output) if args.output else SAMPLE_PATH
    write_geojson(events, out)
    print(f"wrote {len(events)} sample events (evidence left out) to {out}", file=sys.stderr)
    for err in [*errors, *result.errors]:
        print(f"  {err}", file=sys.stderr)
    return 1 if errors or result.errors else 0


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m events",
                                     description="Turn news articles into conflict events.")
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="extract events from a folder of articles")
    ex.add_argument("articles_dir", metavar="ARTICLES_DIR")
    ex.add_argument("--output", "-o", metavar="OUT", help="file to write (GeoJSON or CSV)")
    ex.add_argument("--store", metavar="PATH",
                    help="event store to append to (.gpkg, .geojson or postgresql://)")
    ex.add_argument("--format", choices=("geojson", "csv"), default="geojson")
    ex.add_argument("--workers", type=_positive_int, default=1,
                    help="extract on a local Dask cluster of N processes (default 1: in this "
                         "process; needs the team extra)")
    ex.add_argument("--scheduler", metavar="ADDRESS",
                    help="Dask scheduler (tcp://host:port) whose workers extract")
    ex.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    ex.set_defaults(func=cmd_extract)
    sm = sub.add_parser("sample", help="regenerate the committed sample events (no text)")
    sm.add_argument("articles_dir", metavar="ARTICLES_DIR")
    sm.add_argument("--output", "-o", help=f"default {SAMPLE_PATH.name} in events/data")
    sm.set_defaults(func=cmd_sample)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
