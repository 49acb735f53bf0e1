"""Who claims what: attribution shapes and sides, one fact per case."""

from __future__ import annotations

import pytest

from events.extract.sides import NameBook, find_claims, learn_names, side_of_claimant


def primary(text: str, names: NameBook | None = None):
    return find_claims(text, names=names or NameBook(), last=None).primary()


@pytest.mark.parametrize(
    ("text", "claimant", "side"),
    [
        ("The Armenian Defence Ministry said enemy guns fired overnight.",
         "The Armenian Defence Ministry", "armenian"),
        ("Azerbaijan's foreign ministry claimed the town was hit.",
         "Azerbaijan's foreign ministry", "azerbaijani"),
        ("Shells fell on the market, according to Karabakh officials.",
         "Karabakh officials", "armenian"),
        ("Two villages were hit on Monday, per Reuters.", "Reuters", "third_party"),
        ("Two villages were hit on Monday, said the Azerbaijani Defence Ministry.",
         "the Azerbaijani Defence Ministry", "azerbaijani"),
        ("Armenian units were accused of shelling two villages by the ministry in Baku.",
         "the ministry in Baku", "azerbaijani"),
        ("The Kremlin said talks would continue.", "The Kremlin", "third_party"),
        ("Officials in Stepanakert reported new strikes.", "Officials in Stepanakert",
         "armenian"),
    ],
)
def test_attribution_shapes(text, claimant, side):
    (claim,) = primary(text)
    assert (claim.claimant, claim.side) == (claimant, side)


def test_speaker_wins_over_the_channel_that_relays_it():
    (claim,) = primary("Baku said the shelling went on all night, the AP reports.")
    assert claim.side == "azerbaijani"


def test_mutual_accusation_gives_one_claim_per_side():
    claims = primary("Yerevan and Baku accused each other of breaking the truce.")
    assert sorted(c.side for c in claims) == ["armenian", "azerbaijani"]


def test_pronoun_points_back_to_the_last_source():
    first = primary("The Armenian military said a drone was downed.")[0]
    (claim,) = find_claims("It said a second one crashed.", names=NameBook(),
                           last=first).primary()
    assert claim.claimant == first.claimant and not claim.explicit


def test_names_learned_from_the_article_place_a_bare_name():
    names = NameBook()
    learn_names("Azerbaijan's Deputy Minister Rauf Guliyev spoke first.", names)
    assert side_of_claimant("Guliyev", names) == "azerbaijani"


def test_armenian_surname_ending_places_a_person():
    assert side_of_claimant("spokesman Arsen Petrosyan") == "armenian"


def test_registered_outlet_speaks_for_its_side():
    assert side_of_claimant("Armenpress") == "armenian"
    # short agency names count only as whole names, never inside other words
    assert side_of_claimant("Trend") == "azerbaijani"
    assert side_of_claimant("the trend analysts") is None
    assert side_of_claimant("APA") == "azerbaijani"
    assert side_of_claimant("Japan's foreign ministry") is None
    assert side_of_claimant("APA News") == "azerbaijani"


def test_institution_without_a_country_speaks_for_a_partisan_outlets_side():
    names = NameBook()
    (claim,) = find_claims("The press service said two posts were hit.", names=names,
                           last=None, home_side="azerbaijani").primary()
    assert (claim.claimant, claim.side) == ("The press service", "azerbaijani")
    (claim,) = find_claims("Ministry spokesman Tural Gasimov said the road was shelled.",
                           names=names, last=None, home_side="armenian").primary()
    assert claim.side == "armenian"
    # the person is now known: a bare surname later in the article keeps the side
    assert side_of_claimant("Gasimov", names) == "armenian"


def test_institution_without_a_country_stays_third_party_for_a_wire_service():
    (claim,) = find_claims("The press service said two posts were hit.", names=NameBook(),
                           last=None, home_side="third_party").primary()
    assert claim.side == "third_party"


def test_named_country_beats_the_outlets_side():
    (claim,) = find_claims("The Russian defence ministry said the truce held.",
                           names=NameBook(), last=None, home_side="armenian").primary()
    assert claim.side == "third_party"


def test_subject_of_a_coordinated_predicate_is_the_source():
    for text, who in [
        ("Yerevan rejected the accusation and claimed that enemy troops fired first.",
         "Yerevan"),
        ('The Defence Ministry dismissed the report as "fake" and alleged that drones hit '
         "a bus.", "The Defence Ministry"),
    ]:
        (claim,) = primary(text)
        assert claim.claimant == who


def test_predicate_is_not_mistaken_for_a_subject():
    (claim,) = primary("The envoy of France, Jean Morel, spoke by phone with President Ilham "
                       "Aliyev on Monday and urged restraint.")
    assert (claim.claimant, claim.side) == ("Jean Morel", "third_party")


def test_according_to_a_bare_institution_refers_back():
    from events.extract.sides import Claim

    last = Claim("Azerbaijan's Prosecutor General's Office", "azerbaijani")
    (claim,) = find_claims("Two civilians were hurt, according to the office.",
                           names=NameBook(), last=last).primary()
    assert claim.side == "azerbaijani"


def test_writer_reporting_fighting_each_side_blames_keeps_its_own_voice():
    attr = find_claims("Troops traded fire on the border, each side blaming the other.",
                       names=NameBook(), last=None)
    assert attr.mutual and attr.also_outlet
    attr = find_claims("The two ministries accused each other of opening fire.",
                       names=NameBook(), last=None)
    assert attr.mutual and not attr.also_outlet


def test_third_party_officials_are_learnt_by_name():
    names = NameBook()
    learn_names("French President Emmanuel Morel called for calm.", names)
    assert side_of_claimant("Morel", names) == "third_party"


def test_officials_on_both_sides_are_two_claims():
    attr = find_claims("Shells fell near the pass, officials on both sides said.",
                       names=NameBook(), last=None)
    assert sorted(c.side for c in attr.primary()) == ["armenian", "azerbaijani"]


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("Authorities in the breakaway republic said the airport was hit.", "armenian"),
        ("Two guards died near the pass, the region's interior ministry said.", "armenian"),
    ],
)
def test_the_disputed_regions_own_institutions_speak_for_the_armenian_side(text, side):
    (claim,) = primary(text)
    assert claim.side == side


def test_an_outlets_own_reporter_speaks_for_the_outlet():
    assert side_of_claimant("Trend's correspondent in the area") == "azerbaijani"
    assert side_of_claimant("an Armenpress reporter") == "armenian"
    # a reporter of an unregistered outlet says nothing about a side
    assert side_of_claimant("the newspaper's correspondent") is None


def test_a_participle_after_the_main_clause_names_its_subject_as_the_source():
    (claim,) = primary("Azerbaijan's border service gave a different account, saying its "
                       "patrol had been fired on first.")
    assert (claim.claimant, claim.side) == ("Azerbaijan's border service", "azerbaijani")
    # the opening words must look like a source: a count of victims is not one
    assert primary("Three soldiers were wounded, adding to the toll.") == []


def test_a_passive_without_its_verb_be_still_names_the_source():
    (claim,) = primary("A truce announced late on Monday by Armen Sargsyan, the council "
                       "secretary, has mostly held.")
    assert claim.claimant.startswith("Armen Sargsyan")
    assert claim.side == "armenian"


def test_a_toll_given_and_a_call_made_name_their_source():
    (claim,) = primary("Azerbaijan put its own losses over the week at forty soldiers.")
    assert claim.side == "azerbaijani"
    (claim,) = primary("The French president spoke by phone with both leaders on Monday.")
    assert (claim.claimant, claim.side) == ("The French president", "third_party")
    # "put" alone is no attribution: "put an end to" names no source
    assert primary("The truce put an end to the fighting.") == []
