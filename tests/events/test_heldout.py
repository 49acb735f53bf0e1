"""Regression floors on a corpus of invented articles kept apart from the development set.

``tests/data/heldout/`` holds twelve short news-style articles written for this
project (wire services, Armenian and Azerbaijani outlets, an international
body; 2016, 2020, the 2021-2022 border clashes, the Lachin corridor blockade
and the September 2023 offensive) with hand-made gold events in
``gold.jsonl``, annotated by the conventions of ``../shared/corpus/README.md``
before the pipeline was run on them. Their phrasing deliberately differs from
the development corpus.

The set was first scored blind: strict F1 0.394, typed 0.479, side accuracy
0.824 (86 gold events, 56 predicted; border_incident 0/16, displacement 2/12,
diplomacy 3/11, protest 0/3). Its per-event differences were then used to find
which families of reporting language the rules lacked (exchanges of fire,
downed drones, passive violations, people leaving and crossing, speech
channels, bare institutions in partisan media, relative days, ...), and the
rules were written from that general vocabulary, each with a unit test on a
sentence written for the test. The set is therefore no longer blind: it is a
regression check, as is set B below.

Scores when the floors were set (86 gold events, 87 predicted): strict F1
0.994 (P 0.989, R 1.000), typed F1 0.994, side accuracy on typed matches
1.000, located recall 1.000 of 55 with 0.945 of located matches within 10 km,
no schema errors. Per type (strict matches / gold): shelling 27/27,
border_incident 16/16, displacement 12/12, diplomacy 11/11, casualties 7/7,
offensive 5/5, ceasefire 5/5, protest 3/3. The floors sit about 0.05 below
those figures: they catch regressions.

``tests/data/heldout_b/`` (fourteen invented articles, 100 gold events, see its
README) was blind until commit 9498e9e: strict F1 0.371, typed 0.562, side 0.660
when it was written; strict 0.646, typed 0.728, side 0.887, 0.973 within 10 km
at 9498e9e (border_incident F1 0.47, displacement 0.375, diplomacy 0.57,
ceasefire 0.73, protest 0.75, offensive 0.77, shelling 0.77, casualties 0.83).
Its per-event differences were then used, like set A's, to find families of
reporting language the rules lacked (attacks on positions, violations along a
line, places taken by count, people leaving for / moved / housed, rationing,
an agreement to halt operations, sessions, receptions, apologies and decrees,
crowds gathered with demands; plans told after the noun, deals "struck",
topics of talks, decades recalled, deaths "in the clashes"; the disputed
region's institutions, an outlet's own reporter, participle and reduced-passive
attribution, local officials of a town in Armenia; road names and places cited
as sources), each written from the general vocabulary with a unit test on a
sentence written for the test. Scores when its floors were set (100 gold
events, 102 predicted): strict F1 0.891 (P 0.882, R 0.900), typed F1 0.891,
side accuracy 1.000, located recall 0.883 of 60 with 0.962 within 10 km. Per
type (strict matches / gold): shelling 17/19, border_incident 15/17, diplomacy
18/20, casualties 12/12, displacement 9/11, offensive 7/8, protest 7/7,
ceasefire 5/6. The floors sit about 0.05 below. Set B is therefore no longer
blind either: ``tests/data/heldout_c/``, written by someone else and never
opened while these rules were written, is the blind measure of generality.

Set C (fourteen invented articles, 110 gold events): strict F1 0.598, typed
0.618, side 0.968, 1.000 within 10 km at 9498e9e; strict 0.628, typed 0.638,
side 0.985, 1.000 within 10 km after set B's rule families, which is what they
are worth on text they were not written from. Only those scores were read
until set D existed. Then set C's per-event differences were opened, like A's
and B's, for another round of families (running tolls and the periods they
name, capitals that were struck, a year long past not dating news of the
week, places taken in the passive, plans that fell through, "his office",
both countries' ministries, phone calls, people stranded, carried away or
short of food, fire on troops, "X district", fighting that raged): strict
0.776, typed 0.785, side 0.988, 0.980 within 10 km, and its floors moved up to
about 0.05 below those.

Set D (twelve invented articles of wire length, 151 gold events, see its
README) was written and annotated by someone who neither ran the pipeline nor
read its rules. Before that round: strict F1 0.542, typed 0.601, side 0.902,
1.000 within 10 km; after it: strict 0.555, typed 0.626, side 0.887, 1.000
within 10 km. Only those scores have been read; its floors sit about 0.05
below. The gap between set D and the development corpus is the honest size of
what the rules still miss on text they were not written from.

The scorer is ``../shared/eval/score.py``, loaded at run time, never copied.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from events.corpus import read_corpus
from events.pipeline import extract_corpus
from events.schema import feature_collection
from geodata.gazetteer import default_gazetteer

ROOT = Path(__file__).resolve().parents[2]
SCORER = ROOT / ".." / "shared" / "eval" / "score.py"


@dataclass(frozen=True)
class HeldOut:
    """One held-out folder, its size and the floors its scores must stay above."""

    folder: str
    articles: int
    gold_events: int
    strict_f1: float
    typed_f1: float
    side_accuracy: float
    within_10km: float

    @property
    def path(self) -> Path:
        return ROOT / "tests" / "data" / self.folder


SETS = {
    "a": HeldOut("heldout", 12, 86, strict_f1=0.94, typed_f1=0.94, side_accuracy=0.95,
                 within_10km=0.89),
    "b": HeldOut("heldout_b", 14, 100, strict_f1=0.84, typed_f1=0.84, side_accuracy=0.95,
                 within_10km=0.91),
    "c": HeldOut("heldout_c", 14, 110, strict_f1=0.72, typed_f1=0.73, side_accuracy=0.93,
                 within_10km=0.93),
    "d": HeldOut("heldout_d", 12, 151, strict_f1=0.50, typed_f1=0.57, side_accuracy=0.83,
                 within_10km=0.95),
}


def _load_scorer() -> ModuleType:
    """The shared evaluation script as a module, so its matching rules are the judge's."""
    spec = importlib.util.spec_from_file_location("heldout_score", SCORER)
    assert spec is not None and spec.loader is not None, f"cannot load {SCORER}"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scorer() -> ModuleType:
    if not SCORER.is_file():
        pytest.fail(f"the shared scorer is missing: {SCORER}")
    return _load_scorer()


@pytest.fixture(scope="module", params=sorted(SETS), ids=lambda k: f"set_{k}")
def heldout(request: pytest.FixtureRequest) -> HeldOut:
    return SETS[request.param]


@pytest.fixture(scope="module")
def gold(scorer: ModuleType, heldout: HeldOut) -> list[dict]:
    return scorer.load_gold(heldout.path / "gold.jsonl")


@pytest.fixture(scope="module")
def predicted(scorer: ModuleType, heldout: HeldOut,
              tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """The pipeline's events on the held-out folder, read back as the scorer reads files."""
    articles, errors = read_corpus(heldout.path)
    assert not errors, f"held-out corpus did not read cleanly: {errors}"
    assert len(articles) == heldout.articles
    result = extract_corpus(articles, gazetteer=default_gazetteer(), progress=False)
    assert not result.errors, f"articles failed in the pipeline: {result.errors}"
    out = tmp_path_factory.mktemp(heldout.folder) / "heldout.geojson"
    out.write_text(json.dumps(feature_collection(result.events)), encoding="utf-8")
    return scorer.load_predicted(out)


@pytest.fixture(scope="module")
def result(scorer: ModuleType, gold: list[dict], predicted: list[dict]) -> dict:
    return scorer.score(gold, predicted)


def test_gold_is_well_formed_and_quotes_its_articles(scorer: ModuleType, heldout: HeldOut,
                                                     gold: list[dict]):
    """Every gold event uses the vocabularies and quotes its evidence verbatim."""
    assert len(gold) == heldout.gold_events
    texts = {p.stem: p.read_text(encoding="utf-8") for p in heldout.path.glob("*.txt")}
    assert len(texts) == heldout.articles
    for g in gold:
        assert g["event_type"] in scorer.TYPES
        assert g["reporting_side"] in scorer.SIDES
        assert g["geo_precision"] in scorer.GEO
        assert g["date_precision"] in scorer.PREC
        assert g["evidence"] in texts[g["article_id"]], g["evidence"]
        if g["geo_precision"] in scorer.RADIUS_KM:
            assert scorer.has_point(g), g


def test_no_schema_errors(result: dict):
    assert result["predicted_events"] > 0
    assert result["schema_errors"] == {}


def test_strict_f1_floor(result: dict, heldout: HeldOut):
    assert result["strict"]["f1"] >= heldout.strict_f1, result["strict"]


def test_typed_f1_floor(result: dict, heldout: HeldOut):
    assert result["typed"]["f1"] >= heldout.typed_f1, result["typed"]


def test_side_accuracy_floor(result: dict, heldout: HeldOut):
    assert result["side_accuracy_on_typed_matches"] >= heldout.side_accuracy


def test_located_matches_are_close(result: dict, heldout: HeldOut):
    """Where a located event is matched, the point is nearly always within 10 km of gold."""
    assert result["geocode_within_10km"] is not None
    assert result["geocode_within_10km"] >= heldout.within_10km
