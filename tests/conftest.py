"""Shared fixtures: a runtime on SQLite and on a real PostgreSQL server (started here)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

import tasks
from engine import Database, Runtime, ServiceCall, Settings, migrate
from tasks.store import MIGRATIONS as TASK_MIGRATIONS
from tests.pgserver import PgServer

DATA = Path(__file__).parent / "data"
_counter = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    server = PgServer()
    server.start()
    admin = create_engine(server.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE sif_template"))
    admin.dispose()
    template = Database(server.url("sif_template"))
    migrate(template, [TASK_MIGRATIONS])
    template.dispose()
    yield server
    server.stop()


def _pg_database(server: PgServer) -> str:
    name = f"sif_test_{next(_counter)}"
    admin = create_engine(server.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE sif_template"))
    admin.dispose()
    return server.url(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/sif.db"
        db = Database(url)
        migrate(db, [TASK_MIGRATIONS])
        db.dispose()
        return url
    server: PgServer = request.getfixturevalue("pg_server")
    return _pg_database(server)


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    return _pg_database(pg_server)


def make_runtime(url: str, clock: str = "real") -> Runtime:
    rt = tasks.install(Runtime.open(Settings(database_url=url, clock=clock)))
    rt.services.register("test.echo", _echo)
    return rt


def _echo(call: ServiceCall) -> object:
    value = call.params.get("value")
    if isinstance(value, float) and value < 0:
        raise ValueError("negativt belopp")
    return value


@pytest.fixture
def rt(db_url: str) -> Iterator[Runtime]:
    runtime = make_runtime(db_url)
    yield runtime
    runtime.close()


def read_scenario(name: str) -> dict[str, bytes]:
    folder = DATA / name
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def load_json(path: Path) -> object:
    return json.loads(path.read_text())
