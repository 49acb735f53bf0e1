"""The event record: validation names event and field; GeoJSON round-trips exactly."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from events.schema import (
    DATE_PRECISIONS,
    EVENT_TYPES,
    FIELD_NAMES,
    GEO_PRECISIONS,
    PROPERTY_NAMES,
    SIDES,
    SchemaError,
    date_span,
    event_from_feature,
    event_from_record,
    event_to_feature,
    event_to_record,
    read_geojson,
    write_geojson,
)

CONTRACT_PROPERTIES = (
    "event_id", "article_id", "event_date", "date_precision", "event_type", "reporting_side",
    "claimant", "location_name", "place", "geo_precision", "fatalities", "evidence",
    "char_start", "char_end", "confidence",
)


def test_vocabularies_match_the_contract(shared_dir):
    doc = (shared_dir / "docs" / "event-schema.md").read_text(encoding="utf-8")
    for value in EVENT_TYPES:
        assert f"| `{value}` |" in doc
    assert SIDES == ("armenian", "azerbaijani", "third_party")
    assert GEO_PRECISIONS == ("settlement", "district", "region", "country")
    assert DATE_PRECISIONS == ("day", "week", "month", "year")
    for name in CONTRACT_PROPERTIES:
        assert name in PROPERTY_NAMES
        assert f"`{name}`" in doc


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"event_type": "bombing"}, "event_type"),
        ({"reporting_side": "russian"}, "reporting_side"),
        ({"date_precision": "hour"}, "date_precision"),
        ({"geo_precision": "street"}, "geo_precision"),
        ({"lon": 181.0}, "lon"),
        ({"lat": -90.5}, "lat"),
        ({"lat": float("nan")}, "lat"),
        ({"lon": None}, "lon"),
        ({"fatalities": -1}, "fatalities"),
        ({"fatalities": 1.5}, "fatalities"),
        ({"fatalities": True}, "fatalities"),
        ({"confidence": 1.2}, "confidence"),
        ({"char_start": 50, "char_end": 10}, "char_end"),
        ({"event_date": "2020-10-04"}, "event_date"),
        ({"date_precision": None}, "date_precision"),
        ({"article_id": ""}, "article_id"),
        ({"notes": 3}, "notes"),
        ({"reported_by": ("armenian", "martian")}, "reported_by"),
        ({"n_articles": 0}, "n_articles"),
    ],
)
def test_bad_values_are_refused_naming_event_and_field(make_event, overrides, field):
    with pytest.raises(SchemaError) as info:
        make_event(event_id="evt-bad", **overrides)
    assert info.value.event_id == "evt-bad"
    assert info.value.field == field
    assert "'evt-bad'" in str(info.value) and repr(field) in str(info.value)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"event_date": "2020-13-45"}, "event_date"),
        ({"event_date": "yesterday"}, "event_date"),
        ({"event_type": "riot"}, "event_type"),
        ({"reporting_side": "Armenian"}, "reporting_side"),
        ({"lat": "north"}, "lat"),
        ({"fatalities": "many"}, "fatalities"),
        ({"fatalities": "-3"}, "fatalities"),
        ({"reporting_side": None}, "reporting_side"),
        ({"claimant": 12}, "claimant"),
    ],
)
def test_loose_records_name_the_bad_field(make_event, changes, field):
    record = event_to_record(make_event(event_id="evt-7"))
    record.update(changes)
    with pytest.raises(SchemaError) as info:
        event_from_record(record)
    assert info.value.event_id == "evt-7"
    assert info.value.field == field


def test_loose_records_accept_the_text_forms_of_files(make_event):
    record = {
        "event_id": "e1", "article_id": "a1", "event_type": "protest",
        "reporting_side": "azerbaijani", "event_date": "2021-05-02", "date_precision": "week",
        "fatalities": "3", "lon": "47.1", "lat": "40.2", "confidence": "0.5",
        "char_start": 4.0, "reported_by": "armenian, third_party", "place": "",
        "some_other_tool_column": "ignored",
    }
    ev = event_from_record(record)
    assert ev.event_date == dt.date(2021, 5, 2)
    assert (ev.fatalities, ev.lon, ev.lat, ev.confidence) == (3, 47.1, 40.2, 0.5)
    assert ev.char_start == 4 and ev.reported_by == ("armenian", "third_party")
    assert ev.place == ""


def test_date_span_covers_the_precision():
    day = dt.date(2020, 2, 14)
    assert date_span(day, "day") == (day, day)
    assert date_span(day, "week") == (day, dt.date(2020, 2, 20))
    assert date_span(day, "month") == (dt.date(2020, 2, 1), dt.date(2020, 2, 29))
    assert date_span(day, "year") == (dt.date(2020, 1, 1), dt.date(2020, 12, 31))


def test_feature_form_is_rfc7946(make_event):
    feature = event_to_feature(make_event(lon=46.5, lat=39.5))
    assert feature["geometry"] == {"type": "Point", "coordinates": [46.5, 39.5]}
    assert set(feature["properties"]) == set(PROPERTY_NAMES)
    assert "lon" not in feature["properties"]
    assert event_to_feature(make_event(lon=None, lat=None))["geometry"] is None


def test_geojson_round_trip_is_exact(tmp_path, make_event):
    hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    events = [
        make_event(),
        make_event(event_id="evt-2", lon=None, lat=None, geo_precision=None, event_date=None,
                   date_precision=None, fatalities=None, char_start=None, char_end=None),
        make_event(event_id="evt-3", notes=hostile, place="Şuşa / Շուշի",
                   claimant="Азербайджан МО", evidence="«Quoted» — text\nwith newline",
                   reported_by=("azerbaijani", "third_party"), n_articles=3,
                   published=dt.date(2020, 10, 5), url="https://example.org/a?b=1&c=2",
                   event_type="displacement", reporting_side="third_party",
                   date_precision="month", confidence=0.0),
    ]
    path = write_geojson(events, tmp_path / "events.geojson")
    again, errors = read_geojson(path)
    assert errors == []
    assert again == events
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    assert doc["features"][1]["geometry"] is None
    assert doc["features"][2]["properties"]["notes"] == hostile
    assert "Շուշի" in path.read_text(encoding="utf-8")  # written as UTF-8, not escaped


def test_write_geojson_leaves_no_temp_files(tmp_path, make_event):
    write_geojson([make_event()], tmp_path / "out.geojson")
    write_geojson([make_event(), make_event(event_id="e2")], tmp_path / "out.geojson")
    assert [p.name for p in tmp_path.iterdir()] == ["out.geojson"]
    assert len(read_geojson(tmp_path / "out.geojson")[0]) == 2


def test_bad_features_are_reported_by_index_and_good_ones_kept(tmp_path, make_event):
    good = [event_to_feature(make_event(event_id=f"g{i}")) for i in range(3)]
    bad_type = event_to_feature(make_event(event_id="b1"))
    bad_type["properties"]["event_type"] = "alien_invasion"
    bad_geom = event_to_feature(make_event(event_id="b2"))
    bad_geom["geometry"] = {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}
    bad_coords = event_to_feature(make_event(event_id="b3"))
    bad_coords["geometry"]["coordinates"] = [46.0, 95.0]
    features = [good[0], bad_type, good[1], "not a feature", bad_geom, {"type": "Feature"},
                bad_coords, good[2]]
    path = tmp_path / "mixed.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    events, errors = read_geojson(path)
    assert [e.event_id for e in events] == ["g0", "g1", "g2"]
    assert [e.index for e in errors] == [1, 3, 4, 5, 6]
    assert all(e.source == str(path) for e in errors)
    assert "'b1'" in errors[0].message and "event_type" in errors[0].message
    assert "geometry" in errors[2].message
    assert "'b3'" in errors[4].message and "'lat'" in errors[4].message
    assert str(errors[0]).startswith(f"{path}: feature 1:")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00garbage\x80", "not UTF-8"),
        (b"", "not valid JSON"),
        (b'{"type": "Feature", "geometry": null, "properties": {}}', "FeatureCollection"),
        (b"[1, 2, 3]", "FeatureCollection"),
        (b'{"type": "FeatureCollection", "features": {}}', "not a list"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_unreadable_files_raise_value_error_naming_the_file(tmp_path, content, says):
    path = tmp_path / "broken.geojson"
    path.write_bytes(content)
    with pytest.raises(ValueError) as info:
        read_geojson(path)
    assert str(path) in str(info.value)
    assert says in str(info.value)


def test_feature_without_properties_is_a_schema_error():
    with pytest.raises(SchemaError) as info:
        event_from_feature({"type": "Feature", "geometry": None})
    assert info.value.field == "properties"


def test_every_field_survives_the_record_form(make_event):
    ev = make_event(reported_by=("armenian",), published=dt.date(2020, 1, 1), region="Shusha")
    record = event_to_record(ev)
    assert tuple(record) == FIELD_NAMES
    assert event_from_record(json.loads(json.dumps(record))) == ev
