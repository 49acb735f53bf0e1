"""Reading article folders: good files load, each bad file or row is one named error."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from events import corpus
from events.corpus import Article, fill_evidence, read_corpus

MANIFEST_HEAD = "id,file,title,published,outlet,url\n"


def _write(folder: Path, name: str, data: str | bytes) -> Path:
    path = folder / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def test_txt_without_manifest_uses_stem_and_first_line(tmp_path):
    _write(tmp_path, "story.txt", "Headline here\n\nBody sentence one.")
    articles, errors = read_corpus(tmp_path)
    assert errors == []
    assert [(a.id, a.title, a.published) for a in articles] == [("story", "Headline here", None)]


def test_manifest_values_are_used(tmp_path):
    _write(tmp_path, "a.txt", "Some text.")
    _write(tmp_path, "manifest.csv",
           MANIFEST_HEAD + "x1,a.txt,A title,2020-10-04,News.am,https://news.am/x\n")
    (art,), errors = read_corpus(tmp_path)
    assert errors == []
    assert (art.id, art.title, art.published, art.outlet) == (
        "x1", "A title", dt.date(2020, 10, 4), "News.am")


def test_article_is_frozen(tmp_path):
    _write(tmp_path, "a.txt", "Some text.")
    (art,), _ = read_corpus(tmp_path)
    with pytest.raises(AttributeError):
        art.text = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", "", "empty"),
        ("blank.txt", "   \n\n", "empty"),
        ("binary.txt", b"\x00\x01\x02PNG", "binary"),
        ("latin.txt", "caf\xe9 au lait".encode("latin-1"), "UTF-8"),
    ],
)
def test_bad_file_is_one_named_error_and_the_rest_loads(tmp_path, name, data, reason):
    _write(tmp_path, "good.txt", "A fine article.")
    _write(tmp_path, name, data)
    articles, errors = read_corpus(tmp_path)
    assert [a.id for a in articles] == ["good"]
    assert len(errors) == 1
    assert name in errors[0].source and reason in errors[0].message


def test_file_over_the_limit_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "MAX_FILE_BYTES", 100)
    _write(tmp_path, "huge.txt", "word " * 100)
    articles, errors = read_corpus(tmp_path)
    assert articles == []
    assert "too large" in errors[0].message


def test_manifest_row_outside_folder_is_refused(tmp_path):
    inner = tmp_path / "arts"
    inner.mkdir()
    _write(tmp_path, "secret.txt", "Not an article of this folder.")
    _write(inner, "manifest.csv", MANIFEST_HEAD + "s,../secret.txt,,,,\n")
    articles, errors = read_corpus(inner)
    assert articles == []
    assert "outside" in errors[0].message and "row 2" in errors[0].source


def test_manifest_row_naming_missing_file(tmp_path):
    _write(tmp_path, "manifest.csv", MANIFEST_HEAD + "m,missing.txt,,,,\n")
    articles, errors = read_corpus(tmp_path)
    assert articles == [] and "does not exist" in errors[0].message


def test_bad_manifest_date_keeps_article_with_unknown_date(tmp_path):
    _write(tmp_path, "a.txt", "Text.")
    _write(tmp_path, "manifest.csv", MANIFEST_HEAD + "a,a.txt,,31/12/2020,,\n")
    articles, errors = read_corpus(tmp_path)
    assert [a.published for a in articles] == [None]
    assert "bad publication date" in errors[0].message


def test_html_article_main_text_and_date(tmp_path):
    html = (
        "<html><head><title>Strike on a town</title>"
        '<meta property="article:published_time" content="2020-10-04T10:00:00Z"></head>'
        "<body><nav>Home | World | Sport</nav><article><h1>Strike on a town</h1>"
        + "".join(f"<p>Paragraph {i} reports on the war in plain words, at some length "
                  f"so that the extractor sees real content here.</p>" for i in range(6))
        + "</article><footer>Copyright notice</footer></body></html>")
    _write(tmp_path, "page.html", html)
    (art,), errors = read_corpus(tmp_path)
    assert errors == []
    assert "Paragraph 3 reports" in art.text and "Copyright" not in art.text
    assert art.published == dt.date(2020, 10, 4)


def test_missing_folder_is_an_error_not_a_crash(tmp_path):
    articles, errors = read_corpus(tmp_path / "nope")
    assert articles == [] and "not a folder" in errors[0].message


def test_fill_evidence_restores_text_from_offsets():
    art = Article("a1", "a1.txt", "", None, "", "", "First one. Second sentence here.")
    frame = pd.DataFrame({"article_id": ["a1", "zz"], "char_start": [11, 0],
                          "char_end": [32, 4], "evidence": ["", "kept"]})
    out = fill_evidence(frame, {"a1": art})
    assert list(out["evidence"]) == ["Second sentence here.", "kept"]
