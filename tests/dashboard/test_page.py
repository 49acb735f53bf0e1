"""The map page under Streamlit's AppTest: loads, counts, filters, and explains bad stores."""

from __future__ import annotations

import datetime as dt
import json
import re
import socket
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import data
from dashboard.ui.page import KEY_DATES, KEY_TYPES, PageOptions, parse_options, side_key

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "streamlit_app.py"
FIXTURE = ROOT / "tests" / "data" / "events_small.geojson"
TIMEOUT = 60


def run_page(monkeypatch, store: Path | str | None, query: dict | None = None) -> AppTest:
    monkeypatch.delenv(data.ARTICLES_ENV, raising=False)
    if store is None:
        monkeypatch.delenv(data.STORE_ENV, raising=False)
    else:
        monkeypatch.setenv(data.STORE_ENV, str(store))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def shown(at: AppTest) -> int:
    return int(at.metric[0].value)


def test_page_loads_the_store_and_counts_its_events(monkeypatch):
    at = run_page(monkeypatch, FIXTURE)
    assert at.metric[0].label == "Events shown"
    assert shown(at) == 9
    assert not at.error


def test_unticking_a_side_removes_its_events(monkeypatch):
    at = run_page(monkeypatch, FIXTURE)
    at.checkbox(key=side_key("armenian")).uncheck().run()
    assert shown(at) == 6
    at.checkbox(key=side_key("third_party")).uncheck().run()
    assert shown(at) == 4


def test_no_side_ticked_shows_nothing(monkeypatch):
    at = run_page(monkeypatch, FIXTURE)
    for side in ("armenian", "azerbaijani", "third_party"):
        at.checkbox(key=side_key(side)).uncheck()
    at.run()
    assert shown(at) == 0


def test_date_range_narrows_the_events(monkeypatch):
    at = run_page(monkeypatch, FIXTURE)
    at.checkbox(key="kcm_undated").uncheck()
    at.date_input(key=KEY_DATES).set_value((dt.date(2021, 1, 1), dt.date(2021, 1, 15))).run()
    assert shown(at) == 2  # fx-007 and fx-008


def test_type_filter_narrows_the_events(monkeypatch):
    at = run_page(monkeypatch, FIXTURE)
    at.multiselect(key=KEY_TYPES).set_value(["shelling"]).run()
    assert shown(at) == 2  # fx-001 and the undated fx-009


def test_every_widget_has_a_key(monkeypatch):
    at = run_page(monkeypatch, FIXTURE)
    sb = at.sidebar
    filters = [*sb.checkbox, *sb.date_input, *sb.multiselect, *sb.number_input,
               *sb.text_input, *sb.button]
    # 3 sides + undated + settlement-only + day-only; dates; types, claimant, region,
    # outlet, article; deaths; search; 3 date presets.
    assert len(filters) == 6 + 1 + 5 + 1 + 1 + 3
    # Every panel and tab open, so that every widget of the page is drawn.
    from dashboard.ui.page import KEY_EXPORT_OPEN, KEY_TAB, TABS
    from dashboard.ui.workspace import KEY_TABLE_OPEN

    at.session_state[KEY_TABLE_OPEN] = at.session_state[KEY_EXPORT_OPEN] = True
    for tab in TABS:
        at.session_state[KEY_TAB] = tab
        at.run()
        widgets = [*at.checkbox, *at.date_input, *at.multiselect, *at.number_input,
                   *at.text_input, *at.button, *at.selectbox, *at.text_area]
        assert len(widgets) > len(filters), tab
        assert all(w.key and w.key.startswith("kcm_") for w in widgets), tab


def test_without_a_store_the_bundled_sample_is_shown(monkeypatch):
    from events.schema import read_geojson
    from events.store import SAMPLE_EVENTS

    events, errors = read_geojson(SAMPLE_EVENTS)
    at = run_page(monkeypatch, None)
    assert shown(at) == len(events) > 0
    assert errors == [] and not at.error
    assert any("bundled sample" in c.value for c in at.sidebar.caption)


def shown_text(markdown: str) -> str:
    """What a reader sees of a message whose untrusted parts were Markdown-escaped."""
    return re.sub(r"\\(.)", r"\1", markdown)


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("corrupt.geojson", b'{"type": "FeatureCollection", "features": [', "not valid JSON"),
        ("empty.geojson", b"", "empty"),
        ("binary.gpkg", bytes(range(256)) * 4, "binary.gpkg"),
        ("newer.geojson", json.dumps({"type": "FeatureCollection", "kcm_schema_version": 99,
                                      "features": []}).encode(), "newer"),
    ],
)
def test_unusable_store_gives_a_message_and_is_left_alone(monkeypatch, tmp_path, name,
                                                          content, says):
    store = tmp_path / name
    store.write_bytes(content)
    at = run_page(monkeypatch, store)
    assert len(at.error) == 1
    assert says in shown_text(at.error[0].value)
    assert not at.metric  # nothing half-drawn
    assert store.read_bytes() == content


def test_missing_store_gives_a_message_and_is_not_created(monkeypatch, tmp_path):
    store = tmp_path / "nowhere.gpkg"
    at = run_page(monkeypatch, store)
    assert len(at.error) == 1
    assert "nowhere.gpkg" in shown_text(at.error[0].value)
    assert not store.exists()


def test_refused_records_are_reported_and_the_rest_shown(monkeypatch, tmp_path):
    doc = json.loads(FIXTURE.read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["reporting_side"] = "martian"
    store = tmp_path / "partly.geojson"
    store.write_text(json.dumps(doc), encoding="utf-8")
    at = run_page(monkeypatch, store)
    assert shown(at) == 8
    assert any("fx-001" in shown_text(w.value) and "reporting_side" in shown_text(w.value)
               for w in at.warning)


def test_database_password_never_reaches_the_page(monkeypatch):
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    at = run_page(monkeypatch, f"postgresql://analyst:s3cretpw@127.0.0.1:{port}/events")
    texts = [shown_text(e.value) for e in at.error]
    assert texts and f"analyst@127.0.0.1:{port}/events" in texts[0]
    page = " ".join(str(el.value) for el in at.main if hasattr(el, "value"))
    assert "s3cretpw" not in " ".join(texts) + page


def test_command_line_store_wins_over_the_environment():
    opts = parse_options(["--store", "a.gpkg", "--articles", "arts"], {data.STORE_ENV: "b.gpkg"})
    assert opts == PageOptions(store="a.gpkg", articles="arts")
    assert parse_options([], {data.STORE_ENV: "b.gpkg"}).store == "b.gpkg"
    assert parse_options(["-q", "tests/x.py"], {}).store is None
    assert parse_options(["--store=c.geojson"], {}).store == "c.geojson"


def test_store_option_without_a_path_is_a_clear_problem():
    opts = parse_options(["--store"], {data.STORE_ENV: "b.gpkg"})
    assert opts.store is None
    assert "--store" in opts.problem


def test_articles_fill_the_evidence(tmp_path):
    text = "Made-up first sentence. A made-up second sentence about a strike."
    (tmp_path / "fx-a.txt").write_text(text, encoding="utf-8")
    doc = json.loads(FIXTURE.read_text(encoding="utf-8"))
    for feat in doc["features"]:
        if feat["properties"]["article_id"] == "fx-a":
            feat["properties"]["char_start"], feat["properties"]["char_end"] = 24, len(text)
    store = tmp_path / "with_offsets.geojson"
    store.write_text(json.dumps(doc), encoding="utf-8")
    frame, messages = data.load_events(str(store), str(tmp_path))
    filled = frame.set_index("event_id")["evidence"]
    assert filled["fx-001"] == "A made-up second sentence about a strike."
    assert filled["fx-003"] == ""  # its article is not in the folder
    assert any("not in" in m and "fx-b" in m for m in messages)


def test_missing_articles_folder_is_reported_and_the_events_still_shown(tmp_path):
    frame, messages = data.load_events(str(FIXTURE), str(tmp_path / "no_such_folder"))
    assert len(frame) == 9
    assert any("no_such_folder" in m and "not a folder" in m for m in messages)


def test_view_is_kept_in_the_address(monkeypatch):
    at = run_page(monkeypatch, FIXTURE)
    assert not any(k in at.query_params for k in ("side", "type", "from", "to"))
    at.checkbox(key=side_key("armenian")).uncheck().run()
    assert at.query_params["side"] == ["azerbaijani", "third_party"]
    assert any(c.value.endswith("`side=azerbaijani&side=third_party`")
               for c in at.sidebar.caption)


def test_view_in_the_address_sets_the_filters(monkeypatch):
    at = run_page(monkeypatch, FIXTURE, {"side": "azerbaijani", "type": "protest"})
    assert shown(at) == 1  # fx-008
    assert at.checkbox(key=side_key("armenian")).value is False
    assert at.multiselect(key=KEY_TYPES).value == ["protest"]


def test_dates_in_the_address_leave_out_undated_events(monkeypatch):
    at = run_page(monkeypatch, FIXTURE, {"from": "2020-10-01", "to": "2020-10-12"})
    assert shown(at) == 4  # fx-003, fx-004, fx-005, fx-006
    assert at.checkbox(key="kcm_undated").value is False


def test_bad_view_in_the_address_is_reported_and_ignored(monkeypatch):
    at = run_page(monkeypatch, FIXTURE, {"from": "yesterday"})
    assert shown(at) == 9
    assert any("from" in w.value and "yesterday" in w.value for w in at.info)
