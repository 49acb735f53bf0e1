"""Leaflet and the other scripts and stylesheets a folium map needs, from local packages.

folium's elements name their assets (``leaflet``, ``leaflet_css``, ``jquery``,
``markerclusterjs``...) and point them at CDNs, which are unreachable here; a
map that loads them shows nothing, and inside the page's map frame not even an error.
This module swaps every such link for a local one taken from the
``xstatic-*`` packages installed from PyPI, in one of two ways:

* **static**: the files are copied under ``static/vendor/`` beside the app
  (Streamlit serves that folder at ``/app/static/`` when static serving is on)
  and linked by absolute URL, because the page's map component renders inside an
  iframe where relative URLs resolve elsewhere;
* **inline**: each file becomes a ``data:`` URL, so a saved HTML file works
  alone, offline, with no server.

Assets no map of this project needs (Bootstrap, awesome-markers and their
fonts) are dropped; an asset this module does not know is refused with an
error rather than left pointing at the internet.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import branca.element

from events.files import atomic_write_bytes

#: Where Streamlit serves ``<app dir>/static/vendor`` when static serving is on.
STATIC_URL_PREFIX = "/app/static/vendor"


@dataclass(frozen=True)
class Asset:
    """One file folium asks for by name, and the package that carries it."""

    name: str  #: folium's name for it (the first item of a ``default_js``/``default_css`` pair)
    package: str  #: the xstatic module holding it
    folder: str  #: sub-folder of ``static/vendor`` it is copied to
    file: str  #: path inside the package's data folder

    @property
    def kind(self) -> str:
        return "css" if self.file.endswith(".css") else "js"


ASSETS: dict[str, Asset] = {
    a.name: a
    for a in (
        Asset("leaflet", "xstatic.pkg.leaflet", "leaflet", "leaflet.js"),
        Asset("leaflet_css", "xstatic.pkg.leaflet", "leaflet", "leaflet.css"),
        Asset("jquery", "xstatic.pkg.jquery", "jquery", "jquery.min.js"),
        Asset("markerclusterjs", "xstatic.pkg.leaflet_markercluster", "markercluster",
              "leaflet.markercluster.js"),
        Asset("markerclustercss", "xstatic.pkg.leaflet_markercluster", "markercluster",
              "MarkerCluster.css"),
        Asset("markerclusterdefaultcss", "xstatic.pkg.leaflet_markercluster", "markercluster",
              "MarkerCluster.Default.css"),
    )
}
#: Files copied beside a stylesheet because it refers to them (``url(images/...)``).
EXTRA_FILES: dict[str, tuple[str, ...]] = {
    "leaflet": ("images/layers.png", "images/layers-2x.png", "images/marker-icon.png",
                "images/marker-icon-2x.png", "images/marker-shadow.png"),
}
#: Assets folium lists by default that no map here uses (``folium.Icon`` needs them;
#: the event symbols are SVG in ``DivIcon``s instead).
DROPPED: frozenset[str] = frozenset({
    "bootstrap", "bootstrap_css", "glyphicons_css", "awesome_markers",
    "awesome_markers_css", "awesome_markers_font_css", "awesome_rotate_css",
})


class UnknownAssetError(ValueError):
    """A map element asks for an asset that has no local copy."""


def package_dir(asset: Asset) -> Path:
    """The data folder of the xstatic package carrying ``asset``."""
    module = importlib.import_module(asset.package)
    return Path(module.BASE_DIR)


def _files(asset_names: tuple[str, ...] | None = None) -> Iterator[tuple[Path, Path]]:
    """(source file, path relative to ``static/vendor``) for every file to serve."""
    seen: set[Path] = set()
    for asset in ASSETS.values():
        if asset_names is not None and asset.name not in asset_names:
            continue
        base = package_dir(asset)
        for rel in (asset.file, *EXTRA_FILES.get(asset.folder, ())):
            target = Path(asset.folder) / rel
            if target not in seen:
                seen.add(target)
                yield base / rel, target


def install_static(static_root: str | os.PathLike[str]) -> Path:
    """Copy the assets into ``<static_root>/vendor`` and return that folder.

    Safe to call at every start and from two processes at once: a file whose
    bytes already match is left alone, others are written to a temporary file
    and renamed into place, so a reader never sees half a script.
    """
    vendor = Path(static_root) / "vendor"
    for source, rel in _files():
        target = vendor / rel
        data = source.read_bytes()
        if target.is_file() and _digest(target.read_bytes()) == _digest(data):
            continue
        atomic_write_bytes(target, data)
    return vendor


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def static_url(name: str, *, prefix: str = STATIC_URL_PREFIX) -> str:
    """Absolute URL of asset ``name`` as served from ``static/vendor``."""
    asset = ASSETS[name]
    return f"{prefix.rstrip('/')}/{asset.folder}/{asset.file}"


def inline_url(name: str) -> str:
    """``data:`` URL holding asset ``name`` (stylesheets with their images inlined too)."""
    asset = ASSETS[name]
    path = package_dir(asset) / asset.file
    if asset.kind == "js":
        return "data:text/javascript;base64," + base64.b64encode(path.read_bytes()).decode()
    css = path.read_text(encoding="utf-8")
    css = _CSS_URL.sub(lambda m: _inline_css_url(path.parent, m), css)
    return "data:text/css;base64," + base64.b64encode(css.encode("utf-8")).decode()


_CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")


def _inline_css_url(folder: Path, match: re.Match[str]) -> str:
    ref = match.group(2)
    if ref.startswith(("data:", "#")) or "://" in ref:
        return match.group(0)
    file = folder / ref
    if not file.is_file():
        return match.group(0)
    mime = "image/png" if file.suffix == ".png" else "application/octet-stream"
    return f"url(data:{mime};base64,{base64.b64encode(file.read_bytes()).decode()})"


def localise(
    element: branca.element.Element, *, inline: bool = False, prefix: str = STATIC_URL_PREFIX
) -> branca.element.Element:
    """Point every asset of ``element`` and its children at a local copy.

    Changes the elements' own ``default_js``/``default_css`` lists (never the
    class-level ones, which other maps in the process share). Call it after the
    last child is added and before rendering. Returns ``element`` for chaining.

    Raises :class:`UnknownAssetError` naming an asset with no local copy.
    """
    cache: dict[str, str] = {}

    def local(name: str) -> str:
        if name not in cache:
            cache[name] = inline_url(name) if inline else static_url(name, prefix=prefix)
        return cache[name]

    for elem in _walk(element):
        for attr in ("default_js", "default_css"):
            links = getattr(elem, attr, None)
            if not links:
                continue
            kept: list[tuple[str, str]] = []
            for name, url in links:
                if name in DROPPED:
                    continue
                if name not in ASSETS:
                    raise UnknownAssetError(
                        f"{type(elem).__name__} needs asset {name!r} ({url}), which has no "
                        "local copy; add it to dashboard.assets.ASSETS"
                    )
                kept.append((name, local(name)))
            setattr(elem, attr, kept)
    return element


def _walk(element: branca.element.Element) -> Iterator[branca.element.Element]:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def standalone_html(element: branca.element.Element) -> str:
    """The whole page of a map with every asset inlined: one file that works offline."""
    localise(element, inline=True)
    return element.get_root().render()


_LINKED = re.compile(r"<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*[\"']([^\"']+)[\"']", re.I)


def linked_asset_urls(page: str) -> list[str]:
    """URLs of every ``<script src>`` and ``<link href>`` in a page, for checking they are local."""
    return _LINKED.findall(page)


def is_local_url(url: str) -> bool:
    """True for a ``data:`` URL or a path on the serving host (no scheme, no host)."""
    return url.startswith("data:") or (url.startswith("/") and not url.startswith("//"))
