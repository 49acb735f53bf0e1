"""Fixtures shared by the whole suite: a valid-event factory and the shared workspace."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from events.schema import Event

#: The workspace beside the repository: articles, docs and reference layers (read-only).
SHARED_DIR = Path(__file__).resolve().parents[1] / ".." / "shared"


@pytest.fixture
def shared_dir() -> Path:
    """``../shared`` relative to the repository root; tests that need it skip nothing."""
    return SHARED_DIR.resolve()


def _event(**overrides) -> Event:
    values = {
        "event_id": "evt-0001",
        "article_id": "art-001",
        "event_type": "shelling",
        "reporting_side": "armenian",
        "event_date": dt.date(2020, 10, 4),
        "date_precision": "day",
        "claimant": "Armenian Defence Ministry",
        "location_name": "Stepanakert",
        "place": "Stepanakert",
        "geo_precision": "settlement",
        "lon": 46.7519,
        "lat": 39.8153,
        "fatalities": 2,
        "char_start": 10,
        "char_end": 80,
        "confidence": 0.8,
        "notes": "Shelling of the town reported by the ministry.",
    }
    values.update(overrides)
    return Event(**values)


@pytest.fixture
def make_event():
    """Factory of valid events: ``make_event(event_id="x", lon=None, lat=None)``."""
    return _event


# -- a real PostgreSQL + PostGIS for the database store ----------------------------------


class PostGISServer:
    """A throwaway PostgreSQL cluster on a loopback port, with a PostGIS template database.

    Started once per session from the Debian ``postgresql``/``postgis`` packages
    (as the ``postgres`` user when the tests run as root, since the server
    refuses root). The password is real, so tests can check it never leaks.
    """

    USER, PASSWORD = "kcm", "s3cret-Pa55"

    def __init__(self, root: Path) -> None:
        import shutil
        import socket

        bindirs = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                         key=lambda p: int(p.parts[-3]))
        if not bindirs:
            pytest.fail("PostgreSQL is not installed: apt-get install postgresql postgis")
        self.bin = bindirs[-1].parent
        self.root = root
        self.data = root / "data"
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        (root / "pw").write_text(self.PASSWORD)
        self._as_owner = []
        if os.geteuid() == 0:
            shutil.chown(root, "postgres", "postgres")
            shutil.chown(root / "pw", "postgres", "postgres")
            self._as_owner = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", str(self.data), "-U", self.USER, "--pwfile", str(root / "pw"),
                  "--auth-host=scram-sha-256", "--auth-local=trust", "--no-sync",
                  "-E", "UTF8", "--locale=C")
        options = (f"-p {self.port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(root / "log"), "-w", "-t", "60",
                  "-o", options, "start")
        self._count = 0
        self._admin("CREATE DATABASE kcm_template")
        import psycopg

        with psycopg.connect(self.url("kcm_template"), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION postgis")

    def _run(self, tool: str, *args: str) -> None:
        import subprocess

        proc = subprocess.run([*self._as_owner, str(self.bin / tool), *args],
                              capture_output=True, text=True, cwd=self.root)
        if proc.returncode:
            log = self.root / "log"
            pytest.fail(f"{tool} failed: {proc.stderr}\n{log.read_text() if log.exists() else ''}")

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(statement)

    def url(self, dbname: str) -> str:
        return f"postgresql://{self.USER}:{self.PASSWORD}@127.0.0.1:{self.port}/{dbname}"

    def new_database(self, *, postgis: bool = True) -> str:
        """A fresh empty database (with the PostGIS extension unless told otherwise)."""
        self._count += 1
        name = f"kcm_test_{self._count}"
        template = "kcm_template" if postgis else "template1"
        self._admin(f"CREATE DATABASE {name} TEMPLATE {template}")
        return self.url(name)

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")


@pytest.fixture(scope="session")
def postgis_server():
    """The session's PostgreSQL + PostGIS server; stopped and deleted at the end."""
    import shutil
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="kcm-pg-"))
    server = None
    try:
        server = PostGISServer(root)
        yield server
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(root, ignore_errors=True)
