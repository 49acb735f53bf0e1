"""Claims and counter-claims: events of the same days and place, from different sides.

When Yerevan says a village was shelled on Tuesday and Baku says its positions
near that village came under fire the same day, the analyst wants the two
claims side by side, not as two unrelated pins. An incident is a group of
linked events that holds claims from at least two sides. Two events are linked
when they are at the same canonical place and

- are dated to the same day, or to the same span (both "that week"), or
- one is dated to a day and the other to a span of days holding it: the span
  joins the first day in it on which that place has claims of its own day;

or when both are settlement-precise, of different sides and dated to the same
day, and one is the other's nearest such event within ``radius_km``.

The rules keep an incident to one day (with the coarser claims about it) and
one neighbourhood. Linking every pair of overlapping or nearby claims instead
chains them: during an offensive, claims a few kilometres apart every day and
a claim dated only to "last week" joined a whole front and several weeks into
one "incident" of thousands of claims. Only events dated to within
``max_span_days`` are linked at all. The work is grouped (sorting, KD-tree
queries, a sparse-graph component labelling), so 100,000 events take well
under a second.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from events.schema import SIDES

RADIUS_KM = 10.0
MAX_SPAN_DAYS = 7
_KM_PER_DEG_LAT = 111.32
#: Columns the incident card shows for each claim.
CLAIM_COLUMNS: tuple[str, ...] = (
    "event_id", "event_type", "claimant", "evidence", "article_title", "outlet", "url",
    "event_date", "date_precision", "place", "fatalities", "confidence",
)
_SENTENCE_LABELS = {"armenian": "Armenian side", "azerbaijani": "Azerbaijani side",
                    "third_party": "third party"}


def link_incidents(frame: pd.DataFrame, *, radius_km: float = RADIUS_KM,
                   max_span_days: int = MAX_SPAN_DAYS) -> pd.Series:
    """Incident id of each row ("" for events in no incident), on ``frame``'s index.

    The id is derived from the smallest event id in the incident, so it stays
    the same when more claims about it arrive.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    result = pd.Series("", index=frame.index, dtype=object)
    span_days = (frame["date_end"] - frame["date_start"]).dt.days
    ok = (frame["date_start"].notna() & (span_days < max_span_days)
          & frame["reporting_side"].isin(SIDES)).to_numpy()
    rows = np.flatnonzero(ok)
    n = rows.size
    if n < 2:
        return result
    start = frame["date_start"].to_numpy("datetime64[D]")[rows].astype(np.int64)
    end = frame["date_end"].to_numpy("datetime64[D]")[rows].astype(np.int64)
    place = frame["place"].fillna("").astype(str).to_numpy()[rows]
    a, b = _same_place_edges(place, start, end)
    precise = (frame["geo_precision"].to_numpy()[rows] == "settlement")
    lon = frame["lon"].to_numpy(dtype=float)[rows]
    lat = frame["lat"].to_numpy(dtype=float)[rows]
    side = frame["reporting_side"].to_numpy()[rows]
    c, d = _nearby_edges(precise & np.isfinite(lon) & np.isfinite(lat) & (start == end),
                         lon, lat, start, side, radius_km)
    src, dst = np.concatenate([a, c]), np.concatenate([b, d])
    graph = coo_matrix((np.ones(src.size, dtype=np.int8), (src, dst)), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    groups = pd.DataFrame({"c": component, "side": side,
                           "id": frame["event_id"].astype(str).to_numpy()[rows]})
    n_sides = groups.groupby("c")["side"].nunique()
    keep = n_sides.index[n_sides.to_numpy() >= 2]
    if keep.empty:
        return result
    first_id = groups[groups["c"].isin(keep)].groupby("c")["id"].min()
    names = {c: "inc-" + hashlib.sha1(i.encode()).hexdigest()[:12] for c, i in first_id.items()}
    labels = pd.Series(component).map(names).fillna("").to_numpy()
    result.iloc[rows] = labels
    return result


def _same_place_edges(place: np.ndarray, start: np.ndarray,
                      end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Edges joining events of one named place: same dates, or a span to its first day."""
    named = np.flatnonzero(place != "")
    code = pd.factorize(place[named])[0].astype(np.int64)
    s, e = start[named], end[named]
    # Same place and same dates: neighbours once sorted by (place, start, end).
    order = np.lexsort((e, s, code))
    same = np.flatnonzero((code[order][1:] == code[order][:-1])
                          & (s[order][1:] == s[order][:-1]) & (e[order][1:] == e[order][:-1]))
    src, dst = [order[same]], [order[same + 1]]
    # A span of days joins the first claim of that place dated to a day inside it.
    single = np.flatnonzero(s == e)
    if single.size:
        # Days count from 1970 (five digits): place code and day fit one sortable key.
        key = code[single] * 1_000_000 + s[single]
        by_key = np.argsort(key, kind="stable")
        key = key[by_key]
        spans = np.flatnonzero(s < e)
        pos = np.searchsorted(key, code[spans] * 1_000_000 + s[spans])
        inside = pos < key.size
        hit = single[by_key[np.minimum(pos, key.size - 1)]]
        inside &= (code[hit] == code[spans]) & (s[hit] <= e[spans])
        src.append(spans[inside])
        dst.append(hit[inside])
    return named[np.concatenate(src)], named[np.concatenate(dst)]


def _nearby_edges(mask: np.ndarray, lon: np.ndarray, lat: np.ndarray, day: np.ndarray,
                  side: np.ndarray, radius_km: float) -> tuple[np.ndarray, np.ndarray]:
    """Each event of ``mask`` to its nearest event of ``mask`` of another side, the same day.

    One KD-tree per side over (x km, y km, day), with days far apart on the
    last axis, so a nearest-neighbour query within ``radius_km`` only finds
    events of the same day.
    """
    from scipy.spatial import cKDTree

    idx = np.flatnonzero(mask)
    empty = np.empty(0, dtype=np.int64)
    if idx.size < 2:
        return empty, empty
    lat0 = float(np.nanmean(lat[idx]))
    far = 10.0 * radius_km  # per day: never within the radius
    points = np.column_stack([lon[idx] * _KM_PER_DEG_LAT * math.cos(math.radians(lat0)),
                              lat[idx] * _KM_PER_DEG_LAT, (day[idx] - day[idx].min()) * far])
    best = np.full(idx.size, np.inf)
    partner = np.full(idx.size, -1, dtype=np.int64)
    sides = side[idx]
    for value in pd.unique(sides):
        own = np.flatnonzero(sides == value)
        others = np.flatnonzero(sides != value)
        if not own.size or not others.size:
            continue
        dist, nb = cKDTree(points[own]).query(points[others], k=1,
                                              distance_upper_bound=radius_km)
        found = np.isfinite(dist)
        # Ties go to the smaller row position, as a pairwise check would choose.
        better = found & ((dist < best[others]) | ((dist == best[others])
                                                   & (own[np.minimum(nb, own.size - 1)]
                                                      < partner[others])))
        best[others[better]] = dist[better]
        partner[others[better]] = own[nb[better]]
    linked = np.flatnonzero(partner >= 0)
    return idx[linked], idx[partner[linked]]


def incident_table(frame: pd.DataFrame, incident: pd.Series) -> pd.DataFrame:
    """One row per incident: place, date span, point, and claims per side.

    ``place`` is the most frequent canonical place among its events; the point
    is their mean; columns ``armenian``/``azerbaijani``/``third_party`` count claims.
    """
    members = frame.assign(incident_id=incident).loc[incident != ""]
    columns = ["incident_id", "place", "date_start", "date_end", "lon", "lat", "n_events",
               *SIDES]
    if members.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    grouped = members.groupby("incident_id", sort=True)
    out = pd.DataFrame({
        "date_start": grouped["date_start"].min(),
        "date_end": grouped["date_end"].max(),
        "lon": grouped["lon"].mean(),
        "lat": grouped["lat"].mean(),
        "n_events": grouped.size(),
    })
    named = members[members["place"].fillna("") != ""]
    top = (named.groupby(["incident_id", "place"]).size().reset_index(name="n")
           .sort_values(["incident_id", "n", "place"], ascending=[True, False, True])
           .drop_duplicates("incident_id").set_index("incident_id")["place"])
    out["place"] = top.reindex(out.index).fillna("")
    per_side = members.groupby(["incident_id", "reporting_side"]).size().unstack(fill_value=0)
    for side in SIDES:
        out[side] = per_side.get(side, pd.Series(0, index=per_side.index)).reindex(
            out.index, fill_value=0).astype(int)
    return out.reset_index()[columns]


def incident_claims(frame: pd.DataFrame, incident: pd.Series,
                    incident_id: str) -> dict[str, pd.DataFrame]:
    """Each side's claims in one incident, for the card that shows them side by side."""
    members = frame.loc[incident == incident_id]
    present = [c for c in CLAIM_COLUMNS if c in members.columns]
    return {side: members.loc[members["reporting_side"] == side, present]
            .sort_values(["event_date", "event_id"]).reset_index(drop=True)
            for side in SIDES}


def side_tally(frame: pd.DataFrame) -> dict[str, int]:
    """Claims per reporting side in ``frame``, every side present (zero when none)."""
    counts = frame["reporting_side"].value_counts()
    return {side: int(counts.get(side, 0)) for side in SIDES}


def tally_sentence(tally: Mapping[str, int]) -> str:
    """"Armenian side 41 claims, Azerbaijani side 37, third party 12"."""
    parts = []
    for i, side in enumerate(SIDES):
        n = int(tally.get(side, 0))
        text = f"{_SENTENCE_LABELS[side]} {n}"
        if i == 0:
            text += " claim" if n == 1 else " claims"
        parts.append(text)
    return ", ".join(parts)
