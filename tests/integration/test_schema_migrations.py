"""The tables the migrations build are the tables ``engine.schema`` describes: a column or an
index added to one and not the other is caught here, on SQLite and on PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine import Runtime
from engine.schema import metadata


def _engines_own(name: str | None, kind: str, parents: Any) -> bool:
    """The engine's tables only: the fund's (tasks/) have their own schema and migrations."""
    return kind != "table" or name in metadata.tables


@pytest.mark.filterwarnings("ignore:.*expression-based index:UserWarning")
@pytest.mark.filterwarnings("ignore:.*expression-based index:sqlalchemy.exc.SAWarning")
def test_the_migrated_database_matches_the_schema(rt: Runtime) -> None:
    database = sa.create_engine(rt.db.url)
    try:
        with database.connect() as conn:
            context = MigrationContext.configure(conn, opts={"include_name": _engines_own})
            differences = compare_metadata(context, metadata)
    finally:
        database.dispose()
    assert differences == []
