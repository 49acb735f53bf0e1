"""Command line of the dashboard: exports for scheduled briefs.

    python -m dashboard export --from 2020-10-01 --to 2020-10-31 \\
        --side azerbaijani --type shelling --format png --output brief.png

Every filter of the page is an option here with the name the page's view code
uses (``--from``, ``--to``, ``--side``, ``--type``, ``--bbox``), and ``--view``
takes such a code as printed on a snapshot, so a figure can be made again from
itself. The events come from ``--store`` (or ``KCM_STORE``, as for the page),
else the bundled sample. The file is the one the page's export button makes
for the same view: both call :func:`dashboard.export.export`.

Exit status: 0 written, 1 the store or the export failed, 2 bad arguments. An
error is one line on standard error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from dashboard import export as exporting
from dashboard.filters import Filters
from dashboard.snapshot import DPI_RANGE, PRESETS, View, parse_box, parse_day, view_from_query
from events.schema import EVENT_TYPES, SIDES

#: Environment variable naming the store, shared with the page.
STORE_ENV = "KCM_STORE"


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
                       help=f"event store (.gpkg, .geojson or postgresql://); default: "
                            f"${STORE_ENV}, else the bundled sample events")
    view = ex.add_argument_group("view (the page's filters)")
    view.add_argument("--from", dest="start", metavar="YYYY-MM-DD",
                      type=_typed(parse_day, "--from date"), help="first day shown")
    view.add_argument("--to", dest="end", metavar="YYYY-MM-DD",
                      type=_typed(parse_day, "--to date"), help="last day shown")
    view.add_argument("--side", dest="sides", action="append", choices=SIDES, default=None,
                      help="reporting side to show (repeat for several; default all)")
    view.add_argument("--type", dest="types", action="append", choices=EVENT_TYPES,
                      default=None, help="event type to show (repeat for several; default all)")
    view.add_argument("--bbox", metavar="W,S,E,N", type=_typed(parse_box, "--bbox"),
                      help="only events inside this box (degrees)")
    view.add_argument("--include-undated", action="store_true", default=None,
                      help="keep events with no date when a date range is set")
    view.add_argument("--extent", metavar="W,S,E,N", type=_typed(parse_box, "--extent"),
                      help="map frame of the figure (default: fit the events)")
    view.add_argument("--view", metavar="CODE",
                      help="a view code as printed on a snapshot (from=...&side=...); "
                           "options given as well override it")
    view.add_argument("--title", default="", help="title of the figure or map")
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


def view_of(args: argparse.Namespace) -> View:
    """The view the arguments describe: ``--view`` first, then each option over it."""
    base = view_from_query(args.view) if args.view else View()
    f = base.filters
    filters = Filters(
        start=args.start if args.start is not None else f.start,
        end=args.end if args.end is not None else f.end,
        sides=tuple(dict.fromkeys(args.sides)) if args.sides else f.sides,
        types=tuple(dict.fromkeys(args.types)) if args.types else f.types,
        bbox=args.bbox if args.bbox is not None else f.bbox,
        include_undated=(args.include_undated if args.include_undated is not None
                         else f.include_undated),
    )
    return View(filters=filters, title=args.title or "",
                extent=args.extent if args.extent is not None else base.extent)


def export_options(args: argparse.Namespace, fmt: str) -> dict[str, object]:
    """Options given on the command line, checked against what ``fmt`` takes."""
    given = {"preset": args.preset, "dpi": args.dpi, "event_list": args.event_list,
             "link_base": args.link_base}
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
    from events.store import StoreError, default_store, open_store

    try:
        view = view_of(args)
    except ValueError as exc:
        parser.error(str(exc))
    try:
        fmt = args.format or exporting.format_for_path(args.output)
        options = export_options(args, fmt)
        exporting.check_output(args.output)
    except exporting.ExportError as exc:
        parser.error(str(exc))
    location = args.store or os.environ.get(STORE_ENV) or None
    try:
        # Read-only: an export must never migrate or lock a shared store.
        store = open_store(location, read_only=True) if location else default_store()
        f = view.filters
        frame = store.read_frame(start=f.start, end=f.end, sides=f.sides, types=f.types,
                                 bbox=f.bbox, include_undated=f.include_undated)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        result = exporting.export(frame, view, fmt, args.output, **options)
    except (exporting.ExportError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for error in getattr(store, "load_errors", ()):
        print(f"warning: refused by the store, not exported: {error}", file=sys.stderr)
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
