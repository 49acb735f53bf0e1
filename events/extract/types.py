"""Event types from the vocabulary of conflict reporting.

Finding and deciding are kept apart: :func:`find_type_cues` lists every
phrase that could name an event of a type (with its offsets in the clause),
and :func:`is_asserted` decides whether the phrase reports something that
happened, as opposed to something denied, planned, feared or called for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TypeCue:
    """A phrase in a clause that names an event of ``event_type``."""

    event_type: str
    start: int
    end: int
    phrase: str


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)


_W = r"(?:[\w'’-]+\s+)"  # one word and its space
_CEASEFIRE_WORD = r"(?:[\"“‘']?(?:cease-?\s?fires?|truces?|armistice)[\"”’']?)"

# A generic "firing at" is a strike on a town and an incident on the front;
# the pipeline settles it with the place (see ``FIRE``).
FIRE = "fire"

PATTERNS: dict[str, re.Pattern[str]] = {
    "shelling": _rx(
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
    FIRE: _rx(
        r"\b(?:fir(?:ed|ing)|opened fire)\s+(?:at|on|upon|against)\b",
        r"\bopened fire\b",
    ),
    "border_incident": _rx(
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
    "offensive": _rx(
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
    "displacement": _rx(
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
    "casualties": _rx(
        r"\bkill(?:ed|ing|s)\b|\bdead\b|\bdied\b|\bdeaths?\b|\bdeath toll\b",
        r"\bcasualt(?:y|ies)\b|\bwounded\b|\binjur(?:ed|ies)\b|\bfatalit(?:y|ies)\b",
        r"\blosses\b|\bloss amounted\b|\bvictims\b|\bperished\b|\blost their lives\b",
    ),
    "ceasefire": _rx(
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
    "diplomacy": _rx(
        r"\btalks\b|\bnegotiations?\b|\bmet with\b|\bmet in\b|\bmeetings?\b|\bsummit\b",
        r"\b(?:tele)?phone (?:call|conversations?|talks)\b|\bspoke by phone\b",
        r"\bmediat(?:ed|ion|ing|e)\b|\bpress conference\b",
        r"\b(?:issued|made|released)\s+(?:a|an)\s+(?:\w+\s+)?(?:statement|call|appeal)\b",
        r"\bcalled (?:on|for)\b|\bcalls (?:on|for)\b|\burg(?:ed|ing|es)\b|\bappeal(?:ed|s)? for\b",
        r"\bcondemn(?:ed|s|ing)\b|\bdenounced\b|\bwarned\b|\bcriticiz(?:ed|es)\b",
        r"\bdiscussed\b|\bvisited\b|\bordered\b|\breiterated\b|\baddressed the conflict\b",
        r"\bsaid in a statement\b",
    ),
    "protest": _rx(
        r"\bprotest(?:s|ers|ors|ed|ing)?\b|\bdemonstrat(?:ion|ions|ors)\b",
        r"\brall(?:y|ies|ied)\b|\bsit-ins?\b|\bpicket(?:s|ed|ing)?\b|\bmarched\b",
    ),
}

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


def find_type_cues(clause: str) -> list[TypeCue]:
    """Every phrase of the clause that could name an event, in text order."""
    cues: list[TypeCue] = []
    low = clause.lower()
    for event_type, pattern in PATTERNS.items():
        if not any(stem in low for stem in _STEMS[event_type]):
            continue
        for m in pattern.finditer(clause):
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
    if _DENIAL.search(clause[:cue.start]) or _DISPUTED_AFTER.match(clause[cue.end:cue.end + 60]):
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
