"""The command line as a user runs it: real processes, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MANIFEST_HEAD = "id,file,title,published,outlet,url\n"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "events", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def folder(tmp_path) -> Path:
    arts = tmp_path / "arts"
    arts.mkdir()
    (arts / "one.txt").write_text(
        "Strikes on the town\nThe Azerbaijani Defence Ministry said Armenian forces shelled "
        "Tartar on Monday, killing two civilians.\n", encoding="utf-8")
    (arts / "two.txt").write_text(
        "Talks\nThe foreign ministers met in Moscow on Friday for talks.\n", encoding="utf-8")
    (arts / "manifest.csv").write_text(
        MANIFEST_HEAD + "one,one.txt,Strikes,2020-10-08,APA,\ntwo,two.txt,Talks,2020-10-09,,\n",
        encoding="utf-8")
    return arts


def test_extract_writes_geojson_and_summary(folder, tmp_path):
    out = tmp_path / "out.geojson"
    proc = run("extract", str(folder), "--output", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    types = sorted(f["properties"]["event_type"] for f in doc["features"])
    assert types == ["diplomacy", "shelling"]
    assert "articles read: 2" in proc.stderr and "shelling 1" in proc.stderr


def test_extract_csv(folder, tmp_path):
    out = tmp_path / "out.csv"
    proc = run("extract", str(folder), "--output", str(out), "--format", "csv", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert out.read_text(encoding="utf-8").splitlines()[0].startswith("event_id,")


def test_failed_file_is_named_and_exit_status_is_nonzero(folder, tmp_path):
    (folder / "broken.txt").write_bytes(b"\xff\xfe\x00\x00binary")
    out = tmp_path / "out.geojson"
    proc = run("extract", str(folder), "--output", str(out), "--quiet")
    assert proc.returncode == 1
    assert "broken.txt" in proc.stderr and "failed: 1" in proc.stderr
    assert len(json.loads(out.read_text(encoding="utf-8"))["features"]) == 2


def test_store_ingest_twice_adds_nothing_the_second_time(folder, tmp_path):
    store = tmp_path / "events.geojson"
    first = run("extract", str(folder), "--store", str(store), "--quiet")
    second = run("extract", str(folder), "--store", str(store), "--quiet")
    assert first.returncode == 0 and second.returncode == 0, second.stderr
    assert "2 added" in first.stderr
    assert "0 added, 2 already there" in second.stderr


def test_sample_regenerates_without_article_text(folder, tmp_path):
    out = tmp_path / "sample.geojson"
    proc = run("sample", str(folder), "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    props = [f["properties"] for f in json.loads(out.read_text(encoding="utf-8"))["features"]]
    assert props and all(p["evidence"] == "" and p["char_end"] > p["char_start"] for p in props)
    assert all(p["notes"] for p in props)


def test_sample_without_manifest_title_keeps_no_first_line(folder, tmp_path):
    """An untitled article's "title" is its first line: article text, never committed."""
    (folder / "manifest.csv").write_text(
        MANIFEST_HEAD + "one,one.txt,,2020-10-08,APA,\ntwo,two.txt,Talks,2020-10-09,,\n",
        encoding="utf-8")
    out = tmp_path / "sample.geojson"
    assert run("sample", str(folder), "--output", str(out)).returncode == 0
    props = [f["properties"] for f in json.loads(out.read_text(encoding="utf-8"))["features"]]
    titles = {p["article_id"]: p["article_title"] for p in props}
    assert titles == {"one": "", "two": "Talks"}


def test_unreadable_folder_leaves_existing_outputs_alone(tmp_path):
    sample, output = tmp_path / "sample.geojson", tmp_path / "out.geojson"
    for path in (sample, output):
        path.write_text("kept", encoding="utf-8")
    missing = str(tmp_path / "no-such-folder")
    assert run("sample", missing, "--output", str(sample)).returncode == 1
    assert run("extract", missing, "--output", str(output)).returncode == 1
    assert sample.read_text(encoding="utf-8") == output.read_text(encoding="utf-8") == "kept"


def test_csv_cells_cannot_run_as_spreadsheet_formulas(tmp_path):
    arts = tmp_path / "arts"
    arts.mkdir()
    (arts / "f.txt").write_text("Headline\nThe ministry said troops shelled Tartar on Monday.\n",
                                encoding="utf-8")
    (arts / "manifest.csv").write_text(
        MANIFEST_HEAD + 'f,f.txt,"=HYPERLINK(""http://x"")",2020-10-08,=cmd|x,\n',
        encoding="utf-8")
    out = tmp_path / "events.csv"
    assert run("extract", str(arts), "--output", str(out), "--format", "csv").returncode == 0
    text = out.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and "'=cmd|x" in text
    assert ',=' not in text and '"=' not in text


def test_workers_must_be_positive(folder, tmp_path):
    proc = run("extract", str(folder), "--output", str(tmp_path / "o.geojson"), "--workers", "0")
    assert proc.returncode == 2 and "at least 1" in proc.stderr


def test_missing_output_and_store_is_a_usage_error(folder):
    assert run("extract", str(folder)).returncode == 2


def test_committed_sample_is_valid_and_carries_no_article_text():
    from events.schema import read_geojson

    events, errors = read_geojson(ROOT / "events" / "data" / "sample_events.geojson")
    assert errors == [] and len(events) >= 20
    assert all(e.evidence == "" and e.char_start is not None and e.notes for e in events)
