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
    assert side_of_claimant("Trend") is None  # not a registry key on its own
    assert side_of_claimant("APA News") == "azerbaijani"
