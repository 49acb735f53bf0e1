"""Made-up but plausible events in any number, for benchmarks and scale tests.

Real extractions are a few hundred events; the stores, filters and maps must
stay fast at 100,000 and more. These events look like the real ones where it
matters for speed and for query selectivity: points over the conflict region
(39-41.5 N, 44.5-48 E), dates from 2016 to 2023 bunched around the known
escalations, the three reporting sides and the eight event types in uneven
shares, some events without a point or a date, and coarse dates. Events placed
only to a district or a region name one of the gazetteer's areas of the region
and sit at its point, as extracted ones do: real reporting names a few dozen
areas, not one per event, and the map draws each area once. Nothing here is a
claim about what happened: ids and notes say the events are synthetic.
"""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np
import pandas as pd

from events.schema import EVENT_TYPES, SIDES, Event
from events.table import normalise_frame

#: (west, south, east, north) of the region the synthetic points fall in.
REGION_BBOX = (44.5, 39.0, 48.0, 41.5)
FIRST_DAY = dt.date(2016, 1, 1)
LAST_DAY = dt.date(2023, 12, 31)
#: Periods of heavy reporting (start, end, share of events).
_PEAKS = (
    (dt.date(2016, 4, 1), dt.date(2016, 4, 30), 0.08),
    (dt.date(2020, 7, 10), dt.date(2020, 7, 31), 0.05),
    (dt.date(2020, 9, 27), dt.date(2020, 11, 10), 0.30),
    (dt.date(2022, 9, 12), dt.date(2022, 9, 30), 0.05),
    (dt.date(2023, 9, 1), dt.date(2023, 10, 15), 0.10),
)
_SIDE_SHARES = (0.4, 0.4, 0.2)
_TYPE_SHARES = (0.30, 0.20, 0.08, 0.08, 0.10, 0.04, 0.15, 0.05)
_PRECISIONS = ("day", "week", "month", "year")
_PRECISION_SHARES = (0.75, 0.05, 0.15, 0.05)
_GEO_PRECISIONS = ("settlement", "district", "region")
_CLAIMANTS = {
    "armenian": "Armenian Defence Ministry",
    "azerbaijani": "Azerbaijani Defence Ministry",
    "third_party": "International observer",
}


def synthetic_frame(n: int, *, seed: int = 0) -> pd.DataFrame:
    """``n`` synthetic events in the ``events.table`` form, built column-wise (1M in seconds)."""
    rng = np.random.default_rng(seed)
    days = _draw_days(rng, n)
    undated = rng.random(n) < 0.04
    precision = rng.choice(np.array(_PRECISIONS, dtype=object), size=n, p=_PRECISION_SHARES)
    no_point = rng.random(n) < 0.08
    lon = rng.uniform(REGION_BBOX[0], REGION_BBOX[2], n).round(5)
    lat = rng.uniform(REGION_BBOX[1], REGION_BBOX[3], n).round(5)
    sides = rng.choice(np.array(SIDES, dtype=object), size=n, p=_SIDE_SHARES)
    types = rng.choice(np.array(EVENT_TYPES, dtype=object), size=n, p=_TYPE_SHARES)
    fatalities = np.where(rng.random(n) < 0.3, rng.poisson(2.0, n), -1)
    site = rng.integers(0, 500, n)
    geo_precision = np.where(no_point, None,
                             rng.choice(np.array(_GEO_PRECISIONS, dtype=object), size=n,
                                        p=(0.7, 0.25, 0.05)))
    place = np.char.add("Site ", site.astype(str)).astype(object)
    for area_kind, (names, area_lon, area_lat) in _areas().items():
        rows = np.flatnonzero(geo_precision == area_kind)
        pick = rng.integers(0, len(names), len(rows))
        place[rows], lon[rows], lat[rows] = names[pick], area_lon[pick], area_lat[pick]
    ids = np.char.add(f"syn-{seed}-", np.char.zfill(np.arange(n).astype(str), 7))
    frame = pd.DataFrame({
        "event_id": ids.astype(object),
        "article_id": np.char.add("syn-art-", (np.arange(n) // 4).astype(str)).astype(object),
        "event_type": types,
        "reporting_side": sides,
        "event_date": pd.to_datetime(days).where(~undated),
        "date_precision": np.where(undated, None, precision),
        "claimant": [_CLAIMANTS[s] for s in sides],
        "location_name": place,
        "place": place.copy(),
        "geo_precision": geo_precision,
        "lon": np.where(no_point, np.nan, lon),
        "lat": np.where(no_point, np.nan, lat),
        "fatalities": pd.array(np.where(fatalities < 0, None, fatalities), dtype="Int64"),
        "confidence": rng.uniform(0.3, 1.0, n).round(3),
        "notes": "Synthetic event for benchmarks.",
        "n_articles": 1,
    })
    return normalise_frame(frame)


def synthetic_events(n: int, *, seed: int = 0) -> list[Event]:
    """``n`` synthetic events as validated records (same values as :func:`synthetic_frame`)."""
    frame = synthetic_frame(n, seed=seed)
    events = []
    columns = ("event_id", "article_id", "event_type", "reporting_side", "event_date",
               "date_precision", "claimant", "location_name", "place", "geo_precision",
               "lon", "lat", "fatalities", "confidence", "notes")
    for row in zip(*(frame[c].tolist() for c in columns), strict=True):
        values = dict(zip(columns, row, strict=True))
        day = values["event_date"]
        values["event_date"] = None if pd.isna(day) else day.date()
        if values["lon"] != values["lon"]:  # NaN: no point
            values["lon"] = values["lat"] = None
        if values["fatalities"] is pd.NA:
            values["fatalities"] = None
        events.append(Event(**values))
    return events


@functools.cache
def _areas() -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Names and points of the gazetteer's districts and regions inside ``REGION_BBOX``."""
    from geodata.gazetteer import default_gazetteer

    west, south, east, north = REGION_BBOX
    out: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for kind in _GEO_PRECISIONS[1:]:
        places = sorted((p.name, p.lon, p.lat) for p in default_gazetteer().places
                        if p.precision == kind and west <= p.lon <= east
                        and south <= p.lat <= north)
        names, lons, lats = zip(*places, strict=True)
        out[kind] = (np.array(names, dtype=object), np.array(lons).round(5),
                          np.array(lats).round(5))
    return out


def _draw_days(rng: np.random.Generator, n: int) -> np.ndarray:
    """Days spread over the whole period, with the escalations' share on their own spans."""
    first = np.datetime64(FIRST_DAY, "D")
    total = (LAST_DAY - FIRST_DAY).days + 1
    days = first + rng.integers(0, total, n).astype("timedelta64[D]")
    which = rng.random(n)
    edge = 0.0
    for start, end, share in _PEAKS:
        pick = (which >= edge) & (which < edge + share)
        edge += share
        span = (end - start).days + 1
        days[pick] = np.datetime64(start, "D") + rng.integers(
            0, span, int(pick.sum())
        ).astype("timedelta64[D]")
    return days
