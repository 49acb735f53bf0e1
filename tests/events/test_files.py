"""Files written whole: the old content or the new, never half, and no temporary left behind."""

from __future__ import annotations

import os

import pytest

from events.files import atomic_path, atomic_write_text, temp_pattern


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "events.geojson"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half of the ne")
        raise RuntimeError("crash before the swap")
    assert target.read_text() == "old"
    assert list(tmp_path.glob(temp_pattern(target))) == []


def test_the_new_content_replaces_the_old_whole(tmp_path):
    target = tmp_path / "a" / "b" / "out.txt"  # missing folders are made
    atomic_write_text(target, "first")
    atomic_write_text(target, "Ստեփանակերտ")
    assert target.read_text(encoding="utf-8") == "Ստեփանակերտ"
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.txt"]


def test_a_rewrite_keeps_the_mode_and_a_new_file_gets_the_umask_default(tmp_path):
    shared = tmp_path / "shared.txt"
    shared.write_text("x")
    shared.chmod(0o644)
    atomic_write_text(shared, "y")
    assert shared.stat().st_mode & 0o777 == 0o644
    mask = os.umask(0o027)
    try:
        fresh = tmp_path / "fresh.txt"
        atomic_write_text(fresh, "z")
        assert fresh.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(mask)


def test_the_temporary_keeps_the_suffix_and_may_start_as_a_copy(tmp_path):
    target = tmp_path / "store.gpkg"
    target.write_bytes(b"one")
    with atomic_path(target, start_from_copy=True) as tmp:
        assert tmp.suffix == ".gpkg" and tmp.parent == tmp_path
        assert tmp.read_bytes() == b"one"
        tmp.write_bytes(tmp.read_bytes() + b" two")
    assert target.read_bytes() == b"one two"
    with atomic_path(target) as tmp:
        assert not tmp.exists()  # GDAL creates a new file itself
        tmp.write_bytes(b"three")
    assert target.read_bytes() == b"three"
