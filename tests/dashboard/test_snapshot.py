"""The briefing figure: what it says, how it is laid out, and that hostile text cannot break it."""

from __future__ import annotations

import datetime as dt
import io
import re

import numpy as np
import pytest
from PIL import Image

from dashboard import snapshot, style
from dashboard.query import apply_view
from dashboard.view import View, view_from_code
from events.schema import SIDE_LABELS
from events.table import events_to_frame

GENERATED = dt.datetime(2024, 3, 1, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def frame(make_event):
    """A dozen events of October 2020 around Stepanakert, Shusha and Aghdam, all sides."""
    places = [("Stepanakert", 46.7519, 39.8153), ("Shusha", 46.7503, 39.7583),
              ("Aghdam", 46.9285, 39.9911), ("Martuni", 47.1464, 39.7919)]
    sides = ("armenian", "azerbaijani", "third_party")
    types = ("shelling", "border_incident", "offensive", "displacement")
    events = []
    for i in range(12):
        name, lon, lat = places[i % 4]
        events.append(make_event(
            event_id=f"e{i:02d}", event_date=dt.date(2020, 10, 1 + i), place=name,
            location_name=name, lon=lon, lat=lat, reporting_side=sides[i % 3],
            event_type=types[i % 4], geo_precision="settlement" if i % 5 else "district",
        ))
    events.append(make_event(event_id="nowhere", lon=None, lat=None, geo_precision=None,
                             place="", location_name="somewhere in the south"))
    return events_to_frame(events)


def _by_gid(fig, gid):
    return [a for a in fig.findobj(lambda a: a.get_gid() == gid)]


def _texts(fig, gid):
    return [a.get_text() for a in _by_gid(fig, gid)]


def _png(fig, dpi):
    buffer = io.BytesIO()
    snapshot.save_png(fig, buffer, dpi=dpi)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def _render(frame, view, **kw):
    kw.setdefault("generated_at", GENERATED)
    return snapshot.render_snapshot(frame, view, **kw)


# -- pages and sizes -------------------------------------------------------------------


@pytest.mark.parametrize(("preset", "dpi"), [("slide", 150), ("a4-portrait", 100),
                                             ("a4-landscape", 72)])
def test_png_has_the_preset_size_and_dpi(frame, preset, dpi):
    fig = _render(frame, View(), preset=preset, dpi=dpi)
    buffer = io.BytesIO()
    snapshot.save_png(fig, buffer, dpi=dpi)
    image = Image.open(io.BytesIO(buffer.getvalue()))
    page = snapshot.PRESETS[preset]
    assert image.size == (round(page.width_in * dpi), round(page.height_in * dpi))
    assert image.size == snapshot.pixel_size(preset, dpi)
    assert round(image.info["dpi"][0]) == dpi


def test_slide_preset_is_sixteen_by_nine():
    width, height = snapshot.pixel_size("slide", 150)
    assert (width, height) == (2000, 1125)
    assert width * 9 == height * 16


def test_unknown_preset_and_bad_dpi_are_refused(frame):
    with pytest.raises(ValueError, match="unknown preset 'poster'"):
        _render(frame, View(), preset="poster")
    with pytest.raises(ValueError, match="outside"):
        _render(frame, View(), dpi=5000)


def test_png_is_not_blank(frame):
    pixels = np.asarray(_png(_render(frame, View()), 100))
    assert pixels.std() > 20
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 200


# -- what the figure says ----------------------------------------------------------------


def test_title_and_filters_are_stated(frame):
    view = View(start=dt.date(2020, 10, 1), end=dt.date(2020, 10, 31),
                sides=("azerbaijani",), types=("shelling", "offensive"))
    fig = _render(frame, view, title="Morning brief")
    assert _texts(fig, "title") == ["Morning brief"]
    (subtitle,) = _texts(fig, "subtitle")
    flat = " ".join(subtitle.split())
    for part in ("2020-10-01 to 2020-10-31", "Azerbaijani side", "Shelling", "Offensive"):
        assert part in flat
    shown = apply_view(frame, view)
    assert f"{len(shown)} event" in flat


def test_per_side_counts_are_in_the_legend(frame):
    fig = _render(frame, View())
    (legend,) = _by_gid(fig, "legend-sides")
    labels = [t.get_text() for t in legend.get_texts()]
    counts = frame["reporting_side"].value_counts()
    for side, label in SIDE_LABELS.items():
        assert f"{label}: {counts[side]}" in labels


def test_legend_region_has_the_side_colours(frame):
    dpi = 120
    fig = _render(frame, View(), dpi=dpi)
    image = np.asarray(_png(fig, dpi)).astype(int)
    (legend,) = _by_gid(fig, "legend-sides")
    box = legend.get_window_extent(fig.canvas.get_renderer())
    height = image.shape[0]
    region = image[int(height - box.y1):int(height - box.y0), int(box.x0):int(box.x1)]
    assert region.size
    for colour in style.SIDE_COLOURS.values():
        rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
        close = (np.abs(region - rgb).max(axis=2) <= 6).sum()
        assert close >= 20, f"{colour} not found in the legend"


def test_a_side_filter_keeps_only_that_side_in_the_legend(frame):
    fig = _render(frame, View(sides=("armenian",)))
    (legend,) = _by_gid(fig, "legend-sides")
    labels = [t.get_text() for t in legend.get_texts()]
    expected = int((frame["reporting_side"] == "armenian").sum())
    assert labels == [f"Armenian side: {expected}"]


def test_furniture_is_present(frame):
    fig = _render(frame, View())
    for gid in ("north-arrow", "scalebar", "inset", "locator-frame", "credits", "generated",
                "reopen", "boundary-note", "legend-types", "legend-precision"):
        assert _by_gid(fig, gid), gid
    assert _texts(fig, "generated") == ["Generated 2024-03-01 09:30 UTC"]
    assert "Natural Earth" in _texts(fig, "credits")[0]


def test_reopen_code_reads_back_to_the_same_view(frame):
    view = View(start=dt.date(2020, 10, 1), sides=("armenian", "third_party"),
                        types=("shelling",), bbox=(46.0, 39.5, 47.5, 40.5),
                extent=(45.5, 39.0, 48.0, 41.0))
    fig = _render(frame, view, link_base="http://briefing.local:8501/")
    (text,) = _texts(fig, "reopen")
    assert text.startswith("Reopen this view: http://briefing.local:8501/?from=2020-10-01")
    assert view_from_code(text.split(": ", 1)[1]) == view


def test_every_filter_of_the_view_is_stated(frame):
    view = View(claimants=("Ministry of Defence",), regions=("Former NKAO",),
                outlets=("news.am", "APA", "Reuters", "AFP"), precise_geo=True,
                precise_date=True, min_fatalities=2, text="Shusha",
                bbox=(46.0, 39.5, 47.5, 40.5))
    flat = " ".join(_texts(_render(frame, view), "subtitle")[0].split())
    for part in ("claimed by Ministry of Defence", "in Former NKAO",
                 "reported by news.am, APA, Reuters and 1 more", "settlement only",
                 "to the day only", "at least 2 killed", "\u201cShusha\u201d",
                 "area 46 to 47.5\u00b0E"):
        assert part in flat, part


def test_approximate_boundaries_are_noted(frame):
    # On 1 Oct 2020 the 1994-2020 held area and line of contact are drawn, both approximate.
    view = View(end=dt.date(2020, 10, 1))
    fig = _render(frame, view)
    (note,) = _texts(fig, "boundary-note")
    assert note.startswith("Approximate boundaries")
    assert "2020-10-01" in note
    (legend,) = _by_gid(fig, "legend-boundaries")
    labels = " ".join(t.get_text() for t in legend.get_texts())
    assert "(approx.)" in labels


def test_boundaries_follow_the_view_date(frame):
    before = _render(frame, View(end=dt.date(2020, 10, 1)))
    after = _render(frame, View(end=dt.date(2024, 1, 1)))

    def labels(fig):
        (legend,) = _by_gid(fig, "legend-boundaries")
        return " ".join(t.get_text() for t in legend.get_texts())

    assert labels(before) != labels(after)


def test_empty_selection_says_no_events_match(frame):
    view = View(start=dt.date(2031, 1, 1))
    fig = _render(frame, view)
    assert _texts(fig, "no-events") == ["No events match this view"]
    assert "0 events" in _texts(fig, "subtitle")[0]
    image = np.asarray(_png(fig, 60))
    assert image.std() > 20


def test_empty_table_gives_a_figure(frame):
    fig = _render(frame.iloc[0:0], View(), title="Nothing yet")
    assert _texts(fig, "no-events")


def test_events_without_a_place_are_counted_not_drawn(frame):
    fig = _render(frame, View())
    assert "1 without a known place, not drawn" in " ".join(_texts(fig, "subtitle")[0].split())
    drawn = sum(len(c.get_offsets()) for c in fig.findobj(
        lambda a: str(a.get_gid()).startswith("events-")))
    assert drawn == len(frame) - 1


def test_coarse_precision_is_drawn_hollow(frame):
    fig = _render(frame, View())
    district = _by_gid(fig, "events-district")
    exact = _by_gid(fig, "events-exact")
    assert sum(len(c.get_offsets()) for c in district) == 3  # events 0, 5 and 10
    assert all(len(c.get_facecolors()) == 0 or (c.get_facecolors()[:, 3] == 0).all()
               for c in district)
    assert all(c.get_facecolors()[:, 3].min() > 0 for c in exact)


# -- hostile text ------------------------------------------------------------------------

HOSTILE = ("$\\frac{1}{$ <script>alert('x')</script> \x00\x07\x1b[31m \u202e "
           "中文 \U0001F4A3 " + "very long " * 2000)


def test_hostile_title_and_places_never_break_the_figure(frame, make_event):
    events = [make_event(event_id=f"h{i}", place=HOSTILE, location_name=HOSTILE,
                         claimant=HOSTILE, notes=HOSTILE) for i in range(3)]
    hostile = events_to_frame(events)
    fig = _render(hostile, View(), title=HOSTILE)
    image = _png(fig, 60)  # would raise on a mathtext error or a missing-glyph warning
    assert image.size == snapshot.pixel_size("slide", 60)
    (title,) = _texts(fig, "title")
    assert "\x00" not in title and "\x1b" not in title
    assert len(title) <= 2 * snapshot.MAX_TEXT
    assert "$\\frac{1}{$" in title  # drawn literally, not as mathematics
    labels = _texts(fig, "place-label")
    assert labels and all(len(label) <= 40 for label in labels)


def test_clean_text_keeps_ordinary_names():
    assert snapshot.clean_text("Ստեփանակերտ / Xankəndi") == "Ստեփանակերտ / Xankəndi"
    assert snapshot.clean_text("a\nb\tc\x00d") == "a b cd"
    assert snapshot.clean_text("x" * 500, 20) == "x" * 19 + "\u2026"
    assert snapshot.clean_text("中") == "?"


# -- labels ----------------------------------------------------------------------------


@pytest.fixture
def dense_frame(make_event):
    """3,000 events at 150 named places packed into Nagorno-Karabakh, busiest first."""
    rng = np.random.default_rng(7)
    lon = rng.uniform(46.4, 47.3, 150)
    lat = rng.uniform(39.5, 40.2, 150)
    weights = 1 / np.arange(1, 151)
    picks = rng.choice(150, size=3000, p=weights / weights.sum())
    events = [make_event(event_id=f"d{i}", place=f"Village {p:03d}", location_name="x",
                         lon=float(lon[p]), lat=float(lat[p]))
              for i, p in enumerate(picks)]
    return events_to_frame(events)


def test_labels_never_overlap_at_realistic_density(dense_frame):
    fig = _render(dense_frame, View())
    renderer = fig.canvas.get_renderer()
    labels = _by_gid(fig, "place-label") + _by_gid(fig, "town-label")
    assert 5 <= len(_by_gid(fig, "place-label")) <= snapshot.MAX_LABELS
    boxes = [label.get_window_extent(renderer) for label in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b)
    (ax,) = _by_gid(fig, "map")
    frame_box = ax.get_window_extent(renderer)
    assert all(frame_box.x0 <= b.x0 and b.x1 <= frame_box.x1 for b in boxes)


def test_the_busiest_place_is_labelled_first(dense_frame):
    fig = _render(dense_frame, View())
    top = dense_frame["place"].value_counts()
    labels = _texts(fig, "place-label")
    assert labels[0] == f"{top.index[0]} ({top.iloc[0]})"


def test_busiest_places_counts_events_per_place(frame):
    table = snapshot.busiest_places(frame[frame["lon"].notna()], (40, 35, 50, 45), 2)
    assert list(table["count"]) == [3, 3]
    assert len(table) == 2


# -- PDF ---------------------------------------------------------------------------------


def _pdf_pages(data: bytes) -> list[tuple[float, float]]:
    """(width, height) in points of each page of a matplotlib PDF (page dicts are plain text)."""
    text = data.decode("latin-1")
    pages = re.findall(r"/Type\s*/Page(?![a-zA-Z]).*?/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+"
                       r"([\d.]+)\s*\]", text, flags=re.S)
    return [(float(w), float(h)) for w, h in pages]


@pytest.mark.parametrize(("preset", "size"), [("a4-portrait", (595.28, 841.89)),
                                              ("a4-landscape", (841.89, 595.28)),
                                              ("slide", (960.0, 540.0))])
def test_pdf_pages_have_the_paper_size(frame, preset, size):
    fig = _render(frame, View(), preset=preset, raster=False)
    pages = [fig, *snapshot.render_event_pages(frame, View(), preset=preset)]
    buffer = io.BytesIO()
    snapshot.save_pdf(pages, buffer, dpi=150, title="t")
    found = _pdf_pages(buffer.getvalue())
    assert len(found) == 2
    for width, height in found:
        assert width == pytest.approx(size[0], abs=0.05)
        assert height == pytest.approx(size[1], abs=0.05)


def _rows(pages):
    return [line for p in pages for text in _texts(p, "list-rows") for line in text.split("\n")]


def test_event_list_pages_cover_every_event(make_event):
    events = events_to_frame([make_event(event_id=f"n{i:04d}", notes=f"note {i:04d}")
                              for i in range(130)])
    per_page = snapshot.rows_per_page("a4-portrait")
    pages = snapshot.render_event_pages(events, View(), preset="a4-portrait")
    assert len(pages) == snapshot.list_page_count(130, "a4-portrait") == -(-130 // per_page)
    rows = _rows(pages)
    assert len(rows) == 130
    assert {row.rsplit(" ", 1)[-1] for row in rows} == {f"{i:04d}" for i in range(130)}


def test_event_list_fits_on_the_page(make_event):
    events = events_to_frame([make_event(event_id=f"n{i:04d}", notes="word " * 100)
                              for i in range(200)])
    for preset in snapshot.PRESETS:
        page = snapshot.render_event_pages(events, View(), preset=preset)[0]
        renderer = page.canvas.get_renderer()
        (rows,) = _by_gid(page, "list-rows")
        (footer,) = _by_gid(page, "list-footer")
        box = rows.get_window_extent(renderer)
        assert box.y0 > footer.get_window_extent(renderer).y1, preset
        assert box.x1 <= page.bbox.width * 0.97, preset


def test_event_list_columns_line_up_whatever_the_text(make_event):
    hostile = "<b>$x$</b>\x00\x07 中文 " + "long " * 50
    events = events_to_frame([make_event(event_id="h", claimant=hostile, place=hostile),
                              make_event(event_id="o", claimant="MoD", place="Shusha")])
    rows = _rows(snapshot.render_event_pages(events, View(), preset="a4-landscape"))
    header = _texts(snapshot.render_event_pages(events, View())[0], "list-header")[0]
    notes_at = header.index("Notes")
    assert all(len(row) > notes_at and row[notes_at - 1] == " " for row in rows)
    assert all("\x00" not in row and "\x07" not in row for row in rows)


def test_event_list_is_capped_and_says_so(make_event):
    events = events_to_frame([make_event(event_id=f"n{i:04d}") for i in range(60)])
    pages = snapshot.render_event_pages(events, View(), preset="a4-landscape", max_listed=25)
    assert len(_rows(pages)) == 25
    assert "first 25 of 60" in _texts(pages[-1], "list-footer")[0]


# -- layout ------------------------------------------------------------------------------

BUSY_VIEW = View(
    start=dt.date(2020, 9, 1), end=dt.date(2020, 12, 31), sides=tuple(SIDE_LABELS),
    types=("shelling", "border_incident", "offensive", "displacement", "casualties",
           "ceasefire", "diplomacy", "protest"),
    bbox=(44.125, 38.5, 48.9875, 41.2), extent=(44.5, 38.6, 48.2, 41.1),
)


@pytest.mark.parametrize("preset", list(snapshot.PRESETS))
def test_text_blocks_stay_on_the_page_and_clear_of_the_map(frame, preset):
    fig = _render(frame, BUSY_VIEW, title="W" * 300, preset=preset, dpi=72,
                  link_base="http://analyst-workstation.local:8501/")
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    (ax,) = _by_gid(fig, "map")
    map_box = ax.get_window_extent(renderer)
    blocks = {gid: _by_gid(fig, gid)[0].get_window_extent(renderer)
              for gid in ("title", "subtitle", "credits", "generated", "reopen")}
    for gid, box in blocks.items():
        assert page.x0 <= box.x0 and box.x1 <= page.x1 + 1, gid
        assert page.y0 <= box.y0 and box.y1 <= page.y1 + 1, gid
        assert not box.overlaps(map_box), gid
    names = list(blocks)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not blocks[a].overlaps(blocks[b]), (a, b)
    for gid in ("legend-sides", "legend-types", "legend-precision"):
        (legend,) = _by_gid(fig, gid)
        box = legend.get_window_extent(renderer)
        assert not box.overlaps(blocks["reopen"]) and not box.overlaps(blocks["credits"]), gid


@pytest.mark.parametrize("preset", list(snapshot.PRESETS))
def test_the_whole_reopen_code_is_printed(frame, preset):
    fig = _render(frame, BUSY_VIEW, title="W" * 300, preset=preset, dpi=72)
    (text,) = _texts(fig, "reopen")
    code = text.replace("\n", "").split("Reopen this view: ", 1)[1]
    assert view_from_code(code) == BUSY_VIEW
