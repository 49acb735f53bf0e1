"""Boundary layers of the Nagorno-Karabakh conflict, each with the dates it was valid on.

The geography changed three times (1991, 1994, 2020, 2023), so a layer is a
frame plus a validity period and its provenance. The built-in layers are the
compact GeoJSON files under ``data/layers`` written by ``python -m geodata
build`` (see ``layers_build``); an analyst's own file replaces the built-in
layer of the same name, and a file that cannot be used leaves the built-in one
in place with a message saying why.

Validity periods are half-open: a layer is valid on ``valid_from <= day <
valid_to``; ``None`` means open-ended. Half-open periods let one period end on
the day the next begins (10 November 2020, 20 September 2023) without both
being drawn that day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # heavy imports are deferred so importing the module costs nothing
    import geopandas
    import numpy

DATA_DIR = Path(__file__).resolve().parent / "data" / "layers"

#: Every built-in layer, by name (the names user files and exports use).
LAYER_NAMES: tuple[str, ...] = (
    "countries",
    "armenia_azerbaijan_border",
    "districts",
    "nkao",
    "held_area_1994_2020",
    "line_of_contact_1994_2020",
    "ceasefire_zone_2020",
    "lachin_corridor",
    "azerbaijani_control_2023",
)

#: Drawing order bottom -> top: areas first, then corridor, then lines on top.
DRAW_ORDER: tuple[str, ...] = (
    "countries",
    "districts",
    "nkao",
    "held_area_1994_2020",
    "ceasefire_zone_2020",
    "azerbaijani_control_2023",
    "lachin_corridor",
    "line_of_contact_1994_2020",
    "armenia_azerbaijan_border",
)

#: Labels ``classify_regions`` gives, in display order.
REGIONS: tuple[str, ...] = (
    "Former NKAO",
    "Aghdam district",
    "Fuzuli district",
    "Jabrayil district",
    "Zangilan district",
    "Qubadli district",
    "Lachin district",
    "Kalbajar district",
    "Azerbaijan",
    "Nakhchivan",
    "Armenia",
    "Elsewhere",
)

#: Attribution the map must show for the built-in layers and basemap.
CREDITS = (
    "Natural Earth (public domain), GeoNames (CC BY 4.0); "
    "conflict lines are approximations from settlements"
)

#: Properties every feature carries, in the built-in files and after loading a user file.
FEATURE_PROPERTIES: tuple[str, ...] = (
    "name",
    "kind",
    "valid_from",
    "valid_to",
    "source",
    "accuracy",
    "approximate",
)

#: User layer files larger than this are refused (the built-in ones are far smaller).
MAX_USER_FILE_BYTES = 50 * 1024 * 1024
#: User layers with more features than this are refused: the map could not draw them.
MAX_USER_FEATURES = 20_000


class LayerFileError(ValueError):
    """A user layer file that cannot replace a built-in layer; the message names the file."""


@dataclass(frozen=True)
class Layer:
    """One boundary layer: geometry in EPSG:4326 plus when it was valid and where it came from."""

    name: str
    title: str
    kind: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    source: str
    accuracy: str
    approximate: bool
    frame: geopandas.GeoDataFrame = dataclasses.field(repr=False, compare=False)

    def valid_on(self, day: dt.date) -> bool:
        """True when ``valid_from <= day < valid_to`` (open ends always match)."""
        return _in_period(day, self.valid_from, self.valid_to)

    def features_on(self, day: dt.date) -> geopandas.GeoDataFrame:
        """The features valid on ``day`` (the Lachin corridor changed route inside its period)."""
        frame = self.frame
        keep = [
            _in_period(day, _as_date(a), _as_date(b))
            for a, b in zip(frame["valid_from"], frame["valid_to"], strict=True)
        ]
        return frame[keep]


def _in_period(day: dt.date, start: dt.date | None, end: dt.date | None) -> bool:
    if isinstance(day, dt.datetime):
        day = day.date()
    return (start is None or start <= day) and (end is None or day < end)


def _as_date(value: Any) -> dt.date | None:
    """Parse an ISO date property; empty, missing and NaN mean an open end."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text or text.lower() in {"none", "nan", "nat", "null"}:
        return None
    return dt.date.fromisoformat(text[:10])


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


# --------------------------------------------------------------------------- built-in layers


@functools.cache
def builtin_layers() -> dict[str, Layer]:
    """Read every committed layer file once per process."""
    return {name: _read_builtin(name) for name in LAYER_NAMES}


def _read_builtin(name: str) -> Layer:
    import geopandas

    path = DATA_DIR / f"{name}.geojson"
    if not path.is_file():
        raise FileNotFoundError(
            f"built-in layer file {path} is missing: run python -m geodata build"
        )
    meta = json.loads(path.read_text(encoding="utf-8")).get("layer", {})
    frame = geopandas.read_file(path)
    frame = frame.set_crs(4326, allow_override=True)
    return Layer(
        name=name,
        title=meta.get("title", name),
        kind=meta.get("kind", ""),
        valid_from=_as_date(meta.get("valid_from")),
        valid_to=_as_date(meta.get("valid_to")),
        source=meta.get("source", ""),
        accuracy=meta.get("accuracy", ""),
        approximate=bool(meta.get("approximate", False)),
        frame=_normalise_properties(frame, defaults=meta),
    )


def _normalise_properties(
    frame: geopandas.GeoDataFrame, *, defaults: Mapping[str, Any]
) -> geopandas.GeoDataFrame:
    """Give every feature the standard properties, filling gaps from the layer's own."""
    frame = frame.copy()
    for key in FEATURE_PROPERTIES:
        fallback = defaults.get(key, defaults.get("title") if key == "name" else None)
        if isinstance(fallback, dt.date):
            fallback = fallback.isoformat()
        if key not in frame.columns:
            frame[key] = fallback
        else:
            frame[key] = [fallback if _missing(v) else v for v in frame[key]]
    for key in ("valid_from", "valid_to"):
        frame[key] = [_iso(_as_date(v)) for v in frame[key]]
    frame["approximate"] = [bool(v) for v in frame["approximate"]]
    return frame


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value == ""


# --------------------------------------------------------------------------- user files


def read_user_layer(path: str | Path, base: Layer) -> tuple[Layer, list[str]]:
    """Read an analyst's file meant to replace ``base``; raise ``LayerFileError`` if unusable.

    Returns the new layer and notes about features repaired, dropped or reprojected,
    so the analyst sees what the app did to their file.
    """
    import geopandas
    import pyogrio
    import shapely

    path = Path(path)
    label = f"layer {base.name!r} file {str(path)!r}"
    if not path.exists():
        raise LayerFileError(f"{label}: no such file")
    size = path.stat().st_size if path.is_file() else sum(
        p.stat().st_size for p in path.rglob("*") if p.is_file()
    )
    if size > MAX_USER_FILE_BYTES:
        raise LayerFileError(
            f"{label}: {size / 1e6:.1f} MB is over the {MAX_USER_FILE_BYTES / 1e6:.0f} MB limit"
        )
    try:
        info = pyogrio.read_info(path)
        if info.get("features", 0) > MAX_USER_FEATURES:
            raise LayerFileError(
                f"{label}: {info['features']} features, over the {MAX_USER_FEATURES} limit"
            )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # GDAL chatter about odd files becomes our message
            frame = geopandas.read_file(path)
    except LayerFileError:
        raise
    except Exception as exc:  # pyogrio raises several types for corrupt or foreign files
        raise LayerFileError(f"{label}: unreadable ({type(exc).__name__}: {exc})") from exc
    notes: list[str] = []
    if frame.crs is None:
        notes.append(f"{label}: no CRS given, taken as WGS84 (EPSG:4326)")
        frame = frame.set_crs(4326)
    elif not frame.crs.equals("EPSG:4326"):
        notes.append(f"{label}: reprojected from {frame.crs.to_string()} to EPSG:4326")
        frame = frame.to_crs(4326)
    keep = []
    geoms = list(frame.geometry)
    for i, geom in enumerate(geoms):
        if geom is None or geom.is_empty:
            notes.append(f"{label}: feature {i} has no geometry, dropped")
            keep.append(False)
            continue
        if not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            fixed = shapely.make_valid(geom)
            if fixed.is_empty or fixed.geom_type != geom.geom_type and not _same_family(
                fixed, geom
            ):
                fixed = _keep_family(fixed, geom)
            if fixed is None or fixed.is_empty:
                notes.append(f"{label}: feature {i} invalid ({reason}) and unrepairable, dropped")
                keep.append(False)
                continue
            geoms[i] = fixed
            notes.append(f"{label}: feature {i} invalid ({reason}), repaired")
        bounds = geoms[i].bounds
        if not (-180 <= bounds[0] <= bounds[2] <= 180 and -90 <= bounds[1] <= bounds[3] <= 90):
            notes.append(f"{label}: feature {i} lies outside longitude/latitude range, dropped")
            keep.append(False)
            continue
        keep.append(True)
    frame = frame.set_geometry(geoms)[keep]
    if frame.empty:
        raise LayerFileError(f"{label}: no usable feature")
    meta = {
        "title": base.title,
        "kind": base.kind,
        "valid_from": _iso(base.valid_from),
        "valid_to": _iso(base.valid_to),
        "source": f"user file {path.name}",
        "accuracy": "as supplied by the user",
        "approximate": False,
    }
    try:
        frame = _normalise_properties(frame.reset_index(drop=True), defaults=meta)
    except ValueError as exc:  # a date property that is not a date
        raise LayerFileError(f"{label}: bad valid_from/valid_to property ({exc})") from exc
    layer = dataclasses.replace(
        base, source=meta["source"], accuracy=meta["accuracy"], approximate=False, frame=frame
    )
    return layer, notes


def _family(geom: Any) -> str:
    return geom.geom_type.replace("Multi", "")


def _same_family(a: Any, b: Any) -> bool:
    return _family(a) == _family(b)


def _keep_family(fixed: Any, original: Any) -> Any:
    """From a repaired GeometryCollection keep the parts of the original's dimension."""
    import shapely

    parts = [p for p in shapely.get_parts(fixed) if _family(p) == _family(original)]
    if not parts:
        return None
    return shapely.union_all(parts)


def load_layers(
    *, overrides: Mapping[str, str | Path] | None = None
) -> tuple[dict[str, Layer], list[str]]:
    """The built-in layers, each replaced by the user's file of the same name when usable.

    Returns the layers and messages about user files: refused ones (the built-in layer
    stays) and what was repaired or reprojected in accepted ones. Unknown names are
    refused too, so a typo in configuration is reported rather than ignored.
    """
    layers = dict(builtin_layers())
    messages: list[str] = []
    for name, path in (overrides or {}).items():
        if name not in layers:
            messages.append(
                f"layer {name!r} file {str(path)!r}: no built-in layer of that name "
                f"(known: {', '.join(LAYER_NAMES)}), ignored"
            )
            continue
        try:
            layer, notes = _read_user_layer_cached(str(Path(path).resolve()), name)
        except LayerFileError as exc:
            messages.append(f"{exc}; the built-in layer is used")
            continue
        layers[name] = layer
        messages.extend(notes)
    return layers, messages


def _read_user_layer_cached(path: str, name: str) -> tuple[Layer, list[str]]:
    """Cache by path, size and modification time so an edited file is read again."""
    try:
        stat = Path(path).stat()
        key = (stat.st_size, stat.st_mtime_ns)
    except OSError:
        key = (-1, -1)
    return _read_user_layer_keyed(path, name, key)


@functools.lru_cache(maxsize=32)
def _read_user_layer_keyed(
    path: str, name: str, key: tuple[int, int]
) -> tuple[Layer, list[str]]:
    del key  # part of the cache key only
    return read_user_layer(path, builtin_layers()[name])


def layers_valid_on(day: dt.date, layers: Mapping[str, Layer]) -> list[Layer]:
    """Layers valid on ``day`` in drawing order (bottom -> top), each holding only the
    features valid that day (the Lachin corridor's two routes share one layer)."""
    order = {name: i for i, name in enumerate(DRAW_ORDER)}
    chosen = [layer for layer in layers.values() if layer.valid_on(day)]
    chosen.sort(key=lambda layer: order.get(layer.name, len(order)))
    out = []
    for layer in chosen:
        features = layer.features_on(day)
        if not features.empty:
            out.append(dataclasses.replace(layer, frame=features))
    return out


def layer_to_geojson(layer: Layer) -> dict[str, Any]:
    """A GeoJSON FeatureCollection (WGS84) with the layer's own metadata under ``layer``."""
    data = json.loads(layer.frame.to_crs(4326).to_json(drop_id=True))
    data["layer"] = {
        "name": layer.name,
        "title": layer.title,
        "kind": layer.kind,
        "valid_from": _iso(layer.valid_from),
        "valid_to": _iso(layer.valid_to),
        "source": layer.source,
        "accuracy": layer.accuracy,
        "approximate": layer.approximate,
    }
    return data


# --------------------------------------------------------------------------- re-exports


def load_basemap() -> dict[str, geopandas.GeoDataFrame]:
    """Land, water, countries and town labels for a map drawn with no tile server."""
    from geodata.basemap import load_basemap as _load

    return _load()


def classify_regions(lon: numpy.ndarray, lat: numpy.ndarray) -> numpy.ndarray:
    """Label each point with one of ``REGIONS`` ("" for NaN coordinates)."""
    from geodata.regions import classify_regions as _classify

    return _classify(lon, lat)
