"""The database: one SQLAlchemy engine; write transactions serialize, reads do not.

SQLite: every write transaction starts with ``BEGIN IMMEDIATE`` so two writers never interleave;
reads use a deferred ``BEGIN`` and never block writers (WAL). PostgreSQL: writers lock the rows
they change with ``SELECT … FOR UPDATE``; the engine code asks for that lock explicitly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, CursorResult, Engine, create_engine, event, text
from sqlalchemy.engine import make_url

_READ_ONLY = "sif_read_only"


class Database:
    """Owns the connection pool; hands out transactions. Cheap to share between threads."""

    def __init__(self, url: str) -> None:
        self.url = url
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        if self.is_sqlite:
            self.engine = _sqlite_engine(url, parsed.database)
        else:
            # No pre-ping: it costs a round trip per transaction; a dropped connection fails one
            # request, which the caller sees as an error and may retry.
            self.engine = create_engine(url, pool_size=10, max_overflow=20)

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A write transaction: commits on success, rolls back on any exception."""
        with self.engine.begin() as conn:
            yield conn

    def take_turns(self, conn: Connection, key: int) -> None:
        """Inside a write transaction: wait until no other transaction holding ``key`` is open
        (a PostgreSQL advisory lock, released at commit). SQLite's write transactions already
        take turns (``BEGIN IMMEDIATE``). For work every node may start at once: migrating,
        deploying."""
        if self.is_postgres:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read transaction that takes no write lock."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(**{_READ_ONLY: True})
            with conn.begin():
                yield conn

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below decide how a transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        read_only = conn.get_execution_options().get(_READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def inserted_id(result: CursorResult[Any]) -> int:
    """The primary key of the row an INSERT just wrote."""
    key = result.inserted_primary_key
    assert key is not None, "inserted_id needs a single-row INSERT"
    return int(key[0])
