"""Event types: one sentence per rule, written for the test (not taken from articles)."""

from __future__ import annotations

import pytest

from events.extract.types import find_type_cues, is_asserted


def asserted_types(text: str) -> set[str]:
    return {c.event_type for c in find_type_cues(text) if is_asserted(text, c)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Artillery units shelled the outskirts of the town overnight.", "shelling"),
        ("A drone strike hit a warehouse near the river.", "shelling"),
        ("The army said cluster munitions were used on the village.", "shelling"),
        ("Rockets were launched at the city late on Monday.", "shelling"),
        ("Troops on both sides exchanged fire along the frontier.", "border_incident"),
        ("Fresh clashes were reported on the northern flank.", "border_incident"),
        ("Each army said the other had violated the truce within hours.", "border_incident"),
        ("Two drones were shot down over the district, the ministry said.", "border_incident"),
        ("Government troops captured the hilltop town after a week of fighting.", "offensive"),
        ("The defenders lost control of the old fortress.", "offensive"),
        ("The army launched a large-scale operation in the south.", "offensive"),
        ("Thousands of residents fled their homes as the front moved.", "displacement"),
        ("Officials evacuated two villages near the line.", "displacement"),
        ("The only road into the valley has been blocked for weeks.", "displacement"),
        ("At least nine soldiers were killed, officials said.", "casualties"),
        ("The two sides agreed to a humanitarian ceasefire on Saturday.", "ceasefire"),
        ("A truce brokered by the mediators took effect at noon.", "ceasefire"),
        ("The foreign ministers met in the capital for talks.", "diplomacy"),
        ("The president held a phone call with his counterpart.", "diplomacy"),
        ("Hundreds of protesters rallied outside parliament.", "protest"),
    ],
)
def test_vocabulary_names_the_type(text, expected):
    assert expected in asserted_types(text)


@pytest.mark.parametrize(
    "text",
    [
        "The ministry denied that its forces shelled the village.",
        "Officials said no shelling took place overnight.",
        "The army plans to launch an offensive next month.",
        "Such strikes could trigger a wider war, analysts warned.",
        "If the truce fails, the two sides would resume shelling.",
        "The commander threatened to shell the town.",
        "Both governments called for a ceasefire.",
        "The clashes were stopped by the arrival of mediators.",
        "Activists ended the blockade of the road.",
    ],
)
def test_denied_planned_or_hypothetical_is_not_an_event(text):
    kinds = asserted_types(text) - {"diplomacy"}
    assert not kinds & {"shelling", "offensive", "ceasefire", "border_incident",
                        "displacement"}


def test_ongoing_act_vowed_to_continue_counts():
    assert "shelling" in asserted_types("The army vowed to continue its bombardment of the hills.")


def test_an_attempted_assault_is_reported_as_one():
    assert "offensive" in asserted_types("The enemy attempted to launch an offensive at dawn.")


def test_cue_offsets_point_into_the_text():
    text = "Heavy shelling was reported."
    (cue,) = [c for c in find_type_cues(text) if c.event_type == "shelling"]
    assert text[cue.start:cue.end] == cue.phrase
