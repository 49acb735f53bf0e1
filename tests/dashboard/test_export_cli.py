"""``python -m dashboard export``: the page's filters as options, one-line errors, exit codes."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from dashboard import export as ex
from dashboard import snapshot
from dashboard.__main__ import build_parser, main, view_of
from dashboard.view import FIELD_PARAMS, View, view_code
from events.schema import read_geojson
from events.store import default_store, open_store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store_path(tmp_path, make_event):
    """A GeoPackage store of six October 2020 events, two per side."""
    path = tmp_path / "events.gpkg"
    events = [
        make_event(event_id=f"s{i}", reporting_side=side, event_type=kind,
                   event_date=dt.date(2020, 10, 1 + 3 * i), lon=46.5 + 0.1 * i, lat=39.8)
        for i, (side, kind) in enumerate([
            ("armenian", "shelling"), ("armenian", "offensive"),
            ("azerbaijani", "shelling"), ("azerbaijani", "border_incident"),
            ("third_party", "ceasefire"), ("third_party", "shelling"),
        ])
    ]
    events.append(make_event(event_id="late", event_date=dt.date(2021, 1, 5)))
    open_store(path, create=True).append(events)
    return path


def _run(*argv):
    return main(["export", *map(str, argv)])


def _fail(capsys, *argv):
    with pytest.raises(SystemExit) as exit_info:
        _run(*argv)
    err = capsys.readouterr().err
    return exit_info.value.code, err


def test_the_documented_example_writes_a_png(tmp_path, store_path, capsys):
    out = tmp_path / "brief.png"
    code = _run("--from", "2020-10-01", "--to", "2020-10-31", "--side", "azerbaijani",
                "--type", "shelling", "--format", "png", "--output", out, "--store", store_path,
                "--dpi", 90, "--preset", "a4-portrait")
    assert code == 0
    with Image.open(out) as image:
        assert image.size == snapshot.pixel_size("a4-portrait", 90)
    assert "1 events" in capsys.readouterr().out


def test_filters_reach_the_data(tmp_path, store_path):
    out = tmp_path / "a.geojson"
    assert _run("--side", "armenian", "--side", "third_party", "--type", "shelling",
                "--from", "2020-10-01", "--to", "2020-10-31", "--store", store_path,
                "-o", out) == 0
    events, _ = read_geojson(out)
    assert sorted(e.event_id for e in events) == ["s0", "s5"]


def test_bbox_and_undated_options(tmp_path, store_path):
    out = tmp_path / "a.csv"
    assert _run("--bbox", "46.45,39.7,46.75,39.9", "--store", store_path, "-o", out) == 0
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert sorted(table["event_id"]) == ["s0", "s1", "s2"]


def test_same_file_as_the_export_function_for_the_same_view(tmp_path, store_path):
    """The page calls ``export`` with the view; the command line must give the same bytes."""
    cli_out, api_out = tmp_path / "cli.csv", tmp_path / "api.csv"
    assert _run("--from", "2020-10-05", "--side", "azerbaijani", "--store", store_path,
                "-o", cli_out) == 0
    view = View(start=dt.date(2020, 10, 5), sides=("azerbaijani",))
    frame = open_store(store_path).read_frame()
    ex.export(frame, view, "csv", api_out)
    assert cli_out.read_bytes() == api_out.read_bytes()


def test_a_view_code_from_a_figure_reopens_the_view(tmp_path, store_path):
    view = View(start=dt.date(2020, 10, 1), types=("shelling",), claimants=("Ministry",),
                precise_geo=True, extent=(46.0, 39.0, 47.5, 40.5))
    args = build_parser().parse_args(["export", "--view", view_code(view), "-o",
                                      str(tmp_path / "x.png")])
    assert view_of(args) == view
    args = build_parser().parse_args(["export", "--view", "http://kcm.local:8501/?"
                                      + view_code(view), "--side", "armenian",
                                      "--type", "offensive", "-o", "x.png"])
    assert view_of(args) == view.replace(sides=("armenian",), types=("offensive",))


def test_every_filter_of_the_page_has_an_option():
    """A filter added to the page's view must be added here too, or briefs silently ignore it."""
    options = {a.dest for a in build_parser()._subparsers._group_actions[0]  # noqa: SLF001
               .choices["export"]._actions}
    page_only = {"center", "zoom", "selected"}  # where the page's map looks, not what it shows
    assert set(FIELD_PARAMS) - page_only <= options


def test_page_filters_beyond_dates_sides_and_types_reach_the_data(tmp_path, store_path):
    out = tmp_path / "a.geojson"
    assert _run("--store", store_path, "--claimant", "Nobody", "-o", out) == 0
    assert read_geojson(out)[0] == []
    frame = open_store(store_path).read_frame()
    one = frame.iloc[2]
    assert _run("--store", store_path, "--claimant", one["claimant"], "--search",
                str(one["place"]).upper(), "--article", one["article_id"], "--precise-geo",
                "-o", out) == 0
    got = {e.event_id for e in read_geojson(out)[0]}
    assert one["event_id"] in got
    assert _run("--store", store_path, "--min-fatalities", "100000", "-o", out) == 0
    assert read_geojson(out)[0] == []


def test_review_corrections_are_in_the_export(tmp_path, store_path):
    """The page shows corrected events; a scheduled brief of the same store must too."""
    from events.corrections import corrections_of, fix_field

    store = open_store(store_path)
    row = store.read_frame().set_index("event_id", drop=False).loc["s0"]
    corrections_of(store).add([fix_field(row, "reporting_side", "azerbaijani", "analyst")])
    out = tmp_path / "a.geojson"
    assert _run("--store", store_path, "--side", "azerbaijani", "-o", out) == 0
    assert "s0" in {e.event_id for e in read_geojson(out)[0]}


def test_default_store_is_the_bundled_sample(tmp_path, monkeypatch):
    monkeypatch.delenv("KCM_STORE", raising=False)
    out = tmp_path / "all.geojson"
    assert _run("-o", out) == 0
    events, _ = read_geojson(out)
    assert len(events) == default_store().count()


def test_store_from_the_environment(tmp_path, store_path, monkeypatch):
    monkeypatch.setenv("KCM_STORE", str(store_path))
    out = tmp_path / "all.geojson"
    assert _run("-o", out) == 0
    assert len(read_geojson(out)[0]) == 7


# -- bad arguments: exit 2, one line ----------------------------------------------------


@pytest.mark.parametrize(("argv", "message"), [
    (["--side", "martian", "-o", "x.png"], "invalid choice: 'martian'"),
    (["--type", "riot", "-o", "x.png"], "invalid choice: 'riot'"),
    (["--from", "2020-13-45", "-o", "x.png"], "bad --from date '2020-13-45'"),
    (["--from", "2020-11-01", "--to", "2020-10-01", "-o", "x.png"], "reversed"),
    (["--min-fatalities", "-3", "-o", "x.png"], "expected a whole number"),
    (["--region", "Atlantis", "-o", "x.png"], "invalid choice: 'Atlantis'"),
    (["--bbox", "46,39,45", "-o", "x.png"], "bad --bbox"),
    (["--bbox", "47,39,46,40", "-o", "x.png"], "west < east"),
    (["--format", "docx", "-o", "x.docx"], "invalid choice: 'docx'"),
    (["-o", "brief.docx"], "cannot tell the format"),
    (["--dpi", "9000", "-o", "x.png"], "outside"),
    (["--dpi", "300", "-o", "x.csv"], "--dpi does not apply to csv"),
    (["--preset", "poster", "-o", "x.png"], "invalid choice: 'poster'"),
    (["--view", "from=2020-10-01&colour=red", "-o", "x.png"], "unknown link parameter 'colour'"),
    ([], "required: --output"),
])
def test_bad_arguments_exit_2_with_one_line(capsys, tmp_path, argv, message):
    argv = [str(tmp_path / a) if a.startswith("x.") or a == "brief.docx" else a for a in argv]
    code, err = _fail(capsys, *argv)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert not any(tmp_path.iterdir())


def test_unwritable_output_exits_2_before_reading(tmp_path, capsys):
    blocker = tmp_path / "plain-file"
    blocker.write_text("")
    code, err = _fail(capsys, "-o", blocker / "brief.png")
    assert code == 2
    assert "cannot write" in err and len(err.strip().splitlines()) == 1


def test_missing_store_exits_1_with_one_line(tmp_path, capsys):
    code = _run("--store", tmp_path / "nope.gpkg", "-o", tmp_path / "x.png")
    err = capsys.readouterr().err
    assert code == 1
    assert "nope.gpkg" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.png").exists()


def test_runs_as_a_module(tmp_path):
    """The real entry point, as a scheduled job would call it."""
    out = tmp_path / "brief.geojson"
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "export", "--side", "azerbaijani", "-o", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    events, _ = read_geojson(out)
    assert events and {e.reporting_side for e in events} == {"azerbaijani"}
    bad = subprocess.run(
        [sys.executable, "-m", "dashboard", "export", "--side", "martian", "-o", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1


def test_pdf_options(tmp_path, store_path):
    out = tmp_path / "handout.pdf"
    assert _run("--store", store_path, "-o", out, "--preset", "a4-portrait",
                "--no-event-list", "--title", "Daily brief") == 0
    data = out.read_bytes()
    assert len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data)) == 1
    assert re.search(rb"/MediaBox\s*\[\s*0\s+0\s+595\.2\d*\s+841\.8\d*\s*\]", data)


def test_articles_fill_the_evidence_as_on_the_page(tmp_path, monkeypatch):
    """The bundled sample carries no article text; ``--articles`` reads it, as the page does."""
    monkeypatch.delenv("KCM_STORE", raising=False)
    monkeypatch.delenv("KCM_ARTICLES", raising=False)
    articles = ROOT / ".." / "shared" / "articles"
    bare, filled = tmp_path / "bare.geojson", tmp_path / "filled.geojson"
    assert _run("-o", bare) == 0
    assert _run("--articles", articles, "-o", filled) == 0
    assert all(not e.evidence for e in read_geojson(bare)[0])
    with_text = [e for e in read_geojson(filled)[0] if e.evidence]
    assert len(with_text) == len(read_geojson(bare)[0])
    sample = with_text[0]
    text = (articles / f"{sample.article_id}.txt").read_text(encoding="utf-8")
    assert text[sample.char_start:sample.char_end] == sample.evidence
