"""Where Sif gets the time. Every timestamp Sif writes and every timer it fires uses a ``Clock``.

``RealClock`` is the machine's clock. ``VirtualClock`` keeps the time in the database (table
``clock_state``), so every process sharing the database sees the same time; simulations and
tests move it forward with ``set_virtual_time``. ``SIF_CLOCK=virtual`` selects it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import Connection, insert, select, update

from engine.db import Database
from engine.errors import Conflict
from engine.schema import clock_state


class Clock(Protocol):
    def now(self, conn: Connection | None = None) -> datetime:
        """The current time, timezone-aware, UTC; ``conn``: an open transaction to read it in."""
        ...


class RealClock:
    """The machine's clock."""

    def now(self, conn: Connection | None = None) -> datetime:
        return datetime.now(UTC)


class VirtualClock:
    """Time as stored in the database; it only moves when someone sets it."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def now(self, conn: Connection | None = None) -> datetime:
        if conn is not None:
            found = conn.execute(_NOW).scalar()
        else:
            with self.db.reading() as own:
                found = own.execute(_NOW).scalar()
        return as_utc(found) if found is not None else datetime.now(UTC)


_NOW = select(clock_state.c.virtual_now)


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; Sif stores UTC, so attach it."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def set_virtual_time(db: Database, when: datetime, allow_backwards: bool = False) -> datetime:
    """Move the virtual clock to ``when``; going back in time is refused unless asked for."""
    when = when.astimezone(UTC)
    with db.transaction() as conn:
        current = conn.execute(select(clock_state.c.virtual_now).with_for_update()).scalar()
        if current is None:
            conn.execute(insert(clock_state).values(id=1, virtual_now=when))
            return when
        if as_utc(current) > when and not allow_backwards:
            raise Conflict(
                f"Klockan står redan på {as_utc(current).isoformat()}; den går inte bakåt."
            )
        conn.execute(update(clock_state).values(virtual_now=when))
        return when


def clock_for(name: str, db: Database) -> Clock:
    if name == "virtual":
        return VirtualClock(db)
    if name == "real":
        return RealClock()
    raise ValueError(f"SIF_CLOCK måste vara 'real' eller 'virtual', inte {name!r}.")
