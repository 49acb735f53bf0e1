"""Articles in, events out: the stages put together.

read → sentences/clauses → candidates (type cues, sources, dates, places,
death counts) → decisions (asserted or not, which date, which place, whose
claim) → :class:`~events.schema.Event` records → merge of restatements
within an article → clusters across articles.

Everything here is a pure function of the article and the gazetteer passed
in, so the same input always gives the same events and the same ids.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from events.corpus import Article, CorpusError
from events.extract.dates import (
    DateMention,
    day_offset_mention,
    find_dates,
    infer_reference_year,
)
from events.extract.fatalities import find_fatalities
from events.extract.places import Located, area_place, find_places, scene_places
from events.extract.sentences import Span, split_clauses, split_sentences
from events.extract.sides import (
    Claim,
    NameBook,
    find_claims,
    learn_names,
)
from events.extract.types import (
    FIRE,
    asserted_cues,
    is_generic_fighting,
    is_part_of,
    is_speech_channel,
)
from events.outlets import outlet_name, outlet_side
from events.schema import SIDE_LABELS, TYPE_LABELS, Event, replace_unchecked

STRIKE_TYPES = ("shelling", "border_incident", "offensive")
# Types that need no place to be worth a pin; a conflict event with no place
# named is put in Nagorno-Karabakh as a whole (region precision, never a pin).
_PLACELESS_OK = ("diplomacy",)
_PRESENT = re.compile(r"\b(?:is|are|has|have|remains?|continues?|'s|’s)\b|\b\w+ing\b", re.I)
_AS_A_RESULT = re.compile(r"\bas a result\b(?!\s+of)|\bin the attack\b|\bin the shelling\b",
                          re.I)
# Present-tense reporting speaks of now, not of the day an earlier sentence named.
_NOW = re.compile(r"\b(?:says|say|claims|accuse|accuses|reports|alleges|insists|denies|blame|"
                  r"blames|remains?|continues?|is|are)\b")
# A source named at the end of a paragraph covers what came before it:
# "A happened. B too, said the ministry." / "... X noted this in a statement."
_TRAILING_SOURCE = re.compile(
    r",[\"”’]?\s*(?:said|says|added|noted|stated|reported|wrote)\s+(?:the\s+)?[A-Z][^,;]{2,80}"
    r"\.?[\"”’]?$"
    r"|\b(?:said|says|noted|stated|reported|announced|confirmed)\s+(?:this|these)\b", re.M)
_END_OF_STORY = re.compile(r"^(?:Related (?:articles|stories|news|posts)|Editor['’]s choice|"
                           r"Leave a Reply|Read original article|Source link|Read more:?$|"
                           r"You may also like)", re.I)
_PRESENT_MUTUAL = re.compile(r"\b(?:accuse|blame|trade)\s+(?:each other|one another|blame)\b")
_BYLINE = re.compile(r"^\s*By\s+([A-Z][\w.’'-]+(?:\s+[A-Z][\w.’'-]+){1,3})\s*$", re.M)
# Compiled once here rather than inline: the pipeline runs them on every sentence.
_CAPTION = re.compile(r"\(Photo:|^Photo:|\bPhoto by\b")
# What ends a sentence: the last character of a stripped line (a str.endswith test, since a
# regex anchored with ``$`` is still tried at every character of the sentence).
_SENTENCE_ENDS = tuple('.!?"”’)')
_LIST_GAP = re.compile(r"\s*(?:,|and|,\s*and)\s*")
_PAST = re.compile(r"\b(?:was|were|had)\b")
_FOUR_DIGITS = re.compile(r"\d{4}")
_WORD = re.compile(r"[A-Za-z][\w-]*")
_DATELINE_HEAD = re.compile(r"^\s*[A-Z][A-Za-z/ .'-]{1,40},\s*(?:[A-Z][a-z]+\.?\s+\d{1,2}|"
                            r"\d{1,2}\s+[A-Z][a-z]+)(?:,?\s*\d{4})?\s*(?:\([^)]{1,40}\))?\s*"
                            r"[-–—]\s")
# "the town", "the crossing": a place the article has just named
_ANAPHOR = re.compile(r"\b(?:the|this|that)\s+(?:town|city|village|settlement|bridge|crossing|"
                      r"checkpoint|site)\b(?!\s+of\b)", re.I)


@dataclass(frozen=True, slots=True)
class _Candidate:
    event_type: str
    claim: Claim
    date: DateMention | None
    date_how: str
    place: Located | None
    fatalities: int | None
    evidence: Span


@dataclass
class ExtractResult:
    """Events of a corpus, the articles that failed, and counts for the summary."""

    events: list[Event]
    errors: list[CorpusError] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)


def _event_id(*parts: object) -> str:
    key = "|".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _is_headline(sent: Span, article: Article) -> bool:
    """Headlines, datelines and page furniture: no full stop and short, or the title."""
    text = sent.text.strip()
    if "Photo" in text and _CAPTION.search(text):  # (every caption pattern says "Photo")
        return True  # a picture caption
    if text.count(",") >= 8 and len(text.split()) <= 2 * (text.count(",") + 1):
        return True  # a keyword line: "defence, Armenia, troops, guns, ..."
    ends = text.endswith(_SENTENCE_ENDS)  # (stripped: no final line break for ``$`` to skip)
    if article.title and text == article.title.strip() and not ends:
        return True
    return sent.paragraph < 6 and not ends and len(text.split()) < 16


def _published_ref(article: Article) -> tuple[dt.date | None, bool]:
    if article.published is not None:
        return article.published, True
    year = infer_reference_year(article.text)
    if year is None:
        return None, False
    return dt.date(year, 12, 31), False


def _outlet_claim(article: Article) -> Claim:
    name = outlet_name(article.outlet, article.url)
    if not name:
        m = _BYLINE.search(article.text[:600])
        name = m.group(1) if m else "the outlet"
    return Claim(name, outlet_side(article.outlet, article.url), explicit=False)


_PREPOSITION_BEFORE = re.compile(r"\b(?:in|since|during|of|by|from|until|on|at|before|after|"
                                 r"between|and|early|late|mid)\s*[-–]?\s*$", re.I)
_RELATIVE_START = re.compile(r",\s*(?:which|that|who|when)\b[^,]*$")


def _applies(clause: str, d: DateMention, cue_pos: int) -> bool:
    """Whether a date in the clause can date the cue at ``cue_pos``.

    A bare year used as a modifier ("the 2020 ceasefire agreement") dates only
    the phrase it modifies; a date inside a relative clause (", which was
    announced on Sunday") dates only what that clause tells.
    """
    if d.start < 0:
        return True
    if d.how in ("year", "month and year") and not _PREPOSITION_BEFORE.search(
            clause[:d.start]) and not 0 <= cue_pos - d.end <= 120:
        return False
    rel = _RELATIVE_START.search(clause[:d.start])
    return not (rel and cue_pos < rel.start())


def _pick_date(cue_pos: int, clause_dates: Sequence[DateMention], sent_dates:
               Sequence[DateMention], clause: str = "") -> DateMention | None:
    usable = [d for d in clause_dates if not d.future and _applies(clause, d, cue_pos)]
    if usable:
        return min(usable, key=lambda d: (abs(d.start - cue_pos), d.start))
    usable = [d for d in sent_dates if not d.future and not _RELATIVE_START.search(
        clause[:max(0, d.start)]) and (d.precision == "day" or d.start < 15)]
    return usable[0] if usable else None


def _date_list(clause: str, dates: Sequence[DateMention]) -> list[DateMention]:
    """Day dates listed together ("on October 10, October 17 and October 25")."""
    days = [d for d in dates if d.precision == "day" and not d.future]
    if len(days) < 2:
        return []
    for a, b in zip(days, days[1:], strict=False):
        gap = clause[a.end:b.start]
        if not _LIST_GAP.fullmatch(gap):
            return []
    return days


def extract_article(article: Article, *, gazetteer: Any) -> list[Event]:
    """Every event the article reports, one per claim, merged within the article."""
    ref, ref_known = _published_ref(article)
    names = NameBook()
    learn_names(article.text, names)
    outlet = _outlet_claim(article)
    last_claim: Claim | None = None
    context_date: DateMention | None = None
    prev_types: list[str] = []
    prev_date: DateMention | None = None
    recent_places: list[list[Any]] = []
    last_scene: Located | None = None
    year_context: int | None = None
    candidates: list[_Candidate] = []
    sentences = split_sentences(article.text)
    for sent_no, sent in enumerate(sentences):
        if _END_OF_STORY.match(sent.text):
            break  # what follows is the site's, not the story's
        if _is_headline(sent, article):
            continue
        # homonyms are resolved with the places of the last few sentences only (made for the
        # first clause that needs them: most sentences tell no event)
        context_places: list[Any] | None = None
        sent_places: list[Any] = []
        window = ""
        sent_dates = find_dates(sent.text, ref, ref_known=ref_known, year_hint=year_context)
        head = _DATELINE_HEAD.match(sent.text)
        if head:
            # "BAKU, April 4 (Trend) -": the filing date, not the date of what follows
            sent_dates = [d for d in sent_dates if d.start >= head.end()]
        counted = day_offset_mention(sent.text)
        base = (prev_date if prev_date is not None else (
            DateMention(-1, -1, ref, "day", "publication date") if ref and ref_known else None)
        ) if counted else None  # (only a counted day needs it)
        if counted and base is not None:
            m, days = counted
            sent_dates = [d for d in sent_dates if not (d.start < m.end() and m.start() < d.end)]
            sent_dates = sorted([DateMention(m.start(), m.end(),
                                             base.date + dt.timedelta(days=days), base.precision,
                                             "counted from the day told before"), *sent_dates],
                                key=lambda d: d.start)
        explicit = [d for d in sent_dates if not d.future]
        sent_types: list[str] = []
        clauses = split_clauses(sent)
        clause_cues = [asserted_cues(cl.text) for cl in clauses]
        sent_strikes = [c.event_type for cues in clause_cues for c in cues
                        if c.event_type in STRIKE_TYPES]
        sent_kinds = {c.event_type for cues in clause_cues for c in cues}
        for clause, cues in zip(clauses, clause_cues, strict=True):
            attr = find_claims(clause.text, names=names, last=last_claim, home_side=outlet.side)
            claims = attr.primary()
            if claims and claims[0].explicit:
                last_claim = claims[0]
            if not cues:
                continue  # (the source is still followed: a later clause may say "it")
            offset = clause.start - sent.start
            clause_dates = [d for d in sent_dates if offset <= d.start < offset + len(clause.text)]
            clause_dates = [DateMention(d.start - offset, d.end - offset, d.date, d.precision,
                                        d.how, d.future) for d in clause_dates]
            if not claims:
                claims = _trailing_claims(sentences, sent_no, names, last_claim,
                                          outlet.side) or [outlet]
            elif attr.also_outlet:
                claims = [outlet, *claims]
            if context_places is None:
                context_places = [p for group in recent_places[-3:] for p in group]
                window = (sentences[sent_no - 1].text + " " if sent_no else "") + sent.text
            places = find_places(clause.text, gazetteer, context=context_places, window=window)
            for p in places:
                if p.precision in ("settlement", "district") and gazetteer is not None:
                    hit = _gaz_get(gazetteer, p.name)
                    if hit is not None:
                        sent_places.append(hit)
            fine_all = scene_places([p for p in places if not p.dateline], gazetteer,
                                    clause.text)
            if not fine_all and last_scene is not None and _ANAPHOR.search(clause.text):
                fine_all = [last_scene]  # "the town had been lost": the town named before
            fine = [p for p in fine_all if not p.origin]
            claims = _local_claims(claims, fine_all)
            settled = [p for p in fine if p.precision == "settlement"]
            if settled:
                last_scene = settled[-1]
            dateline = [p for p in places if p.dateline]
            has_settlement = any(p.precision == "settlement" for p in fine)
            # "exchanged artillery fire": an exchange, not a strike inside it
            cues = [c for c in cues if not (c.event_type == "shelling" and any(
                b.event_type == "border_incident" and b.start <= c.start and c.end <= b.end
                for b in cues))]
            # decide the type of each cue
            if sent_kinds - {"diplomacy"}:
                # "told reporters", "said in a statement": how a claim is made, not an event
                cues = [c for c in cues if not is_speech_channel(c)] or cues
                cues = [c for c in cues if not is_part_of(c, sent_kinds)]
            if sent_kinds & {"shelling", "offensive", "protest"}:
                # generic fighting words add nothing to a strike, an assault or a protest
                cues = [c for c in cues if not is_generic_fighting(c)] or cues
            running = any(c.event_type == "casualties" for c in cues) and \
                _RUNNING_TOLL.search(clause.text) is not None
            if running:
                # "killed since fighting erupted", "during the offensive": the period a running
                # toll covers, not a happening of its own
                cues = [c for c in cues if c.event_type == "casualties"
                        or not _TOLL_PERIOD.search(clause.text[:c.start])] or cues
            typed: list[tuple[str, int, int]] = []
            for c in cues:
                t = c.event_type
                if t == FIRE:
                    t = _fire_type(sent.text, has_settlement)
                typed.append((t, c.start, c.end))
            kinds = {t for t, _, _ in typed}
            strike = next((t for t, _, _ in typed if t in STRIKE_TYPES), None)
            if strike is None and "casualties" in kinds:
                strike = next((t for t in sent_strikes if t in STRIKE_TYPES), None)
            if "casualties" in kinds and strike is None and _AS_A_RESULT.search(clause.text):
                strike = next((t for t in prev_types if t in STRIKE_TYPES), None)
            if strike is not None and not running:
                typed = [(strike if t == "casualties" else t, s, e) for t, s, e in typed]
            deaths = find_fatalities(clause.text)
            # places go to the nearest cue before them (else the first cue)
            owned: dict[str, list[Located]] = defaultdict(list)
            order = sorted(typed, key=lambda x: x[1])
            for p in fine_all:
                owner = order[0][0]
                for t, s, _ in order:
                    if s <= p.start:
                        owner = t
                own_end = max(e for t, s, e in order if t == owner)
                if owner == "diplomacy" and p.start - own_end > 80:
                    continue  # a meeting is where it is said to be, not any place named later
                if p.origin and owner != "displacement":
                    continue  # where a strike came from is not where it hit
                owned[owner].append(p)
            date_list = _date_list(clause.text, clause_dates)
            for t in dict.fromkeys(t for t, _, _ in order):
                cue_pos = next(s for tt, s, _ in order if tt == t)
                toll = running and t == "casualties"  # a toll of the whole fighting
                t_places: list[Located | None] = list(owned.get(t, []))
                if t == "displacement" and t_places and all(
                        p is not None and p.destination for p in t_places):
                    # "A was shelled and its residents evacuated to B": the event is at A
                    t_places = [p for p in fine if not p.destination][:1] or t_places
                if t == "displacement":
                    # "families left A, sheltering in B": the flight is from A
                    t_places = [p for p in t_places if p is not None and p.origin] or t_places
                if t == "ceasefire":
                    # a truce agreed in Moscow or Geneva takes effect at the front
                    t_places = [p for p in t_places if p is None or p.country in ("AM", "AZ")]
                if toll:
                    t_places = []  # not of one place in it
                elif not t_places and len(fine) == 1 and t != "diplomacy" and (
                        t != "ceasefire" or fine[0].country in ("AM", "AZ")):
                    t_places = [fine[0]]  # one place named: the scene of all the clause tells
                if not t_places:
                    coarse = [p for p in places if p.precision in ("region", "country")]
                    if t == "diplomacy" or t == "protest":
                        t_places = [None]
                    elif coarse:
                        t_places = [coarse[0]]
                    elif fine and not toll:
                        t_places = [fine[0]]
                    else:
                        t_places = [area_place("Nagorno-Karabakh", "region", gazetteer)]
                if t == "diplomacy":
                    t_places = [p for p in t_places
                                if p is None or p.precision == "settlement"] or [None]
                if t in ("diplomacy", "protest") and t_places == [None] and dateline:
                    # "In Yerevan, thousands marched": met or rallied where the text is set
                    t_places = [dateline[0]]
                dates: list[DateMention | None]
                how = ""
                since = _toll_start(clause.text, clause_dates, cue_pos) if toll else None
                if since is not None:
                    dates = [since]  # "killed since Sunday": the toll counts from then
                elif date_list and abs(date_list[0].start - cue_pos) < 80:
                    dates = list(date_list)
                else:
                    d = _pick_date(cue_pos, clause_dates, explicit, clause.text)
                    # "both accuse each other": said now, of now; no earlier date carries over
                    now = attr.mutual and bool(_PRESENT_MUTUAL.search(clause.text))
                    if d is None and context_date is not None and not now:
                        d, how = context_date, "carried from an earlier sentence"
                    elif d is None and ref is not None:
                        if ref_known:
                            prec = "week" if _PRESENT.search(clause.text[:cue_pos + 40]) \
                                and not _PAST.search(clause.text) else "day"
                            d = DateMention(-1, -1, ref, prec, "publication date")
                        else:
                            d = DateMention(-1, -1, dt.date(ref.year, 1, 1), "year",
                                            "year inferred from the text")
                    dates = [d]
                for claim in claims:
                    for place in t_places:
                        for d in dates:
                            candidates.append(_Candidate(
                                t, claim, d, how or (d.how if d else ""), place,
                                deaths if t == "casualties" or (t in STRIKE_TYPES and not running)
                                else None, clause))
                sent_types.append(t)
        # a date frames what follows when it is exact or opens the sentence
        framing = [d for d in explicit if (d.precision in ("day", "week") or d.start < 15)
                   and d.how != "day count" and not _RELATIVE_START.search(sent.text[:d.start])]
        if framing:
            context_date = framing[0]
        years = [d.date.year for d in explicit if d.precision in ("year", "month")
                 and (_FOUR_DIGITS.search(sent.text[d.start:d.end]) or d.how == "the 2020 war")]
        year_context = years[-1] if years else (year_context if not explicit else None)
        day = [d for d in explicit if d.precision == "day"]
        if day:
            prev_date = day[0]
        if sent_types:
            prev_types = sent_types
        recent_places.append(sent_places)
    events = [_to_event(c, article, ref_known) for c in candidates]
    return merge_restatements(events)


# What was fired at says what kind of firing it was: soldiers and posts on the line are an
# incident, homes and civilians a strike on a settlement.
_MILITARY_TARGET = re.compile(r"\b(?:positions?|posts?|outposts?|checkpoints?|soldiers?|troops|"
                              r"servicem[ae]n|border guards?|guards?|units?|trenches|"
                              r"peacekeepers?|patrols?)\b", re.I)
_CIVILIAN_TARGET = re.compile(r"\b(?:civilians?|residential|homes?|houses?|schools?|hospitals?|"
                              r"residents|population)\b", re.I)


def _toll_start(clause: str, dates: Sequence[DateMention], cue_pos: int) -> DateMention | None:
    """The date a running toll counts from: the one after "since", else the first after the
    toll that is not when it was announced ("said in a statement on Monday")."""
    for d in dates:
        if _SINCE_BEFORE.search(clause[max(0, d.start - 12):d.start]):
            return d
    return next((d for d in dates if d.start > cue_pos
                 and not _ANNOUNCED_BEFORE.search(clause[max(0, d.start - 40):d.start])), None)


_SINCE_BEFORE = re.compile(r"\bsince\s+(?:the\s+)?$", re.I)
_ANNOUNCED_BEFORE = re.compile(r"\b(?:said|says|announced|reported|stated|statement|told)\b"
                               r"[^,.;]{0,30}$", re.I)


def _fire_type(sentence: str, has_settlement: bool) -> str:
    """``shelling`` or ``border_incident`` for a generic "opened fire" / "fire from"."""
    civilian = bool(_CIVILIAN_TARGET.search(sentence))
    military = bool(_MILITARY_TARGET.search(sentence))
    if military != civilian:
        return "border_incident" if military else "shelling"
    return "shelling" if has_settlement else "border_incident"


# "local officials said": the officials of the place the clause names
_LOCAL_SOURCE = re.compile(r"^(?:the\s+)?(?:local|municipal|regional|provincial|town|city|"
                           r"village|community)\s+(?:officials?|authorities|administration|"
                           r"government|council|mayor|governor|head|leaders?)\b", re.I)


def _local_claims(claims: list[Claim], fine: Sequence[Located]) -> list[Claim]:
    """Local officials of a town in Armenia speak for the Armenian side.

    Only Armenia's towns are decided this way: the gazetteer puts the towns of
    Nagorno-Karabakh in Azerbaijan, whose local officials spoke for either side
    depending on the year.
    """
    if not fine or not any(c.side == "third_party" and _LOCAL_SOURCE.match(c.claimant)
                           for c in claims):
        return claims
    if not all(p.country == "AM" for p in fine):
        return claims
    return [Claim(c.claimant, "armenian", c.explicit)
            if c.side == "third_party" and _LOCAL_SOURCE.match(c.claimant) else c
            for c in claims]


def _trailing_claims(sentences: Sequence[Span], sent_no: int, names: NameBook,
                     last: Claim | None, home_side: str | None = None) -> list[Claim]:
    """The source a later sentence of the same paragraph names for what came before."""
    para = sentences[sent_no].paragraph
    for nxt in sentences[sent_no + 1:sent_no + 3]:
        if nxt.paragraph != para:
            break
        if _TRAILING_SOURCE.search(nxt.text):
            claims = find_claims(nxt.text, names=names, last=last,
                                 home_side=home_side).primary()
            if claims:
                return claims
    return []


def _gaz_get(gazetteer: Any, name: str) -> Any:
    getter = getattr(gazetteer, "get", None)
    try:
        return getter(name) if getter else None
    except Exception:
        return None


def _confidence(c: _Candidate, ref_known: bool, published: dt.date | None) -> tuple[float, str]:
    score, reasons = 0.9, []
    if not c.claim.explicit:
        score -= 0.1
        reasons.append("no source named in the sentence")
    if c.date is None:
        score -= 0.2
        reasons.append("no date")
    elif c.date_how in ("carried from an earlier sentence",):
        score -= 0.1
        reasons.append("date carried from an earlier sentence")
    elif c.date_how == "publication date":
        score -= 0.05
        reasons.append("dated by the publication date")
    if published is None:
        score -= 0.25
        reasons.append("publication date unknown")
    if c.place is None:
        if c.event_type != "diplomacy":
            score -= 0.1
            reasons.append("no place")
    elif c.place.start < 0:
        score -= 0.1
        reasons.append("no place named; put in the region as a whole")
    elif c.place.lat is None:
        score -= 0.05
        reasons.append("place not on the map")
    return round(max(0.05, min(1.0, score)), 2), "; ".join(reasons)


_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")


def _fmt_date(d: dt.date | None, precision: str | None) -> str:
    if d is None:
        return "date unknown"
    month = _MONTH_NAMES[d.month - 1]
    if precision == "year":
        return str(d.year)
    if precision == "month":
        return f"{month} {d.year}"
    if precision == "week":
        return f"week of {d.day} {month[:3]} {d.year}"
    return f"{d.day} {month[:3]} {d.year}"


def _to_event(c: _Candidate, article: Article, ref_known: bool) -> Event:
    place = c.place
    date = c.date.date if c.date else None
    precision = c.date.precision if c.date else None
    confidence, reason = _confidence(c, ref_known, article.published)
    claimant = c.claim.claimant
    eid = _event_id(article.id, c.event_type, c.claim.side, date, precision,
                    place.name if place else "", claimant.lower())
    where = f" in {place.name}" if place else ""
    notes = (f"{TYPE_LABELS[c.event_type]}{where} claimed by the "
             f"{SIDE_LABELS[c.claim.side].lower()} ({claimant}), {_fmt_date(date, precision)}"
             + (f"; date {c.date_how}" if c.date_how else "") + ".")
    return Event(
        event_id=eid,
        article_id=article.id,
        event_type=c.event_type,
        reporting_side=c.claim.side,
        event_date=date,
        date_precision=precision,
        claimant=claimant,
        location_name=place.surface if place and place.start >= 0 else "",
        place=place.name if place else "",
        geo_precision=place.precision if place else None,
        lon=place.lon if place and place.lat is not None else None,
        lat=place.lat if place and place.lon is not None else None,
        fatalities=c.fatalities,
        evidence=c.evidence.text,
        char_start=c.evidence.start,
        char_end=c.evidence.end,
        confidence=confidence,
        notes=notes,
        confidence_reason=reason,
        article_title=article.title,
        outlet=outlet_name(article.outlet, article.url),
        url=article.url,
        published=article.published,
    )


def _coarse(ev: Event) -> bool:
    return ev.geo_precision not in ("settlement", "district")


def _explicitly_dated(ev: Event) -> bool:
    return not any(x in ev.confidence_reason for x in ("carried", "publication date", "no date"))


def _named(ev: Event) -> bool:
    """True when the claim has a source of its own, not the outlet's voice."""
    return bool(ev.claimant) and ev.claimant not in (ev.outlet, "the outlet") \
        and "no source named" not in ev.confidence_reason


def _own_voice(ev: Event) -> bool:
    """True when a speaker other than the outlet is credited, by name or by pronoun."""
    return bool(ev.claimant) and ev.claimant not in (ev.outlet, "the outlet")


def _source_head(claimant: str) -> str:
    words = [w for w in _WORD.findall(claimant) if w.lower() not in ("the", "a")]
    return words[0][:5].lower() if words else ""


def _same_source(a: Event, b: Event) -> bool:
    """Same speaker, allowing for how the text varies the name ("Azerbaijan" / "Azerbajan")."""
    return a.claimant.lower() == b.claimant.lower() or (
        _source_head(a.claimant) != "" and _source_head(a.claimant) == _source_head(b.claimant))


# "killed since Sunday", "so far": a running toll of the whole fighting, not one strike's
# ("the deadliest since the war" compares; it counts nothing)
_RUNNING_TOLL = re.compile(r"(?<!deadliest )(?<!worst )(?<!heaviest )(?<!bloodiest )"
                           r"(?<!biggest )(?<!largest )(?<!first )\bsince\b(?! (?:the|last|"
                           r"last year['’]s) war\b)|\bso far\b|\bin total\b|\boverall\b|"
                           r"\bover the (?:same|whole|entire) period\b|"
                           r"\bduring the (?:[\w-]+ ){0,3}(?:war|hostilities|fighting|clashes|"
                           r"operation|offensive|measures|escalation|conflict)\b", re.I)
# Text just before a cue that makes it the period of a toll: "since (the) fighting erupted",
# "during the local anti-terror measures", "killed in the shelling since Monday".
_TOLL_PERIOD = re.compile(r"\b(?:since|during|throughout|in)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}$",
                          re.I)


_SPAN_DAYS = {"day": 1, "week": 7}


def _windows_overlap(a: Event, b: Event) -> bool:
    """True when two day- or week-precision dates can be the same day."""
    if a.event_date is None or b.event_date is None:
        return False
    reach = _SPAN_DAYS.get(a.date_precision or "", 0) + _SPAN_DAYS.get(b.date_precision or "", 0)
    return reach > 0 and abs((a.event_date - b.event_date).days) < reach


def _speaker_key(claimant: str) -> str:
    """The last capitalised word of a speaker: "US Secretary of State Antony Blinken" and
    "Antony Blinken" are one speaker (text varies titles, rarely surnames)."""
    words = [w for w in _WORD.findall(claimant) if w[0].isupper()]
    return (words[-1] if words else claimant).lower()


def merge_restatements(events: Sequence[Event]) -> list[Event]:
    """One event per claim: a restatement of a claim already made is dropped.

    A restatement has the same type, side and date, and either the same place
    or only a coarser one (the region as a whole, a country, none) where the
    first statement named the place. A casualty report with the side and date
    of a strike or clash already told (or at its place) is that strike's toll,
    unless it is a running toll ("since Sunday"). The first statement is kept
    (it carries the evidence), except that a claim first told with no place and
    then told at a named place takes that place; a death count stated only in
    a restatement is taken over, the larger one wins. One speaker's statement
    told twice (once dated by the week, once by the day) is one diplomatic event.
    """
    kept: list[Event] = []
    index: dict[tuple, int] = {}
    refined: set[int] = set()

    def absorb(i: int, ev: Event) -> None:
        first = kept[i]
        if ev.fatalities is not None and (first.fatalities is None
                                          or ev.fatalities > first.fatalities):
            kept[i] = first.replace(fatalities=ev.fatalities)

    for ev in events:
        when = (ev.event_date, ev.date_precision)
        # a statement or meeting is its speaker's: two speakers are two events
        who = _speaker_key(ev.claimant) if ev.event_type == "diplomacy" else ""
        exact = (ev.event_type, ev.reporting_side, ev.place, *when, who)
        if exact in index:
            absorb(index[exact], ev)
            continue
        if who and _own_voice(ev):
            # one speaker's statement told again ("has condemned" ... "on Tuesday ... urged")
            again = [i for i, k in enumerate(kept) if k.event_type == "diplomacy"
                     and k.reporting_side == ev.reporting_side
                     and _own_voice(k) and _speaker_key(k.claimant) == who
                     and k.date_precision != ev.date_precision
                     and _windows_overlap(k, ev)]
            if again:
                absorb(again[0], ev)
                continue
        if _coarse(ev):
            same = [i for i, k in enumerate(kept) if (k.event_type, k.reporting_side,
                    k.event_date) == (ev.event_type, ev.reporting_side, ev.event_date)
                    and (not who or _speaker_key(k.claimant) == who)
                    and (_same_source(k, ev) or not _named(k) or not _named(ev))]
            if same:
                absorb(same[0], ev)
                continue
        if ev.event_type == "casualties" and not _RUNNING_TOLL.search(ev.evidence) and (
                (_explicitly_dated(ev) and ev.date_precision == "day") or not _coarse(ev)):
            toll_of = [i for i, k in enumerate(kept) if k.event_type in STRIKE_TYPES
                       and (k.reporting_side, k.event_date, k.date_precision)
                       == (ev.reporting_side, *when) and (_coarse(ev) or k.place == ev.place)]
            if toll_of:
                absorb(toll_of[0], ev)
                continue
        if not _coarse(ev):
            # a claim first told with no place, then with one: the place refines it
            vague = [i for i, k in enumerate(kept) if _coarse(k) and (
                k.event_type, k.reporting_side, k.event_date, k.date_precision) == (
                ev.event_type, ev.reporting_side, *when)
                and (not who or _speaker_key(k.claimant) == who) and _same_source(k, ev)
                and i not in refined]
            if vague:
                i = vague[0]
                old = kept[i]
                index.pop((old.event_type, old.reporting_side, old.place, old.event_date,
                           old.date_precision, who), None)
                kept[i] = ev
                absorb(i, old)  # a death count told only the first time is kept
                index[exact] = i
                refined.add(i)
                continue
        index[exact] = len(kept)
        kept.append(ev)
    # the outlet retelling what a named source told (same type, place and day) adds nothing
    told = {(k.event_type, k.place, k.event_date) for k in kept if _named(k)}
    return [k for k in kept if _named(k) or k.event_type == "diplomacy" or _coarse(k)
            or (k.event_type, k.place, k.event_date) not in told]


def cluster_events(events: Sequence[Event]) -> list[Event]:
    """Group events of the same type, day and place across articles.

    Each event gets the cluster's id, how many articles reported it and which
    sides did, so the map can show corroboration.
    """
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, ev in enumerate(events):
        key = (ev.event_type, ev.event_date.isoformat() if ev.event_date else "",
               ev.date_precision or "", ev.place)
        groups[key].append(i)
    out = list(events)
    for key, members in groups.items():
        articles = {events[i].article_id for i in members}
        sides = tuple(s for s in ("armenian", "azerbaijani", "third_party")
                      if any(events[i].reporting_side == s for i in members))
        cid = "c" + _event_id(*key)[:12]
        for i in members:
            # a count of at least one, known sides and a text id: valid, so not checked again
            out[i] = replace_unchecked(events[i], n_articles=len(articles), reported_by=sides,
                                       cluster_id=cid)
    return out


# -- corpus level -------------------------------------------------------------

#: (article id, its events or None when extraction failed, why it failed or "")
ArticleOutcome = tuple[str, list[Event] | None, str]


def extract_outcome(article: Article, gazetteer: Any) -> ArticleOutcome:
    """One article's events, or why they could not be had: one bad article stops nothing."""
    try:
        return article.id, extract_article(article, gazetteer=gazetteer), ""
    except Exception as exc:  # one bad article must not stop the corpus
        return article.id, None, f"{type(exc).__name__}: {exc}"


def extract_corpus(articles: Iterable[Article], *, gazetteer: Any,
                   progress: bool = True) -> ExtractResult:
    """Events of every article, clustered across articles, with a summary.

    One process: several cores or machines are Dask's job
    (:func:`events.distributed.extract_distributed`), which gives the same result.
    """
    from tqdm import tqdm

    articles = list(articles)
    errors: list[CorpusError] = []
    events: list[Event] = []
    paths = {a.id: a.path for a in articles}
    with tqdm(total=len(articles), desc="articles", unit="art", disable=not progress,
              mininterval=0.5) as bar:
        for article in articles:
            _collect(*extract_outcome(article, gazetteer), events, errors, paths)
            bar.update(1)
    events = cluster_events(events)
    return ExtractResult(events, errors, summarize(articles, events, errors))


def _collect(aid: str, evs: list[Event] | None, err: str, events: list[Event],
             errors: list[CorpusError], paths: dict[str, str]) -> None:
    if evs is None:
        errors.append(CorpusError(paths.get(aid, aid), f"extraction failed: {err}"))
    else:
        events.extend(evs)


def summarize(articles: Sequence[Article], events: Sequence[Event],
              errors: Sequence[CorpusError]) -> dict[str, Any]:
    """Counts for the end-of-run report."""
    return {
        "articles": len(articles),
        "events": len(events),
        "by_type": dict(sorted(Counter(e.event_type for e in events).items())),
        "by_side": dict(sorted(Counter(e.reporting_side for e in events).items())),
        "failed": len(errors),
    }


__all__ = ["ArticleOutcome", "ExtractResult", "cluster_events", "extract_article",
           "extract_corpus", "extract_outcome", "merge_restatements", "summarize"]
