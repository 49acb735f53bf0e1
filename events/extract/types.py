"""Event types from the vocabulary of conflict reporting.

Finding and deciding are kept apart: :func:`find_type_cues` lists every
phrase that could name an event of a type (with its offsets in the clause),
and :func:`is_asserted` decides whether the phrase reports something that
happened, as opposed to something denied, planned, feared or called for.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress
from re import _constants as _sre  # the parse tree's opcodes (see ``_required``)
from re import _parser as _sre_parse
from typing import Any

from events.extract.boundary import WordStart, top_level_alternatives, word_start
from events.extract.casefold import exact_twin, lower, lower_twin, same_length_lower


@dataclass(frozen=True, slots=True)
class TypeCue:
    """A phrase in a clause that names an event of ``event_type``."""

    event_type: str
    start: int
    end: int
    phrase: str


def _alternatives(*parts: str) -> list[str]:
    """The top-level alternatives of ``parts``, in order."""
    return [a for p in parts for a in top_level_alternatives(p)]


def _compile(alternatives: Sequence[str]) -> re.Pattern[str]:
    """One case-insensitive alternation, tried in the order given.

    Consecutive alternatives that start with a word boundary share one ``\\b``
    (``\\bA|\\bB`` is ``\\b(?:A|B)``): the same matches in the same order, but the
    regex engine tests the boundary once per position instead of once per
    alternative, which is most of the cost of scanning a clause.
    """
    groups: list[tuple[bool, list[str]]] = []
    for alt in alternatives:
        bounded = alt.startswith(r"\b")
        body = alt[2:] if bounded else alt
        if groups and groups[-1][0] == bounded:
            groups[-1][1].append(body)
        else:
            groups.append((bounded, [body]))
    source = "|".join((r"\b(?:" if bounded else "(?:") + "|".join(f"(?:{b})" for b in bodies)
                      + ")" for bounded, bodies in groups)
    return re.compile(source, re.IGNORECASE)


def _rx(*parts: str) -> re.Pattern[str]:
    return _compile(_alternatives(*parts))


# Words in most sentences of conflict news: a poor gate when a rarer word is also required.
_EVERYDAY = frozenset(["was", "were", "been", "being", "got", "used", "under", "forces", "units",
                       "group", "groups", "troops", "military", "soldiers", "servicemen",
                       "began", "started", "war", "city", "town", "towns", "region", "village",
                       "villages", "district", "territory", "people", "residents", "civilians",
                       "families", "armenians", "azerbaijanis", "the", "of", "to", "and",
                       "positions", "it", "deal", "agreement", "said", "on", "in", "at",
                       "by", "her", "his", "its", "their", "from", "over", "with"])


def _required(items: Any) -> frozenset[str] | None:
    """Lower-case strings one of which every match of a parsed pattern contains.

    Works on the parse tree of :mod:`re`: a run of ASCII literals is required
    as a whole, a group or a repeat of at least one needs what its body needs,
    alternatives need one of what each needs. ``None`` when nothing is known to
    be required (character classes, optional parts, lookarounds).
    """
    best: frozenset[str] | None = None
    run: list[str] = []

    def rank(words: frozenset[str]) -> tuple[bool, int, float]:
        # a set without everyday words first, then the longer the shortest word (then the
        # longer on average): the rarer the set, the fewer clauses pass the gate
        return (not any(w.strip() in _EVERYDAY for w in words), min(map(len, words)),
                sum(map(len, words)) / len(words))

    def consider(found: frozenset[str] | None) -> None:
        nonlocal best
        if found and (best is None or rank(found) > rank(best)):
            best = found

    for op, av in items:
        if op is _sre.LITERAL and av < 128:
            run.append(chr(av).lower())
            continue
        if run:
            consider(frozenset(["".join(run)]))
            run = []
        if op is _sre.SUBPATTERN:
            consider(_required(av[-1]))
        elif op is _sre.BRANCH:
            options = [_required(alt) for alt in av[1]]
            if all(options):
                consider(frozenset().union(*options))  # type: ignore[arg-type]
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            consider(_required(av[2]))
    if run:
        consider(frozenset(["".join(run)]))
    return best


def _all_required(items: Any) -> list[frozenset[str]]:
    """Every set of words a parsed pattern needs one of, in order (all are needed).

    A pattern for "drones hit" or "drones struck" needs "drone" and one of "hit"/"struck": testing
    both keeps the pattern off clauses that only speak of drones.
    """
    out: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in items:
        if op is _sre.LITERAL and av < 128:
            run.append(chr(av).lower())
            continue
        if run:
            out.append(frozenset(["".join(run)]))
            run = []
        if op is _sre.SUBPATTERN:
            out.extend(_all_required(av[-1]))
        elif op is _sre.BRANCH:
            options = [_required(alt) for alt in av[1]]
            if all(options):
                out.append(frozenset().union(*options))  # type: ignore[arg-type]
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            out.extend(_all_required(av[2]))
    if run:
        out.append(frozenset(["".join(run)]))
    return out


@functools.cache
def _conjunctive_gates(event_type: str) -> tuple[tuple[tuple[str, ...], ...], ...]:
    """For each alternative of a type, the word sets it needs all of (one word of each)."""
    gates = []
    for alt in _gates(event_type)[0]:
        try:
            sets = _all_required(_sre_parse.parse(alt, re.IGNORECASE))
        except Exception:  # an unexpected tree only costs the shortcut, never a match
            sets = []
        unique = {_minimal(x) for x in sets if x and all(w.strip() for w in x)}
        gates.append(tuple(sorted(unique, key=lambda ws: -min(map(len, ws)))))
    return tuple(gates)


@functools.cache
def _gates(event_type: str) -> tuple[tuple[str, ...], tuple[frozenset[str] | None, ...]]:
    """The alternatives of a type's pattern and what each needs in the clause to match."""
    alternatives = tuple(_alternatives(*_PARTS[event_type]))
    needs: list[frozenset[str] | None] = []
    for alt in alternatives:
        try:
            need = _required(_sre_parse.parse(alt, re.IGNORECASE))
        except Exception:  # an unexpected tree only costs the shortcut, never a match
            need = None
        needs.append(frozenset(_minimal(need)) if need else need)
    return alternatives, tuple(needs)


def _verb(*bases: str) -> str:
    """The regular inflections of English verbs, as one regex group.

    ``_verb("pound")`` matches pound, pounds, pounded, pounding; a final "e" is
    dropped before -ed/-ing ("evacuate"), a final consonant + "y" becomes
    -ies/-ied ("rally"), and -es follows a sibilant ("ambush"). Irregular forms
    ("struck", "fled", "shot down") are written out where they are used.
    """
    forms = []
    for b in bases:
        if b.endswith("e") and not b.endswith("ee"):
            forms.append(b[:-1] + "(?:e|es|ed|ing)")
        elif b.endswith("y") and b[-2:-1] not in "aeiou":
            forms.append(b[:-1] + "(?:y|ies|ied|ying)")
        elif b.endswith(("s", "sh", "ch", "x", "z")):
            forms.append(b + "(?:es|ed|ing)?")
        else:
            forms.append(b + "(?:s|ed|ing)?")
    return "(?:" + "|".join(forms) + ")"


_W = r"(?:[\w'’-]+\s+)"  # one word and its space
_QW = r"(?:[\w\"“”'’.-]+\s+)"  # one word, perhaps quoted, and its space
_CEASEFIRE_WORD = r"(?:[\"“‘']?(?:cease-?\s?fires?|truces?|armistice)[\"”’']?)"
# What is fired or flies at a target from a distance.
_WEAPON = (r"(?:missiles?|rockets?|shells?|projectiles?|mortars?|mortar (?:rounds?|bombs?|shells?)|"
           r"artillery|howitzers?|grads?|smerch|salvos?|rounds|bombs?|drones?|UAVs?|"
           r"kamikaze drones?|loitering munitions?|munitions?|heavy weapons|(?:large|heavy)-"
           r"calib(?:re|er) (?:weapons|guns|artillery)|bayraktars?|harops?|tochka(?:-u)?|"
           r"iskanders?|scuds?|(?:multiple )?rocket launchers|MLRS)")
# What a strike lands on: sites, vehicles, people, or a named place.
_TARGET = (r"(?:positions?|posts?|villages?|towns?|city|cities|settlements?|homes?|houses?|"
           r"buildings?|blocks?|bus(?:es)?|vehicles?|trucks?|cars?|civilians?|infrastructure|"
           r"air ?base|airport|airfield|base|bridge|school|hospital|church|cathedral|mosque|"
           r"market|"
           r"areas?|districts?|regions?|outskirts|centre|center|capital|targets?|facilit(?:y|ies)|"
           r"depots?|warehouses?|plant|station|power|dam|"
           r"(?-i:[A-Z][\w-]+)(?!\s+(?-i:[a-z])))")  # a named place, not "Armenian buildup"
# What kind of fire is traded: "heavy artillery fire", "small-arms fire", "gunfire".
_FIRE_KIND = (r"(?:(?:heavy|small-arms|small arms|artillery|mortar|automatic|sporadic|intense|"
              r"intensive|machine-gun|sniper|gun)\s*)")
# How many places were taken: "captured several villages", "two heights".
_COUNT = (r"(?:several\s+|two\s+|three\s+|four\s+|five\s+|six\s+|seven\s+|eight\s+|nine\s+|"
          r"ten\s+|\d+\s+|dozens of\s+|a number of\s+|some\s+|more\s+|numerous\s+)")
# Who takes part in a protest.
_CROWD = r"(?:crowds?|protesters|protestors|demonstrators|activists|rallies|hundreds|thousands)"
# Who crosses a border with arms, as opposed to people fleeing.
_TROOPS = r"(?:troops|soldiers|servicemen|units|forces|group|groups|saboteurs|military)"
# Who flees or is moved.
_PEOPLE = (r"(?:people|residents|refugees|civilians|families|arrivals|inhabitants|villagers|"
           r"Armenians|Azerbaijanis|patients|evacuees)")

# A generic "firing at" is a strike on a town and an incident on the front;
# the pipeline settles it with the place and the target (see ``FIRE``).
FIRE = "fire"

_PARTS: dict[str, tuple[str, ...]] = {
    "shelling": (
        r"\b" + _verb("shell", "bombard", "pound") + r"\b|\bbombardments?\b",
        r"\b(?:bomb(?:ed|ing|ings)|air\s?strikes?|airstrikes?|air raids?)\b",
        r"\bcluster (?:munitions?|bombs?)\b|\b(?:kamikaze|suicide) drones?\b"
        r"|\bloitering munitions?\b",
        r"\b(?:artillery|missile|rocket|drone|UAV|mortar|air|aerial|howitzer|grad)\s+(?:fire|"
        r"strikes?|attacks?|assaults?|barrages?|bombardments?|salvos?)\b",
        r"\b(?:fired|firing|fires|launch(?:ed|es|ing)?|lobbed|used)\s+" + _W
        + r"{0,3}" + _WEAPON + r"\b",
        r"\brocket(?:ed|ing)\b",
        r"\b" + _WEAPON + r"\s+(?:were|was|had been|have been)\s+(?:fired|launched|lobbed|used)\b",
        r"\b" + _WEAPON + r"\s+(?:\w+\s+){0,2}?(?:hit|hits|struck|strikes|landed|exploded|"
        r"slammed into|fell on|rained (?:down )?on)\b",
        r"\b(?:attacked|struck|hit|targeted|damaged|destroyed)\s+(?:\w+\s+)?(?:by|with)\s+"
        r"(?:an?\s+|the\s+)?"
        r"(?:[\w-]+\s+)?" + _WEAPON + r"\b",
        r"\b(?:was|were|been|being|got)\s+(?:\w+ly\s+|also\s+|again\s+|repeatedly\s+)?"
        r"(?:hit|struck|shelled|bombed|pounded|targeted|bombarded)\b",
        r"\b(?:hit|hits|hitting|struck|striking|targeted|targeting)\s+(?:the\s+|a\s+|an\s+|its\s+|"
        r"their\s+|several\s+|two\s+|three\s+)?(?:[\w-]+\s+){0,2}?" + _TARGET + r"\b",
        r"\bstrikes?\s+(?:on|against|at)\b|\battacks?\s+on\s+(?:the\s+)?(?:peaceful|civilian|"
        r"residential)\b",
        r"\b(?:launched|carried out|conducted)\s+" + _W + r"{0,2}(?:strikes?|drone attacks?)\b",
        r"\bdestr(?:oyed|oying|uction of)\b",
        r"\btarget(?:ed|ing|s)\s+(?:the\s+)?(?:civilian|residential|peaceful)\b",
        r"\btargeted\s+with\b",
        r"\bshot down\s+(?:[\w-]+\s+){0,3}(?:aircrafts?|planes?|jets?)\b",
        r"\battacks?\s+(?:on|against)\s+(?:the\s+)?(?:peaceful|civilian)\s+(?:population|"
        r"populations|civilians|areas|settlements|infrastructure)\b",
        r"\bunder\s+(?:\w+\s+){0,2}(?:shelling|bombardment|attack|attacks)\b",
    ),
    FIRE: (
        # "came under fire": a strike or an incident, by what was fired on
        r"\bunder\s+(?:\w+\s+){0,2}fire\b(?!\s+from\b)",
        r"\b(?:fir(?:ed|ing)|opened fire)\s+(?:at|on|upon|against|first|across|into)\b",
        r"\bopened fire\b|\bshots?\s+(?:were\s+|was\s+)?fired\b",
        r"\b(?:by|under)\s+(?:\w+\s+)?fire\s+from\b",
        r"\bsubject(?:ed|ing|s)?\b[^.;]{0,60}?\bto\s+(?:\w+\s+)?fire\b",
    ),
    "border_incident": (
        r"\bclash(?:es|ed)?\b",
        r"\bskirmish(?:es|ed)?\b|\bambush(?:es|ed)?\b",
        r"\bexchang(?:es|ed|ing|e)? (?:of )?" + _FIRE_KIND + r"{0,2}fire\b",
        r"\btrad(?:ed|ing|es|e)\s+" + _FIRE_KIND + r"{0,2}fire\b",
        r"\bshoot-?outs?\b|\bfirefights?\b|\bgun ?battles?\b",
        r"\b(?:gunfire|small-arms fire|machine-gun fire|sniper fire|automatic weapons fire)\b",
        r"\bviolat(?:ed|ing|es|ions?)\b(?=[^.]{0,60}\b" + _CEASEFIRE_WORD + r")",
        _CEASEFIRE_WORD + r"\s+violations?\b",
        r"\b(?:break|broke|breaking|breach(?:ed|ing)?|derail(?:ed|ing)?)\s+(?:\w+\s+){0,2}"
        r"(?:" + _CEASEFIRE_WORD + r"|deal)\b",
        r"\b(?:" + _CEASEFIRE_WORD + r"|agreement|deal|it|regime)\b[^.]{0,60}?\b(?:was|were|"
        r"had been|has been|have been|is being)\s+(?:\w+ly\s+|also\s+|again\s+)?"
        r"(?:violated|broken|breached)\b",
        r"\b(?:hostilities|fighting|clashes|violence|war|conflict|tensions|situation)\s+"
        r"(?:[\w-]+\s+){0,16}?(?:flared|erupted|broke out|resumed|escalated|aggravated|"
        r"deteriorated|worsened|began|started|commenced)\b",
        r"\boutbreak of (?:fighting|hostilities|violence)\b",
        r"\b(?:fighting|clashes|battles?)\s+(?:went on|continued?|continues|is ongoing|was ongoing|"
        r"raged)\b",
        # "Fighting between X and Y raged for a fourth day": a day of fighting reported
        r"\b(?:fighting|clashes|battles?)\s+(?:[\w-]+\s+){1,8}?(?:raged|rages|raging)\b",
        r"\b(?:fierce|heavy|intense)\s+(?:fighting|clashes|combat|battles?)\b",
        r"\bincursions?\b|\binva(?:de|ded|sion)\b|\bprovoking the escalation\b",
        r"\bprovocations?\b|\bsabotage (?:groups?|attacks?|units?)\b|\bsaboteurs\b",
        r"\barmed incidents?\b|\bgrenade\b|\bsniper\b",
        r"\b(?:drones?|UAVs?|unmanned aerial vehicles?|aircraft|helicopters?)\b[^.]{0,40}"
        r"\b(?:downed|shot down|brought down|neutrali[sz]ed|intercepted)\b",
        r"\b(?:downed|shot down|brought down|neutrali[sz]ed|intercepted)\b[^.]{0,40}"
        r"\b(?:drones?|UAVs?|unmanned aerial vehicles?)\b",
        r"\b" + _TROOPS + r"\b[^.]{0,50}?\bcross(?:ed|ing)\s+(?:into\s+|the\s+)?(?:state\s+)?"
        r"(?:border|frontier|line)\b",
        r"\badvanc(?:ed|ing)\s+(?:[\w.-]+\s+){0,4}?into\s+(?:[\w-]+\s+)?territory\b",
        r"\b(?:seiz|captur|storm|attack)(?:e|ed|es|ing)?\s+(?:an?\s+|the\s+)?(?:\w+\s+)?"
        r"(?:border\s+)?(?:post|outpost)s?\b",
        r"\bnew attack\b|\battack(?:ed)? (?:on|against) (?:\w+\s+){0,2}(?:positions?|posts?)\b",
        r"\b(?:attack|assault)(?:ed|ing|s)?\s+(?:the\s+|their\s+|its\s+)?(?:[\w-]+\s+){0,2}?"
        r"(?:combat\s+|military\s+|border\s+)?(?:positions|outposts?)\b",
        r"\bviolations?\s+(?:\w+\s+)?(?:along|on|at|across)\s+(?:the\s+)?(?:[\w-]+\s+)?"
        r"(?:border|frontier|line of contact|contact line|front ?line|front)\b",
        r"\bflare-?ups?\b|\b(?:new|fresh|latest|sharp|serious|military) escalation\b"
        r"|\binfiltrat(?:ed|ion|ing)\b|\bintrusions?\b",
        r"\berupted\b",
    ),
    "offensive": (
        r"\b(?:launched|launching|launch|started|began|begun|mounted)\s+" + _QW + r"{0,4}"
        r"(?:offensives?|operations?|assaults?|counter-?offensives?|incursions?|invasion|"
        r"measures)\b",
        r"\blaunched\s+(?:an?\s+|the\s+|a new\s+)?(?!(?:missile|rocket|drone|artillery|air|"
        r"aerial|UAV|mortar)\b)(?:[\w-]+\s+)?attacks?\b",
        r"\boffensives?\b|\b(?:counter-?terror(?:ism|ist)?|anti-?terror(?:ism|ist)?) "
        r"(?:operations?|measures|campaign)\b",
        r"\b(?<!been )(?<!were )(?<!was )captur(?:ed|e|ing)\s+"
        r"(?=(?:the\s+|a\s+|our\s+|their\s+|its\s+|enemy\s+|" + _COUNT + r")?"
        r"(?:strategic\s+|key\s+)?"
        r"(?:town|city|village|"
        r"region|district|territory|heights?|hills?|positions?|(?-i:[A-Z])))",
        r"\b(?:lost|losing|lose|regained|retook|took|taken|seized|gained|(?<!under the )full)\s+"
        r"control\s+(?:of|over)\b",
        r"\b(?:loss|fall|capture|seizure|liberation) of the "
        r"(?:city|town|village|region|district)\b|\bfall of (?-i:[A-Z])",
        r"\b(?:town|city|village|villages|district|region|territory|positions|heights?)\s+"
        r"(?:\w+\s+){0,2}?(?:had been|has been|was|were|have been)\s+(?:\w+ly\s+)?"
        r"(?:lost|captured|taken|seized|liberated|recaptured|retaken|surrendered|abandoned)\b",
        r"\bliberat(?:ed|ion of)\b|\bseized\b|\boverran\b|\b(?:recaptur|retak)(?:ed|en|ing)\b"
        r"|\bretook\b",
        r"\bfell (?:to|into the hands of)\b",
        # "Kalbajar was captured by Armenian forces": a named place taken, told in the passive
        r"(?-i:[A-Z])[\w’'-]+(?:,[^,]{1,60},)?\s+(?:had been|has been|was|were|have been)\s+"
        r"(?:captured|seized|overrun|taken|recaptured|retaken|liberated)\s+by\s+"
        r"(?:the\s+)?(?:[\w-]+\s+){0,2}(?:forces|troops|army|armed forces|units|soldiers|"
        r"military|fighters)\b",
        r"\bclos(?:ing|ed) in on\b|\badvanc(?:e|ed|ing) (?:on|into|towards?)\b"
        r"(?!\s+(?:[\w-]+\s+)?territory)(?!\s+(?:the\s+)?(?:road|route|highway|path|track)\b)",
        r"\b(?:break|broke|breaking)\s+through\s+(?:\w+\s+){0,2}(?:lines|defen[cs]es|positions|"
        r"front)\b",
        r"\b" + _TROOPS + r"\b[^.]{0,40}?\b(?:entered|stormed|occupied|took over|pushed into|"
        r"took|(?:had |have |has )taken|captured|seized)\s+"
        r"(?:the\s+)?(?:strategic\s+)?(?:town|city|village|capital|heights?|hills?|positions|"
        r"(?-i:[A-Z]))",
        r"\bground (?:assault|operation|offensive)\b|\bfull-scale war\b|\bethnic cleansing\b",
        r"\b(?:Second|First) (?:Karabakh|Nagorno-Karabakh) War\b|\b44-day war\b",
        r"\bwar\b(?=[^.]{0,40}\b(?:was won|won by)\b)",
        r"\b(?:handed over|handover|hand-over|hand over)\b(?=[^.]{0,60}\b(?:districts?|"
        r"territor(?:y|ies)|regions?|lands?|areas?|towns?|villages?|control|to (?:Azerbaijan|"
        r"Armenia)\b))|\breturned to Azerbaijan\b",
        r"\b(?:applied|used|deployed|sent in|moved in|brought in)\s+(?:its\s+|their\s+)?"
        r"(?:tanks|armou?red vehicles|ground troops)\b",
    ),
    "displacement": (
        r"\bdisplac(?:ed|ement|ing)\b|\brefugees?\b|\bexodus\b|\bevacu(?:at(?:ed|ing|ion|e|es)|"
        r"ees)\b",
        r"\bfle(?:e|d|eing|es)\b|\b(?:trying|attempt(?:ing)?|forced|began|rushing) to leave\b",
        r"\b(?:left|leav(?:e|es|ing))\s+(?:their|his|her|its)\s+(?:homes?|houses?|villages?|"
        r"towns?|lands?)\b|\b(?:left|leav(?:e|es|ing))\s+(?:the\s+)?(?:region|enclave|"
        r"Nagorno[- ]Karabakh|Karabakh|Artsakh)\b"
        # "the war that left the region under Armenian control": a state, not a flight
        r"(?![^.,;]{0,40}\b(?:under|in (?:the hands|ruins)|without|with(?:out)? (?:no|a|an))\b)"
        r"|\b(?:left|leav(?:e|es|ing)|abandon(?:ed|ing)?)\s+the\s+(?:village|town|city|area|"
        r"district)\b",
        r"\b" + _PEOPLE + r"\b[^.]{0,80}?\b(?:leaving for|left for|heading for|headed for|"
        r"moved (?:their\s+)?(?:children|families|relatives|belongings)|crossed|arrived|poured|"
        r"streamed|flooded|"
        r"made their way|were registered|were transferred|travell?ed)\b",
        r"\b(?:arrivals|influx|outflow|flow) of\b|\b(?:refugee|migrant) (?:flow|influx)\b",
        r"\b(?:found|find|finding|sought|seek|seeking|took|taken|given)\s+(?:temporary\s+)?"
        r"(?:shelter|refuge)\b|\bhumanitarian corridor\b|\b(?:sheltering|taking shelter)\s+"
        r"(?:with|in|at)\b",
        r"\bdeparting\b|\bforced out\b|\bdeport(?:ed|ation)\b|\bexpell?(?:ed|ing)\b|\buprooted\b",
        r"\b(?:relocat|resettl)(?:ed|ing|ion)\b|\bbuss?ed out\b|\bmoved to safety\b",
        r"\btransfer(?:red|s)?\s+of\s+(?:\d+\s+|\w+\s+)?(?:patients|wounded|sick|civilians)\b",
        r"\bsuspend(?:ed|s|ing)?\s+(?:the\s+)?(?:movement|transfers?|traffic|passage|crossings?|"
        r"deliveries|evacuations?)\b",
        r"\bblockade\b|\bblock(?:ed|ing|s)\s+(?:\w+\s+){0,4}(?:road|corridor|highway|route|access|"
        r"convoy)\b|\b(?:road|corridor|convoy|highway)\s+(?:\w+\s+){0,8}blocked\b|"
        r"\bblocked by\b",
        r"\b(?:road|corridor|highway|route|crossing)\s+(?:[\w-]+\s+){0,8}?(?:closed|shut)\b"
        r"|\bclosed to (?:all\s+)?(?:\w+\s+)?(?:traffic|vehicles|movement)\b"
        r"|\bclos(?:ed|ure of|ing)\s+(?:the\s+|of\s+the\s+)?(?:\w+\s+)?(?:road|corridor|highway|"
        r"route|crossing)\b",
        r"\b(?:gas|electricity|power|water|food|fuel|internet|supplies|supply|aid|access)\b"
        r"(?:\s+[\w-]+){0,4}\s+(?:was|were|had been|has been|have been|is|are)\s+(?:\w+\s+)?"
        r"cut off\b|\bcut(?:ting)? off\s+(?:the\s+)?(?:gas|electricity|power|water|supplies|"
        r"supply|access)\b",
        r"\b(?:caused|created|triggered|sparked|led to|generated|unfolding)\s+(?:an?\s+)?"
        r"(?:[\w-]+\s+)?humanitarian (?:crisis|catastrophe|emergency|disaster)\b",
        r"\b(?:have|has|had|were|was|been|being)\s+(?:\w+ly\s+)?(?:housed|accommodated|"
        r"sheltered|resettled|put up)\s+(?:in|at|with)\b",
        r"\bration(?:ed|ing)\b|\bration (?:coupons|cards)\b|\bshelves\b[^.]{0,30}?\bempty\b"
        r"|\b(?:road|corridor|highway|route)\b,[^.;]{0,80}?,\s+(?:\w+\s+)?(?:blocked|closed|"
        r"shut)\b",
        # people cut off from home, moved by others, or short of food under a blockade
        r"\bstranded\b|\bqueu(?:ed|ing|es?)\s+(?:\w+\s+){0,2}for\s+(?:bread|food|fuel|petrol|"
        r"gas|water|medicine)\b|\bfood (?:coupons|vouchers|shortages?)\b|\bran out of\s+"
        r"(?:\w+\s+){0,2}(?:food|fruit|vegetables|bread|fuel|medicines?|flour|supplies)\b",
        r"\b(?:buses|convoys?|vehicles|trucks|cars|ambulances|helicopters)\s+(?:\w+\s+){0,2}"
        r"(?:carried|carrying|took|taking|ferried|ferrying|transported|transporting|brought|"
        r"bringing)\s+(?:\w+\s+){0,4}?(?:women|children|civilians|residents|families|people|"
        r"refugees|elderly|patients|wounded)\b",
        r"\b(?:transferred|transported|ferried|airlifted|bused)\s+(?:[\d,]+\s+|some\s+|about\s+|"
        r"around\s+|nearly\s+|more than\s+|dozens of\s+|hundreds of\s+)?(?:[\w-]+\s+){0,2}"
        r"(?:patients|civilians|residents|people|children|wounded|families|refugees)\b",
        r"\b(?:left|leav(?:e|es|ing))\s+(?:the\s+)?(?-i:[A-Z])[\w-]+\s+(?:region|district|area|"
        r"valley)\b",
        r"\bshortages? of\b|\b(?:installed|set up|established)\s+(?:\w+\s+){0,2}checkpoint\b"
        r"|\bcheckpoint\b[^.]{0,80}\b(?:installed|set up|established)\b",
    ),
    "casualties": (
        r"\bkill(?:ed|ing|s)\b|\bdead\b|\bdied\b|\bdeaths?\b|\bdeath toll\b",
        r"\bcasualt(?:y|ies)\b|\bwounded\b|\binjur(?:ed|ies)\b|\bfatalit(?:y|ies)\b",
        r"\blosses\b|\bloss amounted\b|\bvictims\b|\bperished\b|\blost their lives\b",
        r"\bkilled in action\b|\bmartyr(?:s|ed)\b|\b(?:was|were|been)\s+(?:\w+ly\s+)?hurt\b",
    ),
    "ceasefire": (
        _CEASEFIRE_WORD + r"\s+(?:agreement|deal|accord)s?\b",
        r"\b(?:agreed|agree|reached|brokered|announced|signed|forged|declared|enacted|"
        r"established|reaffirmed|mediated|facilitated|arranged|negotiated|accepted|proclaimed)\s+"
        r"(?:[\w\"“”'’-]+\s+){0,5}"
        + _CEASEFIRE_WORD,
        r"\b(?:Russia|Russian|US|U\.S\.|Moscow|Washington|Turkish|French)-brokered\s+"
        + _CEASEFIRE_WORD,
        _CEASEFIRE_WORD + r"\s+(?:\w+\s+){0,4}(?:went into effect|took effect|came into force|"
        r"came into effect|entered into force|was agreed|was reached|was announced|was signed|"
        r"was declared|facilitated|brokered|agreed|signed|established|reaffirmed|announced|"
        r"declared|proclaimed)\b",
        r"\bended with a " + _CEASEFIRE_WORD,
        r"\b(?:ceased|cessation of|suspend(?:ed)?|halt(?:ed)?) hostilities\b",
        r"\bagreed\s+(?:on\s+)?(?:to\s+|an?\s+)?(?:halt|stop|cease|end|cessation|suspend)\s+"
        r"(?:to\s+|of\s+)?(?:all\s+)?(?:military operations|military actions|hostilities|"
        r"fighting|combat operations|fire|the fighting|shooting)\b",
        r"\bcapitulat(?:ed|ion)\b|\bsurrender(?:ed)?\b"
        r"|\b(?:lay|lays|laid|laying) down (?:its |their |his )?(?:arms|weapons)\b",
        r"\b(?:peace|trilateral) (?:deal|agreement|accord)\b",
        r"\bagreement\b(?=[^.]{0,60}\bsigned\b)",
        r"\b(?:agreement|deal|accord)\b[^.]{0,60}?\b(?:took effect|came into force|"
        r"came into effect|entered into force|went into effect)\b",
    ),
    "diplomacy": (
        r"\btalks\b|\bnegotiations?\b|\bmet with\b|\bmet in\b|\bmeetings?\b|\bsummits?\b",
        r"\bmet\s+(?:his|her|their|the|(?-i:[A-Z]))",
        r"\bheld\s+(?:\w+\s+){0,2}(?:briefing|consultations|conversation)\b|\bconsultations\b",
        r"\b(?:emergency|extraordinary|special|closed-door|plenary)\s+sessions?\b",
        r"\b(?:received|hosted)\s+(?:the\s+|a\s+)?(?:visiting\s+)?(?:[A-Z][\w.’'-]*\s+|of\s+|"
        r"for\s+|the\s+){0,6}?(?:envoy|representative|minister|president|ambassador|delegation|"
        r"co-chairs?|secretary|counterpart|chairman|chairperson|speaker|commissioner|leaders)\b",
        r"\bapologi[sz](?:ed|es|ing)\b|\boffered (?:its |his |her |their )?(?:condolences|"
        r"compensation|apologies)\b",
        r"\b(?:tele)?phone (?:calls?|conversations?|talks)\b"
        r"|\bspoke (?:by|on the) (?:tele)?phone\b",
        r"\bnegotiat(?:ed|ing)\b",
        # "asked the CSTO to begin consultations": a government turning to an organisation
        r"\b(?:asked|requested|petitioned)\s+(?:the\s+)?(?:[\w-]+\s+){0,5}?(?:Organi[sz]ation|"
        r"Council|Union|Nations|Group|[Aa]lliance|Court|(?-i:CSTO|OSCE|UN|EU|NATO|ICJ|ECHR))\b",
        r"\bmediat(?:ed|ion|ing|e)\b|\b(?:press|news) conference\b|\bbriefing\b",
        r"\b(?:issued|made|released)\s+(?:a|an)\s+(?:\w+\s+)?(?:statement|call|appeal)\b",
        r"\bcalled (?:on|for)\b|\bcalls (?:on|for)\b|\burg(?:ed|ing|es)\b|\bappeal(?:ed|s)? for\b",
        r"\bcondemn(?:ed|s|ing)\b|\bdenounced\b|\bwarned\b|\bcriticiz(?:ed|es)\b",
        r"\bexpressed (?:\w+\s+)?(?:concern|regret|support|solidarity)\b",
        r"\bsummon(?:ed|s|ing)\s+(?:the\s+)?(?:\w+\s+){0,2}(?:ambassador|envoy|charg[eé])"
        r"|\brecalled (?:its|their|the) (?:\w+\s+)?ambassador\b"
        r"|\b(?:protest note|note of protest|lodged a (?:formal )?protest|formal protest)\b",
        r"\bsigned\s+(?:the|a|an)\s+(?:[\w-]+\s+){0,2}(?:deal|agreement|declaration|document|"
        r"decree|order|law|resolution|memorandum|"
        r"statement)\b",
        r"\bdiscussed\b|\bordered\b|\breiterated\b|\baddressed the conflict\b",
        r"\bvisited\s+(?:the\s+)?(?:(?-i:[A-Z])|region|front|border|country|capital|village|"
        r"town|city|area|site)",
        r"\bsaid in a statement\b",
        r"\btold\s+(?:reporters|journalists|a (?:news|press) conference|parliament|lawmakers|"
        r"(?:an?|the) (?:emergency |extraordinary |special )?(?:government |cabinet |"
        r"parliamentary |security council )?(?:session|meeting|sitting|hearing)|"
        r"state (?:television|TV)|the (?:UN|United Nations)|the nation)\b"
        r"|\bin a (?:televised|video|national|televised national) (?:address|speech|message)\b"
        r"|\baddress(?:ed)? (?:to )?the nation\b"
        r"|\b(?:wrote|posted|said|tweeted) on (?:Twitter|X|Facebook|Telegram)\b"
        r"|\bin an interview\b",
    ),
    "protest": (
        r"(?<!lodged a )(?<!formal )(?<!note of )\bprotest(?:s|ers|ors|ed|ing)?\b"
        r"(?!\s+notes?\b)|\bdemonstrat(?:ion|ions|ors)\b|\bhunger strikes?\b",
        r"\brall(?:y|ies|ied|ying)\b|\bsit-ins?\b|\bpicket(?:s|ed|ing)?\b",
        r"\bmarch(?:ed|ing|ers)\b|(?-i:\bmarch(?:es)?\b)",
        r"\b" + _CROWD + r"\b[^.]{0,60}?\b(?:stormed|storming|broke into|blocked|"
        r"took to the streets|camped|set up tents|occupied|clashed with police)\b",
        r"\b(?:crowds?|protesters|protestors|demonstrators|activists)\b[^.]{0,40}?\bgathered\b",
        r"\b(?:gathered|assembled|massed)\s+(?:outside|in front of)\b(?=[^.]{0,120}\b(?:demand\w*|"
        r"chant\w*|slogans?|placards?|banners?|against|call\w* for)\b)",
        r"\btook to the streets\b|\bdispersed (?:the\s+)?(?:crowd|rally|protesters|"
        r"demonstrators)\b",
    ),
}
PATTERNS: dict[str, re.Pattern[str]] = {t: _rx(*parts) for t, parts in _PARTS.items()}

# Words that turn a phrase into something not (yet) happened.
_NOT_HAPPENED = re.compile(
    r"\b(?:not|no|never|neither|nor|without|denied|denies|deny|denying|rejected|rejects|"
    r"dismissed|refuted|refutes|haven'?t|hasn'?t|didn'?t|won'?t|isn'?t|wasn'?t|weren'?t)\b"
    r"|n['’]t\b"
    r"|\b(?:could|would|might|(?-i:may)|can|cannot|so that|will|shall|should|must|plans?|"
    r"planned|planning|intends?|"
    r"intended|threaten(?:s|ed|ing)?|aims?|seeks?|hope[sd]?|hoping|wants?|ready|readiness|"
    r"if|unless|whether|prevent|avoid|potential(?:ly)?|possible|risk|fears?|feared|"
    r"postpone[sd]?|postponing|to stop|to end|to halt|in order to|needs? to|due to revert|"
    r"call(?:ed|s|ing)? for|urg(?:ed|es|ing)|appeal(?:ed|s|ing)? for|demand(?:ed|s|ing)?|"
    r"proposal|(?<!-)propose[sd]?|would-be|until|has to|have to|expected to|scheduled to|set to|"
    r"going to|about to|ahead of|in preparation for|in the run-up to|invit(?:ed|es|ation) to|"
    r"(?:is|are|was|were) due (?:to|in|on|at))\b",
    re.IGNORECASE,
)
# ...unless the modal only says an ongoing act goes on ("vowed to continue its bombardment").
_ONGOING = re.compile(r"\b(?:continue|continues|continued|continuing|keep|keeps)\b", re.I)
# Calls for a truce, and "not" within quoted speech about what must stop, are statements.
_LOOKBACK = 60


@functools.cache
def _stems(event_type: str) -> tuple[str, ...] | None:
    """Lower-case words one of which every phrase of a type contains, or None if unknown.

    Read off the patterns themselves (see :func:`_required`), so a new phrase can
    never be hidden by a stale hand-kept list: a cheap substring pass, and the
    full patterns only run on clauses that could match (most match none).
    """
    words: set[str] = set()
    for need in _gates(event_type)[1]:
        if need is None:
            return None
        words |= need
    return _minimal(words)


def _minimal(words: set[str] | frozenset[str]) -> tuple[str, ...]:
    """The words none of which contains another, shortest first.

    "shell" in a clause already says "shelled" may be there: testing the longer
    word too only costs time. A short word found early ends the test sooner.
    """
    ordered = sorted(words, key=lambda w: (len(w), w))
    kept: list[str] = []
    for w in ordered:
        if not any(k in w for k in kept):
            kept.append(w)
    return tuple(kept)




@functools.cache
def _alternative_patterns(event_type: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(alt, re.IGNORECASE) for alt in _gates(event_type)[0])


_RUN = re.compile(r"[a-z]+")
# A pattern, or a ``WordStart`` that searches it faster: either answers ``search``/``finditer``.
_Searcher = WordStart | re.Pattern[str]


@dataclass(frozen=True, slots=True)
class _GateIndex:
    """Every gate word of every type, looked up once per clause.

    Each distinct word set (a type's stems, or one of the sets an alternative needs all of)
    is a bit, and a clause's bits are those of the sets of which it contains a word. Testing
    the hundreds of gate words one by one against each clause is most of the cost of typing
    it; instead the clause is cut into runs of letters, and a word of letters only is in the
    clause exactly when it is inside one of its runs: ``_run_gates`` answers that per run (runs
    repeat, words of a language being few), so a clause costs a dictionary look-up per run.
    A gate word with other characters (" of the ", "air raid") is tested as a substring, but
    only when a run holds its longest piece of letters, without which it cannot be there.
    """

    bits: dict[str, int]  # gate word -> the bits of the sets it is in
    pieces: dict[str, tuple[int, tuple[str, ...]]]  # letters -> (bits, other words it keys)
    longest: int  # the longest piece of letters
    unkeyed: tuple[str, ...]  # gate words without a letter: always tested
    stem_bits: dict[str, int]  # 0 when the type has no stems (no type-level shortcut)
    alt_bits: dict[str, tuple[int, ...]]
    alt_masks: dict[str, int]  # every bit any alternative of the type needs
    # (each searched through ``word_start``: the patterns that start with a word boundary are
    # searched from their first letters, see ``events.extract.boundary``)
    alt_patterns: dict[str, tuple[_Searcher, ...]]  # each alternative on its own
    # each alternative as searched in a clause that has a lower-cased form: the exact twin
    # and True (search the lower-cased clause), or the pattern and False (search the clause)
    alt_searches: dict[str, tuple[tuple[_Searcher, bool], ...]]
    whole_twins: dict[str, _Searcher | None]  # exact twins of the whole patterns
    whole: frozenset[str]  # types with an alternative of unknown needs: always the full scan


_GATE_INDEX: _GateIndex | None = None  # set by the first ``_gate_index()``


@functools.cache
def _gate_index() -> _GateIndex:
    bit_of: dict[frozenset[str], int] = {}

    def bit(words: Sequence[str]) -> int:
        return bit_of.setdefault(frozenset(words), 1 << len(bit_of))

    stem_bits: dict[str, int] = {}
    alt_bits: dict[str, tuple[int, ...]] = {}
    whole = set()
    for event_type in PATTERNS:
        stems = _stems(event_type)
        stem_bits[event_type] = bit(stems) if stems is not None else 0
        if any(need is None for need in _gates(event_type)[1]):
            whole.add(event_type)
        alt_bits[event_type] = tuple(
            functools.reduce(int.__or__, (bit(words) for words in sets), 0)
            for sets in _conjunctive_gates(event_type))
    bits: dict[str, int] = {}
    for words, b in bit_of.items():
        for word in words:
            bits[word] = bits.get(word, 0) | b
    own: dict[str, int] = {}
    keyed: dict[str, list[str]] = {}
    unkeyed = []
    for word in sorted(bits):
        if _RUN.fullmatch(word):
            own[word] = bits[word]
            continue
        runs = _RUN.findall(word)
        if runs:
            keyed.setdefault(max(runs, key=len), []).append(word)
        else:
            unkeyed.append(word)
    pieces = {p: (own.get(p, 0), tuple(keyed.get(p, ()))) for p in {*own, *keyed}}
    global _GATE_INDEX
    _GATE_INDEX = _GateIndex(bits, pieces, max(map(len, pieces)), tuple(unkeyed), stem_bits,
                             alt_bits, {t: functools.reduce(int.__or__, needs, 0)
                                        for t, needs in alt_bits.items()},
                             {t: tuple(map(word_start, _alternative_patterns(t)))
                              for t in PATTERNS},
                             {t: tuple(_searched(rx) for rx in _alternative_patterns(t))
                              for t in PATTERNS},
                             {t: _twin_searcher(rx) for t, rx in PATTERNS.items()},
                             frozenset(whole))
    return _GATE_INDEX


_RUN_CACHE_SIZE = 200_000
_run_cache: dict[str, tuple[int, frozenset[str]]] = {}


def _run_gates(run: str) -> tuple[int, frozenset[str]]:
    """Bits of the letter-only gate words inside ``run``, and the other words it may hold."""
    found = _run_cache.get(run)
    if found is not None:
        return found
    index = _GATE_INDEX or _gate_index()
    pieces, longest = index.pieces, index.longest
    mask, maybe = 0, set()
    n = len(run)
    for i in range(n):
        for j in range(i + 1, min(n, i + longest) + 1):
            hit = pieces.get(run[i:j])
            if hit is not None:
                mask |= hit[0]
                maybe.update(hit[1])
    found = (mask, frozenset(maybe))
    if len(_run_cache) < _RUN_CACHE_SIZE:
        _run_cache[run] = found
    return found


def _present(low: str) -> int:
    """The bits of the gate word sets of which ``low`` contains a word (see ``_GateIndex``)."""
    index = _GATE_INDEX or _gate_index()
    cache = _run_cache
    mask = 0
    maybe: set[str] = set(index.unkeyed)
    for run in set(_RUN.findall(low)):
        found = cache.get(run) or _run_gates(run)
        mask |= found[0]
        if found[1]:
            maybe |= found[1]
    bits = index.bits
    for word in maybe:
        if word in low:
            mask |= bits[word]
    return mask


def _searched(rx: re.Pattern[str]) -> tuple[_Searcher, bool]:
    """What to search for ``rx``: its exact twin in the lower-cased clause, else itself."""
    twin = exact_twin(rx)
    return (word_start(rx), False) if twin is None else (word_start(twin), True)


def _twin_searcher(rx: re.Pattern[str]) -> _Searcher | None:
    """The exact twin of ``rx`` (see ``exact_twin``), searched through ``word_start``."""
    twin = exact_twin(rx)
    return None if twin is None else word_start(twin)


# The alternatives of a type that a clause can match, by the gate bits of the clause that
# the type's alternatives need (see ``_active``): few combinations recur, so most clauses
# look their alternatives up instead of testing every alternative's bits.
_ACTIVE_CACHE_SIZE = 100_000
_active_cache: dict[tuple[str, int, bool], tuple] = {}


def _active(index: _GateIndex, event_type: str, present: int, raw: bool) -> tuple:
    """The alternatives of ``event_type`` whose needed gate words ``present`` all has, in order.

    From ``alt_patterns`` when ``raw`` (no lower-cased clause), else from ``alt_searches``.
    Which they are depends only on the bits of ``present`` that some alternative of the type
    needs, so that is what the answer is kept by.
    """
    key = (event_type, present & index.alt_masks[event_type], raw)
    active = _active_cache.get(key)
    if active is None:
        needs = index.alt_bits[event_type]
        pool = index.alt_patterns[event_type] if raw else index.alt_searches[event_type]
        # alternative i is possible when needs[i] & present == needs[i] (C-level map)
        active = tuple(compress(pool, map(int.__eq__, map(present.__and__, needs), needs)))
        if len(_active_cache) < _ACTIVE_CACHE_SIZE:
            _active_cache[key] = active
    return active


def _matches(event_type: str, clause: str, low: str | None,
             present: int) -> list[tuple[int, int]]:
    """Spans of ``PATTERNS[event_type].finditer(clause)``, without the alternatives that cannot
    match.

    An alternative whose required words are absent from the clause (``present`` has not all
    of its bits) matches nowhere in it, so leaving it out changes nothing. The few that remain
    are searched one by one and merged the way an alternation scans: the leftmost match wins,
    the earlier alternative at the same position, and scanning resumes where that match ends.
    Where ``low`` (the clause lower-cased by ``same_length_lower``) is given, each pattern
    that has an exact twin (see ``exact_twin``) is searched there instead: same spans, less
    time.
    """
    index = _GATE_INDEX or _gate_index()
    whole = event_type in index.whole  # a pattern that may match empty: no shortcut
    active: Sequence = ()
    if not whole:
        active = _active(index, event_type, present, low is None)
        if not active:
            return []
        whole = len(active) > 4  # one scan beats many
    if whole:
        twin = index.whole_twins[event_type]
        if twin is None or low is None:
            return [m.span() for m in PATTERNS[event_type].finditer(clause)]
        return [m.span() for m in twin.finditer(low)]
    if low is None:
        rxs, texts = active, [clause] * len(active)
    else:
        rxs = [rx for rx, _ in active]
        texts = [low if on_low else clause for _, on_low in active]
    if len(rxs) == 1:  # (no alternative matches empty: one scan is the merge of one)
        return [m.span() for m in rxs[0].finditer(texts[0])]
    found = [rx.search(text) for rx, text in zip(rxs, texts, strict=True)]
    spans = []
    pos = 0
    while True:
        best = None
        for k, m in enumerate(found):
            if m is None:
                continue
            if m.start() < pos:
                m = found[k] = rxs[k].search(texts[k], pos)
                if m is None:
                    continue
            if best is None or m.start() < best.start():
                best = m
        if best is None:
            return spans
        spans.append(best.span())
        pos = best.end()


def find_type_cues(clause: str) -> list[TypeCue]:
    """Every phrase of the clause that could name an event, in text order."""
    return _type_cues(clause, same_length_lower(clause))


def asserted_cues(clause: str) -> list[TypeCue]:
    """The cues of ``find_type_cues`` that ``is_asserted`` keeps, in text order.

    The same answer as testing each cue on its own, with the clause lower-cased once for
    the finding and all the tests instead of once for each.
    """
    low = same_length_lower(clause)
    cues = _type_cues(clause, low)
    return [c for c in cues if _asserted(clause, c, low)] if cues else cues


def _type_cues(clause: str, low: str | None) -> list[TypeCue]:
    """``find_type_cues``, given ``low = same_length_lower(clause)``."""
    cues: list[TypeCue] = []
    present = _present(clause.lower())
    exact = _present(low if low is not None else lower(clause)) if (
        "\u0130" in clause or "\u0131" in clause or "\u017f" in clause) else present
    stem_bits = (_GATE_INDEX or _gate_index()).stem_bits
    for event_type in PATTERNS:
        stems = stem_bits[event_type]
        if stems and not stems & present:
            continue
        for start, end in _matches(event_type, clause, low, exact):
            cues.append(TypeCue(event_type, start, end, clause[start:end]))
    cues.sort(key=lambda c: (c.start, c.end))
    return cues


_BACKGROUND = re.compile(r"\b(?:previous|prior|former|future|possible|potential|any|"
                         r"earlier|past|same)\s+(?:[\w-]+\s+){0,2}$"
                         r"|\b(?:remains|bodies) of\s+(?:[\w-]+\s+){0,2}$"
                         r"|\bsince\s+(?!(?:January|February|March|April|May|June|July|August|"
                         r"September|October|November|December|the start|the beginning|then)\b)"
                         r"(?:[A-Za-z][\w'’-]*\s+){1,6}$"
                         r"|^As\s+(?:[\w-]+\s+){0,3}$", re.I)
# "lifting the blockade", "reopened the road": the end of a blockade, not a new one
_ENDING = re.compile(r"\b(?:lift(?:ed|ing|s)?|end(?:ed|ing|s)?|reopen(?:ed|ing|s)?|end to|"
                     r"reopening of|lifting of)\s+(?:the\s+|their\s+|its\s+)?(?:[\w-]+\s+)?$",
                     re.I)
# "the clashes were stopped": the end of fighting, not fighting
_ENDED_AFTER = re.compile(r"^\s*(?:were|was|have been|had been|has been)\s+(?:\w+\s+)?"
                          r"(?:stopped|halted|ended|suspended|over|called off)\b", re.I)
_TEMPORAL = re.compile(r"\b(?:after|before|once|following)\s+(?:the\s+)?$", re.I)
_INFINITIVE = re.compile(r"\bto\s+(?:\w+ly\s+)?(?:have|hold|start|resume|begin|launch|reach|"
                         r"sign|agree|"
                         r"establish|organi[sz]e|prevent|stop|end|"
                         r"halt|suspend|lift|call off)\s+(?:[\w-]+\s+){0,3}$", re.I)
_DENIAL = re.compile(r"\b(?:denied|denies|deny|denying|dismissed|dismisses|rejected|rejects|"
                     r"refuted|refutes|disputed|disputes)\b", re.I)
# every match of ``_DENIAL`` contains one of these (lower case)
_DENIAL_NEEDS = ("deni", "deny", "dismiss", "reject", "refut", "disput")
_DISPUTED_AFTER = re.compile(r"^[^,;]{0,40}\b(?:were|was|have been|has been)\s+(?:\w+ly\s+)?"
                             r"(?:disputed|denied|rejected|refuted)\b", re.I)
_VIOLATED = re.compile(r"\b(?:violat\w*|broke|break\w*|breach\w*|derail\w*)\b[^,;]*$", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# "Although both sides called for calm, ...": the concession is background to the main clause
_CONCESSION = re.compile(r"^\s*(?:Although|Though|Even though|Even as|Despite)\b[^,;]*$", re.I)
_ATTEMPT = re.compile(r"\battempt(?:ed|ing|s)?\s+to\s+[\w-]+\s+$", re.I)
_RELATIVE_VERB = re.compile(r"\b(?:that|which)\s+(?:were|was|had been|has been|have been)\b",
                            re.I)
# "... are false", "... was fabricated": a report the speaker calls untrue
_FALSE_AFTER = re.compile(r"^[^;]{0,60}?\b(?:is|are|was|were)\s+[\"“]?(?:\w+ly\s+)?(?:false|untrue|"
                          r"fake|groundless|baseless|fabricated|lies|a lie|disinformation)\b", re.I)
# "denied X and claimed that Y": the denial ends where a new claim begins
_NEW_CLAIM = re.compile(r"\b(?:and|but)\s+(?:also\s+)?(?:alleged|claimed|said|says|accused|"
                        r"insisted|added|reported|stated|charged|asserted|alleges|claims)\b", re.I)
# "a week after", "two days before": what the clause only recalls to date something else
_OFFSET_BEFORE = re.compile(r"\b(?:days?|weeks?|months?|years?|hours?)\s+(?:after|before)\s+"
                            r"(?![^,;]*\b(?:said|says|claimed|claims|announced|reported)\b)"
                            r"[^,;]*$", re.I)
# "after the two leaders signed ...": a diplomatic act recalled to date something else
_RECALLED_ACT = re.compile(r"\b(?:after|before|once|following|when)\s+(?:[\w'’-]+\s+){0,4}$",
                           re.I)
_ACT_VERB = re.compile(r"(?:signed|met|held|spoke|visited|discussed)\b", re.I)
# "amounted to Armenia's capitulation", "calling the claim a provocation": a name given to
# something, not a report that it happened
# ("launched what it described as ...measures" still reports the launch)
_CHARACTERIZED = re.compile(
    r"(?<!what it )(?<!what they )\b(?:amount(?:ed|s)? to|tantamount to|constitut(?:es?|ed|ing)|"
    r"call(?:ed|ing|s)? (?:it|this|that|the \w+)|describ(?:ed|ing|es) (?:it |this |that |the \w+ )?"
    r"as|brand(?:ed|ing) (?:it |the \w+ )?(?:as )?|label(?:l?ed|l?ing) (?:it |the \w+ )?(?:as )?)"
    r"\s*(?:an?\s+|the\s+)?(?:[\w-]+['’]s\s+)?(?:(?:gross|flagrant|clear|blatant|serious|"
    r"direct|open|new|another)\s+)?[\"“‘']?$", re.I)
_NOT_TERRITORY = re.compile(r"\b(?:bodies|remains|prisoners|detainees|captives|POWs|patients|"
                            r"hostages|servicemen|soldiers|civilians)\b", re.I)
# "visited the wounded", "mourned the dead": people, not a report of a toll
_NOMINAL_VICTIMS = re.compile(r"\bthe\s+(?:wounded|injured|dead|victims)\b", re.I)
# "warned that any new attack will be met ...": a threat, not a diplomatic act
_THREAT_AFTER = re.compile(r"\b(?:if|unless|any|will|would|could|might)\b", re.I)
# "If the attacks go on, Baku will respond, X warned", "Should Armenia strike, the response
# could be devastating, X warned": the condition comes first
_THREAT_BEFORE = re.compile(r"^\s*(?:If|Unless|Should|Were)\b[^;]*\b(?:will|would|could|might)\b",
                            re.I)
# "a meeting planned for ... did not take place": told, but it never happened
_FELL_THROUGH = re.compile(r"[^.;]{0,80}?\b(?:did not|didn['’]t|never|failed to|would not)\s+"
                           r"(?:take place|happen|go ahead|materiali[sz]e)\b", re.I)
# "a meeting is planned for", "talks that had been scheduled": not (yet) happened
_PLANNED_AFTER = re.compile(
    r"(?:(?!\b(?:and|but|while|after|before|were|was)\s)[^,;.]){0,50}?"
    r"\b(?:is|are|was|were|has been|have been|had been|is being)\s+(?:\w+ly\s+)?"
    r"(?:planned|scheduled|slated|expected to|due|set to|postponed|cancell?ed|called off|"
    r"put off)\b", re.I)
# "a deal had been struck": an agreement reached, not a strike
_DEAL_BEFORE = re.compile(r"\b(?:deal|agreement|accord|bargain|compromise|truce)\s+"
                          r"(?:\w+\s+){0,3}$", re.I)
# "agreed to halt military operations": the agreement is the truce, not a plan
_AGREED = re.compile(r"agreed\b", re.I)
# "in a 1990s war that left 30,000 dead": history recalled, not news
_DECADE = re.compile(r"\b(?:19|20)\d0s\b")
# "discussed the violations of the truce": the subject of talks, told as an event elsewhere
_TOPIC_BEFORE = re.compile(r"\b(?:discuss(?:ed|es|ing)?|raised|talked about|debated|"
                           r"addressed)\s+(?:the\s+|recent\s+|latest\s+)*(?:[\w-]+\s+){0,2}$",
                           re.I)
# "seven servicemen died in the clashes": fighting already told, named again as the cause
_DIED_IN_THE = re.compile(r"\b(?:died|killed|wounded|injured|perished|lives)\s+(?:in|during)\s+"
                          r"(?:the|these|those)\s+$", re.I)


def is_asserted(clause: str, cue: TypeCue) -> bool:
    """False when the words around the cue deny, negate, plan or only recall it.

    Looks back within the cue's own comma-delimited segment (a negation does
    not reach across a comma), and inside the cue phrase itself ("the truce
    never took effect"). Each costly case-insensitive test is tried first on the
    lower-cased clause by its twin (see ``lower_twin``), which only ever skips
    tests that cannot match.
    """
    return _asserted(clause, cue, same_length_lower(clause))


def _asserted(clause: str, cue: TypeCue, low: str | None) -> bool:
    """``is_asserted``, given ``low = same_length_lower(clause)``."""
    twins = _TWINS
    if low is None:  # the twins cannot be used: every test runs as written
        low, twins = clause, _NO_TWINS
    inner = cue.phrase
    start, end = cue.start, cue.end
    if cue.event_type != "diplomacy" and twins["nh"].search(low[start:end]) \
            and _NOT_HAPPENED.search(inner) and not _RELATIVE_VERB.search(inner) \
            and not (cue.event_type == "ceasefire" and _AGREED.match(inner)):
        return False  # ("urged", "called for" are themselves the diplomatic act)
    if cue.event_type == "diplomacy" and inner.lower().startswith("warn") \
            and (_THREAT_AFTER.search(clause, end) or _THREAT_BEFORE.match(clause)):
        return False
    if twins["plan"].match(low, end) and _PLANNED_AFTER.match(clause, end):
        return False
    if ("take place" in low or "happen" in low or "go ahead" in low or "materiali" in low) \
            and _FELL_THROUGH.match(clause, end):
        return False
    if cue.event_type == "shelling" and "struck" in inner.lower() \
            and _DEAL_BEFORE.search(clause, 0, start):
        return False
    if cue.event_type == "casualties" and _NOMINAL_VICTIMS.fullmatch(
            clause, max(0, start - 4), end):
        return False
    if twins["false"].match(low[end:end + 80]) and _FALSE_AFTER.match(clause[end:end + 80]):
        return False
    if twins["char"].search(low[max(0, start - 60):start]) \
            and _CHARACTERIZED.search(clause[max(0, start - 60):start]):
        return False
    if cue.event_type == "offensive" and inner.lower().startswith("hand") \
            and _NOT_TERRITORY.search(clause):
        return False  # bodies, prisoners or patients handed over: no land changes hands
    if _ENDED_AFTER.match(clause[end:end + 40]):
        return False
    before = clause[:start]
    low_before = low[:start] if twins is _TWINS else lower(before)
    if any(map(low_before.__contains__, _DENIAL_NEEDS)):  # (C-level: no generator frames)
        denials = list(_DENIAL.finditer(before))
        if denials and not _NEW_CLAIM.search(before, denials[-1].end()):
            return False  # a denial covers what follows it in the clause, up to a new claim
    if twins["disp"].match(low[end:end + 60]) and _DISPUTED_AFTER.match(clause[end:end + 60]):
        return False
    if _CONCESSION.match(before):
        return False
    seg_start = max(before.rfind(", "), before.rfind("; ")) + 1
    segment = before[seg_start:]
    if _DECADE.search(segment):
        return False
    if cue.event_type != "diplomacy" and twins["topic"].search(low[seg_start:start]) \
            and _TOPIC_BEFORE.search(segment):
        return False
    if cue.event_type == "border_incident" and _DIED_IN_THE.search(before[-40:]):
        return False
    lo = max(0, start - _LOOKBACK)
    left = clause[lo:start]
    cut = max(left.rfind(", "), left.rfind("; "), left.rfind(" — "))
    if cut >= 0:
        lo += cut + 2
        left = clause[lo:start]
    if twins["claim"].search(low[lo:start]):
        claims = list(_NEW_CLAIM.finditer(left))
        if claims:
            lo += claims[-1].end()
            left = clause[lo:start]  # "denied X and claimed that": what is claimed counts
    low_left = low[lo:start]
    if twins["attempt"].search(low_left) and _ATTEMPT.search(left):
        return True  # an attempted assault is reported as one
    if (twins["bg"].search(low_left) and _BACKGROUND.search(left)) or (
            twins["inf"].search(low_left) and _INFINITIVE.search(left)):
        return False
    if cue.event_type == "displacement" and twins["end"].search(low_left) \
            and _ENDING.search(left):
        return False
    if cue.event_type != "diplomacy" and (
            (twins["temp"].search(low_left) and _TEMPORAL.search(left))
            or (twins["offset"].search(low[seg_start:start]) and _OFFSET_BEFORE.search(segment))):
        return False
    if cue.event_type == "diplomacy" and _ACT_VERB.match(inner) \
            and twins["act"].search(low_left) and _RECALLED_ACT.search(left):
        return False
    if cue.event_type == "ceasefire" and twins["viol"].search(low_left) \
            and _VIOLATED.search(left) and not _YEAR.search(left[-30:]):
        return False  # "violated the ceasefire deal": a violation, told as such elsewhere
    if _RELATIVE_VERB.search(inner):
        return True
    if not twins["nh"].search(low_left):
        return True
    hits = list(_NOT_HAPPENED.finditer(left))
    if not hits:
        return True
    return bool(_ONGOING.search(left[hits[-1].end():]))


# The pre-tests of ``is_asserted``: lower-cased twins (see ``lower_twin``) of its costly
# case-insensitive patterns, and twins that always match for text the twins cannot read.
# Those only searched (not matched at a position) go through ``word_start``: the ones that
# start with a word boundary are searched from their first letters.
_MATCHED_TWINS = ("plan", "false", "disp")
_TWINS: dict[str, _Searcher] = {
    key: lower_twin(rx) if key in _MATCHED_TWINS else word_start(lower_twin(rx))
    for key, rx in (
        ("nh", _NOT_HAPPENED), ("plan", _PLANNED_AFTER), ("false", _FALSE_AFTER),
        ("char", _CHARACTERIZED), ("disp", _DISPUTED_AFTER), ("topic", _TOPIC_BEFORE),
        ("offset", _OFFSET_BEFORE), ("claim", _NEW_CLAIM), ("attempt", _ATTEMPT),
        ("bg", _BACKGROUND), ("inf", _INFINITIVE), ("end", _ENDING), ("temp", _TEMPORAL),
        ("act", _RECALLED_ACT), ("viol", _VIOLATED))}
_NO_TWINS = dict.fromkeys(_TWINS, re.compile(""))


# How a statement was made ("told reporters", "wrote on Twitter"): a diplomatic act on its
# own, but only the channel of a claim when the clause reports something else.
_CHANNEL = re.compile(r"\b(?:said in a statement|statement|told|televised|video|national|address|"
                      r"the nation|wrote|posted|tweeted|interview|press conference|"
                      r"news conference|reiterated)\b", re.I)
# A crowd's demands are the protest's words; a truce's brokering is the truce itself.
_CROWD_SPEECH = re.compile(r"^(?:urg|call|appeal|demand)", re.I)
_BROKERING = re.compile(r"^mediat", re.I)
# Border-incident words that name a particular incident, not fighting in general.
_DISTINCT_INCIDENT = re.compile(r"\b(?:posts?|outposts?|cross\w*|downed|shot down|brought down|"
                                r"exchang\w*|trad\w*|skirmish\w*|ambush\w*|incursions?|"
                                r"sniper|provocations?)\b", re.I)


def is_speech_channel(cue: TypeCue) -> bool:
    """True for a diplomacy cue that only says how a statement was made."""
    return cue.event_type == "diplomacy" and bool(_CHANNEL.search(cue.phrase))


def is_part_of(cue: TypeCue, kinds: set[str] | frozenset[str]) -> bool:
    """True for a diplomacy cue that belongs to another event the sentence tells.

    "Thousands marched, urging the government ..." is the protest speaking, and
    "a truce reached through the mediation of Russia" is the truce: neither is a
    diplomatic act of its own.
    """
    if cue.event_type != "diplomacy":
        return False
    return ("protest" in kinds and bool(_CROWD_SPEECH.match(cue.phrase))) or (
        "ceasefire" in kinds and bool(_BROKERING.match(cue.phrase)))


def is_generic_fighting(cue: TypeCue) -> bool:
    """True for a border-incident cue that adds nothing to a strike told in the same sentence.

    Fighting in general ("clashes erupted") and a truce "violated" by the strike itself are
    the strike; a distinct incident (a post seized, a drone downed, a border crossed, an
    exchange of fire) is an event of its own.
    """
    return cue.event_type == "border_incident" and not _DISTINCT_INCIDENT.search(cue.phrase)
