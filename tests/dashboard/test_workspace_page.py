"""The analyst workspace under Streamlit's AppTest: counts, presets, the link, cards, export."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard import data
from dashboard.ui.page import KEY_EXPORT_OPEN, KEY_TAB
from dashboard.ui.sidebar import KEY_CLAIMANTS, KEY_DATES, KEY_TEXT, KEY_TYPES, side_key
from events.schema import write_geojson

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "streamlit_app.py"
FIXTURE = ROOT / "tests" / "data" / "events_small.geojson"
TIMEOUT = 60
REVIEW = {KEY_TAB: "Review"}
UPLOAD = {KEY_TAB: "Bring articles in"}
EXPORT = {KEY_EXPORT_OPEN: True}


def run_page(monkeypatch, store: Path, query: dict | None = None,
             articles: Path | None = None, state: dict | None = None) -> AppTest:
    """The page's first run; ``state`` opens a tab or the export panel as a click would."""
    if articles is None:
        monkeypatch.delenv(data.ARTICLES_ENV, raising=False)
    else:
        monkeypatch.setenv(data.ARTICLES_ENV, str(articles))
    monkeypatch.setenv(data.STORE_ENV, str(store))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def shown(at: AppTest) -> int:
    return int(at.metric[0].value)


def param(at: AppTest, key: str) -> list[str]:
    """Every value of a link parameter (AppTest keeps a single value as a bare string)."""
    value = at.query_params[key]
    return value if isinstance(value, list) else [value]


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def both_sides_store(tmp_path: Path, make_event) -> Path:
    """Two sides' claims about one village on one day, and one unrelated event."""
    events = [
        make_event(event_id="inc-am", article_id="art-am", reporting_side="armenian",
                   claimant="Made-up Yerevan Office", place="Fixtureville",
                   location_name="Fixtureville", event_date=dt.date(2020, 10, 4),
                   notes="Made-up claim from Yerevan.", url="https://example.org/am",
                   article_title="Made-up Yerevan report", outlet="Made-up Wire"),
        make_event(event_id="inc-az", article_id="art-az", reporting_side="azerbaijani",
                   claimant="Made-up Baku Office", place="Fixtureville",
                   location_name="Fixtureville", event_date=dt.date(2020, 10, 4),
                   lon=46.7530, lat=39.8160, notes="Made-up claim from Baku.",
                   url="https://example.org/az", article_title="Made-up Baku report",
                   outlet="Made-up Daily"),
        make_event(event_id="lone", article_id="art-x", reporting_side="third_party",
                   claimant="Made-up Observer", place="Elsewhere", location_name="Elsewhere",
                   event_date=dt.date(2020, 11, 20), lon=45.5, lat=40.5),
    ]
    return write_geojson(events, tmp_path / "incident.geojson")


def test_side_checkboxes_count_events_under_the_other_filters(monkeypatch):
    at = run_page(monkeypatch, FIXTURE)
    labels = {c.key: c.label for c in at.checkbox}
    assert labels[side_key("armenian")] == "Armenian side (3)"
    assert labels[side_key("azerbaijani")] == "Azerbaijani side (4)"
    at.multiselect(key=KEY_TYPES).set_value(["shelling"]).run()
    labels = {c.key: c.label for c in at.checkbox}
    assert labels[side_key("armenian")] == "Armenian side (1)"
    assert labels[side_key("third_party")] == "Third party (0)"
    # Unticking a side leaves its own count as it was: it says what ticking it would add.
    at.checkbox(key=side_key("armenian")).uncheck().run()
    assert {c.key: c.label for c in at.checkbox}[side_key("armenian")] == "Armenian side (1)"
    assert shown(at) == 1


def test_claimant_and_search_filters_combine_and_reach_the_link(monkeypatch):
    at = run_page(monkeypatch, FIXTURE)
    at.multiselect(key=KEY_CLAIMANTS).set_value(["Fixture Ministry"]).run()
    assert shown(at) == 3  # fx-002, fx-003, fx-009
    at.text_input(key=KEY_TEXT).input("advance").run()
    assert shown(at) == 1  # fx-003
    assert param(at, "claimant") == ["Fixture Ministry"]
    assert param(at, "q") == ["advance"]


def test_preset_sets_the_last_week_of_the_data(monkeypatch):
    at = run_page(monkeypatch, FIXTURE)
    at.button(key="kcm_preset_last_7_days").click().run()
    assert at.date_input(key=KEY_DATES).value == (dt.date(2021, 1, 9), dt.date(2021, 1, 15))
    assert shown(at) == 2  # fx-007 and fx-008
    assert param(at, "from") == ["2021-01-09"]
    at.button(key="kcm_preset_whole_war").click().run()
    assert shown(at) == 9
    assert "from" not in at.query_params


def test_link_with_every_kind_of_filter_reopens_the_view(monkeypatch):
    at = run_page(monkeypatch, FIXTURE, {"side": ["armenian", "azerbaijani"],
                                         "precise_geo": "1", "q": "made-up",
                                         "from": "2020-09-01", "to": "2020-12-31"})
    assert shown(at) == 2  # fx-001, fx-006: the Azerbaijani ones are district/region-level
    assert at.checkbox(key="kcm_precise_geo").value is True
    assert at.text_input(key=KEY_TEXT).value == "made-up"
    assert at.checkbox(key=side_key("third_party")).value is False
    assert not at.info


def test_tampered_link_falls_back_to_defaults_with_a_notice(monkeypatch):
    at = run_page(monkeypatch, FIXTURE, {"side": "martian", "from": "2021-01-10",
                                         "to": "2020-01-01", "zoom": "99",
                                         "q": "<script>x</script>"})
    assert len(at.info) == 1
    notice = at.info[0].value
    assert "martian" in notice and "reversed" in notice and "zoom" in notice
    assert at.checkbox(key=side_key("armenian")).value is True
    assert shown(at) == 0  # the search text is kept, literally: nothing contains it
    assert at.text_input(key=KEY_TEXT).value == "<script>x</script>"


def test_tally_sentence_counts_each_side_of_the_view(monkeypatch):
    at = run_page(monkeypatch, FIXTURE)
    assert "Armenian side 3 claims, Azerbaijani side 4, third party 2" in markdown(at)
    at.checkbox(key=side_key("azerbaijani")).uncheck().run()
    assert "Armenian side 3 claims, Azerbaijani side 0, third party 2" in markdown(at)


def test_selected_event_in_the_link_shows_its_evidence_card(monkeypatch):
    at = run_page(monkeypatch, FIXTURE, {"event": "fx-005"})
    text = markdown(at)
    assert "Fixture report three" in text and "https://example.org/three" in text
    assert "Fixture Mediator" in text and "fx-005" in text
    assert param(at, "event") == ["fx-005"]


def test_hostile_event_card_is_escaped_and_its_script_link_dropped(monkeypatch):
    at = run_page(monkeypatch, FIXTURE, {"event": "fx-007"})
    card = next(m.value for m in at.markdown if "kcm-evidence" in m.value)
    assert "&lt;/script&gt;&lt;script&gt;window.__kcmPwned=4" in card
    assert "<script" not in card and "<img" not in card
    assert "javascript:" not in card and "href" not in card


def test_evidence_is_highlighted_inside_its_paragraph(monkeypatch, tmp_path):
    text = "Made-up opening paragraph.\n\nMade-up first sentence. A made-up second <b>one</b>."
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "fx-a.txt").write_text(text, encoding="utf-8")
    doc = json.loads(FIXTURE.read_text(encoding="utf-8"))
    start = text.index("A made-up")
    for feat in doc["features"]:
        if feat["properties"]["article_id"] == "fx-a":
            feat["properties"]["char_start"], feat["properties"]["char_end"] = start, len(text)
    store = tmp_path / "offsets.geojson"
    store.write_text(json.dumps(doc), encoding="utf-8")
    at = run_page(monkeypatch, store, {"event": "fx-001"}, articles=folder)
    card = next(m.value for m in at.markdown if "kcm-evidence" in m.value)
    assert ('Made-up first sentence. <mark class="kcm-evidence-sentence">A made-up second '
            "&lt;b&gt;one&lt;/b&gt;.</mark>") in card
    assert "opening paragraph" not in card


def test_incident_card_shows_each_sides_claim(monkeypatch, tmp_path, make_event):
    store = both_sides_store(tmp_path, make_event)
    at = run_page(monkeypatch, store, {"event": "inc-am"})
    text = markdown(at)
    assert "claims side by side" in text
    assert "Made-up Yerevan Office" in text and "Made-up Baku Office" in text
    assert "Made-up Wire" in text and "Made-up Daily" in text
    assert text.index("Made-up Yerevan Office") < text.index("Made-up Baku Office")
    at2 = run_page(monkeypatch, store, {"event": "lone"})
    assert "No claim from another side" in "\n".join(c.value for c in at2.caption)


def test_an_incident_can_be_chosen_without_selecting_an_event(monkeypatch, tmp_path,
                                                              make_event):
    at = run_page(monkeypatch, both_sides_store(tmp_path, make_event))
    choice = at.selectbox(key="kcm_incident")
    assert len(choice.options) == 1
    assert "Fixtureville, 2020-10-04 · inc-" in choice.options[0]
    text = markdown(at)
    assert "Made-up Yerevan Office" in text and "Made-up Baku Office" in text
    assert "<b>Armenian side</b> (1)" in text and "<b>Azerbaijani side</b> (1)" in text
    assert "<b>Third party</b> (0)<div>no claim</div>" in text
    at.checkbox(key=side_key("azerbaijani")).uncheck().run()
    assert not [s for s in at.selectbox if s.key == "kcm_incident"]
    assert "Made-up Baku Office" not in markdown(at)


def test_export_button_gives_the_shown_events(monkeypatch):
    at = run_page(monkeypatch, FIXTURE, {"side": "armenian"}, state=EXPORT)
    at.selectbox(key="kcm_export_format").set_value("GeoJSON").run()
    at.button(key="kcm_export_make").click().run()
    assert not at.error
    downloads = at.get("download_button")
    labels = [d.proto.label for d in downloads]
    assert "Download GeoJSON (3 events)" in labels


# -- review --------------------------------------------------------------------------------


def writable_copy(tmp_path: Path, source: Path = FIXTURE) -> Path:
    store = tmp_path / "mine.geojson"
    store.write_bytes(source.read_bytes())
    return store


def test_bundled_sample_says_review_and_upload_need_a_store_of_ones_own(monkeypatch):
    monkeypatch.delenv(data.STORE_ENV, raising=False)
    monkeypatch.delenv(data.ARTICLES_ENV, raising=False)
    for tab in (REVIEW, UPLOAD):
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
        at.session_state[KEY_TAB] = tab[KEY_TAB]
        at.run()
        assert not at.exception
        infos = [i.value for i in at.info]
        assert sum("bundled sample events are read-only" in i for i in infos) == 1
        assert not [b for b in at.button if b.key in ("kcm_review_wrong", "kcm_upload_add")]


def test_closed_tabs_and_panel_are_not_made_and_keep_what_was_typed(monkeypatch, tmp_path):
    at = run_page(monkeypatch, writable_copy(tmp_path))
    keys = {w.key for w in [*at.selectbox, *at.text_area, *at.text_input]}
    assert "kcm_review_event" not in keys and "kcm_upload_paste" not in keys
    assert "kcm_export_format" not in keys
    assert shown(at) == 9  # the map tab is made whatever tab is open
    at.session_state[KEY_TAB] = "Bring articles in"
    at.run()
    at.text_area(key="kcm_upload_paste").input("Half-written made-up report.").run()
    at.session_state[KEY_TAB] = "Review"
    at.run()
    assert "kcm_upload_paste" not in {w.key for w in at.text_area}
    assert at.selectbox(key="kcm_review_event").value == "fx-009"
    assert shown(at) == 9
    at.session_state[KEY_TAB] = "Bring articles in"
    at.run()
    assert at.text_area(key="kcm_upload_paste").value == "Half-written made-up report."


def test_review_queue_puts_the_least_confident_first(monkeypatch):
    at = run_page(monkeypatch, FIXTURE, state=REVIEW)
    assert at.selectbox(key="kcm_review_event").value == "fx-009"  # confidence 0.3
    assert at.selectbox(key="kcm_review_event").options[1].startswith("fx-007")  # 0.5


def test_marking_wrong_needs_a_name_then_survives_reload_and_rerun(monkeypatch, tmp_path):
    store = writable_copy(tmp_path)
    original = store.read_bytes()
    at = run_page(monkeypatch, store, state=REVIEW)
    at.selectbox(key="kcm_review_event").set_value("fx-001").run()
    at.button(key="kcm_review_wrong").click().run()
    assert any("Give your name" in e.value for e in at.error)
    assert shown(at) == 9
    at.text_input(key="kcm_review_author").input("Made-up Reviewer").run()
    at.button(key="kcm_review_wrong").click().run()
    assert any("Saved 1 correction" in s.value for s in at.success)
    assert shown(at) == 8
    assert store.read_bytes() == original  # the extracted events are never rewritten
    sidecar = json.loads((tmp_path / "mine.geojson.corrections.json").read_text("utf-8"))
    assert sidecar["corrections"][0]["author"] == "Made-up Reviewer"
    # The pipeline run again appends the same events (same ids): the correction stays.
    from events.schema import read_geojson

    events, _ = read_geojson(FIXTURE)
    assert data.add_events(str(store), events).added == 0
    again = run_page(monkeypatch, store, state=REVIEW)
    assert shown(again) == 8
    options = again.selectbox(key="kcm_review_event").options
    assert any(o.startswith("fx-001") and o.endswith("wrong") for o in options)


def test_fixing_type_and_date_changes_the_view(monkeypatch, tmp_path):
    store = writable_copy(tmp_path)
    at = run_page(monkeypatch, store, state=REVIEW)
    at.text_input(key="kcm_review_author").input("Made-up Reviewer")
    at.selectbox(key="kcm_review_event").set_value("fx-009").run()
    at.selectbox(key="kcm_review_type:fx-009").set_value("protest").run()
    at.button(key="kcm_review_save_type").click().run()
    at.date_input(key="kcm_review_date:fx-009").set_value(dt.date(2021, 1, 14))
    at.selectbox(key="kcm_review_precision:fx-009").set_value("day").run()
    at.button(key="kcm_review_save_date").click().run()
    assert not at.error
    frame, _ = data.load_events(str(store), None)
    row = frame.set_index("event_id").loc["fx-009"]
    assert row["event_type"] == "protest" and bool(row["corrected"])
    assert row["date_start"].date() == dt.date(2021, 1, 14)
    at.button(key="kcm_preset_last_7_days").click().run()
    assert shown(at) == 3  # fx-007, fx-008 and the now dated fx-009


def test_place_from_the_gazetteer_and_merging_duplicates(monkeypatch, tmp_path, make_event):
    store = both_sides_store(tmp_path, make_event)
    at = run_page(monkeypatch, store, state=REVIEW)
    at.text_input(key="kcm_review_author").input("Made-up Reviewer")
    at.selectbox(key="kcm_review_event").set_value("inc-am").run()
    at.multiselect(key="kcm_review_merge:inc-am").set_value(["inc-az"]).run()
    at.button(key="kcm_review_merge_go").click().run()
    assert shown(at) == 2
    at.selectbox(key="kcm_review_event").set_value("lone").run()
    at.text_input(key="kcm_review_place_name:lone").input("Shusha").run()
    choice = at.selectbox(key="kcm_review_place:lone")
    assert choice.options and "Shusha" in choice.options[0]
    at.button(key="kcm_review_save_place").click().run()
    frame, _ = data.load_events(str(store), None)
    row = frame.set_index("event_id").loc["lone"]
    assert row["place"] != "Elsewhere" and abs(row["lat"] - 39.76) < 0.2


# -- upload --------------------------------------------------------------------------------

ARTICLE = ("Made-up report.\n\nThe Armenian Defence Ministry said on Sunday that Azerbaijani "
           "forces shelled Stepanakert on 4 October 2020, killing two civilians.\n\n"
           "Azerbaijan's Defence Ministry said Armenian forces fired on Tartar.")


def test_pasted_article_is_extracted_reviewed_and_added(monkeypatch, tmp_path):
    store = writable_copy(tmp_path)
    at = run_page(monkeypatch, store, state=UPLOAD)
    at.text_area(key="kcm_upload_paste").input(ARTICLE)
    at.date_input(key="kcm_upload_published").set_value(dt.date(2020, 10, 5))
    at.text_input(key="kcm_upload_outlet").input("Made-up Wire").run()
    at.button(key="kcm_upload_extract").click().run()
    assert not at.error
    keep = at.multiselect(key="kcm_upload_keep")
    assert len(keep.value) == 2
    keep.set_value(keep.value[:1]).run()
    at.button(key="kcm_upload_add").click().run()
    assert any("Added 1 event" in s.value for s in at.success)
    assert shown(at) == 10


def test_upload_without_outlet_or_date_is_refused(monkeypatch, tmp_path):
    at = run_page(monkeypatch, writable_copy(tmp_path), state=UPLOAD)
    at.text_area(key="kcm_upload_paste").input(ARTICLE).run()
    at.button(key="kcm_upload_extract").click().run()
    assert any("outlet" in e.value for e in at.error)


def test_binary_upload_gives_a_message_and_adds_nothing(monkeypatch, tmp_path):
    store = writable_copy(tmp_path)
    at = run_page(monkeypatch, store, state=UPLOAD)
    at.file_uploader(key="kcm_upload_file").set_value(("x.txt", b"ab\x00cd" * 10, "text/plain"))
    at.date_input(key="kcm_upload_published").set_value(dt.date(2020, 10, 5))
    at.text_input(key="kcm_upload_outlet").input("Made-up Wire").run()
    at.button(key="kcm_upload_extract").click().run()
    assert any("binary" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "kcm_upload_add"]


def test_upload_reader_refuses_bad_input_and_strips_scripts():
    from events.corpus import MAX_FILE_BYTES, ArticleReadError

    day = dt.date(2020, 10, 5)
    for name, raw, says in [("e.txt", b"   \n", "empty"), ("b.txt", b"a\x00b", "binary"),
                            ("big.txt", b"a" * (MAX_FILE_BYTES + 1), "limit is 5 MB"),
                            ("x.exe", b"MZ", ".txt and .html"),
                            ("l.txt", "caf\xe9".encode("latin-1"), "UTF-8")]:
        try:
            data.article_from_upload(name, raw, published=day, outlet="Made-up Wire")
        except ArticleReadError as exc:
            assert says in str(exc) and name in str(exc)
        else:
            raise AssertionError(f"{name} was accepted")
    page = (b"<html><head><title>Made-up page</title><script>window.x=1</script></head><body>"
            b"<article><p>" + ARTICLE.encode() + b"</p><script>alert(1)</script></article>"
            b"</body></html>")
    article, notes = data.article_from_upload("p.html", page, published=day,
                                              outlet="Made-up Wire")
    assert "Defence Ministry" in article.text and "alert" not in article.text
    assert "window.x" not in article.text
    assert any("scripts" in n for n in notes)


# -- precision-honest map --------------------------------------------------------------


def test_area_level_events_are_drawn_as_their_area(make_event):
    from dashboard.aggregate import PRECISION_RADIUS_M
    from dashboard.map import add_precision_areas, build_map
    from events.table import events_to_frame

    frame = events_to_frame([
        make_event(event_id="s1"),  # settlement: a point only
        make_event(event_id="d1", geo_precision="district", place="Aghdam District",
                   lon=46.95, lat=39.99),
        make_event(event_id="d2", geo_precision="district", place="Aghdam District",
                   lon=46.95, lat=39.99, reporting_side="azerbaijani"),
        make_event(event_id="r1", geo_precision="region", place="Made-up Region",
                   lon=46.5, lat=40.0),
    ])
    outline = {"type": "Polygon", "coordinates": [[[46.8, 39.9], [47.1, 39.9],
                                                   [47.1, 40.1], [46.8, 39.9]]]}
    m = build_map(frame, precision_areas=False)
    assert add_precision_areas(m, frame, {"Aghdam District": outline}) == 2
    html = m.get_root().render()
    assert html.count("kcm-area-district") == 1  # two events, one area
    assert "2 event(s) placed only to this area" in html
    assert f'"radius": {PRECISION_RADIUS_M["region"]}' in html
    assert "kcm-area-settlement" not in html
    assert "kcm-area" not in build_map(frame).get_root().render()  # opt-in


def test_region_in_the_link_filters_by_the_boundary_regions(monkeypatch):
    from dashboard.query import ensure_regions

    frame, _ = data.load_events(str(FIXTURE), None)
    regions = ensure_regions(frame)["region"]
    name = regions[regions != ""].value_counts().index[0]
    expected = int((regions == name).sum())
    assert 0 < expected < 9
    at = run_page(monkeypatch, FIXTURE, {"region": name})
    assert shown(at) == expected
    assert at.multiselect(key="kcm_regions").value == [name]


def test_link_text_reaches_notices_only_as_literal_text(monkeypatch):
    at = run_page(monkeypatch, FIXTURE, {"event": "[x](javascript:alert(1))",
                                         "side": "[y](https://example.org)"})
    notices = [i.value for i in at.info]
    assert any(r"\[y\]\(https\:" in n for n in notices)
    assert any(r"\[x\]\(javascript\:alert\(1\)\)" in n for n in notices)
    assert not any("[x](" in n or "[y](" in n for n in notices)


def test_corrections_show_in_the_export(monkeypatch, tmp_path):
    store = writable_copy(tmp_path)
    at = run_page(monkeypatch, store, {"side": "armenian"}, state={**REVIEW, **EXPORT})
    at.text_input(key="kcm_review_author").input("Made-up Reviewer")
    at.selectbox(key="kcm_review_event").set_value("fx-001").run()
    at.button(key="kcm_review_wrong").click().run()
    assert shown(at) == 2
    at.selectbox(key="kcm_export_format").set_value("CSV").run()
    at.button(key="kcm_export_make").click().run()
    labels = [d.proto.label for d in at.get("download_button")]
    assert "Download CSV (2 events)" in labels


def test_table_sorts_every_shown_event_and_sends_one_page(monkeypatch, tmp_path):
    from dashboard.ui.workspace import (
        KEY_TABLE_DESC,
        KEY_TABLE_OPEN,
        KEY_TABLE_PAGE,
        KEY_TABLE_SORT,
        TABLE_ROWS,
    )
    from events.schema import read_geojson
    from events.synthetic import synthetic_events

    store = write_geojson(synthetic_events(450, seed=2), tmp_path / "many.geojson")
    events, _ = read_geojson(store)
    at = run_page(monkeypatch, store)
    assert shown(at) == 450
    assert not at.dataframe  # the table is drawn once its panel is opened
    at.session_state[KEY_TABLE_OPEN] = True
    at.run()
    assert len(at.dataframe[0].value) == TABLE_ROWS
    at.selectbox(key=KEY_TABLE_SORT).set_value("Fatalities").run()
    at.checkbox(key=KEY_TABLE_DESC).check().run()
    first = at.dataframe[0].value
    most = max(e.fatalities for e in events if e.fatalities is not None)
    assert first["fatalities"].iloc[0] == most  # the largest of all 450, not of a page
    assert list(first["fatalities"].dropna()) == sorted(first["fatalities"].dropna(),
                                                         reverse=True)
    at.number_input(key=KEY_TABLE_PAGE).set_value(3).run()
    last = at.dataframe[0].value
    assert len(last) == 450 - 2 * TABLE_ROWS
    assert last["fatalities"].isna().all()  # unknown counts sort last
    assert not at.exception


def test_a_large_incident_shows_a_page_of_claims_per_side(monkeypatch, tmp_path, make_event):
    """Thirty claims per side about one place and day: counts in full, cards for the first few."""
    from dashboard.ui.workspace import CLAIMS_SHOWN

    events = [make_event(event_id=f"big-{side[:2]}-{i:02d}", reporting_side=side,
                         place="Fixtureville", location_name="Fixtureville",
                         event_date=dt.date(2020, 10, 4), lon=46.7530, lat=39.8160,
                         claimant=f"Made-up claimant {side[:2]} {i:02d}")
              for side in ("armenian", "azerbaijani") for i in range(30)]
    at = run_page(monkeypatch, write_geojson(events, tmp_path / "big.geojson"),
                  {"event": "big-ar-00"})
    text = markdown(at)
    assert "<b>Armenian side</b> (30)" in text and "<b>Azerbaijani side</b> (30)" in text
    assert text.count('class="kcm-card kcm-claim"') == 2 * CLAIMS_SHOWN
    assert "Made-up claimant ar 00" in text
    assert f"Made-up claimant ar {CLAIMS_SHOWN:02d}" not in text
    assert text.count(f"and {30 - CLAIMS_SHOWN} more claims from this side, the earliest "
                      "shown first.") == 2


def test_incident_list_offers_the_incidents_with_most_claims_first(monkeypatch, tmp_path,
                                                                   make_event):
    from dashboard.ui import workspace

    monkeypatch.setattr(workspace, "INCIDENT_CHOICES", 2)
    events = []
    for k, claims in enumerate((2, 5, 3)):  # three incidents at three places and days
        for i in range(claims):
            events.append(make_event(
                event_id=f"i{k}-{i}", reporting_side=("armenian", "azerbaijani")[i % 2],
                place=f"Place {k}", location_name=f"Place {k}", lon=45.0 + k, lat=40.0,
                event_date=dt.date(2020, 10, 1 + 5 * k)))
    at = run_page(monkeypatch, write_geojson(events, tmp_path / "three.geojson"))
    choice = at.selectbox(key="kcm_incident")
    assert len(choice.options) == 2
    assert "Place 1" in choice.options[0] and "Place 2" in choice.options[1]
    assert "the 2 with the most claims of 3" in choice.label
