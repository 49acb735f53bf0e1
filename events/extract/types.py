"""Event types from the vocabulary of conflict reporting.

Finding and deciding are kept apart: :func:`find_type_cues` lists every
phrase that could name an event of a type (with its offsets in the clause),
and :func:`is_asserted` decides whether the phrase reports something that
happened, as opposed to something denied, planned, feared or called for.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from re import _constants as _sre  # the parse tree's opcodes (see ``_required``)
from re import _parser as _sre_parse
from typing import Any


@dataclass(frozen=True, slots=True)
class TypeCue:
    """A phrase in a clause that names an event of ``event_type``."""

    event_type: str
    start: int
    end: int
    phrase: str


def _top_level_alternatives(pattern: str) -> list[str]:
    """``pattern`` split at the ``|`` that are outside groups and character classes."""
    out: list[str] = []
    depth, start, i, in_class = 0, 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern[i + 1:i + 2] == "^":
                i += 1
            if pattern[i + 1:i + 2] == "]":
                i += 1  # a "]" right after "[" or "[^" is a literal
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


def _alternatives(*parts: str) -> list[str]:
    """The top-level alternatives of ``parts``, in order."""
    return [a for p in parts for a in _top_level_alternatives(p)]


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


def _required(items: Any) -> frozenset[str] | None:
    """Lower-case strings one of which every match of a parsed pattern contains.

    Works on the parse tree of :mod:`re`: a run of ASCII literals is required
    as a whole, a group or a repeat of at least one needs what its body needs,
    alternatives need one of what each needs. ``None`` when nothing is known to
    be required (character classes, optional parts, lookarounds).
    """
    best: frozenset[str] | None = None
    run: list[str] = []

    def consider(found: frozenset[str] | None) -> None:
        nonlocal best
        if found and (best is None or min(map(len, found)) > min(map(len, best))):
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


@functools.cache
def _gates(event_type: str) -> tuple[tuple[str, ...], tuple[frozenset[str] | None, ...]]:
    """The alternatives of a type's pattern and what each needs in the clause to match."""
    alternatives = tuple(_alternatives(*_PARTS[event_type]))
    needs = []
    for alt in alternatives:
        try:
            needs.append(_required(_sre_parse.parse(alt, re.IGNORECASE)))
        except Exception:  # an unexpected tree only costs the shortcut, never a match
            needs.append(None)
    return alternatives, tuple(needs)


_W = r"(?:[\w'’-]+\s+)"  # one word and its space
_CEASEFIRE_WORD = r"(?:[\"“‘']?(?:cease-?\s?fires?|truces?|armistice)[\"”’']?)"

# A generic "firing at" is a strike on a town and an incident on the front;
# the pipeline settles it with the place (see ``FIRE``).
FIRE = "fire"

_PARTS: dict[str, tuple[str, ...]] = {
    "shelling": (
        r"\bshell(?:ed|ing|s)\b",
        r"\bbombard(?:ed|ing|ment|ments)\b",
        r"\b(?:bomb(?:ed|ing|ings)|air\s?strikes?|airstrikes?|air raids?)\b",
        r"\bcluster (?:munitions?|bombs?)\b",
        r"\b(?:artillery|missile|rocket|drone|UAV|mortar|air|aerial)\s+(?:fire|strikes?|attacks?|"
        r"assaults?|barrages?)\b",
        r"\b(?:fired|firing|launch(?:ed|ing)|lobbed)\s+" + _W
        + r"{0,3}(?:missiles?|rockets?|shells?|"
        r"projectiles?)\b",
        r"\brocket(?:ed|ing)\b",
        r"\b(?:missiles?|rockets?|shells?|projectiles?)\s+(?:were|was|had been|have been)\s+"
        r"(?:fired|launched|lobbed)\b",
        r"\bmissiles?\s+(?:hit|struck|landed)\b",
        r"\b(?:attacked|struck|hit)\s+by\s+(?:an?\s+)?(?:drones?|UAVs?|missiles?|rockets?)\b",
        r"\b(?:launched|carried out)\s+" + _W + r"{0,2}(?:strikes?|drone attacks?)\b",
        r"\bdestr(?:oyed|oying|uction of)\b",
        r"\btarget(?:ed|ing|s)\s+(?:the\s+)?(?:civilian|residential|peaceful)\b",
        r"\btargeted\s+with\b",
        r"\bshot down\s+(?:[\w-]+\s+){0,3}(?:aircrafts?|planes?|jets?|helicopters?)\b",
        r"\battacks?\s+(?:on|against)\s+(?:the\s+)?(?:peaceful|civilian)\s+(?:population|"
        r"populations|civilians|areas|settlements|infrastructure)\b",
        r"\bunder\s+(?:\w+\s+){0,2}(?:fire|shelling|bombardment)\b",
    ),
    FIRE: (
        r"\b(?:fir(?:ed|ing)|opened fire)\s+(?:at|on|upon|against)\b",
        r"\bopened fire\b",
    ),
    "border_incident": (
        r"\bclash(?:es|ed)?\b",
        r"\bskirmish(?:es)?\b",
        r"\bexchang(?:es|ed)? (?:of )?fire\b",
        r"\bshoot-?outs?\b|\bfirefights?\b|\bgun ?battles?\b",
        r"\bviolat(?:ed|ing|es|ions?)\b(?=[^.]{0,60}\b" + _CEASEFIRE_WORD + r")",
        _CEASEFIRE_WORD + r"\s+violations?\b",
        r"\b(?:break|broke|breaking|breach(?:ed|ing)?|derail(?:ed|ing)?)\s+(?:\w+\s+){0,2}"
        r"(?:" + _CEASEFIRE_WORD + r"|deal)\b",
        r"\b(?:hostilities|fighting|clashes|violence|war|conflict|tensions|situation)\s+"
        r"(?:[\w-]+\s+){0,16}?(?:flared|erupted|broke out|resumed|escalated|aggravated|"
        r"deteriorated|worsened|began|started|commenced)\b",
        r"\boutbreak of (?:fighting|hostilities|violence)\b",
        r"\b(?:fighting|clashes|battles?)\s+(?:went on|continued?|continues|is ongoing|was ongoing|"
        r"raged)\b",
        r"\b(?:fierce|heavy|intense)\s+(?:fighting|clashes|combat|battles?)\b",
        r"\bincursions?\b|\binva(?:de|ded|sion)\b|\bprovoking the escalation\b",
        r"\barmed incidents?\b|\bgrenade\b|\bsniper\b",
        r"\b(?:drones?|UAVs?|unmanned aerial vehicles?|aircraft)\b[^.]{0,40}"
        r"\b(?:downed|shot down)\b",
        r"\b(?:downed|shot down)\b[^.]{0,40}\b(?:drones?|UAVs?|unmanned aerial vehicles?)\b",
        r"\bnew attack\b|\battack(?:ed)? (?:on|against) (?:\w+\s+){0,2}(?:positions?|posts?)\b",
        r"\berupted\b",
    ),
    "offensive": (
        r"\b(?:launched|launching|launch|started|began|begun|mounted)\s+(?:[\w-]+\s+){0,4}"
        r"(?:offensives?|operations?|assaults?|counter-?offensives?|incursions?|invasion|measures)\b",
        r"\boffensives?\b|\bcounter-?terrorism (?:operation|measures)\b",
        r"\b(?<!been )(?<!were )(?<!was )captur(?:ed|e|ing)\s+"
        r"(?=(?:the\s+|a\s+)?(?:strategic\s+|key\s+)?(?:town|city|village|"
        r"region|district|territory|heights?|hills?|positions?|(?-i:[A-Z])))",
        r"\b(?:lost|losing|lose|regained|retook|took|taken|seized|gained|full)\s+control\s+(?:of|over)\b",
        r"\b(?:loss|fall|capture|seizure|liberation) of the "
        r"(?:city|town|village|region|district)\b",
        r"\bliberat(?:ed|ion of)\b|\bseized\b|\boverran\b",
        r"\bclos(?:ing|ed) in on\b|\badvanc(?:e|ed|ing) (?:on|into|towards?)\b",
        r"\bground (?:assault|operation|offensive)\b|\bfull-scale war\b|\bethnic cleansing\b",
        r"\b(?:Second|First) (?:Karabakh|Nagorno-Karabakh) War\b|\b44-day war\b",
        r"\bwar\b(?=[^.]{0,40}\b(?:was won|won by)\b)",
        r"\b(?:handed over|handover|hand-over|hand over|returned to Azerbaijan)\b",
        r"\b(?:applied|used|deployed|sent in|moved in|brought in)\s+(?:its\s+|their\s+)?"
        r"(?:tanks|armou?red vehicles|ground troops)\b",
    ),
    "displacement": (
        r"\bdisplac(?:ed|ement|ing)\b|\brefugees?\b|\bexodus\b|\bevacuat(?:ed|ing|ion|e)\b",
        r"\bfle(?:e|d|eing|es)\b|\b(?:trying|attempt(?:ing)?|forced|began|rushing) to leave\b",
        r"\bdeparting\b|\bforced out\b|\bdeport(?:ed|ation)\b",
        r"\bblockade\b|\bblock(?:ed|ing|s)\s+(?:\w+\s+){0,4}(?:road|corridor|highway|route|access|"
        r"convoy)\b|\b(?:road|corridor|convoy|highway)\s+(?:\w+\s+){0,6}blocked\b|"
        r"\bblocked by\b",
        r"\b(?:caused|created|triggered|sparked|led to|generated|unfolding)\s+(?:an?\s+)?"
        r"(?:[\w-]+\s+)?humanitarian (?:crisis|catastrophe|emergency|disaster)\b",
        r"\bshortages? of\b|\b(?:installed|set up|established)\s+(?:\w+\s+){0,2}checkpoint\b",
    ),
    "casualties": (
        r"\bkill(?:ed|ing|s)\b|\bdead\b|\bdied\b|\bdeaths?\b|\bdeath toll\b",
        r"\bcasualt(?:y|ies)\b|\bwounded\b|\binjur(?:ed|ies)\b|\bfatalit(?:y|ies)\b",
        r"\blosses\b|\bloss amounted\b|\bvictims\b|\bperished\b|\blost their lives\b",
    ),
    "ceasefire": (
        _CEASEFIRE_WORD + r"\s+(?:agreement|deal|accord)s?\b",
        r"\b(?:agreed|agree|reached|brokered|announced|signed|forged|declared|enacted|"
        r"established|reaffirmed|mediated|facilitated|arranged|negotiated)\s+"
        r"(?:[\w\"“”'’-]+\s+){0,5}"
        + _CEASEFIRE_WORD,
        r"\b(?:Russia|Russian|US|U\.S\.|Moscow|Washington|Turkish|French)-brokered\s+"
        + _CEASEFIRE_WORD,
        _CEASEFIRE_WORD + r"\s+(?:\w+\s+){0,4}(?:went into effect|took effect|came into force|"
        r"was agreed|was reached|was announced|was signed|facilitated|brokered|agreed|signed|"
        r"established|reaffirmed|announced)\b",
        r"\bended with a " + _CEASEFIRE_WORD,
        r"\b(?:ceased|cessation of|suspend(?:ed)?|halt(?:ed)?) hostilities\b",
        r"\bcapitulat(?:ed|ion)\b|\bsurrender(?:ed)?\b",
        r"\b(?:peace|trilateral) (?:deal|agreement|accord)\b",
        r"\bagreement\b(?=[^.]{0,60}\bsigned\b)",
    ),
    "diplomacy": (
        r"\btalks\b|\bnegotiations?\b|\bmet with\b|\bmet in\b|\bmeetings?\b|\bsummit\b",
        r"\b(?:tele)?phone (?:call|conversations?|talks)\b|\bspoke by phone\b",
        r"\bmediat(?:ed|ion|ing|e)\b|\bpress conference\b",
        r"\b(?:issued|made|released)\s+(?:a|an)\s+(?:\w+\s+)?(?:statement|call|appeal)\b",
        r"\bcalled (?:on|for)\b|\bcalls (?:on|for)\b|\burg(?:ed|ing|es)\b|\bappeal(?:ed|s)? for\b",
        r"\bcondemn(?:ed|s|ing)\b|\bdenounced\b|\bwarned\b|\bcriticiz(?:ed|es)\b",
        r"\bdiscussed\b|\bvisited\b|\bordered\b|\breiterated\b|\baddressed the conflict\b",
        r"\bsaid in a statement\b",
    ),
    "protest": (
        r"\bprotest(?:s|ers|ors|ed|ing)?\b|\bdemonstrat(?:ion|ions|ors)\b",
        r"\brall(?:y|ies|ied)\b|\bsit-ins?\b|\bpicket(?:s|ed|ing)?\b|\bmarched\b",
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
    r"proposal|propose[sd]?|would-be|until|has to|have to)\b",
    re.IGNORECASE,
)
# ...unless the modal only says an ongoing act goes on ("vowed to continue its bombardment").
_ONGOING = re.compile(r"\b(?:continue|continues|continued|continuing|keep|keeps)\b", re.I)
# Calls for a truce, and "not" within quoted speech about what must stop, are statements.
_LOOKBACK = 60


# Lower-case stems every phrase of a type contains: a cheap substring pass, so
# the full patterns only run on clauses that could match (most match none).
_STEMS: dict[str, tuple[str, ...]] = {
    "shelling": ("shell", "bomb", "strike", "cluster", "artiller", "missile", "rocket", "drone",
                 "uav", "mortar", "fir", "launch", "lobbed", "destr", "target", "attack", "raid",
                 "shot down", "under"),
    FIRE: ("fir",),
    "border_incident": ("clash", "skirmish", "fire", "shoot", "battle", "violat", "truce",
                        "cease", "break", "broke", "breach", "derail", "flared", "erupt", "resum",
                        "escalat", "aggravat", "deterior", "worsen", "outbreak", "went on",
                        "continu", "ongoing", "raged", "fierce", "heavy", "intense", "incursion",
                        "invad", "invas", "provoking", "incident", "grenade", "sniper", "downed",
                        "shot down", "attack"),
    "offensive": ("launch", "start", "began", "begun", "mount", "offensive", "terror", "captur",
                  "control", "loss of", "fall of", "seizure", "liberat", "seized", "overran",
                  "clos", "advanc", "ground", "full-scale", "cleansing", "war", "hand",
                  "returned to", "tanks", "armored", "armoured", "troops"),
    "displacement": ("displac", "refugee", "exodus", "evacuat", "flee", "fled", "leave",
                     "depart", "forced out", "deport", "block", "humanitarian", "shortage",
                     "checkpoint"),
    "casualties": ("kill", "dead", "died", "death", "casualt", "wounded", "injur", "fatalit",
                   "losses", "loss amount", "victims", "perished", "lost their lives"),
    "ceasefire": ("cease", "truce", "armistice", "hostilities", "capitulat", "surrender",
                  "peace", "trilateral", "agreement"),
    "diplomacy": ("talks", "negotiat", "met ", "meeting", "summit", "phone", "mediat",
                  "press conference", "statement", "call", "appeal", "urg", "condemn", "denounc",
                  "warned", "critici", "discussed", "visited", "ordered", "reiterated",
                  "addressed"),
    "protest": ("protest", "demonstrat", "rall", "sit-in", "picket", "marched"),
}


# The only letters that match an ASCII letter case-insensitively but do not lower-case to
# it (dotted and dotless i, long s): mapped before the substring tests.
_IGNORECASE_EXTRA = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


@functools.cache
def _alternative_patterns(event_type: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(alt, re.IGNORECASE) for alt in _gates(event_type)[0])


def _matches(event_type: str, clause: str, low: str) -> Iterator[re.Match[str]]:
    """``PATTERNS[event_type].finditer(clause)``, without the alternatives that cannot match.

    An alternative whose required words are absent from ``low`` matches nowhere in the
    clause, so leaving it out changes nothing. The few that remain are searched one by
    one and merged the way an alternation scans: the leftmost match wins, the earlier
    alternative at the same position, and scanning resumes where that match ends.
    """
    _, needs = _gates(event_type)
    active = []
    for i, need in enumerate(needs):
        if need is None:
            yield from PATTERNS[event_type].finditer(clause)  # may match empty: no shortcut
            return
        for word in need:
            if word in low:
                active.append(i)
                break
    if len(active) > 4:
        yield from PATTERNS[event_type].finditer(clause)  # one scan beats many
        return
    patterns = _alternative_patterns(event_type)
    rxs = [patterns[i] for i in active]
    found = [rx.search(clause) for rx in rxs]
    pos = 0
    while True:
        best = None
        for k, m in enumerate(found):
            if m is None:
                continue
            if m.start() < pos:
                m = found[k] = rxs[k].search(clause, pos)
                if m is None:
                    continue
            if best is None or m.start() < best.start():
                best = m
        if best is None:
            return
        yield best
        pos = best.end()


def find_type_cues(clause: str) -> list[TypeCue]:
    """Every phrase of the clause that could name an event, in text order."""
    cues: list[TypeCue] = []
    low = clause.lower()
    exact_low = clause.translate(_IGNORECASE_EXTRA).lower() if (
        "\u0130" in clause or "\u0131" in clause or "\u017f" in clause) else low
    for event_type in PATTERNS:
        for stem in _STEMS[event_type]:  # a plain loop: cheaper than any() or a regex
            if stem in low:
                break
        else:
            continue
        for m in _matches(event_type, clause, exact_low):
            cues.append(TypeCue(event_type, m.start(), m.end(), m.group()))
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
_ATTEMPT = re.compile(r"\battempt(?:ed|ing|s)?\s+to\s+[\w-]+\s+$", re.I)
_RELATIVE_VERB = re.compile(r"\b(?:that|which)\s+(?:were|was|had been|has been|have been)\b",
                            re.I)


def is_asserted(clause: str, cue: TypeCue) -> bool:
    """False when the words around the cue deny, negate, plan or only recall it.

    Looks back within the cue's own comma-delimited segment (a negation does
    not reach across a comma), and inside the cue phrase itself ("the truce
    never took effect").
    """
    inner = cue.phrase
    if _NOT_HAPPENED.search(inner) and not _RELATIVE_VERB.search(inner):
        return False
    if _ENDED_AFTER.match(clause[cue.end:cue.end + 40]):
        return False
    before = clause[:cue.start]
    low_before = before.lower() if before.isascii() else before.translate(
        _IGNORECASE_EXTRA).lower()
    if (any(w in low_before for w in _DENIAL_NEEDS) and _DENIAL.search(before)) \
            or _DISPUTED_AFTER.match(clause[cue.end:cue.end + 60]):
        return False  # a denial covers everything it is followed by in the clause
    left = clause[max(0, cue.start - _LOOKBACK):cue.start]
    cut = max(left.rfind(", "), left.rfind("; "), left.rfind(" — "))
    if cut >= 0:
        left = left[cut + 2:]
    if _ATTEMPT.search(left):
        return True  # an attempted assault is reported as one
    if _BACKGROUND.search(left) or _INFINITIVE.search(left):
        return False
    if cue.event_type == "displacement" and _ENDING.search(left):
        return False
    if cue.event_type != "diplomacy" and _TEMPORAL.search(left):
        return False
    if cue.event_type == "ceasefire" and _VIOLATED.search(left) and not _YEAR.search(left[-30:]):
        return False  # "violated the ceasefire deal": a violation, told as such elsewhere
    if _RELATIVE_VERB.search(inner):
        return True
    hits = list(_NOT_HAPPENED.finditer(left))
    if not hits:
        return True
    return bool(_ONGOING.search(left[hits[-1].end():]))
