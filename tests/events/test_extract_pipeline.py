"""The pipeline end to end on small texts written for the test, plus the golden check."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest

from events.corpus import Article, read_corpus
from events.pipeline import cluster_events, extract_article, extract_corpus, merge_restatements
from events.schema import event_to_record
from geodata.gazetteer import Gazetteer, Place, default_gazetteer

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"


def _place(name, lat, lon, precision="settlement", admin="", aliases=()):
    return Place(name=name, lat=lat, lon=lon, precision=precision, kind="city", country="AZ",
                 admin=admin, aliases=tuple(aliases), population=100, source="test")


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer([
        _place("Alpha Town", 40.0, 46.0, admin="Gamma"),
        _place("Nagorno-Karabakh", 39.85, 46.75, precision="region", aliases=("Karabakh",)),
    ])


def art(text, *, published=dt.date(2020, 10, 8), outlet="Example Wire", aid="t1"):
    return Article(aid, f"{aid}.txt", "", published, outlet, "", text)


def test_event_carries_type_side_date_place_and_exact_evidence(gaz):
    text = "Intro line without events.\nThe Armenian Defence Ministry said Alpha Town was " \
           "shelled on Monday, killing two civilians."
    (ev,) = extract_article(art(text), gazetteer=gaz)
    assert (ev.event_type, ev.reporting_side, ev.place, ev.event_date, ev.date_precision,
            ev.fatalities) == ("shelling", "armenian", "Alpha Town", dt.date(2020, 10, 5),
                               "day", 2)
    assert text[ev.char_start:ev.char_end] == ev.evidence


def test_mutual_accusation_is_two_events(gaz):
    evs = extract_article(art("Both capitals accused each other of violating the truce "
                              "in Karabakh on Tuesday."), gazetteer=gaz)
    assert sorted(e.reporting_side for e in evs if e.event_type == "border_incident") == [
        "armenian", "azerbaijani"]


def test_unsourced_claim_is_the_outlets(gaz):
    (ev,) = extract_article(art("Shelling hit Alpha Town on Monday."), gazetteer=gaz)
    assert (ev.claimant, ev.reporting_side) == ("Example Wire", "third_party")


def test_armenian_outlet_speaks_for_its_side(gaz):
    (ev,) = extract_article(art("Shelling hit Alpha Town on Monday.", outlet="Armenpress"),
                            gazetteer=gaz)
    assert ev.reporting_side == "armenian"


def test_restatement_is_merged(gaz):
    text = ("Baku said Armenian forces shelled Alpha Town on Monday. Baku said the shelling "
            "of Alpha Town on Monday killed three people.")
    evs = extract_article(art(text), gazetteer=gaz)
    assert len(evs) == 1 and evs[0].fatalities == 3


def test_denied_claim_gives_no_event(gaz):
    assert extract_article(art("The ministry denied that its troops shelled Alpha Town."),
                           gazetteer=gaz) == []


def test_unknown_publication_date_lowers_confidence(gaz):
    text = "Alpha Town was shelled in 2020, the ministry in Baku said."
    known = extract_article(art(text), gazetteer=gaz)[0]
    unknown = extract_article(art(text, published=None), gazetteer=gaz)[0]
    assert unknown.confidence < known.confidence
    assert "publication date unknown" in unknown.confidence_reason


def test_conflict_event_without_place_goes_to_the_region_not_a_pin(gaz):
    (ev,) = extract_article(art("Fierce clashes were reported on Monday."), gazetteer=gaz)
    assert (ev.place, ev.geo_precision) == ("Nagorno-Karabakh", "region")


def test_ids_are_deterministic_and_unique(gaz):
    text = "Alpha Town was shelled on Monday. Talks were held in Alpha Town on Tuesday."
    a = extract_article(art(text), gazetteer=gaz)
    b = extract_article(art(text), gazetteer=gaz)
    assert [e.event_id for e in a] == [e.event_id for e in b]
    assert len({e.event_id for e in a}) == len(a) == 2


def test_notes_are_one_readable_line(gaz):
    (ev,) = extract_article(art("Shelling hit Alpha Town on Monday."), gazetteer=gaz)
    assert "\n" not in ev.notes and "Alpha Town" in ev.notes and "5 Oct 2020" in ev.notes


def test_clusters_count_articles_and_sides(gaz):
    one = extract_article(art("Shelling hit Alpha Town on Monday.", aid="a"), gazetteer=gaz)
    two = extract_article(art("Shelling hit Alpha Town on Monday.", aid="b",
                              outlet="Armenpress"), gazetteer=gaz)
    clustered = cluster_events(one + two)
    assert {e.n_articles for e in clustered} == {2}
    assert clustered[0].reported_by == ("armenian", "third_party")
    assert clustered[0].cluster_id == clustered[1].cluster_id


def test_merge_keeps_distinct_places(gaz):
    evs = extract_article(art("Shelling hit Alpha Town on Monday. Shelling hit Karabakh "
                              "villages on Tuesday."), gazetteer=gaz)
    assert len(merge_restatements(evs)) == 2


def test_corpus_run_reports_failed_articles_without_stopping(gaz, monkeypatch):
    import events.pipeline as pipeline

    real = pipeline.extract_article

    def flaky(article, *, gazetteer):
        if article.id == "bad":
            raise RuntimeError("boom")
        return real(article, gazetteer=gazetteer)

    monkeypatch.setattr(pipeline, "extract_article", flaky)
    result = extract_corpus([art("Shelling hit Alpha Town.", aid="ok"),
                             art("x", aid="bad")], gazetteer=gaz, progress=False)
    assert [e.article_id for e in result.events] == ["ok"]
    assert len(result.errors) == 1 and "boom" in result.errors[0].message
    assert result.summary["failed"] == 1


# -- golden check on the shared development articles ------------------------

TARGETS = {"strict": 0.75, "typed": 0.85, "side": 0.9, "within_10km": 0.9}


def _scorer():
    spec = importlib.util.spec_from_file_location("kcm_score", SHARED / "eval" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.parametrize("folder", ["articles", "corpus/dev"])
def test_golden_scores_on_shared_articles(folder):
    score = _scorer()
    root = SHARED / folder
    articles, errors = read_corpus(root)
    assert errors == []
    result = extract_corpus(articles, gazetteer=default_gazetteer(), progress=False)
    predicted = [event_to_record(ev) for ev in result.events]
    res = score.score(score.load_gold(root / "gold.jsonl"), predicted)
    assert res["schema_errors"] == {}
    assert res["strict"]["f1"] >= TARGETS["strict"]
    assert res["typed"]["f1"] >= TARGETS["typed"]
    assert res["side_accuracy_on_typed_matches"] >= TARGETS["side"]
    assert res["geocode_within_10km"] >= TARGETS["within_10km"]


# -- general reporting language, on sentences written for the test --------------


def _kinds(evs):
    return sorted((e.event_type, e.place, e.reporting_side) for e in evs)


def test_a_strikes_toll_told_in_its_own_sentence_is_that_strike(gaz):
    text = ("The ministry in Baku said Alpha Town was shelled on Monday. Two civilians were "
            "killed in Alpha Town, according to the ministry.")
    (ev,) = extract_article(art(text), gazetteer=gaz)
    assert (ev.event_type, ev.fatalities) == ("shelling", 2)


def test_a_running_toll_is_not_one_strikes_toll(gaz):
    text = ("Baku said Alpha Town was shelled on Monday. Baku said twelve soldiers have been "
            "killed since Monday.")
    evs = extract_article(art(text), gazetteer=gaz)
    assert sorted(e.event_type for e in evs) == ["casualties", "shelling"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Enemy troops opened fire on army positions near Alpha Town on Monday.",
         "border_incident"),
        ("Enemy troops opened fire on homes in Alpha Town on Monday.", "shelling"),
        ("Two civilians were wounded in Alpha Town by fire from across the line.", "shelling"),
    ],
)
def test_generic_fire_is_typed_by_its_target(gaz, kind, text):
    assert [e.event_type for e in extract_article(art(text), gazetteer=gaz)] == [kind]


def test_the_town_named_before_is_the_scene(gaz):
    text = ("Baku said its troops captured Alpha Town on Sunday. Officials in Yerevan "
            "confirmed on Monday that the town had been lost.")
    evs = extract_article(art(text), gazetteer=gaz)
    assert {(e.reporting_side, e.place) for e in evs if e.event_type == "offensive"} == {
        ("azerbaijani", "Alpha Town"), ("armenian", "Alpha Town")}


def test_bare_institution_in_partisan_media_speaks_for_its_side(gaz):
    (ev,) = extract_article(art("Alpha Town was shelled on Monday, the press service said.",
                                outlet="Armenpress"), gazetteer=gaz)
    assert (ev.claimant, ev.reporting_side) == ("the press service", "armenian")


def test_writers_report_with_mutual_blame_is_three_claims(gaz):
    evs = extract_article(art("Troops traded fire along the border on Monday, each side "
                              "blaming the other."), gazetteer=gaz)
    assert sorted(e.reporting_side for e in evs) == ["armenian", "azerbaijani", "third_party"]


def test_how_a_claim_was_made_is_not_a_diplomatic_event(gaz):
    evs = extract_article(art("The Azerbaijani minister told reporters that Alpha Town was "
                              "shelled on Monday."), gazetteer=gaz)
    assert [e.event_type for e in evs] == ["shelling"]
    (ev,) = extract_article(art("The Azerbaijani minister told reporters on Monday that the "
                                "road would stay open."), gazetteer=gaz)
    assert ev.event_type == "diplomacy"


def test_days_counted_from_the_event_told_before(gaz):
    text = "Alpha Town was shelled on Monday. Two days later troops captured Alpha Town."
    evs = {e.event_type: e for e in extract_article(art(text), gazetteer=gaz)}
    assert evs["offensive"].event_date == dt.date(2020, 10, 7)


def test_a_claim_told_first_without_a_place_is_refined_by_the_place(gaz):
    text = ("Baku said heavy shelling was reported on Monday. Baku said the shelling hit "
            "Alpha Town on Monday.")
    (ev,) = extract_article(art(text), gazetteer=gaz)
    assert (ev.event_type, ev.place) == ("shelling", "Alpha Town")


def test_displacement_is_put_where_people_left():
    gaz2 = Gazetteer([_place("Alpha Town", 40.0, 46.0), _place("Beta Village", 40.3, 46.4),
                      _place("Nagorno-Karabakh", 39.85, 46.75, precision="region")])
    for text in ["Officials said families left the village of Alpha Town on Monday, many of "
                 "them sheltering with relatives in Beta Village.",
                 "Alpha Town was shelled on Monday and its residents were evacuated to Beta "
                 "Village, officials said."]:
        evs = extract_article(art(text), gazetteer=gaz2)
        assert [e.place for e in evs if e.event_type == "displacement"] == ["Alpha Town"], text


def test_a_crowds_demands_are_the_protest_not_a_diplomatic_act(gaz):
    evs = extract_article(art("Thousands marched through Alpha Town on Sunday, urging the "
                              "government to resign."), gazetteer=gaz)
    assert [e.event_type for e in evs] == ["protest"]


def test_the_brokering_of_a_truce_is_the_truce(gaz):
    evs = extract_article(art("Under a deal reached on Tuesday through the mediation of the "
                              "peacekeepers, a ceasefire took effect in Karabakh."),
                          gazetteer=gaz)
    assert [e.event_type for e in evs] == ["ceasefire"]


def test_each_side_accusing_the_other_after_a_concession_is_two_claims(gaz):
    text = ("A ceasefire announced on Monday by the mediators has largely held, though each "
            "side accused the other of violations along the border on Tuesday.")
    evs = extract_article(art(text), gazetteer=gaz)
    incidents = sorted(e.reporting_side for e in evs if e.event_type == "border_incident")
    assert incidents == ["armenian", "azerbaijani"]
    truces = [e for e in evs if e.event_type == "ceasefire"]
    assert len(truces) == 1 and truces[0].reporting_side == "third_party"


def test_local_officials_of_a_town_in_armenia_speak_for_the_armenian_side():
    town = Place(name="Upland", lat=39.8, lon=45.6, precision="settlement", kind="city",
                 country="AM", admin="Hills", aliases=(), population=100, source="test")
    text = "Some 300 residents were evacuated from Upland on Tuesday, local officials said."
    (ev,) = extract_article(art(text), gazetteer=Gazetteer([town]))
    assert (ev.event_type, ev.reporting_side) == ("displacement", "armenian")
    # the same words about a town the gazetteer puts elsewhere decide nothing
    other = Place(name="Upland", lat=39.8, lon=46.6, precision="settlement", kind="city",
                  country="GE", admin="Hills", aliases=(), population=100, source="test")
    (ev,) = extract_article(art(text), gazetteer=Gazetteer([other]))
    assert ev.reporting_side == "third_party"


# -- running tolls, capitals as places, plans that fell through, possessive sources -------


def test_a_running_toll_is_its_own_casualty_report_not_the_strikes():
    gaz2 = Gazetteer([_place("Alpha Town", 40.0, 46.0),
                      _place("Nagorno-Karabakh", 39.85, 46.75, precision="region")])
    text = ("The Armenian Defence Ministry said Alpha Town had been shelled overnight and that "
            "57 of its soldiers had been killed since Sunday.")
    evs = extract_article(art(text), gazetteer=gaz2)
    by_type = {e.event_type: e for e in evs}
    assert set(by_type) == {"shelling", "casualties"}
    assert by_type["shelling"].place == "Alpha Town" and by_type["shelling"].fatalities is None
    toll = by_type["casualties"]
    assert toll.fatalities == 57 and toll.event_date == dt.date(2020, 10, 4)  # the Sunday
    assert toll.geo_precision == "region"  # a toll of the whole fighting, not of the town


@pytest.mark.parametrize("text", [
    "Officials said 310 soldiers had been killed since fighting erupted on October 1.",
    "The ministry said 40 servicemen were killed during the week-long offensive.",
])
def test_the_period_a_toll_covers_is_not_a_happening_of_its_own(gaz, text):
    evs = extract_article(art(text), gazetteer=gaz)
    assert [e.event_type for e in evs] == ["casualties"]


def test_a_capital_that_was_struck_is_a_place_and_a_capital_that_speaks_is_not():
    capital = Place(name="Khankendi", lat=39.82, lon=46.75, precision="settlement",
                    kind="city", country="AZ", admin="Khankendi", aliases=("Stepanakert",),
                    population=50000, source="test")
    gaz2 = Gazetteer([capital, _place("Alpha Town", 40.0, 46.0)])
    for text in ["Rockets struck Stepanakert on Monday, officials said.",
                 "Officials said Stepanakert, the main city, had been targeted on Monday."]:
        (ev,) = extract_article(art(text), gazetteer=gaz2)
        assert (ev.event_type, ev.place) == ("shelling", "Khankendi"), text
    (ev,) = extract_article(art("Stepanakert said Alpha Town was shelled on Monday."),
                            gazetteer=gaz2)
    assert ev.place == "Alpha Town"


@pytest.mark.parametrize("text", [
    "A summit planned in Alpha Town last week did not take place.",
    "The foreign minister is due to travel to Alpha Town on Friday for talks.",
    "Should the shelling go on, the response could be harsh, the ministry warned on Monday.",
])
def test_what_did_not_or_may_yet_happen_is_no_event(gaz, text):
    assert extract_article(art(text), gazetteer=gaz) == []


def test_his_office_speaks_for_the_side_of_whom_the_clause_names(gaz):
    (ev,) = extract_article(art("Pashinyan discussed the border by phone with the French "
                                "president on Monday, his office said."), gazetteer=gaz)
    assert (ev.event_type, ev.reporting_side, ev.claimant) == (
        "diplomacy", "armenian", "Pashinyan's office")


def test_the_two_countries_ministries_announcing_are_a_claim_from_each_side(gaz):
    evs = extract_article(art("The two countries' foreign ministries announced on Monday that "
                              "they had finished negotiating the text of a treaty."),
                          gazetteer=gaz)
    assert sorted((e.event_type, e.reporting_side) for e in evs) == [
        ("diplomacy", "armenian"), ("diplomacy", "azerbaijani")]


def test_a_year_long_past_does_not_date_news_of_the_week(gaz):
    text = ("Alpha Town was captured by Armenian forces in April 1993. "
            "A truce was signed on October 5, officials said.")
    evs = extract_article(art(text), gazetteer=gaz)
    assert ("offensive", dt.date(1993, 4, 1)) in [(e.event_type, e.event_date) for e in evs]
    truce = [e for e in evs if e.event_type == "ceasefire"]
    assert [e.event_date for e in truce] == [dt.date(2020, 10, 5)]


@pytest.mark.parametrize("text", [
    "Buses carried women and children from Alpha Town to Beta Village on Monday.",
    "The Red Cross said it had transferred 12 seriously ill patients from Alpha Town to hospitals "
    "in Beta Village on Monday.",
])
def test_people_carried_away_are_displaced_from_where_they_were_taken(text):
    gaz2 = Gazetteer([_place("Alpha Town", 40.0, 46.0), _place("Beta Village", 40.3, 46.4)])
    evs = extract_article(art(text), gazetteer=gaz2)
    assert [(e.event_type, e.place) for e in evs] == [("displacement", "Alpha Town")]


@pytest.mark.parametrize("text", [
    "Some 900 people have been stranded outside Alpha Town since Monday.",
    "Residents of Alpha Town queued for bread through the night on Monday.",
    "The road to Alpha Town has been closed to all traffic since Monday.",
])
def test_people_cut_off_or_short_of_food_are_a_displacement_report(gaz, text):
    evs = extract_article(art(text), gazetteer=gaz)
    assert [e.event_type for e in evs] == ["displacement"]


def test_a_rally_in_the_city_the_sentence_opens_with_is_there():
    city = Place(name="Yerevan", lat=40.18, lon=44.51, precision="settlement", kind="city",
                 country="AM", admin="Yerevan", aliases=(), population=10**6, source="test")
    (ev,) = extract_article(art("In Yerevan, thousands of protesters marched to the "
                                "parliament on Sunday."), gazetteer=Gazetteer([city]))
    assert (ev.event_type, ev.place) == ("protest", "Yerevan")


def test_a_toll_counts_from_its_since_date_not_from_when_it_was_announced(gaz):
    text = ("Since 1 October, 41 civilians have been killed in the shelling, the ombudsman "
            "said in a statement on Monday.")
    (ev,) = extract_article(art(text), gazetteer=gaz)
    assert (ev.event_type, ev.event_date, ev.fatalities) == (
        "casualties", dt.date(2020, 10, 1), 41)
    text = ("The Defence Ministry said on Wednesday that 64 soldiers had been killed during "
            "the offensive carried out on 3-4 October.")
    (ev,) = extract_article(art(text), gazetteer=gaz)
    assert (ev.event_type, ev.event_date) == ("casualties", dt.date(2020, 10, 3))


def test_the_deadliest_since_compares_and_counts_nothing(gaz):
    text = ("Eleven soldiers were killed in Tuesday's clashes near Alpha Town, the deadliest "
            "since the war, the ministry said.")
    evs = extract_article(art(text), gazetteer=gaz)
    assert [(e.event_type, e.event_date, e.fatalities) for e in evs] == [
        ("border_incident", dt.date(2020, 10, 6), 11)]


def test_coming_under_fire_is_an_incident_when_troops_were_fired_on(gaz):
    (ev,) = extract_article(art("Two peacekeepers were wounded when their patrol came under "
                                "fire near Alpha Town on Monday."), gazetteer=gaz)
    assert ev.event_type == "border_incident"
    (ev,) = extract_article(art("Homes in Alpha Town came under fire on Monday."),
                            gazetteer=gaz)
    assert ev.event_type == "shelling"


def test_a_day_of_fighting_between_two_forces_is_an_incident(gaz):
    (ev,) = extract_article(art("Fighting between the two armies raged for a third day on "
                                "Tuesday across Karabakh."), gazetteer=gaz)
    assert (ev.event_type, ev.event_date) == ("border_incident", dt.date(2020, 10, 6))


def test_residents_named_by_their_town_leaving_for_elsewhere_are_displaced(gaz):
    evs = extract_article(art("Many residents of Alpha Town, which was shelled on Monday, have "
                              "left for the capital, a reporter in the town said."), gazetteer=gaz)
    assert "displacement" in [e.event_type for e in evs]
