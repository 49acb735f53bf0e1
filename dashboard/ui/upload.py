"""The "Bring articles in" tab: upload or paste an article, review its events, add them.

Reading goes through :func:`dashboard.data.article_from_upload` (the corpus
reader's limits and messages), extraction through ``events.pipeline``; the
events are shown for review and written only when the analyst says so, and
only to a store of the analyst's own.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import data
from dashboard.ui.review import gazetteer
from dashboard.ui.sidebar import markdown_text
from events.corpus import MAX_FILE_BYTES

KEY_FILE = "kcm_upload_file"
KEY_PASTE = "kcm_upload_paste"
KEY_PUBLISHED = "kcm_upload_published"
KEY_OUTLET = "kcm_upload_outlet"
KEY_TITLE = "kcm_upload_title"
KEY_URL = "kcm_upload_url"
KEY_EXTRACT = "kcm_upload_extract"
KEY_RESULT = "kcm_upload_result"
KEY_KEEP = "kcm_upload_keep"
KEY_ADD = "kcm_upload_add"
KEY_ADDED = "kcm_upload_added"
#: What the analyst typed, kept while the tab is closed (a chosen file cannot be kept).
KEPT_KEYS = (KEY_PASTE, KEY_PUBLISHED, KEY_OUTLET, KEY_TITLE, KEY_URL)


def _extract() -> None:
    """Button callback: read the article and extract its events into session state."""
    from events.corpus import ArticleReadError
    from events.pipeline import extract_article

    state = st.session_state
    upload = state.get(KEY_FILE)
    pasted = str(state.get(KEY_PASTE) or "")
    if upload is not None:
        name, raw = upload.name, upload.getvalue()
    elif pasted.strip():
        name, raw = "pasted text.txt", pasted.encode("utf-8")
    else:
        state[KEY_RESULT] = ("error", "Choose a .txt or .html file, or paste the text.")
        return
    try:
        article, notes = data.article_from_upload(
            name, raw, published=state.get(KEY_PUBLISHED), outlet=str(state.get(KEY_OUTLET) or ""),
            title=str(state.get(KEY_TITLE) or ""), url=str(state.get(KEY_URL) or ""))
        events = extract_article(article, gazetteer=gazetteer())
    except (ArticleReadError, ValueError, OSError) as exc:
        state[KEY_RESULT] = ("error", f"Not read: {exc}")
        return
    state[KEY_RESULT] = ("ok", article.title, notes, events)
    state[KEY_KEEP] = [ev.event_id for ev in events]


def _add(store: str) -> None:
    """Button callback: append the kept events to the store."""
    from events.store import StoreError

    state = st.session_state
    result = state.get(KEY_RESULT)
    if not result or result[0] != "ok":
        return
    keep = set(state.get(KEY_KEEP) or [])
    chosen = [ev for ev in result[3] if ev.event_id in keep]
    try:
        outcome = data.add_events(store, chosen)
    except (StoreError, OSError) as exc:
        state[KEY_ADDED] = ("error", f"Not added: {exc}")
        return
    state[KEY_ADDED] = ("success", f"Added {outcome.added} event(s) to {store}"
                        + (f"; {outcome.duplicates} were already there" if outcome.duplicates
                           else "") + ".")
    state.pop(KEY_RESULT, None)


def upload_tab(store: str | None) -> None:
    """The form, the extracted events for review, and the button that adds them."""
    from dashboard.ui.workspace import table_frame
    from events.table import events_to_frame

    reason = data.why_read_only(store)
    if reason:
        st.info(reason + " You can still see what an article would give.")
    added = st.session_state.pop(KEY_ADDED, None)
    if added:
        (st.success if added[0] == "success" else st.error)(markdown_text(added[1]))
    st.file_uploader(f"Article file (.txt or .html, at most {MAX_FILE_BYTES // 2**20} MB)",
                     type=["txt", "html", "htm"], key=KEY_FILE,
                     max_upload_size=MAX_FILE_BYTES // 2**20)
    st.text_area("…or paste the article's text", key=KEY_PASTE, height=150)
    left, right = st.columns(2)
    left.date_input("Publication date", value=None, key=KEY_PUBLISHED,
                    min_value=dt.date(1988, 1, 1), max_value=dt.date.today())
    right.text_input("Outlet that published it", key=KEY_OUTLET, max_chars=200)
    left.text_input("Title (optional)", key=KEY_TITLE, max_chars=500)
    right.text_input("Link (optional)", key=KEY_URL, max_chars=2000)
    st.button("Extract events", key=KEY_EXTRACT, on_click=_extract)
    result = st.session_state.get(KEY_RESULT)
    if not result:
        return
    if result[0] == "error":
        st.error(markdown_text(result[1]))
        return
    _, title, notes, events = result
    for note in notes:
        st.warning(markdown_text(note))
    st.text(f"{title}: {len(events)} event(s) found")
    if not events:
        return
    frame = events_to_frame(events)
    st.dataframe(table_frame(frame), hide_index=True, key="kcm_upload_table")
    ids = [ev.event_id for ev in events]
    st.multiselect("Events to add", ids, key=KEY_KEEP)
    if not reason:
        st.button("Add these events to the store", key=KEY_ADD, on_click=_add,
                  args=(str(store),))
