"""Where a reported event happened, geocoded with the injected gazetteer.

Candidates are the gazetteer's place mentions plus the phrases that name
areas rather than points ("along the border", "the line of contact",
"Nagorno-Karabakh" as a whole); the decision drops mentions that are not the
scene of the event: the speaker ("Karabakh officials said"), an origin
("fired from Armenia"), a capital standing for its government ("Baku said").
Areas get a coarse ``geo_precision`` and never a false exact pin.

The gazetteer is passed in by the caller (duck-typed: ``find_mentions``,
``resolve``, ``lookup``), never loaded here.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from events.extract.casefold import CaseFree, lower, same_length_lower

PRECISION_RANK = {"settlement": 0, "district": 1, "region": 2, "country": 3}


class GazetteerLike(Protocol):
    def find_mentions(self, text: str) -> list[Any]: ...
    def resolve(self, candidates: Sequence[Any], *, context_places: Sequence[Any] = (),
                text: str = "") -> Any: ...
    def lookup(self, name: str) -> list[Any]: ...


@dataclass(frozen=True, slots=True)
class Located:
    """A place an event is put at: what the text says and where that is."""

    surface: str  # as written
    name: str  # canonical
    precision: str
    lat: float | None
    lon: float | None
    start: int = -1  # offset in the clause, -1 for defaults
    end: int = -1
    admin: str = ""
    country: str = ""
    dateline: bool = False  # "LONDON —": where the story was filed
    origin: bool = False  # "fired from Armenia", "fleeing Kelbajar": where it came from
    destination: bool = False  # "evacuated to Yerevan": where people were taken
    route: bool = False  # "travelled through the corridor": a way, not a scene


# Areas: (pattern, canonical name, precision, names to ask the gazetteer for a point)
# (case-insensitive ones are run through their lower-cased twins: see ``CaseFree``)
_AREAS: tuple[tuple[CaseFree, str, str], ...] = tuple((CaseFree(rx), name, precision) for (
        rx, name, precision) in (
    (re.compile(r"\b(?:along|on|at|near|across)\s+(?:the\s+)?(?:\w+\s+){0,2}(?:border|frontier)\b"
                r"|\bborder (?:area|region|zone|districts?|villages?|"
                r"with (?:Armenia|Azerbaijan))\b",
                re.I), "Armenia–Azerbaijan border", "region"),
    (re.compile(r"\b(?:line of contact|contact line|front ?line|frontlines?|front lines?|"
                r"(?:southern|northern|eastern|western|entire) front)\b", re.I),
     "Line of contact", "region"),
    (re.compile(r"\b(?:Nagorno[- ]Karabakh|Nagorny Karabakh|Karabakh|Karabagh|Artsakh|NKR)\b"),
     "Nagorno-Karabakh", "region"),
))
# Words each area pattern needs (lower case for the case-insensitive ones, else as written).
_AREA_NEEDS: tuple[tuple[tuple[str, ...], bool], ...] = (
    (("border", "frontier"), False),
    (("line", "front"), False),
    (("Karabakh", "Karabagh", "Artsakh", "NKR"), True),
)
# A named place right before one of these words is the speaker, not the scene.
_SPEAKER_AFTER_RX = re.compile(
    r"^\s*(?:'s\s+|’s\s+)?(?:\w+\s+){0,2}(?:officials?|authorities|leaders?|leadership|"
    r"government|ministry|military|army|forces|said|says|reported|claimed|announced|denied|"
    r"accused|ombudsman|spokes\w+|media|president|side)\b"
    r"(?!\s+(?:air ?base|base|airport|airfield|facilit\w+|installations?|units?|positions?|"
    r"hospital|depot|warehouse|headquarters|posts?|targets?))", re.I)
_ORIGIN_BEFORE_RX = re.compile(r"\b(?:from|out of|leave|leaves|leaving|left|fled|flee|fleeing|"
                            r"departing|abandoned)\s+(?:the\s+)?(?:\w+\s+){0,2}$", re.I)
# "the head of Darbas community", "a native of Shusha": who someone is, not where it happened
_AFFILIATION_BEFORE_RX = re.compile(r"\b(?:heads?|mayors?|governors?|chiefs?|MPs?|deput(?:y|ies)|"
                                 r"representatives?)\s+(?:of|from)\s+"
                                 r"(?:the\s+)?(?:[A-Z][\w-]+\s+and\s+)?$", re.I)
_ORG_AFTER_RX = re.compile(r"^\s*(?:Group|Process|Format|Protocol|Declaration|Agreement|Accords?|"
                        r"Principles|Talks|Summit|Document|Institute|University|Times|Post|"
                        r"Journal|News|Agency|Court)\b", re.I)
_LOCATIVE_BEFORE_RX = re.compile(r"\b(?:in|into|inside|within|on|at|across|near|over|to|toward|"
                              r"towards|throughout|entered)\s+(?:the\s+)?$", re.I)
_DATELINE = re.compile(r"^\s*[A-Z][A-Za-z/ .-]{1,40}?(?:,\s*[A-Z][A-Za-z ]+){0,2}"
                       r"(?:,\s*\w+\s+\d+)?\s*(?:\([A-Za-z]+\))?\s*(?:[—–-]|\.-)")
_CAPITAL_AS_GOVERNMENT = frozenset({"Baku", "Yerevan", "Moscow", "Ankara", "Washington",
                                    "Stepanakert", "Paris", "Tehran"})
_INSTITUTION_SITES: dict[str, str] = {
    # an institution named as the place of a meeting stands for its city
    "State Department": "Washington",
    "White House": "Washington",
    "Kremlin": "Moscow",
    "Pentagon": "Washington",
}


_INSTITUTION_RX = {inst: re.compile(r"\bat the " + re.escape(inst) + r"\b")
                   for inst in _INSTITUTION_SITES}
# Compiled once here rather than inline: they run for every place mention.
_PREPOSITION_BEFORE = re.compile(r"\b(?:in|at|near|on|of)\s+(?:the\s+)?$")
_AFFILIATION_TAIL = re.compile(r",?\s*(?:[A-Za-z-]+\s+)?(?:community|municipality|village)?,\s*")
_HYPHEN_WORD = re.compile(r"-[a-z]")
_IN_CAPITAL_BEFORE_RX = re.compile(r"\b(?:in|at|near|on|to|into|of|around|outside|through|across|"
                                r"over|from|towards?|via|inside|within)\s+(?:the\s+)?(?:(?:central|downtown|northern|southern|"
                                r"eastern|western|outer)\s+)?$", re.I)
# A capital is its government ("Baku said") unless it is what was acted on: the object of a
# strike or a move ("shelled Stepanakert", "advanced on Stepanakert") or a passive's subject
# ("Stepanakert, its main city, was targeted").
_ACTED_ON_BEFORE_RX = re.compile(
    r"\b(?:shelled|shelling|struck|striking|hit|hitting|targeted|targeting|attacked|attacking|"
    r"bombed|bombing|bombarded|pounded|pounding|rocketed|fired (?:on|at|into)|fire (?:on|at)|"
    r"strikes? on|attacks? on|entered|reached|approached|surrounded|encircled|captured|took|"
    r"advanced (?:on|towards?)|advancing (?:on|towards?)|closing in on)\s+(?:the\s+)?$", re.I)
_ACTED_ON_AFTER_RX = re.compile(
    r"^(?:\s*,[^,]{1,40},)?\s+(?:was|were|had been|has been|have been|is being|came|comes|"
    r"remained|remains)\s+(?:\w+\s+){0,2}?(?:shelled|struck|hit|targeted|attacked|bombed|"
    r"bombarded|pounded|rocketed|under)\b", re.I)
_TO_BEFORE = re.compile(r"\b(?:to|into)\s+(?:the\s+)?$")
# "In Yerevan, the ministry said ...": where a statement was made, not where it happened
_SPEECH_SITE = re.compile(r"^\s*(?:In|Speaking in|From|Speaking from)\s+$")
_DESTINATION_BEFORE_RX = re.compile(r"\b(?:evacuated|relocated|moved|taken|transferred|sent|bused|"
                                 r"brought|resettled|fled|flown|carried|ferried|transported|"
                                 r"driven|airlifted)\s+(?:[\w-]+\s+){0,6}?(?:to|into)\s+"
                                 r"(?:the\s+)?(?:[\w-]+\s+){0,2}(?:in\s+)?$", re.I)
_ROUTE_BEFORE_RX = re.compile(r"\b(?:through|via|along)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$", re.I)
# "the Lachin-Khankendi road": the two ends of a road name the road, not a scene
_ROAD_WORD = r"\s+(?i:road|highway|motorway|route)\b"
_ROAD_FIRST_END = re.compile(r"[-–]\s?(?:[A-Z][\w’']*\s+){0,2}[A-Z][\w’']*" + _ROAD_WORD)
_ROAD_SECOND_END = re.compile(_ROAD_WORD)
_ROAD_PAIR_BEFORE = re.compile(r"[A-Z][\w’']*\s?[-–]$")
# "according to Yerevan", "per Baku": a place standing for its authorities
_SOURCE_BEFORE_RX = re.compile(r"\b(?:according to|per|cited by|quoted by|citing)\s+$", re.I)


# Tried at every place mention: run through their lower-cased twins (see ``CaseFree``).
_SPEAKER_AFTER = CaseFree(_SPEAKER_AFTER_RX)
_ORIGIN_BEFORE = CaseFree(_ORIGIN_BEFORE_RX)
_AFFILIATION_BEFORE = CaseFree(_AFFILIATION_BEFORE_RX)
_ORG_AFTER = CaseFree(_ORG_AFTER_RX)
_LOCATIVE_BEFORE = CaseFree(_LOCATIVE_BEFORE_RX)
_IN_CAPITAL_BEFORE = CaseFree(_IN_CAPITAL_BEFORE_RX)
_ACTED_ON_BEFORE = CaseFree(_ACTED_ON_BEFORE_RX)
_ACTED_ON_AFTER = CaseFree(_ACTED_ON_AFTER_RX)
_DESTINATION_BEFORE = CaseFree(_DESTINATION_BEFORE_RX)
_ROUTE_BEFORE = CaseFree(_ROUTE_BEFORE_RX)
_SOURCE_BEFORE = CaseFree(_SOURCE_BEFORE_RX)


def _attr(obj: Any, name: str, default: Any = None) -> Any:
    return getattr(obj, name, default)


def _from_place(place: Any, surface: str, start: int, end: int) -> Located:
    return Located(
        surface=surface,
        name=str(_attr(place, "name", surface)),
        precision=str(_attr(place, "precision", "settlement") or "settlement"),
        lat=_attr(place, "lat"),
        lon=_attr(place, "lon"),
        start=start,
        end=end,
        admin=str(_attr(place, "admin", "") or ""),
        country=str(_attr(place, "country", "") or ""),
    )


def area_place(name: str, precision: str, gazetteer: GazetteerLike | None,
               surface: str = "", start: int = -1, end: int = -1) -> Located:
    """An area (region/border/front) with the gazetteer's point for it when it has one."""
    lat = lon = None
    if gazetteer is not None:
        try:
            hits = gazetteer.lookup(name)
        except Exception:  # a gazetteer without the area is not an error here
            hits = []
        if hits:
            lat, lon = _attr(hits[0], "lat"), _attr(hits[0], "lon")
            precision = str(_attr(hits[0], "precision", precision) or precision)
            name = str(_attr(hits[0], "name", name))
    return Located(surface or name, name, precision, lat, lon, start, end)


def find_places(clause: str, gazetteer: GazetteerLike | None, *,
                context: Sequence[Any] = (), speaker_spans: Sequence[tuple[int, int]] = (),
                window: str = "") -> list[Located]:
    """Places of a clause that can be the scene of what it reports, in text order."""
    out: list[Located] = []
    low = same_length_lower(clause)  # for the case-insensitive tests (see ``CaseFree``)
    if gazetteer is not None:
        try:
            mentions = gazetteer.find_mentions(clause)
        except Exception:
            mentions = []
        last_affiliation: int | None = None
        for m in mentions:
            start, end = int(_attr(m, "start")), int(_attr(m, "end"))
            surface = str(_attr(m, "surface", clause[start:end]))
            if any(s <= start < e for s, e in speaker_spans):
                continue
            if _SPEAKER_AFTER.match(clause, low, end, end + 40) and not _PREPOSITION_BEFORE.search(
                    clause[max(0, start - 10):start]):
                continue
            origin = bool(_ORIGIN_BEFORE.search(clause, low, max(0, start - 30), start))
            if _AFFILIATION_BEFORE.search(clause, low, max(0, start - 30), start) or (
                    last_affiliation is not None and _AFFILIATION_TAIL.fullmatch(
                        clause[last_affiliation:start])):
                last_affiliation = end
                continue  # "the head of X community, Y Province": who someone is
            if _HYPHEN_WORD.match(clause[end:end + 2]):
                continue  # "Azerbaijan-controlled", "Armenian-populated"
            if _ORG_AFTER.match(clause, low, end, end + 30):
                continue
            if surface in _CAPITAL_AS_GOVERNMENT and not (
                    _IN_CAPITAL_BEFORE.search(clause, low, max(0, start - 24), start)
                    or _ACTED_ON_BEFORE.search(clause, low, max(0, start - 30), start)
                    or _ACTED_ON_AFTER.match(clause, low, end, end + 60)):
                continue
            if _SOURCE_BEFORE.search(clause, low, max(0, start - 16), start):
                continue
            speech_site = surface in _CAPITAL_AS_GOVERNMENT and bool(
                _SPEECH_SITE.match(clause[:start])) and clause[end:end + 1] == ","
            candidates = _attr(m, "candidates", ()) or ()
            try:
                place = gazetteer.resolve(candidates, context_places=tuple(context),
                                          text=window or clause)
            except Exception:
                place = candidates[0] if candidates else None
            if place is None:
                continue
            if str(_attr(place, "precision", "")) == "country" and not _LOCATIVE_BEFORE.search(
                    clause, low, max(0, start - 16), start):
                continue  # "Azerbaijan installed a checkpoint": an actor, not a scene
            located = _from_place(place, surface, start, end)
            if start < 40 and _DATELINE.match(clause[:end + 40]) or speech_site:
                located = dataclasses.replace(located, dateline=True)
            if origin and not _TO_BEFORE.search(clause, max(0, start - 12), start):
                located = dataclasses.replace(located, origin=True)  # not "from A to [B]"
            elif _DESTINATION_BEFORE.search(clause, low, max(0, start - 70), start):
                located = dataclasses.replace(located, destination=True)
            elif _ROUTE_BEFORE.search(clause, low, max(0, start - 30), start) \
                    or _ROAD_FIRST_END.match(clause, end) or (
                        _ROAD_SECOND_END.match(clause, end)
                        and _ROAD_PAIR_BEFORE.search(clause, max(0, start - 30), start)):
                located = dataclasses.replace(located, route=True)
            out.append(located)
        for inst, city in _INSTITUTION_SITES.items():
            if inst not in clause:
                continue  # the pattern below needs the name as written
            for m in _INSTITUTION_RX[inst].finditer(clause):
                hits = _safe_lookup(gazetteer, city)
                if hits:
                    out.append(_from_place(hits[0], inst, m.start(), m.end()))
    folded = low if low is not None else lower(clause)
    for (rx, name, precision), (needs, cased) in zip(_AREAS, _AREA_NEEDS, strict=True):
        if not any(w in (clause if cased else folded) for w in needs):
            continue  # the pattern cannot match without one of these words
        for m in rx.finditer(clause, low):
            s, e = m.span()
            if any(p.start <= s < p.end or s <= p.start < e for p in out):
                continue
            if any(a <= s < b for a, b in speaker_spans):
                continue
            if _SPEAKER_AFTER.match(clause, low, e, e + 40):
                continue
            out.append(area_place(name, precision, gazetteer, clause[s:e], s, e))
    out.sort(key=lambda p: p.start)
    return out


def _safe_lookup(gazetteer: GazetteerLike, name: str) -> list[Any]:
    try:
        return list(gazetteer.lookup(name))
    except Exception:
        return []


def scene_places(places: Sequence[Located], gazetteer: GazetteerLike | None = None,
                 text: str = "") -> list[Located]:
    """The places an event is put at: the finest ones named, one per distinct place.

    Settlements of one district listed together ("the villages of A, B and C
    in D district") make one event at district level: the district named in
    the text, or else the gazetteer's district of their shared ``admin``. A
    province named only to say where a finer place lies ("Vardenis,
    Gegharkunik Province") is not a second scene. Areas are kept only when
    nothing finer is named. A district or lake named beside a settlement that
    lies in it only says where the settlement is, and a road travelled is not
    the scene when a place on it is named. ``text`` (the clause the offsets
    index) tells a list of villages from places named in different parts of it.
    """
    fine = [p for p in places if p.precision in ("settlement", "district")]
    if fine:
        districts = [p for p in fine if p.precision == "district"]
        settlements = [p for p in fine if p.precision == "settlement" and not p.origin]
        admins = {s.admin for s in settlements}
        # "A, B and C": named together; a place of another part of the clause is not listed
        listed = not text or all(_LIST_GAP.fullmatch(text[a.end:b.start]) for a, b in zip(
            settlements, settlements[1:], strict=False))
        if len(settlements) >= 2 and len(admins) == 1 and "" not in admins and listed:
            (admin,) = admins
            named = [d for d in districts if admin in d.name or d.admin == admin]
            if named:
                return named[:1]
            district = _district_of(admin, gazetteer, settlements[0])
            if district is not None:
                return [district]
        fine = [p for p in fine if not (p.precision == "district" and any(
            q is not p and (q.admin and (q.admin in p.name or p.name.startswith(q.admin))
                            or q.precision == "settlement" and _within(q, p, _AROUND_KM))
            for q in fine))]
        # a road or corridor travelled is not the scene when a place on it is named
        fine = [p for p in fine if not p.route] or fine
        seen: dict[str, Located] = {}
        for p in fine:
            seen.setdefault(p.name, p)
        return list(seen.values())
    coarse = sorted(places, key=lambda p: PRECISION_RANK.get(p.precision, 9))
    return coarse[:1]


_LIST_GAP = re.compile(r"\s*(?:,|and|or|,\s*and|,\s*or)\s*")



_AROUND_KM = 30.0  # a district or lake named only to say where a settlement in it lies


def _within(a: Located, b: Located, km: float) -> bool:
    """True when both points are known and no more than ``km`` apart."""
    if None in (a.lat, a.lon, b.lat, b.lon):
        return False
    dlat = math.radians(float(b.lat) - float(a.lat))  # type: ignore[arg-type]
    dlon = math.radians(float(b.lon) - float(a.lon))  # type: ignore[arg-type]
    mean = math.radians((float(a.lat) + float(b.lat)) / 2)  # type: ignore[arg-type]
    return 6371.0 * math.hypot(dlat, dlon * math.cos(mean)) <= km


def _district_of(admin: str, gazetteer: GazetteerLike | None, first: Located) -> Located | None:
    if gazetteer is None:
        return None
    for name in (admin, f"{admin} District", f"{admin} Province"):
        for hit in _safe_lookup(gazetteer, name):
            if str(_attr(hit, "precision", "")) == "district":
                return dataclasses.replace(_from_place(hit, first.surface, first.start,
                                                       first.end), surface=admin)
    return None
