"""Command line of the dashboard: exports for scheduled briefs.

    python -m dashboard export --from 2020-10-01 --to 2020-10-31 \\
        --side azerbaijani --type shelling --format png --output brief.png

Every filter of the page is an option here (``--from``, ``--to``, ``--side``,
``--type``, ``--claimant``, ``--region``, ``--outlet``, ``--article``,
``--precise-geo``, ``--precise-date``, ``--min-fatalities``, ``--search``,
``--bbox``), and ``--view`` takes the page's address or the code printed on a
figure, so a figure can be made again from itself. The events come from
``--store`` (or ``KCM_STORE``, as for the page), else the bundled sample, with
the reviewers' corrections applied and evidence read from ``--articles`` as
the page does. The file is the one the page's export button makes for the
same view: both call :func:`dashboard.export.export`.

Exit status: 0 written, 1 the store or the export failed, 2 bad arguments. An
error is one line on standard error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from dashboard import export as exporting
from dashboard.snapshot import DPI_RANGE, PRESETS
from dashboard.view import (
    FIELD_PARAMS,
    View,
    code_params,
    parse_box,
    view_from_code,
    view_to_params,
)
from events.schema import EVENT_TYPES, SIDES
from geodata.layers import REGIONS


class _Parser(argparse.ArgumentParser):
    """argparse, but an error is one line (usage is for ``--help``)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _typed(parse, what: str):
    def convert(text: str):
        try:
            return parse(text, what)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = what
    return convert


def _day(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise ValueError(f"bad {what} {text!r}: expected YYYY-MM-DD") from None


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"bad count {text!r}: expected a whole number >= 0")
    return value


def _dpi(text: str) -> int:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad DPI {text!r}: expected a number") from None
    low, high = DPI_RANGE
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"DPI {text} is outside {low}..{high}")
    return int(round(value))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m dashboard",
                     description="Karabakh Conflict Map: command-line tools of the dashboard.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    ex = commands.add_parser(
        "export", help="export a view as a figure, a standalone map or data",
        description="Export the events of one view (the page's filters) to a file.",
    )
    where = ex.add_argument_group("events")
    where.add_argument("--store", metavar="PATH",
                       help="event store (.gpkg, .geojson or postgresql://); default: "
                            "$KCM_STORE, else the bundled sample events")
    where.add_argument("--articles", dest="articles_dir", metavar="DIR",
                       help="folder of the articles, to fill each event's evidence sentence "
                            "(default: $KCM_ARTICLES)")
    view = ex.add_argument_group("view (the page's filters)")
    view.add_argument("--from", dest="start", metavar="YYYY-MM-DD",
                      type=_typed(_day, "--from date"), help="first day shown")
    view.add_argument("--to", dest="end", metavar="YYYY-MM-DD",
                      type=_typed(_day, "--to date"), help="last day shown")
    view.add_argument("--include-undated", action="store_true", default=None,
                      help="keep events with no date when a date range is set")
    for flag, dest, choices, what in (
        ("--side", "sides", SIDES, "reporting side"),
        ("--type", "types", EVENT_TYPES, "event type"),
        ("--region", "regions", REGIONS, "region"),
        ("--claimant", "claimants", None, "claimant"),
        ("--outlet", "outlets", None, "outlet"),
        ("--article", "articles", None, "article id"),
    ):
        view.add_argument(flag, dest=dest, action="append", choices=choices, default=None,
                          metavar=None if choices else "NAME",
                          help=f"{what} to show (repeat for several; default all)")
    view.add_argument("--precise-geo", action="store_true", default=None,
                      help="only events placed at a settlement")
    view.add_argument("--precise-date", action="store_true", default=None,
                      help="only events dated to the day")
    view.add_argument("--min-fatalities", type=_count, metavar="N",
                      help="only events with at least N reported deaths")
    view.add_argument("--search", dest="text", metavar="TEXT",
                      help="only events whose notes, evidence, claimant or place contain TEXT")
    view.add_argument("--bbox", metavar="W,S,E,N", type=_typed(parse_box, "--bbox"),
                      help="only events inside this box (degrees)")
    view.add_argument("--extent", metavar="W,S,E,N", type=_typed(parse_box, "--extent"),
                      help="map frame of the figure (default: fit the events)")
    view.add_argument("--view", metavar="CODE",
                      help="the page's address or a view code as printed on a figure "
                           "(from=...&side=...); options given as well override it")
    view.add_argument("--title", help="title of the figure or map (png, pdf, html)")
    out = ex.add_argument_group("output")
    out.add_argument("--format", choices=tuple(exporting.FORMATS),
                     help="default: from the output file's suffix")
    out.add_argument("--output", "-o", required=True, metavar="PATH", help="file to write")
    out.add_argument("--preset", choices=tuple(PRESETS),
                     help="page of a png/pdf (default: slide for png, a4-landscape for pdf)")
    out.add_argument("--dpi", type=_dpi, help="resolution of a png (default 150)")
    out.add_argument("--no-event-list", dest="event_list", action="store_false", default=None,
                     help="pdf: the figure page only, without the pages listing the events")
    out.add_argument("--link-base", metavar="URL",
                     help="address of the page, printed before the view code on figures")
    ex.set_defaults(handler=run_export, command_parser=ex)
    return parser


#: Options of the command line that set a field of the view (their ``dest`` is the field).
VIEW_OPTIONS: tuple[str, ...] = (
    "start", "end", "include_undated", "sides", "types", "regions", "claimants", "outlets",
    "articles", "precise_geo", "precise_date", "min_fatalities", "text", "bbox", "extent",
)


def view_of(args: argparse.Namespace) -> View:
    """The view the arguments describe: ``--view`` first, then each option over it.

    Both become the page's address parameters and are read back by the page's
    own reader, so the command line accepts exactly what a link does.
    """
    params: dict[str, list[str] | str] = dict(code_params(args.view)) if args.view else {}
    given = {name: getattr(args, name) for name in VIEW_OPTIONS
             if getattr(args, name) is not None}
    for name, value in given.items():
        params.pop(FIELD_PARAMS[name], None)  # an option replaces what the code said
        if isinstance(value, list):
            given[name] = tuple(dict.fromkeys(value))
    params.update(view_to_params(View(**given)))
    return view_from_code(params)


def export_options(args: argparse.Namespace, fmt: str) -> dict[str, object]:
    """Options given on the command line, checked against what ``fmt`` takes."""
    given = {"title": args.title, "preset": args.preset, "dpi": args.dpi,
             "event_list": args.event_list, "link_base": args.link_base}
    given = {k: v for k, v in given.items() if v is not None}
    accepted = exporting.format_options(fmt)
    wrong = [k for k in given if k not in accepted]
    if wrong:
        flags = ", ".join("--" + ("no-event-list" if k == "event_list" else k.replace("_", "-"))
                          for k in wrong)
        verb = "does" if len(wrong) == 1 else "do"
        raise exporting.ExportError(f"{flags} {verb} not apply to {fmt} output")
    return given


def run_export(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    try:
        view = view_of(args)
    except (TypeError, ValueError) as exc:
        parser.error(str(exc))
    try:
        fmt = args.format or exporting.format_for_path(args.output)
        options = export_options(args, fmt)
        exporting.check_output(args.output)
    except exporting.ExportError as exc:
        parser.error(str(exc))
    from dashboard import data

    location = data.choose_store(args.store)
    articles = args.articles_dir or os.environ.get(data.ARTICLES_ENV) or None
    try:
        # Read-only, as the page: an export must never migrate or lock a shared store.
        frame, messages = data.load_events(location, articles)
    except data.EventsUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        result = exporting.export(frame, view, fmt, args.output, **options)
    except (exporting.ExportError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for message in messages:
        print(f"warning: {message}", file=sys.stderr)
    for problem in result.problems:
        print(f"warning: left out: {problem}", file=sys.stderr)
    print(f"wrote {result.path} ({result.format}, {result.count} events)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.handler(args, args.command_parser)


if __name__ == "__main__":
    sys.exit(main())
