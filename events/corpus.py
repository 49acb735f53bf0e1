"""Reading a folder of articles: ``*.txt``/``*.html`` plus an optional ``manifest.csv``.

Article text is untrusted input. Every problem with one file or one manifest
row becomes a :class:`CorpusError` naming it, and the rest of the folder is
still read: a bad file never costs the good ones.

Limits, stated once here: a file larger than :data:`MAX_FILE_BYTES` (5 MB, far
above any news article) is refused unread; a file that is empty, not UTF-8,
or binary (holds NUL bytes) is refused with the reason.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

#: Largest article file read, in bytes. News articles are kilobytes; anything
#: this large is a dump or an accident and would stall the pipeline.
MAX_FILE_BYTES = 5 * 1024 * 1024
MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS = ("id", "file", "title", "published", "outlet", "url")
ARTICLE_SUFFIXES = (".txt", ".html", ".htm")


@dataclass(frozen=True, slots=True)
class Article:
    """One article as the pipeline sees it; ``published`` is None when unknown."""

    id: str
    path: str
    title: str
    published: dt.date | None
    outlet: str
    url: str
    text: str


@dataclass(frozen=True, slots=True)
class CorpusError:
    """A file or manifest row that could not be read, and why (one line)."""

    source: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


class ArticleReadError(ValueError):
    """One file could not be turned into article text."""


def parse_date(raw: str | None) -> dt.date | None:
    """ISO ``YYYY-MM-DD`` (a time part is ignored); raises ``ValueError`` otherwise."""
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(f"bad publication date {text!r} (expected YYYY-MM-DD)") from None


def read_text_file(path: Path) -> str:
    """Decoded text of one file, or :class:`ArticleReadError` saying what is wrong."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ArticleReadError(f"cannot read ({exc.strerror or exc})") from None
    if size > MAX_FILE_BYTES:
        raise ArticleReadError(
            f"too large ({size / 1e6:.1f} MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleReadError(f"cannot read ({exc.strerror or exc})") from None
    if not data.strip():
        raise ArticleReadError("empty file")
    if b"\x00" in data[:65536]:
        raise ArticleReadError("binary file (contains NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleReadError(f"not UTF-8 text (byte {exc.start}: {exc.reason})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def html_to_text(html: str) -> tuple[str, str, dt.date | None]:
    """Main text, title and publication date of an HTML page, via trafilatura.

    trafilatura is made for exactly this (boilerplate removal and date
    discovery); a page in which it finds no main text is refused.
    """
    import trafilatura

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                      include_tables=False, favor_precision=True)
    if doc is None:
        raise ArticleReadError("no article text found in the HTML")
    get = doc.get if isinstance(doc, dict) else (lambda k: getattr(doc, k, None))
    text = (get("text") or "").strip()
    if not text:
        raise ArticleReadError("no article text found in the HTML")
    title = (get("title") or "").strip()
    published = None
    raw_date = get("date")
    if raw_date:
        try:
            published = parse_date(str(raw_date))
        except ValueError:
            published = None
    return text, title, published


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def load_article(path: Path, *, article_id: str | None = None, title: str = "",
                 published: dt.date | None = None, outlet: str = "", url: str = "") -> Article:
    """Read one article file; manifest values win over what the file itself says."""
    raw = read_text_file(path)
    if path.suffix.lower() in (".html", ".htm"):
        text, html_title, html_date = html_to_text(raw)
        title = title or html_title
        published = published or html_date
    else:
        text = raw
        if not text.strip():
            raise ArticleReadError("no text")
    return Article(
        id=article_id or path.stem,
        path=str(path),
        title=title or _first_line(text),
        published=published,
        outlet=outlet,
        url=url,
        text=text,
    )


def _inside(root: Path, resolved: Path) -> bool:
    """True when the resolved path lies in the resolved folder ``root``."""
    try:
        resolved.relative_to(root)
    except ValueError:
        return False
    return True


def read_manifest(folder: Path) -> tuple[list[dict[str, str]], list[CorpusError]]:
    """Rows of ``manifest.csv`` that name a usable file; every other row is an error."""
    rows, errors, _ = _read_manifest(folder)
    return rows, errors


def _read_manifest(folder: Path) -> tuple[list[dict[str, str]], list[CorpusError], set[Path]]:
    """:func:`read_manifest` plus the resolved paths of the files its rows name.

    Each path is resolved once (resolving walks the file system and dominates the
    time it takes to read a manifest of thousands of rows).
    """
    path = folder / MANIFEST_NAME
    errors: list[CorpusError] = []
    resolved: set[Path] = set()
    try:
        text = read_text_file(path)
    except ArticleReadError as exc:
        return [], [CorpusError(str(path), str(exc))], resolved
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("id", "file") if c not in (reader.fieldnames or [])]
    if missing:
        return [], [CorpusError(str(path), f"header lacks {', '.join(missing)} "
                                           f"(expected {','.join(MANIFEST_COLUMNS)})")], resolved
    root = folder.resolve()
    rows: list[dict[str, str]] = []
    seen: set[str] = set()
    for lineno, row in enumerate(reader, start=2):
        where = f"{path} row {lineno}"
        row = {k: (v or "").strip() for k, v in row.items() if k is not None}
        name, aid = row.get("file", ""), row.get("id", "")
        if not name:
            errors.append(CorpusError(where, "no file named"))
            continue
        target = folder / name
        target_resolved = target.resolve()
        if Path(name).is_absolute() or not _inside(root, target_resolved):
            errors.append(CorpusError(where, f"file {name!r} is outside the article folder"))
            continue
        if not target.is_file():
            errors.append(CorpusError(where, f"file {name!r} does not exist"))
            continue
        aid = aid or target.stem
        if aid in seen:
            errors.append(CorpusError(where, f"duplicate article id {aid!r}"))
            continue
        try:
            row["published_date"] = parse_date(row.get("published"))  # type: ignore[assignment]
        except ValueError as exc:
            errors.append(CorpusError(where, f"{exc}; date left unknown"))
            row["published_date"] = None  # type: ignore[assignment]
        seen.add(aid)
        row["id"] = aid
        rows.append(row)
        resolved.add(target_resolved)
    return rows, errors, resolved


def read_corpus(folder: str | Path) -> tuple[list[Article], list[CorpusError]]:
    """Every readable article of a folder, in a stable order, plus what failed.

    With a manifest, its rows say which files are articles (files it does not
    name are read too, with their stem as id). A row with a bad date still
    yields its article, with the date unknown, and is reported.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return [], [CorpusError(str(folder), "not a folder")]
    errors: list[CorpusError] = []
    rows: list[dict[str, str]] = []
    named: set[Path] = set()
    if (folder / MANIFEST_NAME).exists():
        rows, errors, named = _read_manifest(folder)
    ids = {r["id"] for r in rows}
    for path in sorted(folder.iterdir()):
        # a file the manifest names by id is not resolved again
        if path.suffix.lower() in ARTICLE_SUFFIXES and path.is_file() \
                and path.stem not in ids and path.resolve() not in named:
            rows.append({"id": path.stem, "file": path.name, "published_date": None})
            ids.add(path.stem)
    articles: list[Article] = []
    for row in rows:
        path = folder / row["file"]
        try:
            articles.append(load_article(
                path, article_id=row["id"], title=row.get("title", "") or "",
                published=row.get("published_date"),  # type: ignore[arg-type]
                outlet=row.get("outlet", "") or "", url=row.get("url", "") or ""))
        except ArticleReadError as exc:
            errors.append(CorpusError(str(path), str(exc)))
    return articles, errors


_WS = re.compile(r"\s+")


def fill_evidence(frame: pd.DataFrame, articles: Mapping[str, Article]) -> pd.DataFrame:
    """Restore ``evidence`` from ``char_start``/``char_end`` and the article texts.

    Committed samples carry offsets but no article text (the texts are third
    parties' writing); given the articles, this puts the sentences back. Rows
    whose article is missing or whose offsets do not fit keep what they had.
    """
    out = frame.copy()
    if out.empty:
        return out
    values = list(out["evidence"]) if "evidence" in out.columns else [""] * len(out)
    for i, (aid, start, end) in enumerate(
            zip(out["article_id"], out["char_start"], out["char_end"], strict=True)):
        art = articles.get(str(aid))
        if art is None or pd.isna(start) or pd.isna(end):
            continue
        s, e = int(start), int(end)
        if 0 <= s <= e <= len(art.text):
            values[i] = art.text[s:e]
    out["evidence"] = values
    return out
