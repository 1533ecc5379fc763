"""What an operator watches: whether the database answers and its tables are current, how late
the oldest due timer is, and when each scheduler last swept (``/readyz``, ``sif doctor``).

Timer lag is the figure to alert on: how long the oldest timer that is due (by the engine's
clock) has been waiting to fire. A healthy installation keeps it within a sweep interval; a
stopped scheduler makes it grow without bound.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from engine.clock import as_utc
from engine.migrate import migration_heads
from engine.runtime import Runtime
from engine.schema import scheduler_beats
from engine.timers import next_due

FORGET_AFTER_DAYS = 7  # a scheduler silent this long is gone: its beat is dropped


@dataclass(frozen=True)
class Beat:
    """One scheduler process: since when it runs, when it last swept, what it fired."""

    owner: str
    started_at: datetime
    beat_at: datetime
    fired: int
    failed: int


@dataclass(frozen=True)
class Readiness:
    """Whether this node can serve: the database answers and its migrations are all applied.
    ``problems`` say in Swedish what is not so (empty when ready)."""

    database: bool
    migrations_current: bool
    pending: tuple[str, ...]
    problems: tuple[str, ...]

    @property
    def ready(self) -> bool:
        return not self.problems


def readiness(rt: Runtime, extra_versions: Sequence[Path] = ()) -> Readiness:
    """Ask the database (one ``SELECT 1``) and compare its migration heads with the code's."""
    try:
        with rt.db.reading() as conn:
            conn.execute(select(1)).scalar()
        applied, expected = migration_heads(rt.db, extra_versions)
    except SQLAlchemyError as exc:
        said = f"Databasen svarar inte: {type(exc).__name__}."
        return Readiness(False, False, (), (said,))
    pending = tuple(sorted(expected - applied))
    if not pending:
        return Readiness(True, True, (), ())
    said = f"Databasen saknar migreringar: {', '.join(pending)}. Kör sif init."
    return Readiness(True, False, pending, (said,))


def timer_lag(rt: Runtime) -> float:
    """Seconds the oldest due, unfired timer of a live case has waited (0 when none is due):
    the earliest waiting timer is that one whenever it is due."""
    with rt.db.reading() as conn:
        now = rt.clock.now(conn)
        earliest = next_due(conn)
    return max(0.0, (now - earliest).total_seconds()) if earliest is not None else 0.0


def record_beat(rt: Runtime, owner: str, started_at: datetime, fired: int, failed: int) -> None:
    """Note that ``owner`` has just swept (adding what it fired and what failed); drop the
    beats of schedulers silent for a week."""
    now = datetime.now(UTC)
    with rt.db.transaction() as conn:
        changed = conn.execute(
            update(scheduler_beats)
            .where(scheduler_beats.c.owner == owner)
            .values(beat_at=now, fired=scheduler_beats.c.fired + fired,
                    failed=scheduler_beats.c.failed + failed)
        ).rowcount  # fmt: skip
        if not changed:
            conn.execute(insert(scheduler_beats).values(
                owner=owner, started_at=started_at, beat_at=now, fired=fired, failed=failed,
            ))  # fmt: skip
        gone = now - timedelta(days=FORGET_AFTER_DAYS)
        conn.execute(delete(scheduler_beats).where(scheduler_beats.c.beat_at < gone))


def list_scheduler_beats(rt: Runtime) -> list[Beat]:
    """Every scheduler heard from in the last week, the most recently heard first."""
    with rt.db.reading() as conn:
        rows = conn.execute(select(scheduler_beats).order_by(scheduler_beats.c.beat_at.desc()))
        return [
            Beat(r.owner, as_utc(r.started_at), as_utc(r.beat_at), r.fired, r.failed) for r in rows
        ]
