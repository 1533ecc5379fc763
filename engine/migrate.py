"""Bring a database's tables up to date with Alembic (``sif init`` and the tests call this).

Several nodes may start at once against one PostgreSQL database (``docker compose up`` with
two web and two scheduler containers): each calls ``migrate``, and a transaction-scoped
advisory lock makes them take turns, so the migrations run once and the others find nothing
left to do. On SQLite the write transaction itself (``BEGIN IMMEDIATE``) serialises them.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from engine.db import Database

MIGRATIONS = Path(__file__).parent / "migrations"
#: The advisory lock every migrating node takes (an arbitrary number, the same everywhere).
MIGRATION_LOCK = 0x51F0_0001


def _config(extra_versions: Sequence[Path]) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    folders = [MIGRATIONS / "versions", *extra_versions]
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join(str(f) for f in folders))
    return config


def migrate(db: Database, extra_versions: Sequence[Path] = ()) -> None:
    """Apply every pending migration; a no-op on an up-to-date database, and safe to call from
    several processes at once.

    ``extra_versions``: further Alembic version folders (the ``tasks`` package's tables), each a
    branch of its own that depends on the engine's revisions.
    """
    config = _config(extra_versions)
    with db.engine.begin() as conn:
        db.take_turns(conn, MIGRATION_LOCK)
        config.attributes["connection"] = conn
        command.upgrade(config, "heads")


@functools.cache
def _heads(extra_versions: tuple[Path, ...]) -> frozenset[str]:
    return frozenset(ScriptDirectory.from_config(_config(extra_versions)).get_heads())


def migration_heads(db: Database, extra_versions: Sequence[Path] = ()) -> tuple[set[str], set[str]]:
    """The revisions the database is at, and the ones the code expects (its heads, read from
    the migration files once per process)."""
    expected = set(_heads(tuple(extra_versions)))
    with db.engine.connect() as conn:
        applied = set(MigrationContext.configure(conn).get_current_heads())
    return applied, expected
