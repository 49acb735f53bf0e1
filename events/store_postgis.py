"""The event store in PostgreSQL/PostGIS, for a team sharing one store.

Same interface and behaviour as the file stores in :mod:`events.store`, chosen
by a ``postgresql://`` address. Events are rows of a table ``events`` with a
PostGIS point (EPSG:4326); filters run in the database on indexes: a GiST
index on the point for bounding boxes, a GiST index on the date span
(``daterange(date_start, date_end)``) for date ranges, and b-tree indexes on
side and type. Every append is one transaction (rows are streamed with COPY
into a temporary table and moved across with ``ON CONFLICT DO NOTHING``), so a
dropped connection or a crash leaves no partial batch, and two writers adding
the same event store it once.

The layout is created and upgraded by numbered migrations recorded in
``kcm_schema_migrations``; a database migrated by a newer release is refused.
Reviewers' corrections (:mod:`events.corrections`) live in an append-only
table ``corrections`` (the audit trail: who, when, old and new value, kind)
beside a table ``correction_heads`` holding each corrected event's revision;
both are written in one transaction, with the event's head row locked
(``SELECT ... FOR UPDATE``) while the caller's "based on" revision is checked,
so two reviewers of the same event are serialised and the second one is told.
Addresses shown to the user never carry the password. The password may be
left out of the address altogether: libpq then reads ``PGPASSWORD`` or
``~/.pgpass``, which keeps it out of shell history and process lists.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import pandas as pd
import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from events.schema import EVENT_TYPES, SIDES, Event, date_span
from events.store import (
    AppendResult,
    Query,
    StoreCorrupt,
    StoreError,
    StoreNotFound,
    StoreReadOnly,
    StoreTooNew,
    StoreUnavailable,
    coerce_events,
    events_of_frame,
    split_new,
)
from events.table import normalise_frame

TABLE = "events"
MIGRATIONS_TABLE = "kcm_schema_migrations"
#: Reviewers' corrections, one row per changed field, never updated or deleted.
CORRECTIONS_TABLE = "corrections"
#: Each corrected event's revision (its number of stored corrections) and last author.
HEADS_TABLE = "correction_heads"
CONNECT_TIMEOUT_S = 5
#: Batches at least this big refresh the planner's statistics when committed.
ANALYZE_AFTER = 10_000

_TEXT = ("event_id", "article_id", "event_type", "reporting_side", "date_precision",
         "claimant", "location_name", "place", "geo_precision", "evidence", "notes",
         "confidence_reason", "article_title", "outlet", "url", "region", "cluster_id")
_DATES = ("event_date", "published", "date_start", "date_end")
#: Stored columns in the order they are copied; the point is built from lon/lat.
_COLUMNS: tuple[str, ...] = (
    "event_id", "article_id", "event_type", "reporting_side", "event_date", "date_precision",
    "claimant", "location_name", "place", "geo_precision", "fatalities", "evidence",
    "char_start", "char_end", "confidence", "notes", "confidence_reason", "article_title",
    "outlet", "url", "published", "region", "n_articles", "reported_by", "cluster_id",
    "date_start", "date_end",
)


def _vocabulary(values: Sequence[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


#: (version, description, SQL). Append new ones; never edit one that has shipped.
MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (1, "events table with point, span, side and type indexes", f"""
        CREATE EXTENSION IF NOT EXISTS postgis;
        CREATE TABLE {TABLE} (
            seq               bigint GENERATED ALWAYS AS IDENTITY,
            event_id          text PRIMARY KEY,
            article_id        text NOT NULL,
            event_type        text NOT NULL CHECK (event_type IN ({_vocabulary(EVENT_TYPES)})),
            reporting_side    text NOT NULL CHECK (reporting_side IN ({_vocabulary(SIDES)})),
            event_date        date,
            date_precision    text,
            claimant          text NOT NULL DEFAULT '',
            location_name     text NOT NULL DEFAULT '',
            place             text NOT NULL DEFAULT '',
            geo_precision     text,
            fatalities        integer,
            evidence          text NOT NULL DEFAULT '',
            char_start        integer,
            char_end          integer,
            confidence        double precision NOT NULL,
            notes             text NOT NULL DEFAULT '',
            confidence_reason text NOT NULL DEFAULT '',
            article_title     text NOT NULL DEFAULT '',
            outlet            text NOT NULL DEFAULT '',
            url               text NOT NULL DEFAULT '',
            published         date,
            region            text NOT NULL DEFAULT '',
            n_articles        integer NOT NULL DEFAULT 1,
            reported_by       text[] NOT NULL DEFAULT '{{}}',
            cluster_id        text NOT NULL DEFAULT '',
            date_start        date,
            date_end          date,
            geom              geometry(Point, 4326)
        );
        CREATE INDEX {TABLE}_seq_idx ON {TABLE} (seq);
        CREATE INDEX {TABLE}_geom_idx ON {TABLE} USING gist (geom);
        CREATE INDEX {TABLE}_span_idx ON {TABLE}
            USING gist (daterange(date_start, date_end, '[]')) WHERE date_start IS NOT NULL;
        CREATE INDEX {TABLE}_side_idx ON {TABLE} (reporting_side);
        CREATE INDEX {TABLE}_type_idx ON {TABLE} (event_type);
    """),
    (2, "reviewers' corrections (audit trail) and per-event correction revisions", f"""
        CREATE TABLE {CORRECTIONS_TABLE} (
            id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            event_id    text NOT NULL,
            revision    integer NOT NULL CHECK (revision > 0),
            field       text NOT NULL,
            old_value   json,
            new_value   json,
            author      text NOT NULL,
            "timestamp" text NOT NULL,
            kind        text NOT NULL CHECK (kind IN ('wrong', 'fix', 'merge')),
            recorded_at timestamptz NOT NULL DEFAULT now(),
            recorded_by text NOT NULL DEFAULT session_user,
            UNIQUE (event_id, revision)
        );
        CREATE TABLE {HEADS_TABLE} (
            event_id    text PRIMARY KEY,
            revision    integer NOT NULL DEFAULT 0 CHECK (revision >= 0),
            author      text,
            "timestamp" text
        );
    """),
)
LATEST_VERSION = MIGRATIONS[-1][0]


def redact(url: str) -> str:
    """The address without its password (and without other connection secrets)."""
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://<unreadable address>"
    user = params.get("user")
    host = params.get("host") or "localhost"
    port = params.get("port")
    dbname = params.get("dbname") or ""
    return (f"postgresql://{user + '@' if user else ''}{host}"
            f"{':' + str(port) if port else ''}/{dbname}")


class _Kept:
    """The connection a store keeps, and the process that opened it."""

    __slots__ = ("conn", "pid")

    def __init__(self) -> None:
        self.conn: psycopg.Connection | None = None
        self.pid = os.getpid()


def _close_kept(kept: _Kept) -> None:
    if kept.conn is not None and kept.pid == os.getpid():
        kept.conn.close()
    kept.conn = None


class PostGISStore:
    """Events in a PostGIS database, with the interface of the file stores."""

    path = None

    def __init__(self, url: str, *, create: bool = False, read_only: bool = False) -> None:
        self._url = url
        self._lock = threading.RLock()
        # The kept connection lives in a holder the finalizer also references, so
        # it is closed by the finalizer when the store goes, never collected open.
        self._kept = _Kept()
        weakref.finalize(self, _close_kept, self._kept)
        self.location = redact(url)
        self.read_only = read_only
        try:
            self._password = str(conninfo_to_dict(url).get("password") or "")
        except psycopg.ProgrammingError:
            raise StoreError(f"{self.location}: not a valid postgresql:// address") from None
        try:
            self._open(create=create)
        except psycopg.Error as exc:
            raise self._database_error(exc) from None
        self.schema_version = LATEST_VERSION

    def _open(self, *, create: bool) -> None:
        """Check the store's version and migrate it; refuse what cannot be used."""
        read_only = self.read_only
        with self._connect() as conn:
            version = self._installed_version(conn)
            if version is None and (not create or read_only):
                raise StoreNotFound(
                    f"{self.location}: this database holds no event store; open it with "
                    "create=True to set one up there"
                )
            version = version or 0
            if version > LATEST_VERSION:
                raise StoreTooNew(
                    f"{self.location}: the event store was migrated to version {version} by a "
                    f"newer release (this one knows {LATEST_VERSION}); upgrade Karabakh "
                    "Conflict Map to use it. Nothing was changed"
                )
            if version < LATEST_VERSION:
                if read_only:
                    raise StoreError(
                        f"{self.location}: the event store needs upgrading to version "
                        f"{LATEST_VERSION}; open it once without read-only to migrate it"
                    )
                self._migrate(conn)
            if not self._has_table(conn, TABLE):
                raise StoreCorrupt(
                    f"{self.location}: migrations are recorded but the '{TABLE}' table is "
                    "missing; restore the database from a backup"
                )

    # ---- connections
    @contextlib.contextmanager
    def _session(self) -> Iterator[psycopg.Connection]:
        """One transaction on the store's connection, opened on first use and kept.

        Connecting (with password hashing) costs more than a small query, so
        the page's queries reuse one connection; a broken one is dropped and
        the next call connects again. A forked child never touches its
        parent's connection.
        """
        kept = self._kept
        with self._lock:
            conn = kept.conn
            if conn is not None and (conn.closed or conn.broken or kept.pid != os.getpid()):
                if kept.pid == os.getpid():
                    conn.close()
                conn = kept.conn = None
            if conn is None:
                conn = kept.conn = self._connect(autocommit=True)
                kept.pid = os.getpid()
            try:
                with conn.transaction():
                    yield conn
            except psycopg.OperationalError:
                conn.close()
                kept.conn = None
                raise

    def close(self) -> None:
        """Close the kept connection (a later call opens a new one)."""
        with self._lock:
            _close_kept(self._kept)

    def __enter__(self) -> PostGISStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _connect(self, *, autocommit: bool = False) -> psycopg.Connection:
        try:
            conn = psycopg.connect(self._url, connect_timeout=CONNECT_TIMEOUT_S,
                                   autocommit=autocommit,
                                   application_name="karabakh-conflict-map")
        except psycopg.OperationalError as exc:
            reason = self._scrub(" ".join(line.strip() for line in str(exc).splitlines()
                                          if line.strip()))
            if "does not exist" in reason and "database" in reason:
                raise StoreNotFound(
                    f"{self.location}: {reason}; create the database (createdb) first"
                ) from None
            raise StoreUnavailable(
                f"{self.location}: cannot connect to the PostGIS server ({reason}). Check the "
                "address and that the server is running; no other store is used instead"
            ) from None
        except psycopg.ProgrammingError:
            raise StoreError(f"{self.location}: not a valid postgresql:// address") from None
        if self.read_only:
            conn.read_only = True
        return conn

    def _scrub(self, text: str) -> str:
        if self._password:
            text = text.replace(self._password, "***")
        return text.replace(self._url, self.location)

    def _database_error(self, exc: psycopg.Error) -> StoreError:
        if isinstance(exc, psycopg.OperationalError):
            return StoreUnavailable(
                f"{self.location}: the connection to the PostGIS server failed "
                f"({self._scrub(' '.join(str(exc).split()))}); nothing was changed"
            )
        return StoreError(f"{self.location}: database error ({self._scrub(str(exc).strip())})")

    # ---- migrations
    @staticmethod
    def _has_table(conn: psycopg.Connection, name: str) -> bool:
        row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()
        return bool(row and row[0])

    def _installed_version(self, conn: psycopg.Connection) -> int | None:
        if not self._has_table(conn, MIGRATIONS_TABLE):
            if self._has_table(conn, TABLE):
                raise StoreCorrupt(
                    f"{self.location}: has a '{TABLE}' table that this project did not create "
                    "(no migration record); use another database"
                )
            return None
        row = conn.execute(
            sql.SQL("SELECT max(version) FROM {}").format(sql.Identifier(MIGRATIONS_TABLE))
        ).fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def _migrate(self, conn: psycopg.Connection) -> None:
        """Apply the pending migrations, one transaction each, one migrator at a time."""
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (MIGRATIONS_TABLE,))
            conn.execute(sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} (version integer PRIMARY KEY, "
                "description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
            ).format(sql.Identifier(MIGRATIONS_TABLE)))
            done = {r[0] for r in conn.execute(
                sql.SQL("SELECT version FROM {}").format(sql.Identifier(MIGRATIONS_TABLE)))}
            for version, description, statements in MIGRATIONS:
                if version in done:
                    continue
                try:
                    conn.execute(statements)
                except psycopg.errors.InsufficientPrivilege as exc:
                    raise StoreError(
                        f"{self.location}: this user may not set up the event store "
                        f"({self._scrub(str(exc).strip())}); ask the database administrator "
                        "to run CREATE EXTENSION postgis and grant CREATE on the database"
                    ) from None
                except psycopg.errors.FeatureNotSupported as exc:
                    raise StoreError(
                        f"{self.location}: PostGIS is not available on this server "
                        f"({self._scrub(str(exc).strip())}); install it (Debian: postgis)"
                    ) from None
                except psycopg.errors.UndefinedFile as exc:
                    raise StoreError(
                        f"{self.location}: PostGIS is not installed on this server "
                        f"({self._scrub(str(exc).strip())}); install it (Debian: postgis)"
                    ) from None
                conn.execute(
                    sql.SQL("INSERT INTO {} (version, description) VALUES (%s, %s)").format(
                        sql.Identifier(MIGRATIONS_TABLE)),
                    (version, description),
                )

    # ---- reading
    def read_frame(
        self,
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
        sides: Sequence[str] = (),
        types: Sequence[str] = (),
        bbox: tuple[float, float, float, float] | None = None,
        include_undated: bool = False,
    ) -> pd.DataFrame:
        """The events a query keeps, as an ``events.table`` frame (filtered in SQL)."""
        query = Query.make(start=start, end=end, sides=sides, types=types, bbox=bbox,
                           include_undated=include_undated)
        statement, params = select_statement(query)
        # Rows come as CSV through COPY and are parsed by pandas' C reader: at a
        # million rows that is several times faster than Python row tuples. An
        # empty field reads as missing, which the table form shows as "" for
        # text, as the stores agree it should.
        buffer = io.BytesIO()
        try:
            with self._session() as conn, conn.cursor() as cur:
                cur.execute("SET LOCAL client_encoding TO 'UTF8'")
                copy_sql = sql.SQL("COPY ({}) TO STDOUT WITH (FORMAT csv, HEADER true)")
                with cur.copy(copy_sql.format(statement), params) as copy:
                    for block in copy:
                        buffer.write(block)
        except psycopg.Error as exc:
            raise self._database_error(exc) from None
        buffer.seek(0)
        exact = {} if int(pd.__version__.split(".")[0]) >= 3 else {
            "float_precision": "round_trip"}  # pandas 3 parses floats exactly by default
        frame = pd.read_csv(buffer, encoding="utf-8", keep_default_na=False, na_values=[""],
                            dtype={name: object for name in _TEXT + ("reported_by",)}, **exact)
        return normalise_frame(frame)

    def events(self, **filters: Any) -> list[Event]:
        return events_of_frame(self.read_frame(**filters), self.location)

    def count(self) -> int:
        try:
            with self._session() as conn:
                row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(
                    sql.Identifier(TABLE))).fetchone()
        except psycopg.Error as exc:
            raise self._database_error(exc) from None
        return int(row[0]) if row else 0

    def explain(self, **filters: Any) -> str:
        """The server's plan for a query, to check that it uses the indexes."""
        statement, params = select_statement(Query.make(**filters))
        with self._session() as conn:
            rows = conn.execute(sql.SQL("EXPLAIN ANALYZE ") + statement, params).fetchall()
        return "\n".join(r[0] for r in rows)

    # ---- writing
    def append(self, events: Iterable[Event | Mapping[str, Any]]) -> AppendResult:
        """Add events whose id is not yet stored, in one transaction: all or nothing."""
        if self.read_only:
            raise StoreReadOnly(
                f"{self.location}: opened read-only; open it without read-only to add events"
            )
        valid, errors = coerce_events(events)
        fresh, duplicates = split_new(valid, set())
        if not fresh:
            return AppendResult(0, duplicates, errors)
        incoming = sql.Identifier("kcm_incoming")
        columns = sql.SQL(", ").join(sql.Identifier(c) for c in _COLUMNS)
        try:
            with self._session() as conn, conn.cursor() as cur:
                cur.execute(sql.SQL(
                    "CREATE TEMP TABLE {incoming} ON COMMIT DROP AS "
                    "SELECT 0::bigint AS ord, 0::float8 AS lon, 0::float8 AS lat, {columns} "
                    "FROM {table} WITH NO DATA"
                ).format(incoming=incoming, columns=columns, table=sql.Identifier(TABLE)))
                with cur.copy(sql.SQL("COPY {} (ord, lon, lat, {}) FROM STDIN").format(
                        incoming, columns)) as copy:
                    _copy_rows(copy, fresh)
                cur.execute(sql.SQL(
                    "INSERT INTO {table} ({columns}, geom) "
                    "SELECT {columns}, CASE WHEN lon IS NULL THEN NULL "
                    "ELSE ST_SetSRID(ST_MakePoint(lon, lat), 4326) END "
                    "FROM {incoming} ORDER BY ord ON CONFLICT (event_id) DO NOTHING"
                ).format(table=sql.Identifier(TABLE), columns=columns, incoming=incoming))
                added = cur.rowcount
            if added >= ANALYZE_AFTER:
                # Fresh statistics right away, so the planner picks the indexes for
                # the next query rather than after autovacuum's next round.
                with self._session() as conn:
                    conn.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(TABLE)))
        except psycopg.Error as exc:
            raise self._database_error(exc) from None
        except OSError as exc:
            raise StoreError(f"{self.location}: the batch could not be sent "
                             f"({exc.strerror or exc}); nothing was changed") from None
        return AppendResult(added, duplicates + len(fresh) - added, errors)

    # ---- corrections (read and written through events.corrections.corrections_of)
    def correction_rows(self) -> list[tuple[Any, ...]]:
        """Every stored correction in the order written, as rows of
        ``(event_id, field, old JSON text, new JSON text, author, timestamp, kind)``.

        Values travel as the JSON text they were stored as, so numbers come
        back exactly as the reviewer gave them.
        """
        try:
            with self._session() as conn:
                return conn.execute(_CORRECTION_SELECT + sql.SQL(" ORDER BY id")).fetchall()
        except psycopg.Error as exc:
            raise self._database_error(exc) from None

    def correction_revisions(self) -> dict[str, int]:
        """Each corrected event's revision: how many corrections it has (absent: none)."""
        try:
            with self._session() as conn:
                rows = conn.execute(sql.SQL(
                    "SELECT event_id, revision FROM {} WHERE revision > 0"
                ).format(sql.Identifier(HEADS_TABLE))).fetchall()
        except psycopg.Error as exc:
            raise self._database_error(exc) from None
        return {event_id: int(revision) for event_id, revision in rows}

    def write_corrections(
        self,
        rows: Sequence[tuple[Any, ...]],
        check: Callable[[Mapping[str, int], Callable[[str, int], list[tuple[Any, ...]]]], None]
        | None = None,
    ) -> None:
        """Store correction rows (as :meth:`correction_rows` gives them) in one transaction.

        The head rows of the events concerned are created if new and locked
        (in event-id order, so two writers never deadlock); a concurrent
        writer of the same event waits here until this one commits, then sees
        its revision. ``check(revisions, newer)`` runs with the locks held:
        ``revisions`` maps each event of the batch to its current revision,
        ``newer(event_id, revision)`` gives that event's rows stored after
        ``revision``; whatever it raises rolls the whole batch back.
        """
        if self.read_only:
            raise StoreReadOnly(f"{self.location}: opened read-only; open it without "
                                "read-only to store corrections")
        if not rows:
            return
        ids = sorted({str(r[0]) for r in rows})
        heads = sql.Identifier(HEADS_TABLE)
        try:
            with self._session() as conn, conn.cursor() as cur:
                # Row locks are the whole protocol: read-committed makes the
                # statement after a wait see the other writer's committed head.
                cur.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                cur.execute(sql.SQL(
                    "INSERT INTO {} (event_id) SELECT id FROM unnest(%s::text[]) AS t(id) "
                    "ORDER BY id ON CONFLICT (event_id) DO NOTHING").format(heads), (ids,))
                cur.execute(sql.SQL(
                    "SELECT event_id, revision FROM {} WHERE event_id = ANY(%s) "
                    "ORDER BY event_id FOR UPDATE").format(heads), (ids,))
                revisions = {event_id: int(rev) for event_id, rev in cur.fetchall()}

                def newer(event_id: str, revision: int) -> list[tuple[Any, ...]]:
                    return cur.execute(
                        _CORRECTION_SELECT
                        + sql.SQL(" WHERE event_id = %s AND revision > %s ORDER BY revision"),
                        (event_id, revision)).fetchall()

                if check is not None:
                    check(dict(revisions), newer)
                numbered = []
                last: dict[str, tuple[int, str, str]] = {}
                for event_id, name, old, new, author, stamp, kind in rows:
                    revisions[event_id] += 1
                    numbered.append((event_id, revisions[event_id], name, old, new, author,
                                     stamp, kind))
                    last[event_id] = (revisions[event_id], author, stamp)
                cur.executemany(sql.SQL(
                    "INSERT INTO {} (event_id, revision, field, old_value, new_value, author, "
                    '"timestamp", kind) VALUES (%s, %s, %s, %s::json, %s::json, %s, %s, %s)'
                ).format(sql.Identifier(CORRECTIONS_TABLE)), numbered)
                cur.executemany(sql.SQL(
                    'UPDATE {} SET revision = %s, author = %s, "timestamp" = %s '
                    "WHERE event_id = %s").format(heads),
                    [(rev, author, stamp, event_id)
                     for event_id, (rev, author, stamp) in sorted(last.items())])
        except psycopg.Error as exc:
            raise self._database_error(exc) from None

    def __repr__(self) -> str:
        return f"PostGISStore({self.location!r})"


_CORRECTION_SELECT = sql.SQL(
    "SELECT event_id, field, old_value::text, new_value::text, author, \"timestamp\", kind "
    "FROM {}").format(sql.Identifier(CORRECTIONS_TABLE))


def _copy_rows(copy: psycopg.Copy, events: Sequence[Event]) -> None:
    """Stream the batch into the COPY, one row per event, in order."""
    for ord_, ev in enumerate(events):
        start = end = None
        if ev.event_date is not None:
            start, end = date_span(ev.event_date, ev.date_precision)
        row = [ord_, ev.lon, ev.lat]
        for name in _COLUMNS:
            if name == "reported_by":
                row.append(list(ev.reported_by))
            elif name == "date_start":
                row.append(start)
            elif name == "date_end":
                row.append(end)
            else:
                row.append(getattr(ev, name))
        copy.write_row(row)


def select_statement(query: Query) -> tuple[sql.Composed, list[Any]]:
    """The SELECT for a query: filters as parameters, so the indexes can serve them."""
    where: list[sql.Composable] = []
    params: list[Any] = []
    if query.start is not None or query.end is not None:
        dated = sql.SQL(
            "(date_start IS NOT NULL AND daterange(date_start, date_end, '[]') "
            "&& daterange(%s::date, %s::date, '[]'))"
        )
        params += [query.start, query.end]
        if query.include_undated:
            dated = sql.SQL("({} OR date_start IS NULL)").format(dated)
        where.append(dated)
    if query.sides:
        where.append(sql.SQL("reporting_side = ANY(%s)"))
        params.append(list(query.sides))
    if query.types:
        where.append(sql.SQL("event_type = ANY(%s)"))
        params.append(list(query.types))
    if query.bbox is not None:
        where.append(sql.SQL("geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326)"))
        params += list(query.bbox)
    fields = []
    for name in _COLUMNS:
        if name == "reported_by":
            fields.append(sql.SQL("array_to_string(reported_by, ',') AS reported_by"))
        elif name in _DATES:
            # ISO text: pandas parses a column of it far faster than date objects.
            fields.append(sql.SQL("{0}::text AS {0}").format(sql.Identifier(name)))
        else:
            fields.append(sql.Identifier(name))
    fields += [sql.SQL("ST_X(geom) AS lon"), sql.SQL("ST_Y(geom) AS lat")]
    statement = sql.SQL("SELECT {} FROM {}").format(
        sql.SQL(", ").join(fields), sql.Identifier(TABLE))
    if where:
        statement += sql.SQL(" WHERE ") + sql.SQL(" AND ").join(where)
    statement += sql.SQL(" ORDER BY seq")
    return statement, params
