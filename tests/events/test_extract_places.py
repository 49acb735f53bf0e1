"""Places: the scene of an event, at the right precision, from an injected gazetteer."""

from __future__ import annotations

import pytest

from events.extract.places import find_places, scene_places
from geodata.gazetteer import Gazetteer, Place


def _p(name, lat, lon, precision="settlement", admin="", country="AZ", aliases=()):
    return Place(name=name, lat=lat, lon=lon, precision=precision, kind="city",
                 country=country, admin=admin, aliases=tuple(aliases), population=1000,
                 source="test")


@pytest.fixture
def gaz() -> Gazetteer:
    return Gazetteer([
        _p("Alpha Town", 40.0, 46.0, admin="Gamma"),
        _p("Beta Village", 40.1, 46.1, admin="Gamma"),
        _p("Gamma District", 40.05, 46.05, precision="district", admin="Gamma"),
        _p("Capitalia", 40.4, 49.9, aliases=("Capitalia City",)),
        _p("Nagorno-Karabakh", 39.85, 46.75, precision="region", aliases=("Karabakh",)),
        _p("Armenia–Azerbaijan border", 40.1, 45.9, precision="region"),
        _p("Azerbaijan", 40.3, 47.7, precision="country"),
        _p("Minsk", 53.9, 27.6, country="BY"),
    ])


def names(clause, gaz, **kw):
    return [p.name for p in find_places(clause, gaz, **kw)]


def test_named_town_is_a_settlement(gaz):
    (place,) = find_places("Shells hit Alpha Town at dawn.", gaz)
    assert (place.name, place.precision, place.lat) == ("Alpha Town", "settlement", 40.0)


def test_border_phrase_is_a_region_without_a_false_pin(gaz):
    (place,) = find_places("Troops exchanged fire along the border overnight.", gaz)
    assert (place.name, place.precision) == ("Armenia–Azerbaijan border", "region")


def test_origin_of_fire_is_marked(gaz):
    places = find_places("Rockets fired from Alpha Town hit the hills.", gaz)
    assert [p.origin for p in places] == [True]


def test_capital_as_speaker_is_not_a_scene(gaz):
    assert names("Capitalia said the town was hit.", gaz) == []


def test_country_as_actor_is_not_a_scene(gaz):
    assert names("Azerbaijan installed a checkpoint.", gaz) == []
    assert names("Shells fell in Azerbaijan overnight.", gaz) == ["Azerbaijan"]


def test_place_inside_an_organisation_name_is_skipped(gaz):
    assert names("The Minsk Group met again.", gaz) == []


def test_villages_of_one_district_make_one_district_event(gaz):
    places = find_places("Alpha Town and Beta Village in Gamma District were shelled.", gaz)
    assert [p.name for p in scene_places(places)] == ["Gamma District"]


def test_area_kept_only_when_nothing_finer_is_named(gaz):
    places = find_places("Shelling of Alpha Town in Karabakh.", gaz)
    assert [p.name for p in scene_places(places)] == ["Alpha Town"]


def test_dateline_is_flagged(gaz):
    (place, *_) = find_places("CAPITALIA — The ministry said a village was hit.", gaz)
    assert place.dateline


def test_villages_of_one_district_without_naming_it_use_the_gazetteer_district(gaz):
    places = find_places("Alpha Town and Beta Village were shelled.", gaz)
    assert [(p.name, p.precision) for p in scene_places(places, gaz)] == [
        ("Gamma District", "district")]


def test_province_named_as_container_is_not_a_second_scene(gaz):
    places = find_places("Shells hit Alpha Town, Gamma District, at dawn.", gaz)
    assert [p.name for p in scene_places(places)] == ["Alpha Town"]
