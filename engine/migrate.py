"""Bring a database's tables up to date with Alembic (``sif init`` and the tests call this)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from alembic import command
from alembic.config import Config

from engine.db import Database

MIGRATIONS = Path(__file__).parent / "migrations"


def migrate(db: Database, extra_versions: Sequence[Path] = ()) -> None:
    """Apply every pending migration; a no-op on an up-to-date database.

    ``extra_versions``: further Alembic version folders (the ``tasks`` package's tables), each a
    branch of its own that depends on the engine's revisions.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    folders = [MIGRATIONS / "versions", *extra_versions]
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join(str(f) for f in folders))
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "heads")
