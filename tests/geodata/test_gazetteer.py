"""The offline gazetteer: names, homonyms, precision, mentions, geopy interface, data build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from geopy.exc import GeocoderUnavailable
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from geodata import gazetteer_build
from geodata.gazetteer import (
    DATA_PATH,
    STOPWORDS,
    Gazetteer,
    OfflineGeocoder,
    Place,
    default_gazetteer,
    fold,
    haversine_km,
    read_places,
)
from geodata.nominatim import CachedGeocoder, nominatim_geocoder

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO / ".." / "shared"
GOLD_FILES = (SHARED / "corpus" / "dev" / "gold.jsonl", SHARED / "articles" / "gold.jsonl")
ARTICLE_DIRS = (SHARED / "corpus" / "dev", SHARED / "articles")


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return default_gazetteer()


# ---------------------------------------------------------------- aliases


@pytest.mark.parametrize(("alias", "canonical"), [
    ("Stepanakert", "Khankendi"), ("Khankendi", "Khankendi"), ("Xankəndi", "Khankendi"),
    ("XANKENDI", "Khankendi"), ("stepanakert", "Khankendi"),
    ("Shushi", "Shusha"), ("Şuşa", "Shusha"), ("Shusha", "Shusha"),
    ("Martuni", "Khojavend"), ("Xocavənd", "Khojavend"),
    ("Berdzor", "Lachin"), ("Laçın", "Lachin"),
    ("Karvachar", "Kalbajar"), ("Kelbajar", "Kalbajar"), ("Kəlbəcər", "Kalbajar"),
    ("Aghdara", "Martakert"), ("Mardakert", "Martakert"), ("Ağdərə", "Martakert"),
    ("Jabrayil", "Jabrayil"), ("Jebrail", "Jabrayil"), ("Cəbrayıl", "Jabrayil"),
    ("Füzuli", "Fuzuli"), ("Fizuli", "Fuzuli"), ("Varanda", "Fuzuli"),
    ("Madagiz", "Madagiz"), ("Sugovushan", "Madagiz"), ("Suqovuşan", "Madagiz"),
    ("Mataghis", "Madagiz"), ("Talysh", "Talish"), ("Talış", "Talish"),
    ("Terter", "Tartar"), ("Tərtər", "Tartar"), ("Agdam", "Aghdam"),
    ("Askeran", "Askeran"), ("Khojaly", "Khojaly"), ("Hadrut", "Hadrut"),
    ("Qubadlı", "Qubadli"), ("Zəngilan", "Zangilan"), ("Gəncə", "Ganja"),
    ("Nakhichevan", "Nakhchivan"), ("Goris", "Goris"), ("Kapan", "Kapan"),
    ("Artsakh", "Nagorno-Karabakh"), ("Karabakh", "Nagorno-Karabakh"),
    ("NKR", "Nagorno-Karabakh"), ("Nagorno Karabakh", "Nagorno-Karabakh"),
    ("Nagorno-Karabakh Republic", "Nagorno-Karabakh"),
    ("the line of contact", "Line of contact"), ("contact line", "Line of contact"),
    ("front line", "Line of contact"),
    ("Armenia-Azerbaijan border", "Armenia–Azerbaijan border"),
    ("along the border", "Armenia–Azerbaijan border"),
    ("Lachin corridor", "Lachin corridor"), ("Hakari bridge", "Hakari bridge"),
    ("Agdere-Terter", "Aghdara-Tartar sector"), ("Fizuli-Jabrail", "Fuzuli-Jabrayil sector"),
    ("Aghdam District", "Aghdam District"), ("Kelbajar region", "Kalbajar District"),
    ("Syunik", "Syunik Province"), ("Gegharkunik", "Gegharkunik Province"),
    ("Türkiye", "Turkey"), ("Russian Federation", "Russia"), ("USA", "United States"),
])
def test_alias_finds_the_canonical_place_first(gaz, alias, canonical):
    assert gaz.lookup(alias)[0].name == canonical


@pytest.mark.parametrize("forms", [
    ("Stepanakert", "Khankendi", "Xankəndi"),
    ("Shushi", "Shusha", "Şuşa"),
    ("Berdzor", "Lachin"),
    ("Karvachar", "Kalbajar", "Kelbajar"),
    ("Aghdara", "Martakert", "Mardakert"),
    ("Madagiz", "Sugovushan", "Mataghis"),
])
def test_forms_of_one_place_are_the_same_object(gaz, forms):
    assert len({gaz.lookup(f)[0] for f in forms}) == 1


def test_matching_ignores_case_and_diacritics(gaz):
    assert fold("Xankəndi") == fold("XANKENDI") == "xankendi"
    assert gaz.lookup("ŞUŞA")[0] is gaz.lookup("susa")[0]
    assert gaz.lookup("nowhere-at-all") == []


# ---------------------------------------------------------------- homonyms


def test_martuni_defaults_to_karabakh(gaz):
    cands = gaz.lookup("Martuni")
    assert {c.country for c in cands} >= {"AM", "AZ"}
    assert gaz.resolve(cands).name == "Khojavend"
    assert gaz.resolve(cands, text="Shelling hit Martuni in Nagorno-Karabakh.").name == \
        "Khojavend"


@pytest.mark.parametrize("text", [
    "Azerbaijani forces shelled Martuni, Gegharkunik Province.",
    "Villages near Martuni in Armenia came under fire.",
    "Armenia's Martuni was hit on Tuesday.",
])
def test_martuni_in_armenia_from_text(gaz, text):
    place = gaz.resolve(gaz.lookup("Martuni"), text=text)
    assert (place.country, place.admin) == ("AM", "Gegharkunik")
    assert place.population > 10000  # the town, not the village of the same name


def test_martuni_in_armenia_from_context_places(gaz):
    vardenis = gaz.resolve(gaz.lookup("Vardenis"))
    place = gaz.resolve(gaz.lookup("Martuni"), context_places=[vardenis])
    assert place.country == "AM"


def test_vardenis_homonyms(gaz):
    cands = gaz.lookup("Vardenis")
    assert len([c for c in cands if c.precision == "settlement"]) >= 2
    assert gaz.resolve(cands).admin == "Gegharkunik"
    assert gaz.resolve(cands, text="the village of Vardenis in Aragatsotn").admin == "Aragatsotn"


def test_agdam_village_of_tovuz(gaz):
    cands = gaz.lookup("Agdam")
    assert gaz.resolve(cands).name == "Aghdam"
    place = gaz.resolve(cands, text="Armenian forces shelled the village of Agdam in Tovuz.")
    assert (place.name, place.admin) == ("Agdam (Tovuz)", "Tovuz")


def test_goris_is_the_armenian_town_not_gori(gaz):
    place = gaz.lookup("Goris")[0]
    assert (place.name, place.country) == ("Goris", "AM")


def test_best_combines_lookup_and_resolve(gaz):
    assert gaz.best("Martuni", text="in Gegharkunik").country == "AM"
    assert gaz.best("no such place") is None
    assert gaz.resolve([]) is None


# ---------------------------------------------------------------- precision


@pytest.mark.parametrize(("name", "precision"), [
    ("Nagorno-Karabakh", "region"), ("Artsakh", "region"), ("line of contact", "region"),
    ("along the border", "region"), ("Aghdam District", "district"),
    ("Fuzuli region", "district"), ("Syunik Province", "district"),
    ("Lachin corridor", "district"), ("Nakhchivan Autonomous Republic", "district"),
    ("Armenia", "country"), ("Azerbaijan", "country"), ("Turkey", "country"),
    ("Russia", "country"), ("Iran", "country"), ("Georgia", "country"), ("France", "country"),
    ("United States", "country"), ("Hadrut", "settlement"), ("Shusha", "settlement"),
    ("Talish", "settlement"), ("Yerevan", "settlement"), ("Baku", "settlement"),
])
def test_precision(gaz, name, precision):
    assert gaz.lookup(name)[0].precision == precision


def test_karabakh_is_one_region_place(gaz):
    forms = ("Nagorno-Karabakh", "Artsakh", "Karabakh", "NKR", "Nagorno-Karabakh Republic")
    places = {gaz.lookup(f)[0] for f in forms}
    assert len(places) == 1
    nk = places.pop()
    assert nk.precision == "region"
    assert haversine_km(nk.lat, nk.lon, 39.85, 46.75) < 5


def test_every_row_is_well_formed(gaz):
    assert len(gaz) > 1000
    for place in gaz.places:
        assert place.source.strip(), place
        assert -90 <= place.lat <= 90 and -180 <= place.lon <= 180, place
        assert place.precision in ("settlement", "district", "region", "country"), place


# ---------------------------------------------------------------- mentions


def test_mentions_longest_match_and_offsets(gaz):
    text = ("Shelling of Stepanakert and the Nagorno-Karabakh Republic's north near "
            "Agdere-Terter continued; the Lachin corridor and Şuşa were quiet.")
    found = gaz.find_mentions(text)
    assert [m.surface for m in found] == [
        "Stepanakert", "Nagorno-Karabakh Republic", "Agdere-Terter", "Lachin corridor", "Şuşa"]
    for m in found:
        assert text[m.start:m.end] == m.surface
    assert [m.candidates[0].name for m in found] == [
        "Khankendi", "Nagorno-Karabakh", "Aghdara-Tartar sector", "Lachin corridor", "Shusha"]


def test_mentions_only_match_whole_words(gaz):
    assert gaz.find_mentions("Bakunin and Yerevanian and Shushaville") == []
    found = gaz.find_mentions("(Baku)")
    assert [(m.start, m.end) for m in found] == [(1, 5)]


@pytest.mark.parametrize("text", [
    "Many of them walked along the road. Of course, Eagle scouts were there.",
    "many people said of it that the mount was green and the border long",
    "Let us see; Us and them; nkr is not written like that. They sent an SOS.",
    "March on Monday, May Day, Union Street, Victory Park.",
])
def test_common_words_do_not_fire(gaz, text):
    assert gaz.find_mentions(text) == []


def test_first_names_of_people_are_not_places(gaz):
    text = "Foreign Minister Ararat Mirzoyan flew from Ararat to Mount Ararat's foot."
    found = gaz.find_mentions(text)
    assert [(m.surface, m.candidates[0].name) for m in found] == [
        ("Ararat", "Ararat"), ("Mount Ararat", "Mount Ararat")]
    assert found[0].start == text.index("from Ararat") + 5


def test_organisation_names_are_not_places(gaz):
    text = ("The OSCE Minsk Group met in Minsk; the Washington Post and Yerevan State "
            "University reported from Washington.")
    assert [m.surface for m in gaz.find_mentions(text)] == ["Minsk", "Washington"]
    assert gaz.find_mentions(text)[0].start == text.index("in Minsk") + 3


def test_country_names_are_not_city_aliases(gaz):
    # GeoNames lists "Iraq" among the names of the Iranian city of Arak
    assert all(p.precision == "country" for p in gaz.lookup("Iraq")) or gaz.lookup("Iraq") == []
    assert [p.name for p in gaz.lookup("Canada")] == ["Canada"]


def test_stopwords_never_indexed(gaz):
    for word in ("of", "many", "along", "eagle", "may", "march"):
        assert word in STOPWORDS
        assert gaz.lookup(word) == []


def test_capitalised_names_need_a_capitalised_surface(gaz):
    assert gaz.find_mentions("near goris") == []
    assert [m.surface for m in gaz.find_mentions("near Goris and GORIS")] == ["Goris", "GORIS"]
    assert [m.surface for m in gaz.find_mentions("the US and the NKR")] == ["US", "NKR"]
    assert [m.surface for m in gaz.find_mentions("U.S. envoys, U.K. envoys")] == ["U.S.", "U.K."]


def test_mentions_on_real_articles_have_exact_offsets(gaz):
    files = sorted(p for d in ARTICLE_DIRS for p in d.glob("*.txt"))
    assert files, "shared articles are missing"
    total = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        found = gaz.find_mentions(text)
        last_end = -1
        for m in found:
            assert text[m.start:m.end] == m.surface, path.name
            assert m.start >= last_end, path.name
            assert m.candidates
            last_end = m.end
        total += len(found)
    assert total > 100


# ---------------------------------------------------------------- gold coordinates


def _gold_events() -> list[dict]:
    events = []
    for path in GOLD_FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                event = json.loads(line)
                if event.get("geo_precision") in ("settlement", "district") \
                        and event.get("lat") is not None:
                    events.append(event)
    return events


def _locate(gaz: Gazetteer, event: dict) -> Place | None:
    """lookup(place) or lookup(location_name); failing both, the first name inside them."""
    names = [n for n in (event.get("place"), event.get("location_name")) if n]
    text = event.get("evidence") or ""
    for name in names:
        if gaz.lookup(name):
            return gaz.best(name, text=text)
    for name in names:
        found = gaz.find_mentions(name)
        if found:
            return gaz.resolve(found[0].candidates, text=text)
    return None


# Gold places with no public coordinate the project could cite (the annotators' own points are
# marked "approx"); they stay out of the gazetteer rather than get an invented pin.
UNSOURCED_GOLD_PLACES = {"Mount Kilisali"}


def test_gold_places_are_within_reach(gaz):
    events = _gold_events()
    assert len(events) > 30
    misses = []
    for event in events:
        radius = 10.0 if event["geo_precision"] == "settlement" else 25.0
        place = _locate(gaz, event)
        dist = None if place is None else haversine_km(
            event["lat"], event["lon"], place.lat, place.lon)
        if event["place"] in UNSOURCED_GOLD_PLACES:
            assert place is None, "now in the gazetteer: drop it from UNSOURCED_GOLD_PLACES"
            continue
        if dist is None or dist > radius:
            misses.append((event["place"], event.get("location_name"), place and place.name,
                           dist and round(dist, 1)))
    assert misses == []


# ---------------------------------------------------------------- geopy


def test_offline_geocoder_returns_locations(gaz):
    geo = OfflineGeocoder(gaz)
    assert isinstance(geo, Geocoder)
    loc = geo.geocode("Stepanakert")
    assert isinstance(loc, Location)
    assert loc.raw["name"] == "Khankendi" and loc.raw["precision"] == "settlement"
    assert haversine_km(loc.latitude, loc.longitude, 39.8177, 46.7528) < 1
    many = geo.geocode("Martuni", exactly_one=False)
    assert len(many) >= 2 and all(isinstance(x, Location) for x in many)
    assert geo.geocode("Martuni", context_text="Gegharkunik Province").raw["country"] == "AM"
    assert geo.geocode("shelling near Hadrut overnight").raw["name"] == "Hadrut"
    assert geo.geocode("Atlantis") is None


def test_offline_geocoder_reverse(gaz):
    geo = OfflineGeocoder(gaz)
    loc = geo.reverse((39.82, 46.75))
    assert loc.raw["name"] == "Khankendi"
    assert geo.reverse("40.1777, 44.5126").raw["name"] == "Yerevan"
    assert geo.reverse((0.0, -30.0)) is None  # mid-Atlantic: nothing within the radius
    near = geo.reverse((39.82, 46.75), exactly_one=False, radius_km=15)
    dists = [haversine_km(39.82, 46.75, x.latitude, x.longitude) for x in near]
    assert dists == sorted(dists) and max(dists) <= 15 and len(near) > 1
    region = geo.reverse((39.85, 46.75), precisions=("region",), radius_km=5)
    assert region.raw["name"] == "Nagorno-Karabakh"


class FakeGeocoder:
    """Stands in for Nominatim: answers from a dict and counts calls."""

    def __init__(self, answers: dict[str, tuple[float, float] | None], fail: bool = False):
        self.answers, self.fail, self.calls = answers, fail, []

    def geocode(self, query, **options):
        self.calls.append(query)
        if self.fail:
            raise GeocoderUnavailable("service down")
        point = self.answers.get(query)
        if point is None:
            return None
        return Location(f"{query}, somewhere", point, {"display_name": query})


def test_nominatim_cache_sends_each_query_once(tmp_path):
    fake = FakeGeocoder({"Sotk": (40.2, 45.87)})
    geo = nominatim_geocoder(user_agent="karabakh-map-test", cache_dir=tmp_path,
                             min_delay_seconds=0, geocoder=fake)
    first = geo("Sotk")
    assert isinstance(first, Location) and first.latitude == pytest.approx(40.2)
    again = geo("  sotk ")  # same query once normalised
    assert again.address == first.address and fake.calls == ["Sotk"]
    assert geo("Nowhere") is None and geo("Nowhere") is None
    assert fake.calls == ["Sotk", "Nowhere"]  # "not found" is cached too
    # a new geocoder over the same directory reads the cache from disk
    fresh = FakeGeocoder({})
    reread = CachedGeocoder(fresh, tmp_path, min_delay_seconds=0)
    assert reread.geocode("Sotk").longitude == pytest.approx(45.87) and fresh.calls == []


def test_nominatim_errors_are_not_cached(tmp_path):
    down = FakeGeocoder({"Sotk": (40.2, 45.87)}, fail=True)
    geo = CachedGeocoder(down, tmp_path, min_delay_seconds=0)
    assert geo("Sotk") is None
    up = FakeGeocoder({"Sotk": (40.2, 45.87)})
    assert CachedGeocoder(up, tmp_path, min_delay_seconds=0)("Sotk") is not None
    assert up.calls == ["Sotk"]


def test_nominatim_default_is_built_without_network(tmp_path):
    from geopy.geocoders import Nominatim

    geo = nominatim_geocoder(user_agent="karabakh-map-test", cache_dir=tmp_path / "c")
    assert isinstance(geo.geocoder, Nominatim)
    assert (tmp_path / "c").is_dir()


# ---------------------------------------------------------------- data files


def test_committed_data_is_compact_and_credited():
    raw = DATA_PATH.read_bytes()
    assert len(raw) < 300 * 1024
    head = raw[:600].decode("utf-8")
    assert "GeoNames" in head and "CC BY 4.0" in head
    sources = (DATA_PATH.parent / "SOURCES.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in sources or "Attribution 4.0" in sources


def test_every_curated_row_names_a_source():
    rows = gazetteer_build.read_curated()
    assert len(rows) > 50
    for row in rows:
        assert row["source"].strip(), row["name"]
        assert row["lat"] and row["lon"] or row["geonameid"] or row["seat"], row["name"]


def test_bad_rows_are_reported_with_file_and_line(tmp_path):
    bad = tmp_path / "g.csv"
    bad.write_text("# c\nname,lat,lon,precision,kind,country,admin,population,aliases,source\n"
                   "X,north,1,settlement,city,AM,,0,,s\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"g\.csv: line \d+"):
        read_places(bad)
    cur = tmp_path / "cur.csv"
    cur.write_text("name,aliases,lat,lon,precision,kind,country,admin,population,geonameid,"
                   "seat,source\nX,,1,1,settlement,city,AM,,0,,,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="cur.csv: data row 2: a name and a source"):
        gazetteer_build.read_curated(cur)


def test_alias_expansion_for_districts():
    assert gazetteer_build.expand_aliases("Aghdam*|Agdam rayonu", "rayon") == [
        "Aghdam District", "Aghdam Rayon", "Aghdam Raion", "Aghdam Region", "Agdam rayonu"]
    # journalists write "the Martakert district" for a province of Karabakh too
    assert gazetteer_build.expand_aliases("Martakert*", "province") == [
        "Martakert Province", "Martakert Region", "Martakert District"]
    assert gazetteer_build.clean_aliases("Kapan", ["YUK", "ka pan", "Ghapan", "Капан",
                                                   "Kapan Rayonu", "Kafan"]) == ["Ghapan", "Kafan"]
    assert gazetteer_build.clean_aliases("Arak", ["Iraq", "Arak", "Sultanabad"],
                                         frozenset({("iraq",)})) == ["Arak", "Sultanabad"]


@pytest.mark.slow
def test_build_reproduces_committed_file(tmp_path):
    out = gazetteer_build.build(tmp_path)
    assert out.read_bytes() == DATA_PATH.read_bytes()


def test_resolve_accepts_place_like_context(gaz):
    """Callers may pass their own records (name/lat/lon/precision/country/admin) as context."""

    class Seen:
        name, lat, lon, precision, country, admin = (
            "Vardenis", 40.18, 45.73, "settlement", "AM", "Gegharkunik")

    class Bare:  # no attributes at all: ignored, not an error
        pass

    assert gaz.resolve(gaz.lookup("Martuni"), context_places=[Seen()]).country == "AM"
    assert gaz.resolve(gaz.lookup("Martuni"), context_places=[Bare()]).name == "Khojavend"
