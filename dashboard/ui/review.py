"""The Review tab: the low-confidence queue and the corrections a reviewer makes.

Corrections go through :mod:`events.corrections` (kept beside the extracted
events, with author and time, never overwriting them). Saving happens in
button callbacks, which Streamlit runs before the next run, so the page that
follows already loads the corrected view.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.ui import cache
from dashboard.ui.sidebar import markdown_text
from events.schema import DATE_PRECISIONS, EVENT_TYPES, SIDE_LABELS, SIDES, TYPE_LABELS

KEY_EVENT = "kcm_review_event"
KEY_AUTHOR = "kcm_review_author"
KEY_TYPE = "kcm_review_type"
KEY_SIDE = "kcm_review_side"
KEY_DATE = "kcm_review_date"
KEY_PRECISION = "kcm_review_precision"
KEY_PLACE_NAME = "kcm_review_place_name"
KEY_PLACE = "kcm_review_place"
KEY_MERGE = "kcm_review_merge"
KEY_DONE = "kcm_review_done"
#: Entries kept while the tab is closed (the others belong to the event under review).
KEPT_KEYS = (KEY_AUTHOR,)
#: Events offered in the queue at once.
QUEUE_LENGTH = 200


@st.cache_resource(show_spinner="Loading the gazetteer…")
def gazetteer() -> Any:
    from geodata.gazetteer import default_gazetteer

    return default_gazetteer()


def _row_label(row: pd.Series) -> str:
    conf = row.get("confidence")
    conf_text = "?" if pd.isna(conf) else f"{float(conf):.2f}"
    flags = " · wrong" if row.get("wrong") else (" · merged" if row.get("merged_into") else
                                                 (" · corrected" if row.get("corrected") else ""))
    return (f"{row['event_id']} · {conf_text} · {TYPE_LABELS.get(row['event_type'], '')} · "
            f"{SIDE_LABELS.get(row['reporting_side'], '')} · {row.get('place') or ''}{flags}")


def _save(store: str, make: Any) -> None:
    """Button callback: build the corrections and store them; the outcome is shown next run."""
    from events.corrections import CorrectionError
    from events.store import StoreError

    author = str(st.session_state.get(KEY_AUTHOR) or "").strip()
    if not author:
        st.session_state[KEY_DONE] = ("error", "Give your name first: every correction "
                                               "records who made it.")
        return
    try:
        corrections = make(author)
        n = data.save_corrections(store, corrections)
    except (CorrectionError, StoreError, OSError, ValueError) as exc:
        st.session_state[KEY_DONE] = ("error", f"Not saved: {exc}")
        return
    st.session_state[KEY_DONE] = ("success", f"Saved {n} correction(s).")


def review_tab(frame: pd.DataFrame, store: str | None, *,
               store_key: Hashable | None = None) -> None:
    """The queue (least confident, not yet reviewed first) and the correction forms.

    ``store_key`` names the store's content: the queue (a sort of every event)
    is then made once per change of the store, not on every run of the page.
    """
    from events.corrections import (
        fix_date,
        fix_field,
        fix_place,
        mark_wrong,
        merge_duplicates,
        review_queue,
    )

    reason = data.why_read_only(store)
    if reason:
        st.info(reason)
    done = st.session_state.pop(KEY_DONE, None)
    if done:
        (st.success if done[0] == "success" else st.error)(markdown_text(done[1]))
    if frame.empty:
        st.caption("No events to review.")
        return
    def make() -> dict[str, str]:
        queue = review_queue(frame).head(QUEUE_LENGTH)
        return {str(r["event_id"]): _row_label(r) for _, r in queue.iterrows()}

    labels = make() if store_key is None else cache.result("review_queue", store_key, make)
    st.caption(f"{len(frame)} events; the queue lists the {len(labels)} least confident, "
               "unreviewed ones first.")
    chosen = st.selectbox("Event to review", list(labels), format_func=labels.get,
                          key=KEY_EVENT)
    if chosen is None:
        return
    row = frame.loc[frame["event_id"] == chosen].iloc[0].to_dict()
    st.text(f"Evidence: {row.get('evidence') or row.get('notes') or '(none)'}")
    if reason:
        return
    target = str(store)

    def key(name: str) -> str:
        # One set of form widgets per event, so a form never shows another event's values.
        return f"{name}:{chosen}"

    st.text_input("Your name (recorded with each correction)", key=KEY_AUTHOR, max_chars=200)
    wrong = bool(row.get("wrong"))
    st.button("Not wrong after all" if wrong else "Mark this event wrong", key="kcm_review_wrong",
              on_click=_save,
              args=(target, lambda a: [mark_wrong(row, a, wrong=not wrong)]))
    left, right = st.columns(2)
    left.selectbox("Event type", list(EVENT_TYPES), format_func=lambda t: TYPE_LABELS.get(t, t),
                   index=list(EVENT_TYPES).index(row["event_type"]), key=key(KEY_TYPE))
    left.button("Save type", key="kcm_review_save_type", on_click=_save, args=(
        target, lambda a: [fix_field(row, "event_type", st.session_state[key(KEY_TYPE)], a)]))
    right.selectbox("Reporting side", list(SIDES), format_func=lambda s: SIDE_LABELS.get(s, s),
                    index=list(SIDES).index(row["reporting_side"]), key=key(KEY_SIDE))
    right.button("Save side", key="kcm_review_save_side", on_click=_save, args=(
        target, lambda a: [fix_field(row, "reporting_side", st.session_state[key(KEY_SIDE)], a)]))
    day = row.get("event_date")
    left.date_input("Date", value=day.date() if not pd.isna(day) else dt.date(2020, 9, 27),
                    key=key(KEY_DATE))
    right.selectbox("Date precision", list(DATE_PRECISIONS), key=key(KEY_PRECISION),
                    index=list(DATE_PRECISIONS).index(row["date_precision"])
                    if row.get("date_precision") in DATE_PRECISIONS else 0)
    st.button("Save date", key="kcm_review_save_date", on_click=_save, args=(
        target, lambda a: fix_date(row, st.session_state[key(KEY_DATE)],
                                   st.session_state[key(KEY_PRECISION)], a)))
    _place_form(row, target, fix_place, key)
    _merge_form(frame, row, target, merge_duplicates, key)


def _place_form(row: dict[str, Any], target: str, fix_place: Any, key: Any) -> None:
    """Move the event to a gazetteer place found by name (the extracted name by default)."""
    name = st.text_input("Look up a place in the gazetteer", key=key(KEY_PLACE_NAME),
                         placeholder=str(row.get("location_name") or row.get("place") or ""))
    query = (name or row.get("location_name") or row.get("place") or "").strip()
    try:
        places = gazetteer().lookup(query)[:20] if query else []
    except (OSError, ValueError) as exc:
        st.warning(markdown_text(f"The gazetteer is not available: {exc}"))
        return
    if not places:
        st.caption(markdown_text(f"No gazetteer place called {query!r}.") if query else "")
        return
    options = list(range(len(places)))
    st.selectbox("Gazetteer place", options, key=key(KEY_PLACE), format_func=lambda i: (
        f"{places[i].name} ({places[i].precision}, {places[i].admin or places[i].country}, "
        f"{places[i].lat:.3f}, {places[i].lon:.3f})"))
    st.button("Save place", key="kcm_review_save_place", on_click=_save, args=(
        target, lambda a: fix_place(row, places[int(st.session_state[key(KEY_PLACE)] or 0)], a)))


def _merge_form(frame: pd.DataFrame, row: dict[str, Any], target: str, merge: Any,
                key: Any) -> None:
    """Fold duplicates into this event: candidates are events of the same place and date."""
    same = frame[(frame["event_id"] != row["event_id"])
                 & (frame["place"].fillna("") == (row.get("place") or ""))
                 & (frame["date_start"] <= row["date_end"])
                 & (frame["date_end"] >= row["date_start"])] \
        if not pd.isna(row.get("date_start")) else frame.iloc[0:0]
    if same.empty:
        st.caption("No other event of the same place and date to merge.")
        return
    st.multiselect("Duplicates of this event", list(same["event_id"].astype(str)),
                   key=key(KEY_MERGE))
    st.button("Merge them into this event", key="kcm_review_merge_go", on_click=_save, args=(
        target, lambda a: merge(str(row["event_id"]), st.session_state.get(key(KEY_MERGE)) or [],
                                a)))
