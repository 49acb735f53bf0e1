"""A :class:`~dashboard.view.View` applied to an event table, and the sidebar's counts.

Every filter is one vectorised boolean mask over the ``events.table`` frame,
so a filter change at 100,000 events costs milliseconds. The masks are kept
apart (:func:`view_masks`) because the sidebar needs, for each facet, the
counts under all the *other* filters: choosing "Armenian side" must not make
the side list show zero for the two others.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from dashboard.view import View
from events.store import Query, query_mask

#: Columns the full-text search looks in.
TEXT_COLUMNS: tuple[str, ...] = ("notes", "evidence", "claimant", "place", "location_name")
#: Facet name -> event-table column whose values the sidebar counts.
FACETS: dict[str, str] = {
    "sides": "reporting_side",
    "types": "event_type",
    "claimants": "claimant",
    "regions": "region",
    "outlets": "outlet",
    "articles": "article_id",
}


def ensure_regions(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with an empty ``region`` filled from its point (``geodata.regions``).

    Stores written before regions were recorded, and synthetic sets, leave the
    column empty; labelling only the rows that need it keeps this cheap. Call
    it once after loading: the region filter and facet read this column.
    """
    from geodata.regions import classify_regions

    region = frame["region"] if "region" in frame.columns else pd.Series("", index=frame.index)
    todo = (region.fillna("") == "") & frame["lon"].notna() & frame["lat"].notna()
    if not todo.any():
        return frame
    frame = frame.copy()
    labels = classify_regions(frame.loc[todo, "lon"].to_numpy(), frame.loc[todo, "lat"].to_numpy())
    region = region.fillna("").astype(object).copy()
    region.loc[todo] = labels
    frame["region"] = region
    return frame


def text_mask(frame: pd.DataFrame, text: str,
              columns: Sequence[str] = TEXT_COLUMNS) -> pd.Series:
    """Rows where ``text`` occurs, literally and ignoring case, in any of ``columns``.

    Literal, not a regular expression: the text comes from the address bar.
    Each column is factorised first, so a value repeated on many rows (a
    claimant, a place) is searched once.
    """
    needle = " ".join(text.split()).casefold()
    hit = np.zeros(len(frame), dtype=bool)
    if not needle:
        return pd.Series(True, index=frame.index)
    for name in columns:
        if name not in frame.columns:
            continue
        codes, uniques = pd.factorize(frame[name], use_na_sentinel=True)
        found = np.fromiter((needle in str(u).casefold() for u in uniques), dtype=bool,
                            count=len(uniques))
        hit |= (codes >= 0) & np.append(found, False)[codes]
    return pd.Series(hit, index=frame.index)


def view_masks(frame: pd.DataFrame, view: View) -> dict[str, pd.Series]:
    """One boolean mask per active filter, keyed by the view field it comes from.

    Dates filter on the span a coarse date stands for ("October 2020" is in a
    view of 10-20 October); undated events leave a dated view unless
    ``include_undated``. Fatalities unknown never pass a minimum; events with
    no point never pass a box.
    """
    masks: dict[str, pd.Series] = {}
    if view.start is not None or view.end is not None:
        dates = Query.make(start=view.start, end=view.end, include_undated=view.include_undated)
        masks["dates"] = query_mask(frame, dates)
    if view.bbox is not None:
        masks["bbox"] = query_mask(frame, Query.make(bbox=view.bbox))
    for name, column in FACETS.items():
        chosen = getattr(view, name)
        if chosen:
            masks[name] = frame[column].isin(chosen)
    if view.precise_geo:
        masks["precise_geo"] = frame["geo_precision"].eq("settlement").fillna(False)
    if view.precise_date:
        masks["precise_date"] = frame["date_precision"].eq("day").fillna(False)
    if view.min_fatalities:
        masks["min_fatalities"] = (frame["fatalities"] >= view.min_fatalities).fillna(False)
    if view.text.strip():
        masks["text"] = text_mask(frame, view.text)
    return {k: m.astype(bool) for k, m in masks.items()}


def _combine(frame: pd.DataFrame, masks: dict[str, pd.Series], skip: str = "") -> np.ndarray:
    keep = np.ones(len(frame), dtype=bool)
    for name, mask in masks.items():
        if name != skip:
            keep &= mask.to_numpy()
    return keep


def view_mask(frame: pd.DataFrame, view: View) -> pd.Series:
    """Rows the view keeps."""
    return pd.Series(_combine(frame, view_masks(frame, view)), index=frame.index)


def apply_view(frame: pd.DataFrame, view: View) -> pd.DataFrame:
    """The events the view shows (original index kept).

    A view without filters gives ``frame`` itself, not a copy: at a million
    events a copy per kept view would cost gigabytes. Callers treat the
    result as read-only either way.
    """
    masks = view_masks(frame, view)
    if not masks:
        return frame
    return frame.loc[_combine(frame, masks)]


def facet_counts(frame: pd.DataFrame, view: View, facets: Sequence[str] = tuple(FACETS), *,
                 limit: int | None = 500) -> dict[str, pd.Series]:
    """Per facet, events per value under every filter but that facet's own.

    The counts say how many events choosing a value would add, which is what
    the sidebar shows beside each checkbox. Values are sorted by count, then
    name; only the first ``limit`` are kept (a corpus has tens of thousands
    of articles, and no sidebar lists them all).
    """
    masks = view_masks(frame, view)
    out: dict[str, pd.Series] = {}
    for name in facets:
        column = frame[FACETS[name]]
        kept = column[_combine(frame, masks, skip=name)]
        counts = kept.value_counts(dropna=True, sort=False).drop("", errors="ignore")
        if limit is not None and len(counts) > limit:
            counts = counts[counts >= counts.nlargest(limit).iloc[-1]]
        # By count, ties by name: sort by name first, then stably by count.
        counts = counts.sort_index().sort_values(ascending=False, kind="stable")
        out[name] = counts.head(limit).astype(int) if limit is not None else counts.astype(int)
    return out


def sorted_positions(frame: pd.DataFrame, column: str | None, *,
                     descending: bool = False) -> np.ndarray:
    """Row positions of ``frame`` in the event table's order.

    By ``column`` (missing values last, ties kept in store order), or the
    store's order when ``column`` is None. The table shows one page of these
    positions at a time, so the browser never holds more than a page however
    many events the view has, and sorting covers all of them, not the page.
    """
    if not column:
        return np.arange(len(frame))
    values = frame[column].reset_index(drop=True)
    return values.sort_values(ascending=not descending, kind="stable",
                              na_position="last").index.to_numpy()
