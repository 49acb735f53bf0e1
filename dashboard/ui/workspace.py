"""The analyst's workspace around the map: tally, timeline, event table, evidence and incidents.

Streamlit only; the logic is in :mod:`dashboard.timeline`,
:mod:`dashboard.incidents`, :mod:`dashboard.export` and :mod:`dashboard.data`.
Article text is untrusted: whatever reaches HTML here goes through
``html.escape`` first, and links are kept only when they are http(s).
"""

from __future__ import annotations

import datetime as dt
import functools
import html
from collections.abc import Callable, Hashable, Mapping
from pathlib import Path
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
from dashboard.map import safe_link
from dashboard.query import sorted_positions
from dashboard.style import date_text
from dashboard.timeline import (
    brush_range,
    choose_freq,
    day_number,
    timeline_data,
    timeline_frame,
)
from dashboard.ui import cache
from dashboard.ui.sidebar import KEY_PLACE, KEY_SELECTED, markdown_text, set_dates
from dashboard.view import View
from events.schema import SIDE_LABELS, SIDES, TYPE_LABELS

KEY_TIMELINE = "kcm_timeline"
KEY_BRUSH_SEEN = "kcm_brush_seen"
KEY_TABLE = "kcm_table"
KEY_TABLE_SEEN = "kcm_table_seen"
#: True while the event table's panel is open (an event picked on the map opens it).
KEY_TABLE_OPEN = "kcm_table_open"
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
#: Rows the table sends to the browser at once (a page); the download holds all shown events.
TABLE_ROWS = 200
KEY_TABLE_SORT = "kcm_table_sort"
KEY_TABLE_DESC = "kcm_table_desc"
KEY_TABLE_PAGE = "kcm_table_page"
#: An event the table should turn to (its page) on the next run: one chosen on the map.
KEY_TABLE_FIND = "kcm_table_find"
#: Most incidents the incident list offers: those with the most claims, latest first. Every
#: other incident opens by selecting one of its events (map or table).
INCIDENT_CHOICES = 200
#: Most claims of one side the incident card shows (an incident may chain thousands).
CLAIMS_SHOWN = 20
#: Background of the selected event's row.
SELECTED_ROW_STYLE = "background-color: #fff3b0"
#: The table's sort choices: label -> column of the events frame.
STORE_ORDER = "Store order"
SORT_COLUMNS: dict[str, str] = {
    "Date": "event_date", "Type": "event_type", "Side": "reporting_side", "Place": "place",
    "Claimant": "claimant", "Outlet": "outlet", "Fatalities": "fatalities",
    "Confidence": "confidence", "Event id": "event_id",
}


# -- timeline brush ------------------------------------------------------------------------


def apply_brush(bounds: tuple[dt.date, dt.date] | None) -> None:
    """A newly brushed span on the timeline becomes the date filter.

    Runs at the top of a run, before the date widget is drawn (the only time
    its value may be set). A brush already applied is not applied again, so
    the analyst can still change the dates by hand afterwards.
    """
    state = st.session_state
    value = state.get(KEY_TIMELINE)
    token = value.get("n") if isinstance(value, Mapping) else None
    if token is None or token == state.get(KEY_BRUSH_SEEN):
        return
    state[KEY_BRUSH_SEEN] = token
    span = brush_range(value)
    if span is None or bounds is None:
        return
    low, high = bounds
    start, end = max(span[0], low), min(span[1], high)
    if start <= end:
        set_dates(start, end)


#: Height of the timeline strip, in pixels (bars, axis and legend).
TIMELINE_HEIGHT = 190
_TIMELINE_FOLDER = Path(__file__).resolve().parent / "timeline_component"


@functools.cache
def _timeline_component() -> Callable[..., Any]:
    import streamlit.components.v1 as components

    return components.declare_component("kcm_timeline", path=str(_TIMELINE_FOLDER))


def timeline(undated_view_frame: pd.DataFrame | Callable[[], pd.DataFrame],
             key: Hashable | None = None,
             span: tuple[dt.date, dt.date] | None = None) -> None:
    """Events per day, week or month by side, under every filter but the dates; brushable.

    ``undated_view_frame`` is the frame, or a function giving it: with a
    ``key`` naming what it holds (view and store stamp), the counts are
    made once per view, and the frame only then. ``span`` is the date
    filter, drawn as a band. The strip gets the counts, never the events.
    """
    def make() -> dict[str, Any] | None:
        frame = undated_view_frame() if callable(undated_view_frame) else undated_view_frame
        if frame["date_start"].notna().sum() == 0:
            return None
        freq = choose_freq(frame)
        return timeline_data(timeline_frame(frame, freq), freq=freq)

    made = make() if key is None else cache.result("timeline", key, make)
    if made is None:
        st.caption("No dated events to draw on the timeline.")
        return
    band = None if span is None else [day_number(span[0]), day_number(span[1])]
    _timeline_component()(**{**made, "span": band}, height=TIMELINE_HEIGHT, key=KEY_TIMELINE,
                          default=None)
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


def _table_order() -> tuple[str | None, bool, int]:
    """(sort column or None, descending, page number from 1) as the table's widgets hold them."""
    state = st.session_state
    label = state.get(KEY_TABLE_SORT, STORE_ORDER)
    column = SORT_COLUMNS.get(label) if label != STORE_ORDER else None
    try:
        page = max(1, int(state.get(KEY_TABLE_PAGE) or 1))
    except (TypeError, ValueError):
        page = 1
    return column, bool(state.get(KEY_TABLE_DESC)), page


def table_page(shown: pd.DataFrame, key: Hashable | None = None) -> pd.DataFrame:
    """The shown events of the table's current page, in the chosen order (all columns).

    The order of every shown event is computed once per view and sort
    (``key`` names the view); a page is then a slice of it.
    """
    column, descending, page = _table_order()

    def order() -> Any:
        return sorted_positions(shown, column, descending=descending)

    positions = order() if key is None else cache.result(
        "table_order", (key, column, descending), order)
    pages = max(1, -(-len(positions) // TABLE_ROWS))
    first = (min(page, pages) - 1) * TABLE_ROWS
    return shown.iloc[positions[first:first + TABLE_ROWS]]


def _turn_to(shown: pd.DataFrame, key: Hashable | None, event_id: str) -> None:
    """Set the table's page to the one holding ``event_id`` (before the page widget is drawn)."""
    column, descending, _ = _table_order()
    positions = sorted_positions(shown, column, descending=descending) if key is None else \
        cache.result("table_order", (key, column, descending),
                     lambda: sorted_positions(shown, column, descending=descending))
    hit = (shown["event_id"].to_numpy()[positions] == event_id).nonzero()[0]
    if len(hit):
        st.session_state[KEY_TABLE_PAGE] = int(hit[0]) // TABLE_ROWS + 1


def take_table_selection(shown: pd.DataFrame, key: Hashable | None = None) -> None:
    """A row newly selected in the table becomes the selected event (before the map is built).

    The table's selection, kept by Streamlit under its key, gives row
    positions of the page as last drawn; only a change counts, so an event
    chosen through the link, the map or an incident is not overridden by an
    old row. The map then centres on the event.
    """
    state = st.session_state
    table = state.get(KEY_TABLE)
    rows = list(table.get("selection", {}).get("rows", [])) if isinstance(table, Mapping) \
        else []
    if rows == state.get(KEY_TABLE_SEEN, []):
        return
    state[KEY_TABLE_SEEN] = rows
    page = table_page(shown, key)
    if rows and 0 <= rows[0] < len(page):
        state[KEY_SELECTED] = str(page["event_id"].iloc[rows[0]])
        state[KEY_PLACE] = (None, None)
    elif not rows:
        state[KEY_SELECTED] = ""


def event_table(shown: pd.DataFrame, key: Hashable | None = None, selected: str = "") -> None:
    """The table of the shown events, one page at a time, sorted over all of them.

    Sorting is done here on every shown event (the grid's own header sort
    would order only the page it holds); the CSV holds exactly the shown
    events. The selected event's row is highlighted, and an event chosen on
    the map turns the table to its page.
    """
    pages = max(1, -(-len(shown) // TABLE_ROWS))
    find = st.session_state.pop(KEY_TABLE_FIND, "")
    if find:
        _turn_to(shown, key, find)
    cols = st.columns([2, 1, 1])
    cols[0].selectbox("Sort the table by", [STORE_ORDER, *SORT_COLUMNS], key=KEY_TABLE_SORT)
    cols[1].checkbox("Descending", key=KEY_TABLE_DESC)
    if KEY_TABLE_PAGE in st.session_state and st.session_state[KEY_TABLE_PAGE] > pages:
        st.session_state[KEY_TABLE_PAGE] = pages  # the view shrank under the page shown
    cols[2].number_input(f"Page (of {pages})", min_value=1, max_value=pages, step=1,
                         key=KEY_TABLE_PAGE)
    page = table_page(shown, key)

    def make() -> pd.DataFrame:
        return table_frame(page)

    column, descending, number = _table_order()
    table = make() if key is None else cache.result(
        "table_page", (key, column, descending, number), make)
    if selected and (table["event_id"] == selected).any():
        table = table.style.apply(lambda row: [
            SELECTED_ROW_STYLE if row["event_id"] == selected else ""] * len(row), axis=1)
    if len(shown) > TABLE_ROWS:
        st.caption(f"Rows {min(number, pages) * TABLE_ROWS - TABLE_ROWS + 1}–"
                   f"{min(min(number, pages) * TABLE_ROWS, len(shown))} of {len(shown)} events; "
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


def incident_card(shown: pd.DataFrame, selected: str, key: Hashable | None = None) -> None:
    """Claims about one place and days, each side next to the other.

    The incident is the selected event's; without one, the analyst picks
    from the incidents of the view. With ``key`` (naming the view), the
    linking and the list of incidents are computed once per view.
    """
    incident = link_incidents(shown) if key is None else \
        cache.result("incidents", key, lambda: link_incidents(shown))
    ids = shown["event_id"].astype(str)
    inc_id = ""
    hit = (ids == selected).to_numpy() if selected else None
    if hit is not None and hit.any():
        inc_id = incident[hit].iloc[0]
        if not inc_id:
            st.caption("No claim from another side about the same place and days as the "
                       "selected event.")
    if not inc_id:
        labels = _incident_labels(shown, incident) if key is None else \
            cache.result("incident_labels", key, lambda: _incident_labels(shown, incident))
        if not labels:
            st.caption("No incident with claims from more than one side in this view.")
            return
        choices = list(labels)[:INCIDENT_CHOICES]
        label = f"Incidents in this view ({len(labels)})"
        if len(labels) > len(choices):
            label = (f"Incidents in this view: the {len(choices)} with the most claims of "
                     f"{len(labels)}")
            st.caption("Select an event on the map or in the table to read the claims of "
                       "its own incident.")
        if st.session_state.get(KEY_INCIDENT) not in (None, *choices):
            del st.session_state[KEY_INCIDENT]  # an incident of a view since narrowed
        inc_id = st.selectbox(label, choices, format_func=labels.get, key=KEY_INCIDENT)
        if not inc_id:
            return
    cards = _claim_cards(shown, incident, inc_id) if key is None else \
        cache.result("incident_cards", (key, inc_id),
                     lambda: _claim_cards(shown, incident, inc_id))
    st.markdown(_incident_html(inc_id, cards), unsafe_allow_html=True)


def _incident_html(inc_id: str, cards: Mapping[str, tuple[int, str]]) -> str:
    """The claims side by side as one block (a column per side), escaped.

    One element, not a heading, columns and three elements per side: each
    element the page draws costs the browser time while the analyst waits.
    """
    columns = []
    for side in SIDES:
        count, html_cards = cards[side]
        more = (f'<div class="kcm-more">and {count - CLAIMS_SHOWN} more claims from this '
                "side, the earliest shown first.</div>") if count > CLAIMS_SHOWN else ""
        columns.append(f'<div class="kcm-side"><b>{html.escape(SIDE_LABELS[side])}</b> '
                       f"({count}){'' if count else '<div>no claim</div>'}{html_cards}{more}"
                       "</div>")
    return (f"<p><b>Incident {html.escape(inc_id)}: claims side by side</b></p>"
            '<div class="kcm-incident" style="display: grid; gap: 1rem; '
            f'grid-template-columns: repeat({len(SIDES)}, minmax(0, 1fr));">'
            + "".join(columns) + "</div>")


def _claim_cards(shown: pd.DataFrame, incident: pd.Series,
                 inc_id: str) -> dict[str, tuple[int, str]]:
    """Side -> (its claims in the incident, the escaped HTML of the first ``CLAIMS_SHOWN``).

    One HTML block per side, not one element per claim: an incident can chain
    thousands of claims, which the page would send and draw on every run.
    """
    claims = incident_claims(shown, incident, inc_id)
    return {side: (len(rows), "".join(_claim_html(row) for row in
                                      rows.head(CLAIMS_SHOWN).to_dict("records")))
            for side, rows in claims.items()}


def _incident_labels(shown: pd.DataFrame, incident: pd.Series) -> dict[str, str]:
    """Incident id -> its label in the list (place, days, id), most claims first.

    Most claims first, then the latest: the list shows the head of it, since
    thousands of choices at 100,000 events cost the page a third of a
    megabyte on every run and no analyst scrolls them. No counts in the
    label: the browser keeps a choice by its label, so a label whose counts
    changed with a filter showed the old text; the card below gives the
    claims per side.
    """
    table = incident_table(shown, incident).sort_values(
        ["n_events", "date_start", "incident_id"], ascending=[False, False, True],
        kind="stable")
    return {
        r.incident_id: (f"{r.place or 'unnamed place'}, {r.date_start.date()}"
                        + (f" to {r.date_end.date()}" if r.date_end != r.date_start else "")
                        + f" · {r.incident_id}")
        for r in table.itertuples(index=False)
    }


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


def tally(shown: pd.DataFrame, key: Hashable | None = None) -> None:
    """The per-side count of the view, in words (kept per view when ``key`` names it)."""
    def make() -> str:
        return tally_sentence(side_tally(shown))

    sentence = make() if key is None else cache.result("tally", key, make)
    st.markdown(f"**{html.escape(sentence)}** in this view.")


# -- export ----------------------------------------------------------------------------------


def export_panel(shown: pd.DataFrame, view: View, title: str,
                 key: Hashable | None = None) -> None:
    """Make a file of the shown events on request (a PNG takes a few seconds), then offer it.

    ``shown`` is already filtered by ``view``; the export filters it again
    (which changes nothing) and states the view on the figure. ``key`` names
    the shown events (store and view) so a file made for other events is not
    offered; without it their ids are hashed. The export code (and the
    plotting library behind it) is loaded only when a file is asked for.
    """
    cols = st.columns([2, 1])
    label = cols[0].selectbox("Export format", list(EXPORT_FORMATS), key=KEY_EXPORT_FORMAT)
    fmt = EXPORT_FORMATS[label]
    signature = (fmt, len(shown), repr(key) if key is not None else
                 hash(tuple(shown["event_id"].astype(str))))
    if cols[1].button("Prepare export", key=KEY_EXPORT_MAKE):
        from dashboard.export import ExportError, export_bytes, format_options

        options = {"title": title} if "title" in format_options(fmt) else {}
        try:
            payload, result = export_bytes(shown, view, fmt, **options)
        except ExportError as exc:
            st.error(markdown_text(f"The export could not be made: {exc}"))
            return
        st.session_state[KEY_EXPORT_FILE] = (signature, payload, result.count, result.problems)
    made = st.session_state.get(KEY_EXPORT_FILE)
    if made and made[0] == signature:  # a file of other events is not offered
        from dashboard.export import MEDIA_TYPES, suggested_filename

        _, payload, count, problems = made
        name = suggested_filename(view, fmt)
        st.download_button(f"Download {label} ({count} events)", payload, file_name=name,
                           mime=MEDIA_TYPES.get(fmt, "application/octet-stream"),
                           on_click="ignore", key="kcm_export_download")
        for problem in problems[:5]:
            st.warning(markdown_text(f"Left out of the export: {problem}"))


__all__ = ["apply_brush", "evidence_card", "evidence_html", "event_table", "export_panel",
           "incident_card", "shown_csv", "table_frame", "table_page", "tally",
           "take_table_selection", "timeline"]
