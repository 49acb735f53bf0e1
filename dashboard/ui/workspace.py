"""The analyst's workspace around the map: tally, timeline, event table, evidence and incidents.

Streamlit only; the logic is in :mod:`dashboard.timeline`,
:mod:`dashboard.incidents`, :mod:`dashboard.export` and :mod:`dashboard.data`.
Article text is untrusted: whatever reaches HTML here goes through
``html.escape`` first, and links are kept only when they are http(s).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.incidents import (
    incident_claims,
    incident_table,
    link_incidents,
    side_tally,
    tally_sentence,
)
from dashboard.map import date_text, safe_link
from dashboard.timeline import brush_range, choose_freq, timeline_frame, timeline_spec
from dashboard.ui.sidebar import KEY_SELECTED, markdown_text, set_dates
from dashboard.view import View
from events.schema import SIDE_LABELS, SIDES, TYPE_LABELS

KEY_TIMELINE = "kcm_timeline"
KEY_BRUSH_SEEN = "kcm_brush_seen"
KEY_TABLE = "kcm_table"
KEY_TABLE_SEEN = "kcm_table_seen"
KEY_INCIDENT = "kcm_incident"
KEY_EXPORT_FORMAT = "kcm_export_format"
KEY_EXPORT_MAKE = "kcm_export_make"
KEY_EXPORT_FILE = "kcm_export_file"
#: Formats the page's export button offers (label -> ``dashboard.export`` format).
EXPORT_FORMATS: dict[str, str] = {"PNG figure": "png", "Map as one HTML file": "html",
                                  "GeoJSON": "geojson", "CSV": "csv"}
#: Columns of the event table, in order.
TABLE_COLUMNS: tuple[str, ...] = (
    "event_id", "event_date", "event_type", "reporting_side", "place", "claimant", "outlet",
    "fatalities", "confidence",
)
#: Most rows the table sends to the browser; the download holds all shown events.
TABLE_ROWS = 5000


KEY_MEMO = "kcm_memo"
#: Results kept per session by :func:`memo` (a few views back and forth).
MEMO_SIZE = 6


def memo(name: str, key: Any, make: Any) -> Any:
    """``make()``, remembered in the session under ``(name, key)``.

    The timeline and the incident links take most of a second at 100,000
    events and change only when the view (or the store) does: ``key`` holds
    the view and the store's stamp, which are cheap to compare, where hashing
    the frame itself would cost as much as the work.
    """
    store: dict[Any, Any] = st.session_state.setdefault(KEY_MEMO, {})
    full = (name, key)
    if full in store:
        return store[full]
    value = make()
    if len(store) >= MEMO_SIZE:
        store.pop(next(iter(store)))
    store[full] = value
    return value


# -- timeline brush ------------------------------------------------------------------------


def apply_brush(bounds: tuple[dt.date, dt.date] | None) -> None:
    """A newly brushed span on the timeline becomes the date filter.

    Runs at the top of a run, before the date widget is drawn (the only time
    its value may be set). A brush already applied is not applied again, so
    the analyst can still change the dates by hand afterwards.
    """
    state = st.session_state
    chart = state.get(KEY_TIMELINE)
    selection = chart.get("selection") if isinstance(chart, Mapping) else None
    span = brush_range(selection)
    if span == state.get(KEY_BRUSH_SEEN):
        return
    state[KEY_BRUSH_SEEN] = span
    if span is None or bounds is None:
        return
    low, high = bounds
    start, end = max(span[0], low), min(span[1], high)
    if start <= end:
        set_dates(start, end)


def timeline(undated_view_frame: pd.DataFrame, key: Any = None) -> None:
    """Events per day (or week) by side, under every filter but the dates; brushable.

    ``key`` names what the frame holds (view and store stamp) so the chart is
    built once per view; ``None`` builds it every time.
    """
    if undated_view_frame["date_start"].notna().sum() == 0:
        st.caption("No dated events to draw on the timeline.")
        return

    def make() -> dict[str, Any]:
        freq = choose_freq(undated_view_frame)
        return timeline_spec(timeline_frame(undated_view_frame, freq), freq=freq, height=150)

    spec = make() if key is None else memo("timeline", key, make)
    st.vega_lite_chart(spec, width="stretch", key=KEY_TIMELINE, on_select="rerun",
                       selection_mode="brush")
    st.caption("Drag across the timeline to set the date filter. Pale ranges are events "
               "dated only to a week, month or year, spread over that span.")


# -- table and selection -------------------------------------------------------------------


def table_frame(shown: pd.DataFrame) -> pd.DataFrame:
    """What the table shows: readable dates and labels, at most ``TABLE_ROWS`` rows."""
    cols = [c for c in TABLE_COLUMNS if c in shown.columns]
    out = shown[cols].head(TABLE_ROWS).copy()
    out["event_date"] = [date_text(d, p) if not pd.isna(d) else "" for d, p in
                         zip(out["event_date"], shown["date_precision"].head(TABLE_ROWS),
                             strict=True)]
    out["event_type"] = out["event_type"].map(lambda t: TYPE_LABELS.get(t, t))
    out["reporting_side"] = out["reporting_side"].map(lambda s: SIDE_LABELS.get(s, s))
    return out.reset_index(drop=True)


def take_table_selection(shown: pd.DataFrame) -> None:
    """A row newly selected in the table becomes the selected event (before the map is built).

    The table's selection, kept by Streamlit under its key, gives row
    positions of the table as last drawn; only a change counts, so an event
    chosen through the link or an incident is not overridden by an old row.
    """
    state = st.session_state
    table = state.get(KEY_TABLE)
    rows = list(table.get("selection", {}).get("rows", [])) if isinstance(table, Mapping) \
        else []
    if rows == state.get(KEY_TABLE_SEEN, []):
        return
    state[KEY_TABLE_SEEN] = rows
    if rows and 0 <= rows[0] < min(len(shown), TABLE_ROWS):
        state[KEY_SELECTED] = str(shown["event_id"].iloc[rows[0]])
    elif not rows:
        state[KEY_SELECTED] = ""


def event_table(shown: pd.DataFrame) -> None:
    """The sortable, selectable table of the shown events, with a CSV of exactly them."""
    table = table_frame(shown)
    if len(shown) > TABLE_ROWS:
        st.caption(f"The table lists the first {TABLE_ROWS} of {len(shown)} events; "
                   "the download holds all of them.")
    st.dataframe(table, key=KEY_TABLE, on_select="rerun", selection_mode="single-row",
                 hide_index=True, width="stretch", height=280)
    # A callable: the file is made when the button is pressed, not on every run.
    st.download_button("Download these events (CSV)", lambda: shown_csv(shown),
                       file_name="events_shown.csv", mime="text/csv", on_click="ignore",
                       key="kcm_table_csv")


def shown_csv(shown: pd.DataFrame) -> bytes:
    """The shown events as CSV, every column of the event table."""
    return shown.to_csv(index=False).encode("utf-8")


# -- cards ---------------------------------------------------------------------------------


def _esc(value: Any) -> str:
    """Text made inert for the page's HTML: escaped, and on one line.

    A blank line would end the HTML block and let Markdown read what follows
    (links and all), so line breaks become spaces.
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return " ".join(html.escape(str(value)).split())


def evidence_html(row: Mapping[str, Any], article_text: str | None) -> str:
    """The evidence card's HTML: every value escaped, the link only if http(s)."""
    title = _esc(row.get("article_title")) or "(untitled article)"
    link = safe_link(row.get("url"))
    head = (f'<a href="{html.escape(link, quote=True)}" target="_blank" '
            f'rel="noopener noreferrer">{title}</a>' if link else title)
    when = date_text(row.get("event_date"), row.get("date_precision")) \
        if not pd.isna(row.get("event_date")) else "date unknown"
    parts = [
        f'<div class="kcm-card kcm-evidence"><div><b>{head}</b></div>',
        f"<div>{_esc(row.get('outlet'))} · published {_esc(_day(row.get('published')))}</div>",
        f"<div>{_esc(TYPE_LABELS.get(row.get('event_type'), row.get('event_type')))}, "
        f"{_esc(when)}, at {_esc(row.get('place') or row.get('location_name'))} — claimed by "
        f"{_esc(row.get('claimant'))} ({_esc(SIDE_LABELS.get(row.get('reporting_side'), ''))})"
        "</div>",
    ]
    cut = data.paragraph_around(article_text, row.get("char_start"), row.get("char_end")) \
        if article_text else None
    if cut is not None:
        before, sentence, after = (_esc(p) for p in cut)
        before += " " if cut[0][-1:].isspace() and before else ""
        after = (" " if cut[2][:1].isspace() and after else "") + after
        parts.append(f'<blockquote>{before}<mark class="kcm-evidence-sentence">{sentence}'
                     f"</mark>{after}</blockquote>")
    elif row.get("evidence"):
        parts.append(f'<blockquote><mark class="kcm-evidence-sentence">'
                     f"{_esc(row.get('evidence'))}</mark></blockquote>")
    confidence = row.get("confidence")
    if confidence is not None and not pd.isna(confidence):
        reason = _esc(row.get("confidence_reason"))
        parts.append(f"<div>Confidence {float(confidence):.2f}"
                     + (f": {reason}" if reason else "") + "</div>")
    parts.append(f"<div><small>{_esc(row.get('event_id'))}</small></div></div>")
    return "".join(parts)


def _day(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "date unknown"
    return str(value)[:10]


def evidence_card(frame: pd.DataFrame, selected: str, texts: Mapping[str, str]) -> None:
    """The card of the selected event, if it is among the events loaded."""
    if not selected:
        st.caption("Select a row of the table to read the event's evidence.")
        return
    hit = frame.loc[frame["event_id"].astype(str) == selected]
    if hit.empty:
        st.info(f"The selected event {markdown_text(repr(selected[:60]))} is not among the "
                "events shown.")
        return
    row = hit.iloc[0].to_dict()
    st.markdown(evidence_html(row, texts.get(str(row.get("article_id")))),
                unsafe_allow_html=True)


def incident_card(shown: pd.DataFrame, selected: str, key: Any = None) -> None:
    """Claims about one place and days, each side next to the other.

    The incident is the selected event's; without one, the analyst picks
    from the incidents of the view.
    """
    incident = link_incidents(shown) if key is None else \
        memo("incidents", key, lambda: link_incidents(shown))
    ids = shown["event_id"].astype(str)
    inc_id = ""
    if selected and selected in set(ids):
        inc_id = incident[ids == selected].iloc[0]
        if not inc_id:
            st.caption("No claim from another side about the same place and days as the "
                       "selected event.")
    if not inc_id:
        table = incident_table(shown, incident)
        if table.empty:
            st.caption("No incident with claims from more than one side in this view.")
            return
        labels = {
            r.incident_id: (f"{r.place or 'unnamed place'}, {r.date_start.date()}"
                            + (f" to {r.date_end.date()}" if r.date_end != r.date_start else "")
                            + " — " + ", ".join(f"{SIDE_LABELS[s]} {getattr(r, s)}"
                                               for s in SIDES))
            for r in table.itertuples(index=False)
        }
        inc_id = st.selectbox(f"Incidents in this view ({len(labels)})", list(labels),
                              format_func=labels.get, key=KEY_INCIDENT)
        if not inc_id:
            return
    claims = incident_claims(shown, incident, inc_id)
    st.markdown(f"**Incident {html.escape(inc_id)}: claims side by side**")
    columns = st.columns(len(SIDES))
    for col, side in zip(columns, SIDES, strict=True):
        rows = claims[side]
        col.markdown(f"**{SIDE_LABELS[side]}** ({len(rows)})")
        if rows.empty:
            col.caption("no claim")
        for row in rows.to_dict("records"):
            col.markdown(_claim_html(row), unsafe_allow_html=True)


def _claim_html(row: Mapping[str, Any]) -> str:
    link = safe_link(row.get("url"))
    source = _esc(row.get("article_title")) or _esc(row.get("outlet"))
    if link:
        source = (f'<a href="{html.escape(link, quote=True)}" target="_blank" '
                  f'rel="noopener noreferrer">{source}</a>')
    when = date_text(row.get("event_date"), row.get("date_precision")) \
        if not pd.isna(row.get("event_date")) else "date unknown"
    return (f'<div class="kcm-card kcm-claim"><b>{_esc(row.get("claimant"))}</b>: '
            f"{_esc(TYPE_LABELS.get(row.get('event_type'), row.get('event_type')))} at "
            f"{_esc(row.get('place'))}, {_esc(when)}<br><i>{_esc(row.get('evidence'))}</i>"
            f"<br><small>{source} ({_esc(row.get('outlet'))})</small></div>")


def tally(shown: pd.DataFrame) -> None:
    st.markdown(f"**{html.escape(tally_sentence(side_tally(shown)))}** in this view.")


# -- export ----------------------------------------------------------------------------------


def export_panel(shown: pd.DataFrame, view: View, title: str) -> None:
    """Make a file of the shown events on request (a PNG takes a few seconds), then offer it.

    ``shown`` is already filtered by ``view``; the export filters it again
    (which changes nothing) and states the view on the figure.
    """
    from dashboard.export import (
        MEDIA_TYPES,
        ExportError,
        export_bytes,
        format_options,
        suggested_filename,
    )

    cols = st.columns([2, 1])
    label = cols[0].selectbox("Export format", list(EXPORT_FORMATS), key=KEY_EXPORT_FORMAT)
    fmt = EXPORT_FORMATS[label]
    signature = (fmt, len(shown), hash(tuple(shown["event_id"].astype(str))))
    if cols[1].button("Prepare export", key=KEY_EXPORT_MAKE):
        options = {"title": title} if "title" in format_options(fmt) else {}
        try:
            payload, result = export_bytes(shown, view, fmt, **options)
        except ExportError as exc:
            st.error(markdown_text(f"The export could not be made: {exc}"))
            return
        st.session_state[KEY_EXPORT_FILE] = (signature, payload, result.count, result.problems)
    made = st.session_state.get(KEY_EXPORT_FILE)
    if made and made[0] == signature:  # a file of other events is not offered
        _, payload, count, problems = made
        name = suggested_filename(view, fmt)
        st.download_button(f"Download {label} ({count} events)", payload, file_name=name,
                           mime=MEDIA_TYPES.get(fmt, "application/octet-stream"),
                           on_click="ignore", key="kcm_export_download")
        for problem in problems[:5]:
            st.warning(markdown_text(f"Left out of the export: {problem}"))


__all__ = ["apply_brush", "evidence_card", "evidence_html", "event_table", "export_panel",
           "incident_card", "memo", "shown_csv", "table_frame", "tally", "take_table_selection",
           "timeline"]
