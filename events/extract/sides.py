"""Who makes a claim, and which side they speak for.

Candidates come from the shapes attribution takes in news copy: "X said",
"said X", "according to X", ", per X", "X reports", "X accused Y of", the
passive "Y was accused of ... by X", and pronouns ("It said", "She added")
that point back to the last named source. Mutual accusations ("accused each
other", "traded blame") give one claim per side.

The side of a claimant comes from its words: nationality and institution
cues, Armenian and Azerbaijani outlets (``events.outlets``), and names the
article itself has tied to a side ("Azerbaijan's Foreign Minister Jeyhun
Bayramov" makes a later "Bayramov said" Azerbaijani).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from events.extract.boundary import word_start
from events.extract.casefold import CaseFree, lower, same_length_lower
from events.outlets import lookup_outlet

ARMENIAN, AZERBAIJANI, THIRD = "armenian", "azerbaijani", "third_party"


@dataclass(frozen=True, slots=True)
class Claim:
    """One source for what a clause reports."""

    claimant: str
    side: str
    explicit: bool = True  # named in the clause (not the outlet, not carried over)


_ATTR_VERBS = (
    r"said|says|say|stated|states|claimed|claims|claim|reported|reports|report|announced|"
    r"announces|noted|notes|alleged|alleges|allege|accused|accuses|accuse|informed|told|"
    r"confirmed|confirms|wrote|writes|added|adds|insisted|insists|acknowledged|revealed|"
    r"asserted|declared|stressed|blamed|blames|charged|tweeted|posted|argued|argues|"
    r"warned|explained|cited|quoted|complained|recalled|vowed|vows|pledged|informs|reiterated|"
    r"emphasi[sz]ed|urged|condemned|showed|shows|made a statement|issued a statement|"
    r"commented|comment|responded|respond|reacted|react|"
    r"released a statement|"
    # "the ministry put its losses at 71": a toll given is a claim
    r"put(?=\s+(?:its|their|the)\s+(?:own\s+)?(?:losses|toll|death toll|casualties|figure))|"
    # "X spoke by phone with Y": the caller tells of the call
    r"spoke (?:by|on the|over the) (?:tele)?phone|held (?:a |separate )?(?:tele)?phone "
    r"(?:calls?|conversations?|talks)"
)
_VERB = re.compile(
    r"\b(?:has |have |had |also |later |earlier |immediately |then )*(?:" + _ATTR_VERBS + r")\b")


def _trie(words: list[str]) -> str:
    """A regex for ``words`` written as a trie ("sa(?:id|ys?)"): one test per character."""
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        kids = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not kids:
            return ""
        body = kids[0] if len(kids) == 1 else "(?:" + "|".join(kids) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(tree)


# Every match of ``_VERB`` has a word starting with one of these (the letters each verb
# phrase starts with) right after a word boundary: a cheap first scan, since most clauses
# name no source at all.
_VERB_STARTS = re.compile(r"\b(?:" + _trie(sorted({
    re.match(r"[a-z]+", alt).group()  # type: ignore[union-attr]
    for alt in re.split(r"\|(?![^()]*\))", _ATTR_VERBS)})) + ")")
_CONCESSIVE = re.compile(r"^(?:Though|Although|Even though|Despite|While)\b[^,]{0,150},")
_SAY_VERBS = frozenset([
    "said", "says", "stated", "added", "noted", "wrote", "reported", "reports", "announced", "told",
    "confirmed"])
_ACCORDING = re.compile(r"\baccording to\s+|,\s*per\s+|\bcit(?:ing|ed by)\s+|\bquoted by\s+",
                        re.IGNORECASE)
_PASSIVE_BY = re.compile(
    r"\b(?:was|were|has been|have been|had been|is|are)\s+(?:\w+\s+)?(?:accused|blamed|"
    r"reported|confirmed|announced|claimed|published|released|shared|posted)\b[^.;]{0,160}?"
    r"\bby\s+((?:the\s+)?(?:region['’]s\s+)?[A-Za-z][^,.;]*)")
# "a truce announced on Wednesday by Armen Grigoryan": a passive without its "was"
_REDUCED_PASSIVE = re.compile(
    r"\b(?:announced|reported|confirmed|released|published|declared)\s+"
    r"(?:[^,.;]{0,30}?\s)?by\s+((?:the\s+)?[A-Z][^,.;]*)")
# Both searched from the first letters of their verbs (see ``events.extract.boundary``).
_PASSIVE_SEARCH = word_start(_PASSIVE_BY)
_REDUCED_SEARCH = word_start(_REDUCED_PASSIVE)
_MUTUAL = re.compile(
    r"\b(?:accus\w+|blam\w+|fault\w*)\s+(?:each other|one another)\b|\btraded (?:blame|accusations|"
    r"charges)\b|\btrad(?:e|ing) (?:blame|accusations)\b|\bmutual (?:claims|accusations|"
    r"allegations|recriminations)\b|\beach (?:side|party|country) (?:blam|accus)\w* the other\b"
    r"|\b(?:officials|sources) (?:on|from) both sides\b|\bboth sides (?:said|reported|claimed)\b",
    re.IGNORECASE)
_PRONOUN = re.compile(r"^(?:it|they|he|she|the (?:ministry|agency|statement|spokesman|"
                      r"spokeswoman|spokesperson|official|officials|report|watchdog|group|side|"
                      r"office|service|army|military|command|organi[sz]ation|committee|mission|"
                      r"government|authorities|president|prosecutor['’]s office))$", re.I)
_STOP_SUBJECT = re.compile(
    r"^(?:that|which|who|and|as|after|before|when|while|but|also|in turn|however|meanwhile|"
    r"earlier|later|then|both|on \w+|today|yesterday)$", re.I)
# (the same separators as ``,\s+|;\s+|:\s+|[“”"()]|\s[—–]\s|\bthat\s+|\bwhich\s+|\bwho\s+|
# \b(?i:what|...)\s+``, grouped: no two of them can match at the same place, so grouping
# changes no split, but the engine tries four alternatives at each character instead of nine)
_BOUNDARY = re.compile(r"[,;:]\s+|[“”\"()]|\s[—–]\s|\b(?:that|which|who|"
                       r"(?i:what|when|where|though|although|if|as|after|before))\s+")
# Words that carry a side. The first cue in a claimant decides ("Russian
# Defense Ministry" is Russian even if "Azerbaijani" follows later).
_SIDE_CUES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:armenia\w*|yerevan|stepanakert|artsakh|nkr|karabakh|ethnic armenian|"
                r"separatist\w*|breakaway|hayastan|human rights defender|de facto (?:authorities|"
                r"government|officials|leadership|leaders)|"
                # "the region's interior ministry": the disputed region's own institutions
                r"region['’]s\s+(?:[\w-]+\s+){0,2}(?:authorities|government|leader\w*|officials?|"
                r"ministry|president|ombudsman|defender|service|headquarters|police|army))\b",
                re.I), ARMENIAN),
    (re.compile(r"\b(?:azerb\w*|azeri\w*|baku|aliyev|hajiyev|hajiev|haciev|bayramov|"
                r"mammadyarov|hikmet)\b", re.I), AZERBAIJANI),
    (re.compile(r"\b(?:russia\w*|moscow|kremlin|turk\w*|ankara|united states|u\.s\.|us|american|"
                r"washington|state department|white house|pentagon|france|french|paris|"
                r"european|eu|united nations|un|osce|minsk group|nato|iran\w*|georgia\w*|"
                r"britain|british|germany|german|amnesty|human rights watch|red cross|icrc|"
                r"reuters|associated press|ap|afp|agence france|bbc|cnn|tass|interfax|ria|"
                r"efe|ombudsman of georgia)\b", re.I), THIRD),
)
_NATIONALITY_IAN = frozenset(
    [
        "iranian", "italian", "indian", "ukrainian", "australian", "brazilian", "canadian",
        "christian", "georgian", "russian", "egyptian", "syrian", "belgian", "norwegian",
        "hungarian", "romanian", "bulgarian", "serbian", "croatian", "estonian", "latvian",
        "lithuanian", "indonesian", "malaysian", "tunisian", "algerian", "nigerian", "palestinian",
        "jordanian", "colombian", "peruvian", "bolivian", "argentinian", "austrian", "bosnian",
        "albanian", "macedonian", "slovenian", "libyan", "civilian", "armenian", "median",
        "guardian", "politician", "librarian", "historian", "ian"])
_NAME = re.compile(r"\b[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b")
_TITLES = frozenset(
    [
        "Mr", "Mrs", "Ms", "Dr", "President", "Prime", "Minister", "Foreign", "Defense", "Defence",
        "Ministry", "Minister", "Secretary", "General", "Spokesman", "Spokeswoman", "Colonel",
        "Major", "The", "A", "An", "Deputy", "Chief", "Head", "Leader", "Ambassador", "Armed",
        "Forces", "Army", "Military", "Interior", "Office", "State", "Department", "Human",
        "Rights", "Defender", "Ombudsman", "Assistant", "Aide", "Press", "Public", "Republic",
        "National", "Security", "Council", "Speaker"])


_PLACE_WORD = re.compile(r"(?i)(?:armenia|azerb|azeri|baku|yerevan|karabakh|artsakh|stepanakert|"
                         r"nkr|russia|moscow|turk|ankara|france|french|iran)")


@dataclass
class NameBook:
    """Surnames the article has tied to a side, so bare names can be placed later."""

    sides: dict[str, str] = field(default_factory=dict)

    def learn(self, text: str, side: str) -> None:
        for m in _NAME.finditer(text):
            word = m.group()
            if word in _TITLES or _PLACE_WORD.match(word):
                continue
            self.sides.setdefault(word, side)

    def side_of(self, text: str) -> str | None:
        for m in _NAME.finditer(text):
            word = m.group()
            side = self.sides.get(word)
            if side:
                return side
            if len(word) >= 6:  # one letter off: "Hajivev" for "Hajiyev"
                for known, known_side in self.sides.items():
                    if len(known) == len(word) and sum(
                            a != b for a, b in zip(known, word, strict=True)) == 1:
                        return known_side
        return None


# The side cues run through their lower-cased twins (see ``CaseFree``): asked of every
# claimant and every name the article ties to a side.
_SIDE_CUE_SEARCHES = tuple((CaseFree(pattern), side) for pattern, side in _SIDE_CUES)


def _side_by_cue(text: str) -> str | None:
    best: tuple[int, str] | None = None
    low = same_length_lower(text)
    for pattern, side in _SIDE_CUE_SEARCHES:
        m = pattern.search(text, low)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), side)
    return best[1] if best else None


def _side_by_surname(text: str) -> str | None:
    """Armenian surnames end in -yan/-ian (not nationality words like "Iranian")."""
    names = _NAME.findall(text)
    if not names or len(text.split()) > 4 and len(names) < 2:
        return None
    for word in names:
        low = word.lower()
        if low.endswith("yan") or (low.endswith("ian") and low not in _NATIONALITY_IAN):
            return ARMENIAN
    return None


# "Trend's correspondent", "an APA reporter": the outlet's own staff speak for the outlet
_STAFF = re.compile(r"^(?:the\s+|an?\s+)?(.+?)(?:['’]s)?\s+(?:own\s+)?(?:correspondents?|"
                    r"reporters?|journalists?|crew|team|photographers?|stringers?)\b", re.I)
# Every match of ``_STAFF`` contains one of these (lower case): most claimants hold none.
_STAFF_NEEDS = ("correspondent", "reporter", "journalist", "crew", "team", "photographer",
                "stringer")


def side_of_claimant(claimant: str, names: NameBook | None = None) -> str | None:
    """The side a claimant speaks for, or None when its words say nothing."""
    hit = lookup_outlet(claimant)
    if hit:
        return hit[1]
    staff = _STAFF.match(claimant) if _has_any(lower(claimant), _STAFF_NEEDS) else None
    if staff:
        hit = lookup_outlet(staff.group(1))
        if hit:
            return hit[1]
    side = _side_by_cue(claimant)
    if side:
        return side
    if names is not None:
        side = names.side_of(claimant)
        if side:
            return side
    return _side_by_surname(claimant)


# A capital first, outside any repeat: the regex engine then skips straight to the capitals
# of the text instead of trying the whole pattern at every character. The repeats are
# possessive: a name ends at a whole word (the next character is a space or what follows the
# name, never a letter), so giving characters or words back can never make a match; it only
# cost the engine its tries (same matches).
_NAME_RUN = r"([A-Z][\w’'-]++(?:\s++[A-Z][\w’'-]++){0,4}+)"
_CUE_WORDS = (r"(?:Armenian|Armenia['’]s|Azerbaijani|Azerbaijan['’]s|Azeri|Karabakh|Artsakh|"
              r"Nagorno-Karabakh['’]s|Karabakh['’]s|Russian|Russia['’]s|Turkish|Turkey['’]s|"
              r"French|France['’]s|American|U\.S\.|US|Iranian|Georgian|British|German|EU)")
# (searched from the capitals of the cue words: see ``events.extract.boundary``)
_BEFORE_NAME = word_start(re.compile(r"\b" + _CUE_WORDS + r"\s+" + _NAME_RUN))
_APPOSITION = re.compile(_NAME_RUN + r",\s+(?:(?:an?|the)\s+)?[a-z][^,]{0,60}?\b" + _CUE_WORDS)


def learn_names(text: str, names: NameBook) -> None:
    """Tie person names to sides where the text says so right next to them.

    "Azerbaijan's Foreign Minister Jeyhun Bayramov" and "Vahram Poghosyan, a
    spokesman for the Karabakh leader" both name the side of a person.
    """
    for rx in (_BEFORE_NAME, _APPOSITION):
        for m in rx.finditer(text):
            run = m.group(1)
            side = _side_by_cue(m.group())
            if side is not None:
                names.learn(run, side)


# Compiled once here rather than inline: they run for every attribution verb.
_LEAD_CONJUNCTION = re.compile(r"^(?:and|but|while|meanwhile|however|also|then|in turn)\s+",
                               re.I)
# (``\s\s*`` is ``\s+`` written so that the regex engine sees a class first and skips straight
# to the spaces instead of trying the pattern at every character: the same matches)
_TRAILING_TIME = re.compile(r"\s\s*(?:on|at|late|early|earlier|later)\s+.*$")
_TRAILING_MEDIUM = re.compile(r"\s\s*in\s+(?:a|an|the|his|her|its|their)\s+(?:statement|interview|"
                              r"afternoon|morning|evening|post|message|briefing)\b.*$")
_TRAILING_ADVERB = re.compile(r"\s\s*(?:(?:did|does|do|has|have|had)(?:\s+not)?(?:\s+\w+ly)?"
                              r"(?:\s+yet)?|also|later|earlier|immediately|then|both|"
                              r"previously)$", re.I)
_AND_START = re.compile(r"\s*and\s")
_FINITE_VERB = re.compile(r"\b(?:is|are|was|were|has been|have been|had been|will|would)\b")
_THE_LOCAL = re.compile(r"(?:the|local)\s")
_BE_VERB = re.compile(r"\b(?:is|are|was|were|been)\b")
# "the two countries' foreign ministries", "both sides' defence ministries": Armenia's and
# Azerbaijan's (the project's two countries) at once
_BOTH_COUNTRIES = re.compile(r"^(?:the\s+)?(?:two|both)\s+(?:countries|sides|governments|"
                             r"nations|capitals)['’]?\s+\w", re.I)
# "his office", "her spokesman": a source belonging to someone the clause names
_POSSESSIVE_SOURCE = re.compile(
    r"^(?:his|her|their)\s+((?:press\s+)?(?:office|spokes\w+|service|secretary|aides?|"
    r"ministry|government|administration))$", re.I)
_SOURCE_NOUN = re.compile(
    r"\b(?:officials?|authorities|ministry|military|side|media|government|aide|office|service|"
    r"spokes\w+|minister|president|ombudsman|envoy|ambassador|commander|mayor|"
    r"governor|diplomat|leader\w*)\b", re.I)
_PHRASE = re.compile(r"\s*((?:the\s+)?[^,;.“”\"()]{2,100})")
_PHRASE_END = re.compile(r"\s\s*(?:on|in|at|that|who|which|reports?|reported|said|says)\s+")
_SOURCE_WORD = re.compile(
    r"\b(?:officials?|authorities|ministry|ministries|military|army|forces|side|"
    r"government|spokes\w+|leader\w*|media|agency|sources?|president|minister|"
    r"office|command|service|data|statement|ombudsman|defender|mayor|governor|"
    r"observers?|monitors?|watchdog|group|residents|eyewitnesses|witnesses)\b", re.I)
_CAPITAL = re.compile(r"[A-Z]")
_AND_SPLIT = re.compile(r",?\s+and\s+")
_DEFENCE_MINISTRY = re.compile(r"defen[cs]e ministr", re.I)
_ON_AT_SPLIT = re.compile(r"\s\s*(?:on|at)\s")
_TO_BE_AFTER = re.compile(r"\s+to\s+(?:be|have)\b")
_BE_BEFORE = re.compile(r"\b(?:is|are|was|were|been|being)\s+$")
_WHAT_BEFORE = re.compile(r"\bwhat\s+\w+\s+(?:\w+\s+)?$")
_NAME_COMMA_BEFORE = re.compile(r",\s*[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)?\s+$")
_COMMA_AFTER = re.compile(r"\s*,")
_NAME_START = re.compile(r"(?:the\s+)?[A-Z]")
_VERB_FIRST = re.compile(r"^(?!(?:armed|retired|unnamed|united|elected|displaced)\b)"
                         r"(?:\w+ed|spoke|met|held|took|made|went|came|gave|sent|began|flew|"
                         r"told|said|wrote)\b")
_DETERMINER_BEFORE = re.compile(r"\b(?:the|a|an|this|that|these|those|its|their|his|her|"
                                r"such|new|latest)\s+$", re.I)
_AND_END = re.compile(r"\band\s+(?:also\s+|then\s+|later\s+)?$")
_NP_VERB = re.compile(r"^((?:the\s+|The\s+)?(?:[A-Z][\w'’.-]*\s+)*[A-Z][\w'’.-]*)\s+"
                      r"(?:[a-z]\w*ed|said|told|wrote|spoke|met|held|took|made)\s")
_SHARED_SUBJECT = re.compile(r"^(.+?)\s+(?:\w+ed|spoke|met|held|took|made|said|told|wrote)\s"
                             r".*\band$")


# Words every match of ``_MUTUAL`` / ``_ACCORDING`` contains (lower case): a clause
# without any of them is not searched. ``_PASSIVE_BY`` always needs "by".
_MUTUAL_NEEDS = ("each other", "one another", "trad", "mutual ", " the other", "both sides")
# ", each side blaming the other": the writer's own report, disputed by both sides
_MUTUAL_TRAILING = re.compile(r",\s*(?:with\s+)?(?:each|both)\s+(?:side|sides|party|parties|"
                              r"country|countries)?\s*\w*ing\b|,\s*(?:blaming|accusing)\s",
                              re.I)
_ACCORDING_NEEDS = ("according to", "per", "citing", "cited by", "quoted by")
# "X gave a different account, saying ...": the subject of the clause makes the claim
_PARTICIPLE = re.compile(r",\s+(?:saying|alleging|claiming|insisting|stressing|adding|stating|"
                         r"asserting|charging)\b")
_PARTICIPLE_NEEDS = ("saying", "alleging", "claiming", "insisting", "stressing", "adding",
                     "stating", "asserting", "charging")
_LEADING_NP = re.compile(
    r"(?:The\s+|the\s+)?(?:[A-Z][\w'’.-]*\s+)*[A-Z][\w'’.-]*"
    r"(?:\s+(?:[a-z-]+\s+){0,2}?(?:ministry|service|office|forces|army|military|government|"
    r"authorities|officials|spokes\w+|command|agency|council|committee|headquarters))?"
    r"(?=\s+[a-z])")


def _has_any(low: str, words: tuple[str, ...]) -> bool:
    for w in words:  # noqa: SIM110 - a plain loop, no generator: it runs for every clause
        if w in low:
            return True
    return False


def _clean(phrase: str) -> str:
    phrase = phrase.strip(" ,.;:\"“”'’")
    phrase = _LEAD_CONJUNCTION.sub("", phrase)
    phrase = _TRAILING_TIME.sub("", phrase)
    phrase = _TRAILING_MEDIUM.sub("", phrase)
    phrase = _TRAILING_ADVERB.sub("", phrase)
    return phrase.strip(" ,.;:\"“”'’")


def _subject_before(clause: str, pos: int) -> str:
    """The noun phrase that ends right before ``pos`` (a verb), within its segment."""
    left = clause[:pos]
    pieces = _BOUNDARY.split(left)
    if _AND_END.search(left):
        # "X dismissed the claims and alleged ...": the subject of the first predicate
        for piece in reversed(pieces):
            m = _NP_VERB.match(_clean(piece) + " ")
            if m and not _STOP_SUBJECT.match(m.group(1)):
                return m.group(1)
    # "A, B, and C said": the coordination is one subject
    if len(pieces) >= 2 and _AND_START.match(pieces[-1]) and pieces[-2].strip():
        pieces = [*pieces[:-2], pieces[-2].strip() + " " + pieces[-1].strip()]
    pieces = [p for p in pieces if p is not None]
    for i, piece in enumerate(reversed(pieces)):
        cand = _clean(piece)
        if not cand or _STOP_SUBJECT.match(cand):
            continue
        if len(cand) >= 120:
            return ""
        if cand.isupper() and len(cand) <= 8 and left.rstrip().endswith(")") and i + 1 < len(
                pieces):
            continue  # "... Mine Action (ANAMA) said": the full name comes before the acronym
        if _FINITE_VERB.search(cand):
            if i == 0:
                return ""  # a clause, not a noun phrase: "X's comments were followed by ..."
            continue  # an appositive or relative clause between subject and verb
        if cand[0].isupper() or _PRONOUN.match(cand) or _THE_LOCAL.match(cand):
            shared = _SHARED_SUBJECT.match(cand)
            return shared.group(1) if shared else cand  # "Yerevan rejected it and [claimed]"
        if i == 0 and not _BE_VERB.search(cand):
            if _VERB_FIRST.match(cand):
                continue  # "spoke by phone with X and [urged]": the subject is further back
            return cand if _looks_like_source(cand) and _SOURCE_NOUN.search(cand) else ""
    return ""


def _phrase_after(clause: str, pos: int) -> str:
    right = clause[pos:]
    m = _PHRASE.match(right)
    if not m:
        return ""
    return _clean(_PHRASE_END.split(m.group(1))[0])


def _looks_like_source(text: str) -> bool:
    """A subject that can make a claim: a name, an institution, officials, media."""
    if not text or len(text) > 110:
        return False
    if _PRONOUN.match(text):
        return True
    if _SOURCE_WORD.search(text):
        return True
    return bool(_CAPITAL.search(text))


@dataclass
class Attribution:
    """Sources a clause names, speakers before channels ("X said ..., per Reuters").

    Each group is one subject; "Yerevan and Baku announced" is one group of two.
    """

    groups: list[list[Claim]]
    mutual: bool = False
    also_outlet: bool = False  # the writer tells it too: "X happened, each side blaming the other"

    def primary(self) -> list[Claim]:
        """The claim(s) an event is attributed to: one per side of the first subject."""
        if not self.groups:
            return []
        seen: dict[str, Claim] = {}
        for claim in self.groups[0]:
            seen.setdefault(claim.side, claim)
        return list(seen.values())


def _split_pair(subject: str) -> list[str]:
    parts = [p.strip(" ,") for p in _AND_SPLIT.split(subject)]
    parts = [p for p in parts if p]
    return parts if len(parts) > 1 else [subject]


# Institutions and office-holders that belong to some government: named without a
# country ("the press service", "the prosecutor's office", "Ministry spokesman X"),
# they are the government of the outlet's country in Armenian or Azerbaijani media.
_INSTITUTION = re.compile(
    r"\b(?:ministry|ministries|office|service|army|military|government|authorities|officials?|"
    r"spokes\w+|command|forces|leadership|prosecutor\w*|governor\w*|mayor|administration|"
    r"council|parliament|president|presidential|minister|aide|agency|headquarters|police|"
    r"border guards?|committee|ombudsman|defender)\b", re.I)


def find_claims(clause: str, *, names: NameBook, last: Claim | None,
                home_side: str | None = None) -> Attribution:
    """Sources named in a clause, or resolved from a pronoun to the last source.

    ``home_side`` is the side of the outlet when it is an Armenian or Azerbaijani
    one: an institution named without a country is then that country's, and the
    person names in it are learnt for that side (a later "Dargahli said").
    """
    low = lower(clause)
    mutual = _MUTUAL.search(clause) if _has_any(low, _MUTUAL_NEEDS) else None
    if mutual:
        subject = _subject_before(clause, mutual.start())
        arm, aze = "Armenia", "Azerbaijan"
        if _DEFENCE_MINISTRY.search(subject):
            arm, aze = "Armenian Defense Ministry", "Azerbaijani Defense Ministry"
        trailing = bool(_MUTUAL_TRAILING.search(clause[max(0, mutual.start() - 40):mutual.end()]))
        return Attribution([[Claim(arm, ARMENIAN), Claim(aze, AZERBAIJANI)]], mutual=True,
                           also_outlet=trailing)
    speakers: list[tuple[int, str]] = []
    channels: list[tuple[int, str]] = []
    passive_spans = []
    passives = [*_PASSIVE_SEARCH.finditer(clause), *_REDUCED_SEARCH.finditer(clause)] \
        if "by" in clause else []
    for m in passives:
        if any(s <= m.start() < e for s, e in passive_spans):
            continue
        passive_spans.append((m.start(), m.end()))
        speakers.append((m.start(1), _clean(_ON_AT_SPLIT.split(m.group(1))[0])))
    lead = _CONCESSIVE.match(clause)
    for m in _VERB.finditer(clause) if _VERB_STARTS.search(clause) else ():
        if any(s <= m.start() < e for s, e in passive_spans):
            continue
        before = clause[:m.start()]
        if _DETERMINER_BEFORE.search(before[-12:]):
            continue  # "dismissed the report", "in a statement": a noun, not a verb
        if (_TO_BE_AFTER.match(clause, m.end()) and _BE_BEFORE.search(before)) or (
                "what" in before and _WHAT_BEFORE.search(before)):
            continue  # "reported to be", "what they say is": hedges, not sources
        if "," in before and _NAME_COMMA_BEFORE.search(before) and _COMMA_AFTER.match(
                clause, m.end()):
            continue  # ", Baku claims," qualifies a relative clause, not the whole sentence
        if lead and m.start() < lead.end():
            continue  # "Though X claimed ..., <main clause>": X is not the source of the rest
        verb = m.group().split()[-1].lower()
        before = clause[:m.start()].rstrip().rstrip("”\"’'").rstrip()
        if before.endswith(","):
            subj = _subject_before(clause, m.start())
            tail = clause[m.end():].strip(" .”\"")
            if subj and tail == "" and _looks_like_source(subj) and len(subj.split()) <= 6:
                channels.append((m.start(), subj))  # "..., the AP reports."
                continue
            after = _phrase_after(clause, m.end()) if verb in _SAY_VERBS else ""
            if after and _NAME_START.match(after) and _looks_like_source(after):
                speakers.append((m.start(), after))  # "..., said the ministry"
                continue
        subj = _subject_before(clause, m.start())
        if subj and _looks_like_source(subj):
            speakers.append((m.start(), subj))
    for m in _ACCORDING.finditer(clause) if _has_any(low, _ACCORDING_NEEDS) else ():
        src = _phrase_after(clause, m.end())
        if src and (_NAME_START.match(src) or _PRONOUN.match(src)):
            channels.append((m.start(), src))
    if not speakers and not channels and _has_any(low, _PARTICIPLE_NEEDS):
        part = _PARTICIPLE.search(clause)
        lead_np = _LEADING_NP.match(clause) if part else None
        if lead_np and not _STOP_SUBJECT.match(lead_np.group()) and (
                _SOURCE_WORD.search(lead_np.group()) or side_of_claimant(lead_np.group(), names)):
            speakers.append((part.start(), lead_np.group()))  # type: ignore[union-attr]
    groups: list[list[Claim]] = []
    for _, who in sorted(speakers) + sorted(channels):
        if _BOTH_COUNTRIES.match(who):
            # "the two countries' foreign ministries announced": each side says it
            groups.append([Claim(who, ARMENIAN), Claim(who, AZERBAIJANI)])
            continue
        own = _POSSESSIVE_SOURCE.match(who)
        if own:
            # "Pashinyan spoke to Putin, his office said": the office of whom the clause
            # is about, its first named actor
            lead = _LEADING_NP.match(clause)
            side = side_of_claimant(lead.group(), names) if lead else None
            if lead and side is not None:
                groups.append([Claim(f"{lead.group()}'s {own.group(1)}", side)])
                continue
            who = f"the {own.group(1)}"
        if _PRONOUN.match(who):
            if last is not None:
                groups.append([Claim(last.claimant, last.side, explicit=False)])
            continue
        group = []
        for part in _split_pair(who):
            side = side_of_claimant(part, names)
            if side is None and home_side in (ARMENIAN, AZERBAIJANI) and _INSTITUTION.search(
                    part):
                side = home_side
                names.learn(part, side)
            group.append(Claim(part, side or THIRD))
        groups.append(group)
    return Attribution(groups)
