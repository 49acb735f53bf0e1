"""Which side a news outlet speaks for.

The event contract counts Armenian and Azerbaijani media as their side's
voice and every other outlet as a third party. This registry is deliberately
small and explicit: an outlet is listed only when its side is well known
(state agencies and the main national news sites). Azatutyun, the Armenian
service of RFE/RL, is listed with the Armenian media it is read as.

Matching is on the outlet's name or web domain, case-insensitively, so
"News.am", "news.am" and "https://news.am/eng/..." agree.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import urlparse

#: key (lower-case name fragment or domain) -> (display name, side)
OUTLETS: dict[str, tuple[str, str]] = {
    # Armenian media
    "news.am": ("News.am", "armenian"),
    "armenpress": ("Armenpress", "armenian"),
    "azatutyun": ("Azatutyun (RFE/RL Armenian Service)", "armenian"),
    "lragir": ("Lragir.am", "armenian"),
    "mirrorspectator": ("The Armenian Mirror-Spectator", "armenian"),
    "mirror-spectator": ("The Armenian Mirror-Spectator", "armenian"),
    "armenianweekly": ("The Armenian Weekly", "armenian"),
    "armenian weekly": ("The Armenian Weekly", "armenian"),
    "asbarez": ("Asbarez", "armenian"),
    "panorama.am": ("Panorama.am", "armenian"),
    "arka.am": ("ARKA", "armenian"),
    "civilnet": ("CivilNet", "armenian"),
    "hetq": ("Hetq", "armenian"),
    # Azerbaijani media
    "apa.az": ("APA", "azerbaijani"),
    "azertac": ("AZERTAC", "azerbaijani"),
    "trend.az": ("Trend", "azerbaijani"),
    "report.az": ("Report.az", "azerbaijani"),
    "azernews": ("AzerNews", "azerbaijani"),
    "news.az": ("News.az", "azerbaijani"),
    "apa news": ("APA", "azerbaijani"),
    "trend news": ("Trend", "azerbaijani"),
    "oxu.az": ("Oxu.az", "azerbaijani"),
    "caliber.az": ("Caliber.az", "azerbaijani"),
    "day.az": ("Day.az", "azerbaijani"),
    "1news.az": ("1news.az", "azerbaijani"),
    "armradio": ("Public Radio of Armenia", "armenian"),
    "aravot": ("Aravot", "armenian"),
    "factor.am": ("Factor TV", "armenian"),
    "artsakhpress": ("Artsakhpress", "armenian"),
    "mediamax": ("Mediamax", "armenian"),
    "1lurer": ("Public TV of Armenia", "armenian"),
}

#: outlet names that are too short or too common to match inside other text: only whole
#: names count ("APA" is the agency, "Japan" is not)
EXACT_NAMES: dict[str, tuple[str, str]] = {
    "apa": ("APA", "azerbaijani"),
    "trend": ("Trend", "azerbaijani"),
    "report": ("Report.az", "azerbaijani"),
    "azerbaijan state news agency": ("AZERTAC", "azerbaijani"),
    "armenian public radio": ("Public Radio of Armenia", "armenian"),
}

_SPLIT = re.compile(r"[^a-z0-9.\-]+")


def _keys(text: str) -> list[str]:
    text = text.lower().strip()
    if not text:
        return []
    found = [text]
    if "://" in text:
        host = urlparse(text).hostname or ""
        found.append(host.removeprefix("www."))
    return found


@functools.lru_cache(maxsize=8192)
def lookup_outlet(name: str = "", url: str = "") -> tuple[str, str] | None:
    """``(display name, side)`` of a registered outlet, or None.

    Cached: the pipeline asks again for every claimant and every event, and the same few
    outlet names, urls and claimants ("the ministry") come back again and again.
    """
    exact = EXACT_NAMES.get(name.lower().strip())
    if exact:
        return exact
    for text in (*_keys(name), *_keys(url)):
        tokens = _SPLIT.split(text)
        for key, value in OUTLETS.items():
            if "." in key:
                # domains match whole host names or tokens, so news.az != news.am
                if any(t == key or t.endswith("." + key) for t in tokens) or text == key:
                    return value
            elif key in text:
                return value
    return None


def outlet_side(name: str = "", url: str = "") -> str:
    """Side of an outlet: its registered side, else ``third_party``."""
    hit = lookup_outlet(name, url)
    return hit[1] if hit else "third_party"


def outlet_name(name: str = "", url: str = "") -> str:
    """A readable outlet name: the given one, else the registry's, else the domain."""
    if name.strip():
        return name.strip()
    hit = lookup_outlet(name, url)
    if hit:
        return hit[0]
    host = urlparse(url).hostname if "://" in url else ""
    return (host or "").removeprefix("www.")
