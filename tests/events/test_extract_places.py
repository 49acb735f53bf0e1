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


@pytest.fixture
def gaz2() -> Gazetteer:
    return Gazetteer([
        _p("Alpha Town", 40.0, 46.0, admin="Gamma"),
        _p("Beta Village", 40.1, 46.1, admin="Gamma"),
        _p("Delta Lake", 40.05, 46.1, precision="district"),
        _p("Yerevan", 40.18, 44.51, country="AM"),
    ])


def test_where_people_were_taken_is_marked(gaz2):
    places = find_places("Residents of Alpha Town were evacuated to Yerevan.", gaz2)
    assert [(p.name, p.destination) for p in places] == [("Alpha Town", False),
                                                          ("Yerevan", True)]


def test_a_road_travelled_is_not_the_scene_when_a_place_on_it_is_named(gaz2):
    places = find_places("The convoy went through Beta Village and stopped at Alpha Town.",
                         gaz2)
    text = "The convoy went through Beta Village and stopped at Alpha Town."
    assert [p.name for p in scene_places(places, gaz2, text)] == ["Alpha Town"]


def test_a_lake_or_district_around_a_named_town_only_says_where_it_is(gaz2):
    text = "A truck was hit near Alpha Town on the shore of Delta Lake."
    assert [p.name for p in scene_places(find_places(text, gaz2), gaz2, text)] == ["Alpha Town"]


def test_villages_in_different_parts_of_a_clause_are_not_a_list(gaz2):
    text = "Troops tried to seize a post near Alpha Town and used drones to attack Beta Village."
    assert [p.name for p in scene_places(find_places(text, gaz2), gaz2, text)] == [
        "Alpha Town", "Beta Village"]


def test_capital_where_a_statement_was_made_is_flagged(gaz2):
    (site, town) = find_places("In Yerevan, the ministry said Alpha Town was hit.", gaz2)
    assert (site.name, site.dateline, town.name, town.dateline) == (
        "Yerevan", True, "Alpha Town", False)
    assert [p.name for p in find_places("Thousands marched through central Yerevan.", gaz2)] \
        == ["Yerevan"]


def test_a_military_site_named_after_a_town_is_that_town(gaz2):
    assert names("Their forces targeted the Alpha Town military airbase.", gaz2) == [
        "Alpha Town"]


def test_the_two_ends_of_a_road_name_are_a_route_not_the_scene(gaz2):
    text = "Activists camped on the Alpha Town-Beta Village road near Yerevan for a week."
    places = find_places(text, gaz2)
    assert [(p.name, p.route) for p in places] == [
        ("Alpha Town", True), ("Beta Village", True), ("Yerevan", False)]
    assert [p.name for p in scene_places(places, gaz2, text)] == ["Yerevan"]


def test_a_place_cited_as_a_source_is_not_a_scene(gaz2):
    assert names("According to Yerevan, a bus was hit near Alpha Town.", gaz2) == ["Alpha Town"]
    assert names("Per Beta Village elders, the well was poisoned.", gaz2) == []
