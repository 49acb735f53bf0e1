"""Claims and counter-claims: events of the same days and place, from different sides.

When Yerevan says a village was shelled on Tuesday and Baku says its positions
near that village came under fire the same day, the analyst wants the two
claims side by side, not as two unrelated pins. Two events are linked when
their date spans overlap and they are at the same canonical place, or both
are settlement-precise and within ``radius_km`` of each other; an incident is
a group of linked events that holds claims from at least two sides.

Only events dated to within ``max_span_days`` are linked: a claim dated just
"2020" overlaps every day of that year and would chain a whole year into one
"incident". The work is grouped (sorting, one KD-tree query, a sparse-graph
component labelling), so 100,000 events take well under a second.
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
#: Nearest candidates examined per event for the distance rule; in a cluster
#: denser than this the events are still joined through their nearer neighbours.
NEIGHBOURS = 8
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
    c, d = _nearby_edges(precise & np.isfinite(lon) & np.isfinite(lat), lon, lat, start, end,
                         radius_km, max_span_days)
    src, dst = np.concatenate([a, c]), np.concatenate([b, d])
    graph = coo_matrix((np.ones(src.size, dtype=np.int8), (src, dst)), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    side = frame["reporting_side"].to_numpy()[rows]
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
    """Edges joining events of one named place whose spans chain together in time."""
    order = np.lexsort((start, place))
    p, s, e = place[order], start[order], end[order]
    frame = pd.DataFrame({"p": p, "e": e})
    reach = frame.groupby("p", sort=False)["e"].cummax().to_numpy()
    prev_reach = np.empty_like(reach)
    prev_reach[1:] = reach[:-1]
    same_place = np.zeros(p.size, dtype=bool)
    same_place[1:] = p[1:] == p[:-1]
    linked = same_place & (s <= prev_reach) & (p != "")
    idx = np.flatnonzero(linked)
    return order[idx - 1], order[idx]


def _nearby_edges(mask: np.ndarray, lon: np.ndarray, lat: np.ndarray, start: np.ndarray,
                  end: np.ndarray, radius_km: float,
                  max_span_days: int) -> tuple[np.ndarray, np.ndarray]:
    """Edges between settlement-precise events within ``radius_km`` whose spans overlap.

    Candidates come from a KD-tree over (x km, y km, scaled mid-day) under the
    maximum norm, which bounds distance and time at once; each candidate pair
    is then checked exactly.
    """
    from scipy.spatial import cKDTree

    idx = np.flatnonzero(mask)
    empty = np.empty(0, dtype=np.int64)
    if idx.size < 2:
        return empty, empty
    lat0 = float(np.nanmean(lat[idx]))
    x = lon[idx] * _KM_PER_DEG_LAT * math.cos(math.radians(lat0))
    y = lat[idx] * _KM_PER_DEG_LAT
    mid = (start[idx] + end[idx]) / 2.0
    t = (mid - mid.min()) * (radius_km / max(max_span_days, 1))
    tree = cKDTree(np.column_stack([x, y, t]))
    k = min(NEIGHBOURS + 1, idx.size)
    dist, nb = tree.query(np.column_stack([x, y, t]), k=k, p=np.inf,
                          distance_upper_bound=radius_km)
    i = np.repeat(np.arange(idx.size), k)
    j = nb.ravel()
    found = (j < idx.size) & (j != i) & np.isfinite(dist.ravel())
    i, j = i[found], j[found]
    close = np.hypot(x[i] - x[j], y[i] - y[j]) <= radius_km
    overlap = (start[idx][i] <= end[idx][j]) & (start[idx][j] <= end[idx][i])
    keep = close & overlap
    return idx[i[keep]], idx[j[keep]]


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
