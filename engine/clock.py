"""Where Sif gets the time. Every timestamp Sif writes comes from a ``Clock``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, UTC."""
        ...


class RealClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; Sif stores UTC, so attach it."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
