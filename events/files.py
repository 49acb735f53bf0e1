"""Writing a file whole: readers see the old file or the new one, never half of either.

Every writer of the project (stores, corrections, exports, copied assets) goes
through :func:`atomic_path`: the new content is built in a temporary file
beside the target, flushed to disk, given the target's permissions and
renamed over it. A crash, a full disk or a bad record before the rename leaves
the target exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


def target_file_mode(path: Path) -> int:
    """Permissions for a file about to replace ``path``.

    Temporary files are created private (0600); swapped in as they are, a
    rewrite would silently hide the file from the other users who could read
    it. Keep the old file's mode, or give a new file the usual umask default.
    """
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def temp_pattern(path: Path) -> str:
    """Glob of the temporary files :func:`atomic_path` makes for ``path``."""
    return f".{path.name}.*.tmp{path.suffix}"


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], *, start_from_copy: bool = False
                ) -> Iterator[Path]:
    """A temporary path beside ``path`` to write the new file to; swapped in on success.

    The temporary name keeps the target's suffix (GDAL and SQLite go by it).
    It does not exist yet, unless ``start_from_copy``: then it starts as a copy
    of ``path``, for writers that change a file in place (a GeoPackage append).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                suffix=f".tmp{path.suffix}")
    os.close(fd)
    tmp = Path(name)
    try:
        if start_from_copy:
            shutil.copyfile(path, tmp)
        else:
            tmp.unlink()
        yield tmp
        os.chmod(tmp, target_file_mode(path))
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))
