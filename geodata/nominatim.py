"""Optional online geocoding with OpenStreetMap Nominatim, rate-limited and cached on disk.

The project geocodes offline (:mod:`geodata.gazetteer`). A user who is online and wants names
the gazetteer lacks can use :func:`nominatim_geocoder`; every answer (including "not found") is
kept in a SQLite file under ``cache_dir`` so a query is sent at most once, and requests are
spaced by ``min_delay_seconds`` as Nominatim's usage policy asks (at most one per second).
geopy is imported lazily so nothing here runs, or connects, unless called.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

CACHE_FILE = "nominatim-cache.sqlite3"


def cache_key(query: str, options: dict[str, Any]) -> str:
    """SHA-256 of the normalised query and its options: the cache's primary key."""
    payload = json.dumps({"q": " ".join(query.split()).casefold(), "o": options},
                         sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class CachedGeocoder:
    """Callable ``(query, **options) -> geopy Location | None`` with a disk cache.

    ``geocoder`` is any object with a geopy-style ``geocode(query, **options)`` method
    (Nominatim in use; a fake in tests). Network errors are logged and answered with ``None``
    without being cached, so a later call tries again.
    """

    def __init__(self, geocoder: Any, cache_dir: Path, *, min_delay_seconds: float = 1.0):
        from geopy.extra.rate_limiter import RateLimiter

        self.geocoder = geocoder
        self.cache_dir = Path(cache_dir)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self.path = self.cache_dir / CACHE_FILE
        self._geocode: Callable[..., Any] = RateLimiter(
            geocoder.geocode, min_delay_seconds=min_delay_seconds, max_retries=1,
            error_wait_seconds=max(min_delay_seconds, 0.0), swallow_exceptions=False)
        with closing(sqlite3.connect(self.path)) as db, db:
            db.execute("CREATE TABLE IF NOT EXISTS geocode (key TEXT PRIMARY KEY, query TEXT, "
                       "answer TEXT)")

    def _read(self, key: str) -> tuple[bool, dict | None]:
        with closing(sqlite3.connect(self.path)) as db:
            row = db.execute("SELECT answer FROM geocode WHERE key = ?", (key,)).fetchone()
        if row is None:
            return False, None
        return True, json.loads(row[0])

    def _write(self, key: str, query: str, answer: dict | None) -> None:
        with closing(sqlite3.connect(self.path)) as db, db:
            db.execute("INSERT OR REPLACE INTO geocode VALUES (?, ?, ?)",
                       (key, query, json.dumps(answer, ensure_ascii=False, default=str)))

    def __call__(self, query: str, **options: Any):
        from geopy.exc import GeopyError
        from geopy.location import Location
        from geopy.point import Point

        options.setdefault("exactly_one", True)
        key = cache_key(query, options)
        hit, answer = self._read(key)
        if not hit:
            try:
                found = self._geocode(query, **options)
            except GeopyError as exc:
                log.warning("Nominatim lookup of %r failed: %s", query, exc)
                return None
            if isinstance(found, list):
                found = found[0] if found else None
            answer = None if found is None else {
                "address": found.address, "lat": found.latitude, "lon": found.longitude,
                "raw": found.raw,
            }
            self._write(key, query, answer)
        if answer is None:
            return None
        return Location(answer["address"], Point(answer["lat"], answer["lon"]), answer["raw"])

    geocode = __call__


def nominatim_geocoder(*, user_agent: str, cache_dir: Path, min_delay_seconds: float = 1.0,
                       geocoder: Any = None) -> CachedGeocoder:
    """A cached, rate-limited Nominatim geocoder (see :class:`CachedGeocoder`).

    ``user_agent`` must identify the application (Nominatim's policy). ``geocoder`` replaces
    Nominatim with any object that has a ``geocode`` method. Constructing it sends nothing.
    """
    if geocoder is None:
        from geopy.geocoders import Nominatim

        geocoder = Nominatim(user_agent=user_agent)
    return CachedGeocoder(geocoder, cache_dir, min_delay_seconds=min_delay_seconds)
